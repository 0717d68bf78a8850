//! Tables in the runbook viewer: cells gathered while parsing, laid out in the width (columns
//! shrink widest first, cells wrap), and bounded, so a runbook that is one huge table costs
//! what the viewer shows, not gigabytes.

use super::Renderer;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

#[derive(Default)]
pub(super) struct Table {
    pub(super) rows: Vec<Vec<String>>,
    pub(super) row: Vec<String>,
    pub(super) cell: String,
    pub(super) header_rows: usize,
    /// Cells kept in `rows` and `row`.
    pub(super) kept: usize,
    /// The most columns any row had, kept or not; rows left out past the cell limit.
    pub(super) columns_seen: usize,
    pub(super) row_columns: usize,
    pub(super) rows_left_out: usize,
}

/// A table is laid out with at most this many columns...
pub(super) const MAX_TABLE_COLUMNS: usize = 64;
/// ...and this many cells: a 16 MiB runbook that is one table would otherwise take gigabytes
/// of styled spans. What is left out is said under the table.
pub(super) const MAX_TABLE_CELLS: usize = 100_000;

/// Below this size a table cannot cost much to parse: nothing is looked at.
const BOUND_TABLES_FROM: usize = 1024 * 1024;

/// The text with every huge table cut before the parser sees it: the parser builds a node for
/// each cell of the whole document first (a 15 MB table took 650 MB before a line was laid
/// out). Rows past `MAX_TABLE_CELLS` cells and cells past `MAX_TABLE_COLUMNS` are cut; a cut
/// row becomes an empty line, so every line after keeps its number, and the first one says
/// how many rows are not shown.
pub(super) fn bound_tables(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() < BOUND_TABLES_FROM {
        return std::borrow::Cow::Borrowed(text);
    }
    let lines: Vec<&str> = crate::finding::split_lines(text).collect();
    let is_delimiter = |line: &str| {
        let t = line.trim();
        t.contains('-') && t.contains('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
    };
    let mut out: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        // A table: a header row, a delimiter row, then rows that hold a pipe.
        if i + 1 < lines.len() && lines[i].contains('|') && is_delimiter(lines[i + 1]) {
            let end = (i + 2..lines.len())
                .find(|&k| !lines[k].contains('|') || lines[k].trim().is_empty())
                .unwrap_or(lines.len());
            let columns = lines[i]
                .matches('|')
                .count()
                .clamp(1, MAX_TABLE_COLUMNS + 1);
            let keep = (MAX_TABLE_CELLS / columns).max(3);
            let wide = lines[i..end]
                .iter()
                .any(|l| l.matches('|').count() > MAX_TABLE_COLUMNS + 1);
            if end - i > keep || wide {
                let out = out.get_or_insert_with(|| {
                    let mut s = String::with_capacity(text.len());
                    for line in &lines[..i] {
                        s.push_str(line);
                        s.push('\n');
                    }
                    s
                });
                let widest = lines[i..end]
                    .iter()
                    .map(|l| l.matches('|').count())
                    .max()
                    .unwrap_or(0);
                let mut note = Vec::new();
                if end - i > keep {
                    note.push(format!("{} more table rows", end - i - keep));
                }
                if widest > MAX_TABLE_COLUMNS + 1 {
                    note.push(format!(
                        "columns past the first {MAX_TABLE_COLUMNS} (of up to {})",
                        widest - 1
                    ));
                }
                let note = format!(
                    "… {} not shown: the table is larger than the viewer lays out; open the file in an editor (e)",
                    note.join(" and ")
                );
                for (k, line) in lines[i..end].iter().enumerate() {
                    if k < keep {
                        out.push_str(cut_after_pipes(line, MAX_TABLE_COLUMNS));
                    } else if k == keep {
                        // A blank line ends the table; the note is a paragraph of its own, on
                        // a line the table had, so every line after keeps its number.
                        out.push('\n');
                        out.push_str(&note);
                    }
                    if k != keep {
                        out.push('\n');
                    }
                }
                if end - i <= keep {
                    // Only columns were cut: the note follows the table.
                    out.push('\n');
                    out.push_str(&note);
                    out.push('\n');
                }
                i = end;
                continue;
            }
            if let Some(out) = out.as_mut() {
                for line in &lines[i..end] {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            i = end;
            continue;
        }
        if let Some(out) = out.as_mut() {
            out.push_str(lines[i]);
            out.push('\n');
        }
        i += 1;
    }
    match out {
        Some(mut out) => {
            // `split_lines` gives one line more than there are newlines.
            out.pop();
            std::borrow::Cow::Owned(out)
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// `line` up to (and with) its `n`th pipe.
fn cut_after_pipes(line: &str, n: usize) -> &str {
    match line.match_indices('|').nth(n) {
        Some((at, _)) => &line[..=at],
        None => line,
    }
}

impl Renderer<'_> {
    /// Lays a table out in the width: columns shrink (widest first) and cells wrap within them.
    pub(super) fn emit_table(&mut self, table: &Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let room = self.width.saturating_sub(self.prefix_width());
        let mut widths = vec![1usize; columns];
        for row in &table.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell.width());
            }
        }
        // Separators: "│ " between columns.
        let budget = room.saturating_sub(3 * (columns - 1)).max(columns * 3);
        while widths.iter().sum::<usize>() > budget {
            let Some((widest, _)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
                break;
            };
            if widths[widest] <= 3 {
                break;
            }
            widths[widest] -= 1;
        }
        let header = Style::new().add_modifier(Modifier::BOLD);
        for (r, row) in table.rows.iter().enumerate() {
            let cells: Vec<Vec<String>> = (0..columns)
                .map(|i| crate::ui::widgets::wrap(row.get(i).map_or("", String::as_str), widths[i]))
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1);
            for k in 0..height {
                let mut spans = Vec::new();
                for (i, cell) in cells.iter().enumerate() {
                    if i > 0 {
                        spans.push(Span::styled(" │ ", self.dim()));
                    }
                    let piece = cell.get(k).map_or("", String::as_str);
                    let padded = format!(
                        "{piece}{}",
                        " ".repeat(widths[i].saturating_sub(piece.width()))
                    );
                    let style = if r < table.header_rows {
                        header
                    } else {
                        Style::new()
                    };
                    spans.push(Span::styled(padded, style));
                }
                self.emit_line(spans);
            }
            if r + 1 == table.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.emit_line(vec![Span::styled(rule.join("─┼─"), self.dim())]);
            }
        }
        let columns_left_out = table.columns_seen.saturating_sub(columns);
        if table.rows_left_out > 0 || columns_left_out > 0 {
            let count =
                |n: usize, noun: &str| format!("{n} more {noun}{}", if n == 1 { "" } else { "s" });
            let mut parts = Vec::new();
            if table.rows_left_out > 0 {
                parts.push(count(table.rows_left_out, "row"));
            }
            if columns_left_out > 0 {
                parts.push(count(columns_left_out, "column"));
            }
            let note = format!(
                "… {} not shown: the table is larger than the viewer lays out ({MAX_TABLE_COLUMNS} columns, {MAX_TABLE_CELLS} cells); open the file in an editor (e)",
                parts.join(" and ")
            );
            self.emit_line(vec![Span::styled(note, self.dim())]);
        }
    }
}
