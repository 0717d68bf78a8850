//! A reader for the YAML that rule files are nearly always written in: block mappings and
//! sequences of one-line scalars (plain, quoted, or with a `!Tag`) and literal block scalars
//! (`|`, `|-`, `|+`), comments and `---` between documents. It reads such a file in a small
//! part of saphyr's time (saphyr was three quarters of `check`'s monitoring scan) and answers
//! `None` for anything else: flow collections, anchors, folded and multi-line scalars, escapes,
//! tabs, directives, repeated keys. saphyr reads those. Proptests hold it to saphyr's tree,
//! positions included.

use super::yaml::{Data, Node};
use crate::finding::Pos;
use std::borrow::Cow;

/// The documents of `text`, if all of it is in the plain block style.
pub(crate) fn read(text: &str) -> Option<Vec<Node<'_>>> {
    if !plain_characters(text) {
        return None;
    }
    let raw: Vec<&str> = crate::finding::split_lines(text).collect();
    let mut reader = Reader {
        lines: lines(&raw)?,
        raw,
        at: 0,
    };
    let count = reader.lines.len();
    if count == 0 {
        return None;
    }
    if reader.lines[0].separator {
        reader.at = 1;
    }
    let mut docs = Vec::new();
    loop {
        // An empty document is saphyr's to read.
        if reader.at == count || reader.lines[reader.at].separator {
            return None;
        }
        docs.push(reader.block(None)?);
        if reader.at == count {
            return Some(docs);
        }
        if !reader.lines[reader.at].separator {
            return None;
        }
        reader.at += 1;
    }
}

/// A line with something on it (blank and comment lines are left out).
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// 1-based.
    no: usize,
    raw: &'a str,
    /// Where `text` starts in `raw`, in bytes; also its column less one, counted in spaces and
    /// the ASCII `- ` of sequence entries, until `text` is a value after a key.
    start: usize,
    /// From `start`, trailing spaces removed.
    text: &'a str,
    /// `---`.
    separator: bool,
}

impl Line<'_> {
    fn pos(&self) -> Pos {
        let before = &self.raw[..self.start];
        Pos {
            line: self.no,
            column: if before.is_ascii() {
                self.start + 1
            } else {
                before.chars().count() + 1
            },
        }
    }
}

/// The lines that hold something, or `None` for a line this reader leaves to saphyr.
fn lines<'a>(raw: &[&'a str]) -> Option<Vec<Line<'a>>> {
    let mut out = Vec::new();
    for (i, &raw) in raw.iter().enumerate() {
        let trimmed = raw.trim_end_matches(' ');
        let body = trimmed.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let start = trimmed.len() - body.len();
        let mut separator = false;
        if start == 0 {
            if let Some(after) = body.strip_prefix("---") {
                if !(after.is_empty() || after.starts_with(" #")) {
                    return None;
                }
                separator = true;
            } else if body.starts_with("...") || body.starts_with('%') {
                return None;
            }
        }
        out.push(Line {
            no: i + 1,
            raw,
            start,
            text: body,
            separator,
        });
    }
    Some(out)
}

/// No tab, carriage return or other control character, and nothing YAML does not allow.
fn plain_characters(text: &str) -> bool {
    let ascii_ok = |b: u8| b == b'\n' || (0x20..0x7f).contains(&b) || b >= 0x80;
    text.bytes().all(ascii_ok)
        && (text.is_ascii()
            || text.chars().all(|c| {
                !matches!(
                    c,
                    '\u{7f}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                )
            }))
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    /// Every line of the text, for the content of literal block scalars (`|`), where blank
    /// and `#` lines are text.
    raw: Vec<&'a str>,
    at: usize,
}

impl<'a> Reader<'a> {
    /// The line being read, unless the document has ended.
    fn current(&self) -> Option<Line<'a>> {
        self.lines.get(self.at).copied().filter(|l| !l.separator)
    }

    /// A collection starting on the current line, more indented than `parent`.
    fn block(&mut self, parent: Option<usize>) -> Option<Node<'a>> {
        let line = self.current()?;
        if parent.is_some_and(|p| line.start <= p) {
            return None;
        }
        if is_entry(line.text) {
            self.sequence(line.start, false)
        } else if key_split(line.text).is_some() {
            self.mapping(line.start)
        } else {
            None
        }
    }

    /// A block sequence whose `-` are at column `indent`; `indentless` when they are under
    /// their key, not indented from it (saphyr then places the sequence where its first item
    /// is written: after the `-`, at a block scalar's `|`).
    fn sequence(&mut self, indent: usize, indentless: bool) -> Option<Node<'a>> {
        let first = self.current()?;
        let mut first_item: Option<Pos> = None;
        let mut items = Vec::new();
        while let Some(line) = self.current() {
            if line.start != indent || !is_entry(line.text) {
                break;
            }
            let rest = line.text[1..].trim_start_matches(' ');
            if rest.is_empty() {
                if indentless && items.is_empty() {
                    return None;
                }
                self.at += 1;
                match self.current() {
                    Some(next) if next.start > indent => items.push(self.block(Some(indent))?),
                    _ => return None,
                }
            } else {
                if rest.starts_with('#') || is_entry(rest) {
                    return None;
                }
                let inline = self.rest_of(line, rest);
                first_item.get_or_insert(inline.pos());
                if key_split(rest).is_some() {
                    self.lines[self.at] = inline;
                    items.push(self.mapping(inline.start)?);
                } else {
                    self.at += 1;
                    items.push(self.value(inline, indent)?);
                    self.ends_within(indent)?;
                }
            }
        }
        let pos = match first_item {
            Some(at) if indentless => at,
            _ => first.pos(),
        };
        Some(Node {
            pos,
            data: Data::Sequence(items),
        })
    }

    /// A block mapping whose keys are at column `indent`.
    fn mapping(&mut self, indent: usize) -> Option<Node<'a>> {
        let first = self.current()?;
        let mut entries = Vec::new();
        while let Some(line) = self.current() {
            if line.start != indent {
                if line.start > indent {
                    return None;
                }
                break;
            }
            let (key, after) = key_split(line.text)?;
            let key = Node {
                pos: line.pos(),
                data: Data::Scalar(Cow::Borrowed(key), None),
            };
            let rest = line.text[after..].trim_start_matches(' ');
            self.at += 1;
            let value = if rest.is_empty() || rest.starts_with('#') {
                match self.current() {
                    Some(next) if next.start > indent => self.block(Some(indent))?,
                    // `key:` with its sequence's `-` under the key.
                    Some(next) if next.start == indent && is_entry(next.text) => {
                        self.sequence(indent, true)?
                    }
                    _ => return None,
                }
            } else {
                let node = self.value(self.rest_of(line, rest), indent)?;
                self.ends_within(indent)?;
                node
            };
            entries.push((key, value));
        }
        if entries.len() > 1 {
            let mut keys: Vec<&str> = entries.iter().filter_map(|(k, _)| key_text(k)).collect();
            keys.sort_unstable();
            if keys.windows(2).any(|w| w[0] == w[1]) {
                return None;
            }
        }
        Some(Node {
            pos: first.pos(),
            data: Data::Mapping(entries),
        })
    }

    /// A value written on `line` (the line already read) in a collection at column `indent`:
    /// a one-line scalar, or a literal block scalar (`|`, `|-`, `|+`) whose text is on the
    /// lines below, more indented than `indent`.
    fn value(&mut self, line: Line<'a>, indent: usize) -> Option<Node<'a>> {
        let (tag, body) = split_tag(line.text)?;
        let Some(header) = body.strip_prefix('|') else {
            return one_line(line, tag, body);
        };
        let (chomp, rest) = match header.as_bytes().first() {
            Some(b'-' | b'+') => (header.as_bytes()[0], &header[1..]),
            _ => (b' ', header),
        };
        after_quote(rest)?;
        // The text: the lines after the header that are blank or indented as its first line.
        let first = line.no;
        let first_line = self.raw.get(first)?;
        let content = first_line.len() - first_line.trim_start_matches(' ').len();
        if content <= indent || first_line.trim_start_matches(' ').is_empty() {
            return None;
        }
        let mut text = String::new();
        let mut blanks = 0;
        let mut last = first;
        for (i, raw) in self.raw.iter().enumerate().skip(first) {
            let spaces = raw.len() - raw.trim_start_matches(' ').len();
            if spaces == raw.len() {
                // The split's piece after the final line break is not a line.
                if i + 1 == self.raw.len() {
                    break;
                }
                if spaces > content {
                    return None;
                }
                blanks += 1;
            } else if spaces >= content {
                for _ in 0..blanks {
                    text.push('\n');
                }
                blanks = 0;
                text.push_str(&raw[content..]);
                text.push('\n');
                last = i + 1;
            } else {
                break;
            }
        }
        match chomp {
            b'-' => {
                text.pop();
            }
            b'+' => {
                for _ in 0..blanks {
                    text.push('\n');
                }
            }
            _ => {}
        }
        while self.lines.get(self.at).is_some_and(|l| l.no <= last) {
            self.at += 1;
        }
        let pos = if tag.is_some() {
            line.pos()
        } else {
            Pos {
                line: first + 1,
                column: content + 1,
            }
        };
        Some(Node {
            pos,
            data: Data::Scalar(Cow::Owned(text), tag),
        })
    }

    /// `line` narrowed to `rest`, a part of its text.
    fn rest_of(&self, line: Line<'a>, rest: &'a str) -> Line<'a> {
        Line {
            start: line.start + (line.text.len() - rest.len()),
            text: rest,
            ..line
        }
    }

    /// After a one-line scalar in a collection at `indent`, the next line must not be more
    /// indented: that would continue the scalar (or be an error), which saphyr reads.
    fn ends_within(&self, indent: usize) -> Option<()> {
        match self.current() {
            Some(next) if next.start > indent => None,
            _ => Some(()),
        }
    }
}

fn key_text<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &node.data {
        Data::Scalar(text, _) => Some(text),
        _ => None,
    }
}

/// `- x` or a lone `-`.
fn is_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// A plain key and where what follows its `:` starts, if `text` is `key: …` or `key:`.
fn key_split(text: &str) -> Option<(&str, usize)> {
    if !plain_start(text) {
        return None;
    }
    let bytes = text.as_bytes();
    let colon = (0..bytes.len())
        .find(|&i| bytes[i] == b':' && bytes.get(i + 1).is_none_or(|&b| b == b' '))?;
    let key = text[..colon].trim_end_matches(' ');
    (!key.is_empty() && pair(key, b' ', b'#').is_none()).then_some((key, colon + 1))
}

/// Whether a plain scalar may start `text`: not with an indicator.
fn plain_start(text: &str) -> bool {
    match text.as_bytes() {
        [] => false,
        [b'-' | b'?' | b':', next, ..] => *next != b' ',
        [b'-' | b'?' | b':'] => false,
        [first, ..] => !b"[]{},#&*!|>'\"%@`".contains(first),
    }
}

/// A one-line scalar written on `line`: `body`, plain or quoted, after its `tag` if it has one.
fn one_line<'a>(line: Line<'a>, tag: Option<Cow<'a, str>>, body: &'a str) -> Option<Node<'a>> {
    let scalar = match body.as_bytes().first()? {
        b'"' => {
            let inner = &body[1..];
            let end = inner.find('"')?;
            if inner[..end].contains('\\') {
                return None;
            }
            after_quote(&inner[end + 1..])?;
            Cow::Borrowed(&inner[..end])
        }
        b'\'' => {
            let inner = &body[1..];
            let mut end = 0;
            loop {
                end += inner[end..].find('\'')?;
                if inner[end + 1..].starts_with('\'') {
                    end += 2;
                } else {
                    break;
                }
            }
            after_quote(&inner[end + 1..])?;
            let quoted = &inner[..end];
            if quoted.contains("''") {
                Cow::Owned(quoted.replace("''", "'"))
            } else {
                Cow::Borrowed(quoted)
            }
        }
        _ => {
            if !plain_start(body) {
                return None;
            }
            let plain = match pair(body, b' ', b'#') {
                Some(at) => body[..at].trim_end_matches(' '),
                None => body,
            };
            if pair(plain, b':', b' ').is_some() || plain.ends_with(':') {
                return None;
            }
            Cow::Borrowed(plain)
        }
    };
    Some(Node {
        pos: line.pos(),
        data: Data::Scalar(scalar, tag),
    })
}

/// Where the two bytes `a` `b` first stand side by side in `text` (a `str::find` of two ASCII
/// bytes without setting up a substring search for each scalar).
fn pair(text: &str, a: u8, b: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b, bytes)
        .find(|&i| i > 0 && bytes[i - 1] == a)
        .map(|i| i - 1)
}

/// A value's `!Tag` (its suffix) and what follows it; no tag and the whole text when it has none.
fn split_tag(text: &str) -> Option<(Option<Cow<'_, str>>, &str)> {
    let Some(tagged) = text.strip_prefix('!') else {
        return Some((None, text));
    };
    let (name, rest) = tagged.split_once(' ')?;
    let simple = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':');
    if name.is_empty() || !name.chars().all(simple) {
        return None;
    }
    Some((Some(Cow::Borrowed(name)), rest.trim_start_matches(' ')))
}

/// After a closing quote: nothing, or a comment.
fn after_quote(rest: &str) -> Option<()> {
    (rest.is_empty() || (rest.starts_with(' ') && rest.trim_start_matches(' ').starts_with('#')))
        .then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::yaml::saphyr_documents;
    use proptest::prelude::*;

    /// `text` is read here, and as saphyr reads it.
    fn same_as_saphyr(text: &str) {
        let ours = read(text).unwrap_or_else(|| panic!("not read:\n{text}"));
        let theirs = saphyr_documents(text).unwrap_or_else(|e| panic!("{e:?}:\n{text}"));
        assert_eq!(ours, theirs, "{text}");
    }

    #[test]
    fn rule_files_in_the_block_style_read_as_saphyr_reads_them() {
        same_as_saphyr(
            "groups:\n  - name: orders # the team\n    rules:\n      - alert: OrdersDown\n        expr: up{job=\"orders\"} == 0\n        for: 5m\n        labels:\n          severity: page\n        annotations:\n          summary: \"Orders is down: {{ $labels.instance }}\"\n          runbook_url: 'https://x/runbooks/orders.md#it''s-down'\n",
        );
        same_as_saphyr(
            "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n  - name: a\n    rules:\n    - alert: A\n      expr: x > 1\n---\n# second\nspec:\n  groups:\n    - name: b\n",
        );
        same_as_saphyr(
            "Resources:\n  Alarm1:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmName: !Sub \"${Env}-orders\"\n      Other: !Ref Thing\n  Name:\n    Fn::Sub: x-${AWS::Region}\n",
        );
        same_as_saphyr("é: ü\nkey: naïve – value # c\nlist:\n- a\n-   b\n- 'c'\n");
        same_as_saphyr(
            "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: |\n      sum(rate(x[5m]))\n        > 0.1\n\n      # not a comment\n    for: 5m\n    annotations:\n      description: |-\n        two\n        lines\n\n      runbook_url: !Sub |+\n        kept\n\n- name: b\n",
        );
    }

    proptest! {
        #[test]
        fn pair_is_find(text in "[ #:a]{0,10}") {
            prop_assert_eq!(pair(&text, b' ', b'#'), text.find(" #"));
            prop_assert_eq!(pair(&text, b':', b' '), text.find(": "));
        }
    }

    #[test]
    fn other_yaml_is_left_to_saphyr() {
        for text in [
            "a: [1, 2]\n",
            "a: {b: 1}\n",
            "a: &x 1\nb: *x\n",
            "a: |2\n  text\n",
            "a: |\n\n  leading blank\n",
            "a: |\n    x\n      \n",
            "a: >\n  text\n",
            "a: one\n  two\n",
            "a: \"one\n  two\"\n",
            "a: \"tab\\t\"\n",
            "a:\tb\n",
            "a: b\r\n",
            "%YAML 1.2\n---\na: b\n",
            "a: b\n...\n",
            "a: 1\na: 2\n",
            "\"a\": 1\n",
            "? a\n: b\n",
            "a:\nb: c\n",
            "- - a\n",
            "a: !!str b\n",
            "",
            "# only a comment\n",
            "---\n---\na: b\n",
            "just a scalar\n",
            "a: b: c\n",
            "a: 'x' y\n",
        ] {
            assert!(read(text).is_none(), "{text:?}");
        }
    }

    /// A document tree to write out in the block style.
    #[derive(Debug, Clone)]
    enum Tree {
        Scalar(String),
        /// A literal block scalar: its header (`|`, `!Sub |-`…) and its lines.
        Block(String, Vec<String>),
        Map(Vec<(String, Tree)>),
        Seq(Vec<Tree>),
    }

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-zA-Z0-9_./${}()é<>=-][a-zA-Z0-9_./${}()é<>= :#-]{0,10}",
            1 => "[a-z '#:é]{0,6}".prop_map(|t| format!("\"{t}\"")),
            1 => "[a-z \"#:é]{0,6}".prop_map(|t| format!("'{}'", t.replace('\'', "''"))),
            1 => "[a-z' ]{0,4}".prop_map(|t| format!("'{}'", t.replace('\'', "''"))),
            1 => ("(Sub|Ref|GetAtt|Join)", "[a-z${}:.-]{1,8}").prop_map(|(t, v)| format!("!{t} {v}")),
            1 => "[a-z]{1,4}".prop_map(|t| format!("!Sub \"{t}\"")),
        ]
    }

    fn block() -> impl Strategy<Value = Tree> {
        (
            "(!Sub )?\\|[-+]?( # c)?",
            "[a-z#:'][a-z#:' ]{0,5}",
            proptest::collection::vec("( {0,2}[a-z#:' ]{1,6}|)", 0..4),
        )
            .prop_map(|(header, first, mut lines)| {
                lines.insert(0, first);
                Tree::Block(header, lines)
            })
    }

    fn tree() -> impl Strategy<Value = Tree> {
        let key = "[a-zA-Z_é][a-zA-Z0-9_:.é -]{0,7}";
        let leaf = prop_oneof![4 => scalar().prop_map(Tree::Scalar), 1 => block()];
        leaf.prop_recursive(4, 40, 5, move |inner| {
            prop_oneof![
                proptest::collection::vec((key, inner.clone()), 1..5).prop_map(Tree::Map),
                proptest::collection::vec(inner, 1..4).prop_map(Tree::Seq),
            ]
        })
    }

    /// Writes trees in the block style, each choice of style taken from `choices`.
    struct Writer<'c> {
        out: String,
        choices: &'c [u8],
        next: usize,
    }

    impl Writer<'_> {
        fn choose(&mut self, n: u8) -> u8 {
            let c = self.choices[self.next % self.choices.len()];
            self.next += 1;
            c % n
        }

        fn line_end(&mut self) {
            if self.choose(6) == 0 {
                self.out.push_str(" # note");
            }
            self.out.push('\n');
            match self.choose(8) {
                0 => self.out.push('\n'),
                1 => {
                    let indent = usize::from(self.choose(7));
                    self.out.push_str(&" ".repeat(indent));
                    self.out.push_str("# between\n");
                }
                _ => {}
            }
        }

        /// `tree` at `indent`; `inline` when the line is begun (after `- `).
        fn write(&mut self, tree: &Tree, indent: usize, inline: bool) {
            let step = 1 + usize::from(self.choose(3));
            match tree {
                Tree::Scalar(text) => {
                    self.out.push_str(text);
                    self.line_end();
                }
                Tree::Block(header, lines) => {
                    self.out.push_str(header);
                    self.out.push('\n');
                    for line in lines {
                        if !line.is_empty() {
                            self.out.push_str(&" ".repeat(indent));
                            self.out.push_str(line);
                        }
                        self.out.push('\n');
                    }
                }
                Tree::Map(entries) => {
                    for (i, (key, value)) in entries.iter().enumerate() {
                        if !(inline && i == 0) {
                            self.out.push_str(&" ".repeat(indent));
                        }
                        self.out.push_str(key);
                        self.out.push(':');
                        match value {
                            Tree::Scalar(_) | Tree::Block(..) => {
                                self.out.push(' ');
                                self.write(value, indent + step, true);
                            }
                            Tree::Map(_) => {
                                self.line_end();
                                self.write(value, indent + step, false);
                            }
                            Tree::Seq(_) => {
                                self.line_end();
                                let under = if self.choose(2) == 0 {
                                    indent
                                } else {
                                    indent + step
                                };
                                self.write(value, under, false);
                            }
                        }
                    }
                }
                Tree::Seq(items) => {
                    for item in items {
                        self.out.push_str(&" ".repeat(indent));
                        self.out.push('-');
                        match item {
                            Tree::Map(_) if self.choose(3) != 0 => {
                                self.out.push(' ');
                                self.write(item, indent + 2, true);
                            }
                            Tree::Scalar(_) | Tree::Block(..) => {
                                self.out.push(' ');
                                self.write(item, indent + 2, true);
                            }
                            _ => {
                                self.line_end();
                                self.write(item, indent + step, false);
                            }
                        }
                    }
                }
            }
        }
    }

    fn written(docs: &[Tree], choices: &[u8]) -> String {
        let mut w = Writer {
            out: String::new(),
            choices,
            next: 0,
        };
        for (i, doc) in docs.iter().enumerate() {
            if i > 0 || w.choose(2) == 0 {
                w.out.push_str("---\n");
            }
            let indent = usize::from(w.choose(3) / 2);
            match doc {
                Tree::Scalar(_) | Tree::Block(..) => {
                    w.write(&Tree::Seq(vec![doc.clone()]), indent, false);
                }
                _ => w.write(doc, indent, false),
            }
        }
        w.out
    }

    fn documents_text() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(tree(), 1..3),
            proptest::collection::vec(any::<u8>(), 1..64),
        )
            .prop_map(|(docs, choices)| written(&docs, &choices))
    }

    proptest! {
        /// Whatever this reader reads, it reads as saphyr does: the same tree, the same
        /// positions, and only text saphyr reads too.
        #[test]
        fn what_is_read_is_what_saphyr_reads(text in documents_text()) {
            if let Some(ours) = read(&text) {
                prop_assert_eq!(Ok(ours), saphyr_documents(&text), "{}", text);
            }
        }

        /// Lines shuffled from rule files, broken or not: never read differently from saphyr.
        #[test]
        fn broken_block_text_is_never_read_differently(
            lines in proptest::collection::vec(prop_oneof![
                Just("groups:"), Just("  - name: a"), Just("    rules:"), Just("- alert: X"),
                Just("  expr: a > 1"), Just("    annotations:"), Just("      summary: \"s\""),
                Just("  x"), Just("---"), Just("# c"), Just(""), Just("a: 'b''c'"), Just("   - y"),
                Just("k: !Sub v"), Just("-"), Just("  -"), Just(" :"), Just("a:b: c"),
            ], 0..12),
        ) {
            let text = lines.join("\n");
            if let Some(ours) = read(&text) {
                prop_assert_eq!(Ok(ours), saphyr_documents(&text), "{}", text);
            }
        }
    }

    /// The generated documents are mostly in the style read here, so the proptest above
    /// compares trees rather than skipping.
    #[test]
    fn most_generated_documents_are_read() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = documents_text();
        let read_count = (0..300)
            .filter(|_| {
                let text = strategy
                    .new_tree(&mut runner)
                    .map(|t| proptest::strategy::ValueTree::current(&t));
                text.is_ok_and(|t| read(&t).is_some())
            })
            .count();
        assert!(read_count > 150, "only {read_count} of 300 read");
        // And documents with literal block scalars among them.
        let with_blocks = (0..300)
            .filter(|_| {
                let text = strategy
                    .new_tree(&mut runner)
                    .map(|t| proptest::strategy::ValueTree::current(&t));
                text.is_ok_and(|t| t.contains('|') && read(&t).is_some())
            })
            .count();
        assert!(
            with_blocks > 20,
            "only {with_blocks} of 300 with a block scalar read"
        );
    }
}
