//! How edits reach the workspace: each becomes a `Change` (before/after per file), is applied to
//! the loaded registers, recorded for undo, journaled for crash recovery, and re-checked. Also
//! what is on disk for each changed file, so unsaved state and conflicts can be told apart.

use super::App;
use crate::history::{Change, FileChange};
use crate::model::{Register, to_canonical};
use crate::recovery::Entry;
use crate::store::{ComponentFile, DiskStamp, Loaded};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file as it is on disk: its register (`None`: no file) and its stamp.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub register: Option<Register>,
    pub stamp: Option<DiskStamp>,
}

impl App {
    /// The register of the file at `path` as edited now (`None`: no such component).
    pub fn current(&self, path: &Path) -> Option<&Register> {
        let path = path.as_os_str();
        self.ws
            .components
            .iter()
            .find(|c| c.path.as_os_str() == path)
            .and_then(ComponentFile::register)
    }

    /// Files whose edited state differs from disk, sorted.
    pub fn dirty_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self
            .baseline
            .iter()
            .filter(|(path, base)| self.current(path) != base.register.as_ref())
            .map(|(path, _)| path.clone())
            .collect();
        paths.sort();
        paths
    }

    /// Files with unsaved changes: registers and stubbed runbooks.
    pub fn unsaved_count(&self) -> usize {
        self.dirty_paths().len() + self.drafts.len()
    }

    pub fn is_dirty(&self, path: &Path) -> bool {
        self.baseline
            .get(path)
            .is_some_and(|base| self.current(path) != base.register.as_ref())
    }

    /// Edits the register at `path` with `edit`; records, applies and journals the change. An
    /// edit that changes nothing records nothing. Returns the edit's error, if it refused.
    pub(super) fn change(
        &mut self,
        label: String,
        path: &Path,
        edit: impl FnOnce(&mut Register) -> Result<(), String>,
    ) -> Result<(), String> {
        let Some(before) = self.current(path).cloned() else {
            return Err(self.unloadable(path));
        };
        let mut after = before.clone();
        edit(&mut after)?;
        if after == before {
            return Ok(());
        }
        let mut files = vec![FileChange {
            path: path.to_path_buf(),
            before: Some(before),
            after: None,
        }];
        // A changed component id renames its file.
        let new_path = register_path(&after.component);
        if new_path != path {
            if self.current(&new_path).is_some() {
                return Err(format!("component `{}` already exists", after.component));
            }
            files.push(FileChange {
                path: new_path,
                before: None,
                after: Some(after),
            });
        } else {
            files[0].after = Some(after);
        }
        self.record(Change {
            label,
            files,
            ..Change::default()
        });
        Ok(())
    }

    /// Why the file at `path` cannot be edited.
    pub(super) fn unloadable(&self, path: &Path) -> String {
        match self
            .ws
            .components
            .iter()
            .find(|c| c.path == path)
            .map(|c| &c.content)
        {
            Some(Err(finding)) => format!("cannot edit a file that did not load: {finding}"),
            _ => format!("{} is not loaded", crate::sanitize::QuotedPath(path)),
        }
    }

    /// Records a change for undo and applies it.
    pub(super) fn record(&mut self, change: Change) {
        self.apply_change(&change);
        self.say(change.label.clone());
        self.history.record(change);
    }

    /// Applies a change to the loaded registers (no history): used by edits, undo and redo. The
    /// selection stays on the same risk; a renamed component is followed.
    pub(super) fn apply_change(&mut self, change: &Change) {
        let mut selection = self.selection();
        for file in &change.files {
            self.remember_baseline(&file.path);
            self.set_state(&file.path, file.after.clone());
            self.journal_file(&file.path);
        }
        for runbook in &change.runbooks {
            self.apply_runbook(runbook);
        }
        if let Some(file) = change
            .files
            .iter()
            .find(|f| f.before.is_none() && f.after.is_some())
        {
            selection.path = Some(file.path.clone());
        }
        self.recompute_visible();
        self.reselect(selection);
        for file in &change.files {
            self.reindex(&file.path);
        }
        if let Some(path) = self.viewer.as_ref().map(|v| v.path.clone()) {
            let count = self.backlinks(&path).len();
            if let Some(viewer) = self.viewer.as_mut() {
                viewer.backlink_count = count;
            }
        }
    }

    /// After undo or redo: the selection moves to what the change touched, so the person sees
    /// what came back (or went).
    fn show_change(&mut self, change: &Change) {
        let Some(file) = change.files.iter().rev().find(|f| f.after.is_some()) else {
            self.register.focus = super::Pane::Components;
            return;
        };
        let path = file.path.clone();
        match super::selection::changed_risk(file.before.as_ref(), file.after.as_ref()) {
            Some(id) => self.show_risk(&path, &id),
            None => self.select_path(&path),
        }
    }

    /// Puts one component's current state into the finder's index.
    pub(super) fn reindex(&mut self, path: &Path) {
        let Some(id) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            return;
        };
        let register = self
            .ws
            .components
            .iter()
            .find(|c| c.path == path)
            .and_then(ComponentFile::register);
        self.search.replace_component(&id, register);
    }

    /// Notes what is on disk for `path` before its first change this session.
    fn remember_baseline(&mut self, path: &Path) {
        if self.baseline.contains_key(path) {
            return;
        }
        let file = self.ws.components.iter().find(|c| c.path == path);
        self.baseline.insert(
            path.to_path_buf(),
            Baseline {
                register: file.and_then(ComponentFile::register).cloned(),
                stamp: file.and_then(|f| f.disk),
            },
        );
    }

    /// Puts the register at `path` into the given state, adding or removing the component.
    fn set_state(&mut self, path: &Path, register: Option<Register>) {
        let position = self.ws.components.iter().position(|c| c.path == path);
        match (position, register) {
            (Some(i), Some(register)) => {
                let text = to_canonical(&register);
                self.ws.components[i].content = Ok(Arc::new(Loaded { register, text }));
            }
            (Some(i), None) => {
                self.ws.components.remove(i);
            }
            (None, Some(register)) => {
                let text = to_canonical(&register);
                let stem = register.component.clone();
                self.insert_component(ComponentFile {
                    path: path.to_path_buf(),
                    stem,
                    content: Ok(Arc::new(Loaded { register, text })),
                    disk: self.baseline.get(path).and_then(|b| b.stamp),
                });
            }
            (None, None) => {}
        }
        self.recheck(path);
    }

    /// Adds a component in path order.
    fn insert_component(&mut self, file: ComponentFile) {
        let at = self.ws.components.partition_point(|c| c.path < file.path);
        self.ws.components.insert(at, file);
    }

    /// Re-checks one file after it changed.
    pub(crate) fn recheck(&mut self, path: &Path) {
        self.findings.retain(|f| f.path != path);
        let fresh = crate::check::check_component(&self.ws, path, self.today);
        self.findings.extend(fresh);
        self.findings.sort_by(crate::finding::Finding::order);
    }

    /// Links risk `id` of the component at `path` to a runbook file (an undoable edit).
    pub fn link_runbook(&mut self, path: &Path, id: &str, file: &str) {
        let label = format!("link {id} to {file}");
        let result = self.change(label, path, |reg| {
            if let Some(risk) = reg.risks.iter_mut().find(|r| r.id == id) {
                risk.runbook = file.to_owned();
            }
            Ok(())
        });
        if let Err(reason) = result {
            self.say(reason);
        }
    }

    pub(super) fn undo(&mut self) {
        match self.history.undo() {
            Some(change) => {
                self.apply_change(&change);
                self.show_change(&change);
                self.say(format!("undid: {}", change.label));
            }
            None => self.say("nothing to undo"),
        }
    }

    pub(super) fn redo(&mut self) {
        match self.history.redo() {
            Some(change) => {
                self.apply_change(&change);
                self.show_change(&change);
                self.say(format!("redid: {}", change.label));
            }
            None => self.say("nothing to redo"),
        }
    }

    /// The journal entry for a file's current state.
    pub fn journal_entry(&self, path: &Path) -> Entry {
        Entry {
            path: path.to_path_buf(),
            // The file as read: its baseline once edited, else what was loaded (a field being
            // typed into before the first edit of the file).
            base_hash: self
                .baseline
                .get(path)
                .map_or_else(
                    || {
                        self.ws
                            .components
                            .iter()
                            .find(|c| c.path == path)
                            .and_then(|c| c.disk)
                    },
                    |b| b.stamp,
                )
                .map(|s| s.hash),
            register: self.current(path).cloned(),
        }
    }

    /// The journal entry for the selected file with the text being typed put in its field; `None`
    /// when nothing is being edited or the text is not a value the field takes yet.
    pub fn typing_entry(&self) -> Option<Entry> {
        let editing = self.editing.as_ref()?;
        let path = self.selected_file()?.path.clone();
        let mut register = self.current(&path)?.clone();
        crate::form::set(
            &mut register,
            self.form_risk(),
            editing.row,
            editing.input.text(),
            self.today,
        )
        .ok()?;
        let mut entry = self.journal_entry(&path);
        entry.register = Some(register);
        Some(entry)
    }

    /// Entries for every unsaved file, for rewriting the journal after a save.
    pub fn unsaved_entries(&self) -> Vec<Entry> {
        self.dirty_paths()
            .iter()
            .map(|p| self.journal_entry(p))
            .collect()
    }

    /// A file was written (or removed): disk now matches the edited state.
    pub fn mark_saved(&mut self, path: &Path, stamp: Option<DiskStamp>) {
        let register = self.current(path).cloned();
        if let Some(file) = self.ws.components.iter_mut().find(|c| c.path == path) {
            file.disk = stamp;
        }
        self.baseline
            .insert(path.to_path_buf(), Baseline { register, stamp });
        self.recheck(path);
    }

    /// Replaces a component with what is on disk now (after a conflict, or a change on disk to
    /// a file without unsaved edits).
    pub fn replace_from_disk(&mut self, file: Option<ComponentFile>, path: &Path) {
        let selection = self.selection();
        let position = self.ws.components.iter().position(|c| c.path == path);
        match (position, file) {
            (Some(i), Some(file)) => self.ws.components[i] = file,
            (Some(i), None) => {
                self.ws.components.remove(i);
            }
            (None, Some(file)) => self.insert_component(file),
            (None, None) => {}
        }
        self.baseline.remove(path);
        self.recheck(path);
        self.recompute_visible();
        self.reselect(selection);
        self.reindex(path);
    }

    /// `m` in the conflict prompt: their changes and mine together, as one undoable change on
    /// top of the file as it is on disk now (which becomes the base). When no clean merge
    /// exists, nothing changes and the reason is said.
    pub(super) fn merge_from_disk(
        &mut self,
        path: &Path,
        details: &super::ConflictDetails,
    ) -> Option<super::Overlay> {
        let Some(merged) = details.merged.clone() else {
            self.say(if details.clashes.is_empty() {
                "no merge: the file on disk is not a register".to_owned()
            } else {
                format!(
                    "no merge: both sides changed {}",
                    details.clashes.join(", ")
                )
            });
            return None;
        };
        let before = self.current(path).cloned();
        self.baseline.insert(
            path.to_path_buf(),
            Baseline {
                register: details.on_disk.clone(),
                stamp: details.stamp,
            },
        );
        if let Some(file) = self.ws.components.iter_mut().find(|c| c.path == path) {
            file.disk = details.stamp;
        }
        self.record(Change {
            label: format!(
                "merged {} with the version on disk",
                crate::sanitize::QuotedPath(path)
            ),
            files: vec![FileChange {
                path: path.to_path_buf(),
                before,
                after: Some(merged),
            }],
            ..Change::default()
        });
        let save = self.key_hint(crate::action::Action::Save);
        self.say(format!(
            "merged {}: their changes and yours; {save} saves",
            crate::sanitize::QuotedPath(path)
        ));
        None
    }

    /// Restores the edits of a previous session from the journal, as one undoable change.
    pub(super) fn restore(&mut self, entries: Vec<Entry>) {
        let mut changed_on_disk = Vec::new();
        let files: Vec<FileChange> = entries
            .into_iter()
            .map(|entry| {
                let file = self.ws.components.iter().find(|c| c.path == entry.path);
                if file.and_then(|f| f.disk).map(|s| s.hash) != entry.base_hash {
                    changed_on_disk.push(crate::sanitize::QuotedPath(&entry.path).to_string());
                }
                FileChange {
                    before: self.current(&entry.path).cloned(),
                    path: entry.path,
                    after: entry.register,
                }
            })
            .collect();
        let count = files.len();
        self.record(Change {
            runbooks: Vec::new(),
            label: format!(
                "restored unsaved edits to {}",
                crate::finding::plural(count, "file")
            ),
            files,
        });
        if !changed_on_disk.is_empty() {
            self.say(format!(
                "restored; {} changed on disk since those edits: review before saving",
                changed_on_disk.join(", ")
            ));
        }
    }
}

impl App {
    /// The register file of a component id as loaded (in an organisation, under its
    /// repository), else where a new one would be written.
    pub(crate) fn component_path(&self, id: &str) -> PathBuf {
        self.ws
            .component(id)
            .map_or_else(|| register_path(id), |file| file.path.clone())
    }
}

/// The register file of a component id.
pub fn register_path(id: &str) -> PathBuf {
    PathBuf::from(format!("{}/{id}.json", crate::store::REGISTERS_DIR))
}
