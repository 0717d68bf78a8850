//! Files that declare more than they hold (spreadsheet dimensions and repeats, YAML aliases,
//! a huge committed blob, long runbooks), each generated here and each refused or read within
//! a bounded amount of memory. Peak memory is read from the children's `getrusage`: every
//! child this test binary waits for must stay under the bar, so the largest of them is checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// The bar for any single input of at most 16 MiB.
const PEAK_LIMIT_MB: i64 = 200;

/// The largest resident set of any child this process has waited for, in MB.
fn children_peak_mb() -> i64 {
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    // Linux reports ru_maxrss in KiB.
    usage.max_rss() / 1024
}

fn faultline(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("FAULTLINE_TODAY", "2026-11-24")
        .output()
        .unwrap();
    let peak = children_peak_mb();
    assert!(
        peak < PEAK_LIMIT_MB,
        "faultline {args:?} (or an earlier child) peaked at {peak} MB"
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["registers", "runbooks"] {
        fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    fs::write(
        dir.path().join("registers/api.json"),
        "{\n  \"component\": \"api\"\n}\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_huge_register_committed_to_git_is_refused_by_its_blob_size() {
    let dir = workspace();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    // 64 MiB of one repeated byte: a few KB in .git, four times the limit once read.
    let mut big = String::from("{\n  \"component\": \"api\",\n  \"description\": \"");
    big.push_str(&"a".repeat(64 * 1024 * 1024));
    big.push_str("\"\n}\n");
    fs::write(root.join("registers/api.json"), &big).unwrap();
    drop(big);
    git(root, &["commit", "-qam", "huge"]);
    let out = faultline(root, &["diff", "HEAD~1", "HEAD", "--format", "markdown"]);
    let text = stdout(&out);
    assert!(
        text.contains("file-too-large") || text.contains("over the 16 MiB limit"),
        "{text}\n{}",
        stderr(&out)
    );
    // textconv gets the blob as a file from git: the same limit.
    let out = faultline(root, &["textconv", "registers/api.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("over the 16 MiB limit"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn one_big_string_aliased_a_thousand_times_is_refused_at_its_alias() {
    let dir = workspace();
    let root = dir.path();
    fs::create_dir_all(root.join("monitoring/prometheus")).unwrap();
    // 5.5 MB anchored once, aliased 1,000 times: 5.5 GB once expanded.
    let mut yaml = String::from("groups:\n  - name: big\n    big: &big \"");
    yaml.push_str(&"x".repeat(5_500_000));
    yaml.push_str("\"\n    rules:\n");
    for i in 0..1_000 {
        yaml.push_str(&format!("      - alert: A{i}\n        expr: *big\n"));
    }
    fs::write(root.join("monitoring/prometheus/big.rules.yml"), &yaml).unwrap();
    let out = faultline(root, &["check"]);
    let text = stdout(&out);
    let finding = text
        .lines()
        .find(|l| l.contains("monitoring-unparseable"))
        .unwrap_or_else(|| panic!("{text}\n{}", stderr(&out)));
    assert!(
        finding.starts_with("monitoring/prometheus/big.rules.yml:")
            && finding.contains("aliases expand to more than"),
        "{finding}"
    );
    // The first aliases fit in the budget (4 × 5.5 MB); a later one is named.
    let line: usize = finding.split(':').nth(1).unwrap().parse().unwrap();
    assert!(line > 5, "{finding}");
    let out = faultline(root, &["alerts"]);
    assert!(out.status.code().is_some(), "{}", stderr(&out));
}

#[test]
fn a_backstage_catalog_with_an_alias_bomb_is_refused() {
    let dir = workspace();
    let root = dir.path();
    let mut yaml = String::from(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\n  description: &d \"",
    );
    yaml.push_str(&"y".repeat(2_000_000));
    yaml.push_str("\"\nspec:\n  dependsOn:\n");
    for _ in 0..500 {
        yaml.push_str("    - *d\n");
    }
    fs::write(root.join("catalog-info.yaml"), &yaml).unwrap();
    let out = faultline(
        root,
        &["import", "backstage", "catalog-info.yaml", "--dry-run"],
    );
    assert!(
        stderr(&out).contains("catalog-info.yaml:") && stderr(&out).contains("aliases expand"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}
