//! Building the search index: every section's words stemmed once (interned per thread), with
//! what the registers say about it, inverted and written as the index's bytes.

use super::{FIELDS, Index, MAGIC, Postings, Stamp};
use crate::analysis::rank::codec::Writer;
use crate::analysis::rank::vocabulary::STOP_WORDS;
use crate::model::Register;
use rust_stemmers::Stemmer;
use std::collections::HashMap;

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
