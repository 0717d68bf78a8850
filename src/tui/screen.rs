//! The screens: each draws from `App` state only, never loading or changing anything.

pub mod command;
pub mod coverage;
pub mod detail;
pub mod finder;
pub mod findings;
pub mod heatmap;
pub mod help;
pub mod popup;
pub mod register;
pub mod runbook;
pub mod timeline;

use crate::app::{App, Overlay, View};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};

/// Draws the whole screen for the current state.
pub fn render(app: &App, frame: &mut Frame) {
    match app.view {
        View::Register => register::render(app, frame),
        View::HeatMap => heatmap::render(app, frame),
        View::Runbook => runbook::render(app, frame),
        View::Timeline => timeline::render(app, frame),
    }
    match &app.overlay {
        Some(Overlay::Help { scroll, from }) => help::render(app, *scroll, *from, frame),
        Some(Overlay::Findings { selected }) => findings::render(app, *selected, frame),
        Some(Overlay::Finder(finder)) => finder::render(app, finder, frame),
        Some(Overlay::Blast { blast, selected }) => {
            popup::render_blast(app, blast, *selected, frame);
        }
        Some(Overlay::RunChoice {
            runbook,
            steps,
            selected,
        }) => popup::render_run_choice(app, runbook, steps, *selected, frame),
        Some(Overlay::Command(line)) => {
            let hint = "Tab completes · Enter runs · Esc closes";
            let choices = line.choices_line();
            let note = match (&line.error, &choices) {
                (Some(error), _) => (error.as_str(), app.theme.error()),
                (None, Some(choices)) => (choices.as_str(), app.theme.label()),
                (None, None) => (hint, app.theme.dim()),
            };
            command::render(app, ":", &line.input, Some(note), frame);
        }
        Some(overlay) => popup::render(app, overlay, frame),
        None => {
            if let Some(input) = &app.register.filter_input {
                let note = ("type to filter · Enter keeps · Esc clears", app.theme.dim());
                command::render(app, "/", input, Some(note), frame);
            }
        }
    }
}

/// A centred rectangle for a popup, at most `width` × `height`, within `area`.
pub fn popup_area(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// The first row to show so that `selected` stays visible in `rows` rows of `len` items: the
/// list scrolls with the selection kept in the middle once it is past half a screen.
pub fn scroll_offset(selected: usize, rows: usize, len: usize) -> usize {
    if rows == 0 || len <= rows {
        return 0;
    }
    selected.saturating_sub(rows / 2).min(len - rows)
}
