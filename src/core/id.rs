//! Ids: what a valid component or risk id is, the valid id closest to a text, and the short
//! name a title gives a risk id or a timeline file.

/// Ids are lowercase letters, digits and hyphens, starting with a letter or digit.
pub fn is_valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Backstage entity kinds a `depends_on` entry may name (`component:default/payments-api`).
pub const BACKSTAGE_KINDS: [&str; 9] = [
    "component",
    "resource",
    "system",
    "api",
    "domain",
    "group",
    "user",
    "location",
    "template",
];

/// A `depends_on` entry naming a component outside this repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum External<'a> {
    /// `repo:component`, the repository's name in the organisation file.
    Repo { repo: &'a str, component: &'a str },
    /// A Backstage entity ref, `kind:[namespace/]name`: the component named `name` in any
    /// repository of the organisation.
    Backstage { kind: &'a str, name: &'a str },
}

/// A repository name, or a part of a Backstage ref: letters, digits, `-`, `_`, `.`, not
/// starting with `.`, at most 100 (it names a directory of the organisation's cache).
pub fn is_plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// What a `depends_on` entry names: `None` for a plain id of this repository, else the
/// reference outside it, or why it is malformed.
pub fn external_reference(dep: &str) -> Option<Result<External<'_>, String>> {
    let (left, right) = dep.split_once(':')?;
    if !is_plain_name(left) {
        return Some(Err(format!(
            "`{left}` before the `:` is neither a repository name nor a Backstage kind"
        )));
    }
    if let Some((namespace, name)) = right.split_once('/') {
        return Some(if !is_backstage_kind(left) {
            Err(format!(
                "`{left}` is not a Backstage kind (component, resource, system, …)"
            ))
        } else if !is_plain_name(namespace) || !is_plain_name(name) {
            Err("a Backstage ref is `kind:namespace/name`, each part letters, digits, `-`, `_` or `.`".to_owned())
        } else {
            Ok(External::Backstage { kind: left, name })
        });
    }
    if is_valid_id(right) {
        return Some(Ok(if is_backstage_kind(left) {
            External::Backstage {
                kind: left,
                name: right,
            }
        } else {
            External::Repo {
                repo: left,
                component: right,
            }
        }));
    }
    Some(Err(format!(
        "`{right}` after the `:` is not a component id (lowercase letters, digits and hyphens)"
    )))
}

fn is_backstage_kind(word: &str) -> bool {
    BACKSTAGE_KINDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// A valid id close to `text`: lowercased, other characters turned into single hyphens.
pub fn suggest_id(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Words a name made from a title can do without (`not` is kept: it changes the meaning).
const FILLER: [&str; 26] = [
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "was", "by", "at",
    "that", "when", "with", "from", "into", "it", "its", "be", "as", "this", "our",
];

/// Significant words a name made from a title keeps, and its most characters.
pub const NAME_WORDS: usize = 5;
pub const NAME_CHARS: usize = 40;

/// A short name from a title, for a risk id or a timeline file: its first significant words
/// (filler dropped first), at most `NAME_WORDS` of them and `NAME_CHARS` characters, whole
/// words only (`Payment service provider outage` → `payment-service-provider-outage`). Empty
/// when the title has no letter or digit.
pub fn short_name(title: &str) -> String {
    let full = suggest_id(title);
    let significant: Vec<&str> = full.split('-').filter(|w| !FILLER.contains(w)).collect();
    let words = if significant.iter().any(|w| !w.is_empty()) {
        significant
    } else {
        full.split('-').collect()
    };
    let mut out = String::new();
    for word in words.into_iter().filter(|w| !w.is_empty()).take(NAME_WORDS) {
        let joined = out.len() + usize::from(!out.is_empty()) + word.len();
        if joined > NAME_CHARS {
            if out.is_empty() {
                // One word longer than a name: cut (ASCII, so any byte is a boundary).
                out.push_str(&word[..NAME_CHARS]);
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

/// A risk id from a title: its slug, made unique among `taken` with `-2`, `-3`…
pub fn unique_id(title: &str, taken: &[&str]) -> String {
    let base = short_name(title);
    let base = if base.is_empty() {
        "risk".to_owned()
    } else {
        base
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate.as_str()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_references_are_told_apart_from_local_ids() {
        assert_eq!(external_reference("orders-db"), None);
        assert_eq!(
            external_reference("payments:ledger"),
            Some(Ok(External::Repo {
                repo: "payments",
                component: "ledger"
            }))
        );
        assert_eq!(
            external_reference("component:default/ledger"),
            Some(Ok(External::Backstage {
                kind: "component",
                name: "ledger"
            }))
        );
        assert_eq!(
            external_reference("Resource:orders-db"),
            Some(Ok(External::Backstage {
                kind: "Resource",
                name: "orders-db"
            }))
        );
        for bad in [
            ":x",
            "payments:",
            "payments:Ledger",
            "a b:x",
            "repo:ns/x",
            "../x:y",
        ] {
            assert!(
                matches!(external_reference(bad), Some(Err(_))),
                "{bad} should be malformed"
            );
        }
    }

    #[test]
    fn short_names_keep_five_significant_words_within_forty_characters() {
        assert_eq!(
            short_name("Payment service provider outage"),
            "payment-service-provider-outage"
        );
        assert_eq!(
            short_name("Eviction drops the drivers GEO set"),
            "eviction-drops-drivers-geo-set"
        );
        assert_eq!(
            short_name("Lambda concurrency limit reached during a sale"),
            "lambda-concurrency-limit-reached-during"
        );
        // Whole words within 40 characters.
        let long = short_name("Cross-region replication lag exceeds recovery point objective");
        assert!(long.len() <= NAME_CHARS, "{long}");
        assert_eq!(long, "cross-region-replication-lag-exceeds");
        assert_eq!(short_name("DNS not resolving"), "dns-not-resolving");
        assert_eq!(short_name("The"), "the");
        assert_eq!(short_name("!!!"), "");
        assert_eq!(short_name(&"x".repeat(60)).len(), NAME_CHARS);
    }
}
