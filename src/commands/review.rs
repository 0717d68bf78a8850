//! The pull-request review commands: `diff` between revisions or directories, and `textconv`,
//! one register as line-per-field text for git's own diff.

use super::exit;
use crate::cli::DiffFormat;
use crate::diff::{Snapshot, diff, format};
use crate::model::Register;
use crate::sanitize::sanitize;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// The two sides from git: BASE (default HEAD, `A...B` for a merge base) and HEAD (default: the
/// working tree).
pub fn from_git(
    root: &Path,
    base: Option<&str>,
    head: Option<&str>,
) -> Result<(Snapshot, Snapshot)> {
    let (repo, inside) = crate::git::repository(root)?;
    let (base, head) = match base.and_then(|b| b.split_once("...")) {
        Some((a, b)) => {
            let b = if b.is_empty() { "HEAD" } else { b };
            let a = if a.is_empty() { "HEAD" } else { a };
            crate::git::resolve(&repo, a)?;
            crate::git::resolve(&repo, b)?;
            (crate::git::merge_base(&repo, a, b)?, Some(b.to_owned()))
        }
        None => (
            crate::git::resolve(&repo, base.unwrap_or("HEAD"))?,
            head.map(str::to_owned),
        ),
    };
    // Registers first; then only the runbooks that changed risks link to. A register whose blob
    // is the same at both revisions is read and parsed once (a pull request changes a few). The
    // two revisions are read side by side: each `git cat-file` inflates its objects on a core.
    let (old_registers, old_runbooks) = crate::git::list_with_blobs(&repo, &base, &inside)?;
    let head_commit = head
        .as_deref()
        .map(|head| crate::git::resolve(&repo, head))
        .transpose()?;
    // The new side: changed registers from git (the same ones are copied after), or the
    // working tree, loaded while the old side is read.
    let (mut old, (mut new, same, new_runbooks)) = std::thread::scope(|scope| -> Result<_> {
        let old = scope.spawn(|| read_registers(&repo, &old_registers));
        let new = match &head_commit {
            Some(commit) => {
                let (registers, runbooks) = crate::git::list_with_blobs(&repo, commit, &inside)?;
                let old_blobs: std::collections::HashMap<&str, &str> = old_registers
                    .iter()
                    .map(|(p, b)| (p.as_str(), b.as_str()))
                    .collect();
                let (same, changed): (Vec<_>, Vec<_>) = registers
                    .into_iter()
                    .partition(|(p, b)| old_blobs.get(p.as_str()) == Some(&b.as_str()));
                let same: Vec<String> = same.into_iter().map(|(p, _)| p).collect();
                (read_registers(&repo, &changed)?, same, runbooks)
            }
            None => (Snapshot::from_dir(root)?, Vec::new(), Vec::new()),
        };
        let old = old
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        Ok((old, new))
    })?;
    for path in &same {
        new.copy_file_from(&old, path);
    }
    let needed = crate::diff::runbooks_to_check(&old, &new);
    let pick = |all: &[crate::git::PathAndBlob]| -> Vec<crate::git::PathAndBlob> {
        all.iter()
            .filter(|(p, _)| needed.contains(p))
            .cloned()
            .collect()
    };
    old.add_runbooks(crate::git::read(&repo, &pick(&old_runbooks))?);
    new.add_runbooks(crate::git::read(&repo, &pick(&new_runbooks))?);
    Ok((old, new))
}

/// Registers read from git, each parsed as it arrives, so a revision's bytes are never all held
/// beside their parsed form.
fn read_registers(repo: &Path, files: &[crate::git::PathAndBlob]) -> Result<Snapshot> {
    let mut snapshot = Snapshot::default();
    crate::git::read_each(repo, files, |path, blob| match blob {
        Ok(bytes) => snapshot.add_file(path, bytes),
        Err(too_large) => snapshot.add_unreadable(&path, too_large),
    })?;
    Ok(snapshot)
}

/// The two sides from two workspace directories.
pub fn from_dirs(old: &Path, new: &Path) -> Result<(Snapshot, Snapshot)> {
    let load = |dir: &Path| -> Result<Snapshot> {
        Snapshot::from_dir(dir).with_context(|| {
            format!(
                "cannot load the workspace {}",
                crate::sanitize::QuotedPath(dir)
            )
        })
    };
    Ok((load(old)?, load(new)?))
}

pub fn print(
    old: &Snapshot,
    new: &Snapshot,
    format: DiffFormat,
    exit_code: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let d = diff(old, new);
    match format {
        DiffFormat::Text => {
            let color = crate::sanitize::use_color(std::io::stdout().is_terminal());
            out.write_all(format::text(&d, color).as_bytes())?;
        }
        DiffFormat::Markdown => out.write_all(format::markdown(&d).as_bytes())?,
        DiffFormat::Json => {
            crate::sanitize::write_json_pretty(&mut *out, &d)?;
            writeln!(out)?;
        }
    }
    let s = &d.summary;
    let changed =
        s.components_changed + s.components_added + s.components_removed + s.risks_moved > 0;
    Ok(if exit_code && changed {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

/// One register as stable line-per-field text. A file that does not parse is printed as it is,
/// after a one-line notice, so `git diff` still shows something.
pub fn textconv(file: &Path, out: &mut dyn Write) -> Result<i32> {
    // git hands textconv a temporary copy of the blob: the size limit holds here as on disk.
    let bytes = crate::store::read_named_file(file)?;
    let parsed = crate::parse::decode(file, bytes.clone())
        .and_then(|text| crate::parse::parse_register(file, &text));
    match parsed {
        Ok(register) => out.write_all(textconv_text(&register).as_bytes())?,
        Err(finding) => {
            writeln!(
                out,
                "# faultline textconv: not a readable register ({finding}); raw content follows"
            )?;
            out.write_all(&bytes)?;
        }
    }
    Ok(exit::OK)
}

/// `key: value` lines, one field per line, lists one item per line, text on one line (newlines
/// as `\n`), so that a one-field change is a one-line diff.
pub fn textconv_text(reg: &Register) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut put = |key: &str, value: &str| {
        if !value.is_empty() {
            lines.push(format!("{key}: {}", sanitize(&value.replace('\n', "\\n"))));
        }
    };
    put("component", &reg.component);
    put("title", &reg.title);
    put("owner", &reg.owner);
    put("description", &reg.description);
    for dep in &reg.depends_on {
        put("depends_on[]", dep);
    }
    let num = |n: Option<crate::model::Num>| n.map(|n| n.to_string()).unwrap_or_default();
    put("objectives.availability", &num(reg.objectives.availability));
    put("objectives.rto_minutes", &num(reg.objectives.rto_minutes));
    put("objectives.rpo_minutes", &num(reg.objectives.rpo_minutes));
    for risk in &reg.risks {
        let id = &risk.id;
        put(&format!("{id}.title"), &risk.title);
        put(&format!("{id}.description"), &risk.description);
        put(
            &format!("{id}.likelihood"),
            &format!("{} ({})", risk.likelihood, risk.likelihood.value()),
        );
        put(
            &format!("{id}.impact"),
            &format!("{} ({})", risk.impact, risk.impact.value()),
        );
        put(
            &format!("{id}.score"),
            &format!("{} ({})", risk.score(), risk.band()),
        );
        put(&format!("{id}.detection"), &risk.detection);
        for a in &risk.alerts {
            put(&format!("{id}.alerts[]"), a);
        }
        put(&format!("{id}.mitigation"), &risk.mitigation);
        put(&format!("{id}.runbook"), &risk.runbook);
        put(&format!("{id}.status"), risk.status.name());
        for t in &risk.tickets {
            put(&format!("{id}.tickets[]"), t);
        }
        for q in &risk.questions {
            put(&format!("{id}.questions[]"), q);
        }
        put(
            &format!("{id}.last_rehearsed"),
            &risk
                .last_rehearsed
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        for r in &risk.rehearsals {
            put(&format!("{id}.rehearsals[]"), &r.to_line());
        }
        for f in &risk.follow_ups {
            put(&format!("{id}.follow_ups[]"), &f.to_line());
        }
        let e = &risk.estimate;
        put(&format!("{id}.estimate.ettd_minutes"), &num(e.ettd_minutes));
        put(&format!("{id}.estimate.ettr_minutes"), &num(e.ettr_minutes));
        put(&format!("{id}.estimate.per_year"), &num(e.per_year));
        put(
            &format!("{id}.estimate.users_affected_percent"),
            &num(e.users_affected_percent),
        );
        if let Some(bad) = e.bad_minutes_per_year() {
            put(
                &format!("{id}.estimate.bad_minutes_per_year"),
                &format!("{bad:.1}"),
            );
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}
