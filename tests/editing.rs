//! The register editor through scripted keys: editing a field, levels with one key, adding and
//! deleting risks with confirmation, undo and redo, the heat-map filter, the finder, saving as a
//! one-line diff, refusing bad values, and never overwriting a file changed on disk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::app::{Overlay, Pane};
use faultline::model::{Level, Register};
use harness::{app_for, example, example_copy, press, screen, type_text};
use std::fs;
use std::path::Path;

fn register(root: &Path, id: &str) -> Register {
    let text = fs::read_to_string(root.join(format!("registers/{id}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// payments-api is the ninth component; its first risk by score is concurrency-limit.
const TO_PAYMENTS_RISKS: &str = "j j j j j j j j tab";

#[test]
fn edit_a_title() {
    let mut app = example();
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "enter enter"); // detail pane, then edit the title
    press(&mut app, "ctrl-u");
    type_text(&mut app, "Lambda account concurrency exhausted");
    insta::assert_snapshot!("editing_a_title", screen(&app));
    press(&mut app, "enter");
    let text = screen(&app);
    assert!(
        text.contains("Lambda account concurrency exhausted"),
        "{text}"
    );
    assert!(text.contains("payments-api *"), "unsaved marker: {text}");
    assert!(text.contains("1 unsaved"), "{text}");
    insta::assert_snapshot!("title_edited", text);
}

#[test]
fn digits_set_likelihood_then_impact() {
    let mut app = example();
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "5 4");
    let reg = app.selected_file().unwrap().register().unwrap().clone();
    let risk = reg
        .risks
        .iter()
        .find(|r| r.id == "concurrency-limit")
        .unwrap();
    assert_eq!(
        (risk.likelihood, risk.impact),
        (Level::VeryHigh, Level::High)
    );
    // The edited risk keeps the selection although it moved to the top by score.
    assert_eq!(app.selected_risk_index(), Some(0));
    insta::assert_snapshot!(screen(&app));
    press(&mut app, "-");
    let reg = app.selected_file().unwrap().register().unwrap();
    assert_eq!(
        reg.risks[0].likelihood,
        Level::High,
        "- lowers the level being set"
    );
}

#[test]
fn add_a_risk_then_delete_it_with_confirmation() {
    let mut app = example();
    press(&mut app, "j tab a");
    type_text(&mut app, "Webhook signature secret rotated");
    press(&mut app, "enter");
    let reg = app.selected_file().unwrap().register().unwrap().clone();
    let added = reg.risks.last().unwrap();
    assert_eq!(
        added.id, "webhook-signature-secret-rotated",
        "a short id from the title"
    );
    assert_eq!(added.title, "Webhook signature secret rotated");
    insta::assert_snapshot!("risk_added", screen(&app));

    press(&mut app, "d");
    assert!(matches!(app.overlay, Some(Overlay::Confirm { .. })));
    insta::assert_snapshot!("delete_confirmation", screen(&app));
    press(&mut app, "n");
    assert_eq!(
        app.selected_file().unwrap().register().unwrap().risks.len(),
        reg.risks.len(),
        "n keeps it"
    );
    press(&mut app, "d y");
    let after = app.selected_file().unwrap().register().unwrap();
    assert!(
        after
            .risks
            .iter()
            .all(|r| r.id != "webhook-signature-secret-rotated")
    );
}

#[test]
fn a_new_risk_dropped_with_esc_leaves_nothing() {
    let mut app = example();
    let before = app.selected_file().unwrap().register().unwrap().clone();
    press(&mut app, "tab a esc");
    assert_eq!(app.selected_file().unwrap().register().unwrap(), &before);
    assert!(app.dirty_paths().is_empty());
    press(&mut app, "ctrl-r");
    assert_eq!(
        app.selected_file().unwrap().register().unwrap(),
        &before,
        "nothing to redo"
    );
}

#[test]
fn undo_and_redo_every_edit() {
    let mut app = example();
    let original = app.selected_file().unwrap().register().unwrap().clone();
    // The status becomes accepted: who accepts it is asked, and Esc leaves it.
    press(&mut app, "tab 1 1 s esc");
    let edited = app.selected_file().unwrap().register().unwrap().clone();
    assert_ne!(edited, original);
    press(&mut app, "u u u");
    assert_eq!(app.selected_file().unwrap().register().unwrap(), &original);
    assert!(
        app.dirty_paths().is_empty(),
        "back to the saved state is not unsaved"
    );
    insta::assert_snapshot!("after_undo", screen(&app));
    press(&mut app, "ctrl-r ctrl-r ctrl-r");
    assert_eq!(app.selected_file().unwrap().register().unwrap(), &edited);
}

#[test]
fn heat_map_filters_the_register() {
    let mut app = example();
    press(&mut app, "m");
    // From medium × medium: up to high likelihood, right twice to very-high impact.
    press(&mut app, "k l l");
    insta::assert_snapshot!("heat_map", screen(&app));
    press(&mut app, "enter");
    let text = screen(&app);
    insta::assert_snapshot!("heat_map_filtered", text);
    for &i in app.visible() {
        let reg = app.ws.components[i].register().unwrap();
        assert!(
            reg.risks
                .iter()
                .any(|r| r.likelihood == Level::High && r.impact == Level::VeryHigh)
        );
    }
    assert_eq!(app.visible().len(), 2);
    // Levels changed while filtered: the map follows.
    press(&mut app, "esc");
    assert_eq!(app.visible().len(), app.ws.components.len());
}

#[test]
fn finder_query_and_jump() {
    let mut app = example();
    press(&mut app, "ctrl-p");
    type_text(&mut app, "backup restored");
    insta::assert_snapshot!("finder", screen(&app));
    press(&mut app, "enter");
    assert!(app.overlay.is_none());
    assert_eq!(app.selected_file().unwrap().stem, "orders-db");
    let index = app.selected_risk_index().unwrap();
    assert_eq!(
        app.selected_file().unwrap().register().unwrap().risks[index].id,
        "backup-never-restored"
    );
    assert_eq!(app.register.focus, Pane::Risks);
}

#[test]
fn typing_w_in_the_finder_never_saves_but_the_command_line_does() {
    let dir = example_copy();
    let mut app = app_for(dir.path(), false);
    press(&mut app, "tab 5");
    press(&mut app, "ctrl-p");
    assert!(matches!(app.overlay, Some(Overlay::Finder(_))));
    type_text(&mut app, "w");
    press(&mut app, "enter");
    assert_eq!(
        app.dirty_paths().len(),
        1,
        "the finder went to a match; nothing saved"
    );
    assert_eq!(
        register(dir.path(), "api-gateway").risks[0].likelihood,
        Level::Low
    );
    press(&mut app, ":");
    assert!(matches!(app.overlay, Some(Overlay::Command(_))));
    type_text(&mut app, "w");
    press(&mut app, "enter");
    assert!(app.dirty_paths().is_empty(), "{:?}", app.status);
    assert_eq!(
        register(dir.path(), "api-gateway").risks[0].likelihood,
        Level::VeryHigh
    );
}

#[test]
fn the_command_line_completes_and_explains() {
    let mut app = example();
    press(&mut app, ":");
    type_text(&mut app, "fi");
    press(&mut app, "tab");
    let Some(Overlay::Command(line)) = &app.overlay else {
        panic!("command line closed");
    };
    // The candidates share no more than what is typed: the first goes in, all are listed.
    assert_eq!(line.input.text(), "find");
    assert_eq!(
        line.choices_line().as_deref(),
        Some("[find]  filter  findings")
    );
    // Tab again cycles through the candidates (vim's wildmenu), round after the last.
    let mut seen = Vec::new();
    for _ in 0..3 {
        press(&mut app, "tab");
        let Some(Overlay::Command(line)) = &app.overlay else {
            panic!("command line closed");
        };
        seen.push(line.input.text().to_owned());
    }
    assert_eq!(seen, ["filter", "findings", "find"]);
    let Some(Overlay::Command(line)) = &app.overlay else {
        panic!("command line closed");
    };
    assert_eq!(
        line.choices_line().as_deref(),
        Some("[find]  filter  findings")
    );
    assert!(screen(&app).contains("[find]  filter  findings"));
    // Typing ends the cycle; what is typed goes on from the candidate shown.
    press(&mut app, "backspace backspace");
    type_text(&mut app, "lt");
    press(&mut app, "tab");
    let Some(Overlay::Command(line)) = &app.overlay else {
        panic!("command line closed");
    };
    assert_eq!(line.input.text(), "filter ");
    type_text(&mut app, "evict");
    press(&mut app, "enter");
    assert!(app.overlay.is_none());
    assert_eq!(app.visible().len(), 1, "only session-cache holds “evict”");
    press(&mut app, ":");
    type_text(&mut app, "frobnicate");
    press(&mut app, "enter");
    let Some(Overlay::Command(line)) = &app.overlay else {
        panic!("an unknown command keeps the line open with the reason");
    };
    assert!(line.error.clone().unwrap().contains("unknown command"));
    press(&mut app, "esc");
    assert!(app.overlay.is_none() && !app.should_quit);
    press(&mut app, ":");
    type_text(&mut app, "q");
    press(&mut app, "enter");
    assert!(app.should_quit);
}

#[test]
fn slash_filters_the_register_as_you_type() {
    let mut app = example();
    press(&mut app, "/");
    type_text(&mut app, "certificate");
    // dns-certs by its risks, card-provider by its mutual-TLS certificate risk.
    let shown: Vec<String> = app
        .visible()
        .iter()
        .map(|&i| app.ws.components[i].stem.clone())
        .collect();
    assert_eq!(shown, ["card-provider", "dns-certs"]);
    insta::assert_snapshot!("text_filter", screen(&app));
    press(&mut app, "enter tab");
    assert_eq!(app.risk_order().len(), 1, "only the risk that matches");
    press(&mut app, "esc");
    assert!(app.register.text_filter.is_none(), "Esc clears the filter");
    assert_eq!(app.visible().len(), 10);
    assert!(!app.should_quit);
}

#[test]
fn invalid_values_are_refused_at_the_field() {
    let mut app = example();
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "enter j enter ctrl-u"); // the Id row
    type_text(&mut app, "!!!");
    press(&mut app, "enter");
    assert!(app.editing.is_some(), "the editor stays open");
    let text = screen(&app);
    assert!(text.contains("not a valid id"), "{text}");
    press(&mut app, "ctrl-u");
    type_text(&mut app, "cold-start-scale-out");
    press(&mut app, "enter");
    let error = app
        .editing
        .as_ref()
        .and_then(|e| e.error.clone())
        .unwrap_or_default();
    assert!(error.contains("already has id"), "{error}");
    press(&mut app, "esc");
    assert!(app.dirty_paths().is_empty());
    // A non-numeric estimate.
    press(&mut app, "G k k k enter ctrl-u");
    type_text(&mut app, "ten");
    let text = screen(&app);
    assert!(
        text.contains("`ten` is not a number"),
        "shown while typing: {text}"
    );
}

#[test]
fn pasted_escape_sequences_are_stored_but_never_drawn_raw() {
    let mut app = example();
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "enter enter ctrl-u");
    type_text(&mut app, "evil \u{1b}]52;c;aGk=\u{7} title");
    press(&mut app, "enter");
    let reg = app.selected_file().unwrap().register().unwrap();
    assert!(
        reg.risks
            .iter()
            .any(|r| r.title == "evil \u{1b}]52;c;aGk=\u{7} title")
    );
    let terminal = harness::terminal(&app, 80, 24);
    for cell in &terminal.backend().buffer().content {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "{:?}",
            cell.symbol()
        );
    }
}

#[test]
fn a_one_field_edit_saves_as_a_one_line_diff() {
    let dir = example_copy();
    let before = fs::read_to_string(dir.path().join("registers/payments-api.json")).unwrap();
    let mut app = app_for(dir.path(), false);
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "s ctrl-s");
    assert!(app.dirty_paths().is_empty(), "{:?}", app.status);
    let after = fs::read_to_string(dir.path().join("registers/payments-api.json")).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(
        changed,
        [(
            "      \"status\": \"mitigating\",",
            "      \"status\": \"mitigated\","
        )]
    );
}

#[test]
fn a_file_changed_on_disk_is_never_overwritten_silently() {
    let dir = example_copy();
    let path = dir.path().join("registers/payments-api.json");
    let mut app = app_for(dir.path(), false);
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "5");
    // A `git pull` changes the file underneath.
    let theirs = fs::read_to_string(&path)
        .unwrap()
        .replace("Payments API", "Payments API v2");
    fs::write(&path, &theirs).unwrap();
    press(&mut app, "ctrl-s");
    assert!(matches!(
        app.overlay,
        Some(Overlay::Conflict { deleted: false, .. })
    ));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        theirs,
        "untouched until the user chooses"
    );
    insta::assert_snapshot!("conflict_prompt", screen(&app));
    // Keep editing: still nothing written.
    press(&mut app, "k");
    assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
    assert_eq!(app.dirty_paths().len(), 1);
    // Overwrite: mine wins, on purpose.
    press(&mut app, "ctrl-s o");
    let written: Register = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written.title, "Payments API");
    assert!(
        written
            .risks
            .iter()
            .any(|r| r.likelihood == Level::VeryHigh)
    );
}

#[test]
fn reload_takes_the_version_on_disk() {
    let dir = example_copy();
    let path = dir.path().join("registers/payments-api.json");
    let mut app = app_for(dir.path(), false);
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "5");
    let theirs = fs::read_to_string(&path)
        .unwrap()
        .replace("Payments API", "Payments API v2");
    fs::write(&path, &theirs).unwrap();
    press(&mut app, "ctrl-s r");
    assert!(app.dirty_paths().is_empty());
    assert_eq!(
        app.selected_file().unwrap().register().unwrap().title,
        "Payments API v2"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
}

#[test]
fn idle_check_reloads_clean_files_and_flags_edited_ones() {
    let dir = example_copy();
    let mut app = app_for(dir.path(), false);
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "5");
    let edited = dir.path().join("registers/payments-api.json");
    let clean = dir.path().join("registers/orders-db.json");
    fs::write(
        &clean,
        fs::read_to_string(&clean)
            .unwrap()
            .replace("Orders database", "Orders DB"),
    )
    .unwrap();
    fs::remove_file(&edited).unwrap();
    app.check_disk();
    app.run_effects();
    assert!(matches!(
        app.overlay,
        Some(Overlay::Conflict { deleted: true, .. })
    ));
    let orders = app
        .ws
        .components
        .iter()
        .find(|c| c.stem == "orders-db")
        .unwrap();
    assert_eq!(
        orders.register().unwrap().title,
        "Orders DB",
        "a clean file is reloaded"
    );
    assert!(
        !edited.exists(),
        "a deleted file is not recreated behind the user's back"
    );
}

#[test]
fn a_broken_file_cannot_be_edited() {
    let mut app = app_for(&harness::repo().join("tests/fixtures/broken"), false);
    press(&mut app, "j tab a");
    let status = app.status.clone().unwrap_or_default();
    assert!(
        status.contains("cannot edit a file that did not load"),
        "{status}"
    );
    assert!(app.dirty_paths().is_empty());
}

#[test]
fn read_only_refuses_every_edit() {
    let mut app = example();
    app.read_only = true;
    press(&mut app, "tab 5 s a d");
    assert!(app.dirty_paths().is_empty());
    assert!(app.overlay.is_none());
    assert!(app.status.clone().unwrap().contains("read-only"));
}

#[test]
fn quit_with_unsaved_changes_asks() {
    let mut app = example();
    press(&mut app, "tab 5 q");
    assert!(matches!(app.overlay, Some(Overlay::Unsaved)));
    assert!(!app.should_quit);
    insta::assert_snapshot!("quit_prompt", screen(&app));
    press(&mut app, "c");
    assert!(app.overlay.is_none() && !app.should_quit);
    press(&mut app, "q d");
    assert!(app.should_quit);
}

#[test]
fn new_component_is_created_on_save() {
    let dir = example_copy();
    let mut app = app_for(dir.path(), false);
    press(&mut app, "A");
    type_text(&mut app, "Search API");
    press(&mut app, "enter");
    assert!(
        app.overlay.is_none(),
        "“Search API” makes the id search-api"
    );
    assert_eq!(app.selected_file().unwrap().stem, "search-api");
    assert!(
        !dir.path().join("registers/search-api.json").exists(),
        "written only on save"
    );
    press(&mut app, "ctrl-s");
    let reg = register(dir.path(), "search-api");
    assert_eq!(reg.title, "Search api");
    // Delete it again: the file goes on save.
    press(&mut app, "h h d y ctrl-s");
    assert!(!dir.path().join("registers/search-api.json").exists());
}

#[test]
fn list_items_are_added_and_removed() {
    let mut app = example();
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "enter");
    // Questions: one item, then its add row.
    let rows = app.form_rows();
    let add = rows
        .iter()
        .position(|r| r.field == faultline::form::Field::Tickets && r.item.is_none())
        .unwrap();
    for _ in 0..add {
        press(&mut app, "j");
    }
    press(&mut app, "enter");
    type_text(&mut app, "PAY-200");
    press(&mut app, "enter");
    let risk = |app: &faultline::app::App| {
        let reg = app.selected_file().unwrap().register().unwrap();
        reg.risks
            .iter()
            .find(|r| r.id == "concurrency-limit")
            .unwrap()
            .clone()
    };
    assert_eq!(risk(&app).tickets, ["PAY-142", "PAY-200"]);
    // The selection stays on the add row, ready for the next ticket; up is the new one.
    assert_eq!(app.form_rows()[app.register.row].item, None);
    press(&mut app, "k d");
    assert_eq!(risk(&app).tickets, ["PAY-142"]);
}

#[test]
fn e_hands_the_register_file_to_the_editor_unless_it_has_unsaved_edits() {
    let mut app = example();
    press(&mut app, "j e");
    assert_eq!(
        app.terminal_requests,
        [faultline::effects::TerminalRequest::Editor(
            harness::repo().join("registers/card-provider.json")
        )]
    );
    app.terminal_requests.clear();
    press(&mut app, "tab 5 e");
    assert!(app.terminal_requests.is_empty());
    assert!(app.status.clone().unwrap().contains("has unsaved edits"));
}

#[test]
fn the_finder_follows_edits() {
    let mut app = example();
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "enter enter ctrl-u");
    type_text(&mut app, "Quota of parallel invocations exhausted");
    press(&mut app, "enter");
    let texts: Vec<String> = app.search.texts().map(str::to_owned).collect();
    assert!(
        texts
            .iter()
            .any(|t| t == "payments-api/concurrency-limit  Quota of parallel invocations exhausted")
    );
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("Lambda concurrency limit reached"))
    );
    assert_eq!(
        texts
            .iter()
            .filter(|t| t.starts_with("payments-api/"))
            .count(),
        5,
        "no duplicates"
    );
    press(&mut app, "u");
    let texts: Vec<String> = app.search.texts().map(str::to_owned).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Lambda concurrency limit reached"))
    );
}

#[test]
fn esc_in_the_workshop_flow_stops_and_keeps_the_detection_typed() {
    let mut app = example();
    press(&mut app, "tab a");
    type_text(&mut app, "Reindex blocks writes");
    press(&mut app, "enter 4 5");
    type_text(&mut app, "Write latency alarm");
    press(&mut app, "esc");
    assert!(app.editing.is_none(), "Esc stops the flow");
    assert!(!app.register.quick_add);
    let reg = app.selected_file().unwrap().register().unwrap();
    let risk = reg
        .risks
        .iter()
        .find(|r| r.id == "reindex-blocks-writes")
        .unwrap();
    assert_eq!(risk.detection, "Write latency alarm", "{:?}", app.status);
    // Esc on a field opened outside the flow still drops what was typed.
    press(&mut app, "enter");
    type_text(&mut app, " — dropped");
    press(&mut app, "esc");
    let reg = app.selected_file().unwrap().register().unwrap();
    assert!(reg.risks.iter().all(|r| !r.title.contains("dropped")));
}

#[test]
fn digits_after_adding_a_risk_set_likelihood_then_impact() {
    // The workshop flow: `a`, the title, Enter, two digits; the form keeps focus on the title row.
    let mut app = example();
    press(&mut app, "tab a");
    type_text(&mut app, "Reindex blocks writes");
    press(&mut app, "enter 4 5");
    assert!(
        app.editing.is_some(),
        "the workshop flow opens detection next"
    );
    press(&mut app, "esc g");
    let reg = app.selected_file().unwrap().register().unwrap();
    let risk = reg
        .risks
        .iter()
        .find(|r| r.id == "reindex-blocks-writes")
        .unwrap();
    assert_eq!(
        (risk.likelihood, risk.impact),
        (Level::High, Level::VeryHigh)
    );
    // On the Impact row, a digit sets impact only, every time.
    let impact_row = app
        .form_rows()
        .iter()
        .position(|r| r.field == faultline::form::Field::Impact)
        .unwrap();
    for _ in 0..impact_row {
        press(&mut app, "j");
    }
    press(&mut app, "2 3");
    let reg = app.selected_file().unwrap().register().unwrap();
    let risk = reg
        .risks
        .iter()
        .find(|r| r.id == "reindex-blocks-writes")
        .unwrap();
    assert_eq!((risk.likelihood, risk.impact), (Level::High, Level::Medium));
}

#[test]
fn deleting_a_component_removes_the_references_to_it_in_one_change() {
    let dir = example_copy();
    let mut app = app_for(dir.path(), false);
    // orders-db is the eighth component; payments-api and order-queue depend on it.
    press(&mut app, "j j j j j j j d");
    let Some(Overlay::Confirm { question, .. }) = &app.overlay else {
        panic!("no confirmation");
    };
    assert!(
        question.contains("order-queue, payments-api depend on it"),
        "{question}"
    );
    press(&mut app, "y ctrl-s");
    assert!(!dir.path().join("registers/orders-db.json").exists());
    assert!(
        !register(dir.path(), "payments-api")
            .depends_on
            .contains(&"orders-db".to_owned())
    );
    assert!(register(dir.path(), "order-queue").depends_on.is_empty());
    let ws = faultline::store::Workspace::load(dir.path()).unwrap();
    let findings = faultline::check::check(&ws, harness::today());
    assert!(
        findings.iter().all(|f| f.rule != "unknown-dependency"),
        "{findings:?}"
    );
    // One undo brings the component and both references back.
    press(&mut app, "u ctrl-s");
    assert!(dir.path().join("registers/orders-db.json").exists());
    assert!(
        register(dir.path(), "payments-api")
            .depends_on
            .contains(&"orders-db".to_owned())
    );
    assert_eq!(
        register(dir.path(), "order-queue").depends_on,
        ["orders-db"]
    );
}

#[test]
fn a_change_on_disk_to_another_risk_is_shown_and_merged() {
    let dir = example_copy();
    let path = dir.path().join("registers/payments-api.json");
    let mut app = app_for(dir.path(), false);
    press(&mut app, TO_PAYMENTS_RISKS);
    // Mine: concurrency-limit's likelihood to 5.
    press(&mut app, "5");
    // Theirs (a git pull): another risk's mitigation, and the owner.
    let mut theirs: Register = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    theirs.owner = "team-checkout".into();
    let slow = theirs
        .risks
        .iter_mut()
        .find(|r| r.id == "slow-provider-timeouts")
        .unwrap();
    slow.mitigation = "Provider timeout 3 s; degraded mode flag checkout-pay-later".into();
    fs::write(&path, faultline::model::to_canonical(&theirs)).unwrap();
    press(&mut app, "ctrl-s");
    let text = screen(&app);
    assert!(text.contains("On disk:"), "{text}");
    assert!(
        text.contains("owner team-payments → team-checkout"),
        "{text}"
    );
    assert!(
        text.contains("payments-api/slow-provider-timeouts"),
        "{text}"
    );
    assert!(
        text.contains("likelihood medium → very-high"),
        "mine: {text}"
    );
    assert!(text.contains("m merges both"), "{text}");
    insta::assert_snapshot!("conflict_with_merge", text);
    // Merge, then save: both changes are in the file.
    press(&mut app, "m ctrl-s");
    assert!(app.dirty_paths().is_empty(), "{:?}", app.status);
    let saved = register(dir.path(), "payments-api");
    assert_eq!(saved.owner, "team-checkout");
    let risk = |id: &str| saved.risks.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(risk("concurrency-limit").likelihood, Level::VeryHigh);
    assert!(
        risk("slow-provider-timeouts")
            .mitigation
            .starts_with("Provider timeout 3 s")
    );
    // One undo takes the merge back to my edits alone (on top of theirs as the base).
    press(&mut app, "u");
    assert!(app.status.clone().unwrap().contains("undid: merged"));
}

#[test]
fn the_same_risk_changed_on_both_sides_is_not_merged() {
    let dir = example_copy();
    let path = dir.path().join("registers/payments-api.json");
    let mut app = app_for(dir.path(), false);
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "5");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("Lambda concurrency limit reached", "Concurrency exhausted");
    fs::write(&path, &text).unwrap();
    press(&mut app, "ctrl-s");
    let screen_text = screen(&app);
    assert!(
        screen_text.contains("Both changed payments-api/concurrency-limit"),
        "{screen_text}"
    );
    press(&mut app, "m");
    assert_eq!(fs::read_to_string(&path).unwrap(), text, "nothing written");
    assert_eq!(app.dirty_paths().len(), 1, "my edit is kept");
}

/// A negated word is one a match must not hold, so it does not make the matches weak.
#[test]
fn a_negated_word_does_not_make_the_finder_say_no_close_match() {
    let mut app = example();
    press(&mut app, "ctrl-p");
    type_text(&mut app, "aurora !zzz");
    let text = screen(&app);
    assert!(text.contains("aurora"), "{text}");
    assert!(!text.contains("no close match"), "{text}");
}

#[test]
fn the_finder_says_when_nothing_holds_every_word_and_tab_searches_the_text() {
    let mut app = example();
    press(&mut app, "ctrl-p");
    type_text(&mut app, "recycle workers");
    let text = screen(&app);
    assert!(
        text.contains("no close match: Tab searches the text"),
        "{text}"
    );
    press(&mut app, "tab");
    let text = screen(&app);
    assert!(
        text.contains("text Reconnect the applications"),
        "the section that says it leads the list: {text}"
    );
    press(&mut app, "enter");
    let viewer = app.viewer.as_ref().unwrap();
    assert_eq!(viewer.path, "runbooks/database/aurora-failover.md");
    assert_eq!(
        viewer.landed,
        Some(
            viewer
                .doc
                .heading("reconnect-the-applications")
                .unwrap()
                .line
        )
    );
}

/// The detail pane says whether the risk's runbook link resolves, as the workspace is now: an
/// edited link to a missing file is marked with the reason at once, and the fix with a tick.
#[test]
fn the_runbook_link_is_checked_as_shown() {
    let tall = |app: &faultline::app::App| harness::terminal(app, 100, 60).backend().to_string();
    let mut app = example();
    press(&mut app, TO_PAYMENTS_RISKS);
    press(&mut app, "enter");
    let before = tall(&app);
    assert!(before.contains("#raise-the-limit ✓"), "{before}");
    let file = app.selected_file().unwrap();
    let path = file.path.clone();
    let runbook = file
        .register()
        .unwrap()
        .risks
        .iter()
        .find(|r| r.id == "concurrency-limit")
        .unwrap()
        .runbook
        .clone();
    app.link_runbook(&path, "concurrency-limit", "runbooks/nowhere.md");
    let broken = tall(&app);
    assert!(
        broken.contains("✗ `runbooks/nowhere.md` does not exist"),
        "{broken}"
    );
    app.link_runbook(&path, "concurrency-limit", &runbook);
    let fixed = tall(&app);
    assert!(fixed.contains("#raise-the-limit ✓"), "{fixed}");
    assert!(!fixed.contains("nowhere"), "{fixed}");
}

/// Going to a component a filter hides (from the finder, the findings list, a blast radius)
/// shows everything again and lands on it, rather than leaving the selection where it was.
#[test]
fn going_to_a_hidden_component_clears_the_filter_hiding_it() {
    let mut app = example();
    press(&mut app, "/");
    type_text(&mut app, "orders");
    press(&mut app, "enter");
    assert!(app.register.text_filter.is_some());
    let before = app.selected_file().unwrap().stem.clone();
    assert_ne!(before, "payments-api");
    press(&mut app, "ctrl-p");
    type_text(&mut app, "payments-api  ");
    press(&mut app, "enter");
    assert_eq!(app.selected_file().unwrap().stem, "payments-api");
    assert!(app.register.text_filter.is_none());
    let text = screen(&app);
    assert!(text.contains("every component shown again"), "{text}");
}

/// Keys typed into the finder in one burst (handled before the effects run, as the event loop
/// takes every key already waiting) search once, after the burst; Enter within the burst goes
/// where the query typed so far leads.
#[test]
fn a_burst_of_keys_in_the_finder_searches_once() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
    let mut app = example();
    press(&mut app, "ctrl-p");
    for c in "orders-db".chars() {
        faultline::tui::handle_key(&mut app, key(KeyCode::Char(c)));
    }
    assert!(harness::finder(&app).stale);
    assert_eq!(
        harness::finder(&app).matches.query,
        "",
        "not searched key by key"
    );
    app.run_effects();
    assert!(!harness::finder(&app).stale);
    assert_eq!(harness::finder(&app).matches.query, "orders-db");
    // Typed and chosen in one burst: Enter searches first.
    press(&mut app, "ctrl-u");
    for c in "payments-api".chars() {
        faultline::tui::handle_key(&mut app, key(KeyCode::Char(c)));
    }
    faultline::tui::handle_key(&mut app, key(KeyCode::Enter));
    app.run_effects();
    assert!(app.overlay.is_none());
    assert_eq!(app.selected_file().unwrap().stem, "payments-api");
}

/// Under the event loop (`input_pending` set), `run_effects` leaves the search to the loop,
/// which draws the query first; a search given up because input is waiting leaves the finder
/// stale, its list the last query's, and says "searching…"; once no input waits it searches;
/// Enter never gives up.
#[test]
fn a_finder_search_gives_way_to_keys_still_waiting() {
    let mut app = example();
    app.input_pending = Some(|| true);
    press(&mut app, "ctrl-p");
    type_text(&mut app, "orders-db");
    app.run_effects();
    let stale = |app: &faultline::app::App| {
        let finder = harness::finder(app);
        (finder.stale, finder.matches.query.clone())
    };
    assert_eq!(stale(&app), (true, String::new()), "searched after drawing");
    assert!(!app.refresh_stale_finder(), "given up while keys wait");
    assert_eq!(stale(&app), (true, String::new()));
    let text = screen(&app);
    assert!(text.contains("searching…"), "{text}");
    assert!(
        text.contains("> orders-db"),
        "the query shows as typed: {text}"
    );
    app.input_pending = Some(|| false);
    assert!(app.refresh_stale_finder());
    assert_eq!(stale(&app), (false, "orders-db".to_owned()));
    assert!(!screen(&app).contains("searching…"));
    assert!(!app.refresh_stale_finder(), "nothing left to search");
    // Enter searches to the end even with input waiting: it goes where the query leads.
    app.input_pending = Some(|| true);
    press(&mut app, "ctrl-u");
    type_text(&mut app, "payments-api");
    press(&mut app, "enter");
    assert!(app.overlay.is_none());
    assert_eq!(app.selected_file().unwrap().stem, "payments-api");
}

/// Only what hides the component is cleared: a `/` filter hiding it goes, the blast-radius
/// scope it is inside stays; a component outside the scope clears the scope too.
#[test]
fn going_to_a_hidden_component_clears_only_what_hides_it() {
    let mut app = example();
    press(&mut app, "j j j j j j j B m esc");
    assert!(screen(&app).contains("Components (4 of 10)"));
    press(&mut app, "/");
    type_text(&mut app, "queue");
    press(&mut app, "enter");
    assert_ne!(app.selected_file().unwrap().stem, "payments-api");
    press(&mut app, "ctrl-p");
    type_text(&mut app, "payments-api  ");
    press(&mut app, "enter");
    assert_eq!(app.selected_file().unwrap().stem, "payments-api");
    assert!(app.register.text_filter.is_none());
    assert!(app.register.scope.is_some(), "the scope holds payments-api");
    let text = screen(&app);
    assert!(text.contains("Components (4 of 10)"), "{text}");
    assert!(
        text.contains("a filter hid the component asked for"),
        "{text}"
    );
    press(&mut app, "ctrl-p");
    type_text(&mut app, "session-cache  ");
    press(&mut app, "enter");
    assert_eq!(app.selected_file().unwrap().stem, "session-cache");
    assert!(app.register.scope.is_none());
    assert!(screen(&app).contains("every component shown again"));
}
