//! The help popup, generated from the keymap so it always tells the truth. The keys of where
//! help was asked for come first, then the keys that work everywhere, then the rest; lines wrap
//! to the popup's width, and under `--read-only` the editing keys are left out.

use crate::action::Action;
use crate::app::App;
use crate::keymap::{Context, Key};
use crate::screen::popup_area;
use crate::ui::widgets::wrap;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Columns of the key column.
const KEYS: usize = 18;

/// The order help lists contexts in, asked from `from`: that context, the ones it falls back to
/// (global keys), the popups and line editors it opens, then every other.
fn order(from: Context) -> Vec<Context> {
    let related: &[Context] = match from {
        Context::Register => &[Context::Global, Context::Command, Context::Editor],
        Context::Runbook => &[Context::Global, Context::Popup, Context::Command],
        Context::HeatMap => &[Context::Global],
        _ => &[Context::Global, Context::Editor],
    };
    let mut out = vec![from];
    for c in related {
        if !out.contains(c) {
            out.push(*c);
        }
    }
    out
}

/// Every line of help, `width` columns wide, starting with the keys of `from`.
pub fn help_lines(app: &App, from: Context, width: usize) -> Vec<Line<'static>> {
    let mut contexts: Vec<(Context, &[crate::keymap::Binding])> = app.keymap.contexts().collect();
    let first = order(from);
    contexts.sort_by_key(|(c, _)| first.iter().position(|f| f == c).unwrap_or(first.len()));
    let describe_width = width.saturating_sub(KEYS + 2).max(10);
    let mut lines = Vec::new();
    for (n, (context, bindings)) in contexts.iter().enumerate() {
        let shown: Vec<_> = bindings
            .iter()
            .filter(|b| !(app.read_only && hidden_when_read_only(b.action)))
            .collect();
        if shown.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        if n == first.len() {
            lines.push(Line::styled("— elsewhere —", app.theme.dim()));
        }
        lines.push(Line::styled(context.title(), app.theme.title()));
        for binding in shown {
            let keys = binding
                .keys
                .iter()
                .map(Key::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            let keys = if keys.chars().count() > KEYS {
                // Keys too many for the column get a line of their own.
                lines.push(Line::styled(format!("  {keys}"), app.theme.label()));
                String::new()
            } else {
                keys
            };
            for (i, piece) in wrap(binding.action.describe(), describe_width)
                .into_iter()
                .enumerate()
            {
                let key_column = if i == 0 { keys.as_str() } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {key_column:<KEYS$}"), app.theme.label()),
                    Span::raw(piece),
                ]));
            }
        }
        if *context == Context::Command {
            for command in &crate::app::COMMANDS {
                if app.read_only && matches!(command.names[0], "w" | "wq" | "new" | "undo" | "redo")
                {
                    continue;
                }
                let name = format!(":{} {}", command.names.join(" :"), command.arg);
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<KEYS$}", name.trim_end()), app.theme.label()),
                    Span::raw(command.about),
                ]));
            }
        }
    }
    lines
}

/// Editing keys are not shown when nothing can be edited.
fn hidden_when_read_only(action: Action) -> bool {
    action.is_edit() || matches!(action, Action::NextField | Action::PrevField)
}

pub fn render(app: &App, scroll: usize, from: Context, frame: &mut Frame) {
    let width = frame.area().width.saturating_sub(2).clamp(20, 76);
    let area = popup_area(frame.area(), width, frame.area().height.saturating_sub(2));
    let block = Block::bordered()
        .title(format!(" Help · {} ", from.title()))
        .title_bottom(" ↑↓ PgDn scroll · Esc close ");
    let inner = block.inner(area);
    let lines = help_lines(app, from, usize::from(inner.width));
    let inner_height = usize::from(inner.height);
    let scroll = scroll.min(lines.len().saturating_sub(inner_height));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        area,
    );
}
