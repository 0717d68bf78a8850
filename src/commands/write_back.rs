//! Writing a closed timeline back to the register from the command line: a game day's
//! rehearsal on each risk in play, and the follow-ups logged, each on its risk or as a new
//! risk. Through the canonical form and an atomic save, so `git diff` shows those lines only.

use super::timeline::find_risk;
use crate::model::to_canonical;
use crate::store::Workspace;
use anyhow::{Context as _, Result};
use std::path::Path;

/// Each follow-up on its risk, or as a new risk in its component, through the canonical form
/// and an atomic save of each register changed, once; one line said per follow-up.
pub fn follow_ups(
    root: &Path,
    ws: &Workspace,
    placed: &[crate::model::follow_up::Placed],
) -> Result<Vec<String>> {
    let mut said = Vec::new();
    // Several follow-ups may go to one register: each applies to the one the previous made,
    // and each register is saved once, at the end.
    let mut changed: Vec<(String, std::path::PathBuf, crate::model::Register)> = Vec::new();
    for p in placed {
        let Some(file) = ws.component(&p.component) else {
            said.push(format!(
                "follow-up `{}` not written back: no component `{}`",
                p.follow_up.text, p.component
            ));
            continue;
        };
        let latest = changed
            .iter()
            .find(|(c, _, _)| *c == p.component)
            .map(|(_, _, reg)| reg);
        let Some(before) = latest.or_else(|| file.register()) else {
            said.push(format!(
                "follow-up `{}` not written back: {} does not read",
                p.follow_up.text,
                crate::sanitize::QuotedPath(&file.path)
            ));
            continue;
        };
        match p.apply(before) {
            Err(reason) => said.push(format!(
                "follow-up `{}` not written back: {reason}",
                p.follow_up.text
            )),
            Ok(None) => said.push(format!("{}: follow-up already recorded", p.target())),
            Ok(Some(reg)) => {
                said.push(format!(
                    "{}: follow-up added ({}) (written to {})",
                    p.target(),
                    p.follow_up.summary(),
                    crate::sanitize::QuotedPath(&file.path)
                ));
                changed.retain(|(c, _, _)| *c != p.component);
                changed.push((p.component.clone(), file.path.clone(), reg));
            }
        }
    }
    for (_, path, reg) in &changed {
        crate::store::save_inside(root, path, to_canonical(reg).as_bytes())
            .with_context(|| format!("cannot write {}", crate::sanitize::QuotedPath(path)))?;
    }
    Ok(said)
}

/// After a game day: each risk in play gets `last_rehearsed` = the game day's date, the
/// questions raised appended, and the rehearsal's measurements added to its `rehearsals`; the
/// estimate changes only with `replace_estimate`. Written through the canonical form and an
/// atomic save, so `git diff` shows those lines only.
pub fn rehearsal(
    root: &Path,
    ws: &Workspace,
    timeline: &crate::model::timeline::Timeline,
    plan: &crate::model::timeline::WriteBack,
    replace_estimate: bool,
) -> Result<Vec<String>> {
    let mut said = Vec::new();
    for reference in &timeline.header.risks {
        let (file, _) = find_risk(ws, reference)?;
        let Some(before) = file.register() else {
            continue;
        };
        let id = reference.rsplit('/').next().unwrap_or_default();
        let Some(risk) = before.risks.iter().find(|r| r.id == id) else {
            continue;
        };
        let described = plan.describe(risk, replace_estimate);
        let Some(reg) = plan.apply(before, id, replace_estimate) else {
            continue;
        };
        if reg == *before {
            said.push(format!("{reference}: already up to date"));
            continue;
        }
        crate::store::save_inside(root, &file.path, to_canonical(&reg).as_bytes())
            .with_context(|| format!("cannot write {}", crate::sanitize::QuotedPath(&file.path)))?;
        said.push(format!(
            "{reference}: {described} (written to {})",
            crate::sanitize::QuotedPath(&file.path)
        ));
    }
    Ok(said)
}
