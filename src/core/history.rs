//! Undo and redo: every edit is a `Change` holding each touched file's register before and after
//! (`None` where the component does not exist), so creating, deleting and renaming components
//! undo like any field edit.

use crate::model::Register;
use std::path::PathBuf;

/// One file's state before and after a change.
#[derive(Debug, Clone, PartialEq)]
pub struct FileChange {
    pub path: PathBuf,
    pub before: Option<Register>,
    pub after: Option<Register>,
}

/// A runbook written by faultline (a stub from the template), before and after: `None` where
/// faultline has not written it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunbookChange {
    /// Workspace-relative path: `runbooks/payments-api/concurrency-limit.md`.
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One user edit, possibly touching more than one file (a rename, a risk and its new runbook).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Change {
    /// What the edit did, for the status line: "set likelihood of payments-api/x".
    pub label: String,
    pub files: Vec<FileChange>,
    /// Runbooks the change writes: a stub and the risk's link to it are one change.
    pub runbooks: Vec<RunbookChange>,
}

impl Change {
    /// The same change backwards.
    pub fn inverse(&self) -> Change {
        Change {
            label: self.label.clone(),
            files: self
                .files
                .iter()
                .rev()
                .map(|f| FileChange {
                    path: f.path.clone(),
                    before: f.after.clone(),
                    after: f.before.clone(),
                })
                .collect(),
            runbooks: self
                .runbooks
                .iter()
                .map(|r| RunbookChange {
                    path: r.path.clone(),
                    before: r.after.clone(),
                    after: r.before.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Change>,
    redo: Vec<Change>,
}

impl History {
    /// Records a new change; anything that could be redone is dropped.
    pub fn record(&mut self, change: Change) {
        self.undo.push(change);
        self.redo.clear();
    }

    /// The change to apply to undo the last edit.
    pub fn undo(&mut self) -> Option<Change> {
        let change = self.undo.pop()?;
        let inverse = change.inverse();
        self.redo.push(change);
        Some(inverse)
    }

    /// The change to apply to redo the last undone edit.
    pub fn redo(&mut self) -> Option<Change> {
        let change = self.redo.pop()?;
        self.undo.push(change.clone());
        Some(change)
    }

    /// Drops the last change without a redo entry (a new risk abandoned before it had a title).
    pub fn forget_last(&mut self) -> Option<Change> {
        self.undo.pop()
    }

    /// Replaces the last change's outcome, so a follow-up (the id derived from a new risk's
    /// title) undoes together with it.
    pub fn amend_last(&mut self, files: Vec<FileChange>) {
        if let Some(last) = self.undo.last_mut() {
            for file in files {
                match last.files.iter_mut().find(|f| f.path == file.path) {
                    Some(existing) => existing.after = file.after,
                    None => last.files.push(file),
                }
            }
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}
