//! The alerts defined as code in the workspace (Prometheus rules, Grafana provisioning,
//! Terraform, CloudFormation, Sloth): found, read into an inventory with `path:line`, and matched
//! against the alerts that risks name.
//!
//! Reading is static: a name built at deploy time (`${var.env}-orders-dlq`) is kept as a
//! *pattern* that matches by its literal parts. CDK source cannot be read this way; its
//! synthesised templates (`cdk.out/*.template.json`) can.

mod block;
pub mod config;
pub mod glob;
mod terraform;
pub(crate) mod yaml;

use crate::finding::{Finding, Pos};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use config::MonitoringConfig;

/// Where an alert is defined; a risk may name one with a prefix (`cloudwatch:orders-dlq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Prometheus,
    Grafana,
    Cloudwatch,
    Datadog,
    Sloth,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::Prometheus,
        Source::Grafana,
        Source::Cloudwatch,
        Source::Datadog,
        Source::Sloth,
    ];

    /// The prefix a risk writes before the name.
    pub fn name(self) -> &'static str {
        match self {
            Source::Prometheus => "prometheus",
            Source::Grafana => "grafana",
            Source::Cloudwatch => "cloudwatch",
            Source::Datadog => "datadog",
            Source::Sloth => "sloth",
        }
    }

    fn from_prefix(prefix: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.name() == prefix)
    }
}

/// One alert as the monitoring config defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertDef {
    pub source: Source,
    /// The name as written; for a pattern, with its placeholders (`${var.env}-orders-dlq`).
    pub name: String,
    /// Workspace-relative, `/`-separated.
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// True when the name is built from variables and matches by its literal parts.
    pub pattern: bool,
    /// Grafana's stable rule id, which a risk may name instead of the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_url: Option<String>,
    /// Where the runbook URL is written, for a finding about it.
    #[serde(skip)]
    pub runbook_pos: Pos,
}

impl AlertDef {
    /// `path:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }
}

/// What a name from a risk resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution<'a> {
    /// Defined under exactly that name (one or more definitions).
    Found(Vec<&'a AlertDef>),
    /// Only a name built from variables could produce it.
    Pattern(Vec<&'a AlertDef>),
    /// Not defined; the closest name, if one is close.
    Missing(Option<&'a AlertDef>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Exact,
    Pattern,
    None,
}

/// Every alert found in the workspace's monitoring config, and the files that could not be read.
#[derive(Debug, Default, Clone)]
pub struct Inventory {
    /// In path, then line order.
    pub alerts: Vec<AlertDef>,
    /// `monitoring-unparseable` warnings and an invalid `faultline.toml`.
    pub problems: Vec<Finding>,
    /// How many files were read.
    pub files_scanned: usize,
    /// The settings it was built with.
    pub config: MonitoringConfig,
    by_name: HashMap<String, Vec<usize>>,
    /// The alerts named by patterns, with their literal parts split once.
    patterns: Vec<(usize, Vec<String>)>,
    /// `patterns` by the last bytes a name must end with (their last literal part's); a name
    /// is tried only against those ending as it does and `open_ended`. Thousands of names
    /// missing from a config of thousands of patterns each tried them all.
    pattern_tails: HashMap<Tail, Vec<usize>>,
    /// `patterns` whose last literal part is shorter than a tail.
    open_ended: Vec<usize>,
    /// Lower-cased names, for "did you mean".
    lower: Vec<(String, usize)>,
}

impl Inventory {
    /// An inventory of these alerts (sorted by path and line here).
    pub fn new(
        mut alerts: Vec<AlertDef>,
        problems: Vec<Finding>,
        files_scanned: usize,
        config: MonitoringConfig,
    ) -> Inventory {
        alerts.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns: Vec<(usize, Vec<String>)> = Vec::new();
        let mut lower = Vec::new();
        for (i, alert) in alerts.iter().enumerate() {
            by_name.entry(alert.name.clone()).or_default().push(i);
            if let Some(uid) = &alert.uid {
                by_name.entry(uid.clone()).or_default().push(i);
            }
            if alert.pattern {
                let parts = literal_parts(&alert.name)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                patterns.push((i, parts));
            } else {
                lower.push((alert.name.to_lowercase(), i));
            }
        }
        let mut pattern_tails: HashMap<Tail, Vec<usize>> = HashMap::new();
        let mut open_ended = Vec::new();
        for (at, (_, parts)) in patterns.iter().enumerate() {
            match parts.last().and_then(|last| tail(last)) {
                Some(t) => pattern_tails.entry(t).or_default().push(at),
                None => open_ended.push(at),
            }
        }
        Inventory {
            alerts,
            problems,
            files_scanned,
            config,
            by_name,
            patterns,
            pattern_tails,
            open_ended,
            lower,
        }
    }

    /// Reads the config and every monitoring file of the workspace at `root`, on all cores.
    pub fn scan(root: &Path) -> Inventory {
        let (config, config_problem) = config::load(root);
        let paths = walk(root, &config.compile());
        let results = crate::parallel::map(&paths, |path| scan_file(root, path));
        let mut alerts = Vec::new();
        let mut problems: Vec<Finding> = config_problem.into_iter().collect();
        for (found, problem) in results {
            alerts.extend(found);
            problems.extend(problem);
        }
        Inventory::new(alerts, problems, paths.len(), config)
    }

    /// Resolves a name as a risk writes it: `Name` or `source:Name`.
    pub fn resolve(&self, reference: &str) -> Resolution<'_> {
        let refs = |ids: Vec<usize>| ids.into_iter().map(|i| &self.alerts[i]).collect();
        match self.resolve_ids(reference) {
            (Match::Exact, ids) => Resolution::Found(refs(ids)),
            (Match::Pattern, ids) => Resolution::Pattern(refs(ids)),
            (Match::None, _) => {
                let (source, name) = split_reference(reference);
                Resolution::Missing(self.closest(source, name))
            }
        }
    }

    /// For each alert, the risks (component, id) whose `alerts` name it (exactly or by
    /// pattern), in register order: what `check`, `faultline alerts` and the finder show.
    pub fn named_by<'r>(
        &self,
        registers: impl IntoIterator<Item = &'r crate::model::Register>,
    ) -> Vec<Vec<(String, String)>> {
        let mut named: Vec<Vec<(String, String)>> = vec![Vec::new(); self.alerts.len()];
        for reg in registers {
            for risk in &reg.risks {
                for reference in &risk.alerts {
                    for i in self.resolve_ids(reference).1 {
                        if !named[i]
                            .iter()
                            .any(|(c, r)| *c == reg.component && *r == risk.id)
                        {
                            named[i].push((reg.component.clone(), risk.id.clone()));
                        }
                    }
                }
            }
        }
        named
    }

    /// For each alert, whether a risk names it (exactly or by pattern): what `check` needs of
    /// `named_by`, without gathering the risks. The registers are looked up on all cores.
    pub fn named(&self, registers: &[&crate::model::Register]) -> Vec<bool> {
        let per_register = crate::parallel::map(registers, |reg| {
            reg.risks
                .iter()
                .flat_map(|risk| &risk.alerts)
                .flat_map(|reference| self.resolve_ids(reference).1)
                .collect::<Vec<usize>>()
        });
        let mut named = vec![false; self.alerts.len()];
        for i in per_register.into_iter().flatten() {
            named[i] = true;
        }
        named
    }

    fn resolve_ids(&self, reference: &str) -> (Match, Vec<usize>) {
        let (source, name) = split_reference(reference);
        let keep = |i: &usize| source.is_none_or(|s| self.alerts[*i].source == s);
        let exact: Vec<usize> = self
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(keep)
            .collect();
        if !exact.is_empty() {
            return (Match::Exact, exact);
        }
        let mut tried: Vec<usize> = self.open_ended.clone();
        if let Some(t) = tail(name) {
            tried.extend(self.pattern_tails.get(&t).into_iter().flatten());
        }
        tried.sort_unstable();
        let by_pattern: Vec<usize> = tried
            .into_iter()
            .map(|at| &self.patterns[at])
            .filter(|(i, parts)| keep(i) && parts_match(parts, name))
            .map(|(i, _)| *i)
            .collect();
        if by_pattern.is_empty() {
            (Match::None, by_pattern)
        } else {
            (Match::Pattern, by_pattern)
        }
    }

    /// The defined name nearest to `name`: the same but for case, else the fewest edits
    /// (within a third of its length, at least 2); the first defined of equally near ones.
    fn closest(&self, source: Option<Source>, name: &str) -> Option<&AlertDef> {
        let wanted = name.to_lowercase();
        let mut bound = 2.max(wanted.chars().count() / 3);
        let mut best: Option<(usize, usize)> = None;
        for (lower, i) in &self.lower {
            if source.is_some_and(|s| self.alerts[*i].source != s)
                || lower.len().abs_diff(wanted.len()) > bound
            {
                continue;
            }
            if let Some(d) = crate::parse::edit_distance_within(&wanted, lower, bound)
                && best.is_none_or(|b| (d, *i) < b)
            {
                best = Some((d, *i));
                // Only as near or nearer can win from here.
                bound = d;
            }
        }
        best.map(|(_, i)| &self.alerts[i])
    }
}

/// `cloudwatch:orders-dlq` → (Cloudwatch, `orders-dlq`); a prefix that names no source is part
/// of the name.
pub fn split_reference(reference: &str) -> (Option<Source>, &str) {
    match reference.split_once(':') {
        Some((prefix, name)) => match Source::from_prefix(prefix) {
            Some(source) => (Some(source), name),
            None => (None, reference),
        },
        None => (None, reference),
    }
}

/// The literal parts of a name with `${…}` or `{{…}}` placeholders.
fn literal_parts(pattern: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = pattern;
    loop {
        let next = [("${", "}"), ("{{", "}}")]
            .iter()
            .filter_map(|(open, close)| rest.find(open).map(|at| (at, *open, *close)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, open, close)) = next else {
            parts.push(rest);
            return parts;
        };
        parts.push(&rest[..at]);
        let after = &rest[at + open.len()..];
        match after.find(close) {
            Some(end) => rest = &after[end + close.len()..],
            None => {
                parts.push("");
                return parts;
            }
        }
    }
}

/// Whether `name` fits a pattern: the first literal part starts it, the last ends it, the rest
/// come in order between.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    parts_match(&literal_parts(pattern), name)
}

/// The last bytes of a name, to find the patterns it may fit.
type Tail = [u8; 4];

fn tail(text: &str) -> Option<Tail> {
    let bytes = text.as_bytes();
    bytes.get(bytes.len().checked_sub(4)?..)?.try_into().ok()
}

/// `pattern_matches` with the pattern's literal parts already split.
fn parts_match<S: AsRef<str>>(parts: &[S], name: &str) -> bool {
    if parts.iter().all(|p| p.as_ref().is_empty()) {
        return false;
    }
    let (first, last) = (parts[0].as_ref(), parts[parts.len() - 1].as_ref());
    if parts.len() == 1 {
        return first == name;
    }
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut middle = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        let part = part.as_ref();
        match middle.find(part) {
            Some(at) => middle = &middle[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Directories never scanned: version control, build output, dependencies.
const SKIPPED_DIRS: [&str; 4] = [".git", "target", "node_modules", ".terraform"];

/// Every file under `root` the config asks for, in path order. Never entered: hidden
/// directories, the ones above, those `ignore` names, and whatever the repository's
/// `.gitignore` and `.ignore` files leave out (a file git ignores is not the repository's
/// monitoring config). Symbolic links are not followed. The `ignore` crate walks, as ripgrep
/// does.
fn walk(root: &Path, config: &config::CompiledConfig) -> Vec<PathBuf> {
    let prune = {
        let (root, config) = (root.to_path_buf(), config.clone());
        move |entry: &ignore::DirEntry| {
            if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            !(name.starts_with('.')
                || SKIPPED_DIRS.contains(&name.as_ref())
                || config.ignores_path(&crate::store::relative(&root, entry.path())))
        }
    };
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(false)
        .hidden(false)
        .parents(false)
        .git_global(false)
        .require_git(false)
        .filter_entry(prune)
        .build();
    let mut out: Vec<PathBuf> = walker
        .flatten()
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .filter(|entry| config.scans(&crate::store::relative(root, entry.path())))
        .map(ignore::DirEntry::into_path)
        .collect();
    out.sort();
    out
}

/// The alerts of one file, or why it could not be read.
fn scan_file(root: &Path, path: &Path) -> (Vec<AlertDef>, Option<Finding>) {
    let rel = crate::store::relative(root, path);
    let bytes = match crate::store::read_limited(root, path) {
        Ok(bytes) => bytes,
        Err(mut finding) => {
            finding.severity = crate::finding::Severity::Warning;
            finding.rule = "monitoring-unparseable";
            return (Vec::new(), Some(finding));
        }
    };
    let text = match crate::parse::decode(Path::new(&rel), bytes) {
        Ok(text) => text,
        Err(mut finding) => {
            finding.severity = crate::finding::Severity::Warning;
            finding.rule = "monitoring-unparseable";
            return (Vec::new(), Some(finding));
        }
    };
    scan_text(&rel, &text)
}

/// The alerts in one file's text, by its kind (`.tf` is Terraform; YAML and JSON are read by
/// what they hold). Never panics, whatever the bytes.
pub fn scan_text(rel: &str, text: &str) -> (Vec<AlertDef>, Option<Finding>) {
    if rel.ends_with(".tf") {
        terraform::scan(rel, text)
    } else {
        yaml::scan(rel, text)
    }
}

/// For the fuzzer: whether the plain block reader, wherever it reads `text`, reads what
/// saphyr reads (the same trees and positions, and only text saphyr reads too).
#[doc(hidden)]
pub fn block_reader_agrees_with_saphyr(text: &str) -> bool {
    block::read(text).is_none_or(|ours| Ok(ours) == yaml::saphyr_documents(text))
}

/// For the fuzzer and tests: whether a text the alias budget lets through loads into a tree of
/// bounded size (its own text's worth of nodes, plus the budget), and whether it was let through.
#[doc(hidden)]
pub fn alias_budget_holds(text: &str) -> (bool, bool) {
    if yaml::check_depth(text).is_err() {
        return (true, false);
    }
    let allowed = yaml::check_aliases(text).is_ok();
    if !allowed {
        return (true, false);
    }
    let Ok(docs) = yaml::saphyr_documents(text) else {
        return (true, true);
    };
    let size: usize = docs.iter().map(yaml::tree_bytes).sum();
    (
        size <= yaml::alias_limit(text) + text.len() * 64 + 1024,
        true,
    )
}

fn unparseable(rel: &str, pos: Pos, message: String) -> Finding {
    Finding::warning(rel, pos, "monitoring-unparseable", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_counted_in_bytes_not_nodes() {
        // Ordinary anchors (a CloudFormation template's shared tags) read.
        let small = "a: &t {k: v}\nb: *t\nc: [*t, *t]\n";
        assert_eq!(alias_budget_holds(small), (true, true));
        // One anchored 600 KB string aliased 10 times: 6 MB from a 600 KB file.
        let big = format!(
            "a: &s \"{}\"\nb: [{}]\n",
            "x".repeat(600_000),
            ["*s"; 10].join(", ")
        );
        let (_, finding) = scan_text("m/big.rules.yml", &big);
        let finding = finding.expect("refused");
        assert_eq!(finding.rule, "monitoring-unparseable");
        assert_eq!(finding.line, 2);
        assert!(
            finding.message.contains("aliases expand"),
            "{}",
            finding.message
        );
        // The billion laughs: nested fan-out, refused by the same count.
        let mut laughs = String::from(
            "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            laughs.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(", ")
            ));
        }
        assert_eq!(alias_budget_holds(&laughs), (true, false));
    }

    #[test]
    fn patterns_match_by_their_literal_parts() {
        assert!(pattern_matches("${var.env}-orders-dlq", "prod-orders-dlq"));
        assert!(pattern_matches("${var.env}-orders-dlq", "-orders-dlq"));
        assert!(!pattern_matches("${var.env}-orders-dlq", "prod-orders-dl"));
        assert!(pattern_matches(
            "api-${var.env}-5xx-${var.region}",
            "api-prod-5xx-eu"
        ));
        assert!(!pattern_matches(
            "api-${var.env}-5xx-${x}",
            "api-prod-4xx-eu"
        ));
        assert!(pattern_matches("{{ $env }}High", "prodHigh"));
        assert!(!pattern_matches("${local.name}", "anything"));
        assert!(pattern_matches("plain", "plain"));
        // An unclosed placeholder runs to the end of the name.
        assert!(pattern_matches("a${x", "ab"));
    }

    fn alert(name: &str, line: usize) -> AlertDef {
        AlertDef {
            source: if line.is_multiple_of(2) {
                Source::Prometheus
            } else {
                Source::Cloudwatch
            },
            name: name.to_owned(),
            path: "m.yml".into(),
            line,
            column: 1,
            pattern: name.contains("${"),
            uid: None,
            runbook_url: None,
            runbook_pos: Pos::START,
        }
    }

    proptest::proptest! {
        /// The indexed search (patterns by their last bytes, bounded distances) resolves every
        /// name as trying every pattern and every full distance does.
        #[test]
        fn resolving_agrees_with_the_plain_search(
            names in proptest::collection::vec("(\\$\\{v\\}|[abé-]){0,7}", 1..14),
            pick in 0usize..20,
            fill in "[abé]{0,2}",
            other in "(prometheus:)?[abé-]{0,7}",
        ) {
            // Mostly a name made from one of the patterns, else any.
            let wanted = names.get(pick).map_or(other, |n| n.replace("${v}", &fill));
            let alerts: Vec<AlertDef> =
                names.iter().enumerate().map(|(i, n)| alert(n, i + 1)).collect();
            let inv = Inventory::new(alerts, Vec::new(), 1, MonitoringConfig::default());
            let (source, name) = split_reference(&wanted);
            let keep = |a: &AlertDef| source.is_none_or(|s| a.source == s);
            let exact: Vec<&AlertDef> =
                inv.alerts.iter().filter(|a| keep(a) && a.name == name).collect();
            let by_pattern: Vec<&AlertDef> = inv
                .alerts
                .iter()
                .filter(|a| keep(a) && a.pattern && pattern_matches(&a.name, name))
                .collect();
            let lower = name.to_lowercase();
            let limit = 2.max(lower.chars().count() / 3);
            let closest = inv
                .alerts
                .iter()
                .enumerate()
                .filter(|(_, a)| keep(a) && !a.pattern)
                .map(|(i, a)| (a.name.to_lowercase(), i))
                .filter(|(l, _)| l.len().abs_diff(lower.len()) <= limit)
                .map(|(l, i)| (crate::parse::edit_distance(&lower, &l), i))
                .filter(|(d, _)| *d <= limit)
                .min()
                .map(|(_, i)| &inv.alerts[i]);
            let plain = if !exact.is_empty() {
                Resolution::Found(exact)
            } else if !by_pattern.is_empty() {
                Resolution::Pattern(by_pattern)
            } else {
                Resolution::Missing(closest)
            };
            proptest::prop_assert_eq!(inv.resolve(&wanted), plain);
        }
    }

    #[test]
    fn named_is_whether_named_by_finds_a_risk() {
        let alerts: Vec<AlertDef> = ["A", "B", "${v}-c", "D"]
            .iter()
            .enumerate()
            .map(|(i, n)| alert(n, i + 1))
            .collect();
        let inv = Inventory::new(alerts, Vec::new(), 1, MonitoringConfig::default());
        let reg: crate::model::Register = serde_json::from_str(
            r#"{"component": "x", "title": "X", "risks": [
                {"id": "r1", "title": "R", "likelihood": "low", "impact": "low", "status": "open",
                 "alerts": ["A", "prod-c", "nope"]},
                {"id": "r2", "title": "R", "likelihood": "low", "impact": "low", "status": "open",
                 "alerts": ["A"]}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let named = inv.named(&[&reg]);
        let by: Vec<bool> = inv.named_by([&reg]).iter().map(|r| !r.is_empty()).collect();
        assert_eq!(named, by);
        assert_eq!(named, [true, false, true, false]);
    }

    /// A lone carriage return ends a line, for saphyr as for editors: the fuzzer's line count
    /// once did not count it and took a right position for one past the end of the file.
    #[test]
    fn lone_carriage_returns_end_lines() {
        let (alerts, problem) = scan_text(
            "a.rules.yml",
            "groups:\r- name: a\r  rules:\r  - alert: X\r",
        );
        assert!(problem.is_none(), "{problem:?}");
        assert_eq!(alerts.len(), 1);
        assert_eq!((alerts[0].line, alerts[0].column), (4, 12));
    }

    #[test]
    fn references_split_only_on_known_sources() {
        assert_eq!(
            split_reference("cloudwatch:orders-dlq"),
            (Some(Source::Cloudwatch), "orders-dlq")
        );
        assert_eq!(split_reference("team:thing"), (None, "team:thing"));
        assert_eq!(split_reference("Plain"), (None, "Plain"));
    }
}
