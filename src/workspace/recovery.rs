//! The recovery journal: every edit is appended (and flushed to disk) to a file in the platform
//! data directory, keyed by the workspace's path, so unsaved work survives a crash or a kill and
//! is offered back at the next start. Saving a file drops its entries.
//!
//! A file's first entry is its whole register; an edit that keeps its risks in place (typing
//! into a field, setting a level) is journaled as what changed: the component's own fields and
//! the risks that differ. When the journal grows past twice what its files' latest states take
//! (and a megabyte), it is rewritten with those states alone. So it stays within a small multiple
//! of the edited registers' size, a keystroke into an 8 MB register writes a few hundred bytes,
//! and the next start reads it in time proportional to that. It holds the registers' text, so it
//! is readable by its owner only (0600, in a 0700 directory).

use crate::model::{Register, Risk};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs::{self, OpenOptions};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One file's state after an edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Workspace-relative path of the register file.
    pub path: PathBuf,
    /// The content hash of the file on disk the edit was made against (`None`: no file).
    pub base_hash: Option<u64>,
    /// The register after the edit (`None`: the component was deleted).
    pub register: Option<Register>,
}

/// One journal line: a whole state (`register`, as `Entry`), or what changed (`delta`).
#[derive(Debug, Serialize, Deserialize)]
struct Line {
    path: PathBuf,
    base_hash: Option<u64>,
    #[serde(default)]
    register: Option<Register>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delta: Option<Delta>,
}

/// An edit that kept the risks in place: the component's fields (`head`, no risks) and each
/// risk that changed, by index, out of `len`.
#[derive(Debug, Serialize, Deserialize)]
struct Delta {
    head: Register,
    len: usize,
    risks: Vec<(usize, Risk)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    workspace: PathBuf,
}

/// What the journal on disk reads back to, kept beside it so an edit can be written as a delta.
#[derive(Debug, Default)]
struct State {
    /// Read from disk once, at the first append.
    loaded: bool,
    latest: BTreeMap<PathBuf, Entry>,
    /// Bytes of the journal file, and of each file's latest state written whole.
    file_bytes: u64,
    whole_bytes: HashMap<PathBuf, u64>,
}

/// The journal of one workspace.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    workspace: PathBuf,
    state: Arc<Mutex<State>>,
}

/// The journal is rewritten when it grows past this many times its files' latest states...
const COMPACT_FACTOR: u64 = 2;
/// ...plus this many bytes.
const COMPACT_SLACK: u64 = 1024 * 1024;

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
            state: Arc::default(),
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

    fn header_line(&self) -> Result<String> {
        let mut text = serde_json::to_string(&Header {
            workspace: self.workspace.clone(),
        })?;
        text.push('\n');
        Ok(text)
    }

    /// Appends one entry and flushes it to disk before returning: what changed since the file's
    /// last entry when its risks stayed in place, else its whole state.
    pub fn append(&self, entry: &Entry) -> Result<()> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !state.loaded {
            let (latest, bytes) = self.read_with_size();
            state.latest = latest;
            state.file_bytes = bytes;
            state.loaded = true;
        }
        let delta = state
            .latest
            .get(&entry.path)
            .filter(|last| last.base_hash == entry.base_hash)
            .and_then(|last| delta(last.register.as_ref()?, entry.register.as_ref()?));
        let whole = delta.is_none();
        let line = Line {
            path: entry.path.clone(),
            base_hash: entry.base_hash,
            register: if whole { entry.register.clone() } else { None },
            delta,
        };
        let mut text = if state.file_bytes == 0 || !self.path.exists() {
            state.file_bytes = 0;
            self.header_line()?
        } else {
            String::new()
        };
        text.push_str(&serde_json::to_string(&line)?);
        text.push('\n');
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&self.path)
            .with_context(|| format!("cannot open {}", crate::sanitize::QuotedPath(&self.path)))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        state.file_bytes += text.len() as u64;
        if whole {
            state
                .whole_bytes
                .insert(entry.path.clone(), text.len() as u64);
        }
        state.latest.insert(entry.path.clone(), entry.clone());
        let whole_total: u64 = state.whole_bytes.values().sum();
        if state.file_bytes > COMPACT_FACTOR * whole_total + COMPACT_SLACK {
            let latest: Vec<Entry> = state.latest.values().cloned().collect();
            drop(state);
            self.retain(&latest)?;
        }
        Ok(())
    }

    /// The latest entry per file. A torn last line (a crash mid-write) is ignored.
    pub fn read(&self) -> BTreeMap<PathBuf, Entry> {
        self.read_with_size().0
    }

    /// The latest entry per file, and the journal's size.
    fn read_with_size(&self) -> (BTreeMap<PathBuf, Entry>, u64) {
        let mut latest: BTreeMap<PathBuf, Entry> = BTreeMap::new();
        let Ok(text) = fs::read_to_string(&self.path) else {
            return (latest, 0);
        };
        for line in text.lines().skip(1) {
            let Ok(line) = serde_json::from_str::<Line>(line) else {
                continue;
            };
            match line.delta {
                None => {
                    latest.insert(
                        line.path.clone(),
                        Entry {
                            path: line.path,
                            base_hash: line.base_hash,
                            register: line.register,
                        },
                    );
                }
                Some(delta) => {
                    if let Some(entry) = latest.get_mut(&line.path)
                        && let Some(register) = entry.register.as_mut()
                        && apply(register, delta)
                    {
                        entry.base_hash = line.base_hash;
                    }
                }
            }
        }
        (latest, text.len() as u64)
    }

    /// Keeps only the entries of files still unsaved, each whole; removes the journal when none
    /// are left.
    pub fn retain(&self, unsaved: &[Entry]) -> Result<()> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.loaded = true;
        state.latest = unsaved
            .iter()
            .map(|e| (e.path.clone(), e.clone()))
            .collect();
        state.whole_bytes.clear();
        if unsaved.is_empty() {
            state.file_bytes = 0;
            return match fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            };
        }
        let mut text = self.header_line()?;
        for entry in unsaved {
            let line = serde_json::to_string(entry)?;
            state
                .whole_bytes
                .insert(entry.path.clone(), line.len() as u64 + 1);
            text.push_str(&line);
            text.push('\n');
        }
        state.file_bytes = text.len() as u64;
        write_private(&self.path, text.as_bytes())?;
        Ok(())
    }

    pub fn clear(&self) -> Result<()> {
        self.retain(&[])
    }

    /// Where the event being typed into a timeline's input line is kept, beside the journal.
    fn draft_path(&self, timeline: &Path) -> PathBuf {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        timeline.hash(&mut hasher);
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.path
            .with_file_name(format!("{stem}-draft-{:016x}.json", hasher.finish()))
    }

    /// Keeps the event being typed into `timeline`'s input line (its kind and text), written
    /// whole and flushed on every keystroke, so a kill loses none of it. Empty text removes it.
    pub fn save_draft(&self, timeline: &Path, draft: &Draft) -> Result<()> {
        let path = self.draft_path(timeline);
        if draft.text.is_empty() {
            return self.clear_draft(timeline);
        }
        if let Some(dir) = path.parent() {
            create_private_dir(dir)?;
        }
        crate::store::save_atomic_with_mode(&path, &serde_json::to_vec(draft)?, Some(0o600))
            .with_context(|| format!("cannot write {}", crate::sanitize::QuotedPath(&path)))
    }

    /// The event a previous session was typing into `timeline` and never recorded.
    pub fn draft(&self, timeline: &Path) -> Option<Draft> {
        /// A draft is one line of typing: anything larger is not one of ours.
        const LIMIT: u64 = 1024 * 1024;
        let path = self.draft_path(timeline);
        if fs::metadata(&path).ok()?.len() > LIMIT {
            return None;
        }
        let bytes = fs::read(path).ok()?;
        serde_json::from_slice::<Draft>(&bytes)
            .ok()
            .filter(|d| d.timeline == timeline && !d.text.is_empty())
    }

    /// Forgets a timeline's draft: the event was recorded, or dropped on purpose.
    pub fn clear_draft(&self, timeline: &Path) -> Result<()> {
        match fs::remove_file(self.draft_path(timeline)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
            _ => Ok(()),
        }
    }
}

/// The event being typed on a timeline's input line, not yet recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Workspace-relative path of the timeline.
    pub timeline: PathBuf,
    /// The event's kind, as timelines write it (`hypothesis`).
    pub kind: String,
    pub text: String,
}

/// What changed from `last` to `now` when their risks are the same ones in the same order.
fn delta(last: &Register, now: &Register) -> Option<Delta> {
    if last.risks.len() != now.risks.len()
        || last.risks.iter().zip(&now.risks).any(|(a, b)| a.id != b.id)
    {
        return None;
    }
    let risks = now
        .risks
        .iter()
        .enumerate()
        .filter(|(i, r)| last.risks[*i] != **r)
        .map(|(i, r)| (i, r.clone()))
        .collect();
    Some(Delta {
        head: Register {
            component: now.component.clone(),
            title: now.title.clone(),
            owner: now.owner.clone(),
            description: now.description.clone(),
            depends_on: now.depends_on.clone(),
            objectives: now.objectives.clone(),
            risks: Vec::new(),
        },
        len: now.risks.len(),
        risks,
    })
}

/// Applies a delta to the register it was made against; false (and nothing changed) when it
/// does not fit.
fn apply(register: &mut Register, delta: Delta) -> bool {
    if register.risks.len() != delta.len || delta.risks.iter().any(|(i, _)| *i >= delta.len) {
        return false;
    }
    let risks = std::mem::take(&mut register.risks);
    *register = Register {
        risks,
        ..delta.head
    };
    for (i, risk) in delta.risks {
        register.risks[i] = risk;
    }
    true
}

fn create_private_dir(dir: &Path) -> Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", crate::sanitize::QuotedPath(dir)))
}

/// Replaces `path` atomically with `contents`, readable by its owner only from the first byte.
fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    crate::store::save_atomic_with_mode(path, contents, Some(0o600))?;
    Ok(())
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

    /// A register of `n` risks, about 400 bytes each.
    fn big_register(n: usize) -> Register {
        let risks: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"r{i}","title":"Risk number {i} with a title of some length","description":"{}","likelihood":"low","impact":"high","status":"open"}}"#,
                    "words ".repeat(50)
                )
            })
            .collect();
        serde_json::from_str(&format!(
            r#"{{"component":"a","title":"A","risks":[{}]}}"#,
            risks.join(",")
        ))
        .unwrap()
    }

    #[test]
    fn keystrokes_are_journaled_as_what_changed_and_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path(), Path::new("/work/ws"));
        let mut reg = big_register(2_000);
        let entry = |reg: &Register| Entry {
            path: "registers/a.json".into(),
            base_hash: Some(7),
            register: Some(reg.clone()),
        };
        journal.append(&entry(&reg)).unwrap();
        let whole = fs::metadata(journal.path()).unwrap().len();
        assert!(whole > 500_000, "{whole}");
        // Thirty characters typed into one risk's title, one entry each.
        for c in "thirty characters typed in her".chars() {
            reg.risks[1234].title.push(c);
            journal.append(&entry(&reg)).unwrap();
        }
        let size = fs::metadata(journal.path()).unwrap().len();
        assert!(size < whole + 30 * 2_000, "{size} after {whole}");
        // A fresh journal value (the next start) reads the latest state back.
        let again = Journal::new(dir.path(), Path::new("/work/ws"));
        let latest = again.read();
        assert_eq!(
            latest[Path::new("registers/a.json")].register.as_ref(),
            Some(&reg)
        );
        // Appends after a restart continue as deltas on what is on disk.
        reg.title = "Renamed".into();
        again.append(&entry(&reg)).unwrap();
        assert!(fs::metadata(journal.path()).unwrap().len() < size + 2_000);
        assert_eq!(
            journal.read()[Path::new("registers/a.json")]
                .register
                .as_ref(),
            Some(&reg)
        );
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &fs::metadata(journal.path()).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_journal_of_whole_states_is_compacted_to_a_small_multiple() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path(), Path::new("/work/ws"));
        let mut reg = big_register(500);
        let mut largest = 0;
        for _ in 0..40 {
            // Reordering the risks is journaled whole.
            reg.risks.rotate_left(1);
            journal
                .append(&Entry {
                    path: "registers/a.json".into(),
                    base_hash: None,
                    register: Some(reg.clone()),
                })
                .unwrap();
            largest = largest.max(fs::metadata(journal.path()).unwrap().len());
        }
        let whole = serde_json::to_string(&reg).unwrap().len() as u64;
        assert!(
            largest <= COMPACT_FACTOR * whole + COMPACT_SLACK + 2 * whole,
            "{largest} for a {whole}-byte register"
        );
        assert_eq!(
            journal.read()[Path::new("registers/a.json")]
                .register
                .as_ref(),
            Some(&reg)
        );
    }

    #[test]
    fn workspaces_get_their_own_journal() {
        let a = Journal::new(Path::new("/data"), Path::new("/work/a"));
        let b = Journal::new(Path::new("/data"), Path::new("/work/b"));
        assert_ne!(a.path(), b.path());
    }
}
