//! Readiness: how ready the team is for each risk, from facts the register already has, decaying
//! with time. A risk starts from its latest rehearsal's age — 100 within 90 days, 75 within 180,
//! 50 after, 0 never rehearsed — and loses 25 for each of: its latest measured rehearsal did not
//! get through the runbook (steps done < steps), its runbook link is missing or broken, and (when
//! the workspace has monitoring config) it names no alert or one the config does not define. A
//! component's readiness is its risks' weighted by their score (likelihood × impact), so a
//! critical risk counts twenty-five times a very-low one; the workspace's likewise over every
//! risk. An action closes one risk's first gap (rehearse it, fix its runbook, name its alerts);
//! the ones suggested are those that would raise the workspace's figure most.

use crate::model::{Register, Risk};
use crate::store::Workspace;
use jiff::civil::Date;
use serde::Serialize;

/// Days within which a rehearsal counts in full, and after which it counts half.
const FRESH_DAYS: i32 = 90;
const STALE_DAYS: i32 = 180;
/// What each missing fact costs.
const PENALTY: u32 = 25;

/// One risk's readiness and what holds it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskReadiness {
    pub component: String,
    pub id: String,
    pub score: u32,
    pub readiness: u32,
    /// What lowers it, worst first ("never rehearsed", "rehearsed 200 days ago", …).
    pub gaps: Vec<String>,
}

/// One component's readiness (weighted by its risks' scores).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentReadiness {
    pub component: String,
    pub readiness: u32,
    pub risks: Vec<RiskReadiness>,
    /// The categories none of its risks is in (once the workspace categorises its risks):
    /// each costs `UNCONSIDERED` points.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unconsidered: Vec<String>,
}

/// What a component's readiness loses for each category its risks never consider.
pub const UNCONSIDERED: u32 = 5;

/// An action and what it would add: to its component's readiness and to the workspace's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub action: String,
    pub component: String,
    pub component_gain: f64,
    pub workspace_gain: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub readiness: u32,
    pub components: Vec<ComponentReadiness>,
    pub actions: Vec<Action>,
}

/// A risk's readiness on `today`.
pub fn of_risk(ws: &Workspace, reg: &Register, risk: &Risk, today: Date) -> RiskReadiness {
    let mut gaps = Vec::new();
    let base: u32 = match risk.last_rehearsed {
        None => {
            gaps.push("never rehearsed".to_owned());
            0
        }
        Some(date) => {
            let days = (today - date.0).get_days();
            if days <= FRESH_DAYS {
                100
            } else {
                gaps.push(format!("rehearsed {days} days ago"));
                if days <= STALE_DAYS { 75 } else { 50 }
            }
        }
    };
    let mut penalties = 0;
    if let Some(r) = risk.latest_rehearsal()
        && let (Some(done), Some(total)) = (r.steps_done, r.steps_total)
        && done.0 < total.0
    {
        penalties += PENALTY;
        gaps.push(format!(
            "its last rehearsal got through {done} of {total} runbook steps"
        ));
    }
    if risk.runbook.trim().is_empty() {
        penalties += PENALTY;
        gaps.push("no runbook".to_owned());
    } else if let Err((_, why)) = crate::check::resolve_link(ws, "", risk.runbook.trim()) {
        penalties += PENALTY;
        gaps.push(format!("its runbook link is broken ({why})"));
    }
    if let Some(inventory) = ws.monitoring.as_deref().filter(|i| !i.alerts.is_empty()) {
        if risk.alerts.is_empty() {
            penalties += PENALTY;
            gaps.push("names no alert".to_owned());
        } else if let Some(missing) = risk.alerts.iter().find(|a| {
            matches!(
                inventory.resolve(a),
                crate::monitoring::Resolution::Missing(_)
            )
        }) {
            penalties += PENALTY;
            gaps.push(format!("its alert {missing} is not defined"));
        }
    }
    RiskReadiness {
        component: reg.component.clone(),
        id: risk.id.clone(),
        score: u32::from(risk.score()),
        readiness: base.saturating_sub(penalties),
        gaps,
    }
}

/// The workspace's readiness on each of `dates` (in the past): each risk's rehearsal counted as
/// of that date (its latest rehearsal then, from `last_rehearsed` and `rehearsals`), its other
/// gaps (runbook, alerts) as they are `today`, weighted by score as `report` does.
pub fn history(ws: &Workspace, dates: &[Date], today: Date) -> Vec<u32> {
    let mut sums = vec![(0u64, 0u64); dates.len()];
    for reg in ws.registers() {
        for risk in &reg.risks {
            let now = of_risk(ws, reg, risk, today);
            let others = now.gaps.iter().filter(|g| !is_rehearsal_gap(g)).count();
            let penalties = u32::try_from(others)
                .unwrap_or(u32::MAX)
                .saturating_mul(PENALTY);
            for (sum, date) in sums.iter_mut().zip(dates) {
                let latest = risk
                    .rehearsals
                    .iter()
                    .map(|r| r.date)
                    .chain(risk.last_rehearsed)
                    .filter(|d| d.0 <= *date)
                    .max();
                let base: u32 = match latest {
                    None => 0,
                    Some(d) => match (*date - d.0).get_days() {
                        days if days <= FRESH_DAYS => 100,
                        days if days <= STALE_DAYS => 75,
                        _ => 50,
                    },
                };
                let readiness = base.saturating_sub(penalties);
                sum.0 += u64::from(now.score) * u64::from(readiness);
                sum.1 += u64::from(now.score);
            }
        }
    }
    sums.into_iter().map(percent).collect()
}

/// Readiness weighted by score: (Σ score × readiness, Σ score).
/// The readiness of any set of risks (a team's, a repository's), weighted by score.
pub fn overall<'a>(risks: impl IntoIterator<Item = &'a RiskReadiness>) -> u32 {
    percent(weighted(risks))
}

fn weighted<'a>(risks: impl IntoIterator<Item = &'a RiskReadiness>) -> (u64, u64) {
    risks.into_iter().fold((0, 0), |(sum, total), r| {
        (
            sum + u64::from(r.score) * u64::from(r.readiness),
            total + u64::from(r.score),
        )
    })
}

#[allow(clippy::cast_possible_truncation)] // at most 100
fn percent((sum, total): (u64, u64)) -> u32 {
    // No risk weighs anything: nothing is unready.
    (sum + total / 2)
        .checked_div(total)
        .map_or(100, |p| p as u32)
}

/// Whether a gap is about the rehearsal's age (closed by rehearsing).
fn is_rehearsal_gap(gap: &str) -> bool {
    gap.starts_with("never rehearsed") || gap.starts_with("rehearsed ")
}

/// The risk's readiness once its first gap is closed: rehearsed today (the other gaps still
/// cost their 25), or one penalty fewer.
fn after_action(r: &RiskReadiness) -> u32 {
    match r.gaps.first() {
        Some(g) if is_rehearsal_gap(g) => {
            let others = u32::try_from(r.gaps.len() - 1).unwrap_or(u32::MAX);
            100u32.saturating_sub(others.saturating_mul(PENALTY))
        }
        Some(_) => (r.readiness + PENALTY).min(100),
        None => r.readiness,
    }
}

/// A component's readiness on `today`: its risks', weighted by score, less `UNCONSIDERED`
/// for each category none of them is in (once the workspace categorises its risks).
pub fn of_component(ws: &Workspace, reg: &Register, today: Date) -> ComponentReadiness {
    of_component_in(ws, reg, today, &ws.category_names())
}

/// `of_component` with the workspace's categories worked out once (`Workspace::category_names`),
/// for a caller that asks for many components.
pub fn of_component_in(
    ws: &Workspace,
    reg: &Register,
    today: Date,
    (categories, used): &(Vec<String>, bool),
) -> ComponentReadiness {
    let risks: Vec<RiskReadiness> = reg
        .risks
        .iter()
        .map(|risk| of_risk(ws, reg, risk, today))
        .collect();
    let unconsidered: Vec<String> = if *used {
        categories
            .iter()
            .filter(|c| !reg.risks.iter().any(|r| r.in_category(c)))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let cost = u32::try_from(unconsidered.len())
        .unwrap_or(u32::MAX)
        .saturating_mul(UNCONSIDERED);
    ComponentReadiness {
        component: reg.component.clone(),
        readiness: percent(weighted(&risks)).saturating_sub(cost),
        risks,
        unconsidered,
    }
}

impl ComponentReadiness {
    /// How many of its risks are below 100.
    pub fn not_ready(&self) -> usize {
        self.risks.iter().filter(|r| r.readiness < 100).count()
    }
}

/// The action that closes a risk's first gap.
fn action_for(r: &RiskReadiness) -> String {
    let name = format!("{}/{}", r.component, r.id);
    match r.gaps.first().map(String::as_str) {
        Some(g) if is_rehearsal_gap(g) => {
            format!("rehearse {name} ({g})")
        }
        Some(g) if g.contains("runbook steps") => format!("fix the runbook of {name} ({g})"),
        Some(g) if g.contains("runbook") => format!("link a working runbook from {name} ({g})"),
        Some(g) => format!("name the alerts of {name} ({g})"),
        None => format!("keep {name} rehearsed"),
    }
}

/// The workspace's readiness on `today`: every component's (lowest first), and the `top`
/// actions that would raise the workspace's most.
#[allow(clippy::cast_precision_loss)] // scores and readiness, far below 2^52
pub fn report(ws: &Workspace, today: Date, top: usize) -> Report {
    let categories = ws.category_names();
    let mut components: Vec<ComponentReadiness> = ws
        .registers()
        .filter(|reg| !reg.risks.is_empty())
        .map(|reg| of_component_in(ws, reg, today, &categories))
        .collect();
    components.sort_by(|a, b| {
        a.readiness
            .cmp(&b.readiness)
            .then_with(|| a.component.cmp(&b.component))
    });
    let all = weighted(components.iter().flat_map(|c| &c.risks));
    let mut actions: Vec<Action> = components
        .iter()
        .flat_map(|c| {
            let (_, total) = weighted(&c.risks);
            c.risks
                .iter()
                .filter(|r| after_action(r) > r.readiness)
                .map(move |r| {
                    let deficit = f64::from(r.score) * f64::from(after_action(r) - r.readiness);
                    // Tenths for a component; hundredths for the workspace, where one risk of
                    // 20,000 moves the figure by a few.
                    let round = |x: f64, to: f64| (x * to).round() / to;
                    Action {
                        action: action_for(r),
                        component: c.component.clone(),
                        component_gain: round(deficit / total.max(1) as f64, 10.0),
                        workspace_gain: round(deficit / all.1.max(1) as f64, 100.0),
                    }
                })
        })
        .collect();
    actions.sort_by(|a, b| {
        b.workspace_gain
            .total_cmp(&a.workspace_gain)
            .then_with(|| b.component_gain.total_cmp(&a.component_gain))
            .then_with(|| a.action.cmp(&b.action))
    });
    actions.truncate(top);
    Report {
        readiness: percent(all),
        components,
        actions,
    }
}

/// The report as text: the workspace's figure, each component's (lowest first) with its risks
/// not at 100, and the actions.
pub fn text(report: &Report) -> String {
    use std::fmt::Write as _;
    let clean = |t: &str| crate::sanitize::sanitize(t).into_owned();
    let risks: usize = report.components.iter().map(|c| c.risks.len()).sum();
    let mut out = format!(
        "readiness {} over {} ({}, weighted by score)\n\n",
        report.readiness,
        crate::finding::plural(report.components.len(), "component"),
        crate::finding::plural(risks, "risk")
    );
    let width = report
        .components
        .iter()
        .map(|c| c.component.chars().count())
        .max()
        .unwrap_or(9)
        .clamp(9, 40);
    let _ = writeln!(out, "readiness  {:<width$}  not ready", "component");
    for c in &report.components {
        let _ = write!(
            out,
            "{:>9}  {:<width$}  {} of {}",
            c.readiness,
            clean(&c.component),
            c.not_ready(),
            c.risks.len()
        );
        if c.unconsidered.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(
                out,
                "  (never considered: {}, -{})",
                clean(&c.unconsidered.join(", ")),
                UNCONSIDERED * u32::try_from(c.unconsidered.len()).unwrap_or(0)
            );
        }
    }
    if !report.actions.is_empty() {
        out.push_str("\nwhat would raise it most:\n");
        for a in &report.actions {
            let _ = writeln!(
                out,
                "  +{:<6} {} ({} +{})",
                a.workspace_gain,
                clean(&a.action),
                clean(&a.component),
                a.component_gain
            );
        }
    }
    out
}
