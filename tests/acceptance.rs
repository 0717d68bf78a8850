//! An accepted risk says who accepted it and until when; an acceptance past its date is an
//! error in `check` ("decide again"), one ending within 14 days a warning; the status key asks
//! for both; the fields go through the canonical file, CSV and the review's diff.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::app::Pane;
use faultline::model::Status;
use harness::{example_copy, press, type_text};
use std::path::Path;

fn workspace(risk: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    std::fs::write(
        dir.path().join("registers/api.json"),
        format!(
            "{{\n  \"component\": \"api\",\n  \"title\": \"API\",\n  \"risks\": [\n    {{\n      \"id\": \"down\",\n      \"title\": \"Down\",\n      \"likelihood\": \"low\",\n      \"impact\": \"low\",\n      {risk}\n    }}\n  ]\n}}\n"
        ),
    )
    .unwrap();
    dir
}

fn findings(dir: &Path, today: &str) -> Vec<(String, String, String)> {
    let out = harness::run_in(
        dir,
        &["check", "--format", "json"],
        &[("FAULTLINE_TODAY", today)],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("acceptance"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn an_acceptance_expires() {
    let dir = workspace(
        r#""status": "accepted",
      "accepted_by": "Ana (CTO)",
      "accepted_until": "2026-12-31""#,
    );
    // Long before: nothing to say.
    assert_eq!(findings(dir.path(), "2026-11-01"), []);
    // Fourteen days before: a warning.
    assert_eq!(
        findings(dir.path(), "2026-12-17"),
        [(
            "acceptance-expiring".to_owned(),
            "warning".to_owned(),
            "`api/down` is accepted by Ana (CTO) until 2026-12-31, 14 days from now: decide again"
                .to_owned()
        )]
    );
    // On the day itself it still holds; the day after, an error, and check fails.
    assert_eq!(
        findings(dir.path(), "2026-12-31")[0].0,
        "acceptance-expiring"
    );
    assert_eq!(
        findings(dir.path(), "2027-01-02"),
        [(
            "acceptance-expired".to_owned(),
            "error".to_owned(),
            "`api/down` was accepted by Ana (CTO) until 2026-12-31, 2 days ago: decide again"
                .to_owned()
        )]
    );
    let out = harness::run_in(dir.path(), &["check"], &[("FAULTLINE_TODAY", "2027-01-02")]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("registers/api.json:12:25: error:"),
        "the finding points at accepted_until: {text}"
    );
}

#[test]
fn accepted_without_who_or_until_is_an_error_and_other_statuses_need_neither() {
    let dir = workspace(r#""status": "accepted""#);
    assert_eq!(
        findings(dir.path(), "2026-11-24"),
        [(
            "acceptance-incomplete".to_owned(),
            "error".to_owned(),
            "`api/down` is accepted without accepted_by and accepted_until: say who accepts it and until when".to_owned()
        )]
    );
    let dir = workspace(
        r#""status": "accepted",
      "accepted_by": "Ana""#,
    );
    assert!(
        findings(dir.path(), "2026-11-24")[0]
            .2
            .contains("without accepted_until")
    );
    let dir = workspace(r#""status": "open""#);
    assert_eq!(findings(dir.path(), "2026-11-24"), []);
}

/// `s` to accepted asks who accepts the risk, then until when; both land in the risk, and the
/// keyboard goes back to the risks list. Esc leaves them empty, also back in the list.
#[test]
fn the_status_key_asks_who_accepts_and_until_when() {
    let dir = example_copy();
    let mut app = harness::app_for(dir.path(), false);
    press(&mut app, "j j j j j j tab");
    let id = app.selected_risk_id().unwrap();
    let risk = |app: &faultline::app::App| {
        app.selected_file()
            .unwrap()
            .register()
            .unwrap()
            .risks
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .unwrap()
    };
    // The status key until the risk is accepted: no question on the way.
    let mut presses = 0;
    while risk(&app).status != Status::Accepted {
        assert!(app.editing.is_none(), "nothing asked before accepted");
        press(&mut app, "s");
        presses += 1;
    }
    assert!(presses > 0 && presses <= 4);
    assert!(app.editing.is_some(), "asked who accepts it");
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("who accepts this risk?")
    );
    type_text(&mut app, "Ana (CTO)");
    press(&mut app, "enter");
    assert!(app.status.as_deref().unwrap().contains("until when?"));
    type_text(&mut app, "2027-03-31");
    press(&mut app, "enter");
    assert!(app.editing.is_none());
    assert_eq!(app.register.focus, Pane::Risks, "back in the list");
    assert_eq!(app.selected_risk_id().unwrap(), id, "the same risk");
    let accepted = risk(&app);
    assert_eq!(accepted.accepted_by, "Ana (CTO)");
    assert_eq!(accepted.accepted_until.unwrap().to_string(), "2027-03-31");
    // Undone one step at a time: the date, the name, the status.
    press(&mut app, "u");
    assert_eq!(risk(&app).accepted_until, None);
    press(&mut app, "u u");
    assert_ne!(risk(&app).status, Status::Accepted);
    while risk(&app).status != Status::Mitigated {
        press(&mut app, "s");
    }
    // Esc: accepted, nothing filled in, back in the list, nothing asked on the next press.
    press(&mut app, "s");
    assert!(app.editing.is_some());
    press(&mut app, "esc");
    assert!(app.editing.is_none());
    assert_eq!(app.register.focus, Pane::Risks);
    assert_eq!(risk(&app).status, Status::Accepted);
    assert_eq!(risk(&app).accepted_by, "");
    press(&mut app, "s");
    assert!(app.editing.is_none(), "open again: nothing to ask");
    assert_eq!(risk(&app).status, Status::Open);
}

/// The fields are written canonically after the status, exported as CSV columns and read back
/// by import, and shown by the review's diff.
#[test]
fn acceptance_goes_through_the_file_the_spreadsheet_and_the_diff() {
    let root = harness::repo();
    let csv = harness::run_in(&root, &["export", "--format", "csv"], &[]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains(",status,accepted_by,accepted_until,"),
        "{header}"
    );
    assert!(csv.contains("Head of platform,2028-01-31"), "{csv}");
    // Import the export into an empty workspace: the acceptance comes back.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    std::fs::write(dir.path().join("risks.csv"), &csv).unwrap();
    let out = harness::run_in(dir.path(), &["import", "risks.csv"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("registers/api-gateway.json")).unwrap();
    assert!(
        text.contains(
            "\"status\": \"accepted\",\n      \"accepted_by\": \"Head of platform\",\n      \"accepted_until\": \"2028-01-31\""
        ),
        "{text}"
    );
    // The review's diff names the change.
    harness::git(dir.path(), &["init", "-q"]);
    harness::commit_all(dir.path(), "a");
    std::fs::write(
        dir.path().join("registers/api-gateway.json"),
        text.replace("2028-01-31", "2028-07-31"),
    )
    .unwrap();
    let diff = harness::run_in(dir.path(), &["diff", "HEAD", "--format", "json"], &[]);
    let diff = String::from_utf8(diff.stdout).unwrap();
    assert!(
        diff.contains("accepted_until") && diff.contains("2028-07-31"),
        "{diff}"
    );
}
