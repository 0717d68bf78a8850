//! The workspace on disk: finding it, loading every register and runbook (one bad file never
//! stops the rest), and the one atomic save every writer uses.

use crate::finding::{Finding, Pos};
use crate::model::Register;
use crate::parse::{decode, parse_register};
use crate::runbook::RunbookDoc;
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const REGISTERS_DIR: &str = "registers";
pub const RUNBOOKS_DIR: &str = "runbooks";

/// A register file as loaded: parsed, or the finding that says why not.
#[derive(Debug, Clone)]
pub struct ComponentFile {
    /// Workspace-relative path: `registers/<stem>.json`.
    pub path: PathBuf,
    /// The file stem, which the `component` field must equal.
    pub stem: String,
    /// Shared, so the background check reads the same registers without a copy; an edit puts
    /// in a new value.
    pub content: Result<Arc<Loaded>, Finding>,
    /// The file on disk as it was read (`None` when there is no file yet), to notice changes
    /// made underneath by a `git pull` or another editor.
    pub disk: Option<DiskStamp>,
}

/// What a file on disk looked like: its content hash, and its size and mtime as a cheap first
/// test before hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskStamp {
    pub hash: u64,
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

impl DiskStamp {
    pub fn of(bytes: &[u8], meta: Option<&fs::Metadata>) -> DiskStamp {
        DiskStamp {
            hash: hash_bytes(bytes),
            len: bytes.len() as u64,
            modified: meta.and_then(|m| m.modified().ok()),
        }
    }

    /// The file's stamp now; `None` when it does not exist. Only hashes when size or mtime
    /// differ from `known`, so the idle check costs a `stat` per file.
    pub fn read(path: &Path, known: Option<DiskStamp>) -> io::Result<Option<DiskStamp>> {
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if let Some(known) = known
            && known.len == meta.len()
            && known.modified.is_some()
            && known.modified == meta.modified().ok()
        {
            return Ok(Some(known));
        }
        let bytes = fs::read(path)?;
        Ok(Some(DiskStamp::of(&bytes, Some(&meta))))
    }
}

/// A 64-bit content hash, enough to tell whether a file changed: eight bytes at a time, each
/// word mixed in by a rotate, an xor and a multiplication by an odd constant (a bijection of
/// the state, so a file that differs in one word always hashes differently). It was FNV-1a,
/// one multiplication per byte in a chain each waiting on the last: a tenth of loading every
/// register. Journals written before the change name their files' old hashes, and restoring
/// one says the files changed on disk; the edits are restored all the same.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, word: [u8; 8]| (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    let mut h = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    for chunk in &mut chunks {
        h = mix(h, chunk.try_into().unwrap_or([0; 8]));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = mix(h, tail);
    h ^ (h >> 29)
}

#[derive(Debug, Clone)]
pub struct Loaded {
    pub register: Register,
    /// The decoded text as read (BOM dropped), for canonical-form and position checks.
    pub text: String,
}

impl ComponentFile {
    pub fn register(&self) -> Option<&Register> {
        self.content.as_ref().ok().map(|l| &l.register)
    }
}

/// Everything faultline knows about one workspace.
#[derive(Debug, Default)]
pub struct Workspace {
    pub root: PathBuf,
    /// Sorted by path.
    pub components: Vec<ComponentFile>,
    /// Sorted by path.
    pub runbooks: Vec<RunbookDoc>,
    /// Problems met while loading runbooks (too large, not UTF-8, unreadable).
    pub runbook_findings: Vec<Finding>,
    /// Register files that are not loaded for their name (not UTF-8): a name faultline cannot
    /// write back exactly is never edited, so nothing is saved under another name.
    pub name_findings: Vec<Finding>,
    /// The alerts defined in the workspace's monitoring config; `None` until scanned.
    pub monitoring: Option<Arc<crate::monitoring::Inventory>>,
    /// The categories risks are sorted into (`faultline.toml`, else the defaults).
    pub categories: Vec<String>,
    runbook_by_path: HashMap<String, usize>,
}

impl Workspace {
    /// The workspace holding `start`: the nearest directory, going up, with a `registers/` folder.
    pub fn discover(start: &Path) -> Result<PathBuf> {
        let start = start
            .canonicalize()
            .with_context(|| format!("cannot open {}", crate::sanitize::QuotedPath(start)))?;
        for dir in start.ancestors() {
            if dir.join(REGISTERS_DIR).is_dir() {
                return Ok(dir.to_path_buf());
            }
        }
        bail!(
            "no workspace: neither {} nor any parent holds a `{REGISTERS_DIR}/` directory (pass --workspace DIR)",
            crate::sanitize::QuotedPath(&start)
        )
    }

    /// Loads every `registers/*.json` and indexes every `runbooks/**/*.md` under `root`.
    /// Only a missing or unreadable `registers/` directory is an error; bad files are findings.
    pub fn load(root: &Path) -> Result<Workspace> {
        let mut ws = Workspace::load_registers(root)?;
        ws.load_runbooks_and_monitoring();
        Ok(ws)
    }

    /// Indexes the runbooks and reads the monitoring config, side by side: both are mostly
    /// waiting on files.
    pub fn load_runbooks_and_monitoring(&mut self) {
        let root = self.root.clone();
        let (runbooks, inventory) = std::thread::scope(|scope| {
            let inventory = scope.spawn(|| crate::monitoring::Inventory::scan(&root));
            let runbooks = RunbookSet::index(&root);
            (runbooks, inventory.join())
        });
        self.attach_runbooks(runbooks);
        let inventory = inventory.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        self.monitoring = Some(Arc::new(inventory));
    }

    /// A workspace at `root` with nothing loaded yet.
    pub fn empty(root: &Path) -> Workspace {
        Workspace {
            root: root.to_path_buf(),
            ..Workspace::default()
        }
    }

    /// Loads the register files only: what the first screen needs. Runbooks follow with
    /// `attach_runbooks`.
    pub fn load_registers(root: &Path) -> Result<Workspace> {
        Ok(Workspace::load_registers_from(root, usize::MAX, &[])?.0)
    }

    /// The first `n` registers in the order the components pane lists them (`usize::MAX`:
    /// all), taking those of `read` (read before, unchanged since) as they are rather than
    /// reading them again; and how many there are in all. A large workspace's first frame
    /// reads a few, and the rest are read after it.
    pub fn load_registers_from(
        root: &Path,
        n: usize,
        read: &[ComponentFile],
    ) -> Result<(Workspace, usize)> {
        let (mut paths, name_findings) = register_paths(root)?;
        let total = paths.len();
        paths.truncate(n);
        let read: HashMap<&Path, &ComponentFile> =
            read.iter().map(|c| (c.path.as_path(), c)).collect();
        let components = crate::parallel::map(&paths, |path| {
            let rel = path.strip_prefix(root).unwrap_or(path);
            match read.get(rel) {
                Some(file) => (*file).clone(),
                None => load_component(root, path),
            }
        });
        let ws = Workspace {
            root: root.to_path_buf(),
            components,
            name_findings,
            categories: crate::monitoring::config::categories(root),
            ..Workspace::default()
        };
        Ok((ws, total))
    }

    /// A workspace sharing this one's registers (not copies) and no runbooks: for a check on
    /// another thread.
    pub fn share_registers(&self) -> Workspace {
        Workspace {
            root: self.root.clone(),
            components: self.components.clone(),
            monitoring: self.monitoring.clone(),
            name_findings: self.name_findings.clone(),
            categories: self.categories.clone(),
            ..Workspace::default()
        }
    }

    /// The categories risks are sorted into (the defaults when none were loaded), and whether
    /// any risk has one: the coverage rules and readiness count categories only then.
    pub fn category_names(&self) -> (Vec<String>, bool) {
        let names = if self.categories.is_empty() {
            crate::model::DEFAULT_CATEGORIES
                .iter()
                .map(|c| (*c).to_owned())
                .collect()
        } else {
            self.categories.clone()
        };
        let used = self
            .registers()
            .any(|reg| reg.risks.iter().any(|r| !r.category.trim().is_empty()));
        (names, used)
    }

    /// Puts an indexed set of runbooks into the workspace.
    pub fn attach_runbooks(&mut self, set: RunbookSet) {
        self.runbooks = set.docs;
        self.index_runbook_paths();
        self.runbook_findings = set.findings;
    }

    /// Adds or replaces one runbook in the index (a stub just written, a file just edited).
    pub fn add_runbook(&mut self, doc: RunbookDoc) {
        match self.runbook_by_path.get(&doc.path) {
            Some(&i) => self.runbooks[i] = doc,
            None => {
                self.runbook_by_path
                    .insert(doc.path.clone(), self.runbooks.len());
                self.runbooks.push(doc);
            }
        }
    }

    /// Takes one runbook out of the index (a stub undone before it was written).
    pub fn remove_runbook(&mut self, path: &str) {
        if self.runbook_by_path.remove(path).is_some() {
            self.runbooks.retain(|doc| doc.path != path);
            self.index_runbook_paths();
        }
    }

    fn index_runbook_paths(&mut self) {
        self.runbook_by_path = self
            .runbooks
            .iter()
            .enumerate()
            .map(|(i, d)| (d.path.clone(), i))
            .collect();
    }

    /// Takes the runbooks out (to hand them to another workspace value).
    pub fn take_runbooks(&mut self) -> RunbookSet {
        self.runbook_by_path.clear();
        RunbookSet {
            docs: std::mem::take(&mut self.runbooks),
            findings: std::mem::take(&mut self.runbook_findings),
        }
    }

    /// The registers that loaded, in path order.
    pub fn registers(&self) -> impl Iterator<Item = &Register> {
        self.components.iter().filter_map(ComponentFile::register)
    }

    /// Findings of files that did not load.
    pub fn load_findings(&self) -> Vec<Finding> {
        self.components
            .iter()
            .filter_map(|c| c.content.as_ref().err().cloned())
            .chain(self.name_findings.iter().cloned())
            .collect()
    }

    /// The indexed runbook at a workspace-relative path.
    pub fn runbook(&self, path: &str) -> Option<&RunbookDoc> {
        self.runbook_by_path.get(path).map(|&i| &self.runbooks[i])
    }

    /// The loaded component with this id.
    pub fn component(&self, id: &str) -> Option<&ComponentFile> {
        self.components.iter().find(|c| c.stem == id)
    }

    /// The risk a reference names (`component/risk-id`), if that component loads and has it.
    pub fn risk(&self, reference: &str) -> Option<&crate::model::Risk> {
        let (component, id) = reference.split_once('/')?;
        self.component(component)?
            .register()?
            .risks
            .iter()
            .find(|r| r.id == id)
    }

    /// Whether a file exists at this workspace-relative path (already known safe).
    pub fn file_exists(&self, rel: &str) -> bool {
        self.runbook_by_path.contains_key(rel) || self.root.join(rel).exists()
    }
}

/// Every runbook of a workspace, indexed, with the problems met reading them.
#[derive(Debug, Default)]
pub struct RunbookSet {
    pub docs: Vec<RunbookDoc>,
    pub findings: Vec<Finding>,
}

impl RunbookSet {
    /// Indexes every `runbooks/**/*.md` under `root`, on all cores.
    pub fn index(root: &Path) -> RunbookSet {
        let paths = runbook_paths(root);
        let mut set = RunbookSet::default();
        for (doc, finding) in crate::parallel::map(&paths, |path| load_runbook(root, path)) {
            set.docs.push(doc);
            set.findings.extend(finding);
        }
        set
    }
}

/// Every runbook's workspace-relative path and text (over the size limit or unreadable: left
/// out; invalid UTF-8: with replacement characters), on all cores. For searching the full text.
pub fn runbook_texts(root: &Path) -> Vec<(String, String)> {
    crate::parallel::map(&runbook_paths(root), |path| {
        let text = read_limited(root, path).ok().map(|bytes| {
            String::from_utf8(bytes)
                .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
        });
        (relative(root, path), text)
    })
    .into_iter()
    .filter_map(|(path, text)| Some((path, text?)))
    .collect()
}

/// Whether a directory entry's name can be read and written back exactly (UTF-8).
pub fn has_utf8_name(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.to_str().is_some())
}

/// The finding for a register file whose name is not UTF-8.
fn name_finding(root: &Path, path: &Path) -> Finding {
    Finding::error(
        relative(root, path),
        Pos::START,
        "file-name",
        "the file name is not UTF-8: not loaded, and never written (rename it)".into(),
    )
}

/// Every register file's path (`registers/*.json`), sorted; and a finding for each whose name
/// is not UTF-8, which is left out.
pub fn register_paths(root: &Path) -> Result<(Vec<PathBuf>, Vec<Finding>)> {
    let registers_dir = root.join(REGISTERS_DIR);
    let mut paths = Vec::new();
    let mut findings = Vec::new();
    for entry in fs::read_dir(&registers_dir).with_context(|| {
        format!(
            "cannot read {}",
            crate::sanitize::QuotedPath(&registers_dir)
        )
    })? {
        let entry = entry?;
        let path = entry.path();
        // The directory entry tells a plain file without a `stat`; a link is followed.
        let is_file = match entry.file_type() {
            Ok(kind) if !kind.is_symlink() => kind.is_file(),
            _ => path.is_file(),
        };
        if is_file && path.extension().is_some_and(|e| e == "json") {
            if has_utf8_name(&path) {
                paths.push(path);
            } else {
                findings.push(name_finding(root, &path));
            }
        }
    }
    paths.sort_by(|a, b| path_order(a, b));
    findings.sort_by(Finding::order);
    Ok((paths, findings))
}

/// Every register under `root` parsed on all cores, each file's text dropped once it is parsed:
/// `(file stem, register or why it did not read)`, sorted by path. For a side of a diff, which
/// needs neither the text nor the runbooks.
pub fn parse_registers(root: &Path) -> Result<Vec<(String, Result<Register, Finding>)>> {
    Ok(crate::parallel::map(&register_paths(root)?.0, |path| {
        let file = load_component(root, path);
        let register = file.content.map(|loaded| {
            Arc::try_unwrap(loaded).map_or_else(|l| l.register.clone(), |l| l.register)
        });
        (file.stem, register)
    }))
}

/// Every runbook's path (`runbooks/**/*.md`), sorted.
pub fn runbook_paths(root: &Path) -> Vec<PathBuf> {
    let mut paths = runbook_files(root);
    paths.sort_by(|a, b| path_order(a, b));
    paths
}

/// Every runbook's path (`runbooks/**/*.md`), in the order the directories list them.
pub fn runbook_files(root: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    each_runbook(root, &mut |entry| paths.push(entry.path()));
    paths
}

/// Hands every runbook's directory entry (`runbooks/**/*.md`) to `each`, in the order the
/// directories list them: the one walk that decides what a runbook is.
pub fn each_runbook(root: &Path, each: &mut dyn FnMut(&fs::DirEntry)) {
    walk_markdown(&root.join(RUNBOOKS_DIR), each);
}

/// Every `*.md` below `dir`, skipping hidden entries; symlinked directories are not followed so
/// a link cannot loop or lead outside the workspace.
fn walk_markdown(dir: &Path, each: &mut dyn FnMut(&fs::DirEntry)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk_markdown(&entry.path(), each);
        } else if kind.is_file()
            && Path::new(&entry.file_name())
                .extension()
                .is_some_and(|e| e == "md")
        {
            each(&entry);
        }
    }
}

pub use crate::core::links::path_order;
use crate::workspace::fs::read_limited_with_metadata;
pub use crate::workspace::fs::{
    contained, create_dir_inside, inject_write_errors, injected_write_error, read_limited,
    read_named_file, relative, relative_components, remove_durably, save_atomic,
    save_atomic_with_mode, save_inside, too_large,
};

fn load_component(root: &Path, path: &Path) -> ComponentFile {
    let rel = relative(root, path);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut disk = None;
    let content = read_limited_with_metadata(root, path)
        .and_then(|(bytes, meta)| {
            disk = Some(DiskStamp::of(&bytes, Some(&meta)));
            decode(Path::new(&rel), bytes)
        })
        .and_then(|text| {
            parse_register(Path::new(&rel), &text)
                .map(|register| Arc::new(Loaded { register, text }))
        });
    ComponentFile {
        path: PathBuf::from(rel),
        stem,
        content,
        disk,
    }
}

fn load_runbook(root: &Path, path: &Path) -> (RunbookDoc, Option<Finding>) {
    let rel = relative(root, path);
    match read_limited(root, path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (RunbookDoc::index(rel, &text), None),
            Err(err) => {
                let bytes = err.into_bytes();
                let finding = decode(Path::new(&rel), bytes.clone()).err();
                let text = String::from_utf8_lossy(&bytes);
                (
                    RunbookDoc::index(rel, &text),
                    finding.map(|mut f| {
                        f.severity = crate::finding::Severity::Warning;
                        f.message.push_str("; shown with replacement characters");
                        f
                    }),
                )
            }
        },
        Err(finding) => (
            RunbookDoc {
                path: rel,
                ..RunbookDoc::default()
            },
            Some(finding),
        ),
    }
}

/// Loads one register file again (after a change on disk).
pub fn reload_component(root: &Path, rel: &Path) -> ComponentFile {
    load_component(root, &root.join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Changing any one byte, or only the length (a trailing zero), changes the hash.
        #[test]
        fn a_changed_byte_changes_the_hash(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            at in 0usize..40,
            to in proptest::prelude::any::<u8>(),
        ) {
            let mut changed = bytes.clone();
            if let Some(b) = changed.get_mut(at) {
                proptest::prop_assume!(*b != to);
                *b = to;
            } else {
                changed.push(0);
            }
            proptest::prop_assert_ne!(hash_bytes(&bytes), hash_bytes(&changed));
            proptest::prop_assert_eq!(hash_bytes(&bytes), hash_bytes(&bytes.clone()));
        }
    }

    /// A file is read whole whatever its size against the read sizes; the metadata is the
    /// file's; a register reached through a symbolic link is loaded, a directory named like one
    /// is not.
    #[test]
    fn files_are_read_whole_and_registers_found_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for len in [0u32, 1, 4095, 4096, 70_001] {
            let path = root.join(format!("f{len}"));
            let text: Vec<u8> = (0..len)
                .map(|i| b'a' + u8::try_from(i % 26).unwrap())
                .collect();
            fs::write(&path, &text).unwrap();
            let (bytes, meta) = read_limited_with_metadata(root, &path).unwrap();
            assert_eq!(bytes, text, "{len}");
            assert_eq!(meta.len(), u64::from(len));
        }
        let missing = read_limited(root, &root.join("missing")).unwrap_err();
        assert_eq!(missing.rule, "io-error");
        fs::create_dir_all(root.join("registers/dir.json")).unwrap();
        fs::write(
            root.join("real.json"),
            r#"{"component":"b","title":"B","risks":[]}"#,
        )
        .unwrap();
        std::os::unix::fs::symlink(root.join("real.json"), root.join("registers/b.json")).unwrap();
        fs::write(
            root.join("registers/a.json"),
            r#"{"component":"a","title":"A","risks":[]}"#,
        )
        .unwrap();
        let paths = register_paths(root).unwrap().0;
        let names: Vec<String> = paths.iter().map(|p| relative(root, p)).collect();
        assert_eq!(names, ["registers/a.json", "registers/b.json"]);
    }

    #[test]
    fn atomic_save_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.json");
        fs::write(&target, "old").unwrap();
        save_atomic(&target, b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn discover_walks_up() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("registers")).unwrap();
        fs::create_dir_all(dir.path().join("runbooks/deep/er")).unwrap();
        let found = Workspace::discover(&dir.path().join("runbooks/deep/er")).unwrap();
        assert_eq!(found, dir.path().canonicalize().unwrap());
    }

    #[test]
    fn discover_fails_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let err = Workspace::discover(dir.path()).unwrap_err().to_string();
        assert!(err.contains("registers/"), "{err}");
    }
}
