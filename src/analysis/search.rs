//! The finder's index: every component, risk, runbook and runbook heading as one fuzzy-searchable
//! line. nucleo-matcher (the helix/television matcher) scores them; a query that extends the
//! previous one only rescans the previous matches, so typing narrows instead of starting over.

use crate::store::Workspace;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

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

#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    /// The line shown, when it is not the line matched (`haystack`): only a line with an arrow,
    /// matched as `>`. An organisation's finder holds over a million lines.
    shown: Option<Box<str>>,
    haystack: Utf32String,
    pub target: Target,
}

impl Item {
    /// The line shown and matched: `payments-api/concurrency-limit  Lambda concurrency limit…`.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match (&self.shown, &self.haystack) {
            (Some(shown), _) => std::borrow::Cow::Borrowed(shown),
            (None, Utf32String::Ascii(text)) => std::borrow::Cow::Borrowed(text),
            (None, Utf32String::Unicode(chars)) => chars.iter().copied().collect(),
        }
    }
}

/// Every searchable thing in a workspace.
#[derive(Debug, Default)]
pub struct SearchIndex {
    pub items: Vec<Item>,
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
        for doc in &ws.runbooks {
            index.push(
                ItemKind::Runbook,
                format!("{}  {}", doc.path, doc.title()),
                Target::Runbook {
                    path: doc.path.clone(),
                    anchor: None,
                },
            );
            for heading in &doc.headings {
                index.push(
                    ItemKind::Heading,
                    format!("{}  {}#{}", heading.text, doc.path, heading.anchor),
                    Target::Runbook {
                        path: doc.path.clone(),
                        anchor: Some(heading.anchor.clone()),
                    },
                );
            }
        }
        if let Some(inventory) = ws.monitoring.as_deref() {
            index.push_alerts(ws, inventory);
        }
        index.items.shrink_to_fit();
        index
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
            self.push(
                ItemKind::Alert,
                format!(
                    "{}  {} {}  {named_by}",
                    alert.name,
                    alert.source.name(),
                    alert.location()
                ),
                Target::Alert {
                    name: alert.name.clone(),
                    location: alert.location(),
                    risk,
                },
            );
        }
    }

    fn push(&mut self, kind: ItemKind, text: String, target: Target) {
        // An arrow (faultline puts one in every alert's line; a heading may hold one too) is
        // matched as `>`: a line all ASCII is matched several times faster, and one character
        // for one keeps the highlighted positions.
        let (shown, haystack) = if text.contains('→') {
            let haystack = Utf32String::from(text.replace('→', ">").as_str());
            (Some(text.into_boxed_str()), haystack)
        } else {
            (None, Utf32String::from(text.as_str()))
        };
        self.items.push(Item {
            kind,
            shown,
            haystack,
            target,
        });
    }

    /// The items of one register: the component and each of its risks.
    fn push_register(&mut self, reg: &crate::model::Register) {
        self.push(
            ItemKind::Component,
            format!("{}  {}", reg.component, reg.title),
            Target::Component {
                id: reg.component.clone(),
            },
        );
        for risk in &reg.risks {
            self.push(
                ItemKind::Risk,
                format!("{}/{}  {}", reg.component, risk.id, risk.title),
                Target::Risk {
                    component: reg.component.clone(),
                    id: risk.id.clone(),
                },
            );
        }
    }

    /// Replaces one component's items after an edit (`None`: the component is gone), instead of
    /// rebuilding the whole index.
    pub fn replace_component(&mut self, id: &str, register: Option<&crate::model::Register>) {
        self.items.retain(|item| match &item.target {
            Target::Component { id: c } | Target::Risk { component: c, .. } => c != id,
            Target::Runbook { .. } | Target::Alert { .. } => true,
        });
        if let Some(reg) = register {
            self.push_register(reg);
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
                        let Some(score) = atom.score(item.haystack.slice(..), matcher) else {
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
            pattern.indices(item.haystack.slice(..), matcher, &mut indices);
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
            index.items[found.items[0] as usize].target.clone()
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
            index.push(
                ItemKind::Risk,
                text,
                Target::Component { id: String::new() },
            );
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
        index.push(
            ItemKind::Alert,
            text.clone(),
            Target::Component { id: String::new() },
        );
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
}
