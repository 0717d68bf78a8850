//! Ranked runbook search: from the symptom a person types to the section that answers it.
//!
//! Every heading's section is a document with four fields: the runbook's title and path, the
//! heading's path (its parents' headings and its own), the section's own text, and the words of
//! the risks whose runbook link points at it (title, description, detection, alert names: the
//! register is a map from symptoms to sections). Words are lower-cased, stop words dropped and
//! the rest reduced to Snowball English stems; a query word also matches its synonyms (a small
//! built-in set of operations vocabulary, extended by `faultline.toml`'s `[search] synonyms`)
//! at a lower weight. Sections are scored with BM25F: a word's weight falls with how many
//! sections hold it, headings count more than text, and no word is required. A section is
//! opened only when it clearly wins; otherwise the best few are listed with why each matched.
//!
//! Only the query's stems are looked for: a word of a runbook is stemmed only when it could
//! stem to one of them, so a search reads 2,000 runbooks without stemming their every word.

use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use std::collections::HashMap;

mod codec;
pub mod index;
mod vocabulary;
use index::{FIELDS, Index};
use vocabulary::{STOP_WORDS, SYNONYMS};

/// Field weights: a word in a heading says more than one in the text.
const W_ABOUT: f64 = 1.0;
const W_HEADING: f64 = 3.0;
const W_BODY: f64 = 1.0;
const W_REGISTER: f64 = 2.0;
/// A synonym counts this much of the word itself.
const SYNONYM_WEIGHT: f64 = 0.7;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A runbook opens only when its best section scores this many times any other runbook's.
const CLEAR_LEAD: f64 = 1.2;
/// With a word no runbook holds, the lead asked of a runbook holding two thirds of the words.
const UNSURE_LEAD: f64 = 2.0;
/// Within the runbook, the best section is landed on unless the next one ties with it.
const SECTION_LEAD: f64 = 1.02;

/// How many candidates an unsure answer lists.
pub const CANDIDATES: usize = 5;

/// A section the search found, with its score and why it matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub path: String,
    pub anchor: String,
    pub heading: String,
    pub score: f64,
    /// What matched: the query's words found, and through which risk or alert.
    pub why: String,
}

/// The decision: a section to open when one clearly wins, and the ranked candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Ranked {
    pub opened: Option<Hit>,
    pub candidates: Vec<Hit>,
    /// The query's words none of the runbooks (or the risks linking to them) hold.
    #[serde(skip)]
    pub unknown: Vec<String>,
    /// The query had no word to look for (only stop words).
    #[serde(skip)]
    pub empty: bool,
    /// Why nothing opens when it is not the ranking (an alert whose risk links no runbook).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Ranked {
    /// The one section the query names outright (by its path, or by an alert), opened.
    fn only(hit: Hit) -> Ranked {
        Ranked {
            opened: Some(hit.clone()),
            candidates: vec![hit],
            ..Ranked::default()
        }
    }
}

/// One query word: what it is, its stem, and the stems it also matches (synonyms).
#[derive(Debug, Clone)]
struct Term {
    word: String,
    stems: Vec<(String, f64)>,
    /// The word being typed: it also matches the stems it begins.
    prefix: bool,
}

/// Stems words; knows the query's stems and the synonyms.
pub struct Analyzer {
    stemmer: Stemmer,
    groups: Vec<Vec<Vec<String>>>,
}

impl Analyzer {
    /// The built-in synonyms and `extra` groups (from `faultline.toml`).
    pub fn new(extra: &[Vec<String>]) -> Analyzer {
        let stemmer = Stemmer::create(Algorithm::English);
        let phrase = |p: &str| -> Vec<String> {
            words(p)
                .into_iter()
                .map(|w| stemmer.stem(&w).into_owned())
                .collect::<Vec<_>>()
        };
        let groups = SYNONYMS
            .iter()
            .map(|g| g.iter().map(|p| phrase(p)).collect())
            .chain(extra.iter().map(|g| g.iter().map(|p| phrase(p)).collect()))
            .collect();
        Analyzer { stemmer, groups }
    }

    fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }

    /// The query's terms: its words without stop words, each with its stem and synonyms. A
    /// phrase synonym adds its words (a query "psp" finds "payment provider").
    fn terms(&self, query: &str) -> Vec<Term> {
        let mut terms: Vec<Term> = Vec::new();
        for word in words(query)
            .into_iter()
            .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        {
            let stem = self.stem(&word);
            if terms.iter().any(|t| t.stems[0].0 == stem) {
                continue;
            }
            let mut stems = vec![(stem.clone(), 1.0)];
            for group in &self.groups {
                if group.iter().any(|p| p.len() == 1 && p[0] == stem) {
                    for p in group.iter().flatten() {
                        if !stems.iter().any(|(s, _)| s == p) {
                            stems.push((p.clone(), SYNONYM_WEIGHT));
                        }
                    }
                }
            }
            terms.push(Term {
                word,
                stems,
                prefix: false,
            });
        }
        terms
    }
}

/// The query's words, lower-cased.
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `path#anchor` or `path` named exactly: that section (or the runbook's top).
fn by_path(index: &Index, query: &str) -> Option<Hit> {
    let (file, anchor) = query.trim().split_once('#').unwrap_or((query.trim(), ""));
    let path = index.paths.iter().position(|p| index.same(*p, file))?;
    let path = u32::try_from(path).ok()?;
    let of_path = || index.sections.iter().filter(|s| s.path == path);
    let section = of_path()
        .find(|s| index.same(s.anchor, anchor))
        .or_else(|| of_path().next());
    Some(Hit {
        path: file.to_owned(),
        anchor: section.map(|s| index.text(s.anchor)).unwrap_or_default(),
        heading: section.map(|s| index.text(s.heading)).unwrap_or_default(),
        score: 0.0,
        why: "named by its path".into(),
    })
}

/// The alert named exactly by `query` (case aside): the section its risk links to, or the risk
/// that names it and links no runbook.
fn by_alert(index: &Index, query: &str) -> Option<AlertHit> {
    let wanted = query.trim();
    let mut without = None;
    for alert in &index.alerts {
        if !index.same_ignoring_case(alert.name, wanted) {
            continue;
        }
        let (name, reference) = (index.text(alert.name), index.text(alert.reference));
        if !alert.linked {
            without.get_or_insert(format!(
                "the alert {name} is named by the risk {reference}, which links no runbook"
            ));
            continue;
        }
        return Some(AlertHit::Section(Hit {
            path: index.text(alert.path),
            anchor: index.text(alert.anchor),
            heading: index.text(alert.title),
            score: 0.0,
            why: format!("the alert {name} of the risk {reference}"),
        }));
    }
    without.map(AlertHit::NoRunbook)
}

/// One token (no space) that is not simply a word the runbooks hold: `MapsTileErrors`,
/// `cloudwatch:orders-dlq`, not `eviction`.
fn could_be_alert(analyzer: &Analyzer, index: &Index, query: &str) -> bool {
    let query = query.trim();
    if query.is_empty() || query.contains(char::is_whitespace) {
        return false;
    }
    match words(query).as_slice() {
        [word] => !index.has(&analyzer.stem(word)),
        _ => true,
    }
}

/// The alert of the monitoring config named exactly by `query` (case aside, or by its uid) whose
/// `runbook_url` points into this workspace: that section.
fn by_runbook_url(root: &std::path::Path, query: &str) -> Option<Hit> {
    let wanted = query.trim();
    let inventory = crate::monitoring::Inventory::scan(root);
    inventory.alerts.iter().find_map(|alert| {
        let named = alert.name.eq_ignore_ascii_case(wanted)
            || alert.uid.as_deref().is_some_and(|u| u == wanted);
        let url = alert.runbook_url.as_deref().filter(|_| named)?;
        let dir = alert.path.rsplit_once('/').map_or("", |(d, _)| d);
        let local = inventory.config.local_runbook(dir, url)?;
        let (file, anchor) = local.split_once('#').unwrap_or((&local, ""));
        let path = crate::core::links::normalize("", file)?;
        Some(Hit {
            heading: alert.name.clone(),
            why: format!(
                "the runbook_url of the alert {} ({})",
                alert.name,
                alert.location()
            ),
            path,
            anchor: anchor.to_owned(),
            score: 0.0,
        })
    })
}

/// An alert named exactly by a query: the section its risk links to, or the risk that names it
/// and has no runbook.
enum AlertHit {
    Section(Hit),
    NoRunbook(String),
}

/// How many stems a word being typed stands for, at most.
const PREFIX_STEMS: usize = 20;

/// Ranks every section of `index` for `query`. `typing`: the query's last word is still being
/// typed (the finder), so it also matches every stem it begins.
pub fn rank(analyzer: &Analyzer, index: &Index, query: &str, typing: bool, limit: usize) -> Ranked {
    let mut terms = analyzer.terms(query);
    if typing
        && !query.ends_with(char::is_whitespace)
        && let Some(last) = words(query).pop()
    {
        let stem = analyzer.stem(&last);
        if let Some(term) = terms.iter_mut().find(|t| t.stems[0].0 == stem) {
            term.prefix = true;
        } else {
            terms.push(Term {
                word: last.clone(),
                stems: vec![(stem, 1.0)],
                prefix: true,
            });
        }
        for term in terms.iter_mut().filter(|t| t.prefix) {
            for s in index.stems_starting(&last, PREFIX_STEMS) {
                if !term.stems.iter().any(|(have, _)| *have == s) {
                    term.stems.push((s, 1.0));
                }
            }
        }
    }
    compounds(analyzer, index, query, &mut terms);
    if terms.is_empty() {
        return Ranked {
            empty: true,
            ..Ranked::default()
        };
    }
    score_sections(index, &terms, limit)
}

/// Two words the runbooks write as one ("fail over" → failover, "log in" → login, "roll back" →
/// rollback): the joined word, when a runbook holds it, is matched by each of the two.
fn compounds(analyzer: &Analyzer, index: &Index, query: &str, terms: &mut [Term]) {
    let raw = words(query);
    for pair in raw.windows(2) {
        let joined = [
            analyzer.stem(&format!("{}{}", pair[0], pair[1])),
            analyzer.stem(&format!("{}{}", analyzer.stem(&pair[0]), pair[1])),
        ];
        for stem in joined.iter().filter(|s| index.has(s)) {
            for term in terms.iter_mut().filter(|t| pair.contains(&t.word)) {
                if !term.stems.iter().any(|(have, _)| have == stem) {
                    term.stems.push((stem.clone(), 1.0));
                }
            }
        }
    }
}

/// A section the query matched: its score, whether it holds the rarest word, which terms it
/// holds, and whether through the register.
struct Scored {
    score: f64,
    rarest: bool,
    section: u32,
    matched: Vec<usize>,
    via: bool,
}

/// Each term's weight in each section holding it (its best-matching stem, synonyms lower), and
/// whether it was found through the register.
fn term_weights(index: &Index, term: &Term) -> HashMap<u32, (f64, bool)> {
    let weights = [W_ABOUT, W_HEADING, W_BODY, W_REGISTER];
    let mut out: HashMap<u32, (f64, bool)> = HashMap::new();
    for (stem, w) in &term.stems {
        for (section, counts) in index.postings(stem) {
            let meta = &index.sections[section as usize];
            let mut sum = 0.0;
            let mut via = false;
            for f in 0..FIELDS {
                let c = f64::from(counts[f]);
                if c > 0.0 {
                    let len = f64::from(meta.lens[f]);
                    sum += weights[f] * c / (1.0 - B + B * len / index.average[f]);
                    via |= f == FIELDS - 1;
                }
            }
            let entry = out.entry(section).or_insert((0.0, false));
            entry.0 = entry.0.max(w * sum);
            entry.1 |= via;
        }
    }
    out
}

/// BM25F over the sections holding any term, then the decision.
#[allow(clippy::cast_precision_loss)] // counts of sections, far below 2^52
fn score_sections(index: &Index, terms: &[Term], limit: usize) -> Ranked {
    let n = index.sections.len().max(1) as f64;
    let tfs: Vec<HashMap<u32, (f64, bool)>> =
        terms.iter().map(|t| term_weights(index, t)).collect();
    let df: Vec<f64> = tfs.iter().map(|m| m.len() as f64).collect();
    let idf: Vec<f64> = df
        .iter()
        .map(|d| (1.0 + (n - d + 0.5) / (d + 0.5)).ln())
        .collect();
    let unknown: Vec<String> = terms
        .iter()
        .zip(&df)
        .filter(|(_, d)| **d == 0.0)
        .map(|(t, _)| t.word.clone())
        .collect();
    // The rarest word found anywhere: the one that tells sections apart.
    let rarest = (0..terms.len())
        .filter(|&i| df[i] > 0.0)
        .max_by(|&a, &b| idf[a].total_cmp(&idf[b]));
    let mut scored: HashMap<u32, Scored> = HashMap::new();
    for (i, tf) in tfs.iter().enumerate() {
        for (&section, &(tf, via)) in tf {
            if tf <= 0.0 {
                continue;
            }
            let s = scored.entry(section).or_insert(Scored {
                score: 0.0,
                rarest: false,
                section,
                matched: Vec::new(),
                via: false,
            });
            s.score += idf[i] * tf * (K1 + 1.0) / (K1 + tf);
            s.matched.push(i);
            s.via |= via;
            s.rarest |= Some(i) == rarest;
        }
    }
    let mut hits: Vec<Scored> = scored.into_values().collect();
    for h in &mut hits {
        h.matched.sort_unstable();
        // A section holding more of the query's words beats one holding fewer more often.
        h.score *= h.matched.len() as f64 / terms.len() as f64;
    }
    let path_of = |h: &Scored| index.path_of(&index.sections[h.section as usize]).at;
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| path_of(a).cmp(&path_of(b)))
            .then_with(|| a.section.cmp(&b.section))
    });
    let to_hit = |h: &Scored, section: u32| {
        let meta = &index.sections[section as usize];
        let matched: Vec<&str> = h.matched.iter().map(|&i| terms[i].word.as_str()).collect();
        Hit {
            path: index.text(index.path_of(meta)),
            anchor: index.text(meta.anchor),
            heading: index.text(meta.heading),
            score: (h.score * 100.0).round() / 100.0,
            why: why(&matched, h.via, &index.text(meta.risk), terms.len()),
        }
    };
    let opened = decide(index, &hits, terms.len(), unknown.len()).map(|s| to_hit(&hits[0], s));
    let candidates = hits
        .iter()
        .take(limit)
        .map(|h| to_hit(h, h.section))
        .collect();
    Ranked {
        opened,
        candidates,
        unknown,
        ..Ranked::default()
    }
}

/// Which hit to open, if one is clearly the answer, and the section to land on. First the
/// runbook: its best section must lead every other runbook's by `CLEAR_LEAD`, and its sections
/// hold at least half of the query's words and either the rarest word found or three quarters
/// of them. Then the place in it: that section when it leads the runbook's others by
/// `SECTION_LEAD` and holds the rarest word, else the runbook's top (the right runbook, at its
/// start).
fn decide(index: &Index, hits: &[Scored], terms: usize, unknown: usize) -> Option<u32> {
    let best = hits.first()?;
    let runbook_of = |h: &Scored| index.sections[h.section as usize].path;
    let path = runbook_of(best);
    let runbook: Vec<&Scored> = hits.iter().filter(|h| runbook_of(h) == path).collect();
    let mut words: Vec<usize> = runbook
        .iter()
        .flat_map(|h| h.matched.iter().copied())
        .collect();
    words.sort_unstable();
    words.dedup();
    // Three quarters of the words will do instead of the rarest. A word no runbook holds (the
    // query may be about something the runbooks do not cover) asks for the three quarters, or
    // for two thirds with the rarest and a lead of `UNSURE_LEAD`.
    let most = words.len() * 4 >= terms * 3;
    let rarest = runbook.iter().any(|h| h.rarest);
    let other_runbook = hits
        .iter()
        .find(|h| runbook_of(h) != path)
        .map_or(0.0, |h| h.score);
    let lead = if other_runbook > 0.0 {
        best.score / other_runbook
    } else {
        f64::INFINITY
    };
    let unsure = unknown > 0 && rarest && words.len() * 3 >= terms * 2 && lead >= UNSURE_LEAD;
    if words.len() * 2 < terms || !(most || (rarest && unknown == 0) || unsure) || lead < CLEAR_LEAD
    {
        return None;
    }
    match runbook.get(1) {
        // Sections of one runbook tied, or the best without the rarest word: the runbook's top.
        Some(next) if best.score < SECTION_LEAD * next.score || !best.rarest => {
            let top = index
                .sections
                .iter()
                .position(|s| s.path == path && s.top)
                .and_then(|i| u32::try_from(i).ok())
                .unwrap_or(best.section);
            Some(top)
        }
        _ => Some(best.section),
    }
}

/// "words: redis, evicted; via the risk cache/eviction-storm".
fn why(matched: &[&str], via_register: bool, risk: &str, terms: usize) -> String {
    let mut out = format!("{} of {terms} words: {}", matched.len(), matched.join(", "));
    if via_register && !risk.is_empty() {
        out.push_str(&format!("; via the risk {risk}"));
    }
    out
}

/// Searches the workspace at `root` with the index kept in the user's cache directory: a
/// runbook named by its path opens there, an alert named exactly opens its risk's section; else
/// the sections are ranked, with the register's words and `faultline.toml`'s synonyms.
pub fn find(root: &std::path::Path, query: &str) -> anyhow::Result<Ranked> {
    let cache = index::default_file(root);
    find_with(
        root,
        query,
        &Options {
            cache: cache.as_deref(),
            ..Options::default()
        },
    )
}

/// How a search runs.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The index's cache file (`None`: built afresh).
    pub cache: Option<&'a std::path::Path>,
    /// Stub runbooks not yet on disk, searched as well.
    pub drafts: &'a [(String, String)],
    /// The query's last word is still being typed: it matches as a prefix (the finder).
    pub typing: bool,
    /// How many candidates to list.
    pub limit: usize,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            cache: None,
            drafts: &[],
            typing: false,
            limit: CANDIDATES,
        }
    }
}

/// `find` with `options`.
pub fn find_with(root: &std::path::Path, query: &str, options: &Options) -> anyhow::Result<Ranked> {
    let analyzer = Analyzer::new(&crate::monitoring::config::search(root).synonyms);
    let index = index::open(&analyzer.stemmer, root, options.cache, options.drafts)?;
    if let Some(hit) = by_path(&index, query) {
        return Ok(Ranked::only(hit));
    }
    let alert = match by_alert(&index, query) {
        // A risk names the alert but links no runbook: the alert's own `runbook_url` may.
        Some(AlertHit::NoRunbook(note)) => {
            Some(by_runbook_url(root, query).map_or(AlertHit::NoRunbook(note), AlertHit::Section))
        }
        // No risk names it: an alert of the monitoring config, by its `runbook_url`. Only a
        // query that could be an alert's name (one token, not a word the runbooks hold) costs
        // the walk of the monitoring config.
        None if could_be_alert(&analyzer, &index, query) => {
            by_runbook_url(root, query).map(AlertHit::Section)
        }
        found => found,
    };
    match alert {
        Some(AlertHit::Section(hit)) => return Ok(Ranked::only(hit)),
        Some(AlertHit::NoRunbook(note)) => {
            return Ok(Ranked {
                note: Some(note),
                ..Ranked::default()
            });
        }
        None => {}
    }
    Ok(rank(
        &analyzer,
        &index,
        query,
        options.typing,
        options.limit,
    ))
}
