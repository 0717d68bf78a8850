//! The recovery journal: every edit is appended (and flushed to disk) to a file in the platform
//! data directory, keyed by the workspace's path, so unsaved work survives a crash or a kill and
//! is offered back at the next start. Saving a file drops its entries.

use crate::model::Register;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One journal line: a file's whole state after an edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Workspace-relative path of the register file.
    pub path: PathBuf,
    /// The content hash of the file on disk the edit was made against (`None`: no file).
    pub base_hash: Option<u64>,
    /// The register after the edit (`None`: the component was deleted).
    pub register: Option<Register>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    workspace: PathBuf,
}

/// The journal of one workspace.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    workspace: PathBuf,
}

impl Journal {
    /// The journal for `workspace` inside `data_dir` (the platform data directory).
    pub fn new(data_dir: &Path, workspace: &Path) -> Journal {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        workspace.hash(&mut hasher);
        let name = workspace
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Journal {
            path: data_dir
                .join("recovery")
                .join(format!("{name}-{:016x}.jsonl", hasher.finish())),
            workspace: workspace.to_path_buf(),
        }
    }

    /// The journal in the platform data directory, if the platform has one.
    pub fn for_workspace(workspace: &Path) -> Option<Journal> {
        let dirs = directories::ProjectDirs::from("", "", "faultline")?;
        Some(Journal::new(dirs.data_dir(), workspace))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry and flushes it to disk before returning.
    pub fn append(&self, entry: &Entry) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", crate::sanitize::QuotedPath(dir)))?;
        }
        let new = !self.path.exists();
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .with_context(|| format!("cannot open {}", crate::sanitize::QuotedPath(&self.path)))?;
        let mut text = String::new();
        if new {
            text.push_str(&serde_json::to_string(&Header {
                workspace: self.workspace.clone(),
            })?);
            text.push('\n');
        }
        text.push_str(&serde_json::to_string(entry)?);
        text.push('\n');
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        Ok(())
    }

    /// The latest entry per file. A torn last line (a crash mid-write) is ignored.
    pub fn read(&self) -> BTreeMap<PathBuf, Entry> {
        let mut latest = BTreeMap::new();
        let Ok(text) = fs::read_to_string(&self.path) else {
            return latest;
        };
        for line in text.lines().skip(1) {
            if let Ok(entry) = serde_json::from_str::<Entry>(line) {
                latest.insert(entry.path.clone(), entry);
            }
        }
        latest
    }

    /// Keeps only the entries of files still unsaved; removes the journal when none are left.
    pub fn retain(&self, unsaved: &[Entry]) -> Result<()> {
        if unsaved.is_empty() {
            return match fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            };
        }
        let mut text = serde_json::to_string(&Header {
            workspace: self.workspace.clone(),
        })?;
        text.push('\n');
        for entry in unsaved {
            text.push_str(&serde_json::to_string(entry)?);
            text.push('\n');
        }
        crate::store::save_atomic(&self.path, text.as_bytes())?;
        Ok(())
    }

    pub fn clear(&self) -> Result<()> {
        self.retain(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register(title: &str) -> Register {
        serde_json::from_str(&format!(
            r#"{{"component":"a","title":"{title}","risks":[]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn latest_entry_per_file_wins_and_torn_lines_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path(), Path::new("/work/ws"));
        for title in ["one", "two"] {
            journal
                .append(&Entry {
                    path: "registers/a.json".into(),
                    base_hash: Some(1),
                    register: Some(register(title)),
                })
                .unwrap();
        }
        let mut file = OpenOptions::new()
            .append(true)
            .open(journal.path())
            .unwrap();
        file.write_all(b"{\"path\": \"registers/a.js").unwrap();
        let entries = journal.read();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[Path::new("registers/a.json")]
                .register
                .as_ref()
                .unwrap()
                .title,
            "two"
        );
        journal.clear().unwrap();
        assert!(journal.read().is_empty());
        assert!(!journal.path().exists());
    }

    #[test]
    fn workspaces_get_their_own_journal() {
        let a = Journal::new(Path::new("/data"), Path::new("/work/a"));
        let b = Journal::new(Path::new("/data"), Path::new("/work/b"));
        assert_ne!(a.path(), b.path());
    }
}
