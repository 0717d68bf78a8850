//! Path globs for the monitoring config: `*` and `?` within a path segment, `**` for any number
//! of segments (none included), `{a,b}` for alternatives. Compiled once into a `GlobSet`, since
//! a walk tests every file of the workspace.

/// Globs split into segments, braces expanded, ready to test many paths.
#[derive(Debug, Clone, Default)]
pub struct GlobSet {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    segments: Vec<String>,
    /// What a matching path must end with: the literal text after the last segment's last
    /// wildcard (`.tf` for `**/*.tf`; nothing when the pattern ends in `**`). A walk tests every
    /// file of the workspace against every pattern, and this turns nearly all of them away.
    ending: String,
}

impl GlobSet {
    pub fn new<S: AsRef<str>>(globs: &[S]) -> GlobSet {
        let patterns = globs
            .iter()
            .flat_map(|g| expand_braces(g.as_ref()))
            .map(|p| {
                let segments: Vec<String> = p
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                let ending = match segments.last() {
                    Some(last) if last != "**" => {
                        let literal = last.rfind(['*', '?']).map_or(0, |at| at + 1);
                        last[literal..].to_owned()
                    }
                    _ => String::new(),
                };
                Pattern { segments, ending }
            })
            .collect();
        GlobSet { patterns }
    }

    /// Whether the `/`-separated `path` matches one of the globs.
    pub fn matches(&self, path: &str) -> bool {
        let trimmed = path.trim_end_matches('/');
        let mut segments: Option<Vec<&str>> = None;
        self.patterns.iter().any(|p| {
            if !trimmed.ends_with(&p.ending) {
                return false;
            }
            let path =
                segments.get_or_insert_with(|| path.split('/').filter(|s| !s.is_empty()).collect());
            // A pattern that does not end in `**` must match the file name with its last
            // segment: most paths of a walk fail here, before the `**` search.
            let name_fits = match (p.segments.last(), path.last()) {
                (Some(last), Some(name)) if last != "**" => segment_matches(last, name),
                _ => true,
            };
            name_fits && segments_match(&p.segments, path)
        })
    }
}

/// Whether the `/`-separated `path` matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    GlobSet::new(&[pattern]).matches(path)
}

fn segments_match(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| segments_match(rest, &path[skip..]))
        }
        Some((first, rest)) => path.split_first().is_some_and(|(p, path_rest)| {
            segment_matches(first, p) && segments_match(rest, path_rest)
        }),
    }
}

/// `*` any run of characters, `?` one character, within one segment.
fn segment_matches(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        wildcard(pattern.as_bytes(), text.as_bytes())
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        wildcard(&p, &t)
    }
}

/// The classic two-pointer wildcard match with one backtrack point: linear in practice.
fn wildcard<T: PartialEq + Copy + Wild>(p: &[T], t: &[T]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi].one_char() || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi].any_run() {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| c.any_run())
}

/// The two wildcards, for bytes and for characters.
trait Wild {
    fn any_run(self) -> bool;
    fn one_char(self) -> bool;
}

impl Wild for u8 {
    fn any_run(self) -> bool {
        self == b'*'
    }
    fn one_char(self) -> bool {
        self == b'?'
    }
}

impl Wild for char {
    fn any_run(self) -> bool {
        self == '*'
    }
    fn one_char(self) -> bool {
        self == '?'
    }
}

/// `a/{x,y}/*.yml` → `a/x/*.yml`, `a/y/*.yml`.
fn expand_braces(pattern: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (pattern.find('{'), pattern.find('}')) else {
        return vec![pattern.to_owned()];
    };
    if close < open {
        return vec![pattern.to_owned()];
    }
    let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
    pattern[open + 1..close]
        .split(',')
        .flat_map(|alt| expand_braces(&format!("{head}{alt}{tail}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("**/*.rules.y*ml", "api.rules.yml"));
        assert!(matches(
            "**/*.rules.y*ml",
            "monitoring/prometheus/api.rules.yaml"
        ));
        assert!(!matches("**/*.rules.y*ml", "monitoring/api.yml"));
        assert!(matches("**/rules/**/*.y*ml", "k8s/rules/a.yaml"));
        assert!(matches("**/rules/**/*.y*ml", "rules/x/y/a.yml"));
        assert!(!matches("**/rules/**/*.y*ml", "k8s/rule/a.yaml"));
        assert!(matches("legacy/**", "legacy/old/a.tf"));
        assert!(matches("**/*.tf", "main.tf"));
        assert!(matches("**/*.{tf,yml}", "a/b.yml"));
        assert!(matches("a?c.tf", "abc.tf"));
        assert!(matches("a?c.tf", "aéc.tf"));
        assert!(!matches("a?c.tf", "ac.tf"));
        assert!(matches(
            "**/cdk.out/*.template.json",
            "infra/cdk.out/Stack.template.json"
        ));
        assert!(matches("Watchdog", "Watchdog"));
        assert!(matches("*Info*", "KubeInfoInhibitor"));
        assert!(!matches("**/*.tf", "main.tfx"));
        assert!(matches("a/*", "a/b/"));
        assert!(!matches("a/*x", "a/b/"));
    }
}
