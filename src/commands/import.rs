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
    pub dry_run: bool,
    pub update: bool,
    pub force: bool,
}

pub fn import(
    ws: &Workspace,
    file: &Path,
    options: &ImportOptions,
    out: &mut dyn Write,
) -> Result<i32> {
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !matches!(extension.as_str(), "csv" | "tsv" | "txt") {
        bail!(
            "{}: import reads .csv and .tsv (save the sheet as CSV first)",
            file.display()
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let rows =
        crate::import::csv_rows(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let imported = crate::import::read_rows(file, &rows);
    for finding in &imported.findings {
        eprintln!("{finding}");
    }
    let bad = imported.findings.iter().filter(|f| f.is_error()).count();
    // What the registers become: existing ones extended, new ones created.
    let before = Snapshot::from_workspace(ws);
    let mut after = Snapshot::from_workspace(ws);
    let mut kept = 0;
    for (id, incoming) in &imported.registers {
        let merged = match ws.component(id).and_then(ComponentFile::register) {
            None if ws.component(id).is_some() => {
                eprintln!("faultline: registers/{id}.json does not load: its rows are skipped");
                continue;
            }
            None => incoming.clone(),
            Some(existing) => {
                let mut reg = existing.clone();
                for risk in &incoming.risks {
                    match reg.risks.iter_mut().find(|r| r.id == risk.id) {
                        Some(slot) if options.update => *slot = risk.clone(),
                        Some(_) => kept += 1,
                        None => reg.risks.push(risk.clone()),
                    }
                }
                reg
            }
        };
        after.registers.insert(id.clone(), merged);
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
    let mut written = 0;
    for (id, reg) in &after.registers {
        if before.registers.get(id) == Some(reg) {
            continue;
        }
        let path = ws.root.join(REGISTERS_DIR).join(format!("{id}.json"));
        std::fs::create_dir_all(ws.root.join(REGISTERS_DIR))?;
        save_atomic(&path, to_canonical(reg).as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        written += 1;
    }
    writeln!(
        out,
        "wrote {written} register file{}",
        if written == 1 { "" } else { "s" }
    )?;
    Ok(if bad > 0 { exit::FINDINGS } else { exit::OK })
}

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
            eprintln!("faultline: skipped {finding}");
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
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(out, "wrote {}", path.display())?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(exit::OK)
}
