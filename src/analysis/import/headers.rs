//! A sheet's headers: which register field each names (by the usual synonyms, or by the name
//! before a unit or scale in brackets), where the header row is, and the columns a sheet cannot
//! do without.

use super::{HEADER_SEARCH_ROWS, ReadOptions};
use crate::finding::{Finding, Pos};
use crate::model::fields::RISK_FIELDS;
use std::path::Path;

/// The register fields a column can hold: the component's, a note, or a risk's field (by its
/// key in `RISK_FIELDS`, which also lists the headers it is known by).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Component,
    ComponentTitle,
    ComponentDescription,
    Owner,
    DependsOn,
    Availability,
    Rto,
    Rpo,
    /// Kept after the risk's description: the register has no field of its own for it.
    Notes,
    Risk(&'static str),
}

/// Header names (lower-cased, without spaces, `_`, `-`, `(`, `)`, `%`) for the columns that
/// are not a risk's field.
const NAMES: [(Column, &[&str]); 9] = [
    (
        Column::Component,
        &["component", "service", "system", "componentid"],
    ),
    (
        Column::ComponentTitle,
        &["componenttitle", "servicename", "systemname"],
    ),
    (Column::ComponentDescription, &["componentdescription"]),
    (Column::Owner, &["owner", "team", "owningteam"]),
    (Column::DependsOn, &["dependson", "dependencies"]),
    (Column::Availability, &["availability", "slo"]),
    (Column::Rto, &["rto", "rtominutes"]),
    (Column::Rpo, &["rpo", "rpominutes"]),
    (
        Column::Notes,
        &["notes", "note", "comments", "comment", "remarks"],
    ),
];

/// Every column with the header names it is known by.
fn names() -> impl Iterator<Item = (Column, &'static [&'static str])> {
    NAMES
        .into_iter()
        .chain(RISK_FIELDS.iter().map(|f| (Column::Risk(f.key), f.headers)))
}

fn normalize(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '(' | ')' | '%' | '.' | '/'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The header names a column is known by, for a message.
fn synonyms(column: Column) -> String {
    names()
        .find(|(c, _)| *c == column)
        .map_or(String::new(), |(_, n)| n.join(", "))
}

/// The column a header names: by its name with its usual synonyms, or by the name before a
/// unit or scale in brackets (`Impact (1-5)`, `Likelihood [1–5]`, `Detection (how would we
/// notice?)`).
pub fn column_of(header: &str) -> Option<Column> {
    let named = |name: &str| {
        let name = normalize(name);
        names()
            .find(|(_, names)| names.contains(&name.as_str()))
            .map(|(c, _)| c)
    };
    named(header).or_else(|| {
        let before = header.split(['(', '[']).next().unwrap_or(header);
        (before.len() < header.len())
            .then(|| named(before))
            .flatten()
    })
}

/// The header row: the one named, else the first of the first rows holding at least two known
/// headers, else the first row.
fn header_index(rows: &[(usize, Vec<String>)], options: &ReadOptions) -> Option<usize> {
    if let Some(n) = options.header_row {
        return rows.iter().position(|(number, _)| *number == n);
    }
    let known = |row: &[String]| row.iter().filter(|c| column_of(c).is_some()).count();
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|(_, row)| known(row) >= 2)
        .or((!rows.is_empty()).then_some(0))
}

/// The column each header names (a warning for a header that names none), or `None` with an
/// error at the header row when a column the sheet cannot do without is missing.
pub(super) fn columns_of(
    source: &Path,
    header_row: usize,
    header: &[String],
    options: &ReadOptions,
    findings: &mut Vec<Finding>,
) -> Option<Vec<Option<Column>>> {
    let mut columns: Vec<Option<Column>> = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let column = column_of(name);
        if column.is_none() && !name.trim().is_empty() {
            findings.push(Finding::warning(
                source,
                Pos {
                    line: header_row,
                    column: i + 1,
                },
                "import-column",
                format!("column `{}` is not a register field: ignored", name.trim()),
            ));
        }
        columns.push(column);
    }
    // A missing column the sheet cannot do without, said at the header row.
    let missing = |message: String| {
        Finding::error(
            source,
            Pos {
                line: header_row,
                column: 1,
            },
            "import-header",
            message,
        )
    };
    for needed in [Column::Component, Column::Risk("title")] {
        if !columns.contains(&Some(needed)) {
            findings.push(missing(format!(
                "no {} column (one of: {})",
                if needed == Column::Component {
                    "component"
                } else {
                    "risk title"
                },
                synonyms(needed)
            )));
            return None;
        }
    }
    // A level nobody gave is never filled in: without its column, the sheet is refused unless
    // a default is given.
    for (needed, default, flag) in [
        (
            Column::Risk("likelihood"),
            options.default_likelihood,
            "--default-likelihood",
        ),
        (
            Column::Risk("impact"),
            options.default_impact,
            "--default-impact",
        ),
    ] {
        if default.is_none() && !columns.contains(&Some(needed)) {
            let read: Vec<String> = header
                .iter()
                .filter(|h| !h.trim().is_empty())
                .map(|h| format!("`{}`", h.trim()))
                .collect();
            findings.push(missing(format!(
                "no {} column: read {}; tried {} (with a unit or scale in brackets too); {flag} LEVEL gives every risk one",
                if needed == Column::Risk("likelihood") {
                    "likelihood"
                } else {
                    "impact"
                },
                read.join(", "),
                synonyms(needed)
            )));
            return None;
        }
    }
    Some(columns)
}

/// Where the header row is (said when it is not the first), or `None` with an error.
pub(super) fn header_start(
    source: &Path,
    rows: &[(usize, Vec<String>)],
    options: &ReadOptions,
    findings: &mut Vec<Finding>,
) -> Option<usize> {
    let Some(start) = header_index(rows, options) else {
        let message = match options.header_row {
            Some(n) => format!("no row {n} to read the headers from"),
            None => "the sheet has no header row".into(),
        };
        findings.push(Finding::error(source, Pos::START, "import-empty", message));
        return None;
    };
    if start > 0 && options.header_row.is_none() {
        findings.push(Finding::warning(
            source,
            Pos {
                line: rows[start].0,
                column: 1,
            },
            "import-header-row",
            format!(
                "header read from row {} (the rows above it are skipped; --header-row N says otherwise)",
                rows[start].0
            ),
        ));
    }
    Some(start)
}
