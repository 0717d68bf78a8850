//! The search index: every section of every runbook, its words stemmed once, inverted (stem →
//! the sections holding it, with a count per field), kept in the user's cache directory between
//! runs. A query reads the file, checks that no runbook or register changed since (each file's
//! path, size and modification time), and decodes only the postings of its own stems: so
//! `faultline runbook QUERY` answers over 2,000 runbooks without reading them. Anything changed,
//! or a cache that does not read back, and the index is built again from the files and written
//! atomically (a concurrent writer's copy simply wins).

use super::codec::{Reader, Span, Writer};
use super::vocabulary::STOP_WORDS;
use crate::model::Register;
use rust_stemmers::Stemmer;
use std::collections::HashMap;
use std::path::Path;

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

/// `path#anchor` (or `path` for the runbook's top) → the risks linking there: (reference,
/// their words).
#[derive(Debug, Default)]
struct RegisterWords(HashMap<String, Vec<(String, String)>>);

fn register_words(registers: &[&Register]) -> RegisterWords {
    let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for reg in registers {
        for risk in &reg.risks {
            let Some((path, anchor)) = link_of(risk) else {
                continue;
            };
            let key = match anchor {
                Some(a) if !a.is_empty() => format!("{path}#{a}"),
                _ => path,
            };
            let text = format!(
                "{} {} {} {} {}",
                risk.id,
                risk.title,
                risk.description,
                risk.detection,
                risk.alerts.join(" ")
            );
            out.entry(key)
                .or_default()
                .push((format!("{}/{}", reg.component, risk.id), text));
        }
    }
    RegisterWords(out)
}

/// A risk's runbook link: the normalised file and the anchor.
fn link_of(risk: &crate::model::Risk) -> Option<(String, Option<&str>)> {
    let (file, anchor) = risk.runbook_parts()?;
    Some((crate::core::links::normalize("", file)?, anchor))
}

/// Stems words, remembering the ones it has seen (a workspace repeats its words).
struct Stems<'s> {
    stemmer: &'s Stemmer,
    /// Which worker thread this is (its stems' ids are its own).
    thread: usize,
    /// A word as written → its stem's id (`None`: a stop word).
    memo: HashMap<String, Option<u32>>,
    /// The stems this thread has met, by id, and back: a section keeps ids, not strings, so
    /// the index of 2,000 runbooks is built without a million small allocations.
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Stems<'_> {
    /// Counts each stem of `text` into field `field` of `counts`; returns how many words.
    fn count(&mut self, text: &str, field: usize, counts: &mut HashMap<u32, [u16; FIELDS]>) -> u32 {
        let mut len = 0u32;
        let mut previous: Option<(usize, &str)> = None;
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            len = len.saturating_add(1);
            // Where the word starts in `text` (a subslice of it).
            let at = word.as_ptr() as usize - text.as_ptr() as usize;
            // "SEV-1", "fail-over", "e-mail": also counted as the one word they join into.
            if let Some((end, before)) = previous.replace((at + word.len(), word))
                && at == end + 1
                && text.as_bytes()[end] == b'-'
                && before.len().min(word.len()) <= 4
            {
                self.add(&format!("{before}{word}"), field, counts);
            }
            self.add(word, field, counts);
        }
        len
    }

    /// Counts `word`'s stem (none for a stop word) into field `field` of `counts`.
    fn add(&mut self, word: &str, field: usize, counts: &mut HashMap<u32, [u16; FIELDS]>) {
        let id = match self.memo.get(word) {
            Some(id) => *id,
            None => {
                let lower = word.to_lowercase();
                let id = (!STOP_WORDS.contains(&lower.as_str())).then(|| {
                    let stem = self.stemmer.stem(&lower).into_owned();
                    if let Some(&id) = self.ids.get(&stem) {
                        id
                    } else {
                        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
                        self.names.push(stem.clone());
                        self.ids.insert(stem, id);
                        id
                    }
                });
                self.memo.insert(word.to_owned(), id);
                id
            }
        };
        if let Some(id) = id {
            let c = counts.entry(id).or_insert([0; FIELDS]);
            c[field] = c[field].saturating_add(1);
        }
    }
}

/// A section holding a stem, and the stem's count in each of its fields.
type Posting = (u32, [u16; FIELDS]);

/// One section as built, before it is written.
struct Built {
    anchor: String,
    heading: String,
    top: bool,
    lens: [u32; FIELDS],
    risk: String,
    /// (the stem's id in the building thread's `Stems`, its count per field).
    stems: Vec<(u32, [u16; FIELDS])>,
}

/// One runbook's sections: each heading to the next heading of any level.
fn sections_of(path: &str, text: &str, register: &RegisterWords, stems: &mut Stems) -> Vec<Built> {
    let headings = crate::runbook::headings_of(path, text);
    let about_text = format!("{} {}", crate::runbook::title_of(path, &headings), path);
    let lines = crate::finding::LineIndex::new(text);
    let mut parents: Vec<(u8, &str)> = Vec::new();
    let mut out = Vec::with_capacity(headings.len());
    for (i, heading) in headings.iter().enumerate() {
        parents.retain(|(level, _)| *level < heading.level);
        parents.push((heading.level, &heading.text));
        // The heading's own words weigh as a heading; its parents' as the runbook's title.
        let parent_words: Vec<&str> = parents[..parents.len() - 1]
            .iter()
            .map(|(_, t)| *t)
            .collect();
        let start = lines.line_start(heading.line + 1).min(text.len());
        let end = headings
            .get(i + 1)
            .map_or(text.len(), |h| lines.line_start(h.line))
            .max(start);
        let body = without_cross_links(text.get(start..end).unwrap_or_default());
        let key = format!("{}#{}", path, heading.anchor);
        // The runbook's top also takes the risks that link to the runbook without an anchor.
        let linked: Vec<&(String, String)> = register
            .0
            .get(&key)
            .into_iter()
            .flatten()
            .chain(
                register
                    .0
                    .get(path)
                    .into_iter()
                    .flatten()
                    .filter(|_| i == 0),
            )
            .collect();
        let register_text: String = linked
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut counts = HashMap::new();
        let about = format!("{about_text} {}", parent_words.join(" "));
        let lens = [
            stems.count(&about, 0, &mut counts),
            stems.count(&heading.text, 1, &mut counts),
            stems.count(&body, 2, &mut counts),
            stems.count(&register_text, 3, &mut counts),
        ];
        out.push(Built {
            anchor: heading.anchor.clone(),
            heading: heading.text.clone(),
            top: i == 0,
            lens,
            risk: linked.first().map(|(r, _)| r.clone()).unwrap_or_default(),
            stems: counts.into_iter().collect(),
        });
    }
    out
}

/// A section's text without the words of its links to other runbooks: "[card provider
/// outage](../payments/provider-outage.md)" describes the runbook it points to, not this one.
fn without_cross_links(body: &str) -> std::borrow::Cow<'_, str> {
    if !body.contains("](") {
        return body.into();
    }
    let mut out = String::with_capacity(body.len());
    for line in body.split_inclusive('\n') {
        let mut rest = line;
        while let Some(open) = rest.find('[') {
            let after = &rest[open + 1..];
            let Some(close) = after.find("](") else { break };
            let dest = &after[close + 2..];
            let Some(end) = dest.find(')') else { break };
            let target = &dest[..end];
            out.push_str(&rest[..=open]);
            let local = !target.starts_with('#') && !target.contains("://");
            if local && target.split('#').next().is_some_and(|f| f.ends_with(".md")) {
                out.extend(std::iter::repeat_n(' ', close));
            } else {
                out.push_str(&after[..close]);
            }
            out.push_str(&after[close..=close + 2 + end]);
            rest = &dest[end + 1..];
        }
        out.push_str(rest);
    }
    out.into()
}

/// Builds the index of `runbooks` (path, text), with what the registers say about them, on all
/// cores. `stamps` are the files it was built from.
pub fn build(
    stemmer: &Stemmer,
    runbooks: &[(String, String)],
    facts: &RegisterFacts,
    stamps: &[Stamp],
) -> Index {
    let register = &facts.words;
    let mut states: Vec<Stems> = (0..crate::parallel::threads())
        .map(|thread| Stems {
            stemmer,
            thread,
            memo: HashMap::new(),
            names: Vec::new(),
            ids: HashMap::new(),
        })
        .collect();
    let mut blocks =
        crate::parallel::unordered(runbooks, &mut states, 16, 8, |stems, start, block, out| {
            let built: Vec<Vec<Built>> = block
                .iter()
                .map(|(path, text)| sections_of(path, text, register, stems))
                .collect();
            out.push((start, stems.thread, built));
        });
    blocks.sort_unstable_by_key(|(start, _, _)| *start);
    // Each thread's stem ids → one id over all of them.
    let mut names: Vec<&str> = Vec::new();
    let mut global: HashMap<&str, u32> = HashMap::new();
    let mut to_global: Vec<Vec<u32>> = Vec::with_capacity(states.len());
    for state in &states {
        let mut map = Vec::with_capacity(state.names.len());
        for name in &state.names {
            let id = *global.entry(name.as_str()).or_insert_with(|| {
                names.push(name.as_str());
                u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
            });
            map.push(id);
        }
        to_global.push(map);
    }
    let per_runbook = blocks
        .into_iter()
        .flat_map(|(_, thread, b)| b.into_iter().map(move |built| (thread, built)));
    let mut w = Writer::default();
    w.0.extend_from_slice(MAGIC);
    // The tables' length, filled in once known.
    w.u64(0);
    w.len(stamps.len());
    for s in stamps {
        w.str(&s.path);
        w.u64(s.size);
        w.u64(s.modified);
    }
    w.len(runbooks.len());
    for (path, _) in runbooks {
        w.str(path);
    }
    let mut inverted: Vec<Vec<Posting>> = vec![Vec::new(); names.len()];
    let mut sections = Writer::default();
    let mut n = 0u32;
    for (path, (thread, built)) in per_runbook.enumerate() {
        for section in built {
            sections.len(path);
            sections.str(&section.anchor);
            sections.str(&section.heading);
            sections.u8(u8::from(section.top));
            for len in section.lens {
                sections.u32(len);
            }
            sections.str(&section.risk);
            for (local, counts) in section.stems {
                let id = to_global[thread][local as usize] as usize;
                inverted[id].push((n, counts));
            }
            n += 1;
        }
    }
    w.u32(n);
    w.0.extend_from_slice(&sections.0);
    w.0.extend_from_slice(&facts.alerts);
    let mut terms: Vec<(&str, Vec<Posting>)> = names.iter().copied().zip(inverted).collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
    w.len(terms.len());
    for (stem, postings) in &terms {
        w.str(stem);
        w.len(postings.len());
    }
    let tables = w.0.len() as u64;
    w.0[MAGIC.len()..MAGIC.len() + 8].copy_from_slice(&tables.to_le_bytes());
    let mut p = Writer::default();
    for (_, postings) in &mut terms {
        postings.sort_unstable_by_key(|p| p.0);
        for (section, counts) in postings.iter() {
            p.u32(*section);
            for c in counts {
                p.u16(*c);
            }
        }
    }
    let len = p.0.len() as u64;
    Index::read(w.0, Postings::Memory(p.0), len)
        .unwrap_or_else(|| unreachable!("an index written here reads back"))
}

/// Every alert the risks name, in register order, with where the risk's runbook link points.
fn alerts_of(registers: &[&Register]) -> Vec<u8> {
    let mut alerts = Writer::default();
    let mut n = 0usize;
    for reg in registers {
        for risk in &reg.risks {
            let link = link_of(risk);
            for alert in &risk.alerts {
                alerts.str(alert);
                alerts.str(&format!("{}/{}", reg.component, risk.id));
                alerts.str(&risk.title);
                alerts.str(link.as_ref().map_or("", |(p, _)| p.as_str()));
                alerts.str(link.as_ref().and_then(|(_, a)| *a).unwrap_or_default());
                alerts.u8(u8::from(link.is_some()));
                n += 1;
            }
        }
    }
    let mut w = Writer::default();
    w.len(n);
    w.0.extend_from_slice(&alerts.0);
    w.0
}

/// What the index takes from the registers: the words of the risks linking to each section,
/// and the alerts they name (written as the index's alert table). Taken first, so that the
/// registers are freed before the runbooks are read.
pub struct RegisterFacts {
    words: RegisterWords,
    alerts: Vec<u8>,
}

impl RegisterFacts {
    pub fn of(registers: &[&Register]) -> RegisterFacts {
        RegisterFacts {
            words: register_words(registers),
            alerts: alerts_of(registers),
        }
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
        let registers: Vec<&Register> = ws
            .components
            .iter()
            .filter_map(crate::store::ComponentFile::register)
            .collect();
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
mod tests {
    use super::without_cross_links;

    #[test]
    fn a_link_to_another_runbook_lends_this_section_none_of_its_words() {
        assert_eq!(
            without_cross_links(
                "see [card provider](../pay/outage.md#x) and [here](#local) or [docs](https://a.b/c.md).\n"
            ),
            "see [             ](../pay/outage.md#x) and [here](#local) or [docs](https://a.b/c.md).\n"
        );
        for plain in [
            "no links",
            "[unclosed](a.md",
            "a ] ( b",
            "[x]",
            "[ü](é.md) ß",
        ] {
            assert_eq!(without_cross_links(plain).len(), plain.len(), "{plain}");
        }
        assert_eq!(without_cross_links("[ü](é.md) ß"), "[  ](é.md) ß");
    }
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
