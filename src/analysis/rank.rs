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

use crate::model::Register;
use crate::runbook_find::words;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use std::collections::HashMap;

mod vocabulary;
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

/// One query word: what it is, its stem, and the stems it also matches (synonyms).
#[derive(Debug, Clone)]
struct Term {
    word: String,
    stems: Vec<(String, f64)>,
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
            terms.push(Term { word, stems });
        }
        terms
    }
}

/// Counts, in one field's text, its words and how often each of the wanted stems appears. A
/// word is stemmed only when it starts as one of the stems does (stems keep a word's start).
struct Counter<'a> {
    analyzer: &'a Analyzer,
    wanted: Vec<&'a str>,
    starts: Vec<&'a str>,
}

impl<'a> Counter<'a> {
    fn new(analyzer: &'a Analyzer, terms: &'a [Term]) -> Counter<'a> {
        let mut wanted: Vec<&str> = terms
            .iter()
            .flat_map(|t| t.stems.iter().map(|(s, _)| s.as_str()))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let starts = wanted
            .iter()
            .map(|s| s.get(..s.len().min(3)).unwrap_or(s))
            .collect();
        Counter {
            analyzer,
            wanted,
            starts,
        }
    }

    /// (words in the text, count per wanted stem in `wanted` order). A word is lower-cased and
    /// stemmed only when its start matches a wanted stem's, case aside.
    fn count(&self, text: &str) -> (usize, Vec<u32>) {
        let mut counts = vec![0u32; self.wanted.len()];
        let mut len = 0;
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            len += 1;
            let could = self.starts.iter().any(|s| {
                word.get(..s.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(s))
                    || !word.is_ascii()
            });
            if !could {
                continue;
            }
            let lower = word.to_lowercase();
            let stem = self.analyzer.stem(&lower);
            if let Ok(i) = self.wanted.binary_search(&stem.as_str()) {
                counts[i] += 1;
            }
        }
        (len, counts)
    }
}

/// One section's fields, counted.
struct Section {
    path: String,
    anchor: String,
    heading: String,
    /// Per field (about, heading, body, register): length and counts per wanted stem.
    fields: [(usize, Vec<u32>); 4],
    /// The risks linking here, for the "why".
    risks: Vec<String>,
    /// The runbook's first heading: its top.
    is_top: bool,
}

/// What the register says about each section: `path#anchor` (or `path` for the runbook's top)
/// → the risks linking there, with their words.
pub fn register_words<'a>(registers: impl IntoIterator<Item = &'a Register>) -> RegisterWords {
    let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for reg in registers {
        for risk in &reg.risks {
            let Some((file, anchor)) = risk.runbook_parts() else {
                continue;
            };
            let Some(path) = crate::core::links::normalize("", file) else {
                continue;
            };
            let key = match anchor {
                Some(a) if !a.is_empty() => format!("{path}#{a}"),
                _ => path,
            };
            let text = format!(
                "{} {} {} {}",
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

/// `path#anchor` (or `path`) → the risks linking there: (reference, their words).
#[derive(Debug, Default)]
pub struct RegisterWords(HashMap<String, Vec<(String, String)>>);

/// An alert named exactly by a query: the section its risk links to, or the risk that names it
/// and has no runbook.
pub enum AlertHit {
    Section(Hit),
    NoRunbook(String),
}

/// The alert named exactly by `query` (case aside), and the section its risk links to.
pub fn by_alert<'a>(
    registers: impl IntoIterator<Item = &'a Register>,
    query: &str,
) -> Option<AlertHit> {
    let wanted = query.trim();
    let mut without = None;
    for reg in registers {
        for risk in &reg.risks {
            let Some(alert) = risk.alerts.iter().find(|a| a.eq_ignore_ascii_case(wanted)) else {
                continue;
            };
            let reference = format!("{}/{}", reg.component, risk.id);
            let Some((path, anchor)) = risk.runbook_parts().and_then(|(file, anchor)| {
                Some((crate::core::links::normalize("", file)?, anchor))
            }) else {
                without.get_or_insert(format!(
                    "the alert {alert} is named by the risk {reference}, which links no runbook"
                ));
                continue;
            };
            return Some(AlertHit::Section(Hit {
                path,
                anchor: anchor.unwrap_or_default().to_owned(),
                heading: risk.title.clone(),
                score: 0.0,
                why: format!("the alert {alert} of the risk {reference}"),
            }));
        }
    }
    without.map(AlertHit::NoRunbook)
}

/// Ranks every section of `runbooks` for `query`; `register` is `register_words`'s map.
pub fn rank(
    analyzer: &Analyzer,
    runbooks: &[(String, String)],
    register: &RegisterWords,
    query: &str,
) -> Ranked {
    let terms = analyzer.terms(query);
    if terms.is_empty() {
        return Ranked {
            empty: true,
            ..Ranked::default()
        };
    }
    let counter = Counter::new(analyzer, &terms);
    let sections: Vec<Section> = crate::parallel::map(runbooks, |(path, text)| {
        sections_of(path, text, &counter, register)
    })
    .into_iter()
    .flatten()
    .collect();
    score_sections(&terms, &counter, &sections)
}

/// One runbook's sections, counted: each heading to the next heading of any level.
fn sections_of(
    path: &str,
    text: &str,
    counter: &Counter<'_>,
    register: &RegisterWords,
) -> Vec<Section> {
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
        let about = counter.count(&format!("{about_text} {}", parent_words.join(" ")));
        let start = lines.line_start(heading.line + 1).min(text.len());
        let end = headings
            .get(i + 1)
            .map_or(text.len(), |h| lines.line_start(h.line))
            .max(start);
        let body = text.get(start..end).unwrap_or_default();
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
        out.push(Section {
            path: path.to_owned(),
            anchor: heading.anchor.clone(),
            heading: heading.text.clone(),
            fields: [
                about,
                counter.count(&heading.text),
                counter.count(body),
                counter.count(&register_text),
            ],
            risks: linked.iter().map(|(r, _)| r.clone()).collect(),
            is_top: i == 0,
        });
    }
    out
}

/// BM25F over the sections, then the decision.
#[allow(clippy::cast_precision_loss)] // counts of words and sections, far below 2^52
fn score_sections(terms: &[Term], counter: &Counter<'_>, sections: &[Section]) -> Ranked {
    let n = sections.len().max(1) as f64;
    let weights = [W_ABOUT, W_HEADING, W_BODY, W_REGISTER];
    let mut average = [0.0f64; 4];
    for s in sections {
        for (f, (len, _)) in s.fields.iter().enumerate() {
            average[f] += *len as f64;
        }
    }
    for a in &mut average {
        *a = (*a / n).max(1.0);
    }
    let index = |stem: &str| counter.wanted.binary_search(&stem).ok();
    // A term's weighted count in one section (its best-matching stem, synonyms lower) and in
    // which field it was found through the register.
    let term_tf = |t: &Term, s: &Section| -> (f64, bool) {
        let mut tf = 0.0f64;
        let mut via_register = false;
        for (stem, w) in &t.stems {
            let Some(i) = index(stem) else { continue };
            let mut sum = 0.0;
            for (f, (len, counts)) in s.fields.iter().enumerate() {
                let c = f64::from(counts[i]);
                if c > 0.0 {
                    sum += weights[f] * c / (1.0 - B + B * *len as f64 / average[f]);
                    if f == 3 {
                        via_register = true;
                    }
                }
            }
            if w * sum > tf {
                tf = w * sum;
            }
        }
        (tf, via_register)
    };
    // Each term's weight in each section, worked out once: for the document frequencies, then
    // for the scores.
    let tfs: Vec<Vec<(f64, bool)>> = sections
        .iter()
        .map(|s| terms.iter().map(|t| term_tf(t, s)).collect())
        .collect();
    let df: Vec<f64> = (0..terms.len())
        .map(|i| tfs.iter().filter(|tf| tf[i].0 > 0.0).count() as f64)
        .collect();
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
    let mut hits: Vec<(f64, bool, &Section, Vec<&str>, bool)> = sections
        .iter()
        .zip(&tfs)
        .filter_map(|(s, section_tfs)| {
            let mut score = 0.0;
            let mut matched = Vec::new();
            let mut via = false;
            let mut has_rarest = false;
            for (i, (t, &(tf, reg))) in terms.iter().zip(section_tfs).enumerate() {
                if tf > 0.0 {
                    score += idf[i] * tf * (K1 + 1.0) / (K1 + tf);
                    matched.push(t.word.as_str());
                    via |= reg;
                    has_rarest |= Some(i) == rarest;
                }
            }
            (score > 0.0).then_some((score, has_rarest, s, matched, via))
        })
        .collect();
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.2.path.cmp(&b.2.path)));
    let to_hit = |(score, _, s, matched, via): &(f64, bool, &Section, Vec<&str>, bool)| Hit {
        path: s.path.clone(),
        anchor: s.anchor.clone(),
        heading: s.heading.clone(),
        score: (score * 100.0).round() / 100.0,
        why: why(matched, *via, &s.risks, terms.len()),
    };
    let opened = decide(&hits, terms.len(), unknown.len()).map(|i| to_hit(&hits[i]));
    let candidates = hits.iter().take(CANDIDATES).map(to_hit).collect();
    Ranked {
        opened,
        candidates,
        unknown,
        ..Ranked::default()
    }
}

/// Which hit to open, if one is clearly the answer. First the runbook: its best section must
/// lead every other runbook's by `CLEAR_LEAD`, and its sections hold at least half of the
/// query's words and either the rarest word found or three quarters of them. Then the place in it: that section when it leads the runbook's others by
/// `SECTION_LEAD`, else the runbook's top (the right runbook, at its start).
fn decide(
    hits: &[(f64, bool, &Section, Vec<&str>, bool)],
    terms: usize,
    unknown: usize,
) -> Option<usize> {
    let best = hits.first()?;
    let runbook: Vec<&(f64, bool, &Section, Vec<&str>, bool)> =
        hits.iter().filter(|h| h.2.path == best.2.path).collect();
    // The runbook as a whole holds the rarest word and at least half of the query's words.
    let mut words: Vec<&str> = runbook.iter().flat_map(|h| h.3.iter().copied()).collect();
    words.sort_unstable();
    words.dedup();
    // Three quarters of the words will do instead of the rarest; a word no runbook holds
    // (the query may be about something the runbooks do not cover) asks for the three quarters.
    let most = words.len() * 4 >= terms * 3;
    let rarest = runbook.iter().any(|h| h.1);
    if words.len() * 2 < terms || !(most || (rarest && unknown == 0)) {
        return None;
    }
    let other_runbook = hits
        .iter()
        .find(|h| h.2.path != best.2.path)
        .map_or(0.0, |h| h.0);
    if best.0 < CLEAR_LEAD * other_runbook {
        return None;
    }
    match runbook.get(1) {
        // Sections of one runbook tied, or the best without the rarest word: the runbook's top.
        Some(next) if best.0 < SECTION_LEAD * next.0 || !best.1 => hits
            .iter()
            .position(|h| h.2.path == best.2.path && h.2.is_top)
            .or(Some(0)),
        _ => Some(0),
    }
}

/// "words: redis, evicted; via the risk cache/eviction-storm".
fn why(matched: &[&str], via_register: bool, risks: &[String], terms: usize) -> String {
    let mut out = format!("{} of {terms} words: {}", matched.len(), matched.join(", "));
    if via_register && let Some(risk) = risks.first() {
        out.push_str(&format!("; via the risk {risk}"));
    }
    out
}

/// Searches the workspace at `root`: an alert named exactly opens its risk's section; else the
/// runbooks are ranked, with the register's words and `faultline.toml`'s synonyms.
pub fn find(root: &std::path::Path, query: &str) -> anyhow::Result<Ranked> {
    let ws = crate::store::Workspace::load_registers(root)?;
    let registers: Vec<&Register> = ws
        .components
        .iter()
        .filter_map(crate::store::ComponentFile::register)
        .collect();
    match by_alert(registers.iter().copied(), query) {
        Some(AlertHit::Section(hit)) => {
            return Ok(Ranked {
                opened: Some(hit.clone()),
                candidates: vec![hit],
                ..Ranked::default()
            });
        }
        Some(AlertHit::NoRunbook(note)) => {
            return Ok(Ranked {
                note: Some(note),
                ..Ranked::default()
            });
        }
        None => {}
    }
    let texts = crate::store::runbook_texts(root);
    // A runbook named by its path (`runbooks/db.md#promote`), as the candidates are listed.
    let (file, anchor) = query.trim().split_once('#').unwrap_or((query.trim(), ""));
    if let Some((path, text)) = texts.iter().find(|(p, _)| p == file) {
        let headings = crate::runbook::headings_of(path, text);
        let heading = headings
            .iter()
            .find(|h| h.anchor == anchor)
            .or(headings.first());
        let hit = Hit {
            path: path.clone(),
            anchor: heading.map(|h| h.anchor.clone()).unwrap_or_default(),
            heading: heading.map(|h| h.text.clone()).unwrap_or_default(),
            score: 0.0,
            why: "named by its path".into(),
        };
        return Ok(Ranked {
            opened: Some(hit.clone()),
            candidates: vec![hit],
            ..Ranked::default()
        });
    }
    let analyzer = Analyzer::new(&crate::monitoring::config::search(root).synonyms);
    let register = register_words(registers.iter().copied());
    let ranked = rank(&analyzer, &texts, &register, query);
    std::mem::forget(ws);
    Ok(ranked)
}
