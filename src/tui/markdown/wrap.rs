//! Fitting text into columns: word-wrapping styled fragments (keeping which link each piece
//! belongs to) and cutting code lines with a marker.

use super::{Frag, Mark};
use ratatui::style::Style;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cuts `text` to `width` columns; whether anything was cut.
pub(super) fn clip(text: &str, width: usize) -> (String, bool) {
    if text.width() <= width {
        return (text.to_owned(), false);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width.saturating_sub(1) {
            break;
        }
        out.push(c);
        used += w;
    }
    (out, true)
}

/// Word-wraps styled fragments into lines of at most `width` columns. A `"\n"` fragment breaks
/// the line; words longer than a line are cut.
pub(super) fn wrap_frags(frags: &[Frag], width: usize) -> Vec<Vec<(String, Style, Option<Mark>)>> {
    let mut lines: Vec<Vec<(String, Style, Option<Mark>)>> = vec![Vec::new()];
    let mut used = 0;
    let push = |lines: &mut Vec<Vec<(String, Style, Option<Mark>)>>,
                text: &str,
                style: Style,
                mark: Option<Mark>| {
        if lines.is_empty() {
            lines.push(Vec::new());
        }
        let Some(line) = lines.last_mut() else { return };
        match line.last_mut() {
            Some((t, s, l)) if *s == style && *l == mark => t.push_str(text),
            _ => line.push((text.to_owned(), style, mark)),
        }
    };
    for frag in frags {
        if frag.text == "\n" {
            lines.push(Vec::new());
            used = 0;
            continue;
        }
        // Split into words, each keeping the spaces that follow it.
        for word in frag.text.split_inclusive(' ') {
            let bare = word.trim_end_matches(' ');
            let w = bare.width();
            if used > 0 && used + w > width {
                // Drop the trailing space of the line being ended.
                if let Some(line) = lines.last_mut()
                    && let Some((t, _, _)) = line.last_mut()
                {
                    let trimmed = t.trim_end_matches(' ').len();
                    t.truncate(trimmed);
                }
                lines.push(Vec::new());
                used = 0;
            }
            if w > width {
                for c in word.chars() {
                    let cw = c.width().unwrap_or(0);
                    if used + cw > width {
                        lines.push(Vec::new());
                        used = 0;
                    }
                    push(&mut lines, &c.to_string(), frag.style, frag.mark);
                    used += cw;
                }
                continue;
            }
            let word = if used == 0 {
                word.trim_start_matches(' ')
            } else {
                word
            };
            push(&mut lines, word, frag.style, frag.mark);
            used += word.width();
        }
    }
    if lines.last().is_some_and(Vec::is_empty) && lines.len() > 1 {
        lines.pop();
    }
    lines
}
