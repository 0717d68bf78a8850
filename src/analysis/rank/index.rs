//! The search index: every section of every runbook, its words stemmed once, inverted (stem →
//! the sections holding it, with a count per field), kept in the user's cache directory between
//! runs. A query reads the file, checks that no runbook or register changed since (each file's
//! path, size and modification time), and decodes only the postings of its own stems: so
//! `faultline runbook QUERY` answers over 2,000 runbooks without reading them. Anything changed,
//! or a cache that does not read back, and the index is built again from the files and written
//! atomically (a concurrent writer's copy simply wins).

use super::codec::{Reader, Span};
use crate::model::Register;
use rust_stemmers::Stemmer;
use std::path::Path;

mod build;
pub use build::{RegisterFacts, build};

const MAGIC: &[u8] = b"faultline-search 2\n";
/// Fields of a section: about (runbook title, path, parent headings), its own heading, its
/// text, and the words of the risks linking to it.
pub(super) const FIELDS: usize = 4;
/// Bytes of one posting: the section and a count per field.
const POSTING: usize = 4 + 2 * FIELDS;
/// A cache file larger than this is not read (it is rebuilt).
const CACHE_LIMIT: u64 = 1 << 30;

/// A file the index was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub path: String,
    pub size: u64,
    pub modified: u64,
}

/// One section: where it is and how long each field is.
#[derive(Debug, Clone, Copy)]
pub(super) struct SectionMeta {
    pub path: u32,
    pub anchor: Span,
    pub heading: Span,
    /// The runbook's first heading: its top.
    pub top: bool,
    pub lens: [u32; FIELDS],
    /// The first risk linking here (for the "why"), or empty.
    pub risk: Span,
}

/// An alert a risk names, and where the risk's runbook link points.
#[derive(Debug, Clone, Copy)]
pub(super) struct AlertEntry {
    pub name: Span,
    pub reference: Span,
    pub title: Span,
    /// The runbook link's file (normalised) and anchor; `linked` false: the risk links none.
    pub path: Span,
    pub anchor: Span,
    pub linked: bool,
}

#[derive(Debug, Clone, Copy)]
struct TermEntry {
    stem: Span,
    first: u32,
    count: u32,
}

/// Where the postings are: in memory (an index just built) or in the cache file, read a term
/// at a time, so a query reads the postings of its own words and not the other 10 MB.
enum Postings {
    Memory(Vec<u8>),
    File(std::fs::File, u64),
}

impl Postings {
    /// `count` postings from the `first`, as bytes (short when the file is: then fewer).
    fn read(&self, first: usize, count: usize) -> Vec<u8> {
        let (start, len) = (first * POSTING, count * POSTING);
        match self {
            Postings::Memory(bytes) => bytes.get(start..start + len).unwrap_or_default().to_vec(),
            Postings::File(file, at) => {
                use std::os::unix::fs::FileExt as _;
                let mut out = vec![0u8; len];
                match file.read_exact_at(&mut out, at + start as u64) {
                    Ok(()) => out,
                    Err(_) => Vec::new(),
                }
            }
        }
    }
}

/// The index, read from its bytes: the tables are parsed, strings stay in place, postings are
/// read when a query asks for them.
pub struct Index {
    /// The tables: stamps, paths, sections, alerts and terms.
    bytes: Vec<u8>,
    postings: Postings,
    stamps: Vec<Stamp>,
    pub(super) paths: Vec<Span>,
    pub(super) sections: Vec<SectionMeta>,
    pub(super) alerts: Vec<AlertEntry>,
    terms: Vec<TermEntry>,
    /// Each field's average length over the sections (at least 1).
    pub(super) average: [f64; FIELDS],
}

impl Index {
    /// A string of the index.
    pub(super) fn text(&self, span: Span) -> String {
        span.text(&self.bytes)
    }

    pub(super) fn path_of(&self, section: &SectionMeta) -> Span {
        self.paths
            .get(section.path as usize)
            .copied()
            .unwrap_or_default()
    }

    pub(super) fn same(&self, a: Span, b: &str) -> bool {
        a.bytes(&self.bytes) == b.as_bytes()
    }

    /// Whether `a` is `b`, ASCII case aside.
    pub(super) fn same_ignoring_case(&self, a: Span, b: &str) -> bool {
        a.bytes(&self.bytes).eq_ignore_ascii_case(b.as_bytes())
    }

    /// Whether any section holds `stem`.
    pub(super) fn has(&self, stem: &str) -> bool {
        self.terms
            .binary_search_by(|t| t.stem.bytes(&self.bytes).cmp(stem.as_bytes()))
            .is_ok()
    }

    /// Every section holding `stem`, with its count per field.
    pub(super) fn postings(&self, stem: &str) -> impl Iterator<Item = (u32, [u16; FIELDS])> + '_ {
        let found = self
            .terms
            .binary_search_by(|t| t.stem.bytes(&self.bytes).cmp(stem.as_bytes()))
            .ok()
            .map(|i| self.terms[i]);
        let (first, count) = found.map_or((0, 0), |t| (t.first as usize, t.count as usize));
        let bytes = self.postings.read(first, count);
        (0..bytes.len() / POSTING).filter_map(move |i| {
            let mut reader = Reader {
                bytes: &bytes,
                at: i * POSTING,
            };
            let section = reader.u32()?;
            let mut counts = [0u16; FIELDS];
            for c in &mut counts {
                *c = reader.u16()?;
            }
            ((section as usize) < self.sections.len()).then_some((section, counts))
        })
    }

    /// The stems that start with `prefix`, most common first, at most `limit`.
    pub(super) fn stems_starting(&self, prefix: &str, limit: usize) -> Vec<String> {
        let start = self
            .terms
            .partition_point(|t| t.stem.bytes(&self.bytes) < prefix.as_bytes());
        let mut found: Vec<(u32, String)> = self.terms[start..]
            .iter()
            .take_while(|t| t.stem.bytes(&self.bytes).starts_with(prefix.as_bytes()))
            .map(|t| (t.count, t.stem.text(&self.bytes)))
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        found.into_iter().take(limit).map(|(_, s)| s).collect()
    }

    /// Reads an index from its tables' bytes and its postings, `postings_len` bytes long;
    /// `None` when they are not one (damaged, cut short, or written by another version).
    fn read(bytes: Vec<u8>, postings: Postings, postings_len: u64) -> Option<Index> {
        let mut r = Reader {
            bytes: &bytes,
            at: 0,
        };
        if r.take(MAGIC.len())? != MAGIC || r.u64()? != bytes.len() as u64 {
            return None;
        }
        let mut stamps = Vec::new();
        for _ in 0..r.count(20)? {
            stamps.push(Stamp {
                path: r.string()?,
                size: r.u64()?,
                modified: r.u64()?,
            });
        }
        let mut paths = Vec::new();
        for _ in 0..r.count(4)? {
            paths.push(r.span()?);
        }
        let mut sections = Vec::new();
        for _ in 0..r.count(33)? {
            let path = r.u32()?;
            let anchor = r.span()?;
            let heading = r.span()?;
            let top = r.u8()? == 1;
            let mut lens = [0u32; FIELDS];
            for l in &mut lens {
                *l = r.u32()?;
            }
            let risk = r.span()?;
            sections.push(SectionMeta {
                path,
                anchor,
                heading,
                top,
                lens,
                risk,
            });
        }
        let mut alerts = Vec::new();
        for _ in 0..r.count(21)? {
            alerts.push(AlertEntry {
                name: r.span()?,
                reference: r.span()?,
                title: r.span()?,
                path: r.span()?,
                anchor: r.span()?,
                linked: r.u8()? == 1,
            });
        }
        let mut terms = Vec::new();
        let mut first = 0u32;
        for _ in 0..r.count(8)? {
            let stem = r.span()?;
            let count = r.u32()?;
            terms.push(TermEntry { stem, first, count });
            first = first.checked_add(count)?;
        }
        if r.at != bytes.len() || u64::from(first) * POSTING as u64 != postings_len {
            return None;
        }
        #[allow(clippy::cast_precision_loss)] // word counts, far below 2^52
        let average = {
            let mut sum = [0.0f64; FIELDS];
            for s in &sections {
                for (f, len) in s.lens.iter().enumerate() {
                    sum[f] += f64::from(*len);
                }
            }
            sum.map(|total| (total / sections.len().max(1) as f64).max(1.0))
        };
        Some(Index {
            bytes,
            postings,
            stamps,
            paths,
            sections,
            alerts,
            terms,
            average,
        })
    }
}

/// The files an index of `root` is built from (runbooks and registers, as `runbook_paths` and
/// `register_paths` list them), by path, with their sizes and modification times.
pub fn stamps(root: &Path) -> Vec<Stamp> {
    let mut stamps = Vec::new();
    // A runbook is stat'ed through its directory's entry (no path looked up from the root).
    crate::store::each_runbook(root, &mut |entry| {
        if let Ok(meta) = entry.metadata() {
            stamps.push(stamp(root, &entry.path(), &meta));
        }
    });
    // A register link is followed, as the registers are read.
    for path in crate::store::register_paths(root).map_or_else(|_| Vec::new(), |(p, _)| p) {
        if let Ok(meta) = std::fs::metadata(&path) {
            stamps.push(stamp(root, &path, &meta));
        }
    }
    stamps.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    stamps
}

fn stamp(root: &Path, path: &Path, meta: &std::fs::Metadata) -> Stamp {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Stamp {
        path: path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned(),
        size: meta.len(),
        modified,
    }
}

/// The cache file for the workspace at `root`, in the user's cache directory.
pub fn default_file(root: &Path) -> Option<std::path::PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "faultline")?;
    let key = crate::store::hash_bytes(root.to_string_lossy().as_bytes());
    Some(dirs.cache_dir().join(format!("search-{key:016x}.bin")))
}

/// The index of the workspace at `root`: from `cache` when no file changed since it was
/// written, else built (and written to `cache`, when given). `drafts` (stub runbooks not yet on
/// disk) are indexed too, and then the cache is neither read nor written.
pub fn open(
    stemmer: &Stemmer,
    root: &Path,
    cache: Option<&Path>,
    drafts: &[(String, String)],
) -> anyhow::Result<Index> {
    let stamps = stamps(root);
    let cache = cache.filter(|_| drafts.is_empty());
    if let Some(file) = cache
        && let Some(index) = read_cache(file)
        && index.stamps == stamps
    {
        return Ok(index);
    }
    let facts = {
        let ws = crate::store::Workspace::load_registers(root)?;
        let registers: Vec<&Register> = ws.registers().collect();
        RegisterFacts::of(&registers)
    };
    let mut texts = crate::store::runbook_texts(root);
    texts.extend(drafts.iter().cloned());
    let index = build(stemmer, &texts, &facts, &stamps);
    drop(texts);
    if let Some(file) = cache {
        // A cache that cannot be written is only slower next time.
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Postings::Memory(postings) = &index.postings {
            let mut bytes = Vec::with_capacity(index.bytes.len() + postings.len());
            bytes.extend_from_slice(&index.bytes);
            bytes.extend_from_slice(postings);
            let _ = crate::store::save_atomic(file, &bytes);
        }
        // The heading cache this index replaced (`headings-<same key>.txt`) is never read again.
        if let Some(old) = file
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("search-"))
            .and_then(|n| n.strip_suffix(".bin"))
            .map(|key| file.with_file_name(format!("headings-{key}.txt")))
        {
            let _ = std::fs::remove_file(old);
        }
    }
    Ok(index)
}

/// The index in `file`: its tables read, its postings left in the file until asked for.
fn read_cache(file: &Path) -> Option<Index> {
    use std::os::unix::fs::FileExt as _;
    let handle = std::fs::File::open(file).ok()?;
    let size = handle.metadata().ok()?.len();
    if size > CACHE_LIMIT {
        return None;
    }
    let mut head = [0u8; MAGIC.len() + 8];
    handle.read_exact_at(&mut head, 0).ok()?;
    let tables = u64::from_le_bytes(head[MAGIC.len()..].try_into().ok()?);
    if head[..MAGIC.len()] != *MAGIC || tables > size {
        return None;
    }
    let mut bytes = vec![0u8; usize::try_from(tables).ok()?];
    handle.read_exact_at(&mut bytes, 0).ok()?;
    Index::read(bytes, Postings::File(handle, tables), size - tables)
}

#[cfg(test)]
mod stamp_tests {
    /// The index stamps exactly the files the search reads: a runbook or register it read and
    /// did not stamp could change without the index noticing.
    #[test]
    fn the_stamped_files_are_the_files_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("runbooks/a.md", "# A\n"),
            ("runbooks/deep/b/c.md", "# C\n"),
            ("runbooks/.hidden/d.md", "# D\n"),
            ("runbooks/.e.md", "# E\n"),
            ("runbooks/notes.txt", "x"),
            ("registers/one.json", "{}"),
            ("registers/two.txt", "{}"),
            ("registers/sub/three.json", "{}"),
            ("elsewhere/f.md", "# F\n"),
            ("elsewhere/g.json", "{}"),
        ] {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join("runbooks/linked")).unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere/f.md"), root.join("runbooks/f.md"))
            .unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere/g.json"), root.join("registers/g.json"))
            .unwrap();
        let mut read: Vec<String> = crate::store::runbook_paths(root)
            .into_iter()
            .chain(crate::store::register_paths(root).unwrap().0)
            .map(|p| crate::store::relative(root, &p))
            .collect();
        read.sort();
        let stamped: Vec<String> = super::stamps(root).into_iter().map(|s| s.path).collect();
        assert_eq!(stamped, read);
        assert!(
            stamped.contains(&"registers/g.json".to_owned()),
            "{stamped:?}"
        );
    }
}
