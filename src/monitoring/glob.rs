//! Path globs for the monitoring config: `*` and `?` within a path segment, `**` for any number
//! of segments (none included), `{a,b}` for alternatives.

/// Whether the `/`-separated `path` matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    expand_braces(pattern).iter().any(|p| {
        let pattern: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
        let path: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        segments_match(&pattern, &path)
    })
}

/// Whether some path below `dir` could match: used to skip a whole directory only when no
/// pattern could reach inside it. A pattern with `**` can reach anywhere.
fn segments_match(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| segments_match(rest, &path[skip..])),
        Some((first, rest)) => path.split_first().is_some_and(|(p, path_rest)| {
            segment_matches(first, p) && segments_match(rest, path_rest)
        }),
    }
}

/// `*` any run of characters, `?` one character, within one segment.
fn segment_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // The classic two-pointer wildcard match with one backtrack point: linear in practice.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
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
    p[pi..].iter().all(|&c| c == '*')
}

/// `a/{x,y}/*.yml` → `a/x/*.yml`, `a/y/*.yml` (one level of braces, as config files use them).
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
        assert!(!matches("a?c.tf", "ac.tf"));
        assert!(matches(
            "**/cdk.out/*.template.json",
            "infra/cdk.out/Stack.template.json"
        ));
    }
}
