//! `faultline readiness` on a workspace whose figures are worked out by hand below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use serde_json::Value;

/// Today is pinned at 2026-11-24 (`harness::run_in`).
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("registers")).unwrap();
    std::fs::create_dir_all(root.join("runbooks")).unwrap();
    std::fs::create_dir_all(root.join("monitoring/prometheus")).unwrap();
    std::fs::write(root.join("runbooks/a.md"), "# A\n\n## Steps\n\n- [ ] one\n").unwrap();
    std::fs::write(
        root.join("monitoring/prometheus/svc.rules.yml"),
        "groups:\n  - name: svc\n    rules:\n      - alert: A\n        expr: up == 0\n",
    )
    .unwrap();
    std::fs::write(
        root.join("registers/svc.json"),
        r#"{
  "component": "svc",
  "title": "Service",
  "risks": [
    {
      "id": "a",
      "title": "A: 16, rehearsed 30 days ago, every step, runbook and alert fine: 100",
      "likelihood": "high",
      "impact": "high",
      "alerts": ["A"],
      "runbook": "runbooks/a.md#steps",
      "status": "open",
      "last_rehearsed": "2026-10-25",
      "rehearsals": [{"date": "2026-10-25", "kind": "gameday", "steps_done": 3, "steps_total": 3}]
    },
    {
      "id": "b",
      "title": "B: 6, 120 days (75), runbook missing (-25), alert undefined (-25): 25",
      "likelihood": "low",
      "impact": "medium",
      "alerts": ["Gone"],
      "runbook": "runbooks/nope.md",
      "status": "open",
      "last_rehearsed": "2026-07-27"
    },
    {
      "id": "c",
      "title": "C: 2, never rehearsed: 0",
      "likelihood": "very-low",
      "impact": "low",
      "status": "open"
    },
    {
      "id": "d",
      "title": "D: 9, 200 days (50), last rehearsal 2 of 5 steps (-25): 25",
      "likelihood": "medium",
      "impact": "medium",
      "alerts": ["A"],
      "runbook": "runbooks/a.md",
      "status": "open",
      "last_rehearsed": "2026-05-08",
      "rehearsals": [{"date": "2026-05-08", "kind": "gameday", "steps_done": 2, "steps_total": 5}]
    }
  ]
}
"#,
    )
    .unwrap();
    dir
}

#[test]
fn readiness_is_the_score_weighted_mean_and_the_actions_are_the_biggest_gains() {
    let dir = workspace();
    let out = harness::run_in(dir.path(), &["readiness", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let risks = &report["components"][0]["risks"];
    let readiness: Vec<u64> = (0..4)
        .map(|i| risks[i]["readiness"].as_u64().unwrap())
        .collect();
    assert_eq!(readiness, [100, 25, 0, 25]);
    assert_eq!(
        risks[1]["gaps"],
        serde_json::json!([
            "rehearsed 120 days ago",
            "its runbook link is broken (`runbooks/nope.md` does not exist)",
            "its alert Gone is not defined"
        ])
    );
    // (16 × 100 + 6 × 25 + 2 × 0 + 9 × 25) / (16 + 6 + 2 + 9) = 1975 / 33 = 59.8.
    assert_eq!(report["components"][0]["readiness"], 60);
    assert_eq!(report["readiness"], 60);
    // Rehearsing d brings it to 75 (its failed steps still cost 25): 9 × 50 / 33 = 13.64.
    // Rehearsing b: 50 (runbook and alert still missing): 6 × 25 / 33 = 4.55.
    // Rehearsing c: 50 (no runbook, no alert): 2 × 50 / 33 = 3.03.
    let actions: Vec<(String, f64)> = report["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_owned(),
                a["workspace_gain"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("rehearse svc/d (rehearsed 200 days ago)".to_owned(), 13.64),
            ("rehearse svc/b (rehearsed 120 days ago)".to_owned(), 4.55),
            ("rehearse svc/c (never rehearsed)".to_owned(), 3.03),
        ]
    );
    let text = harness::run_in(dir.path(), &["readiness"], &[]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with("readiness 60 over 1 component (4 risks, weighted by score)"),
        "{text}"
    );
    assert!(text.contains("       60  svc        3 of 4"), "{text}");
    assert!(
        text.contains("  +13.64  rehearse svc/d (rehearsed 200 days ago) (svc +13.6)"),
        "{text}"
    );
}

/// Without monitoring config, naming no alert costs nothing: there is nothing to name.
#[test]
fn without_monitoring_config_alerts_do_not_count() {
    let dir = workspace();
    std::fs::remove_dir_all(dir.path().join("monitoring")).unwrap();
    let out = harness::run_in(dir.path(), &["readiness", "--format", "json"], &[]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // b: 75 − 25 (runbook) = 50; (1600 + 300 + 0 + 225) / 33 = 64.4.
    assert_eq!(report["components"][0]["risks"][1]["readiness"], 50);
    assert_eq!(report["readiness"], 64);
}

/// `list` gives each risk's readiness (CSV, JSON) and sorts by it, least ready first, the
/// table showing it in the budget's place.
#[test]
fn list_shows_and_sorts_by_readiness() {
    let dir = workspace();
    let out = harness::run_in(
        dir.path(),
        &["list", "--sort", "readiness", "--format", "json"],
        &[],
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let order: Vec<(&str, u64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["readiness"].as_u64().unwrap()))
        .collect();
    // Least ready first; at equal readiness, the higher score (d 9 before b 6).
    assert_eq!(order, [("c", 0), ("d", 25), ("b", 25), ("a", 100)]);
    let csv = harness::run_in(dir.path(), &["list", "--format", "csv"], &[]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",readiness"));
    assert!(csv.lines().nth(1).unwrap().ends_with(",100"), "{csv}");
    let table = harness::run_in(dir.path(), &["list", "--sort", "readiness"], &[]);
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.starts_with("SCORE BAND L×I STATUS      READY RISK"),
        "{table}"
    );
    assert!(
        table
            .lines()
            .nth(1)
            .unwrap()
            .contains("open            0 svc/c"),
        "{table}"
    );
}

/// The HTML report carries the readiness: the figure, each component's, the actions, and a
/// column in the table of risks.
#[test]
fn the_html_report_shows_readiness() {
    let dir = workspace();
    let out = harness::run_in(dir.path(), &["export", "--format", "html"], &[]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.contains("<p>Readiness 60 of 100, weighted by score"),
        "{html}"
    );
    assert!(html.contains(
        "<tr><td><code>svc</code></td><td class=\"n\">60</td><td class=\"n\">3 of 4</td><td class=\"prose\">d: rehearsed 200 days ago</td></tr>"
    ));
    assert!(html.contains(
        "<li>+13.64 rehearse svc/d (rehearsed 200 days ago) (<code>svc</code> +13.6)</li>"
    ));
    assert!(html.contains("<th>status</th><th>ready</th>"));
}
