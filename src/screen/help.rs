//! The help popup, generated from the keymap so it always tells the truth.

use crate::app::App;
use crate::keymap::Key;
use crate::screen::popup_area;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Every line of help: per keymap context, each action with its keys.
pub fn help_lines(app: &App) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (context, bindings) in app.keymap.contexts() {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::styled(context.title(), app.theme.title()));
        for binding in bindings {
            let keys = binding
                .keys
                .iter()
                .map(Key::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), app.theme.label()),
                Span::raw(binding.action.describe()),
            ]));
        }
    }
    lines
}

pub fn render(app: &App, scroll: usize, frame: &mut Frame) {
    let area = popup_area(frame.area(), 64, frame.area().height.saturating_sub(2));
    let lines = help_lines(app);
    let block = Block::bordered()
        .title(" Help · keys ")
        .title_bottom(" ↑↓ scroll · Esc close ");
    let inner_height = usize::from(block.inner(area).height);
    let scroll = scroll.min(lines.len().saturating_sub(inner_height));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        area,
    );
}
