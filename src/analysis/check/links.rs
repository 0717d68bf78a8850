//! Links and anchors: a link from a register or a runbook resolved inside the workspace, its
//! file and heading found, and a close heading suggested when one is missing (within a budget
//! per file, so a hostile runbook cannot make `check` slow).

use super::{Finding, Pos, RunbookDoc, Workspace, closest};
use crate::core::links::{has_scheme, normalize};

/// Resolves a link from a file in `from_dir` (workspace-relative; `""` for the register, whose
/// links are workspace-relative) and checks that it stays inside the workspace and that its file
/// and anchor exist. Web links (`https:` and other schemes) are not followed.
pub fn resolve_link(
    ws: &Workspace,
    from_dir: &str,
    dest: &str,
) -> Result<(), (&'static str, String)> {
    let (file, anchor) = match dest.split_once('#') {
        Some((f, a)) => (f, Some(a)),
        None => (dest, None),
    };
    let from_register = from_dir.is_empty();
    if has_scheme(file) {
        if from_register {
            return Err((
                "link-outside-workspace",
                format!(
                    "runbook `{dest}` is a web address; a runbook link is a workspace path such as runbooks/name.md#anchor"
                ),
            ));
        }
        return Ok(());
    }
    if file.is_empty() {
        if from_register {
            return Err((
                "runbook-missing",
                format!("runbook link `{dest}` names no file"),
            ));
        }
        return Ok(()); // same-file anchors are checked by the caller, which knows the file
    }
    let target = normalize(from_dir, file).ok_or_else(|| {
        (
            "link-outside-workspace",
            format!("link `{dest}` leads outside the workspace"),
        )
    })?;
    let missing_rule = if from_register {
        "runbook-missing"
    } else {
        "broken-link"
    };
    let Some(doc) = ws.runbook(&target) else {
        // The one containment rule (`store::contained`), as for every path faultline writes.
        let on_disk = ws.root.join(&target);
        if !on_disk.exists() {
            return Err((missing_rule, format!("`{target}` does not exist")));
        }
        return match crate::store::contained(&ws.root, &on_disk) {
            Ok(_) => Ok(()),
            Err(_) => Err((
                "link-outside-workspace",
                format!("link `{dest}` resolves outside the workspace (through a symbolic link)"),
            )),
        };
    };
    match anchor {
        Some(anchor) if !anchor.is_empty() => check_anchor(doc, anchor),
        _ => Ok(()),
    }
}

thread_local! {
    /// Headings the "did you mean" hints of the file being checked may still compare against;
    /// `None` outside `check` (one link at a time in the TUI: no limit).
    static HINT_BUDGET: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Headings one file's hints may compare against in all: enough for every missing anchor of a
/// real file, and a bound on a file of a hundred thousand links to missing anchors, whose hints
/// would otherwise cost links × headings.
pub(super) const HINT_BUDGET_PER_FILE: usize = 2_000_000;

/// Runs one file's check with a fresh hint budget.
pub(super) fn with_hint_budget<T>(check: impl FnOnce() -> T) -> T {
    HINT_BUDGET.set(Some(HINT_BUDGET_PER_FILE));
    let result = check();
    HINT_BUDGET.set(None);
    result
}

/// Whether a hint may compare against `headings` more headings, taking them from the budget.
pub(super) fn hint_affordable(headings: usize) -> bool {
    match HINT_BUDGET.get() {
        None => true,
        Some(left) if left >= headings => {
            HINT_BUDGET.set(Some(left - headings));
            true
        }
        Some(_) => false,
    }
}

pub(super) fn check_anchor(doc: &RunbookDoc, anchor: &str) -> Result<(), (&'static str, String)> {
    if doc.heading(anchor).is_some() {
        return Ok(());
    }
    let hint = if hint_affordable(doc.headings.len().saturating_mul(2)) {
        anchor_hint(doc, anchor)
            .map(|c| format!("; did you mean `#{c}`?"))
            .unwrap_or_default()
    } else {
        String::new()
    };
    Err((
        "anchor-missing",
        format!(
            "`{}` has no heading with anchor `#{anchor}`{hint}",
            doc.path
        ),
    ))
}

/// The anchor a link to the missing `anchor` most likely meant: one a typo away; else the
/// anchor of the heading whose words are a typo away (an explicit `{#id}` gave it another);
/// else the one heading whose anchor holds the link's as whole words (`#restore` after the
/// heading became "Restore quorum").
fn anchor_hint<'d>(doc: &'d RunbookDoc, anchor: &str) -> Option<&'d str> {
    // The anchor of the heading whose key (one per heading) is a typo away.
    let nearest = |keys: Vec<String>| {
        let near = closest(anchor, &keys)?;
        let i = keys.iter().position(|k| k == near)?;
        Some(doc.headings[i].anchor.as_str())
    };
    let by_anchor = nearest(doc.headings.iter().map(|h| h.anchor.clone()).collect());
    let by_words = || {
        nearest(
            doc.headings
                .iter()
                .map(|h| crate::runbook::slug(&h.text))
                .collect(),
        )
    };
    if let Some(found) = by_anchor.or_else(by_words) {
        return Some(found);
    }
    let within = format!("-{anchor}-");
    let mut holding = doc
        .headings
        .iter()
        .filter(|h| format!("-{}-", h.anchor).contains(&within));
    match (holding.next(), holding.next()) {
        (Some(only), None) => Some(only.anchor.as_str()),
        _ => None,
    }
}

pub(super) fn check_runbook_links(ws: &Workspace, doc: &RunbookDoc, findings: &mut Vec<Finding>) {
    let dir = doc.path.rsplit_once('/').map_or("", |(d, _)| d);
    for link in &doc.links {
        let result = match link.dest.strip_prefix('#') {
            Some(anchor) => check_anchor(doc, anchor),
            None => resolve_link(ws, dir, &link.dest),
        };
        if let Err((rule, message)) = result {
            findings.push(Finding::error(
                &doc.path,
                Pos {
                    line: link.line,
                    column: link.column,
                },
                rule,
                message,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(anchor: &str) -> Option<String> {
        let doc = RunbookDoc::index(
            "runbooks/kafka.md".into(),
            "# Kafka\n\n## Disk full\n\n## Consumer lag {#lag}\n\n## Restore quorum\n\n## Restore a topic\n",
        );
        anchor_hint(&doc, anchor).map(str::to_owned)
    }

    #[test]
    fn a_missing_anchor_is_given_the_heading_it_most_likely_meant() {
        // A typo of an anchor.
        assert_eq!(hint("disk-ful").as_deref(), Some("disk-full"));
        // The heading's words, though an explicit id gave it another anchor.
        assert_eq!(hint("consumer-lags").as_deref(), Some("lag"));
        // The words of an anchor another heading's now holds whole, when only one does.
        assert_eq!(hint("quorum").as_deref(), Some("restore-quorum"));
        assert_eq!(hint("topic").as_deref(), Some("restore-a-topic"));
        // Two headings hold `restore`: no guess; nor for a word no anchor holds whole.
        assert_eq!(hint("restore"), None);
        assert_eq!(hint("quo"), None);
        assert_eq!(hint("elevator"), None);
    }
}
