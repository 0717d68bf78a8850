//! A runbook stubbed from a risk: where it goes (following the workspace's own layout), what it
//! says (the risk's title, detection and mitigation, empty steps, and only links that resolve),
//! and the one undoable change that writes it and links the risk to it. The file is written
//! on save, with the register, never before.

use super::App;
use crate::history::{Change, FileChange, RunbookChange};
use crate::model::{Register, Risk};
use crate::store::{RUNBOOKS_DIR, Workspace};
use std::collections::HashMap;
use std::path::Path;

/// Where a new runbook for `risk` goes, following the workspace's layout: in a folder per
/// component (`runbooks/<component>/<risk>.md`) when runbooks live in folders, else flat
/// (`runbooks/<component>-<risk>.md`). Never a path that exists or is already taken.
#[allow(clippy::implicit_hasher)] // the app's own map
pub fn stub_path(
    ws: &Workspace,
    drafts: &HashMap<String, String>,
    reg: &Register,
    risk: &Risk,
) -> String {
    let foldered = ws
        .runbooks
        .iter()
        .any(|doc| doc.path.matches('/').count() > 1);
    let (dir, stem) = if foldered {
        (format!("{RUNBOOKS_DIR}/{}", reg.component), risk.id.clone())
    } else {
        (
            RUNBOOKS_DIR.to_owned(),
            format!("{}-{}", reg.component, risk.id),
        )
    };
    let taken = |path: &str| ws.file_exists(path) || drafts.contains_key(path);
    let mut path = format!("{dir}/{stem}.md");
    let mut n = 2;
    while taken(&path) {
        path = format!("{dir}/{stem}-{n}.md");
        n += 1;
    }
    path
}

/// A link from the runbook at `from` to the workspace file `to`, relative as markdown expects.
pub fn relative_link(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> =
        from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
    let target: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&target)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&target[common..]);
    parts.join("/")
}

/// The runbook a team keeps for escalation (roles, severity levels), if the workspace has one.
fn escalation_runbook(ws: &Workspace) -> Option<&crate::runbook::RunbookDoc> {
    ws.runbooks.iter().find(|doc| {
        let name = doc.path.rsplit('/').next().unwrap_or(&doc.path);
        ["severity", "escalation", "roles"]
            .iter()
            .any(|word| name.contains(word))
    })
}

/// The template a stubbed runbook starts from: what the risk already says, and empty steps.
/// Every link in it resolves in this workspace, so `check` stays clean after a stub.
pub fn runbook_template(ws: &Workspace, file: &str, reg: &Register, risk: &Risk) -> String {
    let or_todo = |text: &str, what: &str| {
        if text.trim().is_empty() {
            format!("_No {what} recorded yet._")
        } else {
            text.trim().to_owned()
        }
    };
    let owner = if reg.owner.is_empty() {
        "the owning team"
    } else {
        reg.owner.as_str()
    };
    let escalation = match escalation_runbook(ws) {
        Some(doc) => format!(
            "- [ ] Page {owner}; roles and severity: [{}]({})",
            doc.title(),
            relative_link(file, &doc.path)
        ),
        None => format!("- [ ] Page {owner}"),
    };
    format!(
        "# {title}

Runbook for `{component}/{id}` ({component_title}). Score {score} ({band}).

## Detection

{detection}

## Mitigation

{mitigation}

## Steps

- [ ] 

## Escalation

{escalation}
",
        title = one_line(&risk.title),
        component = reg.component,
        id = risk.id,
        component_title = one_line(&reg.title),
        score = risk.score(),
        band = risk.band(),
        detection = or_todo(&risk.detection, "detection"),
        mitigation = or_todo(&risk.mitigation, "mitigation"),
    )
}

/// A title on one line, so it stays one heading.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl App {
    /// Stubs a runbook at `file` for risk `id` of the component at `path` and links the risk to
    /// it: one change, undone by one `u`, written by the next save.
    pub(super) fn stub_runbook(&mut self, path: &Path, id: &str, file: &str) {
        let Some(before) = self.current(path).cloned() else {
            let reason = self.unloadable(path);
            self.say(reason);
            return;
        };
        let Some(risk) = before.risks.iter().find(|r| r.id == id) else {
            return;
        };
        let text =
            (!self.ws.file_exists(file)).then(|| runbook_template(&self.ws, file, &before, risk));
        let mut after = before.clone();
        if let Some(risk) = after.risks.iter_mut().find(|r| r.id == id)
            && risk.runbook_parts().map(|(f, _)| f) != Some(file)
        {
            risk.runbook = file.to_owned();
        }
        let runbooks = text
            .map(|text| RunbookChange {
                path: file.to_owned(),
                before: None,
                after: Some(text),
            })
            .into_iter()
            .collect();
        self.record(Change {
            label: format!("stub {file} and link {}/{id} to it", before.component),
            files: vec![FileChange {
                path: path.to_path_buf(),
                before: Some(before),
                after: Some(after),
            }],
            runbooks,
        });
        self.open_runbook(file, None);
        let save = self.key_hint(crate::action::Action::Save);
        self.say(format!(
            "stubbed {file} and linked the risk to it: {save} writes both, u undoes both"
        ));
    }

    /// Puts a runbook change into the workspace: a stub becomes a draft (indexed, shown, written
    /// on save); undone, the draft goes. A runbook already on disk is never removed.
    pub(super) fn apply_runbook(&mut self, change: &RunbookChange) {
        match &change.after {
            Some(text) if !self.ws.root.join(&change.path).exists() => {
                self.drafts.insert(change.path.clone(), text.clone());
                self.ws
                    .add_runbook(crate::runbook::RunbookDoc::index(change.path.clone(), text));
            }
            Some(_) => {}
            None => {
                if self.drafts.remove(&change.path).is_some() {
                    self.ws.remove_runbook(&change.path);
                }
            }
        }
        self.recheck_runbook(&change.path);
    }

    /// Re-checks one runbook's links, and every risk's link (one may point at it).
    pub(crate) fn recheck_runbook(&mut self, path: &str) {
        self.findings.retain(|f| f.path != Path::new(path));
        let fresh = crate::check::check_runbook(&self.ws, path);
        self.findings.extend(fresh);
        self.findings.sort_by(crate::finding::Finding::order);
        let components: Vec<_> = self.ws.components.iter().map(|c| c.path.clone()).collect();
        for component in &components {
            if self
                .current(component)
                .is_some_and(|reg| reg.risks.iter().any(|r| r.runbook.starts_with(path)))
            {
                self.recheck(component);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        assert_eq!(
            relative_link("runbooks/payments-api/x.md", "runbooks/incident/roles.md"),
            "../incident/roles.md"
        );
        assert_eq!(
            relative_link("runbooks/x.md", "runbooks/roles.md"),
            "roles.md"
        );
        assert_eq!(
            relative_link("runbooks/x.md", "runbooks/incident/roles.md"),
            "incident/roles.md"
        );
    }
}
