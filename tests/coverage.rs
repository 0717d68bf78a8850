//! Blind spots: a risk's category (configurable), the coverage grid in the TUI and the HTML
//! report, check's category, recovery and security rules, readiness counting the categories
//! a component never considered, import of a Category column; accepted risks apart in the
//! heat map and `list --sort accepted`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use harness::{app_for, press, run_in, screen};
use std::path::Path;

fn risk(id: &str, category: &str, extra: &str) -> String {
    format!(
        r#"{{
      "id": "{id}",
      "title": "{id}",
      "category": "{category}",
      "likelihood": "medium",
      "impact": "high",
      "status": "open"{extra}
    }}"#
    )
}

/// `db` promises availability without a recovery time and has no recoverability risk; `api`
/// has one, but its security risk was never rehearsed; one risk's category is misspelt.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("registers")).unwrap();
    let register = |id: &str, objectives: &str, risks: &[String]| {
        format!(
            "{{\n  \"component\": \"{id}\",\n  \"title\": \"{id}\",\n{objectives}  \"risks\": [\n    {}\n  ]\n}}\n",
            risks.join(",\n    ")
        )
    };
    std::fs::write(
        d.join("registers/db.json"),
        register(
            "db",
            "  \"objectives\": {\n    \"availability\": 99.9\n  },\n",
            &[risk("slow", "scalability", ""), risk("typo", "securty", "")],
        ),
    )
    .unwrap();
    std::fs::write(
        d.join("registers/api.json"),
        register(
            "api",
            "  \"objectives\": {\n    \"availability\": 99.9,\n    \"rto_minutes\": 30\n  },\n",
            &[
                risk("restore", "recoverability", ""),
                risk("leak", "security", ""),
                risk(
                    "accepted",
                    "cost",
                    r#",
      "accepted_by": "Ana",
      "accepted_until": "2028-01-01""#,
                )
                .replace("\"status\": \"open\"", "\"status\": \"accepted\""),
            ],
        ),
    )
    .unwrap();
    dir
}

fn findings(d: &Path) -> Vec<(String, String, String)> {
    let out = run_in(d, &["check", "--format", "json"], &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .filter(|(rule, _, _)| {
            [
                "unknown-category",
                "no-recovery-objectives",
                "no-recoverability-risk",
                "security-never-rehearsed",
            ]
            .contains(&rule.as_str())
        })
        .collect()
}

#[test]
fn check_finds_the_blind_spots() {
    let dir = workspace();
    let found = findings(dir.path());
    let rules: Vec<&str> = found.iter().map(|(r, _, _)| r.as_str()).collect();
    assert_eq!(
        rules,
        [
            "security-never-rehearsed",
            "no-recoverability-risk",
            "no-recovery-objectives",
            "unknown-category"
        ],
        "{found:#?}"
    );
    assert!(
        found[3].2.contains("did you mean `security`?"),
        "{}",
        found[3].2
    );
    // Rehearse the security risk: that finding goes.
    let path = dir.path().join("registers/api.json");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "\"category\": \"security\",\n      \"likelihood\": \"medium\",\n      \"impact\": \"high\",\n      \"status\": \"open\"",
        "\"category\": \"security\",\n      \"likelihood\": \"medium\",\n      \"impact\": \"high\",\n      \"status\": \"open\",\n      \"last_rehearsed\": \"2026-11-01\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
    // Categories the workspace chose itself (recoverability still among them): the rest stay.
    std::fs::write(
        dir.path().join("faultline.toml"),
        "[register]\ncategories = [\"Reliability\", \"security\", \"scalability\", \"recoverability\", \"cost\"]\n",
    )
    .unwrap();
    let rules: Vec<String> = findings(dir.path())
        .into_iter()
        .map(|(r, _, _)| r)
        .collect();
    assert_eq!(
        rules,
        [
            "no-recoverability-risk",
            "no-recovery-objectives",
            "unknown-category"
        ]
    );
}

#[test]
fn readiness_and_the_html_report_count_what_was_never_considered() {
    let dir = workspace();
    let out = run_in(dir.path(), &["readiness", "--format", "json"], &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let db = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == "db")
        .unwrap();
    // Seven of eight categories never considered (the misspelt one counts for none): 0 − 35.
    assert_eq!(db["unconsidered"].as_array().unwrap().len(), 7);
    let text = String::from_utf8(run_in(dir.path(), &["readiness"], &[]).stdout).unwrap();
    assert!(
        text.contains("never considered: resiliency, monitoring"),
        "{text}"
    );
    let html =
        String::from_utf8(run_in(dir.path(), &["export", "--format", "html"], &[]).stdout).unwrap();
    let table = &html[html.find("<h2>Coverage</h2>").unwrap()..];
    assert!(table.contains("<th>recoverability</th>"), "{table}");
    assert!(
        table.contains("<td class=\"n empty\">never</td>"),
        "{table}"
    );
}

#[test]
fn the_tui_shows_coverage_and_accepted_risks_apart() {
    let dir = workspace();
    let mut app = app_for(dir.path(), false);
    press(&mut app, "C");
    let text = screen(&app);
    assert!(text.contains("Coverage"), "{text}");
    assert!(
        text.contains("api has never considered: scalability, resiliency"),
        "{text}"
    );
    press(&mut app, "j enter");
    assert_eq!(
        app.selected_file().unwrap().register().unwrap().component,
        "db"
    );
    press(&mut app, "m");
    let heat = screen(&app);
    // api/accepted is medium × high, accepted: counted apart in its cell.
    assert!(heat.contains("·1a"), "{heat}");
    let listed =
        String::from_utf8(run_in(dir.path(), &["list", "--sort", "accepted"], &[]).stdout).unwrap();
    assert!(
        listed.lines().last().unwrap().contains("api/accepted"),
        "{listed}"
    );
}

#[test]
fn import_reads_a_pillar_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::write(
        dir.path().join("risks.csv"),
        "Component,Risk,Pillar,Likelihood,Impact\napi,Key leaked,security,low,high\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["import", "risks.csv"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("registers/api.json")).unwrap();
    assert!(text.contains("\"category\": \"security\""), "{text}");
}
