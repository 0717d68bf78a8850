//! The mouse, a bonus over a complete keyboard: a click selects in the lists, the form and the
//! heat map, the wheel scrolls lists and the runbook, a click on a link follows it. Positions are
//! mapped with the screens' own layouts, then the same actions as the keys are applied.

use crate::action::Action;
use crate::app::{App, Pane, View};
use crate::screen::register;
use crate::screen::scroll_offset;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

/// Lines one wheel step scrolls in the runbook.
const WHEEL_LINES: isize = 3;

pub fn handle(app: &mut App, event: MouseEvent) {
    let at = Position::new(event.column, event.row);
    match event.kind {
        MouseEventKind::ScrollDown => wheel(app, at, true),
        MouseEventKind::ScrollUp => wheel(app, at, false),
        MouseEventKind::Down(MouseButton::Left) => click(app, at),
        _ => {}
    }
}

fn wheel(app: &mut App, at: Position, down: bool) {
    if app.editing.is_some() {
        return;
    }
    let step = if down { Action::Down } else { Action::Up };
    if app.overlay.is_some() {
        // Lists in popups (help, findings, the finder) move with the wheel.
        app.update(step);
        return;
    }
    match app.view {
        View::Runbook => {
            if let Some(viewer) = app.viewer.as_mut() {
                if viewer.popup.is_some() {
                    app.update(step);
                } else {
                    viewer.scroll_by(if down { WHEEL_LINES } else { -WHEEL_LINES });
                }
            }
        }
        View::Register => {
            if let Some(pane) = pane_at(app, at) {
                focus(app, pane);
                app.update(step);
            }
        }
        View::HeatMap | View::Timeline => {
            if app.view == View::Timeline {
                app.update(step);
            }
        }
    }
}

fn click(app: &mut App, at: Position) {
    if app.editing.is_some() || app.overlay.is_some() {
        return;
    }
    match app.view {
        View::Register => click_register(app, at),
        View::HeatMap => {
            if let Some(cell) = crate::screen::heatmap::cell_at(app.area, at.x, at.y) {
                app.register.heat_cursor = cell;
            }
        }
        View::Runbook => click_link(app, at),
        View::Timeline => {
            // A click on an event shows the timeline whole, at that event.
            let area = app.area;
            if let Some(state) = app.timeline.as_mut()
                && let Some(pane) = crate::screen::timeline::events_area(state, area)
                && pane.contains(at)
                && let Some(event) = crate::screen::timeline::event_at(state, pane, at.y)
            {
                state.reading = Some(event);
            }
        }
    }
}

/// The register pane under a position.
fn pane_at(app: &App, at: Position) -> Option<Pane> {
    let areas = register::layout(app, app.area);
    [
        (areas.components, Pane::Components),
        (areas.risks, Pane::Risks),
        (areas.detail, Pane::Detail),
    ]
    .into_iter()
    .find(|(rect, _)| rect.contains(at))
    .map(|(_, pane)| pane)
}

/// Focuses a pane as Tab would (so the form shows the right subject).
fn focus(app: &mut App, pane: Pane) {
    for _ in 0..3 {
        if app.register.focus == pane {
            return;
        }
        app.update(Action::NextPane);
    }
}

fn click_register(app: &mut App, at: Position) {
    let areas = register::layout(app, app.area);
    let Some(pane) = pane_at(app, at) else {
        return;
    };
    // The list row under the pointer, in a bordered list scrolled to keep `selected` in view.
    let row_in = |rect: Rect, selected: usize, len: usize| -> Option<usize> {
        let list = ratatui::widgets::Block::bordered().inner(rect);
        let line = usize::from(at.y.checked_sub(list.y)?);
        let target = scroll_offset(selected, usize::from(list.height), len) + line;
        (target < len).then_some(target)
    };
    match pane {
        Pane::Components => {
            let visible = app.visible();
            let len = visible.len();
            let lines = register::component_lines(app, visible);
            let list = ratatui::widgets::Block::bordered().inner(areas.components);
            let offset = register::component_offset(app, &lines, usize::from(list.height));
            // The line clicked; a repository's heading stands for its first component.
            let target =
                at.y.checked_sub(list.y)
                    .and_then(|line| lines.get(offset + usize::from(line)..))
                    .and_then(|below| {
                        below.iter().find_map(|l| match l {
                            register::ComponentLine::Component(pos) => Some(*pos),
                            register::ComponentLine::Repo(_) => None,
                        })
                    });
            if let Some(target) = target {
                focus(app, Pane::Components);
                step_to(app, app.register.component, target, len);
            }
        }
        Pane::Risks => {
            let len = app.risk_order().len();
            if let Some(target) = row_in(areas.risks, app.register.risk, len) {
                focus(app, Pane::Risks);
                step_to(app, app.register.risk, target, len);
            }
        }
        Pane::Detail => {
            if let Some(row) = crate::screen::detail::row_at(app, areas.detail, at.y) {
                focus(app, Pane::Detail);
                let current = app.register.row;
                step_to(app, current, row, app.form_rows().len());
            }
        }
    }
}

/// Moves the focused list's selection from `from` to `to` with the same actions as the keys,
/// so every rule of moving (the form resets, levels start at likelihood) applies.
fn step_to(app: &mut App, from: usize, to: usize, len: usize) {
    if to >= len {
        return;
    }
    let (action, steps) = if to >= from {
        (Action::Down, to - from)
    } else {
        (Action::Up, from - to)
    };
    for _ in 0..steps {
        app.update(action);
    }
}

/// A click on a link in the runbook follows it (a web link is focused, for `o`).
fn click_link(app: &mut App, at: Position) {
    let Some(viewer) = app.viewer.as_mut() else {
        return;
    };
    if viewer.popup.is_some() || viewer.search_input.is_some() {
        return;
    }
    let doc_x = if app.area.width >= crate::app::runbook::SIDE_TOC_FROM {
        crate::app::runbook::SIDE_TOC_WIDTH
    } else {
        0
    };
    // The document starts below the title line, one column in (the gutter).
    let Some(line) = at.y.checked_sub(1).map(|y| usize::from(y) + viewer.scroll) else {
        return;
    };
    let Some(column) = at.x.checked_sub(doc_x + 1).map(usize::from) else {
        return;
    };
    let hit = viewer.doc.links.iter().position(|link| {
        link.segments
            .iter()
            .any(|s| s.line == line && column >= s.start && column < s.end)
    });
    if let Some(i) = hit {
        viewer.link = Some(i);
        let web = crate::markdown::is_web(&viewer.doc.links[i].dest);
        if !web {
            app.update(Action::Select);
        }
    }
}
