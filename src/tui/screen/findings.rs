//! The findings popup: load errors and check findings, each at `path:line:column`.

use crate::app::App;
use crate::sanitize::sanitize;
use crate::screen::{popup_area, scroll_offset};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn render(app: &App, selected: usize, frame: &mut Frame) {
    let area = popup_area(
        frame.area(),
        frame.area().width.saturating_sub(4).max(20),
        frame.area().height.saturating_sub(2),
    );
    let (errors, warnings) = crate::finding::count(&app.findings);
    let block = Block::bordered()
        .title(format!(
            " Findings · {} ",
            crate::finding::plural_counts(errors, warnings)
        ))
        .title_bottom(" ↑↓ move · Enter go to file · Esc close ");
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    if app.findings.is_empty() {
        frame.render_widget(
            Paragraph::new("Every file loaded and checked cleanly."),
            inner,
        );
        return;
    }
    let [list, detail] = Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(inner);
    let rows = usize::from(list.height);
    let offset = scroll_offset(selected, rows, app.findings.len());
    let width = usize::from(list.width);
    let listed = app.findings_listed();
    let lines: Vec<Line> = listed
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, f)| {
            let severity = if f.is_error() {
                Span::styled("error  ", app.theme.error())
            } else {
                Span::styled("warning", app.theme.warning())
            };
            let text = format!(
                " {}:{}:{} {}",
                sanitize(&f.path.to_string_lossy()),
                f.line,
                f.column,
                sanitize(&f.message)
            );
            let line = Line::from(vec![
                severity,
                Span::raw(crate::list::truncate(&text, width.saturating_sub(7))),
            ]);
            app.theme.mark_selected(line, i == selected)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    if let Some(f) = listed.get(selected) {
        let text = Line::from(sanitize(&f.to_string()).into_owned());
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(Block::new().borders(ratatui::widgets::Borders::TOP)),
            detail,
        );
    }
}
