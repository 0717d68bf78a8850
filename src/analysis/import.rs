//! Moving in from a spreadsheet: rows of cells (from CSV or TSV) become registers. Headers are
//! matched loosely with the usual synonyms, levels read from words or numbers (a 1–3 scale maps
//! to low, medium, high), a component written only on its first row is inherited by the rows
//! under it, ids are slugged from titles. Each bad row is a finding at its row and column and
//! is skipped. No IO here: `commands::import` reads the file and writes the registers.

use crate::finding::{Finding, Pos};
use crate::model::fields::{RISK_FIELDS, RiskField, Slot};
use crate::model::{Date, Level, Num, Register, Risk, Status};

mod headers;
pub use headers::{Column, column_of};
use headers::{columns_of, header_start};
use std::collections::BTreeMap;
use std::path::Path;

/// How a sheet is read: where its headers are, and the levels of a risk it gives none.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The 1-based row of the headers (default: found).
    pub header_row: Option<usize>,
    pub default_likelihood: Option<Level>,
    pub default_impact: Option<Level>,
}

/// Rows a sheet may reach (the 1-based number of its last cell with a value): a workbook's or
/// a CSV's. Past any of these limits, which a real register sheet never reaches, a sheet is
/// refused as too large; nothing is ever allocated from what a file declares.
pub const MAX_ROWS: usize = 200_000;
/// Columns a cell with a value may sit in.
pub const MAX_COLUMNS: usize = 64;
/// Cells with a value, in all (200,000 rows of five columns).
pub const MAX_CELLS: usize = 1_000_000;
/// Text of all the cells kept, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// Text of one cell, in bytes.
pub const MAX_CELL_BYTES: usize = 1024 * 1024;

/// Rows searched for the header row.
const HEADER_SEARCH_ROWS: usize = 20;

/// A cell as a spreadsheet wrote it back: the `'` that export puts before `=`, `+`, `-`, `@`,
/// tab or CR (so no spreadsheet runs it as a formula) is taken off again.
pub fn unescape_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// A cell written so that no spreadsheet runs it as a formula (OWASP's CSV-injection rule).
pub fn escape_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// A level from a word (`L`, `Low`, `very high`, …) or a number; `three_point` maps 1–3 to
/// low, medium, high.
pub fn parse_level(cell: &str, three_point: bool) -> Option<Level> {
    let word: String = cell
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect();
    if let Ok(n) = word.parse::<u8>() {
        return if three_point {
            match n {
                1 => Some(Level::Low),
                2 => Some(Level::Medium),
                3 => Some(Level::High),
                _ => None,
            }
        } else {
            Level::from_value(n)
        };
    }
    Some(match word.as_str() {
        "vl" | "verylow" | "rare" | "negligible" => Level::VeryLow,
        "l" | "low" | "unlikely" | "minor" => Level::Low,
        "m" | "med" | "medium" | "moderate" | "possible" => Level::Medium,
        "h" | "high" | "likely" | "major" => Level::High,
        "vh" | "veryhigh" | "critical" | "extreme" | "almostcertain" | "severe" => Level::VeryHigh,
        _ => return None,
    })
}

fn parse_status(cell: &str) -> Option<Status> {
    let word: String = cell.trim().to_lowercase().replace(['-', '_'], " ");
    Some(match word.as_str() {
        "" | "open" | "new" | "todo" | "to do" | "identified" => Status::Open,
        "mitigating" | "in progress" | "ongoing" | "wip" => Status::Mitigating,
        "mitigated" | "done" | "closed" | "resolved" => Status::Mitigated,
        "accepted" | "accept" | "tolerated" => Status::Accepted,
        _ => return None,
    })
}

/// Splits a list cell: one item per line, or separated by `;` or `,`.
fn list(cell: &str) -> Vec<String> {
    let separator = if cell.contains('\n') {
        '\n'
    } else if cell.contains(';') {
        ';'
    } else {
        ','
    };
    cell.split(separator)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn number(cell: &str) -> Result<Option<Num>, String> {
    let text = cell.trim().trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| Some(Num(n)))
        .ok_or_else(|| format!("`{cell}` is not a number"))
}

/// A sheet's rows: each with its 1-based row number as the spreadsheet shows it.
pub type Rows = Vec<(usize, Vec<String>)>;

/// The outcome of reading a sheet.
#[derive(Debug, Default)]
pub struct Imported {
    /// By component id, in the order first seen.
    pub registers: BTreeMap<String, Register>,
    /// Rows read into a risk (or a component).
    pub good_rows: usize,
    /// Bad rows and ignored columns, each at `FILE:row:column`.
    pub findings: Vec<Finding>,
}

/// Reads rows (the first is the header) from `source` (a file name, `FILE[sheet]` for a
/// sheet), each with its 1-based row number.
pub fn read_rows(source: &Path, rows: &[(usize, Vec<String>)]) -> Imported {
    read_rows_with(source, rows, &ReadOptions::default())
}

/// `read_rows`, with the header row and default levels given.
pub fn read_rows_with(
    source: &Path,
    rows: &[(usize, Vec<String>)],
    options: &ReadOptions,
) -> Imported {
    let mut out = Imported::default();
    let Some(start) = header_start(source, rows, options, &mut out.findings) else {
        return out;
    };
    let Some(((header_row, header), body)) = rows[start..].split_first() else {
        out.findings.push(Finding::error(
            source,
            Pos::START,
            "import-empty",
            "the sheet has no header row".into(),
        ));
        return out;
    };
    let Some(columns) = columns_of(source, *header_row, header, options, &mut out.findings) else {
        return out;
    };
    let cell = |row: &[String], column: Column| -> Option<(usize, String)> {
        let i = columns.iter().position(|c| *c == Some(column))?;
        Some((
            i + 1,
            unescape_formula(row.get(i).map_or("", String::as_str)).to_owned(),
        ))
    };
    // A 1–3 scale when no level cell is a number above 3.
    let three_point = [Column::Risk("likelihood"), Column::Risk("impact")]
        .iter()
        .all(|&c| {
            body.iter().all(|(_, row)| {
                cell(row, c).is_none_or(|(_, v)| v.trim().parse::<u8>().map_or(true, |n| n <= 3))
            })
        })
        && body.iter().any(|(_, row)| {
            cell(row, Column::Risk("likelihood"))
                .is_some_and(|(_, v)| v.trim().parse::<u8>().is_ok())
        });
    let mut current_component: Option<String> = None;
    for (number, row) in body {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let error = |column: usize, message: String| {
            Finding::error(
                source,
                Pos {
                    line: *number,
                    column,
                },
                "import-row",
                message,
            )
        };
        let component = match cell(row, Column::Component) {
            Some((_, name)) if !name.trim().is_empty() => {
                let id = crate::core::id::suggest_id(&name);
                if !crate::core::id::is_valid_id(&id) {
                    out.findings.push(error(
                        1,
                        format!("`{name}` makes no component id: row skipped"),
                    ));
                    continue;
                }
                current_component = Some(id.clone());
                let reg = out
                    .registers
                    .entry(id.clone())
                    .or_insert_with(|| Register::new(&id));
                if id != name.trim() && reg.title == Register::new(&id).title {
                    reg.title = name.trim().to_owned();
                }
                id
            }
            _ => match &current_component {
                Some(c) => c.clone(),
                None => {
                    out.findings.push(error(
                        1,
                        "no component on this row or above it: row skipped".into(),
                    ));
                    continue;
                }
            },
        };
        let Some(reg) = out.registers.get_mut(&component) else {
            continue;
        };
        match read_row(reg, &cell, row, three_point, options) {
            Ok(()) => out.good_rows += 1,
            Err((column, message)) => out
                .findings
                .push(error(column, format!("{message}: row skipped"))),
        }
    }
    out
}

type Cell<'a> = dyn Fn(&[String], Column) -> Option<(usize, String)> + 'a;

/// Reads one row into its component: the component's own fields where given, and the risk.
fn read_row(
    reg: &mut Register,
    cell: &Cell<'_>,
    row: &[String],
    three_point: bool,
    options: &ReadOptions,
) -> Result<(), (usize, String)> {
    let text = |c: Column| {
        cell(row, c)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    // The component's own fields, from whichever row carries them.
    if let Some(t) = text(Column::ComponentTitle) {
        reg.title = t;
    }
    if let Some(t) = text(Column::ComponentDescription) {
        reg.description = t;
    }
    if let Some(t) = text(Column::Owner) {
        reg.owner = t;
    }
    if let Some(t) = text(Column::DependsOn) {
        reg.depends_on = list(&t)
            .iter()
            .map(|d| crate::core::id::suggest_id(d))
            .collect();
    }
    for (column, slot) in [
        (Column::Availability, &mut reg.objectives.availability),
        (Column::Rto, &mut reg.objectives.rto_minutes),
        (Column::Rpo, &mut reg.objectives.rpo_minutes),
    ] {
        if let Some((i, v)) = cell(row, column)
            && let Some(n) = number(&v).map_err(|m| (i, m))?
        {
            *slot = Some(n);
        }
    }
    let Some(title) = text(Column::Risk("title")) else {
        // A row about the component alone (a component with no risks yet).
        return Ok(());
    };
    let level = |column: Column, default: Option<Level>| -> Result<Level, (usize, String)> {
        let name = if column == Column::Risk("likelihood") {
            "likelihood"
        } else {
            "impact"
        };
        match cell(row, column) {
            Some((i, v)) if v.trim().is_empty() => {
                default.ok_or_else(|| (i, format!("no {name} given")))
            }
            Some((i, v)) => parse_level(&v, three_point).ok_or_else(|| {
                let words: Vec<String> = Level::ALL.iter().map(|l| l.name().to_owned()).collect();
                let typed: String = v.trim().to_lowercase().replace([' ', '_'], "-");
                let hint = crate::parse::closest(&typed, &words)
                    .map(|c| format!("; did you mean {c}?"))
                    .unwrap_or_default();
                (
                    i,
                    format!(
                        "`{}` is not a level (very-low, low, medium, high, very-high, or 1–5){hint}",
                        v.trim()
                    ),
                )
            }),
            None => default.ok_or_else(|| (1, format!("no {name} given"))),
        }
    };
    let mut risk = Risk::new("", &title);
    risk.likelihood = level(Column::Risk("likelihood"), options.default_likelihood)?;
    risk.impact = level(Column::Risk("impact"), options.default_impact)?;
    // Every other field by the table: as the cell says, or its default without a column.
    for field in RISK_FIELDS
        .iter()
        .filter(|f| !matches!(f.key, "id" | "title" | "likelihood" | "impact"))
    {
        if let Some((i, v)) = cell(row, Column::Risk(field.key)) {
            read_cell(&mut risk, field, &v).map_err(|m| (i, m))?;
        }
    }
    // A Notes column is kept, after the description (the register has no field of its own).
    if let Some(notes) = text(Column::Notes).filter(|n| !n.trim().is_empty()) {
        risk.description = if risk.description.trim().is_empty() {
            notes
        } else {
            format!("{}\n\nNotes: {notes}", risk.description)
        };
    }
    let taken: Vec<&str> = reg.risks.iter().map(|r| r.id.as_str()).collect();
    let id = match text(Column::Risk("id")) {
        Some(id) => crate::core::id::suggest_id(&id),
        None => crate::core::id::unique_id(&title, &taken),
    };
    if taken.contains(&id.as_str()) {
        let i = cell(row, Column::Risk("id")).map_or(1, |(i, _)| i);
        return Err((
            i,
            format!("risk id `{id}` appears twice in {}", reg.component),
        ));
    }
    risk.id = id;
    reg.risks.push(risk);
    Ok(())
}

/// Reads one cell into a risk's field, as a spreadsheet writes it: a status in the usual words,
/// a list one item per line or separated by `;` or `,` (by lines only for a field whose items
/// are written one per line, as questions are), a number with or without `%`.
fn read_cell(risk: &mut Risk, field: &RiskField, cell: &str) -> Result<(), String> {
    let trimmed = cell.trim();
    match field.slot {
        Slot::Line(_, set) | Slot::Multiline(_, set) => trimmed.clone_into(set(risk)),
        Slot::Level(_, set) => {
            *set(risk) = parse_level(cell, false).ok_or_else(|| {
                format!(
                    "`{trimmed}` is not a level (very-low, low, medium, high, very-high, or 1–5)"
                )
            })?;
        }
        Slot::Status(_, set) => {
            *set(risk) = parse_status(cell).ok_or_else(|| {
                format!("`{trimmed}` is not a status (open, mitigating, mitigated, accepted)")
            })?;
        }
        Slot::List {
            get_mut, separator, ..
        } => {
            *get_mut(risk) = if separator == "\n" {
                cell.split('\n')
                    .map(str::trim)
                    .filter(|q| !q.is_empty())
                    .map(str::to_owned)
                    .collect()
            } else {
                list(trimmed)
            };
        }
        Slot::Date(_, set) => {
            *set(risk) = if trimmed.is_empty() {
                None
            } else {
                Some(
                    Date::parse(trimmed)
                        .ok_or_else(|| format!("`{trimmed}` is not a date (YYYY-MM-DD)"))?,
                )
            };
        }
        Slot::Number { get_mut, .. } => *get_mut(risk) = number(cell)?,
        Slot::Rehearsals(_, get_mut) => {
            for line in cell.split('\n').filter(|l| !l.trim().is_empty()) {
                get_mut(risk).push(crate::model::Rehearsal::parse_line(line)?);
            }
        }
        Slot::FollowUps(_, get_mut) => {
            for line in cell.split('\n').filter(|l| !l.trim().is_empty()) {
                get_mut(risk).push(crate::model::FollowUp::parse_line(line)?);
            }
        }
    }
    Ok(())
}

/// Reads CSV or TSV text: the separator (`,`, `;` or tab) is the one the header row uses most;
/// a BOM, CRLF, quoted separators and newlines are handled. Rows come with their line numbers.
pub fn csv_rows(text: &str) -> Result<Rows, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let separator = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|s| first.bytes().filter(|b| b == s).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        // The workbook limits hold for CSV too: cells past the last one with a value are not
        // kept (a line of a million separators is an empty row), and a sheet past a limit is
        // refused.
        let used = record
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .last()
            .map_or(0, |(i, _)| i + 1);
        if used > MAX_COLUMNS {
            return Err(format!(
                "too large: a value in column {used} (limit {MAX_COLUMNS} columns)"
            ));
        }
        if rows.len() >= MAX_ROWS {
            return Err(format!(
                "too large: more than {MAX_ROWS} rows (limit {MAX_ROWS} rows)"
            ));
        }
        if let Some(cell) = record.iter().find(|c| c.len() > MAX_CELL_BYTES) {
            return Err(format!(
                "too large: a cell of {} bytes at line {line} (limit {} MiB a cell)",
                cell.len(),
                MAX_CELL_BYTES / (1024 * 1024)
            ));
        }
        rows.push((
            line,
            record
                .iter()
                .take(used)
                .map(|c| c.replace("\r\n", "\n"))
                .collect(),
        ));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_with_synonyms() {
        assert_eq!(column_of("Failure mode"), Some(Column::Risk("title")));
        assert_eq!(column_of(" SERVICE "), Some(Column::Component));
        assert_eq!(
            column_of("Users affected (%)"),
            Some(Column::Risk("users_affected_percent"))
        );
        assert_eq!(column_of("Colour"), None);
    }

    #[test]
    fn levels_from_words_and_numbers() {
        assert_eq!(parse_level("H", false), Some(Level::High));
        assert_eq!(parse_level("very high", false), Some(Level::VeryHigh));
        assert_eq!(parse_level("4", false), Some(Level::High));
        assert_eq!(parse_level("3", true), Some(Level::High));
        assert_eq!(parse_level("hihg", false), None);
    }

    #[test]
    fn formula_cells_round_trip() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-rf",
            "@SUM",
            "plain",
            "'quoted",
        ] {
            assert_eq!(unescape_formula(&escape_formula(cell)), cell);
        }
        assert_eq!(escape_formula("=1+1"), "'=1+1");
    }
}
