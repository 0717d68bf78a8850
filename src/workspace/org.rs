//! The organisation: `org.toml` listing many repositories, each with its own workspace, fetched
//! into a cache with git (`fetch`), then read together as one workspace whose component ids are
//! `repo:component` (`load`).
//!
//! ```toml
//! [[repo]]
//! name = "payments"                          # used in references and reports
//! url = "git@github.com:acme/payments.git"   # or a local path
//! ref = "main"                               # optional: the remote's HEAD
//! path = "ops"                               # optional: the workspace's subdirectory
//! team = "checkout"                          # optional
//! ```

use crate::finding::{Finding, LineIndex, Pos};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub mod fetch;
mod merge;
pub use merge::{Loaded, load, load_registers, prefix, runbooks, under};

/// The organisation file's default name, in the current directory.
pub const ORG_FILE: &str = "org.toml";
/// The most repositories one organisation file may list.
pub const MAX_REPOS: usize = 10_000;
/// The separator between a repository's name and a component id: `payments:ledger`.
pub const SEPARATOR: char = ':';

/// One repository of the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repo {
    pub name: String,
    /// As written: a git URL, or a path (relative to the organisation file).
    pub url: String,
    /// The branch or tag; `None` for the remote's HEAD.
    pub reference: Option<String>,
    /// The workspace's directory inside the repository, `/`-separated; empty at the top.
    pub path: String,
    pub team: Option<String>,
    /// The line of its `[[repo]]` in the organisation file.
    pub line: usize,
}

impl Repo {
    /// The team, or the repository's name when it has none.
    pub fn team_or_name(&self) -> &str {
        self.team.as_deref().unwrap_or(&self.name)
    }
}

/// The organisation file, read and checked.
#[derive(Debug, Clone)]
pub struct Org {
    /// The file, as given.
    pub file: PathBuf,
    pub repos: Vec<Repo>,
    /// Each repository's index by name.
    by_name: std::collections::HashMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    repo: Vec<RepoEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RepoEntry {
    name: toml::Spanned<String>,
    url: toml::Spanned<String>,
    #[serde(rename = "ref")]
    reference: Option<toml::Spanned<String>>,
    path: Option<toml::Spanned<String>>,
    team: Option<String>,
}

impl Org {
    /// Reads the organisation file; every problem names the file, line and column.
    pub fn load(file: &Path) -> Result<Org> {
        let bytes = crate::store::read_named_file(file)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{}: not UTF-8", crate::sanitize::QuotedPath(file)))?;
        Org::parse(file, &text)
    }

    /// Parses an organisation file's text.
    pub fn parse(file: &Path, text: &str) -> Result<Org> {
        let lines = LineIndex::new(text);
        let at = |offset: usize| -> String {
            let pos = lines.pos(text, offset);
            format!(
                "{}:{}:{}",
                crate::sanitize::QuotedPath(file),
                pos.line,
                pos.column
            )
        };
        let parsed: File = toml::from_str(text).map_err(|err| {
            let offset = err.span().map_or(0, |s| s.start);
            anyhow::anyhow!("{}: {}", at(offset), err.message())
        })?;
        if parsed.repo.len() > MAX_REPOS {
            bail!("{}: more than {MAX_REPOS} repositories", at(0));
        }
        let mut repos: Vec<Repo> = Vec::with_capacity(parsed.repo.len());
        let mut by_name = std::collections::HashMap::with_capacity(parsed.repo.len());
        for entry in parsed.repo {
            let name = entry.name.get_ref();
            let here = at(entry.name.span().start);
            if !crate::core::id::is_plain_name(name) {
                bail!(
                    "{here}: repository name `{}` must be letters, digits, `-`, `_` or `.`, not starting with `.` (it names a directory and `repo:component` references)",
                    crate::sanitize::quote(name)
                );
            }
            if by_name.insert(name.clone(), repos.len()).is_some() {
                bail!("{here}: repository `{name}` is listed twice");
            }
            let url = entry.url.get_ref().trim();
            if url.is_empty() || url.starts_with('-') || crate::sanitize::has_unsafe(url, false) {
                bail!(
                    "{}: `url` must be a git URL or a path",
                    at(entry.url.span().start)
                );
            }
            let reference = match entry.reference {
                Some(r) if !is_ref(r.get_ref()) => bail!(
                    "{}: `ref` `{}` is not a branch or tag name",
                    at(r.span().start),
                    crate::sanitize::quote(r.get_ref())
                ),
                Some(r) => Some(r.into_inner()),
                None => None,
            };
            let path = match entry.path {
                Some(p) => match inner_path(p.get_ref()) {
                    Some(clean) => clean,
                    None => bail!(
                        "{}: `path` must be a directory inside the repository (relative, no `..`)",
                        at(p.span().start)
                    ),
                },
                None => String::new(),
            };
            let team = entry.team.filter(|t| !t.trim().is_empty());
            repos.push(Repo {
                name: name.clone(),
                url: url.to_owned(),
                reference,
                path,
                team,
                line: lines.pos(text, entry.name.span().start).line,
            });
        }
        Ok(Org {
            file: file.to_path_buf(),
            repos,
            by_name,
        })
    }

    /// The repository with this name.
    pub fn repo(&self, name: &str) -> Option<&Repo> {
        self.index(name).map(|i| &self.repos[i])
    }

    /// The position of the repository with this name in the file.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The teams, sorted, each once.
    pub fn teams(&self) -> Vec<&str> {
        let mut teams: Vec<&str> = self.repos.iter().map(Repo::team_or_name).collect();
        teams.sort_unstable();
        teams.dedup();
        teams
    }

    /// The finding for a repository that has no checkout in the cache, at its `[[repo]]` line.
    pub fn not_fetched(&self, repo: &Repo) -> Finding {
        Finding::error(
            &self.file,
            Pos {
                line: repo.line,
                column: 1,
            },
            "repo-not-fetched",
            format!(
                "repository `{}` has not been fetched (run `faultline org fetch`)",
                repo.name
            ),
        )
    }
}

/// A branch or tag name git would take, and that no command line could read as an option.
fn is_ref(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with(['-', '/', '.'])
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

/// A relative directory inside a repository, normalised to `a/b`; `None` when it leaves it.
fn inner_path(path: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.starts_with('.')
                || crate::sanitize::has_unsafe(p, false)
                || p.contains('\\') =>
            {
                return None;
            }
            p => parts.push(p),
        }
    }
    (!path.starts_with('/')).then(|| parts.join("/"))
}

/// The cache of fetched repositories: one git checkout per repository under `repos/`, and a
/// stamp of its last successful fetch beside it.
#[derive(Debug, Clone)]
pub struct Cache {
    pub root: PathBuf,
}

/// What the last successful fetch of a repository brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The URL as fetched (a local path made absolute).
    pub url: String,
    pub commit: String,
    /// The workspace's directory the sparse checkout was set for.
    #[serde(default)]
    pub path: String,
    /// When, RFC 3339.
    pub fetched_at: String,
}

impl Cache {
    /// `--cache DIR`, or the platform's cache directory for faultline.
    pub fn at(dir: Option<&Path>) -> Result<Cache> {
        let root = match dir {
            Some(dir) => dir.to_path_buf(),
            None => directories::ProjectDirs::from("", "", "faultline")
                .map(|p| p.cache_dir().join("org"))
                .context("no cache directory on this system: pass --cache DIR")?,
        };
        let root = if root.is_absolute() {
            root
        } else {
            std::env::current_dir()?.join(root)
        };
        Ok(Cache { root })
    }

    /// The directory every checkout is under.
    pub fn repos_dir(&self) -> PathBuf {
        self.root.join("repos")
    }

    /// The git checkout of a repository.
    pub fn checkout(&self, repo: &Repo) -> PathBuf {
        self.repos_dir().join(&repo.name)
    }

    /// The workspace inside a repository's checkout.
    pub fn workspace(&self, repo: &Repo) -> PathBuf {
        let checkout = self.checkout(repo);
        if repo.path.is_empty() {
            checkout
        } else {
            checkout.join(&repo.path)
        }
    }

    /// Why a fetched repository has no workspace where the organisation file says, if so.
    pub fn no_workspace(&self, repo: &Repo) -> Option<String> {
        let registers = self.workspace(repo).join(crate::store::REGISTERS_DIR);
        (!registers.is_dir()).then(|| {
            let at = if repo.path.is_empty() {
                String::new()
            } else {
                format!("{}/", repo.path)
            };
            format!(
                "repository `{}` has no `{at}registers/` directory at its fetched commit: is its `path` in the organisation file right?",
                repo.name
            )
        })
    }

    /// A fetched repository's registers, or why there are none to read.
    pub fn registers(&self, repo: &Repo) -> Result<crate::store::Workspace, String> {
        match self.no_workspace(repo) {
            Some(why) => Err(why),
            None => crate::store::Workspace::load_registers(&self.workspace(repo))
                .map_err(|err| format!("repository `{}`: {err:#}", repo.name)),
        }
    }

    fn stamp_path(&self, repo: &Repo) -> PathBuf {
        self.repos_dir().join(format!("{}.fetched.json", repo.name))
    }

    /// The last successful fetch, if any (and only while its checkout is there).
    pub fn stamp(&self, repo: &Repo) -> Option<Stamp> {
        if !self.checkout(repo).join(".git").is_dir() {
            return None;
        }
        let bytes = crate::store::read_named_file(&self.stamp_path(repo)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    fn write_stamp(&self, repo: &Repo, stamp: &Stamp) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(stamp).map_err(std::io::Error::other)?;
        crate::store::save_atomic(&self.stamp_path(repo), &json)
    }
}

/// A link to a file at a commit, when the repository's URL is on a forge whose web pages are
/// known (GitHub, GitLab): `https://github.com/acme/payments/blob/<commit>/ops/registers/x.json`.
pub fn forge_link(url: &str, commit: &str, path: &str, line: Option<usize>) -> Option<String> {
    let rest = url
        .strip_prefix("git@")
        .map(|r| r.replacen(':', "/", 1))
        .or_else(|| url.strip_prefix("https://").map(str::to_owned))
        .or_else(|| url.strip_prefix("ssh://git@").map(str::to_owned))?;
    let (host, project) = rest.split_once('/')?;
    let project = project.trim_end_matches('/').trim_end_matches(".git");
    let safe = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    };
    if !safe(project) || project.contains("..") || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let blob = match host {
        "github.com" => "blob",
        "gitlab.com" => "-/blob",
        _ => return None,
    };
    let path: String = path
        .split('/')
        .map(crate::core::text::percent_encode)
        .collect::<Vec<_>>()
        .join("/");
    let anchor = line.map(|l| format!("#L{l}")).unwrap_or_default();
    Some(format!(
        "https://{host}/{project}/{blob}/{commit}/{path}{anchor}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_org_file_is_read_and_its_mistakes_are_placed() {
        let org = Org::parse(
            Path::new("org.toml"),
            "[[repo]]\nname = \"payments\"\nurl = \"../payments\"\npath = \"./ops/\"\nteam = \"checkout\"\n\n[[repo]]\nname = \"search\"\nurl = \"git@github.com:acme/search.git\"\nref = \"main\"\n",
        )
        .unwrap();
        assert_eq!(org.repos.len(), 2);
        assert_eq!(org.repos[0].path, "ops");
        assert_eq!(org.repos[1].reference.as_deref(), Some("main"));
        assert_eq!(org.repos[1].line, 8);
        assert_eq!(org.teams(), ["checkout", "search"]);
        for (text, says) in [
            (
                "[[repo]]\nname = \"../x\"\nurl = \"a\"\n",
                "org.toml:2:8: repository name",
            ),
            (
                "[[repo]]\nname = \"a\"\nurl = \"a\"\n[[repo]]\nname = \"a\"\nurl = \"b\"\n",
                "listed twice",
            ),
            (
                "[[repo]]\nname = \"a\"\nurl = \"--upload-pack=x\"\n",
                "`url` must be",
            ),
            (
                "[[repo]]\nname = \"a\"\nurl = \"u\"\nref = \"-x\"\n",
                "is not a branch",
            ),
            (
                "[[repo]]\nname = \"a\"\nurl = \"u\"\npath = \"../up\"\n",
                "inside the repository",
            ),
            (
                "[[repo]]\nname = \"a\"\nurl = \"u\"\npath = \"/etc\"\n",
                "inside the repository",
            ),
            (
                "[[repo]]\nname = \"a\"\nurl = \"u\"\nbranch = \"x\"\n",
                "org.toml:4:1",
            ),
        ] {
            let err = format!("{:#}", Org::parse(Path::new("org.toml"), text).unwrap_err());
            assert!(err.contains(says), "{text:?}: {err}");
        }
    }

    #[test]
    fn forge_links_are_made_only_for_known_forges_and_plain_paths() {
        let commit = "0123abcd";
        assert_eq!(
            forge_link(
                "git@github.com:acme/payments.git",
                commit,
                "ops/registers/a.json",
                Some(7)
            )
            .as_deref(),
            Some("https://github.com/acme/payments/blob/0123abcd/ops/registers/a.json#L7")
        );
        assert_eq!(
            forge_link(
                "https://gitlab.com/acme/sub/search",
                commit,
                "registers/a.json",
                None
            )
            .as_deref(),
            Some("https://gitlab.com/acme/sub/search/-/blob/0123abcd/registers/a.json")
        );
        assert_eq!(
            forge_link("https://git.example.com/a/b.git", commit, "x", None),
            None
        );
        assert_eq!(forge_link("/srv/git/payments", commit, "x", None), None);
        assert_eq!(
            forge_link("https://github.com/a/b\"onclick", commit, "x", None),
            None
        );
    }
}
