//! Writes stay inside the workspace and under the names they had: a stub through a symlinked
//! runbook directory that leads out, a symlinked register (written through when its target is
//! inside, refused when not), a register file whose name is not UTF-8, and timelines created on
//! a full disk or appended to with several open.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use harness::{app_for, press, run_in};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

/// Every file below `dir`, as paths relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_stub_never_follows_a_symlinked_directory_out_of_the_workspace() {
    let dir = harness::example_copy();
    let elsewhere = tempfile::tempdir().unwrap();
    symlink(elsewhere.path(), dir.path().join("runbooks/shared")).unwrap();
    let path = dir.path().join("registers/session-cache.json");
    let text = fs::read_to_string(&path).unwrap().replace(
        "runbooks/cache/redis-eviction-storm.md#stop-the-bleeding",
        "runbooks/shared/deep/new/pwn.md",
    );
    fs::write(&path, text).unwrap();
    let mut app = app_for(dir.path(), false);
    press(&mut app, "G tab r");
    press(&mut app, "y");
    press(&mut app, "ctrl-s");
    assert_eq!(
        files(elsewhere.path()),
        Vec::<String>::new(),
        "written outside"
    );
    assert!(
        !elsewhere.path().join("deep").exists(),
        "a directory created outside"
    );
}

#[test]
fn a_symlinked_register_is_written_through_inside_and_refused_outside() {
    let dir = harness::example_copy();
    let root = dir.path();
    // Inside: registers/orders-db.json -> ../shared/orders-db.json, not in canonical form.
    fs::create_dir_all(root.join("shared")).unwrap();
    let text = fs::read_to_string(root.join("registers/orders-db.json")).unwrap();
    let compact: serde_json::Value = serde_json::from_str(&text).unwrap();
    fs::write(root.join("shared/orders-db.json"), compact.to_string()).unwrap();
    fs::remove_file(root.join("registers/orders-db.json")).unwrap();
    symlink(
        "../shared/orders-db.json",
        root.join("registers/orders-db.json"),
    )
    .unwrap();
    // Outside: registers/cdn-static.json -> a file in another directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(root.join("registers/cdn-static.json")).unwrap();
    let compact: serde_json::Value = serde_json::from_str(&text).unwrap();
    let outside = elsewhere.path().join("cdn-static.json");
    fs::write(&outside, compact.to_string()).unwrap();
    fs::remove_file(root.join("registers/cdn-static.json")).unwrap();
    symlink(&outside, root.join("registers/cdn-static.json")).unwrap();

    let out = run_in(root, &["fmt"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("registers/cdn-static.json leads outside the workspace"),
        "{stderr}"
    );
    // The link inside is still a link, and its target got the canonical form.
    let link = root.join("registers/orders-db.json");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(root.join("shared/orders-db.json")).unwrap(),
        text_of(root, "shared/orders-db.json", true)
    );
    // The one outside is untouched, and still a link.
    assert_eq!(fs::read_to_string(&outside).unwrap(), compact.to_string());
    assert!(
        fs::symlink_metadata(root.join("registers/cdn-static.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // The TUI's save writes through the link too.
    let mut app = app_for(root, false);
    let before = fs::read_to_string(root.join("shared/orders-db.json")).unwrap();
    let i = app
        .ws
        .components
        .iter()
        .position(|c| c.stem == "orders-db")
        .unwrap();
    for _ in 0..i {
        press(&mut app, "j");
    }
    press(&mut app, "tab 1 ctrl-s");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let after = fs::read_to_string(root.join("shared/orders-db.json")).unwrap();
    assert_ne!(before, after, "{:?}", app.status);
    assert!(after.contains("\"very-low\""), "{after}");
}

/// The canonical form of the register at `rel` (as `fmt` writes it).
fn text_of(root: &Path, rel: &str, canonical: bool) -> String {
    let text = fs::read_to_string(root.join(rel)).unwrap();
    if !canonical {
        return text;
    }
    let reg = faultline::parse::parse_register(Path::new(rel), &text).unwrap();
    faultline::model::to_canonical(&reg)
}

#[test]
fn a_register_whose_name_is_not_utf8_is_reported_and_never_written() {
    use std::os::unix::ffi::OsStrExt;
    let dir = harness::example_copy();
    let root = dir.path();
    let odd = root.join(std::ffi::OsStr::from_bytes(
        b"registers/api-gateway\xff.json",
    ));
    fs::rename(root.join("registers/api-gateway.json"), &odd).unwrap();
    let before = files(&root.join("registers"));
    let out = run_in(root, &["check"], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .contains("registers/api-gateway\u{fffd}.json:1:1: error: the file name is not UTF-8"),
        "{stdout}"
    );
    let mut app = app_for(root, false);
    assert!(
        app.ws
            .components
            .iter()
            .all(|c| c.stem != "api-gateway\u{fffd}")
    );
    // Edit the first component and save; nothing new appears under any name.
    press(&mut app, "tab 1 ctrl-s");
    app.run_effects();
    assert_eq!(files(&root.join("registers")), before);
    let out = run_in(root, &["fmt"], &[]);
    assert_eq!(files(&root.join("registers")), before, "{out:?}");
}

#[test]
fn incident_new_on_a_full_disk_leaves_nothing_and_names_the_path() {
    let dir = harness::example_copy();
    let root = dir.path();
    let out = run_in(
        root,
        &["incident", "new", "Checkout down"],
        &[("FAULTLINE_TEST_WRITE_ERROR", "1")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("cannot write incidents/2026-11-24-checkout-down.jsonl: nothing was created"),
        "{stderr}"
    );
    let left: Vec<String> = fs::read_dir(root.join("incidents"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        !left.iter().any(|n| n.contains("checkout-down")),
        "{left:?}"
    );
}

#[test]
fn incident_log_without_a_file_refuses_to_guess_between_two_open_ones() {
    let dir = harness::example_copy();
    let root = dir.path();
    for title in ["Checkout down", "Search slow"] {
        let out = run_in(root, &["incident", "new", title], &[]);
        assert!(out.status.success(), "{out:?}");
    }
    let before: Vec<String> = ["checkout-down", "search-slow"]
        .iter()
        .map(|s| fs::read_to_string(root.join(format!("incidents/2026-11-24-{s}.jsonl"))).unwrap())
        .collect();
    let out = run_in(root, &["incident", "log", "--kind", "note", "hello"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("incidents/2026-11-24-checkout-down.jsonl"),
        "{stderr}"
    );
    assert!(
        stderr.contains("incidents/2026-11-24-search-slow.jsonl"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was logged"), "{stderr}");
    let after: Vec<String> = ["checkout-down", "search-slow"]
        .iter()
        .map(|s| fs::read_to_string(root.join(format!("incidents/2026-11-24-{s}.jsonl"))).unwrap())
        .collect();
    assert_eq!(before, after);
    // Naming one works.
    let out = run_in(
        root,
        &[
            "incident",
            "log",
            "incidents/2026-11-24-search-slow.jsonl",
            "--kind",
            "note",
            "hello",
        ],
        &[],
    );
    assert!(out.status.success(), "{out:?}");
}

/// A CSV of `n` components, one risk each.
fn many_components(n: usize) -> String {
    let mut csv = String::from("Component,Risk,Likelihood,Impact\n");
    for i in 0..n {
        csv.push_str(&format!("comp-{i:05},Risk {i},high,low\n"));
    }
    csv
}

fn register_names(root: &Path) -> Vec<String> {
    files(&root.join("registers"))
}

#[test]
fn an_import_killed_at_any_moment_writes_all_its_registers_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("registers")).unwrap();
    fs::write(
        root.join("registers/base.json"),
        "{\n  \"component\": \"base\"\n}\n",
    )
    .unwrap();
    fs::write(root.join("many.csv"), many_components(2_010)).unwrap();
    fs::write(
        root.join("one.csv"),
        "Component,Risk,Likelihood,Impact\nzz,One,low,low\n",
    )
    .unwrap();
    let base = register_names(root);
    let mut outcomes = Vec::new();
    // The last one is never killed: it runs to the end.
    for delay_ms in [
        0,
        5,
        15,
        30,
        60,
        100,
        160,
        250,
        400,
        700,
        1_000,
        1_500,
        2_500,
        u64::MAX,
    ] {
        // Back to the base state.
        for name in register_names(root) {
            if !base.contains(&name) {
                fs::remove_file(root.join("registers").join(&name)).unwrap();
            }
        }
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"))
            .args(["import", "many.csv"])
            .current_dir(root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if delay_ms < u64::MAX {
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let _ = child.kill();
        }
        let _ = child.wait();
        // The next import finishes or removes what the killed one left.
        let out = run_in(root, &["import", "one.csv"], &[]);
        assert!(out.status.success(), "{out:?}");
        let names = register_names(root);
        let imported = names.iter().filter(|n| n.starts_with("comp-")).count();
        assert!(
            imported == 0 || imported == 2_010,
            "after a kill at {delay_ms} ms: {imported} of 2,010 registers"
        );
        assert!(
            names.iter().all(|n| !n.starts_with('.')),
            "leftovers after the next run: {names:?}"
        );
        outcomes.push((
            delay_ms,
            imported,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    // The kills landed before and after the commit (or the run finished): both ends were seen.
    assert!(outcomes.iter().any(|(_, n, _)| *n == 2_010), "{outcomes:?}");
}

#[test]
fn import_refuses_to_write_a_register_faultline_would_not_load() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("registers")).unwrap();
    // 9 MB of backslashes, each written twice in JSON: an 18 MB register from a 9 MB sheet.
    let mut csv = String::from("Component,Risk,Likelihood,Impact,Description\n");
    let long = "\\".repeat(1_000_000);
    for i in 0..9 {
        csv.push_str(&format!("pay,Risk {i},high,low,{long}\n"));
    }
    fs::write(root.join("big.csv"), csv).unwrap();
    let out = run_in(root, &["import", "big.csv"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "registers/pay.json would be 18 MiB, over the 16 MiB faultline loads: nothing written"
        ),
        "{stderr}"
    );
    assert_eq!(register_names(root), Vec::<String>::new());
}

#[test]
fn import_writes_through_a_symlinked_register_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("registers")).unwrap();
    fs::create_dir_all(root.join("shared")).unwrap();
    fs::write(
        root.join("shared/kafka.json"),
        "{\n  \"component\": \"kafka\",\n  \"title\": \"Kafka\"\n}\n",
    )
    .unwrap();
    symlink("../shared/kafka.json", root.join("registers/kafka.json")).unwrap();
    fs::write(
        root.join("s.csv"),
        "Component,Risk,Likelihood,Impact\nkafka,Consumer lag,high,high\n",
    )
    .unwrap();
    let out = run_in(root, &["import", "s.csv"], &[]);
    assert!(out.status.success(), "{out:?}");
    let link = root.join("registers/kafka.json");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = fs::read_to_string(root.join("shared/kafka.json")).unwrap();
    assert!(text.contains("Consumer lag"), "{text}");
    // No temporary is left beside either.
    assert!(
        files(&root.join("shared"))
            .iter()
            .all(|n| !n.starts_with('.'))
    );
    assert!(
        files(&root.join("registers"))
            .iter()
            .all(|n| !n.starts_with('.'))
    );
}
