//! The finder popup: a query line and the best matches among components, risks, runbooks and
//! headings, with the matched characters highlighted.

use crate::app::{App, FinderState};
use crate::sanitize::sanitize;
use crate::screen::{popup_area, scroll_offset};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, finder: &FinderState, frame: &mut Frame) {
    let screen = frame.area();
    // On a tiny screen the finder takes all of it, so the input line always shows.
    let height = if screen.height < 10 {
        screen.height
    } else {
        screen.height.saturating_sub(2)
    };
    let area = popup_area(screen, screen.width.saturating_sub(4).max(20), height);
    let total = app.search.len();
    let block = Block::bordered()
        .title(format!(
            " Find · {} of {total}{} ",
            finder.matches.items.len(),
            if finder.stale {
                // Drawn between the keys of a burst: the list is the last query's.
                " · searching…"
            } else if finder.weak && finder.text_hits.is_none() {
                " · no close match: Tab searches the text"
            } else {
                ""
            }
        ))
        .title_bottom(" type to search · Tab full text · ↑↓ choose · Enter go · Esc close ");
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let [input_area, list] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    let query = sanitize(finder.input.text()).into_owned();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("> ", app.theme.label()),
            Span::raw(query),
        ])),
        input_area,
    );
    let x = input_area.x + 2 + u16::try_from(finder.input.cursor_column()).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        x.min(input_area.right().saturating_sub(1)),
        input_area.y,
    ));

    let rows = usize::from(list.height);
    let offset = scroll_offset(finder.selected, rows, finder.rows());
    let hits = finder.text_hits.as_deref().unwrap_or_default();
    let mut matcher = crate::search::matcher();
    let width = usize::from(list.width);
    let highlight = if app.theme.color {
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    };
    let text_line = |hit: &crate::rank::Hit| {
        let label = format!("{} — {}  · {}", hit.heading, hit.path, hit.why);
        Line::from(vec![
            Span::styled("text ", app.theme.dim()),
            Span::raw(crate::list::truncate(
                &sanitize(&label),
                width.saturating_sub(5),
            )),
        ])
    };
    let mut match_line = |index: u32| {
        let marks = if finder.input.text().trim().is_empty() {
            Vec::new()
        } else {
            app.search
                .highlights(&mut matcher, finder.input.text(), index)
        };
        let mut spans = vec![Span::styled(
            format!("{} ", app.search.kind(index).tag()),
            app.theme.dim(),
        )];
        let mut used = 5;
        for (n, c) in app.search.text(index).chars().enumerate() {
            let shown = sanitize(&c.to_string()).into_owned();
            used += shown.width();
            if used > width {
                spans.push(Span::raw("…"));
                break;
            }
            let marked = u32::try_from(n).is_ok_and(|n| marks.binary_search(&n).is_ok());
            spans.push(if marked {
                Span::styled(shown, highlight)
            } else {
                Span::raw(shown)
            });
        }
        Line::from(spans)
    };
    // Only the rows on screen are built: text hits first, then the fuzzy matches.
    let lines: Vec<Line> = (offset..finder.rows().min(offset + rows))
        .map(|pos| {
            let line = match hits.get(pos) {
                Some(hit) => text_line(hit),
                None => match_line(finder.matches.items[pos - hits.len()]),
            };
            app.theme.mark_selected(line, pos == finder.selected)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}
