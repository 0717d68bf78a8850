//! Blind spots: a risk's category must be one the workspace uses (`faultline.toml`
//! `[register] categories`, else the production-readiness areas); a component with an
//! availability objective says how fast it recovers and how much it may lose (`rto_minutes`,
//! `rpo_minutes`) and, once the workspace categorises its risks, has a recoverability risk;
//! and some security risk has been rehearsed.

use super::{FileCheck, RiskName};
use crate::finding::{Finding, Pos};
use crate::model::Register;
use crate::parse::closest;
use crate::store::Workspace;

/// The categories risks may have, and whether any risk has one (the category rules wait for
/// a workspace that uses them).
pub(super) struct Categories {
    pub names: Vec<String>,
    pub used: bool,
}

impl Categories {
    pub(super) fn of(ws: &Workspace) -> Categories {
        let (names, used) = ws.category_names();
        Categories { names, used }
    }

    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
}

impl FileCheck<'_> {
    pub(super) fn coverage(&mut self, reg: &Register, categories: &Categories) {
        for (i, risk) in reg.risks.iter().enumerate() {
            let category = risk.category.trim().to_lowercase();
            if category.is_empty() || categories.names.iter().any(|n| risk.in_category(n)) {
                continue;
            }
            let hint = closest(&category, &categories.names).map_or_else(
                || format!("; one of {}", categories.names.join(", ")),
                |c| format!("; did you mean `{c}`?"),
            );
            self.warning(
                &format!("risks/{i}/category"),
                "unknown-category",
                format!(
                    "`{}`: category `{category}` is not one the workspace uses{hint}",
                    RiskName(&reg.component, &risk.id)
                ),
            );
        }
        if reg.objectives.availability.is_none() {
            return;
        }
        // A recovery time always matters; a recovery point only where data is kept, so a
        // stateless component without one is fine.
        if reg.objectives.rto_minutes.is_none() {
            let rpo = if reg.objectives.rpo_minutes.is_none() {
                " (and rpo_minutes, how much data it may lose, if it keeps any)"
            } else {
                ""
            };
            self.warning(
                "objectives",
                "no-recovery-objectives",
                format!(
                    "`{}` promises availability but not how fast it recovers: set rto_minutes{rpo}",
                    reg.component
                ),
            );
        }
        let recoverability = "recoverability";
        if categories.used
            && categories.has(recoverability)
            && !reg.risks.iter().any(|r| r.in_category(recoverability))
        {
            self.warning(
                "component",
                "no-recoverability-risk",
                format!(
                    "`{}` promises availability and has no recoverability risk: how would it come back from losing its data or its region?",
                    reg.component
                ),
            );
        }
    }
}

/// No security risk anywhere has been rehearsed (once the workspace categorises its risks):
/// one finding for the workspace, on its `registers/` directory.
pub(super) fn security_rehearsed(ws: &Workspace, categories: &Categories) -> Option<Finding> {
    let security = "security";
    if !categories.used || !categories.has(security) {
        return None;
    }
    let risks: Vec<_> = ws
        .registers()
        .flat_map(|reg| &reg.risks)
        .filter(|r| r.in_category(security))
        .collect();
    let rehearsed = risks
        .iter()
        .any(|r| r.last_rehearsed.is_some() || !r.rehearsals.is_empty());
    (!rehearsed).then(|| {
        let message = if risks.is_empty() {
            "no risk is in the security category: what would an attacker, a leaked key or an expired certificate do?".to_owned()
        } else {
            format!(
                "none of the {} security risks has ever been rehearsed: run a game day on one",
                risks.len()
            )
        };
        Finding::warning(
            std::path::Path::new(crate::store::REGISTERS_DIR),
            Pos::START,
            "security-never-rehearsed",
            message,
        )
    })
}
