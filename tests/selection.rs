//! The selection follows the risk, not the row: through the heat-map filter and clearing it, the
//! sort order, moves, edits that re-sort, deletes, undo and redo, reloads from disk and finder
//! jumps. A property test drives random sequences of those.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::action::Action;
use faultline::app::{App, Pane};
use faultline::model::{Level, Register};
use harness::{app_for, example, example_copy, press, type_text};
use proptest::prelude::*;

fn selected(app: &App) -> Option<(String, String)> {
    let file = app.selected_file()?;
    Some((file.stem.clone(), app.selected_risk_id()?))
}

fn act(app: &mut App, action: Action) {
    app.update(action);
    app.run_effects();
}

#[test]
fn clearing_the_heat_map_filter_keeps_the_risk() {
    let mut app = example();
    // payments-api: its risks in score order; pick the third.
    press(&mut app, "j j j j j j j j tab j j");
    let before = selected(&app).unwrap();
    // Filter to the risk's own cell: it stays selected.
    let risk = {
        let reg = app.selected_file().unwrap().register().unwrap();
        reg.risks.iter().find(|r| r.id == before.1).unwrap().clone()
    };
    app.register.heat_cursor = (risk.likelihood, risk.impact);
    press(&mut app, "m enter");
    assert_eq!(selected(&app).unwrap(), before, "filtered to its cell");
    press(&mut app, "esc");
    assert!(app.register.filter.is_none());
    assert_eq!(selected(&app).unwrap(), before, "filter cleared");
    // The next status change lands on that risk and no other.
    let reg_before = app.selected_file().unwrap().register().unwrap().clone();
    press(&mut app, "s");
    let reg_after = app.selected_file().unwrap().register().unwrap().clone();
    for (a, b) in reg_before.risks.iter().zip(&reg_after.risks) {
        assert_eq!(a.id == before.1, a != b, "only {} changed", before.1);
    }
}

#[test]
fn the_reported_steps_keep_the_risk() {
    // `m`, a cell, Enter, then Esc, as the trial did: from medium × medium.
    let mut app = example();
    press(&mut app, "m enter");
    let before = selected(&app).unwrap();
    press(&mut app, "esc");
    assert_eq!(selected(&app).unwrap(), before);
}

#[test]
fn sort_order_and_moves_keep_the_risk() {
    let mut app = example();
    press(&mut app, "j j j j j j j j tab j j j");
    let before = selected(&app).unwrap();
    press(&mut app, "o");
    assert_eq!(selected(&app).unwrap(), before, "file order");
    press(&mut app, "K K J");
    assert_eq!(selected(&app).unwrap(), before, "moved");
    press(&mut app, "o 5 5");
    assert_eq!(
        selected(&app).unwrap(),
        before,
        "re-sorted by its new score"
    );
}

#[test]
fn a_reload_from_disk_keeps_the_risk() {
    let dir = example_copy();
    let mut app = app_for(dir.path(), false);
    press(&mut app, "j j j j j j j j tab j j");
    let before = selected(&app).unwrap();
    // Someone reverses the risks in the file and pulls.
    let path = dir.path().join("registers/payments-api.json");
    let mut reg: Register = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    reg.risks.reverse();
    reg.risks[0].likelihood = Level::VeryHigh;
    std::fs::write(&path, faultline::model::to_canonical(&reg)).unwrap();
    app.check_disk();
    app.run_effects();
    assert_eq!(selected(&app).unwrap(), before);
}

#[test]
fn undo_moves_the_selection_to_what_it_undid() {
    let mut app = example();
    press(&mut app, "j j j j j j j j tab");
    let edited = selected(&app).unwrap();
    press(&mut app, "s");
    // Go elsewhere, then undo: the selection comes back to the edited risk.
    press(&mut app, "h k k k");
    press(&mut app, "u");
    assert_eq!(selected(&app).unwrap(), edited);
    assert_eq!(app.register.focus, Pane::Risks);
    let status = app.status.clone().unwrap();
    assert!(
        status.contains("undid") && status.contains(&edited.1),
        "{status}"
    );
}

#[test]
fn deleting_selects_the_nearest_risk() {
    let mut app = example();
    press(&mut app, "j j j j j j j j tab j j");
    let position = app.register.risk;
    let gone = selected(&app).unwrap();
    press(&mut app, "d y");
    assert_ne!(selected(&app).unwrap(), gone);
    assert_eq!(app.register.risk, position, "the one now in its place");
}

#[test]
fn a_finder_jump_clears_a_filter_that_hides_the_risk() {
    let mut app = example();
    app.register.heat_cursor = (Level::VeryLow, Level::VeryLow);
    press(&mut app, "m enter ctrl-p");
    type_text(&mut app, "backup never restored");
    press(&mut app, "enter");
    assert_eq!(
        selected(&app).unwrap(),
        ("orders-db".into(), "backup-never-restored".into())
    );
}

#[derive(Debug, Clone)]
enum Op {
    Filter(u8, u8),
    ClearFilter,
    ToggleOrder,
    MoveUp,
    MoveDown,
    Level(u8),
    Status,
    Delete,
    Undo,
    Redo,
    Down,
    Component(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u8..=5, 1u8..=5).prop_map(|(l, i)| Op::Filter(l, i)),
        Just(Op::ClearFilter),
        Just(Op::ToggleOrder),
        Just(Op::MoveUp),
        Just(Op::MoveDown),
        (1u8..=5).prop_map(Op::Level),
        Just(Op::Status),
        Just(Op::Delete),
        Just(Op::Undo),
        Just(Op::Redo),
        Just(Op::Down),
        any::<bool>().prop_map(Op::Component),
    ]
}

/// The risks shown for the selected component, as ids.
fn shown(app: &App) -> Vec<String> {
    let Some(reg) = app.selected_file().and_then(|f| f.register()) else {
        return Vec::new();
    };
    app.risk_order()
        .iter()
        .map(|&i| reg.risks[i].id.clone())
        .collect()
}

fn registers(app: &App) -> Vec<Option<Register>> {
    app.ws
        .components
        .iter()
        .map(|c| c.register().cloned())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_selection_follows_the_risk(ops in proptest::collection::vec(op(), 1..30)) {
        let mut app = example();
        press(&mut app, "j j j j j j j j tab");
        for op in ops {
            let before = selected(&app);
            let position = app.register.risk;
            let regs_before = registers(&app);
            match &op {
                Op::Filter(l, i) => {
                    app.register.heat_cursor = (Level::from_value(*l).unwrap(), Level::from_value(*i).unwrap());
                    act(&mut app, Action::HeatMap);
                    act(&mut app, Action::Select);
                }
                Op::ClearFilter => act(&mut app, Action::Back),
                Op::ToggleOrder => act(&mut app, Action::ToggleOrder),
                Op::MoveUp => act(&mut app, Action::MoveUp),
                Op::MoveDown => act(&mut app, Action::MoveDown),
                Op::Level(n) => act(&mut app, [Action::Level1, Action::Level2, Action::Level3, Action::Level4, Action::Level5][usize::from(*n - 1)]),
                Op::Status => {
                    act(&mut app, Action::CycleStatus);
                    // Accepting asks who and until when: the person leaves it with Esc.
                    while app.editing.is_some() {
                        act(&mut app, Action::EditCancel);
                    }
                }
                Op::Delete => {
                    act(&mut app, Action::Delete);
                    act(&mut app, Action::Yes);
                }
                Op::Undo => act(&mut app, Action::Undo),
                Op::Redo => act(&mut app, Action::Redo),
                Op::Down => act(&mut app, Action::Down),
                Op::Component(down) => {
                    let focus = app.register.focus;
                    app.register.focus = Pane::Components;
                    act(&mut app, if *down { Action::Down } else { Action::Up });
                    app.register.focus = focus;
                }
            }
            app.register.focus = Pane::Risks;
            let after = selected(&app);
            let ids = shown(&app);
            // Whatever happened, the selection is on a risk that is shown (if any is).
            if let Some((_, id)) = &after {
                prop_assert!(ids.contains(id), "{op:?}: {id} selected but not shown in {ids:?}");
            }
            prop_assert!(after.is_some() || ids.is_empty(), "{op:?}: nothing selected among {ids:?}");
            let Some(before) = before else { continue };
            let still_shown = after.as_ref().is_some_and(|a| a.0 == before.0) && ids.contains(&before.1);
            match op {
                Op::Down | Op::Component(_) => {}
                // Either still the same risk, or the one the undone change touched.
                Op::Undo | Op::Redo if after.as_ref() != Some(&before) => {
                    let regs_after = registers(&app);
                    prop_assert_ne!(regs_after, regs_before, "{:?} moved the selection without changing anything", op);
                }
                Op::Undo | Op::Redo => {}
                Op::Delete if after.as_ref().is_some_and(|a| a.0 == before.0) && !ids.is_empty() => {
                    prop_assert!(!ids.contains(&before.1), "deleted {} still shown", before.1);
                    prop_assert_eq!(app.register.risk, position.min(ids.len() - 1), "the nearest one");
                }
                Op::Delete => {}
                _ if still_shown => {
                    prop_assert_eq!(after, Some(before.clone()), "{:?} moved the selection off {:?}", op, before);
                }
                _ => {}
            }
        }
    }
}
