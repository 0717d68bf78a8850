//! The finder's full-text search (Tab in `Ctrl-P`): the sections holding every word of the query,
//! heading matches first; when nothing holds every word, the closest candidates. (`faultline
//! runbook QUERY` ranks sections instead: `rank.rs`.)

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

/// Finds the best runbook or heading for `query` among `(path, text)` runbooks, on all cores.
pub fn find(runbooks: &[(String, String)], query: &str) -> Found {
    let words = words(query);
    let candidates =
        crate::parallel::map(runbooks, |(path, text)| candidates_of(path, text, &words));
    choose(candidates.into_iter().flatten().collect(), words.len())
}

/// Every section that holds every word of `query` (in its heading, its runbook's title and
/// path, or its text), best first: heading matches, then the more words in the heading itself,
/// then the more specific (shorter) label. A whole runbook is listed only when the words are
/// spread over its sections, none holding them all. At most `limit`.
pub fn find_all(runbooks: &[(String, String)], query: &str, limit: usize) -> Vec<Candidate> {
    let words = words(query);
    if words.is_empty() {
        return Vec::new();
    }
    let n = words.len();
    let full: Vec<Candidate> =
        crate::parallel::map(runbooks, |(path, text)| candidates_of(path, text, &words))
            .into_iter()
            .flatten()
            .filter(|c| c.text_words == n || c.heading_words == n)
            .collect();
    let mut all: Vec<Candidate> = full
        .iter()
        .filter(|c| {
            c.anchor.is_some() || !full.iter().any(|k| k.path == c.path && k.anchor.is_some())
        })
        .cloned()
        .collect();
    all.sort_by(|a, b| {
        (b.heading_words == n)
            .cmp(&(a.heading_words == n))
            .then_with(|| b.own_words.cmp(&a.own_words))
            .then_with(|| a.anchor.is_none().cmp(&b.anchor.is_none()))
            .then_with(|| a.label.len().cmp(&b.label.len()))
            .then_with(|| a.path.cmp(&b.path))
    });
    all.truncate(limit);
    all
}

/// The runbook or heading whose heading (with its runbook's title and path) holds every word,
/// from headings alone (`heading_cache`): no runbook is read. `None` sends the caller to `find`,
/// which searches the text as well; when this finds one, `find` finds the same.
pub fn find_by_headings(entries: &[crate::heading_cache::Entry], query: &str) -> Option<Candidate> {
    let words = words(query);
    if words.is_empty() {
        return None;
    }
    let candidates: Vec<Candidate> = entries
        .iter()
        .flat_map(|e| heading_candidates(&e.path, &e.headings, &words))
        .collect();
    by_heading(&candidates, words.len())
}

/// The candidates of one runbook from its headings: the whole runbook, then each heading; the
/// text is not counted (`text_words` 0).
fn heading_candidates(
    path: &str,
    headings: &[crate::runbook::Heading],
    words: &[String],
) -> Vec<Candidate> {
    let title = crate::runbook::title_of(path, headings);
    let about = about(path, headings);
    let mut candidates = Vec::with_capacity(headings.len() + 1);
    candidates.push(Candidate {
        path: path.to_owned(),
        anchor: None,
        label: format!("{title} — {path}"),
        heading_words: count(words, &about),
        own_words: count(words, &title.to_lowercase()),
        text_words: 0,
    });
    for heading in headings {
        let own = heading.text.to_lowercase();
        candidates.push(Candidate {
            path: path.to_owned(),
            anchor: Some(heading.anchor.clone()),
            label: format!("{} — {path}#{}", heading.text, heading.anchor),
            heading_words: count_in_any(words, &[&own, &about]),
            own_words: count(words, &own),
            text_words: 0,
        });
    }
    candidates
}

/// How many words are in one of the haystacks. A word (letters and digits) never spans two
/// texts joined by a space, so this is `count` over them joined, without joining them.
fn count_in_any(words: &[String], haystacks: &[&str]) -> usize {
    words
        .iter()
        .filter(|w| haystacks.iter().any(|h| h.contains(w.as_str())))
        .count()
}

/// One runbook's candidates: the whole runbook, then each heading with its section (from the
/// heading to the next heading of any level). Headings come from the line scan when it can
/// follow the text exactly, else from the full parse.
fn candidates_of(path: &str, text: &str, words: &[String]) -> Vec<Candidate> {
    let headings = crate::runbook::headings_of(path, text);
    let mut candidates = heading_candidates(path, &headings, words);
    // ASCII lower-casing keeps every byte where it was; other text is lower-cased whole (its
    // newlines stay, so line starts are found in the lower-cased text itself).
    let lower = if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase()
    };
    let lines = crate::finding::LineIndex::new(&lower);
    let about = about(path, &headings);
    candidates[0].text_words = count(words, &lower);
    for (i, heading) in headings.iter().enumerate() {
        let start = lines.line_start(heading.line);
        let end = headings
            .get(i + 1)
            .map_or(lower.len(), |h| lines.line_start(h.line))
            .max(start);
        let section = lower.get(start..end).unwrap_or_default();
        let own = heading.text.to_lowercase();
        candidates[i + 1].text_words = count_in_any(words, &[&own, &about, section]);
    }
    candidates
}

/// `title path`, lower-cased: what every heading of a runbook is also known by.
fn about(path: &str, headings: &[crate::runbook::Heading]) -> String {
    format!("{} {path}", crate::runbook::title_of(path, headings)).to_lowercase()
}

/// The candidate whose heading holds every word. A heading that names a word itself beats its
/// runbook's top; a heading matched only through its runbook's title does not (the top of that
/// runbook is the better answer).
fn by_heading(candidates: &[Candidate], words: usize) -> Option<Candidate> {
    let heading = candidates
        .iter()
        .filter(|c| c.heading_words == words && c.anchor.is_some() && c.own_words > 0)
        .min_by_key(|c| (std::cmp::Reverse(c.own_words), c.label.len()))
        .cloned();
    heading.or_else(|| {
        candidates
            .iter()
            .filter(|c| c.heading_words == words)
            .min_by_key(|c| (c.anchor.is_some(), c.label.len()))
            .cloned()
    })
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
    if let Some(best) = by_heading(&candidates, words) {
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
    fn every_section_with_every_word_is_listed() {
        let books = vec![
            (
                "runbooks/a.md".to_owned(),
                "# A\n\n## One\n\nrun kubectl get pods\n\n## Two\n\nkubectl rollout undo\n\n## Three\n\nnothing here\n".to_owned(),
            ),
            (
                "runbooks/b.md".to_owned(),
                "# B\n\n## Kubectl access\n\nask for it\n".to_owned(),
            ),
        ];
        let all = find_all(&books, "kubectl", 50);
        let labels: Vec<&str> = all.iter().map(|c| c.label.as_str()).collect();
        // The heading that names it first, then each section whose text holds it.
        assert_eq!(
            labels,
            [
                "Kubectl access — runbooks/b.md#kubectl-access",
                "One — runbooks/a.md#one",
                "Two — runbooks/a.md#two"
            ]
        );
        // Words spread over two sections: the runbook itself, once.
        let spread = find_all(&books, "pods rollout", 50);
        assert_eq!(spread.len(), 1);
        assert_eq!(spread[0].anchor, None);
        assert!(find_all(&books, "zzz", 50).is_empty());
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
