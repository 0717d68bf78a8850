//! `App::apply` takes an effect's outcome without touching the disk: each outcome here is built
//! in memory and applied to an app over the example workspace (read, never written).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::app::{Overlay, View};
use faultline::effects::{Effect, Outcome, Saved, Show};
use faultline::store::ComponentFile;
use harness::{example, press};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const PAYMENTS: &str = "registers/payments-api.json";

/// The payments register as another editor left it on disk: its title changed.
fn changed_on_disk(app: &faultline::app::App) -> ComponentFile {
    let mut file = app
        .ws
        .components
        .iter()
        .find(|c| c.path == Path::new(PAYMENTS))
        .unwrap()
        .clone();
    let mut loaded = (**file.content.as_ref().unwrap()).clone();
    loaded.register.title = "Payments, renamed elsewhere".into();
    file.content = Ok(Arc::new(loaded));
    file
}

#[test]
fn a_save_that_met_a_change_on_disk_asks_and_does_not_quit() {
    let mut app = example();
    // An unsaved edit to the payments register: likelihood 5 on its first risk.
    press(&mut app, "j j j j j j j j tab 5");
    assert!(app.is_dirty(Path::new(PAYMENTS)));
    let theirs = changed_on_disk(&app);
    app.apply(Outcome::Saved(Box::new(Saved {
        conflicts: vec![(PathBuf::from(PAYMENTS), Some(theirs))],
        failed: Some("registers/payments-api.json changed on disk: not saved".into()),
        then_quit: true,
        ..Saved::default()
    })));
    let Some(Overlay::Conflict {
        deleted, details, ..
    }) = &app.overlay
    else {
        panic!("no conflict question");
    };
    assert!(!deleted);
    assert!(
        details
            .theirs
            .iter()
            .any(|l| l.contains("renamed elsewhere")),
        "{:?}",
        details.theirs
    );
    assert!(!details.mine.is_empty(), "my side lists the likelihood");
    assert!(details.merged.is_some(), "different fields merge cleanly");
    assert!(!app.should_quit, "a save that failed does not quit");
    assert!(app.is_dirty(Path::new(PAYMENTS)), "the edit is kept");
    assert!(app.effects.is_empty(), "applying needs no more disk work");
}

#[test]
fn a_save_of_every_file_quits_when_asked_and_marks_them_saved() {
    let mut app = example();
    press(&mut app, "j j j j j j j j tab 5");
    app.apply(Outcome::Saved(Box::new(Saved {
        files: vec![(PathBuf::from(PAYMENTS), None)],
        then_quit: true,
        ..Saved::default()
    })));
    assert!(!app.is_dirty(Path::new(PAYMENTS)));
    assert_eq!(
        app.status.as_deref(),
        Some("saved registers/payments-api.json")
    );
    assert!(app.should_quit);
}

#[test]
fn a_change_on_disk_reloads_a_clean_file_and_follows_its_title() {
    let mut app = example();
    let theirs = changed_on_disk(&app);
    app.apply(Outcome::DiskChanged(vec![(
        PathBuf::from(PAYMENTS),
        Some(theirs),
    )]));
    assert!(app.overlay.is_none(), "nothing to decide: no edits here");
    let payments = app
        .ws
        .components
        .iter()
        .find(|c| c.path == Path::new(PAYMENTS))
        .unwrap();
    assert_eq!(
        payments.register().unwrap().title,
        "Payments, renamed elsewhere"
    );
    assert_eq!(
        app.status.as_deref(),
        Some("registers/payments-api.json changed on disk: reloaded")
    );
}

#[test]
fn a_runbook_that_cannot_be_read_leaves_the_view_and_says_why() {
    let mut app = example();
    app.apply(Outcome::RunbookRead {
        path: "runbooks/gone.md".into(),
        read: Err("runbooks/gone.md: not found".into()),
        show: Show::Anchor {
            anchor: None,
            remember: true,
        },
    });
    assert_eq!(app.view, View::Register);
    assert_eq!(app.status.as_deref(), Some("runbooks/gone.md: not found"));
    app.apply(Outcome::RunbookRead {
        path: "runbooks/new.md".into(),
        read: Ok(("# New\n\n## Steps\n\n1. Look\n".into(), None)),
        show: Show::Anchor {
            anchor: Some("missing".into()),
            remember: true,
        },
    });
    assert_eq!(app.view, View::Runbook);
    assert_eq!(
        app.status.as_deref(),
        Some("runbooks/new.md has no heading #missing: showing the top")
    );
}

#[test]
fn an_event_shows_only_once_it_is_on_disk() {
    let mut app = example();
    let rel = Path::new("incidents/2026-12-04-test.jsonl");
    let text = "{\"kind\":\"incident\",\"title\":\"Test\",\"started\":\"2026-12-04T10:00:00Z\",\"severity\":\"P2\",\"risks\":[]}\n";
    let loaded = faultline::timeline::parse(rel, text).unwrap();
    app.open_timeline(faultline::app::timeline::TimelineState::new(
        faultline::timeline::Opened {
            path: rel.to_path_buf(),
            loaded,
            bytes: text.len() as u64,
            checklist: faultline::timeline::Checklist {
                runbook: None,
                anchor: None,
                steps: Vec::new(),
            },
            card: None,
        },
    ));
    let event = faultline::model::timeline::Event::new(
        "2026-12-04T10:05:00Z".into(),
        faultline::model::timeline::EventKind::Note,
        "looked at the dashboard",
    );
    app.apply(Outcome::EventAppended {
        path: rel.to_path_buf(),
        event: Box::new(event.clone()),
        written: Err("disk full".into()),
    });
    let events = |app: &faultline::app::App| app.timeline.as_ref().unwrap().timeline.events.len();
    assert_eq!(events(&app), 0);
    assert_eq!(app.status.as_deref(), Some("NOT recorded: disk full"));
    app.apply(Outcome::EventAppended {
        path: rel.to_path_buf(),
        event: Box::new(event),
        written: Ok(4096),
    });
    assert_eq!(events(&app), 1);
    assert_eq!(app.timeline.as_ref().unwrap().bytes, 4096);
    assert_eq!(
        app.status.as_deref(),
        Some("note recorded at T+05:00, on disk")
    );
    // Recorded: the draft of what was typed is forgotten, on disk, by an effect.
    assert_eq!(
        app.effects.pop_front(),
        Some(Effect::ClearDraft(rel.to_path_buf()))
    );
}
