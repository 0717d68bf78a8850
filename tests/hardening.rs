//! Hardening: a save killed at any instant leaves the old file or the new one, and no litter;
//! a full disk or a read-only directory loses nothing (the edits stay in memory and in the
//! recovery journal, the file on disk is untouched), for registers and for timelines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use faultline::store::save_atomic;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[path = "support/harness.rs"]
mod harness;

/// A large register (about 2 MB), in two versions that differ in every risk.
fn two_versions() -> (String, String) {
    let mut reg = faultline::model::Register::new("big");
    for i in 0..4000 {
        let mut risk = faultline::model::Risk::new(&format!("risk-{i}"), &format!("Risk {i}"));
        risk.description = "The service retries with backoff and the operator checks the dashboard before changing capacity, so that customers see no errors. ".repeat(3);
        reg.risks.push(risk);
    }
    let old = faultline::model::to_canonical(&reg);
    for risk in &mut reg.risks {
        risk.title.push_str(" (new)");
    }
    (old, faultline::model::to_canonical(&reg))
}

/// Run as a child by `saves_survive_sigkill_at_any_moment`: reads the two versions the parent
/// wrote, says it is ready, then saves them in turn, for ever, until killed.
#[test]
fn save_loop_child() {
    let Some(target) = std::env::var_os("FAULTLINE_SAVE_LOOP") else {
        return;
    };
    let target = PathBuf::from(target);
    let old = std::fs::read(target.with_extension("old")).unwrap();
    let new = std::fs::read(target.with_extension("new")).unwrap();
    println!("ready");
    loop {
        save_atomic(&target, &new).unwrap();
        save_atomic(&target, &old).unwrap();
    }
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// 1,000 times: a process saving a 2 MB register in a loop is killed with SIGKILL after a
/// random moment. The file is always the whole old version or the whole new one, and no
/// temporary is left beyond the one the killed save was writing (the next save clears it).
#[test]
fn saves_survive_sigkill_at_any_moment() {
    let kills: usize = std::env::var("FAULTLINE_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.json");
    let (old, new) = two_versions();
    std::fs::write(&target, &old).unwrap();
    // The versions live beside the target, outside what a save touches (`big.old`, `big.new`).
    std::fs::write(target.with_extension("old"), &old).unwrap();
    std::fs::write(target.with_extension("new"), &new).unwrap();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let (mut saw_old, mut saw_new) = (0, 0);
    for round in 0..kills {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "save_loop_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("FAULTLINE_SAVE_LOOP", &target)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until it is saving, then let it run a random while: 0 to 20 ms, several saves.
        let mut ready = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        while !ready.contains("ready") {
            ready.clear();
            let read = std::io::BufRead::read_line(&mut out, &mut ready).unwrap();
            assert!(read > 0, "the saving child ended before it was ready");
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(seed % 20_000));
        child.kill().unwrap();
        child.wait().unwrap();
        let text = std::fs::read_to_string(&target).unwrap();
        if text == old {
            saw_old += 1;
        } else if text == new {
            saw_new += 1;
        } else {
            panic!("round {round}: the file is torn ({} bytes)", text.len());
        }
        let litter = temporaries(dir.path());
        assert!(litter.len() <= 1, "round {round}: {litter:?}");
    }
    // The kills landed on both sides of the rename, or the test proved nothing.
    assert!(
        kills < 100 || (saw_old > 0 && saw_new > 0),
        "old {saw_old}, new {saw_new}"
    );
}

/// A small file system of our own, when the machine lets us mount one (root on Linux).
struct SmallFs {
    dir: tempfile::TempDir,
}

impl SmallFs {
    fn mount(size: &str) -> Option<SmallFs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then_some(SmallFs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.dir.path())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills a file system until a write fails.
fn fill(dir: &Path) {
    use std::io::Write as _;
    let mut file = std::fs::File::create(dir.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while file.write_all(&block).is_ok() {}
    let _ = file.sync_all();
}

/// How a write is made to fail: a full or read-only tmpfs, or, where none can be mounted, the
/// injected error (`FAULTLINE_TEST_WRITE_ERROR`) on the child process.
enum Failure {
    Mounted(SmallFs),
    Injected(tempfile::TempDir),
}

impl Failure {
    fn full() -> Failure {
        match SmallFs::mount("1m") {
            Some(fs) => Failure::Mounted(fs),
            None => Failure::Injected(tempfile::tempdir().unwrap()),
        }
    }

    fn root(&self) -> &Path {
        match self {
            Failure::Mounted(fs) => fs.path(),
            Failure::Injected(dir) => dir.path(),
        }
    }

    /// Makes writes fail from now on: fills the disk (or makes it read-only).
    fn arm(&self, read_only: bool) {
        if let Failure::Mounted(fs) = self {
            if read_only {
                assert!(fs.remount_read_only());
            } else {
                fill(fs.path());
            }
        }
    }

    fn env(&self) -> Vec<(&'static str, &'static str)> {
        match self {
            Failure::Mounted(_) => vec![],
            Failure::Injected(_) => vec![("FAULTLINE_TEST_WRITE_ERROR", "1")],
        }
    }
}

fn example_into(root: &Path) {
    harness::copy_tree(&harness::repo().join("registers"), &root.join("registers"));
    harness::copy_tree(&harness::repo().join("runbooks"), &root.join("runbooks"));
}

/// The TUI: an edit saved onto a full disk, then onto a read-only one.
fn save_fails_and_keeps_everything(read_only: bool) {
    let failure = Failure::full();
    let root = failure.root().to_path_buf();
    example_into(&root);
    let data = tempfile::tempdir().unwrap();
    let mut app = harness::app_for(&root, false);
    app.journal = Some(faultline::recovery::Journal::new(data.path(), &root));
    let file = root.join("registers/payments-api.json");
    let before = std::fs::read(&file).unwrap();
    // To payments-api's risks, then likelihood 5, impact 4: an edit, journaled.
    harness::press(&mut app, "j j j j j j j j tab 5 4");
    assert!(!app.dirty_paths().is_empty());
    failure.arm(read_only);
    if matches!(failure, Failure::Injected(_)) {
        faultline::store::inject_write_errors(true);
    }
    harness::press(&mut app, "ctrl-s");
    let status = app.status.clone().unwrap_or_default();
    assert!(
        status.starts_with("NOT saved registers/payments-api.json"),
        "{status}"
    );
    assert!(status.contains("your edits are kept"), "{status}");
    assert_eq!(std::fs::read(&file).unwrap(), before, "the file changed");
    assert!(!app.dirty_paths().is_empty(), "the edit was dropped");
    let journal = app.journal.as_ref().unwrap().read();
    let entry = journal
        .get(Path::new("registers/payments-api.json"))
        .expect("the edit is in the recovery journal");
    let risk = entry
        .register
        .as_ref()
        .unwrap()
        .risks
        .iter()
        .find(|r| r.id == "concurrency-limit")
        .unwrap();
    assert_eq!(risk.likelihood, faultline::model::Level::VeryHigh);
    assert!(temporaries(&root.join("registers")).is_empty());
    // Quitting asks, since the edit is still unsaved.
    harness::press(&mut app, "q");
    assert!(!app.should_quit);
}

#[test]
fn a_full_disk_keeps_the_edits_and_the_file() {
    save_fails_and_keeps_everything(false);
}

#[test]
fn a_read_only_directory_keeps_the_edits_and_the_file() {
    save_fails_and_keeps_everything(true);
}

#[test]
fn appending_to_a_timeline_on_a_full_disk_is_refused_and_the_file_is_untouched() {
    let failure = Failure::full();
    let root = failure.root().to_path_buf();
    example_into(&root);
    let run = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_faultline"));
        command
            .args(args)
            .arg("--workspace")
            .arg(&root)
            .env("NO_COLOR", "1")
            .env("FAULTLINE_NOW", "2026-11-24T10:00:00Z");
        for (key, value) in failure.env() {
            command.env(key, value);
        }
        command.output().unwrap()
    };
    let created = run(&["incident", "new", "Checkout returns 502"]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let file = std::fs::read_dir(root.join("incidents"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let before = std::fs::read(&file).unwrap();
    failure.arm(false);
    let logged = run(&[
        "incident",
        "log",
        file.to_str().unwrap(),
        "--kind",
        "note",
        "a long note ".repeat(2000).as_str(),
    ]);
    assert_eq!(logged.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&logged.stderr);
    assert!(
        stderr.contains("cannot write") && stderr.contains("No space left"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "a partial line was left behind"
    );
}
