//! The workspace's optional `faultline.toml`: which files hold monitoring config, which to
//! leave alone, and the web address under which this repository's runbooks are published.
//!
//! ```toml
//! [monitoring]
//! paths = ["monitoring/**/*.yml", "infra/**/*.tf"]   # replaces the defaults
//! ignore = ["legacy/**", "Watchdog"]                  # paths not read; alert names not required
//! runbook_base_url = "https://github.com/acme/shop/blob/main/"
//! ```

use super::glob::GlobSet;
use crate::finding::{Finding, LineIndex, Pos};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The config file's name, at the workspace root.
pub const CONFIG_FILE: &str = "faultline.toml";

/// Where alerts are looked for when the config does not say.
pub const DEFAULT_PATHS: [&str; 16] = [
    "**/*.rules.y*ml",
    "**/rules/**/*.y*ml",
    "**/alerts/**/*.y*ml",
    "**/alerting/**/*.y*ml",
    "**/*.alerts.y*ml",
    "**/prometheus/**/*.y*ml",
    "**/*.tf",
    "**/provisioning/alerting/**/*.{yml,yaml,json}",
    "**/*.template.{json,yml,yaml}",
    "**/template.y*ml",
    "**/cloudformation/**/*.{json,yml,yaml}",
    "**/cdk.out/*.template.json",
    "**/slos/**/*.y*ml",
    "**/*.slo.y*ml",
    "**/sloth/**/*.y*ml",
    "**/monitoring/**/*.y*ml",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    monitoring: MonitoringConfig,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    tickets: TicketsConfig,
    #[serde(default)]
    alertmanager: AlertmanagerConfig,
    #[serde(default)]
    register: RegisterConfig,
    #[serde(default)]
    run: RunConfig,
}

/// `[run]`: whether the viewer may run a runbook's shell steps (`enabled = false`: never).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for RunConfig {
    fn default() -> RunConfig {
        RunConfig { enabled: true }
    }
}

fn yes() -> bool {
    true
}

/// Whether `faultline.toml` lets the viewer run shell steps (yes unless `[run] enabled = false`;
/// a file that does not read is taken as no, since it may say so).
pub fn run_enabled(root: &Path) -> bool {
    match read_config(root) {
        None => true,
        Some(file) => file.is_ok_and(|f| f.run.enabled),
    }
}

/// `[register]`: the categories risks are sorted into (`categories = ["reliability", …]`,
/// e.g. the Well-Architected pillars); the production-readiness areas when absent.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegisterConfig {
    #[serde(default)]
    pub categories: Option<Vec<String>>,
}

/// The categories risks may have (`[register] categories`, else the defaults), trimmed and
/// lower-cased, empty ones dropped.
pub fn categories(root: &Path) -> Vec<String> {
    match config_file(root).register.categories {
        Some(list) if list.iter().any(|c| !c.trim().is_empty()) => list
            .iter()
            .map(|c| c.trim().to_lowercase())
            .filter(|c| !c.is_empty())
            .collect(),
        _ => crate::model::DEFAULT_CATEGORIES
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
    }
}

/// `[tickets]`: where a ticket id leads, `url = "https://tracker.example/browse/{id}"`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TicketsConfig {
    #[serde(default)]
    pub url: Option<String>,
}

impl TicketsConfig {
    /// The address of ticket `id`: the url with `{id}` replaced, when the url is `http(s)://`
    /// and the id is plain (letters, digits, `-`, `_`, `.`), so nothing from a register can
    /// change where the link leads.
    pub fn link(&self, id: &str) -> Option<String> {
        let url = self.url.as_deref()?;
        let plain = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        let web = url.starts_with("https://") || url.starts_with("http://");
        (plain && web && url.contains("{id}")).then(|| url.replace("{id}", id))
    }
}

/// `[alertmanager]`: the Alertmanager an open incident or game day polls for its risks'
/// alerts, and the environment variable holding a bearer token for it (never the token).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AlertmanagerConfig {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub token_env: Option<String>,
}

/// `faultline.toml` as read: `None` when there is none (or it cannot be read), an error when
/// it does not parse.
fn read_config(root: &Path) -> Option<Result<File, toml::de::Error>> {
    let bytes = crate::store::read_limited(root, &root.join(CONFIG_FILE)).ok()?;
    Some(toml::from_str::<File>(&String::from_utf8_lossy(&bytes)))
}

/// The settings, the defaults for a file that is absent or does not parse.
fn config_file(root: &Path) -> File {
    read_config(root).and_then(Result::ok).unwrap_or_default()
}

/// The `[tickets]` section of `faultline.toml` (none when absent or invalid).
pub fn tickets(root: &Path) -> TicketsConfig {
    config_file(root).tickets
}

/// The `[alertmanager]` section of `faultline.toml` (none when absent or invalid).
pub fn alertmanager(root: &Path) -> AlertmanagerConfig {
    config_file(root).alertmanager
}

/// `[search]`: the words runbook search takes as the same (besides the built-in ones).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Groups of words or phrases meaning the same: `[["psp", "payment provider"]]`.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
}

/// The `[search]` section of `faultline.toml` (the defaults when it is absent or invalid:
/// `check` reports an invalid file).
pub fn search(root: &Path) -> SearchConfig {
    config_file(root).search
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MonitoringConfig {
    /// Globs of the files to read; the defaults when absent.
    #[serde(default)]
    pub paths: Option<Vec<String>>,
    /// Globs: a path that matches is not read; an alert whose name matches need not be named
    /// by a risk (`alert-uncovered` is silenced).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// A `runbook_url` under this address is a path in this repository and is checked.
    #[serde(default)]
    pub runbook_base_url: Option<String>,
}

impl MonitoringConfig {
    /// The globs compiled, for a walk that tests every file.
    pub fn compile(&self) -> CompiledConfig {
        CompiledConfig {
            paths: match &self.paths {
                Some(paths) => GlobSet::new(paths),
                None => GlobSet::new(&DEFAULT_PATHS),
            },
            ignore: GlobSet::new(&self.ignore),
        }
    }

    /// The path of a runbook URL in this repository (relative, or under `runbook_base_url`),
    /// anchor kept; `None` for a web address elsewhere. `dir` is the alert file's directory, for
    /// `./` and `../` paths.
    pub fn local_runbook(&self, dir: &str, url: &str) -> Option<String> {
        if let Some(base) = self.runbook_base_url.as_deref().filter(|b| !b.is_empty())
            && let Some(rest) = url.strip_prefix(base)
        {
            return Some(rest.trim_start_matches('/').to_owned());
        }
        if url.contains("://") || url.starts_with("mailto:") || url.is_empty() {
            return None;
        }
        if url.starts_with("./") || url.starts_with("../") {
            let (file, anchor) = url
                .split_once('#')
                .map_or((url, None), |(f, a)| (f, Some(a)));
            // Leading outside the workspace: kept as written, for the check to say so.
            let Some(joined) = crate::core::links::normalize(dir, file) else {
                return Some(url.to_owned());
            };
            return Some(match anchor {
                Some(a) => format!("{joined}#{a}"),
                None => joined,
            });
        }
        Some(url.trim_start_matches('/').to_owned())
    }
}

/// `paths` and `ignore`, compiled.
#[derive(Debug, Clone, Default)]
pub struct CompiledConfig {
    paths: GlobSet,
    ignore: GlobSet,
}

impl CompiledConfig {
    /// Whether the file at this workspace-relative path is read.
    pub fn scans(&self, rel: &str) -> bool {
        !self.ignore.matches(rel) && self.paths.matches(rel)
    }

    /// Whether `ignore` leaves this path (or a directory holding it) alone.
    pub fn ignores_path(&self, rel: &str) -> bool {
        self.ignore.matches(rel)
    }

    /// Whether `ignore` says no risk needs to name this alert.
    pub fn ignores_alert(&self, name: &str) -> bool {
        self.ignore.matches(name)
    }
}

/// Reads `faultline.toml` at the workspace root. Absent: the defaults. Invalid: the defaults
/// and a finding at its line (an unknown key is an error, as in a register: a typo must not
/// silently change what is checked).
pub fn load(root: &Path) -> (MonitoringConfig, Option<Finding>) {
    let path = root.join(CONFIG_FILE);
    let Ok(bytes) = std::fs::read(&path) else {
        return (MonitoringConfig::default(), None);
    };
    let text = String::from_utf8_lossy(&bytes);
    match parse(&text) {
        Ok(config) => (config, None),
        Err((pos, message)) => (
            MonitoringConfig::default(),
            Some(Finding::error(CONFIG_FILE, pos, "config-invalid", message)),
        ),
    }
}

/// Parses the config's text; the error with its position.
pub fn parse(text: &str) -> Result<MonitoringConfig, (Pos, String)> {
    toml::from_str::<File>(text)
        .map(|f| f.monitoring)
        .map_err(|err| {
            let pos = err.span().map_or(Pos::START, |span| {
                LineIndex::new(text).pos(text, span.start)
            });
            let message = err.message().trim().to_owned();
            (
                pos,
                format!("{CONFIG_FILE} is not valid: {message}; the defaults are used"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let config = MonitoringConfig::default().compile();
        assert!(config.scans("monitoring/prometheus/api.rules.yml"));
        assert!(config.scans("infra/alarms.tf"));
        assert!(config.scans("infra/cdk.out/Shop.template.json"));
        assert!(!config.scans("registers/api.json"));
        assert!(!config.scans("runbooks/api.md"));
        let config = parse(
            "[monitoring]\npaths = [\"ops/*.yml\"]\nignore = [\"ops/old.yml\", \"Watchdog\"]\n",
        )
        .unwrap()
        .compile();
        assert!(config.scans("ops/a.yml"));
        assert!(!config.scans("ops/old.yml"));
        assert!(!config.scans("infra/alarms.tf"));
        assert!(config.ignores_alert("Watchdog"));
    }

    #[test]
    fn unknown_keys_are_errors_with_a_position() {
        let (pos, message) = parse("[monitoring]\npath = [\"x\"]\n").unwrap_err();
        assert_eq!(pos.line, 2);
        assert!(message.contains("path"), "{message}");
    }

    #[test]
    fn runbook_urls_in_this_repository() {
        let config = MonitoringConfig {
            runbook_base_url: Some("https://github.com/acme/shop/blob/main/".into()),
            ..MonitoringConfig::default()
        };
        let dir = "monitoring/prometheus";
        assert_eq!(
            config
                .local_runbook(
                    dir,
                    "https://github.com/acme/shop/blob/main/runbooks/a.md#x"
                )
                .as_deref(),
            Some("runbooks/a.md#x")
        );
        assert_eq!(
            config.local_runbook(dir, "https://wiki.example.com/a"),
            None
        );
        assert_eq!(
            config
                .local_runbook(dir, "../../runbooks/a.md#x")
                .as_deref(),
            Some("runbooks/a.md#x")
        );
        assert_eq!(
            config.local_runbook(dir, "runbooks/a.md").as_deref(),
            Some("runbooks/a.md")
        );
    }
}
