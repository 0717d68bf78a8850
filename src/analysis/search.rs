//! The finder's index: every component, risk, runbook and runbook heading as one fuzzy-searchable
//! line. nucleo-matcher (the helix/television matcher) scores them; a query that extends the
//! previous one only rescans the previous matches, so typing narrows instead of starting over.

use crate::store::Workspace;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

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

/// A piece of the index's text: `len` bytes (or chars, in `wide`) from `start`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

/// A span, when it fits the index's 32-bit offsets.
fn span(start: usize, len: usize) -> Option<Span> {
    Some(Span {
        start: u32::try_from(start).ok()?,
        len: u32::try_from(len).ok()?,
    })
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

/// One line of the finder. Its text lives in the index's one arena, and the parts of its target
/// (component and risk ids, runbook path and anchor) are pieces of that text: an organisation's
/// finder holds over a million lines, which as separate strings cost 280 bytes each.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub kind: ItemKind,
    /// The line matched is in `wide` (a line not ASCII), not in `text`.
    wide: bool,
    /// The line shown, in `text`.
    line: Span,
    /// The line matched: the line shown, or a copy with each arrow as `>` (in `text` when that
    /// is ASCII, in `wide` otherwise).
    haystack: Span,
    /// The target's parts, relative to the line's start (an alert's: `parts[0].start` indexes
    /// `alerts`).
    parts: [Span; 2],
}

/// Every searchable thing in a workspace.
#[derive(Debug, Default)]
pub struct SearchIndex {
    items: Vec<Item>,
    text: String,
    wide: Vec<char>,
    /// Alerts' targets, whole: they are few, and their risk is not a piece of their line.
    alerts: Vec<Target>,
    /// Bytes of `text` no item uses any more (components replaced after an edit).
    dead: usize,
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
        let mut index = SearchIndex::default();
        for reg in ws.registers() {
            index.push_register(reg);
        }
        index.push_runbooks(&ws.runbooks);
        if let Some(inventory) = ws.monitoring.as_deref() {
            index.push_alerts(ws, inventory);
        }
        index.shrink();
        index
    }

    fn shrink(&mut self) {
        self.items.shrink_to_fit();
        self.text.shrink_to_fit();
        self.wide.shrink_to_fit();
    }

    /// How many lines the finder searches.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn kind(&self, item: u32) -> ItemKind {
        self.items[item as usize].kind
    }

    /// The line shown: `payments-api/concurrency-limit  Lambda concurrency limit…`.
    pub fn text(&self, item: u32) -> &str {
        &self.text[self.items[item as usize].line.range()]
    }

    /// Every line, in index order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|item| &self.text[item.line.range()])
    }

    /// Where the line leads.
    pub fn target(&self, item: u32) -> Target {
        let item = self.items[item as usize];
        let line = &self.text[item.line.range()];
        let part = |n: usize| line[item.parts[n].range()].to_owned();
        match item.kind {
            ItemKind::Component => Target::Component { id: part(0) },
            ItemKind::Risk => Target::Risk {
                component: part(0),
                id: part(1),
            },
            ItemKind::Runbook => Target::Runbook {
                path: part(0),
                anchor: None,
            },
            ItemKind::Heading => Target::Runbook {
                path: part(0),
                anchor: Some(part(1)),
            },
            ItemKind::Alert => self.alerts[item.parts[0].start as usize].clone(),
        }
    }

    fn haystack(&self, item: &Item) -> Utf32Str<'_> {
        if item.wide {
            Utf32Str::Unicode(&self.wide[item.haystack.range()])
        } else {
            Utf32Str::Ascii(&self.text.as_bytes()[item.haystack.range()])
        }
    }

    fn push_runbooks(&mut self, runbooks: &[crate::runbook::RunbookDoc]) {
        for doc in runbooks {
            self.push(ItemKind::Runbook, &[&doc.path, "  ", doc.title()], [0, 0]);
            for heading in &doc.headings {
                self.push(
                    ItemKind::Heading,
                    &[&heading.text, "  ", &doc.path, "#", &heading.anchor],
                    [2, 4],
                );
            }
        }
    }

    /// Every alert of the monitoring config, leading to the first risk that names it.
    fn push_alerts(&mut self, ws: &Workspace, inventory: &crate::monitoring::Inventory) {
        let named_by = inventory.named_by(ws.registers());
        for (alert, risks) in inventory.alerts.iter().zip(named_by) {
            let risk = risks.into_iter().next().map(Box::new);
            let named_by = risk.as_ref().map_or_else(
                || "named by no risk".to_owned(),
                |pair| format!("→ {}/{}", pair.0, pair.1),
            );
            let Ok(at) = u32::try_from(self.alerts.len()) else {
                return;
            };
            let location = alert.location();
            let line = [
                alert.name.as_str(),
                "  ",
                alert.source.name(),
                " ",
                &location,
                "  ",
                &named_by,
            ];
            if self.push(ItemKind::Alert, &line, [0, 0]) {
                self.alerts.push(Target::Alert {
                    name: alert.name.clone(),
                    location,
                    risk,
                });
                if let Some(item) = self.items.last_mut() {
                    item.parts[0] = Span { start: at, len: 0 };
                }
            }
        }
    }

    /// Adds the line made of `pieces`, whose target's parts are the pieces numbered `parts`;
    /// false when the arena is full (4 GiB of text).
    fn push(&mut self, kind: ItemKind, pieces: &[&str], parts: [usize; 2]) -> bool {
        let mut spans = Vec::with_capacity(pieces.len());
        let mut at = 0;
        for piece in pieces {
            spans.push(span(at, piece.len()));
            at += piece.len();
        }
        let (Some(first), Some(second)) = (spans[parts[0]], spans[parts[1]]) else {
            return false;
        };
        self.add(kind, &pieces.concat(), [first, second])
    }

    /// Adds one line and its target's parts (spans of the line); false when the arena is full,
    /// which is then as it was.
    fn add(&mut self, kind: ItemKind, line: &str, parts: [Span; 2]) -> bool {
        let (text, wide) = (self.text.len(), self.wide.len());
        let added = self.try_add(kind, line, parts);
        if added.is_none() {
            self.text.truncate(text);
            self.wide.truncate(wide);
        }
        added.is_some()
    }

    fn try_add(&mut self, kind: ItemKind, line: &str, parts: [Span; 2]) -> Option<()> {
        let shown = span(self.text.len(), line.len())?;
        self.text.push_str(line);
        // An arrow (faultline puts one in every alert's line; a heading may hold one too) is
        // matched as `>`: a line all ASCII is matched several times faster, and one character
        // for one keeps the highlighted positions.
        let (wide, haystack) = if line.is_ascii() {
            (false, shown)
        } else if line.chars().all(|c| c.is_ascii() || c == '→') {
            let copy = line.replace('→', ">");
            let at = span(self.text.len(), copy.len())?;
            self.text.push_str(&copy);
            (false, at)
        } else {
            let at = self.wide.len();
            self.wide
                .extend(line.chars().map(|c| if c == '→' { '>' } else { c }));
            (true, span(at, self.wide.len() - at)?)
        };
        self.items.push(Item {
            kind,
            wide,
            line: shown,
            haystack,
            parts,
        });
        Some(())
    }

    /// The items of one register: the component and each of its risks.
    fn push_register(&mut self, reg: &crate::model::Register) {
        self.push(
            ItemKind::Component,
            &[&reg.component, "  ", &reg.title],
            [0, 0],
        );
        for risk in &reg.risks {
            self.push(
                ItemKind::Risk,
                &[&reg.component, "/", &risk.id, "  ", &risk.title],
                [0, 2],
            );
        }
    }

    /// Replaces one component's items after an edit (`None`: the component is gone), instead of
    /// rebuilding the whole index.
    pub fn replace_component(&mut self, id: &str, register: Option<&crate::model::Register>) {
        let text = &self.text;
        let mut dead = 0;
        self.items.retain(|item| {
            let gone = matches!(item.kind, ItemKind::Component | ItemKind::Risk)
                && &text[item.line.range()][item.parts[0].range()] == id;
            if gone {
                dead += item.line.len as usize;
            }
            !gone
        });
        self.dead += dead;
        if let Some(reg) = register {
            self.push_register(reg);
        }
        if self.dead > self.text.len() / 2 {
            self.compact();
        }
    }

    /// Rewrites the arenas with only the text items use.
    fn compact(&mut self) {
        let old = std::mem::take(self);
        for item in &old.items {
            self.add(item.kind, &old.text[item.line.range()], item.parts);
        }
        self.alerts = old.alerts;
        self.shrink();
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
        let all = || {
            (0..self.items.len())
                .filter_map(|i| u32::try_from(i).ok())
                .collect::<Vec<u32>>()
        };
        if query.trim().is_empty() {
            return Matches {
                query: query.to_owned(),
                items: all(),
                ..Matches::default()
            };
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
        let score_block =
            |matcher: &mut Matcher,
             start: usize,
             block: &[u32],
             scored: &mut Vec<(u32, u8, u32, [u16; CACHED])>| {
                for (offset, &i) in block.iter().enumerate() {
                    let item = &self.items[i as usize];
                    let mut words = [0u16; CACHED];
                    if let Some(prev) = narrowing {
                        words[..kept].copy_from_slice(&prev.scores[start + offset][..kept]);
                    }
                    let mut total: u32 = words[..kept].iter().map(|&w| u32::from(w)).sum();
                    let mut matched = true;
                    for (w, atom) in atoms.iter().enumerate().skip(kept) {
                        let Some(score) = atom.score(self.haystack(item), matcher) else {
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
        // (inverted score, kind, index) is unique per item, so the unstable sort is stable.
        scored.sort_unstable_by_key(|&(score, kind, i, _)| (score, kind, i));
        Matches {
            query: query.to_owned(),
            items: scored.iter().map(|&(_, _, i, _)| i).collect(),
            scores: scored.into_iter().map(|(_, _, _, words)| words).collect(),
            atoms: pattern.atoms,
        }
    }

    /// Character positions of `item` matched by `query`, for highlighting.
    pub fn highlights(&self, matcher: &mut Matcher, query: &str, item: u32) -> Vec<u32> {
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let mut indices = Vec::new();
        if let Some(item) = self.items.get(item as usize) {
            pattern.indices(self.haystack(item), matcher, &mut indices);
        }
        indices.sort_unstable();
        indices.dedup();
        indices
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
        assert!(index.text.len() < 3 * before.iter().map(|(t, _)| t.len()).sum::<usize>());
        let mut after = lines(&index);
        before.sort_by(|a, b| a.0.cmp(&b.0));
        after.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(after, before);
        index.replace_component("payments-api", None);
        assert!(index.texts().all(|t| !t.starts_with("payments-api")));
    }
}
