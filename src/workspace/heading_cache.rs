//! Every runbook's headings, kept in the user's cache directory between runs, so that
//! `faultline runbook QUERY` answers from the headings of 2,000 runbooks without reading 18 MB
//! of them. Each entry is keyed by the runbook's path, size and modification time and read
//! again when any of them changes. The file is written atomically (a concurrent writer's copy
//! simply wins), and a cache that does not read back is rebuilt, never trusted.

use crate::runbook::Heading;
use crate::store::{read_limited, relative, runbook_paths, save_atomic};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

const MAGIC: &str = "faultline-headings 1";

/// One runbook's headings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub size: u64,
    pub modified: u128,
    pub headings: Vec<Heading>,
}

/// The cache file for the workspace at `root`, in the user's cache directory.
pub fn default_file(root: &Path) -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "faultline")?;
    let key = crate::store::hash_bytes(root.to_string_lossy().as_bytes());
    Some(dirs.cache_dir().join(format!("headings-{key:016x}.txt")))
}

/// Every runbook's headings, from the cache where it is current, read afresh where not; the
/// cache is written back when anything changed. `cache` `None`: no cache, everything read.
pub fn headings(root: &Path, cache: Option<&Path>) -> Vec<Entry> {
    let paths = runbook_paths(root);
    let cached = cache.map(read_cache).unwrap_or_default();
    let results = crate::parallel::map(&paths, |path| {
        let rel = relative(root, path);
        let meta = std::fs::metadata(path).ok()?;
        let size = meta.len();
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        if let Some(entry) = cached.get(&rel)
            && entry.size == size
            && entry.modified == modified
        {
            return Some((entry.clone(), false));
        }
        let bytes = read_limited(root, path).ok()?;
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned());
        let headings = crate::runbook::headings_of(&rel, &text);
        Some((
            Entry {
                path: rel,
                size,
                modified,
                headings,
            },
            true,
        ))
    });
    let mut changed = results.len() != cached.len();
    let mut entries = Vec::with_capacity(results.len());
    for (entry, fresh) in results.into_iter().flatten() {
        changed |= fresh;
        entries.push(entry);
    }
    if changed && let Some(file) = cache {
        // A cache that cannot be written is only slower next time.
        let _ = write_cache(file, &entries);
    }
    entries
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn write_cache(file: &Path, entries: &[Entry]) -> std::io::Result<()> {
    let mut text = String::from(MAGIC);
    text.push('\n');
    for entry in entries {
        let _ = writeln!(
            text,
            "F\t{}\t{}\t{}",
            escape(&entry.path),
            entry.size,
            entry.modified
        );
        for h in &entry.headings {
            let _ = writeln!(
                text,
                "H\t{}\t{}\t{}\t{}",
                h.level,
                h.line,
                escape(&h.anchor),
                escape(&h.text)
            );
        }
    }
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    save_atomic(file, text.as_bytes())
}

/// The cache's entries by path; empty when it is missing, damaged or of another version.
fn read_cache(file: &Path) -> HashMap<String, Entry> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return HashMap::new();
    };
    parse_cache(&text).unwrap_or_default()
}

fn parse_cache(text: &str) -> Option<HashMap<String, Entry>> {
    let mut lines = text.lines();
    if lines.next()? != MAGIC {
        return None;
    }
    let mut entries: HashMap<String, Entry> = HashMap::new();
    let mut current: Option<Entry> = None;
    for line in lines {
        let mut fields = line.split('\t');
        match fields.next()? {
            "F" => {
                if let Some(done) = current.take() {
                    entries.insert(done.path.clone(), done);
                }
                current = Some(Entry {
                    path: unescape(fields.next()?),
                    size: fields.next()?.parse().ok()?,
                    modified: fields.next()?.parse().ok()?,
                    headings: Vec::new(),
                });
            }
            "H" => current.as_mut()?.headings.push(Heading {
                level: fields.next()?.parse().ok()?,
                line: fields.next()?.parse().ok()?,
                anchor: unescape(fields.next()?),
                text: unescape(fields.next()?),
            }),
            _ => return None,
        }
    }
    if let Some(done) = current {
        entries.insert(done.path.clone(), done);
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("runbooks/db")).unwrap();
        std::fs::write(
            dir.path().join("runbooks/db/failover.md"),
            "# Failover\n\n## Promote\n\n## Tab\there\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("runbooks/a.md"),
            "Title\n=====\n\n## Next\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn cached_headings_are_the_parsed_ones_and_follow_changes() {
        let ws = workspace();
        let cache = tempfile::tempdir().unwrap();
        let file = cache.path().join("h.txt");
        let fresh = headings(ws.path(), Some(&file));
        assert_eq!(fresh.len(), 2);
        assert_eq!(
            fresh[0].headings[0].text, "Title",
            "setext, through the full parse"
        );
        assert_eq!(fresh[1].headings[2].text, "Tab\there");
        // The cache reads back as what was written.
        assert_eq!(headings(ws.path(), Some(&file)), fresh);
        assert_eq!(
            parse_cache(&std::fs::read_to_string(&file).unwrap())
                .unwrap()
                .len(),
            2
        );
        // A runbook changed on disk (another size) is read again.
        std::fs::write(ws.path().join("runbooks/a.md"), "# Renamed heading\n").unwrap();
        let after = headings(ws.path(), Some(&file));
        assert_eq!(after[0].headings[0].text, "Renamed heading");
        // A damaged cache is rebuilt, not trusted.
        std::fs::write(&file, "faultline-headings 1\nH\tnonsense\n").unwrap();
        assert_eq!(headings(ws.path(), Some(&file)), after);
        std::fs::write(&file, "\u{0}garbage").unwrap();
        assert_eq!(headings(ws.path(), Some(&file)), after);
        // A removed runbook leaves the cache.
        std::fs::remove_file(ws.path().join("runbooks/a.md")).unwrap();
        assert_eq!(headings(ws.path(), Some(&file)).len(), 1);
        assert_eq!(
            parse_cache(&std::fs::read_to_string(&file).unwrap())
                .unwrap()
                .len(),
            1
        );
    }
}
