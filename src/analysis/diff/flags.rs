//! What a reviewer should look at first: a new or raised high/critical risk without mitigation
//! or runbook, a runbook link now broken or lost, a risk newly over a quarter of its budget.

use super::{Flag, RiskDiff, Snapshot};
use crate::model::{BUDGET_SHARE_LIMIT, Register, Risk};

/// What a high or critical risk should have and does not: "mitigation", "runbook".
fn missing_cover(risk: &Risk) -> Vec<&'static str> {
    [
        ("mitigation", risk.mitigation.is_empty()),
        ("runbook", risk.runbook.is_empty()),
    ]
    .into_iter()
    .filter_map(|(what, empty)| empty.then_some(what))
    .collect()
}

pub(super) fn new_risk(flags: &mut Vec<Flag>, reg: &Register, risk: &Risk, new: &Snapshot) {
    let reference = format!("{}/{}", reg.component, risk.id);
    if risk.band().is_severe() {
        let missing = missing_cover(risk);
        if !missing.is_empty() {
            flags.push(Flag {
                risk: reference.clone(),
                message: format!(
                    "new {} risk (score {}) without {}",
                    risk.band(),
                    risk.score(),
                    missing.join(" or ")
                ),
            });
        }
    }
    if !risk.runbook.is_empty() && !new.resolves(&risk.runbook) {
        flags.push(Flag {
            risk: reference.clone(),
            message: format!("runbook link `{}` does not resolve", risk.runbook),
        });
    }
    if let Some(share) = reg.budget_share(risk).filter(|s| *s > BUDGET_SHARE_LIMIT) {
        flags.push(Flag {
            risk: reference,
            message: format!("takes {:.0}% of the error budget on its own", share * 100.0),
        });
    }
}

pub(super) fn changed_risk(
    flags: &mut Vec<Flag>,
    old_refs: &super::Refs<'_>,
    new_refs: &super::Refs<'_>,
    old: &Snapshot,
    new: &Snapshot,
    change: &RiskDiff,
) {
    let Some((comp, risk)) = new_refs.get(&change.risk) else {
        return;
    };
    let Some(reg) = new.registers.get(*comp) else {
        return;
    };
    let before = old_refs.get(&change.risk);
    let flagged = flags.len();
    if let Some((old_band, new_band)) = change.band
        && new_band > old_band
        && new_band.is_severe()
    {
        let missing = missing_cover(risk);
        if !missing.is_empty() {
            flags.push(Flag {
                risk: change.risk.clone(),
                message: format!(
                    "raised to {new_band} (score {}) without {}",
                    risk.score(),
                    missing.join(" or ")
                ),
            });
        }
    }
    let was_ok = before.is_some_and(|(_, r)| r.runbook == risk.runbook && old.resolves(&r.runbook));
    if !risk.runbook.is_empty() && !new.resolves(&risk.runbook) && !was_ok {
        flags.push(Flag {
            risk: change.risk.clone(),
            message: format!("runbook link `{}` is now broken", risk.runbook),
        });
    } else if flags.len() == flagged
        && risk.runbook.is_empty()
        && before.is_some_and(|(_, r)| !r.runbook.is_empty())
        && risk.band().is_severe()
    {
        flags.push(Flag {
            risk: change.risk.clone(),
            message: format!("{} risk lost its runbook", risk.band()),
        });
    }
    if let Some((_, Some(after))) = change.budget_share
        && after > BUDGET_SHARE_LIMIT
        && change
            .budget_share
            .and_then(|(b, _)| b)
            .is_none_or(|b| b <= BUDGET_SHARE_LIMIT)
    {
        let _ = reg;
        flags.push(Flag {
            risk: change.risk.clone(),
            message: format!(
                "now takes {:.0}% of the error budget on its own",
                after * 100.0
            ),
        });
    }
}
