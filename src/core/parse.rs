//! Turns the bytes of a register file into a `Register`, or into one finding a person can act on:
//! invalid UTF-8, conflict markers, JSON syntax, unknown fields ("did you mean"), wrong values.

use crate::finding::{Finding, Pos};
use crate::locate::Locator;
use crate::model::Register;
use std::path::Path;

/// Files over this size are refused without being read.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Decodes file bytes as UTF-8 text, dropping a BOM. Invalid UTF-8 is a finding at the line and
/// column of the first bad byte.
pub fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<String, Finding> {
    if bytes.starts_with("\u{feff}".as_bytes()) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|err| {
        let bytes = err.as_bytes();
        let valid_up_to = err.utf8_error().valid_up_to();
        // The prefix is valid UTF-8 by definition, so this cannot fail.
        let prefix = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
        Finding::error(
            path,
            Pos::of_offset(prefix, prefix.len()),
            "invalid-utf8",
            format!(
                "not valid UTF-8: byte 0x{:02X} at offset {valid_up_to} (save the file as UTF-8)",
                bytes.get(valid_up_to).copied().unwrap_or(0),
            ),
        )
    })
}

/// The first git merge-conflict marker in the text, if any.
pub fn conflict_marker(text: &str) -> Option<(usize, &'static str)> {
    const MARKERS: [&str; 4] = ["<<<<<<<", "|||||||", "=======", ">>>>>>>"];
    let bytes = text.as_bytes();
    // Only a line that starts with a marker's character needs a closer look.
    let line_starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    for offset in line_starts {
        if !matches!(bytes.get(offset), Some(b'<' | b'|' | b'=' | b'>')) {
            continue;
        }
        let line = &text[offset..];
        let bare = line[..line.find('\n').unwrap_or(line.len())].trim_end_matches('\r');
        for marker in MARKERS {
            if let Some(rest) = bare.strip_prefix(marker)
                && (rest.is_empty() || rest.starts_with(' '))
            {
                return Some((offset, marker));
            }
        }
    }
    None
}

/// Parses a register from its decoded text.
pub fn parse_register(path: &Path, text: &str) -> Result<Register, Finding> {
    if text.trim().is_empty() {
        return Err(Finding::error(
            path,
            Pos::START,
            "empty-file",
            "file is empty: a register needs at least `component`, `title` and `risks` \
             (`faultline new COMPONENT` writes one)"
                .into(),
        ));
    }
    if let Some((offset, marker)) = conflict_marker(text) {
        return Err(Finding::error(
            path,
            Pos::of_offset(text, offset),
            "conflict-marker",
            format!(
                "git merge-conflict marker `{marker}`: resolve the conflict in this file, then run `faultline check`"
            ),
        ));
    }
    let mut reg =
        serde_json::from_str::<Register>(text).map_err(|err| json_error(path, text, &err))?;
    reg.shrink_to_fit();
    Ok(reg)
}

/// Byte offset of serde_json's (line, column) position.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    // serde_json counts bytes; the error may sit inside a multi-byte character.
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn json_error(path: &Path, text: &str, err: &serde_json::Error) -> Finding {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let offset = offset_of(text, err.line(), err.column());
    if !err.is_data() {
        let (message, offset) = syntax_error(message, text, offset);
        return Finding::error(
            path,
            Pos::of_offset(text, offset),
            "json-syntax",
            format!("invalid JSON: {message}"),
        );
    }
    let locator = Locator::new(text);
    let here = locator.path_at(offset).unwrap_or_default();
    let (rule, message, at) = data_error(message, &here, &locator);
    let at = at.unwrap_or(offset);
    Finding::error(path, Pos::of_offset(text, at), rule, message)
}

/// Rewrites serde's syntax-error messages in plain words, pointing at the cause rather than where
/// the parser noticed it.
fn syntax_error(message: &str, text: &str, offset: usize) -> (String, usize) {
    let before = &text[..offset.min(text.len())];
    if message == "trailing comma" {
        let comma = before.trim_end().len().saturating_sub(1);
        return (
            "trailing comma after the last item (remove it)".into(),
            comma,
        );
    }
    if message.starts_with("control character") && before.ends_with('\n') {
        return (
            "a string is not closed before the end of the line (missing `\"`?)".into(),
            offset - 1,
        );
    }
    (
        message.replace("EOF while parsing", "file ends in the middle of"),
        offset,
    )
}

/// Rewrites serde's data-error messages in the register's terms, and picks where to point.
fn data_error(
    message: &str,
    path: &str,
    locator: &Locator<'_>,
) -> (&'static str, String, Option<usize>) {
    // serde_json places errors raised by a field's own parser (dates) at the end of the
    // enclosing object; the value quoted in the message tells which field it was.
    let quoted = message.split('`').nth(1).unwrap_or_default();
    let found = locator.find_string_within(path, quoted);
    let path = match &found {
        Some(field) if !message.starts_with("unknown field") => field,
        _ => path,
    };
    let place = describe_path(path);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = split_expected(rest);
        let hint = match closest(&field, &expected) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("expected one of {}", list(&expected)),
        };
        // The unknown field's own path ends in its name.
        let object = path.rsplit_once('/').map_or("", |(o, _)| o);
        return (
            "unknown-field",
            format!(
                "unknown field `{field}` in {}: {hint}",
                describe_path(object)
            ),
            locator.key_offset(path),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, expected) = split_expected(rest);
        return (
            "invalid-value",
            format!(
                "`{value}` is not a valid {place}: expected one of {}",
                list(&expected)
            ),
            locator.value_offset(path),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (
            "missing-field",
            format!("{place} is missing the required field {rest}"),
            locator.value_offset(path),
        );
    }
    (
        "invalid-value",
        format!("{place}: {message}"),
        locator.value_offset(path),
    )
}

/// `` `hihg`, expected one of `a`, `b` `` → `("hihg", ["a", "b"])`.
fn split_expected(rest: &str) -> (String, Vec<String>) {
    let mut quoted = rest.split('`').skip(1).step_by(2).map(str::to_owned);
    let first = quoted.next().unwrap_or_default();
    (first, quoted.collect())
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "nothing here".into();
    }
    names.join(", ")
}

/// A person's name for a JSON path: `risks/2/likelihood` → "likelihood of risk #3".
fn describe_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => "the register".into(),
        ["risks", n] => format!("risk #{}", ordinal(n)),
        ["risks", n, "estimate"] => format!("the estimate of risk #{}", ordinal(n)),
        ["risks", n, field, ..] => format!("`{field}` of risk #{}", ordinal(n)),
        [field, ..] => format!("`{field}`"),
    }
}

fn ordinal(index: &str) -> String {
    index
        .parse::<usize>()
        .map_or_else(|_| index.to_owned(), |n| (n + 1).to_string())
}

/// The candidate nearest to `word` by edit distance, if it is near enough to be a typo: within
/// a third of the candidate's length (at least 2). The first of equally near ones wins.
pub fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let mut bound = 2.max(c.len() / 3);
        if let Some((d, _)) = best {
            // Only a nearer one replaces it.
            match d.checked_sub(1) {
                Some(nearer) => bound = bound.min(nearer),
                None => break,
            }
        }
        if let Some(d) = edit_distance_within(word, c, bound) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// `edit_distance(a, b)` if it is at most `bound`, else `None`. It fills a band of `bound`
/// cells either side of the diagonal and stops at the first row wholly past the bound: the
/// hints search every name for each unknown one, and 3,750 alerts missing from a monitoring
/// config of 1,250 took two seconds with the full table.
pub fn edit_distance_within(a: &str, b: &str, bound: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        if bag_distance(a.as_bytes(), b.as_bytes()) > bound {
            return None;
        }
        banded(a.as_bytes(), b.as_bytes(), bound)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        banded(&a, &b, bound)
    }
}

/// A lower bound of the edit distance that costs one pass over each text: the letters one
/// has beyond the other's, counted both ways, the larger count (each edit mends one of each at
/// most). Names that share a prefix but not much else are ruled out here before the table.
fn bag_distance(a: &[u8], b: &[u8]) -> usize {
    let mut counts = [0i32; 128];
    for &c in a {
        counts[usize::from(c & 0x7f)] += 1;
    }
    for &c in b {
        counts[usize::from(c & 0x7f)] -= 1;
    }
    let (more, fewer) = counts.iter().fold((0, 0), |(more, fewer), &n| {
        (more + n.max(0), fewer + n.min(0))
    });
    more.max(-fewer).unsigned_abs() as usize
}

fn banded<T: PartialEq>(a: &[T], b: &[T], bound: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    // Past the bound every distance is the same to the caller: cells are capped at `over`,
    // and the cells beside the band hold it.
    let over = bound + 1;
    let mut row: Vec<usize> = (0..=b.len()).map(|j| j.min(over)).collect();
    for (i, ca) in a.iter().enumerate() {
        let i = i + 1;
        let lo = i.saturating_sub(bound).max(1);
        let hi = (i + bound).min(b.len());
        let mut diagonal = row[lo - 1];
        row[lo - 1] = if lo == 1 { i.min(over) } else { over };
        let mut least = row[lo - 1];
        for j in lo..=hi {
            let substitution = diagonal + usize::from(*ca != b[j - 1]);
            diagonal = row[j];
            let cell = substitution.min(row[j - 1] + 1).min(diagonal + 1).min(over);
            row[j] = cell;
            least = least.min(cell);
        }
        if hi < b.len() {
            row[hi + 1] = over;
        }
        if least > bound {
            return None;
        }
    }
    let d = row[b.len()];
    (d <= bound).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("likelyhood", "likelihood"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_ignores_far_words() {
        let names = vec!["likelihood".to_owned(), "impact".to_owned()];
        assert_eq!(closest("likelyhood", &names), Some("likelihood"));
        assert_eq!(closest("zzzzzzzzzzzz", &names), None);
    }

    proptest::proptest! {
        /// The banded distance is the full table's whenever that is within the bound, and
        /// `None` otherwise; over ASCII and over characters.
        #[test]
        fn the_banded_distance_agrees_with_the_full_table(
            a in "[abcé]{0,12}", b in "[abcé]{0,12}", bound in 0usize..8,
        ) {
            let full = edit_distance(&a, &b);
            proptest::prop_assert_eq!(
                edit_distance_within(&a, &b, bound),
                (full <= bound).then_some(full)
            );
        }

        /// `closest` picks what the plain search over every full distance picks.
        #[test]
        fn closest_is_the_nearest_of_the_full_search(
            word in "[abcd]{0,9}", names in proptest::collection::vec("[abcd]{0,9}", 0..12),
        ) {
            let plain = names
                .iter()
                .map(|c| (edit_distance(&word, c), c))
                .filter(|(d, c)| *d <= 2.max(c.len() / 3))
                .min_by_key(|(d, _)| *d)
                .map(|(_, c)| c.as_str());
            proptest::prop_assert_eq!(closest(&word, &names), plain);
        }
    }

    #[test]
    fn conflict_markers_need_a_line_start() {
        assert_eq!(conflict_marker("a\n<<<<<<< HEAD\n"), Some((2, "<<<<<<<")));
        assert_eq!(conflict_marker("a\n=======\n"), Some((2, "=======")));
        assert_eq!(conflict_marker("\"x <<<<<<< y\"\n"), None);
    }
}
