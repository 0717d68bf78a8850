//! The mouse: clicks select in the lists, the form and the heat map; the wheel scrolls; a click
//! on a link follows it. Positions are screen cells at 80×24, as the terminal reports them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::app::{App, Pane, View};
use faultline::model::Level;
use harness::{example, press, screen};
use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) {
    faultline::mouse::handle(
        app,
        MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        },
    );
    app.run_effects();
}

fn click(app: &mut App, column: u16, row: u16) {
    mouse(app, MouseEventKind::Down(MouseButton::Left), column, row);
}

#[test]
fn clicks_select_components_risks_and_form_rows() {
    let mut app = example();
    // Components: row 1 is the first (under the border); row 9 the ninth, payments-api.
    click(&mut app, 5, 9);
    assert_eq!(app.selected_file().unwrap().stem, "payments-api");
    assert_eq!(app.register.focus, Pane::Components);
    // Risks: the third line of the risks pane.
    click(&mut app, 40, 3);
    assert_eq!(app.register.focus, Pane::Risks);
    assert_eq!(app.register.risk, 2);
    let id = app.selected_risk_id().unwrap();
    // The form: the line that shows the Title row.
    let text = screen(&app);
    let title_line = text.lines().position(|l| l.contains("Title ")).unwrap();
    click(&mut app, 40, u16::try_from(title_line).unwrap());
    assert_eq!(app.register.focus, Pane::Detail);
    assert_eq!(
        app.form_rows()[app.register.row].field,
        faultline::form::Field::RiskTitle
    );
    assert_eq!(app.selected_risk_id().unwrap(), id, "still the same risk");
    // A click below the last risk selects nothing new.
    click(&mut app, 40, 8);
    assert_eq!(app.selected_risk_id().unwrap(), id);
}

#[test]
fn the_wheel_scrolls_lists_and_the_runbook() {
    let mut app = example();
    mouse(&mut app, MouseEventKind::ScrollDown, 5, 5);
    mouse(&mut app, MouseEventKind::ScrollDown, 5, 5);
    assert_eq!(app.register.component, 2);
    app.open_runbook("runbooks/database/aurora-failover.md", None);
    app.run_effects();
    mouse(&mut app, MouseEventKind::ScrollDown, 40, 10);
    assert_eq!(app.viewer.as_ref().unwrap().scroll, 3);
    mouse(&mut app, MouseEventKind::ScrollUp, 40, 10);
    assert_eq!(app.viewer.as_ref().unwrap().scroll, 0);
}

#[test]
fn a_click_on_a_runbook_link_follows_it_and_one_on_a_cell_selects_it() {
    let mut app = example();
    app.open_runbook("runbooks/database/aurora-failover.md", None);
    app.run_effects();
    let viewer = app.viewer.as_ref().unwrap();
    let link = viewer
        .doc
        .links
        .iter()
        .find(|l| l.dest.starts_with("restore-from-backup.md"))
        .unwrap();
    let segment = link.segments[0];
    let scroll = viewer.scroll;
    // Screen row: one title line above the document; column: one gutter column.
    click(
        &mut app,
        u16::try_from(segment.start + 1).unwrap(),
        u16::try_from(segment.line - scroll + 1).unwrap(),
    );
    assert_eq!(
        app.viewer.as_ref().unwrap().path,
        "runbooks/database/restore-from-backup.md"
    );
    press(&mut app, "esc m");
    assert_eq!(app.view, View::HeatMap);
    let text = screen(&app);
    // The top row of cells is very-high likelihood; the first column very-low impact.
    let top = text
        .lines()
        .position(|l| l.contains("very-high 5"))
        .unwrap();
    click(&mut app, 16, u16::try_from(top).unwrap());
    assert_eq!(app.register.heat_cursor, (Level::VeryHigh, Level::VeryLow));
}
