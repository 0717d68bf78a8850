//! One side of a diff: the registers of a revision or a directory as parsed (or why not), and
//! the runbooks read only when a link into them needs checking.

use crate::check::normalize;
use crate::finding::Finding;
use crate::model::Register;
use crate::parse::{decode, parse_register};
use crate::runbook::RunbookDoc;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One side of a diff: the registers that parsed, the files that did not, and the runbooks'
/// anchors (to tell whether a link resolves on that side).
#[derive(Debug, Default)]
pub struct Snapshot {
    /// By component id (the file stem).
    pub registers: BTreeMap<String, Register>,
    pub unreadable: Vec<Finding>,
    /// Runbook path → its text, indexed only when a link into it needs checking.
    sources: HashMap<String, Vec<u8>>,
    /// Runbook path → its anchors, once known.
    anchors: std::cell::RefCell<HashMap<String, Vec<String>>>,
    /// A side read from a directory: its root and its runbooks' paths, each read from disk only
    /// when a link into it needs checking.
    runbooks_on_disk: Option<(std::path::PathBuf, std::collections::HashSet<String>)>,
}

/// A register file's component id: its file stem.
fn stem_of(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Snapshot {
    /// Takes one register file's result (its register, or why it did not read) from `other`,
    /// for a file identical in both.
    pub fn copy_file_from(&mut self, other: &Snapshot, path: &str) {
        let stem = stem_of(path);
        if let Some(register) = other.registers.get(&stem) {
            self.registers.insert(stem, register.clone());
        }
        for finding in other
            .unreadable
            .iter()
            .filter(|f| f.path == Path::new(path))
        {
            self.unreadable.push(finding.clone());
        }
    }

    /// Builds a snapshot from files: `(workspace-relative path, bytes)`.
    pub fn from_files(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for (path, bytes) in files {
            snapshot.add_file(path, bytes);
        }
        snapshot
    }

    /// Adds one file: a register is parsed at once, so a revision read file by file never holds
    /// all its registers' bytes beside their parsed form.
    pub fn add_file(&mut self, path: String, bytes: Vec<u8>) {
        if path.ends_with(".md") {
            self.sources.insert(path, bytes);
            return;
        }
        let parsed = decode(Path::new(&path), bytes)
            .and_then(|text| parse_register(Path::new(&path), &text));
        self.add_register(stem_of(&path), parsed);
    }

    /// Adds a file that could not be read (a blob over the size limit): a register's finding
    /// (the component then reads as unreadable on this side); a runbook is left out.
    pub fn add_unreadable(&mut self, path: &str, finding: Finding) {
        if path.ends_with(".md") {
            return;
        }
        self.add_register(stem_of(path), Err(finding));
    }

    /// Adds one register file's result: its register by component id, or why it did not read.
    fn add_register(&mut self, stem: String, parsed: Result<Register, Finding>) {
        match parsed {
            Ok(register) => {
                self.registers.insert(stem, register);
            }
            Err(finding) => self.unreadable.push(finding),
        }
    }

    /// Adds runbook files (indexed only if a link into them is checked).
    pub fn add_runbooks(&mut self, files: impl IntoIterator<Item = (String, Vec<u8>)>) {
        self.sources.extend(files);
    }

    /// A snapshot of the workspace at `root` as it is on disk, holding only what a diff reads:
    /// each register's text is dropped once it is parsed, and a runbook is read when a link into
    /// it is checked.
    pub fn from_dir(root: &Path) -> anyhow::Result<Snapshot> {
        let mut snapshot = Snapshot::default();
        for (stem, parsed) in crate::store::parse_registers(root)? {
            snapshot.add_register(stem, parsed);
        }
        let runbooks = crate::store::runbook_paths(root)
            .iter()
            .map(|path| crate::store::relative(root, path))
            .collect();
        snapshot.runbooks_on_disk = Some((root.to_path_buf(), runbooks));
        Ok(snapshot)
    }

    /// A copy of this side's registers and unreadable files, to change into another side (the
    /// runbooks are read from this one's directory, if it has one).
    pub fn clone_registers(&self) -> Snapshot {
        Snapshot {
            registers: self.registers.clone(),
            unreadable: self.unreadable.clone(),
            runbooks_on_disk: self.runbooks_on_disk.clone(),
            ..Snapshot::default()
        }
    }

    /// Whether the register file of component `id` exists on this side and does not read.
    pub fn does_not_load(&self, id: &str) -> bool {
        let path = format!("{}/{id}.json", crate::store::REGISTERS_DIR);
        self.unreadable.iter().any(|f| f.path == Path::new(&path))
    }

    /// A snapshot of a loaded workspace.
    pub fn from_workspace(ws: &crate::store::Workspace) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for file in &ws.components {
            let parsed = match &file.content {
                Ok(loaded) => Ok(loaded.register.clone()),
                Err(finding) => Err(finding.clone()),
            };
            snapshot.add_register(file.stem.clone(), parsed);
        }
        let anchors = ws
            .runbooks
            .iter()
            .map(|doc| {
                (
                    doc.path.clone(),
                    doc.headings.iter().map(|h| h.anchor.clone()).collect(),
                )
            })
            .collect();
        snapshot.anchors = std::cell::RefCell::new(anchors);
        snapshot
    }

    /// Whether a risk's runbook link resolves on this side.
    pub fn resolves(&self, link: &str) -> bool {
        let (file, anchor) = match link.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (link, None),
        };
        let Some(path) = normalize("", file) else {
            return false;
        };
        let mut known = self.anchors.borrow_mut();
        if !known.contains_key(&path) {
            let index = |bytes: &[u8]| -> Vec<String> {
                let doc = RunbookDoc::index(path.clone(), &String::from_utf8_lossy(bytes));
                doc.headings.into_iter().map(|h| h.anchor).collect()
            };
            if let Some(bytes) = self.sources.get(&path) {
                known.insert(path.clone(), index(bytes));
            } else if let Some((root, paths)) = &self.runbooks_on_disk
                && paths.contains(&path)
            {
                // A runbook too large or unreadable still exists, with no anchors, as the
                // workspace index has it.
                let bytes = crate::store::read_limited(root, &root.join(&path)).unwrap_or_default();
                known.insert(path.clone(), index(&bytes));
            }
        }
        match (known.get(&path), anchor) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(anchors), Some(a)) => a.is_empty() || anchors.iter().any(|x| x == a),
        }
    }

    pub(super) fn total_score(&self) -> i64 {
        self.registers
            .values()
            .flat_map(|r| &r.risks)
            .map(|r| i64::from(r.score()))
            .sum()
    }
}

/// The runbook files that risks changed or added between `old` and `new` link to: the only
/// ones the diff needs to read.
pub fn runbooks_to_check(old: &Snapshot, new: &Snapshot) -> std::collections::BTreeSet<String> {
    let mut paths = std::collections::BTreeSet::new();
    for (id, reg) in &new.registers {
        let before = old.registers.get(id);
        for risk in &reg.risks {
            let same = before
                .and_then(|b| b.risks.iter().find(|r| r.id == risk.id))
                .is_some_and(|r| r == risk);
            if same {
                continue;
            }
            let old_link = before
                .and_then(|b| b.risks.iter().find(|r| r.id == risk.id))
                .map(|r| r.runbook.as_str());
            for link in [Some(risk.runbook.as_str()), old_link]
                .into_iter()
                .flatten()
            {
                if let Some(path) = link
                    .split('#')
                    .next()
                    .and_then(|f| normalize("", f))
                    .filter(|p| !p.is_empty())
                {
                    paths.insert(path);
                }
            }
        }
    }
    paths
}
