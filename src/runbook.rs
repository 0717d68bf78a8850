//! The runbook index: for each markdown file, its headings with their GitHub-style anchors and
//! the links it makes, with line numbers. Rendering lives elsewhere; this is what `check` and the
//! finder need.

use crate::finding::LineIndex;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;

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

/// One runbook as `check` and the finder see it.
#[derive(Debug, Clone, Default)]
pub struct RunbookDoc {
    /// Workspace-relative, `/`-separated: `runbooks/db/failover.md`.
    pub path: String,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub bytes: usize,
}

impl RunbookDoc {
    /// Indexes one runbook's text.
    pub fn index(path: String, text: &str) -> RunbookDoc {
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
                    let line = lines.line_of(range.start);
                    let column = column_in(text, range.start, lines.line_start(line));
                    links.push(Link {
                        dest: dest_url.to_string(),
                        line,
                        column,
                    });
                }
                _ => {}
            }
        }
        RunbookDoc {
            path,
            headings,
            links,
            bytes: text.len(),
        }
    }

    /// The heading with this anchor.
    pub fn heading(&self, anchor: &str) -> Option<&Heading> {
        self.headings.iter().find(|h| h.anchor == anchor)
    }

    /// The document's title: its first level-1 heading, else its first heading, else the file name.
    pub fn title(&self) -> &str {
        title_of(&self.path, &self.headings)
    }
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
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        let bytes = rest.as_bytes();
        if let Some((c, len)) = fence {
            let run = bytes.iter().take_while(|&&b| b == c).count();
            if indent <= 3 && run >= len && rest[run..].trim().is_empty() {
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
                let c = bytes[0];
                let run = bytes.iter().take_while(|&&b| b == c).count();
                if run >= 3 && !(c == b'`' && rest[run..].contains('`')) {
                    fence = Some((c, run));
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

/// One task-list step of a runbook (`- [ ] Promote the reader`) under its heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The heading above it (empty before the first heading) and that heading's anchor.
    pub heading: String,
    pub anchor: String,
    pub text: String,
    /// Ticked in the file itself (`- [x]`).
    pub checked: bool,
}

/// The task-list steps of a runbook, in order, each with the heading it sits under.
pub fn steps(text: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let mut slugs = SlugSet::default();
    let (mut heading, mut anchor) = (String::new(), String::new());
    let mut in_heading: Option<(Option<String>, String)> = None;
    let mut step: Option<(bool, String)> = None;
    for event in Parser::new_ext(text, markdown_options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = Some((id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((id, text)) = in_heading.take() {
                    heading = text.trim().to_owned();
                    anchor = match id {
                        Some(id) => slugs.claim(&id),
                        None => slugs.claim(&slug(&heading)),
                    };
                }
            }
            Event::TaskListMarker(checked) => step = Some((checked, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = in_heading.as_mut() {
                    text.push_str(&t);
                } else if let Some((_, text)) = step.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, text)) = step.as_mut() {
                    text.push(' ');
                }
            }
            Event::End(TagEnd::Item) => {
                if let Some((checked, text)) = step.take() {
                    out.push(Step {
                        heading: heading.clone(),
                        anchor: anchor.clone(),
                        text: text.trim().to_owned(),
                        checked,
                    });
                }
            }
            _ => {}
        }
    }
    out
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
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
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
