//! The subcommands: each loads the workspace, does its one job, writes to `out`, and returns the
//! process exit code (0 fine, 1 findings, 2 usage or I/O failure).

pub mod alerts;
pub mod changed;
pub mod import;
pub mod org;
pub mod review;
pub mod timeline;
pub mod write_back;

use crate::check::check;
use crate::cli::{CheckFormat, Cli, Command};
use crate::finding::{Finding, count};
use crate::model::to_canonical;
use crate::sanitize::use_color;
use crate::store::Workspace;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// The JSON Schema of a register file, embedded.
pub const SCHEMA: &str = include_str!("../assets/register.schema.json");

/// The JSON Schema of one line of a timeline file, embedded.
pub const TIMELINE_SCHEMA: &str = include_str!("../assets/timeline.schema.json");

/// Exit codes shared by every command.
pub use crate::core::exit;

/// The workspace root named by `--workspace` or found from the current directory.
pub fn workspace_root(cli: &Cli) -> Result<PathBuf> {
    match &cli.workspace {
        Some(dir) => {
            let root = dir.canonicalize().with_context(|| {
                format!("cannot open workspace {}", crate::sanitize::QuotedPath(dir))
            })?;
            anyhow::ensure!(
                root.join(crate::store::REGISTERS_DIR).is_dir(),
                "{} is not a workspace: it has no `registers/` directory",
                crate::sanitize::QuotedPath(&root)
            );
            Ok(root)
        }
        None => Workspace::discover(&std::env::current_dir()?),
    }
}

/// Today's date in the local time zone, for rehearsal ages. `FAULTLINE_TODAY=YYYY-MM-DD`
/// pins it, so a CI job or a test gets the same findings on any day.
pub fn today() -> jiff::civil::Date {
    crate::clock::today()
}

/// Runs a subcommand, writing its output to `out`: the one dispatch of every command (the TUI's
/// are opened by `main`). Meant to be the last thing a process does: a workspace it loads is
/// left for the operating system to take back at exit, not freed.
pub fn run(cli: &Cli, command: &Command, out: &mut dyn Write) -> Result<i32> {
    if cli.org.is_some() && !matches!(command, Command::Org { .. }) {
        anyhow::bail!(
            "--org FILE is for `faultline org …` and for opening the TUI over the organisation"
        );
    }
    match command {
        Command::Org { action } => org::run(cli, action, out),
        Command::Diff {
            base,
            head,
            format,
            exit_code,
            files,
        } => {
            let (old, new) = match files {
                Some(dirs) => review::from_dirs(&dirs[0], &dirs[1])?,
                None => review::from_git(&workspace_root(cli)?, base.as_deref(), head.as_deref())?,
            };
            review::print(&old, &new, *format, *exit_code, out)
        }
        Command::Textconv { file } => review::textconv(file, out),
        Command::Schema { timeline } => {
            let schema = if *timeline { TIMELINE_SCHEMA } else { SCHEMA };
            out.write_all(schema.as_bytes())?;
            Ok(exit::OK)
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "faultline", out);
            Ok(exit::OK)
        }
        Command::Incident { action } => {
            timeline::incident(&workspace_root(cli)?, action, out).map(|o| o.code)
        }
        Command::Gameday { action } => {
            timeline::gameday(&workspace_root(cli)?, action, out).map(|o| o.code)
        }
        Command::Import {
            from: Some(crate::cli::ImportFrom::Backstage { files, dry_run }),
            ..
        } => import::backstage(&workspace_root(cli)?, files, *dry_run, out),
        Command::Import { .. } => run_import(&workspace_root(cli)?, command, out),
        Command::Check {
            format,
            changed: None,
        } => with_workspace(cli, |ws| run_check(ws, *format, out)),
        Command::Check {
            format,
            changed: Some(base),
        } => {
            let root = workspace_root(cli)?;
            with_workspace(cli, |ws| changed::run(&root, ws, base, *format, out))
        }
        Command::Fmt { check } => with_workspace(cli, |ws| run_fmt(ws, *check, out)),
        Command::New { component } => with_workspace(cli, |ws| run_new(ws, component, out)),
        Command::Export { format, output } => with_workspace(cli, |ws| {
            import::export(ws, *format, output.as_deref(), out)
        }),
        Command::Alerts { format, uncovered } => {
            with_workspace(cli, |ws| run_alerts(ws, *format, *uncovered, out))
        }
        Command::Readiness { format, top } => {
            with_workspace(cli, |ws| run_readiness(ws, *format, *top, out))
        }
        Command::Stats { since, format } => run_stats(cli, since.as_deref(), *format, out),
        Command::Followups {
            open,
            overdue,
            owner,
            format,
        } => {
            let filter = crate::followups::Filter {
                open: *open,
                overdue: *overdue,
                owner: owner.clone(),
            };
            with_workspace(cli, |ws| run_followups(ws, &filter, *format, out))
        }
        Command::Blast { component, format } => {
            with_workspace(cli, |ws| write_blast(ws, component, *format, out))
        }
        Command::List { sort, format } => {
            with_workspace(cli, |ws| run_list(ws, *sort, *format, out))
        }
        Command::Runbook { query, .. } => {
            let ranked = crate::rank::find(&workspace_root(cli)?, &query.join(" "))?;
            crate::sanitize::write_json_pretty(&mut *out, &ranked)?;
            writeln!(out)?;
            Ok(if ranked.opened.is_some() {
                exit::OK
            } else {
                exit::FAILURE
            })
        }
    }
}

/// A command's text: written to `output` (atomically, then "wrote PATH" said), or printed.
fn write_or_print(text: &str, output: Option<&std::path::Path>, out: &mut dyn Write) -> Result<()> {
    match output {
        Some(path) => {
            crate::store::save_atomic(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", crate::sanitize::QuotedPath(path)))?;
            writeln!(out, "wrote {}", crate::sanitize::QuotedPath(path))?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(())
}

/// Loads the workspace and runs `f` on it. The process ends with the command: the operating
/// system takes the workspace back at once, where freeing its hundred thousand allocations one
/// by one takes a tenth of `check`.
fn with_workspace(cli: &Cli, f: impl FnOnce(&Workspace) -> Result<i32>) -> Result<i32> {
    let ws = Workspace::load(&workspace_root(cli)?)?;
    let result = f(&ws);
    std::mem::forget(ws);
    result
}

/// `import FILE`: a spreadsheet into the registers.
fn run_import(root: &std::path::Path, command: &Command, out: &mut dyn Write) -> Result<i32> {
    let Command::Import {
        file,
        sheet,
        dry_run,
        update,
        force,
        header_row,
        default_likelihood,
        default_impact,
        ..
    } = command
    else {
        anyhow::bail!("not an import");
    };
    let level = |flag: &str, value: &Option<String>| -> Result<Option<crate::model::Level>> {
        value
            .as_deref()
            .map(|v| {
                crate::import::parse_level(v, false).ok_or_else(|| {
                    anyhow::anyhow!(
                        "{flag} `{}`: one of very-low, low, medium, high, very-high (or 1–5)",
                        crate::sanitize::quote(v)
                    )
                })
            })
            .transpose()
    };
    import::import(
        root,
        file.as_deref().context("import needs a FILE")?,
        &import::ImportOptions {
            sheet: sheet.clone(),
            dry_run: *dry_run,
            update: *update,
            force: *force,
            read: crate::import::ReadOptions {
                header_row: *header_row,
                default_likelihood: level("--default-likelihood", default_likelihood)?,
                default_impact: level("--default-impact", default_impact)?,
            },
        },
        out,
    )
}

fn run_alerts(
    ws: &Workspace,
    format: crate::cli::AlertsFormat,
    uncovered: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let Some(inventory) = ws.monitoring.as_deref() else {
        anyhow::bail!("the monitoring config was not read");
    };
    let mut report = alerts::Report::new(ws, inventory);
    if uncovered {
        report.only_uncovered();
    }
    match format {
        crate::cli::AlertsFormat::Text => out.write_all(report.text().as_bytes())?,
        crate::cli::AlertsFormat::Json => {
            crate::sanitize::write_json_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
    }
    Ok(exit::OK)
}

fn run_readiness(
    ws: &Workspace,
    format: crate::cli::ReadinessFormat,
    top: usize,
    out: &mut dyn Write,
) -> Result<i32> {
    let report = crate::readiness::report(ws, today(), top);
    match format {
        crate::cli::ReadinessFormat::Json => {
            crate::sanitize::write_json_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        crate::cli::ReadinessFormat::Text => {
            out.write_all(crate::readiness::text(&report).as_bytes())?;
        }
    }
    Ok(exit::OK)
}

fn run_stats(
    cli: &crate::cli::Cli,
    since: Option<&str>,
    format: crate::cli::StatsFormat,
    out: &mut dyn Write,
) -> Result<i32> {
    let since = parse_since(since)?;
    let root = workspace_root(cli)?;
    let (measured, skipped) = crate::stats::collect(&root, since);
    write_stats(&crate::stats::stats(&measured, since, skipped), format, out)
}

/// `--since YYYY-MM-DD`.
fn parse_since(since: Option<&str>) -> Result<Option<jiff::civil::Date>> {
    since
        .map(|text| {
            crate::model::Date::parse(text.trim())
                .map(|d| d.0)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--since `{}`: a date, YYYY-MM-DD",
                        crate::sanitize::quote(text)
                    )
                })
        })
        .transpose()
}

fn write_stats(
    stats: &crate::stats::Stats,
    format: crate::cli::StatsFormat,
    out: &mut dyn Write,
) -> Result<i32> {
    match format {
        crate::cli::StatsFormat::Text => out.write_all(crate::stats::text(stats).as_bytes())?,
        crate::cli::StatsFormat::Markdown => {
            out.write_all(crate::stats::markdown(stats).as_bytes())?;
        }
        crate::cli::StatsFormat::Json => {
            crate::sanitize::write_json_pretty(&mut *out, stats)?;
            writeln!(out)?;
        }
    }
    Ok(exit::OK)
}

fn run_followups(
    ws: &Workspace,
    filter: &crate::followups::Filter,
    format: crate::cli::FollowupsFormat,
    out: &mut dyn Write,
) -> Result<i32> {
    use crate::cli::FollowupsFormat as F;
    use crate::followups::Format;
    let rows = crate::followups::rows(ws, filter, today());
    let format = match format {
        F::Text => Format::Text,
        F::Json => Format::Json,
        F::Csv => Format::Csv,
    };
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
    crate::followups::write(out, &rows, format, terminal)?;
    Ok(exit::OK)
}

fn write_blast(
    ws: &Workspace,
    component: &str,
    format: crate::cli::BlastFormat,
    out: &mut dyn Write,
) -> Result<i32> {
    let registers: Vec<&crate::model::Register> = ws.registers().collect();
    let Some(b) = crate::blast::blast(&registers, component) else {
        anyhow::bail!("no component `{component}` in registers/");
    };
    match format {
        crate::cli::BlastFormat::Text => out.write_all(crate::blast::text(&b).as_bytes())?,
        crate::cli::BlastFormat::Dot => out.write_all(crate::blast::dot(&b).as_bytes())?,
        crate::cli::BlastFormat::Json => {
            crate::sanitize::write_json_pretty(&mut *out, &b)?;
            writeln!(out)?;
        }
    }
    Ok(exit::OK)
}

fn run_list(
    ws: &Workspace,
    sort: crate::list::ListSort,
    format: crate::list::ListFormat,
    out: &mut dyn Write,
) -> Result<i32> {
    for file in &ws.components {
        if let Err(finding) = &file.content {
            crate::sanitize::eprint_line(&format!("faultline: skipped {finding}"));
        }
    }
    let rows = crate::list::rows(ws, sort);
    let terminal = std::io::stdout().is_terminal();
    let width = ratatui::crossterm::terminal::size()
        .ok()
        .map(|(columns, _)| usize::from(columns));
    crate::list::write(out, &rows, format, sort, terminal, width)?;
    Ok(exit::OK)
}

#[derive(Serialize)]
struct CheckReport<'a> {
    errors: usize,
    warnings: usize,
    registers: usize,
    runbooks: usize,
    findings: &'a [Finding],
}

fn run_check(ws: &Workspace, format: CheckFormat, out: &mut dyn Write) -> Result<i32> {
    let findings = check(ws, today());
    let scope = format!(
        "{} and {}",
        plural(ws.components.len(), "register"),
        plural(ws.runbooks.len(), "runbook")
    );
    write_workspace_findings(ws, &findings, format, &scope, out)
}

/// `write_findings` over one workspace's registers and runbooks.
pub fn write_workspace_findings(
    ws: &Workspace,
    findings: &[Finding],
    format: CheckFormat,
    scope: &str,
    out: &mut dyn Write,
) -> Result<i32> {
    write_findings(
        (ws.components.len(), ws.runbooks.len()),
        findings,
        format,
        scope,
        out,
    )
}

/// Writes `findings` in `format`; `scope` ends the text summary ("… in 10 registers and 12
/// runbooks"). Exit 1 when one is an error.
pub fn write_findings(
    (registers, runbooks): (usize, usize),
    findings: &[Finding],
    format: CheckFormat,
    scope: &str,
    out: &mut dyn Write,
) -> Result<i32> {
    let (errors, warnings) = count(findings);
    match format {
        CheckFormat::Json => {
            let report = CheckReport {
                errors,
                warnings,
                registers,
                runbooks,
                findings,
            };
            crate::sanitize::write_json_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        CheckFormat::Sarif => {
            crate::sanitize::write_json_pretty(&mut *out, &crate::check::sarif::log(findings))?;
            writeln!(out)?;
        }
        CheckFormat::Github => {
            for f in findings {
                writeln!(out, "{}", github_annotation(f))?;
            }
        }
        CheckFormat::Text => {
            let color = use_color(std::io::stdout().is_terminal());
            // Ten thousand lines are formatted on all cores, then written in order.
            for line in crate::parallel::map(findings, |f| colored_finding(f, color)) {
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
            writeln!(out, "{} in {scope}", plural_counts(errors, warnings))?;
        }
    }
    Ok(if errors > 0 { exit::FINDINGS } else { exit::OK })
}

/// A finding as a GitHub Actions workflow command, escaped as the runner expects.
pub fn github_annotation(f: &Finding) -> String {
    let data = |t: &str| {
        t.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |t: &str| data(t).replace(':', "%3A").replace(',', "%2C");
    let level = if f.is_error() { "error" } else { "warning" };
    format!(
        "::{level} file={},line={},col={},title={}::{}",
        property(&crate::sanitize::sanitize(&f.path.to_string_lossy())),
        f.line,
        f.column,
        property(&format!("faultline {}", f.rule)),
        data(&crate::sanitize::sanitize_keep_newlines(&f.message))
    )
}

pub use crate::finding::{plural, plural_counts};

fn colored_finding(f: &Finding, color: bool) -> String {
    let text = crate::sanitize::sanitize(&f.to_string()).into_owned();
    if !color {
        return text;
    }
    let (label, code) = if f.is_error() {
        ("error:", "1;31")
    } else {
        ("warning:", "1;33")
    };
    text.replacen(label, &format!("\x1b[{code}m{label}\x1b[0m"), 1)
}

fn run_new(ws: &Workspace, id: &str, out: &mut dyn Write) -> Result<i32> {
    anyhow::ensure!(
        crate::check::is_valid_id(id),
        "`{id}` is not a valid component id: use lowercase letters, digits and hyphens (e.g. `{}`)",
        crate::check::suggest_id(id)
    );
    let rel = PathBuf::from(format!("{}/{id}.json", crate::store::REGISTERS_DIR));
    let path = ws.root.join(&rel);
    anyhow::ensure!(
        !path.exists(),
        "{} already exists",
        crate::sanitize::QuotedPath(&rel)
    );
    let register = crate::model::Register::new(id);
    crate::store::save_inside(&ws.root, &path, to_canonical(&register).as_bytes())
        .with_context(|| format!("cannot write {}", crate::sanitize::QuotedPath(&rel)))?;
    writeln!(out, "created {}", crate::sanitize::QuotedPath(&rel))?;
    Ok(exit::OK)
}

fn run_fmt(ws: &Workspace, check_only: bool, out: &mut dyn Write) -> Result<i32> {
    let mut code = exit::OK;
    for file in &ws.components {
        let loaded = match &file.content {
            Ok(loaded) => loaded,
            Err(finding) => {
                crate::sanitize::eprint_line(&format!(
                    "faultline: not formatting {}: {finding}",
                    crate::sanitize::QuotedPath(&file.path)
                ));
                code = exit::FINDINGS;
                continue;
            }
        };
        let canonical = to_canonical(&loaded.register);
        if canonical == loaded.text {
            continue;
        }
        if check_only {
            writeln!(out, "{}", crate::sanitize::QuotedPath(&file.path))?;
            code = exit::FINDINGS;
        } else {
            // One file that cannot be written (a link leading out, a read-only file) is named
            // and the rest are still formatted.
            match crate::store::save_inside(&ws.root, &file.path, canonical.as_bytes()) {
                Ok(()) => writeln!(out, "formatted {}", crate::sanitize::QuotedPath(&file.path))?,
                Err(err) => {
                    crate::sanitize::eprint_line(&format!(
                        "faultline: cannot write {}: {}",
                        crate::sanitize::QuotedPath(&file.path),
                        crate::sanitize::quote(&err.to_string())
                    ));
                    code = exit::FAILURE;
                }
            }
        }
    }
    Ok(code)
}
