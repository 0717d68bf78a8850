//! `faultline alerts`: the inventory of alerts defined in the repository's monitoring config,
//! the risks that name each, and how many are covered.

use crate::monitoring::{AlertDef, Inventory};
use crate::sanitize::sanitize;
use crate::store::Workspace;
use serde::Serialize;
use std::fmt::Write as _;

/// One alert with the risks (`component/id`) that name it.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    #[serde(flatten)]
    pub alert: &'a AlertDef,
    pub risks: Vec<String>,
    /// Left out of the coverage by `ignore` in faultline.toml.
    pub ignored: bool,
}

#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub files_scanned: usize,
    pub alerts: Vec<Row<'a>>,
    /// Alerts named by a risk, of those not ignored.
    pub covered: usize,
    pub counted: usize,
    /// `covered / counted`, as a percentage; 100 when there is nothing to cover.
    pub coverage_percent: f64,
    /// Files that could not be read.
    pub problems: &'a [crate::finding::Finding],
}

impl<'a> Report<'a> {
    /// The inventory joined with the risks that name each alert.
    pub fn new(ws: &Workspace, inventory: &'a Inventory) -> Report<'a> {
        let named_by = inventory.named_by(ws.registers());
        let ignore = inventory.config.compile();
        let alerts: Vec<Row<'_>> = inventory
            .alerts
            .iter()
            .zip(named_by)
            .map(|(alert, risks)| Row {
                alert,
                risks: risks.iter().map(|(c, r)| format!("{c}/{r}")).collect(),
                ignored: ignore.ignores_alert(&alert.name),
            })
            .collect();
        let counted = alerts.iter().filter(|r| !r.ignored).count();
        let covered = alerts
            .iter()
            .filter(|r| !r.ignored && !r.risks.is_empty())
            .count();
        #[allow(clippy::cast_precision_loss)] // counts of alerts
        let coverage_percent = if counted == 0 {
            100.0
        } else {
            (covered as f64 * 1000.0 / counted as f64).round() / 10.0
        };
        Report {
            files_scanned: inventory.files_scanned,
            alerts,
            covered,
            counted,
            coverage_percent,
            problems: &inventory.problems,
        }
    }

    /// Keeps only the alerts no risk names (and `ignore` does not excuse).
    pub fn only_uncovered(&mut self) {
        self.alerts.retain(|r| r.risks.is_empty() && !r.ignored);
    }

    /// A table for people: source, name (`~` marks a pattern), where, its `runbook_url`, the
    /// risks naming it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let name_width = self
            .alerts
            .iter()
            .map(|r| display_name(r.alert).chars().count())
            .max()
            .unwrap_or(5)
            .clamp(5, 48);
        let place_width = self
            .alerts
            .iter()
            .map(|r| r.alert.location().chars().count())
            .max()
            .unwrap_or(10)
            .clamp(10, 56);
        let runbook = |r: &Row<'_>| {
            r.alert
                .runbook_url
                .as_deref()
                .map_or_else(|| "—".to_owned(), |u| sanitize(u).into_owned())
        };
        let runbook_width = self
            .alerts
            .iter()
            .map(|r| runbook(r).chars().count())
            .max()
            .unwrap_or(11)
            .clamp(11, 64);
        if !self.alerts.is_empty() {
            let _ = writeln!(
                out,
                "{:<10}  {:<name_width$}  {:<place_width$}  {:<runbook_width$}  RISKS",
                "SOURCE", "ALERT", "DEFINED AT", "RUNBOOK_URL"
            );
        }
        for row in &self.alerts {
            let risks = if row.risks.is_empty() {
                if row.ignored { "(ignored)" } else { "—" }.to_owned()
            } else {
                row.risks.join(", ")
            };
            let _ = writeln!(
                out,
                "{:<10}  {:<name_width$}  {:<place_width$}  {:<runbook_width$}  {}",
                row.alert.source.name(),
                crate::list::truncate(&display_name(row.alert), name_width),
                crate::list::truncate(&sanitize(&row.alert.location()), place_width),
                crate::list::truncate(&runbook(row), runbook_width),
                sanitize(&risks)
            );
        }
        let patterns = self.alerts.iter().filter(|r| r.alert.pattern).count();
        let _ = writeln!(
            out,
            "{} in {} read; {} of {} named by a risk ({}%){}",
            plural(self.alerts.len(), "alert"),
            plural(self.files_scanned, "file"),
            self.covered,
            self.counted,
            self.coverage_percent,
            if patterns > 0 {
                let noun = if patterns == 1 { "name" } else { "names" };
                format!("; ~ marks {patterns} {noun} built from variables (patterns)")
            } else {
                String::new()
            }
        );
        for problem in self.problems {
            let _ = writeln!(out, "not read: {problem}");
        }
        out
    }
}

fn display_name(alert: &AlertDef) -> String {
    let name = sanitize(&alert.name);
    if alert.pattern {
        format!("~{name}")
    } else {
        name.into_owned()
    }
}

/// `1 alert`, `2 alerts`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
