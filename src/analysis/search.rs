//! The finder's index: every component, risk, runbook and runbook heading as one fuzzy-searchable
//! line. nucleo-matcher (the helix/television matcher) scores them; a query that extends the
//! previous one only rescans the previous matches, so typing narrows instead of starting over.

use crate::store::Workspace;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::sync::atomic::{AtomicBool, Ordering};

mod arena;
use arena::Arena;
pub use arena::Item;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    Component,
    Risk,
    Runbook,
    Heading,
    Alert,
}

impl ItemKind {
    /// A short tag shown before each result, so kinds read without colour.
    pub fn tag(self) -> &'static str {
        match self {
            ItemKind::Component => "comp",
            ItemKind::Risk => "risk",
            ItemKind::Runbook => "book",
            ItemKind::Heading => "  § ",
            ItemKind::Alert => "alrt",
        }
    }
}

/// Where a result leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Component {
        id: String,
    },
    Risk {
        component: String,
        id: String,
    },
    Runbook {
        path: String,
        anchor: Option<String>,
    },
    /// An alert from the monitoring config, with the first risk that names it (boxed: most
    /// items are not alerts, and every item is as large as the largest kind).
    Alert {
        name: String,
        location: String,
        risk: Option<Box<(String, String)>>,
    },
}

/// Every searchable thing in a workspace: one arena, or more when one index was appended to
/// another (the organisation's runbooks after its registers).
#[derive(Debug, Default)]
pub struct SearchIndex {
    parts: Vec<Arena>,
}

/// The matches of one query: item indices, best first.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    pub query: String,
    pub items: Vec<u32>,
    /// The query's words as parsed, and for each item in `items` the score of each of the
    /// first `CACHED` words: the next keystroke rescores only the words it changed.
    atoms: Vec<Atom>,
    scores: Vec<[u16; CACHED]>,
}

/// How many words of a query keep their scores from keystroke to keystroke.
const CACHED: usize = 4;

/// Whether typing more onto a query with these words can only narrow its matches: every word
/// is a plain fuzzy one. A negated word (`!x`) matches more as it grows, and `$` or `'` typed
/// later changes what a word means.
fn narrows(atoms: &[Atom]) -> bool {
    atoms
        .iter()
        .all(|atom| !atom.negative && atom.kind == AtomKind::Fuzzy)
}

impl SearchIndex {
    pub fn build(ws: &Workspace) -> SearchIndex {
        let mut arena = Arena::default();
        for reg in ws.registers() {
            arena.push_register(reg);
        }
        arena.push_runbooks(&ws.runbooks);
        if let Some(inventory) = ws.monitoring.as_deref() {
            arena.push_alerts(ws, inventory);
        }
        arena.shrink();
        SearchIndex { parts: vec![arena] }
    }

    /// The index of runbooks alone: the organisation view appends it to its registers' index
    /// once the background load has read them.
    pub fn of_runbooks(runbooks: &[crate::runbook::RunbookDoc]) -> SearchIndex {
        let mut arena = Arena::default();
        arena.push_runbooks(runbooks);
        arena.shrink();
        SearchIndex { parts: vec![arena] }
    }

    /// Appends another index's lines after this one's: its arena is kept as it is, not copied.
    pub fn append(&mut self, other: SearchIndex) {
        self.parts.extend(other.parts);
    }

    /// How many lines the finder searches.
    pub fn len(&self) -> usize {
        self.parts.iter().map(|part| part.items.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The arena holding line `item`, and the line.
    fn locate(&self, item: u32) -> (&Arena, &Item) {
        let mut i = item as usize;
        let last = self.parts.len().saturating_sub(1);
        for part in &self.parts[..last] {
            if i < part.items.len() {
                return (part, &part.items[i]);
            }
            i -= part.items.len();
        }
        let part = &self.parts[last];
        (part, &part.items[i])
    }

    pub fn kind(&self, item: u32) -> ItemKind {
        self.locate(item).1.kind
    }

    /// The line shown: `payments-api/concurrency-limit  Lambda concurrency limit…`.
    pub fn text(&self, item: u32) -> &str {
        let (part, item) = self.locate(item);
        part.line(item)
    }

    /// Every line, in index order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .flat_map(|part| part.items.iter().map(|item| part.line(item)))
    }

    /// Where the line leads.
    pub fn target(&self, item: u32) -> Target {
        let (part, item) = self.locate(item);
        part.target(item)
    }

    /// Replaces one component's items after an edit (`None`: the component is gone), instead of
    /// rebuilding the whole index.
    pub fn replace_component(&mut self, id: &str, register: Option<&crate::model::Register>) {
        for part in &mut self.parts {
            part.remove_component(id);
        }
        if let Some(reg) = register {
            if self.parts.is_empty() {
                self.parts.push(Arena::default());
            }
            if let Some(last) = self.parts.last_mut() {
                last.push_register(reg);
            }
        }
    }

    /// The items matching `query`, best first (ties: components, risks, runbooks, headings, in
    /// index order). When `previous` was a prefix of `query`, only its matches are rescanned.
    /// Scoring is split across the searcher's threads.
    pub fn search(
        &self,
        searcher: &mut Searcher,
        query: &str,
        previous: Option<&Matches>,
    ) -> Matches {
        let never = || false;
        let found = self.search_until(searcher, query, previous, &never);
        found.unwrap_or_default()
    }

    /// `search`, given up (`None`) as soon as `stop` says so: it is asked before each block of
    /// lines is scored, so a key typed while a search of a million lines runs is read within a
    /// block's time, not after the whole search.
    pub fn search_until(
        &self,
        searcher: &mut Searcher,
        query: &str,
        previous: Option<&Matches>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Matches> {
        let all = || {
            (0..self.len())
                .filter_map(|i| u32::try_from(i).ok())
                .collect::<Vec<u32>>()
        };
        if query.trim().is_empty() {
            return Some(Matches {
                query: query.to_owned(),
                items: all(),
                ..Matches::default()
            });
        }
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let atoms = &pattern.atoms;
        // A longer query of plain words matches a subset of what the shorter one matched: only
        // those are scored again, and the words both share keep their scores.
        let narrowing = previous.filter(|prev| {
            !prev.query.trim().is_empty()
                && query.starts_with(&prev.query)
                && narrows(&prev.atoms)
                && narrows(atoms)
        });
        let all_items;
        let (candidates, kept): (&[u32], usize) = match narrowing {
            Some(prev) => {
                let shared = prev
                    .atoms
                    .iter()
                    .zip(atoms)
                    .take_while(|(a, b)| a == b)
                    .count();
                (&prev.items, shared.min(CACHED))
            }
            None => {
                all_items = all();
                (&all_items, 0)
            }
        };
        let stopped = AtomicBool::new(false);
        let score_block =
            |matcher: &mut Matcher,
             start: usize,
             block: &[u32],
             scored: &mut Vec<(u32, u8, u32, [u16; CACHED])>| {
                if stopped.load(Ordering::Relaxed) || stop() {
                    stopped.store(true, Ordering::Relaxed);
                    return;
                }
                for (offset, &i) in block.iter().enumerate() {
                    let (part, item) = self.locate(i);
                    let mut words = [0u16; CACHED];
                    if let Some(prev) = narrowing {
                        words[..kept].copy_from_slice(&prev.scores[start + offset][..kept]);
                    }
                    let mut total: u32 = words[..kept].iter().map(|&w| u32::from(w)).sum();
                    let mut matched = true;
                    for (w, atom) in atoms.iter().enumerate().skip(kept) {
                        let Some(score) = score_atom(atom, part.haystack(item), matcher) else {
                            matched = false;
                            break;
                        };
                        if w < CACHED {
                            words[w] = score;
                        }
                        total += u32::from(score);
                    }
                    if matched {
                        scored.push((u32::MAX - total, item.kind as u8, i, words));
                    }
                }
            };
        // Kinds differ in length (alerts and headings are longer), so threads take blocks as
        // they go rather than one half each.
        let mut scored = crate::parallel::unordered(
            candidates,
            &mut searcher.matchers,
            PARALLEL_FROM,
            1024,
            score_block,
        );
        if stopped.load(Ordering::Relaxed) {
            return None;
        }
        // (inverted score, kind, index) is unique per item, so the unstable sort is stable.
        scored.sort_unstable_by_key(|&(score, kind, i, _)| (score, kind, i));
        Some(Matches {
            query: query.to_owned(),
            items: scored.iter().map(|&(_, _, i, _)| i).collect(),
            scores: scored.into_iter().map(|(_, _, _, words)| words).collect(),
            atoms: pattern.atoms,
        })
    }

    /// Character positions of `item` matched by `query`, for highlighting.
    pub fn highlights(&self, matcher: &mut Matcher, query: &str, item: u32) -> Vec<u32> {
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let mut indices = Vec::new();
        if (item as usize) < self.len() {
            let (part, item) = self.locate(item);
            pattern.indices(part.haystack(item), matcher, &mut indices);
        }
        indices.sort_unstable();
        indices.dedup();
        indices
    }
}

/// One word's score. A plain word of two ASCII characters is scored by nucleo's greedy match
/// rather than its optimal one: at that length nearly every line matches, the optimal scorer
/// was two thirds of the keystroke (11.9 ms over the generated workspace's 46,585 lines, past
/// the 8 ms bar), and a ranking by two letters is one the person is still typing past. A fresh
/// search and a narrowing one score it alike.
fn score_atom(atom: &Atom, haystack: Utf32Str<'_>, matcher: &mut Matcher) -> Option<u16> {
    let needle = atom.needle_text();
    match needle {
        Utf32Str::Ascii(bytes)
            if bytes.len() == 2 && atom.kind == AtomKind::Fuzzy && !atom.negative =>
        {
            // As the atom sets them under smart case and normalisation: an ASCII needle is
            // matched without regard to case unless it holds a capital, and normalised.
            matcher.config.ignore_case = !bytes.iter().any(u8::is_ascii_uppercase);
            matcher.config.normalize = true;
            matcher.fuzzy_match_greedy(haystack, needle)
        }
        _ => atom.score(haystack, matcher),
    }
}

/// Below this many candidates, scoring on one thread is faster than starting more.
const PARALLEL_FROM: usize = 8192;

/// A matcher configured for paths and ids.
pub fn matcher() -> Matcher {
    Matcher::new(Config::DEFAULT.match_paths())
}

/// One matcher per core, reused from keystroke to keystroke.
pub struct Searcher {
    matchers: Vec<Matcher>,
}

impl Searcher {
    pub fn new() -> Searcher {
        let threads = crate::parallel::threads().min(4);
        Searcher {
            matchers: (0..threads).map(|_| matcher()).collect(),
        }
    }

    /// The first matcher, for highlighting.
    pub fn matcher(&mut self) -> &mut Matcher {
        &mut self.matchers[0]
    }
}

impl Default for Searcher {
    fn default() -> Self {
        Searcher::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl SearchIndex {
        fn push(&mut self, kind: ItemKind, pieces: &[&str], parts: [usize; 2]) -> bool {
            if self.parts.is_empty() {
                self.parts.push(Arena::default());
            }
            self.parts[0].push(kind, pieces, parts)
        }

        fn bytes(&self) -> usize {
            self.parts.iter().map(Arena::bytes).sum()
        }
    }

    fn example() -> (Workspace, SearchIndex) {
        let ws = Workspace::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let index = SearchIndex::build(&ws);
        (ws, index)
    }

    #[test]
    fn finds_risks_runbooks_and_headings() {
        let (_, index) = example();
        let mut m = Searcher::new();
        let first = |q: &str, m: &mut Searcher| {
            let found = index.search(m, q, None);
            index.target(found.items[0])
        };
        assert_eq!(
            first("concurrency limit", &mut m),
            Target::Risk {
                component: "payments-api".into(),
                id: "concurrency-limit".into()
            }
        );
        assert_eq!(
            first("aurora failover reconnect", &mut m),
            Target::Runbook {
                path: "runbooks/database/aurora-failover.md".into(),
                anchor: Some("reconnect-the-applications".into())
            }
        );
    }

    /// Typing a character at a time gives what a fresh search gives, through words added and
    /// extended (whose scores are kept), a capital letter (smart case), and the operators that
    /// make a longer query match more (`!`) or something else (`$`, `'`, `^`).
    #[test]
    fn narrowing_gives_the_same_result_as_a_fresh_search() {
        let (_, index) = example();
        let mut m = Searcher::new();
        for typed in [
            "dbfa",
            "payments api concurrency limit runbook",
            "db Failover",
            "api !conc",
            "api !x",
            "limit$ a",
            "'db 'aurora",
            "^pay ap",
            "a b c d e f",
        ] {
            let mut previous: Option<Matches> = None;
            for (at, c) in typed.char_indices() {
                let q = &typed[..at + c.len_utf8()];
                let narrowed = index.search(&mut m, q, previous.as_ref());
                let fresh = index.search(&mut m, q, None);
                assert_eq!(narrowed.items, fresh.items, "{q}");
                previous = Some(narrowed);
            }
        }
    }

    /// A search told to stop gives up (on one thread and on several); told never to, it finds
    /// what `search` finds.
    #[test]
    fn a_search_told_to_stop_gives_up() {
        let (_, index) = example();
        let mut m = Searcher::new();
        let yes = || true;
        let no = || false;
        assert!(index.search_until(&mut m, "aurora", None, &yes).is_none());
        let found = index.search_until(&mut m, "aurora", None, &no).unwrap();
        assert_eq!(found.items, index.search(&mut m, "aurora", None).items);
        assert!(!found.items.is_empty());
        // An empty query asks nothing to be scored: every line, at once.
        assert!(index.search_until(&mut m, "", None, &yes).is_some());
        let mut text = String::new();
        for i in 0..(PARALLEL_FROM + 10) {
            text.push_str(&format!("## Heading {i}\n\n"));
        }
        let doc = crate::runbook::RunbookDoc::index("runbooks/long.md".into(), &text);
        let many = SearchIndex::of_runbooks(&[doc]);
        let mut two = Searcher {
            matchers: (0..2).map(|_| matcher()).collect(),
        };
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let third = || asked.fetch_add(1, Ordering::Relaxed) == 2;
        assert!(
            many.search_until(&mut two, "heading", None, &third)
                .is_none()
        );
        assert!(asked.load(Ordering::Relaxed) >= 3);
    }

    /// Scoring across threads, each taking blocks as it goes, ranks exactly as one thread does.
    #[test]
    fn threads_rank_as_one_thread_does() {
        let mut index = SearchIndex::default();
        for i in 0..20_000 {
            let text = format!("comp-{}/risk-{i}  Queue backlog {} grows", i % 97, i % 13);
            index.push(ItemKind::Risk, &[&text], [0, 0]);
        }
        let mut one = Searcher {
            matchers: vec![matcher()],
        };
        let mut three = Searcher {
            matchers: (0..3).map(|_| matcher()).collect(),
        };
        for q in ["q", "co 4", "backlog 1", "risk 9"] {
            let alone = index.search(&mut one, q, None);
            assert!(alone.items.len() > PARALLEL_FROM, "{q}");
            assert_eq!(index.search(&mut three, q, None).items, alone.items, "{q}");
        }
    }

    /// An alert's arrow is matched as `>`, and the highlighted positions are those of the line
    /// as shown.
    #[test]
    fn an_arrow_is_matched_as_a_greater_than_sign() {
        let mut index = SearchIndex::default();
        let text = "HighLatency  prometheus rules.yaml:3  → api/slow".to_owned();
        index.push(ItemKind::Component, &[&text], [0, 0]);
        let mut m = Searcher::new();
        let found = index.search(&mut m, "> api", None);
        assert_eq!(found.items, vec![0]);
        let marks = index.highlights(m.matcher(), "> api", 0);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[marks[0] as usize], '→');
    }

    #[test]
    fn highlights_mark_matched_characters() {
        let (_, index) = example();
        let mut m = Searcher::new();
        let found = index.search(&mut m, "orders-db", None);
        let top = found.items[0];
        let marks = index.highlights(m.matcher(), "orders-db", top);
        assert_eq!(marks.len(), "orders-db".len());
    }

    /// Every kind of line leads where it was built to lead, whatever its text holds: a line
    /// not ASCII is matched through its characters, and a heading's arrow as `>`.
    #[test]
    fn targets_come_back_from_the_arena() {
        let mut index = SearchIndex::default();
        index.push(
            ItemKind::Component,
            &["café-api", "  ", "Café API — main"],
            [0, 0],
        );
        index.push(
            ItemKind::Risk,
            &["café-api", "/", "slow", "  ", "Latency → timeouts"],
            [0, 2],
        );
        index.push(ItemKind::Runbook, &["runbooks/a.md", "  ", "A"], [0, 0]);
        index.push(
            ItemKind::Heading,
            &[
                "Fail over → replica",
                "  ",
                "runbooks/a.md",
                "#",
                "fail-over--replica",
            ],
            [2, 4],
        );
        let targets: Vec<Target> = (0..4).map(|i| index.target(i)).collect();
        assert_eq!(
            targets,
            vec![
                Target::Component {
                    id: "café-api".into()
                },
                Target::Risk {
                    component: "café-api".into(),
                    id: "slow".into()
                },
                Target::Runbook {
                    path: "runbooks/a.md".into(),
                    anchor: None
                },
                Target::Runbook {
                    path: "runbooks/a.md".into(),
                    anchor: Some("fail-over--replica".into())
                },
            ]
        );
        assert_eq!(index.text(0), "café-api  Café API — main");
        let mut m = Searcher::new();
        assert_eq!(index.search(&mut m, "cafe main", None).items, vec![0]);
        assert_eq!(index.search(&mut m, "over > replica", None).items, vec![3]);
        let marks = index.highlights(m.matcher(), "é", 0);
        assert_eq!(index.text(0).chars().nth(marks[0] as usize), Some('é'));
    }

    /// Edits replace a component's lines; the text they leave behind is dropped once it is
    /// half the arena, and every line still reads and leads as before.
    #[test]
    fn replacing_components_keeps_the_arena_small() {
        let (ws, mut index) = example();
        let lines = |index: &SearchIndex| -> Vec<(String, Target)> {
            (0u32..)
                .zip(index.texts())
                .map(|(i, text)| (text.to_owned(), index.target(i)))
                .collect()
        };
        let mut before = lines(&index);
        let reg = ws
            .registers()
            .find(|r| r.component == "payments-api")
            .unwrap();
        for _ in 0..200 {
            index.replace_component("payments-api", Some(reg));
        }
        assert!(index.bytes() < 3 * before.iter().map(|(t, _)| t.len()).sum::<usize>());
        let mut after = lines(&index);
        before.sort_by(|a, b| a.0.cmp(&b.0));
        after.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(after, before);
        index.replace_component("payments-api", None);
        assert!(index.texts().all(|t| !t.starts_with("payments-api")));
    }

    /// The registers' index and the runbooks' index appended give what one build gives.
    #[test]
    fn appending_the_runbooks_equals_one_build() {
        let (mut ws, _) = example();
        ws.monitoring = None;
        let whole = SearchIndex::build(&ws);
        let runbooks = ws.take_runbooks();
        let mut parts = SearchIndex::build(&ws);
        parts.append(SearchIndex::of_runbooks(&runbooks.docs));
        let all = |index: &SearchIndex| -> Vec<(String, Target)> {
            (0u32..)
                .zip(index.texts())
                .map(|(i, text)| (text.to_owned(), index.target(i)))
                .collect()
        };
        assert_eq!(all(&parts), all(&whole));
        let mut m = Searcher::new();
        assert_eq!(
            parts.search(&mut m, "aurora failover", None).items,
            whole.search(&mut m, "aurora failover", None).items
        );
    }

    /// A word of two letters is scored greedily: lines still rank by how the letters sit
    /// (together at a word's start first), a capital still asks for that case, and `!pa` and
    /// `'pa` keep nucleo's meaning.
    #[test]
    fn two_letter_words_rank_by_how_the_letters_sit() {
        let mut index = SearchIndex::default();
        for line in ["zp-zzzzzz-za", "payments-api", "PA-runbook", "zzzz"] {
            index.push(ItemKind::Component, &[line], [0, 0]);
        }
        let mut m = Searcher::new();
        let lines = |q: &str, m: &mut Searcher| -> Vec<String> {
            let found = index.search(m, q, None);
            found
                .items
                .iter()
                .map(|&i| index.text(i).to_owned())
                .collect()
        };
        assert_eq!(
            lines("pa", &mut m),
            ["payments-api", "PA-runbook", "zp-zzzzzz-za"]
        );
        assert_eq!(lines("PA", &mut m), ["PA-runbook"]);
        // `!pa` excludes the lines holding `pa` as written.
        assert_eq!(lines("!pa", &mut m), ["zp-zzzzzz-za", "zzzz"]);
        assert_eq!(lines("'pa", &mut m), ["payments-api", "PA-runbook"]);
    }
}
