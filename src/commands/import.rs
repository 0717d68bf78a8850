//! `faultline import FILE` and `faultline export --format …`: the register to and from the
//! spreadsheets registers usually start in, and reports for people who never open a terminal.

use super::exit;
use crate::cli::ExportFormat;
use crate::diff::{Snapshot, diff, format};
use crate::model::to_canonical;
use crate::store::{REGISTERS_DIR, Workspace};
use anyhow::{Context as _, Result, bail};
use std::io::Write;
use std::path::Path;

pub struct ImportOptions {
    /// The sheet of a workbook (default: the first).
    pub sheet: Option<String>,
    pub dry_run: bool,
    pub update: bool,
    pub force: bool,
    /// Where the headers are and what a missing level becomes.
    pub read: crate::import::ReadOptions,
}

pub fn import(
    root: &Path,
    file: &Path,
    options: &ImportOptions,
    out: &mut dyn Write,
) -> Result<i32> {
    if !options.dry_run {
        recover(root)?;
    }
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    // The file's text and rows are dropped once read into registers.
    let imported = match extension.as_str() {
        "csv" | "tsv" | "txt" => {
            let bytes = crate::store::read_named_file(file)?;
            let text = String::from_utf8_lossy(&bytes);
            let rows = crate::import::csv_rows(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", crate::sanitize::QuotedPath(file)))?;
            crate::import::read_rows_with(file, &rows, &options.read)
        }
        "xlsx" | "xlsm" | "ods" => {
            let (sheet, rows) = workbook_rows(file, &extension, options.sheet.as_deref())?;
            let source =
                std::path::PathBuf::from(format!("{}[{sheet}]", crate::sanitize::QuotedPath(file)));
            crate::import::read_rows_with(&source, &rows, &options.read)
        }
        _ => bail!(
            "{}: import reads .csv, .tsv, .xlsx and .ods (save an .xls as .xlsx)",
            crate::sanitize::QuotedPath(file)
        ),
    };
    for finding in &imported.findings {
        crate::sanitize::eprint_line(&finding.to_string());
    }
    let bad = imported.findings.iter().filter(|f| f.is_error()).count();
    // What the registers become: existing ones extended, new ones created.
    let before = Snapshot::from_dir(root)?;
    let mut after = before.clone_registers();
    let mut kept = 0;
    for (id, incoming) in imported.registers {
        if before.does_not_load(&id) {
            crate::sanitize::eprint_line(&format!(
                "faultline: registers/{id}.json does not load: its rows are skipped"
            ));
            continue;
        }
        let merged = match before.registers.get(&id) {
            None => incoming,
            Some(existing) => {
                let mut reg = existing.clone();
                for risk in incoming.risks {
                    match reg.risks.iter_mut().find(|r| r.id == risk.id) {
                        Some(slot) if options.update => *slot = risk,
                        Some(_) => kept += 1,
                        None => reg.risks.push(risk),
                    }
                }
                reg
            }
        };
        after.registers.insert(id, merged);
    }
    let d = diff(&before, &after);
    // The change is printed before a dry run's note, and after the files are written otherwise:
    // a summary never claims what a failed write did not do.
    let summary = format::text(&d, false);
    if options.dry_run {
        out.write_all(summary.as_bytes())?;
    }
    if kept > 0 {
        writeln!(
            out,
            "{} already in the register kept as they are (--update replaces them)",
            crate::finding::plural(kept, "risk")
        )?;
    }
    if options.dry_run {
        writeln!(out, "dry run: nothing written")?;
        return Ok(if bad > 0 { exit::FINDINGS } else { exit::OK });
    }
    if bad > imported.good_rows && !options.force {
        writeln!(
            out,
            "{bad} bad rows and {} good: nothing written (--force writes the good ones)",
            imported.good_rows
        )?;
        return Ok(exit::FINDINGS);
    }
    let written = write_changed(root, &before, &after)?;
    out.write_all(summary.as_bytes())?;
    say_written(out, written)?;
    Ok(if bad > 0 { exit::FINDINGS } else { exit::OK })
}

/// Writes every register that differs between `before` and `after` as one transaction, and says
/// how many. Each file's canonical text is checked first (a register faultline would refuse to
/// load is never written: nothing is), then written to a temporary beside its target and
/// flushed; a manifest naming every pair is saved (the commit point), the temporaries are
/// renamed over their targets, and the manifest removed. A kill before the manifest leaves only
/// temporaries, which the next import removes; a kill after it is finished by the next import.
/// Returns the number written.
fn write_changed(root: &Path, before: &Snapshot, after: &Snapshot) -> Result<usize> {
    let mut files = Vec::new();
    for (id, reg) in &after.registers {
        if before.registers.get(id) == Some(reg) {
            continue;
        }
        let rel = format!("{REGISTERS_DIR}/{id}.json");
        let text = to_canonical(reg);
        if text.len() as u64 > crate::parse::MAX_FILE_BYTES {
            bail!(
                "{rel} would be {} MiB, over the {} MiB faultline loads: nothing written",
                text.len().div_ceil(1024 * 1024),
                crate::parse::MAX_FILE_BYTES / (1024 * 1024)
            );
        }
        files.push((rel, text));
    }
    if files.is_empty() {
        return Ok(0);
    }
    crate::store::create_dir_inside(root, &root.join(REGISTERS_DIR))?;
    let real_root = root.canonicalize()?;
    let mut pairs: Vec<(std::path::PathBuf, std::path::PathBuf)> = Vec::new();
    let written = (|| -> std::io::Result<()> {
        for (n, (rel, text)) in files.iter().enumerate() {
            // The real file: a symlinked register is written through, its temporary beside
            // its target, so the rename replaces the target and the link stays.
            let target = crate::store::contained(root, Path::new(rel))?;
            let name = name_of(&target);
            let tmp =
                target.with_file_name(format!(".{name}.{TEMP_MARK}{}-{n}.tmp", std::process::id()));
            crate::store::injected_write_error()?;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            pairs.push((tmp, target));
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
        }
        sync_parents(pairs.iter().map(|(tmp, _)| tmp.as_path()))
    })();
    if let Err(err) = written {
        for (tmp, _) in &pairs {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(err).context("cannot write the imported registers: nothing written");
    }
    let manifest = root.join(REGISTERS_DIR).join(MANIFEST);
    // Workspace-relative paths: `finish` holds them to the workspace again.
    let inside = |path: &Path| {
        path.strip_prefix(&real_root)
            .map_or_else(|_| String::new(), |p| p.to_string_lossy().into_owned())
    };
    let listing: Vec<[String; 2]> = pairs
        .iter()
        .map(|(tmp, target)| [inside(tmp), inside(target)])
        .collect();
    crate::store::save_atomic(&manifest, serde_json::to_string(&listing)?.as_bytes())
        .context("cannot write the import's manifest: nothing written")?;
    finish(root, &listing)?;
    Ok(files.len())
}

/// "wrote 3 register files", said once they are.
fn say_written(out: &mut dyn Write, written: usize) -> std::io::Result<()> {
    writeln!(
        out,
        "wrote {}",
        crate::finding::plural(written, "register file")
    )
}

/// Marks the temporaries of an import (`.NAME.import-PID-N.tmp`).
const TEMP_MARK: &str = "import-";
/// The manifest of an import being committed, in `registers/`.
const MANIFEST: &str = ".faultline-import.json";

fn name_of(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Renames every temporary still there over its target, flushes their directories and removes
/// the manifest: the second half of a commit, also run to finish an interrupted one. Both paths
/// of a pair are held to the workspace (`store::contained`): a manifest leads nowhere else.
fn finish(root: &Path, listing: &[[String; 2]]) -> std::io::Result<usize> {
    let mut renamed = Vec::new();
    for [tmp, target] in listing {
        let is_temporary = Path::new(tmp)
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !is_temporary || !Path::new(tmp).exists() {
            continue;
        }
        let (Ok(from), Ok(to)) = (
            crate::store::contained(root, Path::new(tmp)),
            crate::store::contained(root, Path::new(target)),
        ) else {
            continue;
        };
        std::fs::rename(&from, &to)?;
        renamed.push(to);
    }
    sync_parents(renamed.iter().map(std::path::PathBuf::as_path))?;
    crate::store::remove_durably(&root.join(REGISTERS_DIR).join(MANIFEST))?;
    Ok(renamed.len())
}

/// Flushes each directory holding one of `paths`, once.
fn sync_parents<'a>(paths: impl Iterator<Item = &'a Path>) -> std::io::Result<()> {
    let dirs: std::collections::BTreeSet<&Path> = paths.filter_map(Path::parent).collect();
    for dir in dirs {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Before an import: finishes one that was interrupted after its commit point (its manifest is
/// there), or removes the temporaries of one interrupted before it, and says which.
fn recover(root: &Path) -> Result<()> {
    let dir = root.join(REGISTERS_DIR);
    let manifest = dir.join(MANIFEST);
    if let Ok(text) = std::fs::read_to_string(&manifest) {
        let listing: Vec<[String; 2]> = serde_json::from_str(&text).unwrap_or_default();
        let renamed = finish(root, &listing)?;
        crate::sanitize::eprint_line(&format!(
            "faultline: finished an interrupted import: {renamed} of its {} register files were still to be put in place",
            listing.len()
        ));
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.split_once(&format!(".json.{TEMP_MARK}")))
            .map(|(_, rest)| rest)
        else {
            continue;
        };
        // A temporary of a live process is another import in progress.
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists()) {
            continue;
        }
        if std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        crate::sanitize::eprint_line(&format!(
            "faultline: removed {removed} temporary file{} of an interrupted import (none of its registers had been written)",
            if removed == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

/// `faultline import backstage FILE…`: `depends_on` from the catalog's `spec.dependsOn`, each
/// kept dependency kept; an empty register for every entity or dependency without one.
pub fn backstage(
    root: &Path,
    files: &[std::path::PathBuf],
    dry_run: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    if !dry_run {
        recover(root)?;
    }
    let mut entities = Vec::new();
    let mut bad = 0;
    for file in files {
        let bytes = crate::store::read_named_file(file)?;
        let text = String::from_utf8_lossy(&bytes);
        match crate::backstage::read(&crate::sanitize::QuotedPath(file).to_string(), &text) {
            Ok((found, findings)) => {
                entities.extend(found);
                for finding in &findings {
                    crate::sanitize::eprint_line(&finding.to_string());
                }
                bad += findings.len();
            }
            Err(finding) => {
                crate::sanitize::eprint_line(&finding.to_string());
                bad += 1;
            }
        }
    }
    let before = Snapshot::from_dir(root)?;
    let mut after = before.clone_registers();
    let mut skipped = Vec::new();
    for entity in &entities {
        if before.does_not_load(&entity.id) {
            skipped.push(entity.id.clone());
            continue;
        }
        let reg = after.registers.entry(entity.id.clone()).or_insert_with(|| {
            let mut reg = crate::model::Register::new(&entity.id);
            if let Some(title) = &entity.title {
                reg.title.clone_from(title);
            }
            reg.owner = entity.owner.clone().unwrap_or_default();
            reg.description = entity.description.clone().unwrap_or_default();
            reg
        });
        for dep in &entity.depends_on {
            if !reg.depends_on.contains(dep) {
                reg.depends_on.push(dep.clone());
            }
        }
    }
    // A dependency on something the catalog does not describe still needs a register, or
    // `check` reports it as unknown.
    let targets: Vec<String> = entities
        .iter()
        .flat_map(|e| e.depends_on.iter().cloned())
        .collect();
    for dep in targets {
        if !before.registers.contains_key(&dep) && !before.does_not_load(&dep) {
            after
                .registers
                .entry(dep.clone())
                .or_insert_with(|| crate::model::Register::new(&dep));
        }
    }
    for id in &skipped {
        crate::sanitize::eprint_line(&format!(
            "faultline: registers/{id}.json does not load: its dependencies are not changed"
        ));
    }
    let d = diff(&before, &after);
    let written = if dry_run {
        None
    } else {
        Some(write_changed(root, &before, &after)?)
    };
    out.write_all(format::text(&d, false).as_bytes())?;
    writeln!(
        out,
        "{} catalog entities (Component, Resource) in {} file{}",
        entities.len(),
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    )?;
    match written {
        Some(written) => say_written(out, written)?,
        None => writeln!(out, "dry run: nothing written")?,
    }
    Ok(if bad > 0 || !skipped.is_empty() {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

/// The rows of one sheet of a workbook (the first, or the one named), each with its row number
/// as the spreadsheet shows it, read within the limits of `workbook`.
fn workbook_rows(
    file: &Path,
    extension: &str,
    sheet: Option<&str>,
) -> Result<(String, crate::import::Rows)> {
    crate::workbook::read_file(file, extension == "ods", sheet)
        .map_err(|refused| anyhow::anyhow!("{}: {}", crate::sanitize::QuotedPath(file), refused.0))
}

pub fn export(
    ws: &Workspace,
    format: ExportFormat,
    output: Option<&Path>,
    out: &mut dyn Write,
) -> Result<i32> {
    let registers: Vec<&crate::model::Register> = ws.registers().collect();
    for file in &ws.components {
        if let Err(finding) = &file.content {
            crate::sanitize::eprint_line(&format!("faultline: skipped {finding}"));
        }
    }
    let title = ws.root.file_name().map_or_else(
        || "Risk register".to_owned(),
        |n| format!("Risk register: {}", n.to_string_lossy()),
    );
    let text = match format {
        ExportFormat::Csv => crate::export::csv(registers.iter().copied()),
        ExportFormat::Markdown => {
            let mut text = crate::export::markdown(&registers);
            let rows = crate::followups::rows(
                ws,
                &crate::followups::Filter::default(),
                crate::clock::today(),
            );
            text.push_str(&crate::sanitize::safe_markdown(
                &crate::followups::markdown(&rows),
            ));
            text
        }
        ExportFormat::Html => {
            let today = crate::clock::today();
            let (measured, _) = crate::stats::collect(&ws.root, None);
            crate::export::html(
                &registers,
                &title,
                &crate::readiness::report(ws, today, 5),
                &crate::stats::trend(ws, &measured, today, 12),
                &crate::coverage::of(ws),
                &crate::followups::rows(ws, &crate::followups::Filter::default(), today),
            )
        }
    };
    super::write_or_print(&text, output, out)?;
    Ok(exit::OK)
}
