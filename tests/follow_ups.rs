//! Follow-ups: logged in a timeline (`log --kind follow-up`, `f` in the view), listed in the
//! report, written back when it closes (each on its risk, or as a new risk; once), listed by
//! `followups`, warned about by `check` when overdue, and marked done in the risk's form.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::app::{Overlay, Pane};
use faultline::model::{FollowUpStatus, Register};
use harness::{app_for, press, run_in, type_text};
use std::path::Path;

/// A workspace with one high risk (api/down) and one low (api/slow), and a ticket address.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::write(
        dir.path().join("registers/api.json"),
        r#"{
  "component": "api",
  "title": "API",
  "risks": [
    {
      "id": "down",
      "title": "Down",
      "likelihood": "high",
      "impact": "very-high",
      "mitigation": "Fail over",
      "status": "open"
    },
    {
      "id": "slow",
      "title": "Slow",
      "likelihood": "low",
      "impact": "low",
      "status": "open"
    }
  ]
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("faultline.toml"),
        "[tickets]\nurl = \"https://tracker.example/browse/{id}\"\n",
    )
    .unwrap();
    dir
}

fn register(dir: &Path) -> Register {
    serde_json::from_str(&std::fs::read_to_string(dir.join("registers/api.json")).unwrap()).unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn rules(dir: &Path, today: &str) -> Vec<(String, String)> {
    let out = run_in(
        dir,
        &["check", "--format", "json"],
        &[("FAULTLINE_TODAY", today)],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap();
            rule.contains("follow-up")
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// An incident on api/down, with two follow-ups logged (one naming its risk, one nothing) and
/// a refused one, resolved.
fn incident_with_follow_ups() -> tempfile::TempDir {
    let dir = workspace();
    let d = dir.path();
    ok(&run_in(
        d,
        &["incident", "new", "--risk", "api/down", "API down"],
        &[],
    ));
    ok(&run_in(
        d,
        &[
            "incident",
            "log",
            "--kind",
            "follow-up",
            "--owner",
            "Ana Lima",
            "--due",
            "2026-12-01",
            "--ticket",
            "OPS-7",
            "--risk",
            "api/down",
            "Add",
            "a",
            "reconnect",
            "test",
        ],
        &[],
    ));
    // No --risk: a new risk in the component of the risk in play.
    ok(&run_in(
        d,
        &[
            "incident",
            "log",
            "--owner",
            "Bo",
            "Rate-limit the retry storm",
        ],
        &[],
    ));
    // A due date that is not a date is refused, and nothing is recorded.
    let bad = run_in(d, &["incident", "log", "--due", "soon", "Something"], &[]);
    assert_eq!(bad.status.code(), Some(2));
    ok(&run_in(
        d,
        &["incident", "log", "--kind", "resolved", "back"],
        &[],
    ));

    dir
}

#[test]
fn an_incidents_follow_ups_are_reported_and_written_back_once() {
    let dir = incident_with_follow_ups();
    let d = dir.path();
    // The report lists them as a table, the ticket a link.
    let report = ok(&run_in(d, &["incident", "report"], &[]));
    assert!(report.contains("## Follow-ups"), "{report}");
    assert!(
        report.contains(
            "| Add a reconnect test | Ana Lima | 2026-12-01 | [OPS-7](https://tracker.example/browse/OPS-7) | `api/down` |"
        ),
        "{report}"
    );
    assert!(
        report.contains("| Rate-limit the retry storm | Bo |  |  | `api (new risk)` |"),
        "{report}"
    );
    assert!(!report.contains("Something"), "{report}");

    // Written back: one on api/down, one as a new risk; a second run adds nothing.
    let out = run_in(d, &["incident", "report", "--write-back"], &[]);
    ok(&out);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("api/down: follow-up added"), "{said}");
    let reg = register(d);
    let down = reg.risks.iter().find(|r| r.id == "down").unwrap();
    assert_eq!(down.follow_ups.len(), 1);
    let f = &down.follow_ups[0];
    assert_eq!(
        (
            f.text.as_str(),
            f.owner.as_str(),
            f.ticket.as_str(),
            f.status
        ),
        (
            "Add a reconnect test",
            "Ana Lima",
            "OPS-7",
            FollowUpStatus::Open
        )
    );
    assert_eq!(f.due.unwrap().to_string(), "2026-12-01");
    assert!(f.timeline.starts_with("incidents/"), "{}", f.timeline);
    let new = reg.risks.last().unwrap();
    assert_eq!(new.title, "Rate-limit the retry storm");
    assert_eq!(new.follow_ups[0].owner, "Bo");
    let before = std::fs::read(d.join("registers/api.json")).unwrap();
    let again = run_in(d, &["incident", "report", "--write-back"], &[]);
    ok(&again);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already recorded"));
    assert_eq!(std::fs::read(d.join("registers/api.json")).unwrap(), before);
}

#[test]
fn written_back_follow_ups_come_back_when_overdue() {
    let dir = incident_with_follow_ups();
    let d = dir.path();
    ok(&run_in(d, &["incident", "report", "--write-back"], &[]));
    // The file is canonical: check says nothing of its form, and the follow-up is due.
    assert_eq!(rules(d, "2026-11-30"), []);
    let overdue = rules(d, "2026-12-05");
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    assert_eq!(overdue[0].0, "follow-up-overdue");
    assert!(
        overdue[0]
            .1
            .contains("`Add a reconnect test` (owner: Ana Lima) was due 2026-12-01, 4 days ago"),
        "{}",
        overdue[0].1
    );

    // The exports list the open ones, the ticket a link.
    let html = ok(&run_in(
        d,
        &["export", "--format", "html"],
        &[("FAULTLINE_TODAY", "2026-12-05")],
    ));
    assert!(
        html.contains("<a href=\"https://tracker.example/browse/OPS-7\">OPS-7</a>"),
        "{html}"
    );
    assert!(html.contains("(4 days overdue)"), "{html}");
    let markdown = ok(&run_in(d, &["export", "--format", "markdown"], &[]));
    assert!(
        markdown.contains("[OPS-7](https://tracker.example/browse/OPS-7)"),
        "{markdown}"
    );

    // `followups`: --overdue keeps the late one, --owner filters, JSON says why.
    let today = [("FAULTLINE_TODAY", "2026-12-05")];
    let listed = ok(&run_in(d, &["followups", "--overdue"], &today));
    assert!(listed.contains("OVERDUE 4d"), "{listed}");
    assert!(
        listed.contains("api/down: Add a reconnect test"),
        "{listed}"
    );
    assert!(!listed.contains("retry storm"), "{listed}");
    assert!(
        listed.contains("1 follow-up, 1 open, 1 overdue"),
        "{listed}"
    );
    let bo = ok(&run_in(
        d,
        &["followups", "--owner", "bo", "--format", "json"],
        &today,
    ));
    let rows: serde_json::Value = serde_json::from_str(&bo).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["text"], "Rate-limit the retry storm");
    assert_eq!(rows[0]["overdue"], false);
    let csv = ok(&run_in(d, &["followups", "--format", "csv"], &today));
    assert!(
        csv.contains("api/down,open,yes,2026-12-01,Ana Lima,OPS-7,https://tracker.example/browse/OPS-7,Add a reconnect test,incidents/"),
        "{csv}"
    );
}

#[test]
fn a_severe_risks_last_incident_without_a_follow_up_is_a_warning() {
    let dir = workspace();
    let d = dir.path();
    ok(&run_in(
        d,
        &["incident", "new", "--risk", "api/down", "API down"],
        &[],
    ));
    ok(&run_in(
        d,
        &["incident", "log", "--kind", "resolved", "back"],
        &[],
    ));
    let found = rules(d, "2026-11-25");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "no-follow-up");
    assert!(
        found[0].1.contains("`api/down` is critical"),
        "{}",
        found[0].1
    );
    // A low risk's incident asks for nothing.
    ok(&run_in(
        d,
        &["incident", "new", "--risk", "api/slow", "API slow"],
        &[],
    ));
    ok(&run_in(
        d,
        &["incident", "log", "--kind", "resolved", "ok"],
        &[],
    ));
    assert_eq!(rules(d, "2026-11-25").len(), 1);
}

#[test]
fn the_view_logs_a_follow_up_and_the_form_marks_it_done() {
    let dir = workspace();
    let d = dir.path();
    ok(&run_in(
        d,
        &["incident", "new", "--risk", "api/down", "API down"],
        &[],
    ));
    let rel = harness::only_file(d, "incidents");
    let mut app = harness::app_on_timeline(d, "incidents");
    // A line that does not read stays, with the reason.
    press(&mut app, "f");
    type_text(&mut app, "Add a reconnect test; due: soon");
    press(&mut app, "enter");
    assert!(
        app.status
            .as_deref()
            .unwrap_or("")
            .starts_with("not recorded"),
        "{:?}",
        app.status
    );
    press(&mut app, "backspace backspace backspace backspace");
    type_text(&mut app, "2026-12-20; owner: Ana; risk: api/down");
    press(&mut app, "enter");
    let text = std::fs::read_to_string(&rel).unwrap();
    assert!(
        text.contains(r#""kind":"follow-up","text":"Add a reconnect test""#)
            && text.contains(r#""owner":"Ana","due":"2026-12-20""#)
            && text.contains(r#""risk":"api/down""#),
        "{text}"
    );
    // Resolving offers the write-back, listing the follow-up; the register was read-only
    // during the incident and is not once it is over.
    press(&mut app, "R");
    let Some(Overlay::Confirm { question, .. }) = &app.overlay else {
        panic!("no write-back offered: {:?}", app.status);
    };
    assert!(
        question.contains(
            "api/down: follow-up added (open, due 2026-12-20, Ana: Add a reconnect test)"
        ),
        "{question}"
    );
    press(&mut app, "y");
    assert!(!app.read_only);
    let reg = register(d);
    assert_eq!(reg.risks[0].follow_ups[0].status, FollowUpStatus::Open);

    // In the register: the risk's form shows it; x marks it done, u opens it again.
    let mut app = app_for(d, false);
    press(&mut app, "tab");
    assert_eq!(app.selected_risk_id().as_deref(), Some("down"));
    press(&mut app, "tab");
    assert_eq!(app.register.focus, Pane::Detail);
    let rows = app.form_rows();
    let at = rows
        .iter()
        .position(|r| r.field == faultline::form::Field::FollowUps && r.item == Some(0))
        .unwrap();
    app.register.row = at;
    let screen = harness::screen(&app);
    assert!(
        screen.contains("Follow-ups open, due 2026-12-20, Ana: Add a")
            && screen.contains("+ add follow-up"),
        "{screen}"
    );
    press(&mut app, "x");
    assert!(
        app.status
            .as_deref()
            .unwrap_or("")
            .contains("follow-up done"),
        "{:?}",
        app.status
    );
    press(&mut app, "ctrl-s");
    assert_eq!(
        register(d).risks[0].follow_ups[0].status,
        FollowUpStatus::Done
    );
    press(&mut app, "u ctrl-s");
    assert_eq!(
        register(d).risks[0].follow_ups[0].status,
        FollowUpStatus::Open
    );
}
