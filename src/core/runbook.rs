//! The runbook index: for each markdown file, its headings with their GitHub-style anchors and
//! the links it makes, with line numbers. Rendering lives elsewhere; this is what `check` and the
//! finder need.

use crate::finding::LineIndex;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;

pub mod shell;
mod steps;
pub use steps::{Step, steps, steps_in};

/// The markdown dialect of runbooks: CommonMark plus GitHub's tables, task lists, strikethrough,
/// and `{#id}` heading attributes.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// The anchor a `#fragment` names: the explicit `{#id}` or the GitHub slug, made unique.
    pub anchor: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub dest: String,
    pub line: usize,
    pub column: usize,
}

impl Link {
    /// A link whose `[` is at byte `offset` of `text`.
    fn at(text: &str, lines: &LineIndex, offset: usize, dest: String) -> Link {
        let line = lines.line_of(offset);
        Link {
            dest,
            line,
            column: column_in(text, offset, lines.line_start(line)),
        }
    }
}

/// One runbook as `check` and the finder see it.
#[derive(Debug, Clone, Default)]
pub struct RunbookDoc {
    /// Workspace-relative, `/`-separated: `runbooks/db/failover.md`.
    pub path: String,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub bytes: usize,
    /// Heading index by anchor, built at the first lookup in a long runbook, so checking N links
    /// against N headings is linear, not N × N.
    pub anchor_index: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

impl RunbookDoc {
    /// Indexes one runbook's text: by reading its lines when that gives exactly what the full
    /// parse gives (`headings_fast`, `links_fast`), else by the full parse. `check` indexes every
    /// runbook, and the full parse was a quarter of its time.
    pub fn index(path: String, text: &str) -> RunbookDoc {
        let mut doc = match (headings_fast(text), links_fast(text)) {
            (Some(headings), Some(links)) => RunbookDoc {
                path,
                headings,
                links,
                bytes: text.len(),
                anchor_index: std::sync::OnceLock::new(),
            },
            _ => RunbookDoc::index_parsed(path, text),
        };
        doc.shrink_to_fit();
        doc
    }

    /// Gives back the room the lists and strings grew with: an organisation holds forty
    /// thousand runbooks' headings.
    fn shrink_to_fit(&mut self) {
        self.path.shrink_to_fit();
        self.headings.shrink_to_fit();
        self.links.shrink_to_fit();
        for heading in &mut self.headings {
            heading.text.shrink_to_fit();
            heading.anchor.shrink_to_fit();
        }
        for link in &mut self.links {
            link.dest.shrink_to_fit();
        }
    }

    /// Indexes one runbook's text with the full parse.
    pub fn index_parsed(path: String, text: &str) -> RunbookDoc {
        let lines = LineIndex::new(text);
        let mut headings = Vec::new();
        let mut links = Vec::new();
        let mut slugs = SlugSet::default();
        // The heading being read: level, explicit id, text so far, line.
        let mut open: Option<(u8, Option<String>, String, usize)> = None;
        for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let line = lines.line_of(range.start);
                    open = Some((
                        heading_level(level),
                        id.map(|s| s.to_string()),
                        String::new(),
                        line,
                    ));
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, id, text, line)) = open.take() {
                        let text = text.trim().to_owned();
                        let anchor = match id {
                            Some(id) => slugs.claim(&id),
                            None => slugs.claim(&slug(&text)),
                        };
                        headings.push(Heading {
                            level,
                            text,
                            anchor,
                            line,
                        });
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, text, _)) = open.as_mut() {
                        text.push_str(&t);
                    }
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    links.push(Link::at(text, &lines, range.start, dest_url.to_string()));
                }
                _ => {}
            }
        }
        RunbookDoc {
            path,
            headings,
            links,
            bytes: text.len(),
            anchor_index: std::sync::OnceLock::new(),
        }
    }

    /// The heading with this anchor.
    pub fn heading(&self, anchor: &str) -> Option<&Heading> {
        /// Below this many headings a scan is as fast as a map and builds nothing.
        const SCAN: usize = 32;
        if self.headings.len() <= SCAN {
            return self.headings.iter().find(|h| h.anchor == anchor);
        }
        let index = self.anchor_index.get_or_init(|| {
            let mut index = std::collections::HashMap::with_capacity(self.headings.len());
            for (i, h) in self.headings.iter().enumerate() {
                // The first heading with an anchor wins, as the scan found it.
                index.entry(h.anchor.clone()).or_insert(i);
            }
            index
        });
        index.get(anchor).map(|&i| &self.headings[i])
    }

    /// The document's title: its first level-1 heading, else its first heading, else the file name.
    pub fn title(&self) -> &str {
        title_of(&self.path, &self.headings)
    }
}

/// A runbook's headings: from the line scan when it can follow the text exactly, else from the
/// full parse.
pub fn headings_of(path: &str, text: &str) -> Vec<Heading> {
    headings_fast(text).unwrap_or_else(|| RunbookDoc::index(path.to_owned(), text).headings)
}

/// The markdown of the section under the heading `anchor`: its heading line to the next heading
/// of the same or a higher level (the end of the file when none).
pub fn section_source<'t>(text: &'t str, anchor: &str) -> Option<&'t str> {
    let headings = headings_of("", text);
    let i = headings.iter().position(|h| h.anchor == anchor)?;
    let level = headings[i].level;
    let end_line = headings[i + 1..]
        .iter()
        .find(|h| h.level <= level)
        .map(|h| h.line);
    let offset_of = |line: usize| {
        // Lines are 1-based; the offset of the first byte of `line`.
        text.split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum::<usize>()
    };
    let start = offset_of(headings[i].line);
    let end = end_line.map_or(text.len(), offset_of);
    text.get(start..end)
        .map(|s| s.trim_end_matches(['\n', '\r']))
}

/// A runbook's title from its path and headings: the first level-1 heading, else the first
/// heading, else the file name.
pub fn title_of<'a>(path: &'a str, headings: &'a [Heading]) -> &'a str {
    headings
        .iter()
        .find(|h| h.level == 1)
        .or_else(|| headings.first())
        .map_or_else(
            || path.rsplit('/').next().unwrap_or(path),
            |h| h.text.as_str(),
        )
}

/// The headings of a runbook found by reading its lines instead of parsing the whole document:
/// ATX headings (`## Text`) outside fenced code, each heading's text taken from a parse of its
/// own line, so emphasis, code and escapes come out as the full parse gives them. Anchors and
/// lines are the same as `RunbookDoc::index`'s. `None` when the text has something this
/// reading does not follow exactly (a setext underline, a block quote, an HTML block, a heading
/// in a list item's first line, heading attributes): the caller then parses the whole text.
/// About ten times faster than the full parse: `faultline runbook QUERY` reads every runbook.
pub fn headings_fast(text: &str) -> Option<Vec<Heading>> {
    let mut headings = Vec::new();
    let mut slugs = SlugSet::default();
    // The open fence: its character and length.
    let mut fence: Option<(u8, usize)> = None;
    let mut previous_blank = true;
    for (i, line) in crate::finding::split_lines(text).enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        let bytes = rest.as_bytes();
        if let Some(open) = fence {
            if closes_fence(line, open) {
                fence = None;
            }
            previous_blank = false;
            continue;
        }
        if line.starts_with('\t') || indent > 3 {
            previous_blank = line.trim().is_empty();
            continue;
        }
        let first = bytes.first().copied();
        match first {
            Some(b'`' | b'~') => {
                if let Some(opened) = fence_opener(rest) {
                    fence = Some(opened);
                }
            }
            Some(b'>' | b'<') => return None,
            Some(b'=') if !previous_blank => return None,
            Some(b'-')
                if !previous_blank && rest.trim_end().bytes().all(|b| b == b'-' || b == b' ') =>
            {
                return None;
            }
            Some(b'-' | b'*' | b'+') if rest[1..].trim_start().starts_with('#') => return None,
            Some(b'0'..=b'9') => {
                let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                if matches!(bytes.get(digits), Some(b'.' | b')'))
                    && rest[digits + 1..].trim_start().starts_with('#')
                {
                    return None;
                }
            }
            Some(b'#') => {
                let level = bytes.iter().take_while(|&&b| b == b'#').count();
                if level <= 6 && matches!(bytes.get(level), None | Some(b' ' | b'\t')) {
                    if rest.trim_end().ends_with('}') {
                        return None;
                    }
                    let heading_text = inline_text(rest);
                    let anchor = slugs.claim(&slug(&heading_text));
                    headings.push(Heading {
                        level: u8::try_from(level).unwrap_or(6),
                        text: heading_text,
                        anchor,
                        line: i + 1,
                    });
                }
            }
            _ => {}
        }
        previous_blank = line.trim().is_empty();
    }
    Some(headings)
}

/// The links of a runbook found without parsing all of it: only the paragraphs (runs of lines
/// between blank lines) that hold `](` can hold a link, and only those are parsed, each on its
/// own. That gives what the full parse gives when nothing outside a paragraph changes its
/// meaning, so this returns `None`, and the caller parses the whole text, when the text has
/// anything that could: a reference definition (`]:` outside fenced code, since `[text][ref]` is a link
/// only when one exists; in code it does no harm), HTML or an autolink (`<` before a letter, `!`, `/` or `?`), a fence
/// that is indented or inside a list item or quote (it can reach over blank lines), or a
/// paragraph with `](` that starts indented by four or more (code or a list item's continuation,
/// which only the context tells apart). Fences at the margin are followed: their lines are code.
pub fn links_fast(text: &str) -> Option<Vec<Link>> {
    let bytes = text.as_bytes();
    let mut links = Vec::new();
    // Lines are counted as links are met, from the last one on: links come in text order.
    let mut counted = (0, 1);
    let mut link = |offset: usize, dest: String| {
        let (from, line) = counted;
        let before = &bytes[from..offset];
        let line = line + memchr::memchr_iter(b'\n', before).count();
        counted = (offset, line);
        let line_start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
        links.push(Link {
            dest,
            line,
            column: column_in(text, offset, line_start),
        });
    };
    let mut parse_paragraph = |start: usize, end: usize| {
        if let Some(found) = plain_links(&text[start..end]) {
            for (at, dest) in found {
                link(start + at, dest.to_owned());
            }
            return;
        }
        for (event, range) in
            Parser::new_ext(&text[start..end], markdown_options()).into_offset_iter()
        {
            if let Event::Start(Tag::Link { dest_url, .. }) = event {
                link(start + range.start, dest_url.to_string());
            }
        }
    };
    // The open fence (its character and length), and the paragraph being read: where it starts,
    // whether its first line is indented four or more, whether it holds `](`.
    let mut fence: Option<(u8, usize)> = None;
    let mut paragraph: Option<(usize, bool, bool)> = None;
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i + 1);
        let line = &text[start..end];
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        let rest = &content[indent..];
        if let Some(open) = fence {
            if closes_fence(content, open) {
                fence = None;
            }
            start = end;
            continue;
        }
        let blank = rest.trim().is_empty();
        let opens_fence = fence_opener(rest);
        if blank || opens_fence.is_some() {
            if let Some((from, deep, has_link)) = paragraph.take()
                && has_link
            {
                if deep {
                    return None;
                }
                parse_paragraph(from, start);
            }
            if let Some(opened) = opens_fence {
                if indent > 0 {
                    return None;
                }
                fence = Some(opened);
            }
            start = end;
            continue;
        }
        let (has_link, has_definition) = after_brackets(content);
        if has_definition
            || fence_opener(after_container_markers(rest)).is_some()
            || has_html_start(content)
        {
            return None;
        }
        match paragraph.as_mut() {
            Some((_, _, seen)) => *seen |= has_link,
            None => {
                let deep = indent > 3 || content[..indent].contains('\t');
                paragraph = Some((start, deep, has_link));
            }
        }
        start = end;
    }
    if let Some((from, deep, true)) = paragraph {
        if deep {
            return None;
        }
        parse_paragraph(from, bytes.len());
    }
    Some(links)
}

/// The links of a paragraph written plainly, without a parser: where each `[` starts and its
/// destination. Plainly means every line starts with a letter (no list, quote, heading, table or
/// setext underline), nothing is escaped, quoted, emphasised or inline code or HTML, and every
/// bracket and parenthesis belongs to a `[text](destination)` on one line with no space in the
/// destination. That is what pulldown-cmark reads such a paragraph as (the runbook proptest holds
/// the two together); anything else is `None`, and the paragraph is parsed. Setting up the parser
/// for each paragraph with a link was most of the cost of `links_fast`.
fn plain_links(paragraph: &str) -> Option<Vec<(usize, &str)>> {
    let bytes = paragraph.as_bytes();
    let unsure = |b: &u8| {
        matches!(
            b,
            b'\\'
                | b'`'
                | b'<'
                | b'>'
                | b'!'
                | b'&'
                | b'*'
                | b'_'
                | b'~'
                | b'|'
                | b'"'
                | b'\''
                | b'{'
                | b'}'
                | b'\t'
        )
    };
    if bytes.iter().any(unsure) {
        return None;
    }
    for line in paragraph.split('\n') {
        let body = line.trim_start_matches(' ');
        if !body.is_empty() && !body.as_bytes()[0].is_ascii_alphabetic() {
            return None;
        }
    }
    let mut links = Vec::new();
    let mut at = 0;
    while let Some(i) = memchr::memchr3(b'[', b']', b'(', &bytes[at..]).map(|i| at + i) {
        // A `)` alone is as unsure as the others.
        if bytes[i] != b'[' || bytes[at..i].contains(&b')') {
            return None;
        }
        let close = i + 1 + memchr::memchr(b']', &bytes[i + 1..])?;
        let label = &bytes[i + 1..close];
        if label.is_empty()
            || label
                .iter()
                .any(|b| matches!(b, b'[' | b'(' | b')' | b'\n' | b'\r'))
        {
            return None;
        }
        if bytes.get(close + 1) != Some(&b'(') {
            return None;
        }
        let dest_start = close + 2;
        let end = dest_start + memchr::memchr(b')', &bytes[dest_start..])?;
        let dest = &paragraph[dest_start..end];
        if dest.is_empty()
            || dest
                .bytes()
                .any(|b| matches!(b, b' ' | b'(' | b'[' | b']' | b'\n' | b'\r'))
        {
            return None;
        }
        links.push((i, dest));
        at = end + 1;
    }
    if bytes[at..].contains(&b')') {
        return None;
    }
    Some(links)
}

/// Whether a line holds `](` (a link's text ends and its destination begins) and whether it
/// holds `]:` (a reference definition's label ends).
fn after_brackets(line: &str) -> (bool, bool) {
    let bytes = line.as_bytes();
    let (mut link, mut definition) = (false, false);
    for i in memchr::memchr_iter(b']', bytes) {
        match bytes.get(i + 1) {
            Some(b'(') => link = true,
            Some(b':') => definition = true,
            _ => {}
        }
    }
    (link, definition)
}

/// Whether `line` (without its line break) closes the open fence `(c, len)`: at most three
/// spaces in (a tab reaches column four), then at least `len` of `c`, then only spaces.
fn closes_fence(line: &str, (c, len): (u8, usize)) -> bool {
    let rest = line.trim_start_matches(' ');
    let run = rest.bytes().take_while(|&b| b == c).count();
    line.len() - rest.len() <= 3 && run >= len && rest[run..].trim().is_empty()
}

/// A code fence's character and length, when `rest` (a line without its indent) opens one.
fn fence_opener(rest: &str) -> Option<(u8, usize)> {
    let c = *rest.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let run = rest.bytes().take_while(|&b| b == c).count();
    (run >= 3 && !(c == b'`' && rest[run..].contains('`'))).then_some((c, run))
}

/// A line without the list and quote markers that open it: `- > 1. text` → `text`.
fn after_container_markers(mut rest: &str) -> &str {
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        let marker = match trimmed.as_bytes().get(digits) {
            Some(b'.' | b')') if digits > 0 => digits + 1,
            Some(b'-' | b'*' | b'+' | b'>') if digits == 0 => 1,
            _ => return trimmed,
        };
        if !(trimmed[marker..].starts_with([' ', '\t'])
            || trimmed[marker..].is_empty()
            || trimmed.starts_with('>'))
        {
            return trimmed;
        }
        rest = &trimmed[marker..];
    }
}

/// Whether a line holds `<` before a letter, `!`, `/` or `?`: the start of an HTML block, inline
/// HTML or an autolink.
fn has_html_start(line: &str) -> bool {
    memchr::memchr_iter(b'<', line.as_bytes()).any(|i| {
        line.as_bytes()
            .get(i + 1)
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'!' | b'/' | b'?'))
    })
}

/// The text of one heading line as the full parse reads it: its Text and Code events. Plain
/// text (most headings) is cut out directly; anything with markup goes through the parser.
fn inline_text(line: &str) -> String {
    let content = line.trim_start_matches('#');
    if !content.contains([
        '*', '_', '`', '[', ']', '<', '>', '&', '!', '\\', '~', '|', '#', '\t',
    ]) {
        return content.trim().to_owned();
    }
    let mut out = String::new();
    for event in Parser::new_ext(line, markdown_options()) {
        if let Event::Text(t) | Event::Code(t) = event {
            out.push_str(&t);
        }
    }
    out.trim().to_owned()
}

/// A heading's level, 1 to 6.
pub fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn column_in(text: &str, offset: usize, line_start: usize) -> usize {
    text.get(line_start..offset)
        .map_or(1, |s| s.chars().count() + 1)
}

/// GitHub's heading slug: lower-cased; letters, digits, `-` and `_` kept; each space becomes `-`;
/// everything else (punctuation, symbols, emoji) dropped.
pub fn slug(text: &str) -> String {
    let text = text.trim();
    let mut out = String::with_capacity(text.len());
    if text.is_ascii() {
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                out.push(char::from(b.to_ascii_lowercase()));
            } else if b == b' ' {
                out.push('-');
            }
        }
        return out;
    }
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// Makes slugs unique the way GitHub does: the second `foo` is `foo-1`, the third `foo-2`.
#[derive(Default)]
pub struct SlugSet {
    seen: HashMap<String, usize>,
}

impl SlugSet {
    pub fn claim(&mut self, base: &str) -> String {
        let mut candidate = base.to_owned();
        while self.seen.contains_key(&candidate) {
            let count = self.seen.entry(base.to_owned()).or_insert(0);
            *count += 1;
            candidate = format!("{base}-{count}");
        }
        self.seen.insert(candidate.clone(), 0);
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The ASCII path of `slug` gives what the character path gives.
        #[test]
        fn ascii_slugs_are_the_character_path_s(text in "[ -~]{0,24}") {
            let by_chars: String = text
                .trim()
                .chars()
                .flat_map(char::to_lowercase)
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect();
            proptest::prop_assert_eq!(slug(&text), by_chars);
        }

        /// `split_lines` is `split('\n')`.
        #[test]
        fn lines_split_as_the_standard_split(text in "[a\n\r]{0,12}") {
            proptest::prop_assert_eq!(
                crate::finding::split_lines(&text).collect::<Vec<_>>(),
                text.split('\n').collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn fast_headings_are_the_full_parse_s() {
        let texts = [
            "# Title\n\nText.\n\n## Step *1*: `check` the [writer](x.md)\n\n```sh\n# not a heading\n```\n\n### Again ###\n## Step *1*: `check` the [writer](x.md)\n    # indented code\n#not a heading\n#\n",
            "~~~\n# no\n~~~~\n# yes &amp; \\*escaped\\*\r\n",
            "| a | b |\n|---|---|\n| # | x |\n\n- item\n  # in the item\n",
        ];
        for text in texts {
            let fast = headings_fast(text).expect("followed exactly");
            assert_eq!(
                fast,
                RunbookDoc::index("x.md".into(), text).headings,
                "{text}"
            );
        }
        for unsure in [
            "Title\n=====\n",
            "para\n---\n",
            "> # quoted\n",
            "<div>\n# x\n</div>\n",
            "- # item\n",
            "# x {#id}\n",
        ] {
            assert!(headings_fast(unsure).is_none(), "{unsure}");
        }
    }

    /// Lines that change what a neighbouring paragraph means, or hold links in every form.
    const LINES: &[&str] = &[
        "# Title",
        "## Step *1*: [x](a.md)",
        "text [a](b.md#x) more [c](<d e.md> \"t\")",
        "- [ ] step [l](c.md)",
        "- item",
        "  continuation [x](y.md)",
        "    indented [x](y.md)",
        "      deeper [x](z.md)",
        "\t[tab](t.md)",
        "```",
        "~~~",
        "````sh",
        "  ```",
        "  \t```",
        "- ```",
        "> ```",
        "1. ```",
        "> quote [q](r.md)",
        ">",
        "<div>",
        "</div>",
        "<!-- [c](comment.md)",
        "-->",
        "<https://example.com>",
        "[ref]: /url.md",
        "[ref] and [t][ref] and [t][]",
        "| a | b |",
        "|---|---|",
        "| [c](d.md) | e |",
        "",
        "",
        "",
        "1. one",
        "   [n](m.md)",
        "10. ten",
        "    [p](q.md)",
        "text ![img](i.png) and [![i](j.png)](k.md)",
        "`code [x](y.md)` and ``[u](v.md)``",
        "`open code [w](x.md)",
        "Title",
        "===",
        "---",
        "[multi",
        "line](z.md)",
        "\\[esc](x.md) [\\]](y.md)",
        "[a](b.md",
        "c)",
        "* * *",
        "See [the runbook](../a/b.md#step-1) and [c](d.md).",
        "Plain words (in parentheses) and [x](y.md)",
        "Words [a](b.md)after and [c]d](e.md) [f] (g.md)",
        "Then [a](b.md \"t\") or [a b](c d.md) or [](e.md) or [e]() or [x](y(z).md)",
        "  Continued [é](ü.md#ä) line",
        "Text [a](b.md#x)",
        "word [a](b.md) [c][d] [e]",
        "Trailing (paren",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        #[test]
        fn the_fast_index_is_the_full_parse_s(
            picks in proptest::collection::vec(0..LINES.len(), 0..12),
            crlf in proptest::bool::ANY,
        ) {
            let text = picks
                .iter()
                .map(|&i| LINES[i])
                .collect::<Vec<_>>()
                .join(if crlf { "\r\n" } else { "\n" });
            let full = RunbookDoc::index_parsed("r.md".into(), &text);
            if let Some(links) = links_fast(&text) {
                proptest::prop_assert_eq!(&links, &full.links, "{:?}", text);
            }
            let doc = RunbookDoc::index("r.md".into(), &text);
            proptest::prop_assert_eq!(&doc.links, &full.links, "{:?}", text);
            proptest::prop_assert_eq!(&doc.headings, &full.headings, "{:?}", text);
        }
    }

    #[test]
    fn fast_links_give_up_where_context_decides() {
        assert_eq!(
            links_fast("See [a](b.md) and\n[c](d.md#e).\n\n```\n[no](x.md)\n```\n")
                .map(|links| links.len()),
            Some(2)
        );
        for unsure in [
            "[a][r]\n\n[r]: x.md\n",
            "<div>\n\n[a](b.md)\n</div>\n",
            "- ```\n\n  [a](b.md)\n",
            "- item\n\n      [a](b.md)\n",
            "- item\n\n      [a](b.md)\n\nend\n",
            "  ```\n[a](b.md)\n",
        ] {
            assert!(links_fast(unsure).is_none(), "{unsure}");
        }
    }

    #[test]
    fn plain_paragraphs_give_their_links_without_the_parser() {
        assert_eq!(
            plain_links("See [the runbook](../a/b.md#x) and\n  then [c](d.md)."),
            Some(vec![(4, "../a/b.md#x"), (42, "d.md")])
        );
        for unsure in [
            "See [a](b.md \"t\")",
            "- [ ] step [a](b.md)",
            "Text *[a](b.md)*",
            "Text [a][b]",
            "Text (aside) [a](b.md)",
            "Text [a](b(c).md)",
            "Text ![a](b.png)",
            "Text [a\nb](c.md)",
            "1. [a](b.md)",
        ] {
            assert_eq!(plain_links(unsure), None, "{unsure}");
        }
    }

    #[test]
    fn a_shell_block_outside_any_step_is_a_step_named_by_its_command() {
        let text = "# Failover\n\n## Promote\n\nRun this:\n\n```console\n$ make promote ENV=prod\n$ make check\n```\n\n<!-- faultline: no-run -->\n```sh\nrm -rf /\n```\n\n```python\nprint(1)\n```\n\n1. ```bash\n   make drain\n   ```\n2. Confirm\n";
        let steps = steps(text);
        let texts: Vec<&str> = steps.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            ["$ make promote ENV=prod", "$ make drain", "Confirm"]
        );
        assert_eq!(steps[0].anchor, "promote");
        assert_eq!(
            steps[0].command.as_deref(),
            Some("make promote ENV=prod\nmake check")
        );
        assert_eq!(steps[1].command.as_deref(), Some("make drain"));
    }

    #[test]
    fn steps_come_with_their_heading() {
        let text = "# Failover\n\n## Promote\n\n- [ ] Find the writer\n- [x] Run `aws rds failover`\n\n## Reconnect\n\n- [ ] Recycle\n  the pools\n- not a step\n";
        let steps = steps(text);
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].heading, "Promote");
        assert_eq!(steps[1].text, "Run aws rds failover");
        assert!(steps[1].checked);
        assert_eq!(steps[2].anchor, "reconnect");
        assert_eq!(steps[2].text, "Recycle the pools");
    }

    #[test]
    fn numbered_items_are_steps_and_a_section_ends_at_its_level() {
        let text = "# Failover\n\n## Promote\n\n1. Find the writer\n2. Promote it:\n   ```sh\n   aws rds failover-db-cluster\n   ```\n   - a note, not a step\n3. [x] Confirm\n\n### Check\n\n- [ ] Writer answers\n\n## Reconnect\n\n1. Recycle the pools\n";
        let texts =
            |steps: Vec<Step>| -> Vec<String> { steps.into_iter().map(|s| s.text).collect() };
        assert_eq!(
            texts(steps(text)),
            [
                "Find the writer",
                "Promote it:",
                "Confirm",
                "Writer answers",
                "Recycle the pools"
            ]
        );
        // The section holds its subsections and ends at the next heading of its level.
        let promote = steps_in(text, Some("promote"));
        assert_eq!(
            texts(promote.clone()),
            [
                "Find the writer",
                "Promote it:",
                "Confirm",
                "Writer answers"
            ]
        );
        assert!(promote[2].checked);
        assert_eq!(promote[3].anchor, "check");
        assert_eq!(texts(steps_in(text, Some("check"))), ["Writer answers"]);
        // An anchor the runbook lacks: every step.
        assert_eq!(steps_in(text, Some("gone")).len(), 5);
    }

    #[test]
    fn slugs_follow_github() {
        assert_eq!(slug("Raise the limit"), "raise-the-limit");
        assert_eq!(
            slug("Step 2: fail over (Aurora)"),
            "step-2-fail-over-aurora"
        );
        assert_eq!(slug("`kubectl` & friends"), "kubectl--friends");
        assert_eq!(slug("Über-Größe_x"), "über-größe_x");
        assert_eq!(slug("🔥 Hot path"), "-hot-path");
    }

    #[test]
    fn duplicate_headings_get_numbered() {
        let doc = RunbookDoc::index(
            "runbooks/a.md".into(),
            "# Steps\n\n## Steps\n\n## Steps\n\n## Steps-1\n",
        );
        let anchors: Vec<_> = doc.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(anchors, ["steps", "steps-1", "steps-2", "steps-1-1"]);
    }

    #[test]
    fn explicit_ids_and_lines() {
        let doc = RunbookDoc::index(
            "runbooks/a.md".into(),
            "# Title\n\ntext [next](b.md#x) and [web](https://example.com)\n\n## Fail over {#failover}\n",
        );
        assert_eq!(doc.title(), "Title");
        assert_eq!(doc.headings[1].anchor, "failover");
        assert_eq!(doc.headings[1].line, 5);
        assert_eq!(doc.links.len(), 2);
        assert_eq!(doc.links[0].dest, "b.md#x");
        assert_eq!((doc.links[0].line, doc.links[0].column), (3, 6));
    }

    #[test]
    fn headings_inside_code_are_not_headings() {
        let doc = RunbookDoc::index(
            "r.md".into(),
            "```\n# not a heading\n```\n## Real `code` one\n",
        );
        assert_eq!(doc.headings.len(), 1);
        assert_eq!(doc.headings[0].text, "Real code one");
        assert_eq!(doc.headings[0].anchor, "real-code-one");
    }
}
