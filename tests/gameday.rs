//! The game day in the TUI: started from the register on the selected risk, run with single
//! keys, and written back to the register when it ends (a confirmation listing the changes,
//! then the editor's own undoable edit and atomic save).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::app::{Overlay, View};
use harness::{app_for, example_copy, press, screen, type_text};

/// Starts a game day from the register on identity-provider/staff-locked-out.
fn game_day_on_staff_locked_out(app: &mut faultline::app::App) {
    // identity-provider is the sixth component; staff-locked-out its first risk by score.
    press(app, "j j j j j tab");
    assert_eq!(app.selected_risk_id().as_deref(), Some("staff-locked-out"));
    press(app, ":");
    type_text(app, "gameday");
    press(app, "enter");
    assert_eq!(app.view, View::Timeline, "{:?}", app.status);
}

#[test]
fn a_game_day_from_the_register_writes_back_when_it_ends() {
    let dir = example_copy();
    let mut app = app_for(dir.path(), false);
    game_day_on_staff_locked_out(&mut app);
    let text = screen(&app);
    assert!(text.contains("GAME DAY"), "{text}");
    assert!(text.contains("Facilitator"), "{text}");
    assert!(
        text.contains("Engineers report login failures"),
        "the signal shows: {text}"
    );
    assert!(
        !text.contains("Break-glass IAM user"),
        "the mitigation stays hidden until v: {text}"
    );
    press(&mut app, "v");
    assert!(screen(&app).contains("Break-glass IAM user"));
    press(&mut app, "w");
    type_text(&mut app, "Who holds the key at night?");
    press(&mut app, "enter D space R");
    let Some(Overlay::Confirm { question, .. }) = &app.overlay else {
        panic!("no write-back offered: {:?}", app.status);
    };
    assert!(
        question.contains("identity-provider/staff-locked-out"),
        "{question}"
    );
    assert!(question.contains("1 question added"), "{question}");
    assert!(question.contains("last_rehearsed never →"), "{question}");
    assert!(question.contains("estimate kept"), "{question}");
    press(&mut app, "y");
    let saved: faultline::model::Register = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("registers/identity-provider.json")).unwrap(),
    )
    .unwrap();
    let risk = saved
        .risks
        .iter()
        .find(|r| r.id == "staff-locked-out")
        .unwrap();
    assert!(risk.last_rehearsed.is_some());
    assert_eq!(risk.rehearsals.len(), 1, "the rehearsal is recorded");
    assert!(
        risk.estimate.is_empty(),
        "one measurement does not become the estimate: {:?}",
        risk.estimate
    );
    assert!(
        risk.questions
            .contains(&"Who holds the key at night?".to_owned())
    );
    // The timeline holds the events in order.
    let file = std::fs::read_dir(dir.path().join("gamedays"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(file).unwrap();
    let kinds = harness::event_kinds(&text);
    assert_eq!(kinds, ["question", "detected", "step-done", "resolved"]);
}

#[test]
fn e_on_the_write_back_also_replaces_the_estimate() {
    let dir = example_copy();
    let mut app = app_for(dir.path(), false);
    game_day_on_staff_locked_out(&mut app);
    press(&mut app, "D R");
    assert!(matches!(app.overlay, Some(Overlay::Confirm { .. })));
    assert!(
        screen(&app).contains("e also replace estimate"),
        "{}",
        screen(&app)
    );
    press(&mut app, "e");
    let read = || -> faultline::model::Risk {
        let reg: faultline::model::Register = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("registers/identity-provider.json")).unwrap(),
        )
        .unwrap();
        reg.risks
            .into_iter()
            .find(|r| r.id == "staff-locked-out")
            .unwrap()
    };
    let risk = read();
    assert_eq!(risk.rehearsals.len(), 1);
    assert_eq!(
        risk.estimate.ettd_minutes,
        risk.rehearsals[0].detect_minutes
    );
    assert!(risk.estimate.ettd_minutes.is_some());
}

#[test]
fn declining_the_write_back_changes_nothing() {
    let dir = example_copy();
    let before =
        std::fs::read_to_string(dir.path().join("registers/identity-provider.json")).unwrap();
    let mut app = app_for(dir.path(), false);
    game_day_on_staff_locked_out(&mut app);
    press(&mut app, "D R n");
    assert!(app.overlay.is_none());
    assert!(app.dirty_paths().is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("registers/identity-provider.json")).unwrap(),
        before
    );
}

#[test]
fn a_resolved_incident_shows_its_final_durations() {
    let dir = example_copy();
    harness::copy_tree(
        &harness::repo().join("tests/fixtures/timelines"),
        dir.path(),
    );
    let mut app = app_for(dir.path(), false);
    let state = load_timeline(&app, "incidents/2026-11-20-checkout-returns-502.jsonl");
    app.open_timeline(state);
    // Started 09:00, detected 09:03, resolved 09:40: the clocks stop there, whenever it is
    // opened (days later, here).
    let text = screen(&app);
    assert!(
        text.contains("T+40:00 from start to resolution  ·  T+37:00 from detection to resolution"),
        "{text}"
    );
}

#[test]
fn the_hidden_card_gives_nothing_away_on_a_projector() {
    let dir = example_copy();
    let mut app = app_for(dir.path(), false);
    game_day_on_staff_locked_out(&mut app);
    let text = screen(&app);
    for secret in [
        "Staff locked out",
        "staff locked out",
        "staff-locked-out",
        "identity-provider",
        "Break-glass",
        "idp-outage",
        "Staff cannot log in",
    ] {
        assert!(!text.contains(secret), "{secret} shows: {text}");
    }
    assert!(text.contains("Engineers report login failures"), "{text}");
    assert!(text.contains("steps stay hidden until v"), "{text}");
    // The card and the steps (the header's date and clock move with the day it runs).
    let card: Vec<&str> = text.lines().skip(2).collect();
    insta::assert_snapshot!("gameday_hidden_card", card.join("\n"));
    // v reveals all of it.
    press(&mut app, "v");
    let text = screen(&app);
    assert!(text.contains("Break-glass"), "{text}");
    assert!(
        text.contains("identity-provider/staff-locked-out"),
        "{text}"
    );
}

#[test]
fn space_ticks_the_step_and_stays_on_it() {
    let dir = example_copy();
    let out = harness::run_in(
        dir.path(),
        &[
            "incident",
            "new",
            "Throttles",
            "--risk",
            "payments-api/concurrency-limit",
        ],
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    let mut app = app_for(dir.path(), false);
    let state = load_timeline(&app, "incidents/2026-11-24-throttles.jsonl");
    app.open_timeline(state);
    let at = |app: &faultline::app::App| app.timeline.as_ref().unwrap().step;
    let first = at(&app);
    press(&mut app, "space");
    assert_eq!(at(&app), first, "Space stays on the step it ticked");
    press(&mut app, "j space");
    assert_eq!(at(&app), first + 1);
    let done = app.timeline.as_ref().unwrap().done();
    assert!(done[first] && done[first + 1], "{done:?}: no step skipped");
}

/// An incident in play on a risk without a runbook, with a long event: at 80×24.
fn incident_without_steps() -> (tempfile::TempDir, faultline::app::App) {
    let dir = example_copy();
    std::fs::create_dir_all(dir.path().join("incidents")).unwrap();
    let long = "Rolled back the WAF rule set to the version from Monday morning, then watched the 4xx rate fall from 9 % to 0.4 % over five minutes; the blocked partner IPs were all in one /24";
    std::fs::write(
        dir.path().join("incidents/2026-12-01-waf-blocks-partners.jsonl"),
        format!(
            "{}\n{}\n{}\n",
            r#"{"kind":"incident","title":"WAF blocks partners","started":"2026-12-01T09:00:00+01:00","severity":"P2","roles":{"lead":"Ana"},"risks":[]}"#,
            r#"{"at":"2026-12-01T09:02:00+01:00","kind":"detected","text":"Partner 403s"}"#,
            serde_json::json!({"at":"2026-12-01T09:20:00+01:00","kind":"action","text":long}),
        ),
    )
    .unwrap();
    let mut app = app_for(dir.path(), false);
    let state = load_timeline(&app, "incidents/2026-12-01-waf-blocks-partners.jsonl");
    app.open_timeline(state);
    (dir, app)
}

#[test]
fn with_no_steps_the_timeline_shows_first_and_enter_reads_an_event_whole() {
    let (_dir, mut app) = incident_without_steps();
    let text = screen(&app);
    assert!(text.contains("Timeline · 2 events"), "{text}");
    assert!(text.contains("Rolled back the WAF rule"), "{text}");
    assert!(!text.contains("one /24"), "cut in the pane: {text}");
    // `t` still switches to the (empty) checklist and back.
    press(&mut app, "t");
    assert!(screen(&app).contains("No risk in play has a runbook"));
    press(&mut app, "t enter");
    let text = screen(&app);
    assert!(text.contains("read whole"), "{text}");
    for piece in [
        "Rolled back the WAF rule",
        "over five minutes",
        "partner IPs were all in one /24",
    ] {
        assert!(text.contains(piece), "the event whole: {text}");
    }
    press(&mut app, "esc");
    assert!(app.timeline.as_ref().unwrap().reading.is_none());
    assert!(!screen(&app).contains("read whole"));
}

#[test]
fn a_click_on_an_event_reads_it_whole() {
    let (_dir, mut app) = incident_without_steps();
    // Header 2 rows, the pane's border, then the events: the second event is on row 4.
    faultline::mouse::handle(
        &mut app,
        ratatui::crossterm::event::MouseEvent {
            kind: ratatui::crossterm::event::MouseEventKind::Down(
                ratatui::crossterm::event::MouseButton::Left,
            ),
            column: 10,
            row: 4,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        },
    );
    assert_eq!(app.timeline.as_ref().unwrap().reading, Some(1));
}

#[test]
fn the_footer_at_80_columns_keeps_help_and_switch_and_cuts_no_word() {
    let (_dir, app) = incident_without_steps();
    let text = screen(&app);
    let footer = text.lines().last().unwrap();
    assert!(footer.contains("? help"), "{footer}");
    assert!(footer.contains("t switch"), "{footer}");
    assert!(footer.contains("Space tick"), "{footer}");
    assert!(!footer.contains('…'), "{footer}");
}

#[test]
fn a_drawn_game_day_shows_why_on_the_card_and_keeps_it_in_the_file() {
    let dir = example_copy();
    let mut app = app_for(dir.path(), false);
    press(&mut app, ":");
    type_text(&mut app, "gameday draw");
    press(&mut app, "enter");
    assert_eq!(app.view, faultline::app::View::Timeline, "{:?}", app.status);
    let text = screen(&app);
    assert!(text.contains("Drawn"), "{text}");
    assert!(text.contains("% chance among"), "{text}");
    // Reopened later, the card still says why: the reason is in the file's header.
    let state = app.timeline.as_ref().unwrap();
    let header = std::fs::read_to_string(dir.path().join(&state.path)).unwrap();
    assert!(
        header
            .lines()
            .next()
            .unwrap()
            .contains("\"drawn\":\"score "),
        "{header}"
    );
}

#[test]
fn a_linked_section_without_steps_says_so_and_r_opens_it_there() {
    let dir = example_copy();
    std::fs::create_dir_all(dir.path().join("incidents")).unwrap();
    // api-gateway/waf-blocks-legit links rollback.md#decide, a section of prose and bullets.
    std::fs::write(
        dir.path().join("incidents/2026-12-01-waf.jsonl"),
        concat!(
            r#"{"kind":"incident","title":"WAF","started":"2026-12-01T09:00:00+01:00","severity":"P2","risks":["api-gateway/waf-blocks-legit"]}"#,
            "\n"
        ),
    )
    .unwrap();
    let mut app = app_for(dir.path(), false);
    let state = load_timeline(&app, "incidents/2026-12-01-waf.jsonl");
    app.open_timeline(state);
    press(&mut app, "t");
    let text = screen(&app);
    assert!(
        text.contains("Steps · runbooks/deploy/rollback.md#decide · 0/0 done"),
        "{text}"
    );
    assert!(
        text.contains("The section the risk links to has no steps"),
        "{text}"
    );
    assert!(text.contains("r opens it"), "{text}");
    press(&mut app, "r");
    assert_eq!(app.view, View::Runbook);
    let viewer = app.viewer.as_ref().unwrap();
    assert_eq!(
        viewer.doc.headings[viewer.current_section().unwrap()].anchor,
        "decide",
        "opened at the linked section, not the top"
    );
}

/// The game day / incident view's state for a timeline of the app's workspace.
fn load_timeline(app: &faultline::app::App, rel: &str) -> faultline::app::timeline::TimelineState {
    let ws = &app.ws;
    let opened =
        faultline::timeline::open(&ws.root, std::path::Path::new(rel), |r| ws.risk(r)).unwrap();
    faultline::app::timeline::TimelineState::new(opened)
}
