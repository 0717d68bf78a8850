//! `faultline runbook QUERY`: the runbook section a person under stress means. Every word of the
//! query must appear in a heading (with its runbook's title and path) or, failing that, in one
//! section's text; heading matches rank first. When nothing holds every word, the answer is the
//! list of closest candidates, never a silent guess.

use crate::runbook::RunbookDoc;

/// Where a query leads: a runbook and, usually, a heading in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: String,
    pub anchor: Option<String>,
    /// What a person reads: `Reconnect the applications — runbooks/database/aurora-failover.md`.
    pub label: String,
    /// Query words found in the heading, the runbook's title or its path.
    pub heading_words: usize,
    /// Query words found in the heading's own text (a whole runbook: its title).
    pub own_words: usize,
    /// Query words found in the section's text (or the whole runbook's), heading included.
    pub text_words: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Every word matched: open this.
    Match(Candidate),
    /// No candidate holds every word: the closest, best first (empty: nothing shares a word).
    Weak {
        words: usize,
        closest: Vec<Candidate>,
    },
}

/// How many closest candidates a weak answer lists.
pub const CLOSEST: usize = 5;

/// The query's words, lowercased.
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn count(words: &[String], haystack: &str) -> usize {
    words
        .iter()
        .filter(|w| haystack.contains(w.as_str()))
        .count()
}

/// Finds the best runbook or heading for `query` among `(path, text)` runbooks.
pub fn find(runbooks: &[(String, String)], query: &str) -> Found {
    let words = words(query);
    let mut candidates = Vec::new();
    for (path, text) in runbooks {
        let doc = RunbookDoc::index(path.clone(), text);
        let lower = text.to_lowercase();
        let lines: Vec<&str> = lower.lines().collect();
        let about = format!("{} {}", doc.title(), path).to_lowercase();
        candidates.push(Candidate {
            path: path.clone(),
            anchor: None,
            label: format!("{} — {path}", doc.title()),
            heading_words: count(&words, &about),
            own_words: count(&words, &doc.title().to_lowercase()),
            text_words: count(&words, &lower),
        });
        for (i, heading) in doc.headings.iter().enumerate() {
            // A section: from its heading to the next heading of any level.
            let start = heading.line.saturating_sub(1).min(lines.len());
            let end = doc
                .headings
                .get(i + 1)
                .map_or(lines.len(), |h| h.line.saturating_sub(1))
                .clamp(start, lines.len());
            let section = lines[start..end].join("\n");
            let named = format!("{} {about}", heading.text.to_lowercase());
            candidates.push(Candidate {
                path: path.clone(),
                anchor: Some(heading.anchor.clone()),
                label: format!("{} — {path}#{}", heading.text, heading.anchor),
                heading_words: count(&words, &named),
                own_words: count(&words, &heading.text.to_lowercase()),
                text_words: count(&words, &format!("{named}\n{section}")),
            });
        }
    }
    choose(candidates, words.len())
}

/// The best candidate when one holds every word (in its heading first, then in its text);
/// otherwise the closest few.
fn choose(mut candidates: Vec<Candidate>, words: usize) -> Found {
    if words == 0 {
        return Found::Weak {
            words,
            closest: Vec::new(),
        };
    }
    // Headings before whole runbooks when both name every word; then the shorter label (the
    // more specific heading), then path order.
    let rank = |c: &Candidate| (c.anchor.is_none(), c.label.len());
    let best_by = |candidates: &[Candidate], full: &dyn Fn(&Candidate) -> bool| {
        candidates
            .iter()
            .filter(|c| full(c))
            .min_by_key(|c| rank(c))
            .cloned()
    };
    // A heading that names a word itself beats its runbook's top; a heading matched only
    // through its runbook's title does not (the top of that runbook is the better answer).
    let heading = candidates
        .iter()
        .filter(|c| c.heading_words == words && c.anchor.is_some() && c.own_words > 0)
        .min_by_key(|c| (std::cmp::Reverse(c.own_words), c.label.len()))
        .cloned();
    let top = || {
        candidates
            .iter()
            .filter(|c| c.heading_words == words)
            .min_by_key(|c| (c.anchor.is_some(), c.label.len()))
            .cloned()
    };
    if let Some(best) = heading.or_else(top) {
        return Found::Match(best);
    }
    // In the text: the section (not the whole runbook) that holds every word.
    if let Some(best) = best_by(&candidates, &|c| {
        c.text_words == words && c.anchor.is_some()
    })
    .or_else(|| best_by(&candidates, &|c| c.text_words == words))
    {
        return Found::Match(best);
    }
    candidates.retain(|c| c.text_words > 0);
    candidates.sort_by(|a, b| {
        b.text_words
            .cmp(&a.text_words)
            .then_with(|| b.heading_words.cmp(&a.heading_words))
            .then_with(|| rank(a).cmp(&rank(b)))
    });
    // One line per runbook: its best section.
    let mut closest: Vec<Candidate> = Vec::new();
    for c in candidates {
        if !closest.iter().any(|k| k.path == c.path) {
            closest.push(c);
        }
        if closest.len() == CLOSEST {
            break;
        }
    }
    Found::Weak { words, closest }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn books() -> Vec<(String, String)> {
        vec![
            (
                "runbooks/db/aurora-failover.md".into(),
                "# Aurora failover\n\n## Promote a reader\n\nRun the failover.\n\n## Reconnect the applications\n\nRecycle pools; watch DatabaseConnections.\n".into(),
            ),
            (
                "runbooks/cache/redis.md".into(),
                "# Redis eviction storm\n\n## Stop the bleeding\n\nToo many keys without TTL.\n".into(),
            ),
        ]
    }

    #[test]
    fn a_heading_with_every_word_wins() {
        let Found::Match(c) = find(&books(), "aurora failover reconnect") else {
            panic!("no match");
        };
        assert_eq!(c.anchor.as_deref(), Some("reconnect-the-applications"));
    }

    #[test]
    fn the_full_text_is_searched_when_no_heading_has_every_word() {
        let Found::Match(c) = find(&books(), "recycle pools") else {
            panic!("no match");
        };
        assert_eq!(c.path, "runbooks/db/aurora-failover.md");
        assert_eq!(c.anchor.as_deref(), Some("reconnect-the-applications"));
    }

    #[test]
    fn a_weak_match_lists_the_closest_and_opens_nothing() {
        let Found::Weak { closest, .. } = find(&books(), "aurora too many connections") else {
            panic!("a weak match must not open");
        };
        assert_eq!(closest.len(), 2);
        assert!(closest.iter().any(|c| c.path.contains("aurora")));
    }
}
