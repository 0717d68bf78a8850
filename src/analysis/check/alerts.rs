//! Detection as code: every alert a risk names must be defined in the monitoring config, and
//! every alert defined should be named by a risk; alerts' runbook links are checked like risks'.

use super::{FileCheck, RiskName, resolve_link};
use crate::finding::{Finding, Pos};
use crate::model::Register;
use crate::monitoring::{AlertDef, Inventory, Resolution, Source};
use crate::sanitize::sanitize;
use crate::store::Workspace;
use std::collections::BTreeMap;

/// How many uncovered alerts one finding lists by name.
const LISTED: usize = 8;

impl FileCheck<'_> {
    /// The alerts one risk names: missing (with the closest name), matched only by a pattern,
    /// defined by several sources, or linking another runbook than the risk.
    pub(super) fn alerts(&mut self, reg: &Register, index: usize) {
        let Some(inventory) = self.ws.monitoring.clone() else {
            return;
        };
        let risk = &reg.risks[index];
        let risk_name = RiskName(&reg.component, &risk.id);
        for (j, reference) in risk.alerts.iter().enumerate() {
            // Spelled out only for a finding: most names resolve.
            let at = || format!("risks/{index}/alerts/{j}");
            let shown = sanitize(reference);
            match inventory.resolve(reference) {
                Resolution::Found(defs) => {
                    let mut sources: Vec<Source> = defs.iter().map(|d| d.source).collect();
                    sources.sort();
                    sources.dedup();
                    if sources.len() > 1 {
                        self.warning(
                            &at(),
                            "alert-ambiguous",
                            format!(
                                "alert `{shown}` is defined by {}: prefix it with its source (`{}:{shown}`) to say which",
                                places(&defs),
                                sources[0].name()
                            ),
                        );
                    }
                    self.runbook_agrees(&inventory, risk_name, &risk.runbook, &at, &defs);
                }
                Resolution::Pattern(defs) => self.warning(
                    &at(),
                    "alert-pattern",
                    format!(
                        "alert `{shown}` matches only {}, a name built from variables at deploy time: it cannot be checked exactly",
                        defs.iter()
                            .map(|d| format!("the pattern `{}` ({})", sanitize(&d.name), d.location()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                Resolution::Missing(closest) => {
                    let why = if inventory.files_scanned == 0 {
                        "no monitoring config was found (set `[monitoring] paths` in faultline.toml)".to_owned()
                    } else {
                        format!(
                            "it is not defined in the monitoring config ({} alerts in {} files read)",
                            inventory.alerts.len(),
                            inventory.files_scanned
                        )
                    };
                    let hint = closest
                        .map(|d| {
                            format!(
                                "; did you mean `{}` ({}, {})?",
                                sanitize(&d.name),
                                d.source.name(),
                                d.location()
                            )
                        })
                        .unwrap_or_default();
                    self.error(
                        &at(),
                        "alert-missing",
                        format!("risk `{risk_name}` names alert `{shown}`, but {why}{hint}"),
                    );
                }
            }
        }
    }

    /// A risk and the alert it names should send a person to the same runbook file.
    fn runbook_agrees(
        &mut self,
        inventory: &Inventory,
        risk_name: RiskName<'_>,
        risk_runbook: &str,
        at: &dyn Fn() -> String,
        defs: &[&AlertDef],
    ) {
        let risk_file = file_part(risk_runbook);
        if risk_file.is_empty() {
            return;
        }
        for def in defs {
            let Some(local) = alert_runbook(inventory, def) else {
                continue;
            };
            if file_part(&local) != risk_file {
                self.warning(
                    &at(),
                    "alert-runbook-mismatch",
                    format!(
                        "risk `{risk_name}` links `{}` but its alert `{}` ({}) links `{}`: a person paged by the alert lands elsewhere",
                        sanitize(risk_runbook),
                        sanitize(&def.name),
                        def.location(),
                        sanitize(&local)
                    ),
                );
                return;
            }
        }
    }
}

fn file_part(link: &str) -> &str {
    link.split_once('#').map_or(link, |(f, _)| f)
}

/// An alert's runbook URL as a path in this repository, when it is one.
fn alert_runbook(inventory: &Inventory, def: &AlertDef) -> Option<String> {
    let url = def.runbook_url.as_deref()?;
    let dir = def.path.rsplit_once('/').map_or("", |(d, _)| d);
    inventory.config.local_runbook(dir, url)
}

/// `prometheus (a.yml:3) and cloudwatch (b.tf:9)`.
fn places(defs: &[&AlertDef]) -> String {
    let parts: Vec<String> = defs
        .iter()
        .map(|d| format!("{} ({})", d.source.name(), d.location()))
        .collect();
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.join(""),
    }
}

/// Findings about the monitoring config itself: files that could not be read, runbook URLs
/// into this repository that do not resolve, and alerts no risk names (one finding per file).
pub(super) fn inventory(ws: &Workspace, findings: &mut Vec<Finding>) {
    let Some(inventory) = ws.monitoring.as_deref() else {
        return;
    };
    findings.extend(inventory.problems.iter().cloned());
    // On all cores: thousands of runbook URLs to resolve.
    let broken = crate::parallel::map(&inventory.alerts, |def| {
        let local = alert_runbook(inventory, def)?;
        let (rule, message) = resolve_link(ws, "", &local).err()?;
        Some(Finding::error(
            &def.path,
            def.runbook_pos,
            rule,
            format!("alert `{}`'s runbook_url: {message}", sanitize(&def.name)),
        ))
    });
    findings.extend(broken.into_iter().flatten());
    let registers: Vec<&crate::model::Register> = ws.registers().collect();
    let named = inventory.named(&registers);
    let ignore = inventory.config.compile();
    let mut uncovered: BTreeMap<&str, Vec<&AlertDef>> = BTreeMap::new();
    for (def, named) in inventory.alerts.iter().zip(named) {
        if !named && !ignore.ignores_alert(&def.name) {
            uncovered.entry(def.path.as_str()).or_default().push(def);
        }
    }
    for (path, defs) in uncovered {
        let mut names: Vec<String> = defs
            .iter()
            .take(LISTED)
            .map(|d| format!("`{}` (line {})", sanitize(&d.name), d.line))
            .collect();
        if defs.len() > LISTED {
            names.push(format!("and {} more", defs.len() - LISTED));
        }
        let count = if defs.len() == 1 {
            "1 alert".to_owned()
        } else {
            format!("{} alerts", defs.len())
        };
        findings.push(Finding::warning(
            path,
            Pos {
                line: defs[0].line,
                column: defs[0].column,
            },
            "alert-uncovered",
            format!(
                "{count} no risk names: {} (name {} in a risk's `alerts`, or add {} to `ignore` in faultline.toml)",
                names.join(", "),
                if defs.len() == 1 { "it" } else { "them" },
                if defs.len() == 1 { "it" } else { "them" }
            ),
        ));
    }
}
