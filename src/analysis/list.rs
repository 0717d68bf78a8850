//! `faultline list`: the register as rows, sorted, as an 80-column table, CSV or JSON.

use crate::model::{Band, Level, Register, Risk, Status};
use crate::sanitize::sanitize;
use crate::store::Workspace;
use serde::Serialize;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
/// The orders `list` sorts by.
pub enum ListSort {
    /// Highest score first
    Score,
    /// By component, then score
    Component,
    /// Least recently rehearsed first (never rehearsed at the top)
    Rehearsed,
    /// Largest share of the component's error budget first (expected bad minutes a year)
    Budget,
    /// Least ready first (`faultline readiness`), then highest score
    Readiness,
    /// The risks still to act on by score, then the accepted ones apart, soonest to expire
    /// first (none set at the top)
    Accepted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
/// What `list` writes.
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

/// One risk as a row of the register.
#[derive(Debug, Clone, Serialize)]
pub struct Row<'a> {
    /// The repository and its team, over an organisation (`faultline org list`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<&'a str>,
    pub reference: String,
    pub component: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub score: u8,
    pub band: Band,
    pub likelihood: Level,
    pub impact: Level,
    pub status: Status,
    /// An accepted risk's end of acceptance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_until: Option<String>,
    pub detection: &'a str,
    pub mitigation: &'a str,
    pub runbook: &'a str,
    pub last_rehearsed: Option<String>,
    /// The estimated minutes to detect and to repair.
    pub ettd_minutes: Option<f64>,
    pub ettr_minutes: Option<f64>,
    /// The latest rehearsal's measured minutes to detect and to repair, beside the estimate.
    pub measured_detect_minutes: Option<f64>,
    pub measured_repair_minutes: Option<f64>,
    /// The latest measurement is more than twice the estimate.
    pub measured_over_estimate: bool,
    pub bad_minutes_per_year: Option<f64>,
    /// Of the component's error budget, 0–1 (and more when one risk alone exceeds it).
    pub budget_share: Option<f64>,
    /// 0–100: see `readiness`.
    pub readiness: u32,
}

impl<'a> Row<'a> {
    fn new(reg: &'a Register, risk: &'a Risk, readiness: u32) -> Row<'a> {
        Row {
            repo: None,
            team: None,
            reference: format!("{}/{}", reg.component, risk.id),
            component: &reg.component,
            id: &risk.id,
            title: &risk.title,
            score: risk.score(),
            band: risk.band(),
            likelihood: risk.likelihood,
            impact: risk.impact,
            status: risk.status,
            accepted_until: risk.accepted_until.map(|d| d.to_string()),
            detection: &risk.detection,
            mitigation: &risk.mitigation,
            runbook: &risk.runbook,
            last_rehearsed: risk.last_rehearsed.map(|d| d.to_string()),
            ettd_minutes: risk.estimate.ettd_minutes.map(|n| n.0),
            ettr_minutes: risk.estimate.ettr_minutes.map(|n| n.0),
            measured_detect_minutes: risk
                .latest_rehearsal()
                .and_then(|r| r.detect_minutes)
                .map(|n| n.0),
            measured_repair_minutes: risk
                .latest_rehearsal()
                .and_then(|r| r.repair_minutes)
                .map(|n| n.0),
            measured_over_estimate: !risk.measured_over_estimate().is_empty(),
            bad_minutes_per_year: risk.estimate.bad_minutes_per_year(),
            budget_share: reg.budget_share(risk),
            readiness,
        }
    }
}

/// Every risk of every loaded register, in the requested order.
pub fn rows(ws: &Workspace, sort: ListSort) -> Vec<Row<'_>> {
    let today = crate::clock::today();
    let mut rows: Vec<Row<'_>> = ws
        .components
        .iter()
        .filter_map(|c| c.register())
        .flat_map(|reg| {
            reg.risks.iter().map(move |risk| {
                let ready = crate::readiness::of_risk(ws, reg, risk, today).readiness;
                Row::new(reg, risk, ready)
            })
        })
        .collect();
    let by_score = |a: &Row<'_>, b: &Row<'_>| b.score.cmp(&a.score);
    match sort {
        ListSort::Score => {
            rows.sort_by(|a, b| by_score(a, b).then_with(|| a.reference.cmp(&b.reference)));
        }
        ListSort::Component => {
            rows.sort_by(|a, b| a.component.cmp(b.component).then_with(|| by_score(a, b)));
        }
        // `None` (never rehearsed) sorts before every date.
        ListSort::Budget => rows.sort_by(|a, b| {
            b.budget_share
                .unwrap_or(-1.0)
                .total_cmp(&a.budget_share.unwrap_or(-1.0))
                .then_with(|| by_score(a, b))
                .then_with(|| a.reference.cmp(&b.reference))
        }),
        ListSort::Readiness => rows.sort_by(|a, b| {
            a.readiness
                .cmp(&b.readiness)
                .then_with(|| by_score(a, b))
                .then_with(|| a.reference.cmp(&b.reference))
        }),
        ListSort::Accepted => rows.sort_by(|a, b| {
            let accepted = |r: &Row<'_>| r.status == crate::model::Status::Accepted;
            accepted(a)
                .cmp(&accepted(b))
                .then_with(|| {
                    if accepted(a) {
                        a.accepted_until.cmp(&b.accepted_until)
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
                .then_with(|| by_score(a, b))
                .then_with(|| a.reference.cmp(&b.reference))
        }),
        ListSort::Rehearsed => rows.sort_by(|a, b| {
            a.last_rehearsed
                .cmp(&b.last_rehearsed)
                .then_with(|| by_score(a, b))
                .then_with(|| a.reference.cmp(&b.reference))
        }),
    }
    rows
}

/// Writes the rows. `terminal` is whether the output is a terminal: text from files is then
/// sanitised in every format, and the table fits `width` columns (at least 80). Into a file or
/// a pipe, the table's rows are whole. Sorted by rehearsal, the table shows the rehearsal
/// columns in the budget's place.
pub fn write(
    out: &mut dyn Write,
    rows: &[Row<'_>],
    format: ListFormat,
    sort: ListSort,
    terminal: bool,
    width: Option<usize>,
) -> io::Result<()> {
    match format {
        ListFormat::Table => write_table(
            out,
            rows,
            terminal.then(|| width.unwrap_or(TABLE_WIDTH)),
            sort,
        ),
        ListFormat::Csv => write_csv(out, rows, terminal),
        ListFormat::Json => {
            // C0 escaped by serde_json, C1 and bidi controls by the safe formatter.
            crate::sanitize::write_json_pretty(&mut *out, rows)?;
            writeln!(out)
        }
    }
}

/// Table width on the narrowest terminal.
const TABLE_WIDTH: usize = 80;
const RISK_WIDTH: usize = 30;
/// The title keeps this much room when the reference would take it all.
const MIN_TITLE_WIDTH: usize = 12;

/// The table. `width`: the terminal's columns (the table fits them; never under 80); `None`:
/// not a terminal, every row whole. Sorted by rehearsal, the rehearsal columns (the date, and
/// the latest measured minutes to detect/repair beside the estimate) take the budget's place;
/// sorted by readiness, the readiness does.
fn write_table(
    out: &mut dyn Write,
    rows: &[Row<'_>],
    width: Option<usize>,
    sort: ListSort,
) -> io::Result<()> {
    let rehearsed = sort == ListSort::Rehearsed;
    let longest = rows
        .iter()
        .map(|r| sanitize(&r.reference).width())
        .max()
        .unwrap_or(0)
        .max(4);
    // SCORE BAND L×I STATUS (BUDGET | REHEARSED MEASURED) RISK TITLE: fixed columns, the
    // title takes the rest.
    let middle = if rehearsed {
        REHEARSED_WIDTH + 1 + MEASURED_WIDTH
    } else {
        6
    };
    // Over an organisation, the team leads each row (the reference holds the repository).
    let team_width = rows
        .iter()
        .filter_map(|r| r.team)
        .map(|t| sanitize(t).width())
        .max()
        .map_or(0, |w| w.clamp(4, 14) + 1);
    let fixed = team_width + 5 + 1 + 4 + 1 + 3 + 1 + 10 + 1 + middle + 1 + 1;
    let (risk_width, title_width) = match width {
        Some(width) => {
            let width = width.max(TABLE_WIDTH);
            // Wider terminals give the reference room first (up to whole), then the title.
            let risk = longest
                .min((width - fixed) / 2)
                .max(RISK_WIDTH.min(longest))
                .min(width - fixed - MIN_TITLE_WIDTH);
            (risk, width - fixed - risk)
        }
        None => (longest, usize::MAX),
    };
    let header = if rehearsed {
        format!(
            "{} {}",
            pad("REHEARSED", REHEARSED_WIDTH),
            pad("MEASURED", MEASURED_WIDTH)
        )
    } else if sort == ListSort::Readiness {
        " READY".to_owned()
    } else {
        "BUDGET".to_owned()
    };
    let team = |t: &str| {
        if team_width == 0 {
            String::new()
        } else {
            format!(
                "{} ",
                pad(&truncate(&sanitize(t), team_width - 1), team_width - 1)
            )
        }
    };
    writeln!(
        out,
        "{}SCORE BAND L×I STATUS     {header} {} TITLE",
        team("TEAM"),
        pad("RISK", risk_width)
    )?;
    for row in rows {
        let middle = if rehearsed {
            format!(
                "{} {}",
                pad(
                    row.last_rehearsed.as_deref().unwrap_or("never"),
                    REHEARSED_WIDTH
                ),
                pad(&measured(row), MEASURED_WIDTH)
            )
        } else if sort == ListSort::Readiness {
            format!("{:>6}", row.readiness)
        } else {
            format!(
                "{:>6}",
                row.budget_share
                    .map_or_else(|| "—".to_owned(), |s| format!("{:.0}%", s * 100.0))
            )
        };
        writeln!(
            out,
            "{}{:>5} {} {}×{} {:<10} {middle} {} {}",
            team(row.team.unwrap_or("")),
            row.score,
            row.band.marker(),
            row.likelihood.value(),
            row.impact.value(),
            row.status.name(),
            pad(&truncate(&sanitize(&row.reference), risk_width), risk_width),
            truncate(&sanitize(row.title), title_width).trim_end()
        )?;
    }
    Ok(())
}

const REHEARSED_WIDTH: usize = 10;
const MEASURED_WIDTH: usize = 13;

/// The latest measured minutes to detect/repair against the estimate: `4/12 of 10/20`, `!` when
/// more than twice the estimate, `—` never measured.
fn measured(row: &Row<'_>) -> String {
    let n = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v}"));
    if row.measured_detect_minutes.is_none() && row.measured_repair_minutes.is_none() {
        return "—".to_owned();
    }
    let text = format!(
        "{}/{} of {}/{}",
        n(row.measured_detect_minutes),
        n(row.measured_repair_minutes),
        n(row.ettd_minutes),
        n(row.ettr_minutes)
    );
    let text = if row.measured_over_estimate {
        format!("!{text}")
    } else {
        text
    };
    truncate(&text, MEASURED_WIDTH)
}

fn write_csv(out: &mut dyn Write, rows: &[Row<'_>], terminal: bool) -> io::Result<()> {
    let org = rows.iter().any(|r| r.repo.is_some());
    writeln!(
        out,
        "{}reference,component,id,title,score,band,likelihood,impact,status,detection,mitigation,runbook,last_rehearsed,ettd_minutes,ettr_minutes,measured_detect_minutes,measured_repair_minutes,readiness",
        if org { "repo,team," } else { "" }
    )?;
    let n = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for row in rows {
        let lead = [row.repo.unwrap_or(""), row.team.unwrap_or("")];
        let fields = [
            row.reference.as_str(),
            row.component,
            row.id,
            row.title,
            &row.score.to_string(),
            row.band.name(),
            row.likelihood.name(),
            row.impact.name(),
            row.status.name(),
            row.detection,
            row.mitigation,
            row.runbook,
            row.last_rehearsed.as_deref().unwrap_or(""),
            &n(row.ettd_minutes),
            &n(row.ettr_minutes),
            &n(row.measured_detect_minutes),
            &n(row.measured_repair_minutes),
            &row.readiness.to_string(),
        ];
        // A data format is no excuse to carry an escape sequence: controls become placeholders
        // wherever the CSV goes; newlines stay inside quoted fields off a terminal.
        let cells = lead[..if org { 2 } else { 0 }]
            .iter()
            .chain(&fields)
            .map(|f| {
                if terminal {
                    csv_field(&crate::import::escape_formula(&sanitize(f)))
                } else {
                    csv_cell(f)
                }
            });
        writeln!(out, "{}", cells.collect::<Vec<_>>().join(","))?;
    }
    Ok(())
}

/// A cell of file text for a CSV file: controls become placeholders (newlines kept), a cell a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`…) is escaped, and the field quoted as
/// needed. `list` and `export` write every text cell through this.
pub fn csv_cell(text: &str) -> String {
    csv_field(&crate::import::escape_formula(
        &crate::sanitize::sanitize_keep_newlines(text),
    ))
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

pub use crate::core::text::truncate;

/// Pads `text` with spaces to `width` columns.
fn pad(text: &str, width: usize) -> String {
    let w = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly-10", 10), "exactly-10");
        assert_eq!(truncate("much longer than ten", 10), "much long…");
        assert_eq!(truncate("日本語テキスト", 7).width(), 7);
    }

    fn table(width: Option<usize>) -> String {
        sorted_table(width, false)
    }

    fn sorted_table(width: Option<usize>, rehearsed: bool) -> String {
        let ws = Workspace::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let rows = rows(&ws, ListSort::Score);
        let mut out = Vec::new();
        let sort = if rehearsed {
            ListSort::Rehearsed
        } else {
            ListSort::Score
        };
        write_table(&mut out, &rows, width, sort).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_table_fits_the_terminal_and_is_whole_in_a_pipe() {
        for width in [80, 100, 120] {
            for rehearsed in [false, true] {
                let text = sorted_table(Some(width), rehearsed);
                assert!(text.lines().all(|l| l.width() <= width), "{width}: {text}");
            }
        }
        assert!(table(Some(80)).contains('…'), "long titles are cut at 80");
        let wide = table(Some(200));
        assert!(!wide.contains('…'), "{wide}");
        let piped = table(None);
        assert!(!piped.contains('…'));
        assert!(piped.contains("Application does not reconnect after a failover"));
        assert!(piped.lines().any(|l| l.width() > 80));
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(1,2)", "\"'@SUM(1,2)\""),
            ("plain", "plain"),
        ] {
            assert_eq!(csv_cell(cell), want);
        }
    }

    #[test]
    fn csv_quotes_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
