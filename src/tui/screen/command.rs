//! The `:` command line and the `/` filter line, drawn over the status line at the bottom, with
//! the cursor where typing goes; a hint or an error sits on the line above.

use crate::app::App;
use crate::editor::TextInput;
use crate::sanitize::sanitize;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// Draws `prompt` and the input on the last row, and `note` (an error or the completions) above.
pub fn render(
    app: &App,
    prompt: &str,
    input: &TextInput,
    note: Option<(&str, Style)>,
    frame: &mut Frame,
) {
    let area = frame.area();
    if area.height == 0 {
        return;
    }
    let row = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    frame.render_widget(Clear, row);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(prompt.to_owned(), app.theme.label()),
            Span::raw(sanitize(input.text()).into_owned()),
        ])),
        row,
    );
    let x = row.x + u16::try_from(prompt.chars().count() + input.cursor_column()).unwrap_or(0);
    frame.set_cursor_position(Position::new(x.min(row.right().saturating_sub(1)), row.y));
    if let Some((note, style)) = note
        && area.height > 1
    {
        let above = Rect::new(area.x, row.y - 1, area.width, 1);
        frame.render_widget(Clear, above);
        let text = crate::list::truncate(&sanitize(note), usize::from(area.width));
        frame.render_widget(Paragraph::new(Line::styled(text, style)), above);
    }
}
