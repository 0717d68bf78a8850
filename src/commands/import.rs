//! `faultline import FILE` and `faultline export --format …`: the register to and from the
//! spreadsheets registers usually start in, and reports for people who never open a terminal.

use super::exit;
use crate::cli::ExportFormat;
use crate::diff::{Snapshot, diff, format};
use crate::model::to_canonical;
use crate::store::{ComponentFile, REGISTERS_DIR, Workspace, save_atomic};
use anyhow::{Context as _, Result, bail};
use std::io::Write;
use std::path::Path;

pub struct ImportOptions {
    /// The sheet of a workbook (default: the first).
    pub sheet: Option<String>,
    pub dry_run: bool,
    pub update: bool,
    pub force: bool,
}

pub fn import(
    root: &Path,
    file: &Path,
    options: &ImportOptions,
    out: &mut dyn Write,
) -> Result<i32> {
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    // The file's text and rows are dropped once read into registers.
    let imported = match extension.as_str() {
        "csv" | "tsv" | "txt" => {
            let bytes = crate::store::read_limited(Path::new(""), file)
                .map_err(|finding| anyhow::anyhow!("{finding}"))?;
            let text = String::from_utf8_lossy(&bytes);
            let rows = crate::import::csv_rows(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", crate::sanitize::QuotedPath(file)))?;
            crate::import::read_rows(file, &rows)
        }
        "xlsx" | "xlsm" | "ods" => {
            let (sheet, rows) = workbook_rows(file, &extension, options.sheet.as_deref())?;
            let source =
                std::path::PathBuf::from(format!("{}[{sheet}]", crate::sanitize::QuotedPath(file)));
            crate::import::read_rows(&source, &rows)
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
    out.write_all(format::text(&d, false).as_bytes())?;
    if kept > 0 {
        writeln!(
            out,
            "{kept} risk{} already in the register kept as they are (--update replaces them)",
            if kept == 1 { "" } else { "s" }
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
    write_changed(root, &before, &after, out)?;
    Ok(if bad > 0 { exit::FINDINGS } else { exit::OK })
}

/// Writes each register that differs between `before` and `after`, atomically and in canonical
/// form, and says how many.
fn write_changed(
    root: &Path,
    before: &Snapshot,
    after: &Snapshot,
    out: &mut dyn Write,
) -> Result<()> {
    let mut written = 0;
    for (id, reg) in &after.registers {
        if before.registers.get(id) == Some(reg) {
            continue;
        }
        let path = root.join(REGISTERS_DIR).join(format!("{id}.json"));
        crate::store::create_dir_inside(root, &root.join(REGISTERS_DIR))?;
        crate::store::save_inside(root, &path, to_canonical(reg).as_bytes())
            .with_context(|| format!("cannot write {}", crate::sanitize::QuotedPath(&path)))?;
        written += 1;
    }
    writeln!(
        out,
        "wrote {written} register file{}",
        if written == 1 { "" } else { "s" }
    )?;
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
    let mut entities = Vec::new();
    let mut bad = 0;
    for file in files {
        let bytes = crate::store::read_limited(Path::new(""), file)
            .map_err(|finding| anyhow::anyhow!("{finding}"))?;
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
    out.write_all(format::text(&d, false).as_bytes())?;
    writeln!(
        out,
        "{} catalog entities (Component, Resource) in {} file{}",
        entities.len(),
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    )?;
    if dry_run {
        writeln!(out, "dry run: nothing written")?;
    } else {
        write_changed(root, &before, &after, out)?;
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
    crate::workbook::read_file(file, extension == "ods", sheet).map_err(|refused| {
        anyhow::Error::new(Refused(format!(
            "{}: {}",
            crate::sanitize::QuotedPath(file),
            refused.0
        )))
    })
}

/// A file import will not read; exits 2 (usage or I/O failure) with its message.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

pub fn export(
    ws: &Workspace,
    format: ExportFormat,
    output: Option<&Path>,
    out: &mut dyn Write,
) -> Result<i32> {
    let registers: Vec<&crate::model::Register> = ws
        .components
        .iter()
        .filter_map(ComponentFile::register)
        .collect();
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
        ExportFormat::Markdown => crate::export::markdown(&registers),
        ExportFormat::Html => crate::export::html(&registers, &title),
    };
    match output {
        Some(path) => {
            save_atomic(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", crate::sanitize::QuotedPath(path)))?;
            writeln!(out, "wrote {}", crate::sanitize::QuotedPath(path))?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(exit::OK)
}
