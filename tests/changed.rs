//! `check --changed BASE` on a git repository built by the test: the findings in files changed
//! since BASE and those the change causes in unchanged files, and none of the findings the
//! unchanged files already had.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use harness::git;
use std::path::Path;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn register(component: &str, risk: &str) -> String {
    format!(
        "{{\n  \"component\": \"{component}\",\n  \"title\": \"T\",\n  \"risks\": [\n    {{\n      \"id\": \"r\",\n      \"title\": \"R\",\n      {risk}\n    }}\n  ]\n}}\n"
    )
}

fn commit(dir: &Path, message: &str) {
    harness::commit_all(dir, message);
}

/// A repository whose first commit has an old finding (a critical risk without a runbook in
/// `db.json`) that no change touches.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        "registers/api.json",
        &register(
            "api",
            r#""likelihood": "low",
      "impact": "low",
      "alerts": ["ApiDown"],
      "runbook": "runbooks/ops.md#restart",
      "status": "open""#,
        ),
    );
    write(
        root,
        "registers/db.json",
        &register(
            "db",
            r#""likelihood": "very-high",
      "impact": "very-high",
      "mitigation": "m",
      "status": "open""#,
        ),
    );
    write(
        root,
        "runbooks/ops.md",
        "# Ops\n\n## Restart\n\nRestart it.\n",
    );
    write(
        root,
        "monitoring/prometheus/api.rules.yml",
        "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: up == 0\n",
    );
    commit(root, "first");
    dir
}

fn changed(dir: &Path, base: &str) -> (Vec<(String, String)>, std::process::Output) {
    let out = harness::run_in(dir, &["check", "--changed", base, "--format", "json"], &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    (found, out)
}

#[test]
fn a_change_reports_its_own_findings_and_those_it_causes_not_the_old_ones() {
    let dir = repository();
    let root = dir.path();
    // The whole check sees the old finding.
    let all = harness::run_in(root, &["check"], &[]);
    assert!(String::from_utf8_lossy(&all.stdout).contains("[no-runbook]"));
    // Nothing changed: nothing to say.
    let (found, out) = changed(root, "HEAD");
    assert_eq!(found, []);
    assert_eq!(out.status.code(), Some(0));
    // The runbook's heading renamed (the unchanged api.json's link breaks), the alert renamed
    // (its unchanged risk names it still), and a new, broken register not yet tracked.
    write(
        root,
        "runbooks/ops.md",
        "# Ops\n\n## Reboot\n\nReboot it.\n",
    );
    write(
        root,
        "monitoring/prometheus/api.rules.yml",
        "groups:\n  - name: api\n    rules:\n      - alert: ApiUnavailable\n        expr: up == 0\n",
    );
    write(root, "registers/new.json", "{\"component\": \"new\",");
    let tmp = tempfile::tempdir().unwrap();
    let out = harness::run_in(
        root,
        &["check", "--changed", "HEAD"],
        &[("TMPDIR", tmp.path().to_str().unwrap())],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.ends_with("in 3 files changed since HEAD and what they break\n"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
    // The base's copy was removed.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    let (found, _) = changed(root, "HEAD");
    assert_eq!(
        found,
        [
            // The renamed alert is named by no risk now: in the changed file itself.
            (
                "monitoring/prometheus/api.rules.yml".to_owned(),
                "alert-uncovered".to_owned()
            ),
            ("registers/api.json".to_owned(), "alert-missing".to_owned()),
            ("registers/api.json".to_owned(), "anchor-missing".to_owned()),
            ("registers/new.json".to_owned(), "json-syntax".to_owned()),
        ]
    );
    // Committed on a branch: `main...HEAD` compares with where the branch left main.
    git(root, &["checkout", "-q", "-b", "feature"]);
    commit(root, "change");
    let (since_main, _) = changed(root, "main...HEAD");
    assert_eq!(since_main, found);
    let (since_head, _) = changed(root, "HEAD");
    assert_eq!(since_head, [], "nothing since the branch's own commit");
    // SARIF too, with the same results.
    let sarif = harness::run_in(
        root,
        &["check", "--changed", "main", "--format", "sarif"],
        &[],
    );
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 4);
}

#[test]
fn an_unknown_base_or_no_repository_is_a_usage_error() {
    let dir = repository();
    let out = harness::run_in(dir.path(), &["check", "--changed", "nope"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown revision `nope`"));
    let plain = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(plain.path().join("registers")).unwrap();
    let out = harness::run_in(plain.path(), &["check", "--changed", "HEAD"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in a git repository"));
}
