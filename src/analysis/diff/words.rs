//! A word-level diff of two field values, so a reviewer sees which words changed in a long
//! mitigation or detection text rather than two walls of text to compare by eye.

/// One run of a word diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// Words, the spaces between them, and each punctuation mark on its own (so "hook," still
/// matches "hook"), as slices of `text`.
fn tokens(text: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Word,
        Space,
        Mark,
    }
    let class = |c: char| {
        if c.is_whitespace() {
            Class::Space
        } else if c.is_alphanumeric() || c == '_' || c == '-' {
            Class::Word
        } else {
            Class::Mark
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut current = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if current.is_some_and(|p| p != k || k == Class::Mark) {
            out.push(&text[start..i]);
            start = i;
        }
        current = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Above this many token pairs the values are shown as replaced whole (the table would be big
/// and the texts are unrelated anyway).
const MAX_CELLS: usize = 1 << 20;

/// The runs that turn `old` into `new`, by longest common subsequence of words.
pub fn word_diff<'a>(old: &'a str, new: &'a str) -> Vec<Run<'a>> {
    let a = tokens(old);
    let b = tokens(new);
    let mut runs = Vec::new();
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        runs.extend(a.iter().map(|t| Run::Removed(t)));
        runs.extend(b.iter().map(|t| Run::Added(t)));
        return runs;
    }
    // lcs[i][j]: common tokens of a[i..] and b[j..].
    let width = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * width + j] = if a[i] == b[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            runs.push(Run::Same(a[i]));
            i += 1;
            j += 1;
        } else if i < a.len()
            && (j == b.len() || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])
        {
            runs.push(Run::Removed(a[i]));
            i += 1;
        } else {
            runs.push(Run::Added(b[j]));
            j += 1;
        }
    }
    runs
}

/// One side of a word diff, as the text with its changed words marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// (text, changed) pieces in order.
    pub pieces: Vec<(String, bool)>,
}

/// The old side (same and removed words) and the new side (same and added words).
pub fn sides(old: &str, new: &str) -> (Side, Side) {
    let mut before = Side { pieces: Vec::new() };
    let mut after = Side { pieces: Vec::new() };
    let push = |side: &mut Side, text: &str, changed: bool| match side.pieces.last_mut() {
        Some((last, c)) if *c == changed => last.push_str(text),
        _ => side.pieces.push((text.to_owned(), changed)),
    };
    let runs = word_diff(old, new);
    for (k, run) in runs.iter().enumerate() {
        match *run {
            Run::Same(t) => {
                // A lone space between two changes joins them into one marked phrase.
                let between = t.chars().all(char::is_whitespace)
                    && k > 0
                    && k + 1 < runs.len()
                    && !matches!(runs[k - 1], Run::Same(_))
                    && !matches!(runs[k + 1], Run::Same(_));
                let on = |side: &Side| between && side.pieces.last().is_some_and(|p| p.1);
                let (b, a) = (on(&before), on(&after));
                push(&mut before, t, b);
                push(&mut after, t, a);
            }
            Run::Removed(t) => push(&mut before, t, true),
            Run::Added(t) => push(&mut after, t, true),
        }
    }
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(side: &Side) -> String {
        side.pieces
            .iter()
            .map(|(t, c)| if *c { format!("[{t}]") } else { t.clone() })
            .collect()
    }

    #[test]
    fn changed_words_are_marked_on_each_side() {
        let (a, b) = sides(
            "Key kept in Secrets Manager; rotated yearly by hand",
            "Key kept in Secrets Manager; rotated monthly by a Lambda",
        );
        assert_eq!(
            marked(&a),
            "Key kept in Secrets Manager; rotated [yearly] by [hand]"
        );
        assert_eq!(
            marked(&b),
            "Key kept in Secrets Manager; rotated [monthly] by [a Lambda]"
        );
    }

    #[test]
    fn the_sides_rebuild_the_values() {
        for (old, new) in [
            ("", "new text"),
            ("old text", ""),
            ("a b c", "c b a"),
            ("  spaced  out ", "spaced in"),
        ] {
            let (a, b) = sides(old, new);
            let text = |s: &Side| s.pieces.iter().map(|p| p.0.as_str()).collect::<String>();
            assert_eq!(text(&a), old);
            assert_eq!(text(&b), new);
        }
    }
}
