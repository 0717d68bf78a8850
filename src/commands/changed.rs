//! `check --changed BASE`: what a pull request touches, as `pint ci` lints. The findings in
//! files changed since `BASE` (committed or not, and files not yet tracked), and the findings
//! those changes cause elsewhere: any finding of today's workspace that the workspace at
//! `BASE` did not have (a runbook change that breaks an anchor an unchanged register links to,
//! an alert renamed under an unchanged risk). The workspace at `BASE` is written from git into
//! a private temporary directory, checked, and removed.

use super::write_workspace_findings;
use crate::cli::CheckFormat;
use crate::finding::Finding;
use crate::store::Workspace;
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A directory of this process's own under the system's temporary directory, removed when
/// dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("faultline-base-{}-{nanos:x}", std::process::id()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .with_context(|| format!("cannot create {}", crate::sanitize::QuotedPath(&dir)))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What identifies a finding across two checks: its file, rule and message (not its line,
/// which moves as the file around it changes).
fn key(f: &Finding) -> (PathBuf, &'static str, String) {
    (f.path.clone(), f.rule, f.message.clone())
}

/// The commit `base` names; `A...B` is the merge base of the two (B defaults to HEAD).
fn base_commit(repo: &Path, base: &str) -> Result<String> {
    match base.split_once("...") {
        Some((a, b)) => {
            let a = crate::git::resolve(repo, a)?;
            let b = crate::git::resolve(repo, if b.is_empty() { "HEAD" } else { b })?;
            crate::git::merge_base(repo, &a, &b)
        }
        None => crate::git::resolve(repo, base),
    }
}

/// The findings of `ws` (at `root`) in files changed since `base`, or caused by the change.
pub fn findings(root: &Path, ws: &Workspace, base: &str) -> Result<(Vec<Finding>, usize)> {
    let (repo, inside) = crate::git::repository(root)?;
    let commit = base_commit(&repo, base)?;
    let changed: HashSet<PathBuf> = crate::git::changed_since(&repo, &commit, &inside)?
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let today = crate::commands::today();
    let now = crate::check::check(ws, today);
    let scratch = Scratch::new()?;
    crate::git::export_workspace(&repo, &commit, &inside, &scratch.0)?;
    // A workspace that did not exist at the base had no findings there.
    let before: HashSet<_> = match Workspace::load(&scratch.0) {
        Ok(old) => {
            let found = crate::check::check(&old, today);
            std::mem::forget(old);
            found.iter().map(key).collect()
        }
        Err(_) => HashSet::new(),
    };
    let findings = now
        .into_iter()
        .filter(|f| changed.contains(&f.path) || !before.contains(&key(f)))
        .collect();
    Ok((findings, changed.len()))
}

/// `check --changed BASE`.
pub fn run(
    root: &Path,
    ws: &Workspace,
    base: &str,
    format: CheckFormat,
    out: &mut dyn Write,
) -> Result<i32> {
    let (findings, changed) = findings(root, ws, base)?;
    let scope = format!(
        "{} changed since {} and what they break",
        crate::finding::plural(changed, "file"),
        crate::sanitize::quote(base)
    );
    write_workspace_findings(ws, &findings, format, &scope, out)
}
