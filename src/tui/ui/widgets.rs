//! Small drawing helpers shared by screens.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Word-wraps one line of (already sanitised) text to `width` columns. Words longer than the
/// width are broken. Always returns at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w = word.width();
        let space = usize::from(!current.is_empty());
        if used + space + w <= width {
            if space == 1 {
                current.push(' ');
            }
            current.push_str(word);
            used += space + w;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
            used = 0;
        }
        // A word wider than the line is cut into pieces.
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width {
                lines.push(std::mem::take(&mut current));
                used = 0;
            }
            current.push(c);
            used += cw;
        }
    }
    lines.push(current);
    lines
}

/// Key hints that fit `width` columns, joined by `sep`, in their own order: each is
/// `(text, priority)`, 0 the most needed; hints are taken by priority while they fit whole, so a
/// narrow screen drops the least needed ones and never cuts a word.
pub fn fit_hints(hints: &[(String, u8)], width: usize, sep: &str) -> String {
    let mut order: Vec<usize> = (0..hints.len()).collect();
    order.sort_by_key(|&i| hints[i].1);
    let mut keep = vec![false; hints.len()];
    let mut used = 0;
    for i in order {
        let w = hints[i].0.width() + if used == 0 { 0 } else { sep.width() };
        if used + w <= width {
            used += w;
            keep[i] = true;
        }
    }
    hints
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((text, _), _)| text.as_str())
        .collect::<Vec<_>>()
        .join(sep)
}

/// Spans cut to `width` columns; when anything is cut, the line ends with `…` so the reader
/// knows there is more.
pub fn fit(
    spans: Vec<ratatui::text::Span<'static>>,
    width: usize,
) -> Vec<ratatui::text::Span<'static>> {
    let total: usize = spans.iter().map(|s| s.content.width()).sum();
    if total <= width {
        return spans;
    }
    let mut out = Vec::new();
    let mut used = 0;
    for span in spans {
        let w = span.content.width();
        if used + w < width {
            used += w;
            out.push(span);
            continue;
        }
        let room = width.saturating_sub(used + 1);
        let mut cut = String::new();
        let mut cut_width = 0;
        for c in span.content.chars() {
            let cw = c.width().unwrap_or(0);
            if cut_width + cw > room {
                break;
            }
            cut_width += cw;
            cut.push(c);
        }
        cut.push('…');
        out.push(ratatui::text::Span::styled(cut, span.style));
        break;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap("the quick brown fox", 10), ["the quick", "brown fox"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn breaks_long_words() {
        assert_eq!(wrap("abcdefghij kl", 4), ["abcd", "efgh", "ij", "kl"]);
    }

    #[test]
    fn counts_wide_characters() {
        for line in wrap("日本語のテキストを折り返す", 6) {
            assert!(line.width() <= 6, "{line}");
        }
    }
}
