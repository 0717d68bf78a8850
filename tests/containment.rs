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
    faultline::effects::run(&mut app);
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
