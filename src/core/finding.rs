//! A finding: one problem in one file, at `path:line:column`, with a rule id and a severity.

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Workspace-relative path, `/`-separated.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub severity: Severity,
    /// A stable id for the rule, e.g. `anchor-missing`.
    pub rule: &'static str,
    pub message: String,
}

impl Finding {
    pub fn error(path: impl Into<PathBuf>, pos: Pos, rule: &'static str, message: String) -> Self {
        Self::new(path, pos, Severity::Error, rule, message)
    }

    pub fn warning(
        path: impl Into<PathBuf>,
        pos: Pos,
        rule: &'static str,
        message: String,
    ) -> Self {
        Self::new(path, pos, Severity::Warning, rule, message)
    }

    fn new(
        path: impl Into<PathBuf>,
        pos: Pos,
        severity: Severity,
        rule: &'static str,
        message: String,
    ) -> Self {
        Finding {
            path: path.into(),
            line: pos.line,
            column: pos.column,
            severity,
            rule,
            message,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Orders findings by file, then position, then rule, so output is stable. Paths compare
    /// as `Path`s do, component by component, but by bytes with the separator lowest: the same
    /// order for these relative paths, without parsing components at every comparison (sorting
    /// ten thousand findings spent more time there than the check took to find them).
    pub fn order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
        crate::core::links::path_order(&a.path, &b.path)
            .then_with(|| (a.line, a.column, a.rule).cmp(&(b.line, b.column, b.rule)))
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {} [{}]",
            crate::sanitize::QuotedPath(&self.path),
            self.line,
            self.column,
            self.severity.name(),
            crate::sanitize::Quoted(&self.message),
            self.rule
        )
    }
}

pub use crate::core::text::{plural, plural_counts};

/// `text.split('\n')` with the memchr crate's search, which is several times faster on long
/// texts than the standard library's.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(Some)
        .chain(std::iter::once(None))
        .map(move |end| {
            let end = end.unwrap_or(text.len());
            let line = &text[start..end];
            start = end + 1;
            line
        })
}

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };

    /// The line and character column of byte `offset` in `text` (clamped to the text).
    pub fn of_offset(text: &str, offset: usize) -> Pos {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos {
            line: before.bytes().filter(|&b| b == b'\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

/// Byte offsets of line starts, so many offsets in one text turn into positions by binary search
/// instead of a scan from the start each time.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        // Room for lines of 24 bytes on average (a register's run shorter, a runbook's longer),
        // so the vector rarely grows while it is filled.
        let mut starts = Vec::with_capacity(text.len() / 24 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.saturating_sub(1).min(self.starts.len() - 1)]
    }

    /// The position of byte `offset` in `text` (the text this index was built from).
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let line = self.line_of(offset.min(text.len()));
        let start = self.line_start(line);
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        Pos { line, column }
    }
}

/// Counts of findings by severity, for summaries.
pub fn count(findings: &[Finding]) -> (usize, usize) {
    let errors = findings.iter().filter(|f| f.is_error()).count();
    (errors, findings.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "ab\nçd\n";
        assert_eq!(Pos::of_offset(text, 0), Pos { line: 1, column: 1 });
        assert_eq!(Pos::of_offset(text, 3), Pos { line: 2, column: 1 });
        // 'ç' is two bytes; the byte after it is column 2.
        assert_eq!(Pos::of_offset(text, 5), Pos { line: 2, column: 2 });
        assert_eq!(Pos::of_offset(text, 999), Pos { line: 3, column: 1 });
    }

    #[test]
    fn line_index_agrees_with_a_scan() {
        let text = "ab\nçd\n\nxyz";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            if text.is_char_boundary(offset) {
                assert_eq!(
                    index.pos(text, offset),
                    Pos::of_offset(text, offset),
                    "{offset}"
                );
            }
        }
    }

    #[test]
    fn order_sorts_paths_as_paths_do() {
        let paths = [
            "registers/a.json",
            "registers/a-b.json",
            "registers/a/b.json",
            "registers/a.b/c.md",
            "registers/ab.json",
            "runbooks/a/b.md",
            "runbooks/a-b.md",
            "runbooks/a.md",
            "runbooks/a!/x.md",
            "monitoring/x.yml",
        ];
        let mut findings: Vec<Finding> = paths
            .iter()
            .flat_map(|p| {
                [2, 1].map(|line| Finding::error(*p, Pos { line, column: 1 }, "r", String::new()))
            })
            .collect();
        let mut by_path = findings.clone();
        by_path.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        findings.sort_by(Finding::order);
        assert_eq!(findings, by_path);
    }

    #[test]
    fn display_is_path_line_col() {
        let f = Finding::error(
            "registers/a.json",
            Pos { line: 3, column: 7 },
            "json-syntax",
            "invalid JSON: trailing comma".into(),
        );
        assert_eq!(
            f.to_string(),
            "registers/a.json:3:7: error: invalid JSON: trailing comma [json-syntax]"
        );
    }
}
