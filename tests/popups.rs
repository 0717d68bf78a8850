//! Every popup and dialog has a way out that changes nothing: the registers, the files on disk,
//! the selection and the view are as they were before it opened. Each is opened as a person
//! would, then declined with every key that should decline it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::action::Action;
use faultline::app::{App, Overlay, View};
use harness::{app_for, example_copy, press, type_text};
use std::path::Path;

/// Everything a decline must leave as it was.
fn state(app: &App) -> String {
    let registers: Vec<_> = app
        .ws
        .components
        .iter()
        .map(|c| (c.path.clone(), c.register().cloned()))
        .collect();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&format!("{registers:?}"), &mut hasher);
    format!(
        "registers #{:x} dirty {:?}\nselected {:?} {:?} row {} focus {:?} view {:?} filter {:?} quit {}",
        std::hash::Hasher::finish(&hasher),
        app.dirty_paths(),
        app.selected_file().map(|f| f.stem.clone()),
        app.selected_risk_id(),
        app.register.row,
        app.register.focus,
        app.view,
        app.register.filter,
        app.should_quit,
    )
}

fn disk(root: &Path) -> Vec<(String, u64)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                std::hash::Hash::hash(&std::fs::read(&path).unwrap(), &mut hasher);
                files.push((
                    path.display().to_string(),
                    std::hash::Hasher::finish(&hasher),
                ));
            }
        }
    }
    files.sort();
    files
}

fn act(app: &mut App, action: Action) {
    app.update(action);
    app.run_effects();
}

/// Opens a popup with `open`, checks it is open, declines it with each of `keys`, and checks
/// that nothing changed.
fn declines(
    name: &str,
    keys: &[&str],
    setup: &dyn Fn(&mut App),
    open: &dyn Fn(&mut App),
    is_open: &dyn Fn(&App) -> bool,
) {
    for key in keys {
        let dir = example_copy();
        let mut app = app_for(dir.path(), false);
        setup(&mut app);
        let before = state(&app);
        open(&mut app);
        let files = disk(dir.path());
        assert!(is_open(&app), "{name}: did not open");
        press(&mut app, key);
        assert!(!is_open(&app), "{name}: {key} did not close it");
        assert_eq!(state(&app), before, "{name}: {key} changed the state");
        assert_eq!(disk(dir.path()), files, "{name}: {key} changed files");
    }
}

fn none(_: &mut App) {}

fn overlay(app: &App) -> bool {
    app.overlay.is_some()
}

const PAYMENTS_RISKS: &str = "j j j j j j j j tab";
/// What declines a question.
const NO: &[&str] = &["n", "esc", "q", "ctrl-c"];
/// What closes a list or a view.
const CLOSE: &[&str] = &["esc", "q"];
/// What cancels typing.
const CANCEL: &[&str] = &["esc", "ctrl-c"];

#[test]
fn confirmations_are_declined_by_n_esc_q_and_ctrl_c() {
    declines(
        "confirm delete risk",
        NO,
        &|app| press(app, PAYMENTS_RISKS),
        &|app| act(app, Action::Delete),
        &|app| matches!(app.overlay, Some(Overlay::Confirm { .. })),
    );
    declines(
        "confirm delete component",
        NO,
        &|app| press(app, "j"),
        &|app| act(app, Action::Delete),
        &|app| matches!(app.overlay, Some(Overlay::Confirm { .. })),
    );
    // A risk without a runbook, saved, so the stub's offer is the only thing pending.
    declines(
        "confirm stub runbook",
        NO,
        &|app| {
            press(app, "tab");
            act(app, Action::AddRisk);
            type_text(app, "Webhook secret rotated");
            press(app, "enter");
            act(app, Action::Save);
        },
        &|app| act(app, Action::OpenRunbook),
        &|app| matches!(app.overlay, Some(Overlay::Confirm { .. })),
    );
}

#[test]
fn every_other_popup_has_a_way_out() {
    declines(
        "help",
        CLOSE,
        &none,
        &|app| act(app, Action::Help),
        &overlay,
    );
    declines(
        "findings",
        CLOSE,
        &none,
        &|app| act(app, Action::Findings),
        &overlay,
    );
    declines(
        "finder",
        CANCEL,
        &none,
        &|app| act(app, Action::Finder),
        &overlay,
    );
    declines(
        "new component",
        CANCEL,
        &none,
        &|app| {
            act(app, Action::AddComponent);
            type_text(app, "search-api");
        },
        &overlay,
    );
    declines(
        "recovery",
        &["esc", "q", "ctrl-c"],
        &none,
        &|app| {
            let entry = faultline::recovery::Entry {
                path: "registers/api-gateway.json".into(),
                base_hash: None,
                register: None,
            };
            app.overlay = Some(Overlay::Recovery {
                entries: vec![entry],
            });
        },
        &overlay,
    );
    declines(
        "blast radius",
        CLOSE,
        &|app| press(app, "j j j j j j j"),
        &|app| act(app, Action::BlastRadius),
        &overlay,
    );
    declines(
        "heat map",
        &["esc", "m"],
        &none,
        &|app| act(app, Action::HeatMap),
        &|app| app.view == View::HeatMap,
    );
    declines(
        "field editor",
        CANCEL,
        &|app| press(app, &format!("{PAYMENTS_RISKS} enter")),
        &|app| {
            act(app, Action::Select);
            type_text(app, " and more");
        },
        &|app| app.editing.is_some(),
    );
}

#[test]
fn quit_and_conflict_prompts_keep_the_edits() {
    // These start with an unsaved edit: declining keeps it and writes nothing.
    declines(
        "unsaved on quit",
        &["c", "esc", "q", "ctrl-c"],
        &|app| press(app, &format!("{PAYMENTS_RISKS} 5")),
        &|app| act(app, Action::Quit),
        &|app| matches!(app.overlay, Some(Overlay::Unsaved)),
    );
    declines(
        "conflict",
        &["k", "esc", "q", "ctrl-c"],
        &|app| press(app, &format!("{PAYMENTS_RISKS} 5")),
        &|app| {
            let path = app.ws.root.join("registers/payments-api.json");
            let theirs = std::fs::read_to_string(&path)
                .unwrap()
                .replace("Payments API", "Payments API v2");
            std::fs::write(&path, theirs).unwrap();
            act(app, Action::Save);
        },
        &|app| matches!(app.overlay, Some(Overlay::Conflict { .. })),
    );
}

#[test]
fn viewer_popups_have_a_way_out() {
    let open_viewer =
        |app: &mut App| app.open_runbook("runbooks/database/aurora-failover.md", None);
    for (name, action) in [
        ("toc", Action::Toc),
        ("backlinks", Action::Backlinks),
        ("search", Action::Search),
    ] {
        let dir = example_copy();
        let mut app = app_for(dir.path(), false);
        open_viewer(&mut app);
        app.run_effects();
        let scroll = app.viewer.as_ref().unwrap().scroll;
        act(&mut app, action);
        assert_eq!(app.context(), context_of(name), "{name}");
        press(&mut app, "esc");
        let viewer = app.viewer.as_ref().unwrap();
        assert!(
            viewer.popup.is_none() && viewer.search_input.is_none(),
            "{name}"
        );
        assert_eq!(viewer.scroll, scroll, "{name}");
        assert_eq!(app.view, View::Runbook, "{name}: Esc closes only the popup");
    }
}

fn context_of(name: &str) -> faultline::keymap::Context {
    match name {
        "search" => faultline::keymap::Context::Editor,
        _ => faultline::keymap::Context::Popup,
    }
}

#[test]
fn a_popup_names_the_keys_the_keymap_binds() {
    // The user gives `y` to "no" in confirmations: the delete question must not say "y yes".
    let dir = example_copy();
    let overrides = dir.path().join("keymap.json");
    std::fs::write(
        &overrides,
        r#"{"confirm": [{ "keys": ["y"], "action": "no" }]}"#,
    )
    .unwrap();
    let mut app = app_for(dir.path(), false);
    app.keymap = faultline::keymap::Keymap::with_overrides(&overrides).unwrap();
    press(&mut app, "tab d");
    assert!(matches!(app.overlay, Some(Overlay::Confirm { .. })));
    let text = harness::screen(&app);
    assert!(!text.contains("y yes"), "{text}");
    assert!(text.contains("Enter yes · n no"), "{text}");
}
