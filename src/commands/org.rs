//! `faultline org …`: fetch the organisation's repositories, then list, check, score, measure,
//! trace and export them together.

use super::{exit, plural, today, write_findings};
use crate::cli::{Cli, OrgCommand, OrgExportFormat};
use crate::org::fetch::{Event, Fetched, Outcome};
use crate::org::{Cache, Loaded, Org};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The organisation file and cache the command line names.
pub fn open(cli: &Cli) -> Result<(Org, Cache)> {
    let file = cli
        .org
        .clone()
        .unwrap_or_else(|| PathBuf::from(crate::org::ORG_FILE));
    if !file.exists() {
        bail!(
            "no organisation file {}: write one (see `faultline org --help`) or pass --org FILE",
            crate::sanitize::QuotedPath(&file)
        );
    }
    let org = Org::load(&file)?;
    Ok((org, Cache::at(cli.cache.as_deref())?))
}

/// What of each repository a command reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reads {
    Registers,
    /// Registers and runbooks: readiness (a column of `list`) resolves the runbook links.
    Everything,
}

/// Runs `f` on the organisation read from the cache. As `with_workspace`, the organisation is
/// left for the operating system to take back at exit.
fn with_loaded(cli: &Cli, reads: Reads, f: impl FnOnce(&Loaded) -> Result<i32>) -> Result<i32> {
    let loaded = load(cli, reads)?;
    let result = f(&loaded);
    std::mem::forget(loaded);
    result
}

/// The organisation read from the cache, each repository never fetched said once on stderr.
fn load(cli: &Cli, reads: Reads) -> Result<Loaded> {
    let (org, cache) = open(cli)?;
    let loaded = match reads {
        Reads::Everything => crate::org::load(org, cache),
        Reads::Registers => crate::org::load_registers(org, cache, false),
    };
    for finding in loaded.not_fetched() {
        crate::sanitize::eprint_line(&format!("faultline: {}", finding.message));
    }
    for finding in loaded.ws.load_findings() {
        crate::sanitize::eprint_line(&format!("faultline: skipped {finding}"));
    }
    Ok(loaded)
}

pub fn run(cli: &Cli, action: &OrgCommand, out: &mut dyn Write) -> Result<i32> {
    match action {
        OrgCommand::Fetch { jobs, timeout } => {
            let (org, cache) = open(cli)?;
            fetch(&org, &cache, *jobs, Duration::from_secs(*timeout), out)
        }
        OrgCommand::Check { format } => {
            let (org, cache) = open(cli)?;
            let checked = crate::org_view::check(&org, &cache, today());
            let scope = format!(
                "{}: {} and {}",
                plural(checked.repos, "repository"),
                plural(checked.registers, "register"),
                plural(checked.runbooks, "runbook")
            );
            write_findings(
                (checked.registers, checked.runbooks),
                &checked.findings,
                *format,
                &scope,
                out,
            )
        }
        OrgCommand::List { sort, format } => with_loaded(cli, Reads::Everything, |loaded| {
            let mut rows = crate::list::rows(&loaded.ws, *sort);
            for row in &mut rows {
                if let Some(repo) = loaded.repo_of(row.component) {
                    row.repo = Some(&repo.name);
                    row.team = Some(repo.team_or_name());
                }
            }
            let terminal = std::io::stdout().is_terminal();
            let width = ratatui::crossterm::terminal::size()
                .ok()
                .map(|(columns, _)| usize::from(columns));
            crate::list::write(out, &rows, *format, *sort, terminal, width)?;
            Ok(exit::OK)
        }),
        OrgCommand::Readiness { format, top } => with_loaded(cli, Reads::Everything, |loaded| {
            let report = crate::readiness::report(&loaded.ws, today(), *top);
            let ready = crate::org_view::readiness(loaded, report);
            match format {
                crate::cli::ReadinessFormat::Json => {
                    crate::sanitize::write_json_pretty(&mut *out, &ready)?;
                    writeln!(out)?;
                }
                crate::cli::ReadinessFormat::Text => {
                    writeln!(
                        out,
                        "organisation readiness {} over {} ({})\n",
                        ready.readiness,
                        plural(ready.repos.len(), "repository"),
                        plural(ready.teams.len(), "team")
                    )?;
                    out.write_all(crate::org_view::groups_text("team", &ready.teams).as_bytes())?;
                    writeln!(out)?;
                    out.write_all(
                        crate::org_view::groups_text("repository", &ready.repos).as_bytes(),
                    )?;
                    writeln!(out)?;
                    out.write_all(crate::readiness::text(&ready.report).as_bytes())?;
                }
            }
            Ok(exit::OK)
        }),
        OrgCommand::Stats { since, format } => {
            let (org, cache) = open(cli)?;
            let since = super::parse_since(since.as_deref())?;
            let (measured, skipped) = crate::org_view::timelines(&org, &cache, since);
            super::write_stats(
                &crate::stats::stats(&measured, since, skipped),
                *format,
                out,
            )
        }
        OrgCommand::Blast { component, format } => with_loaded(cli, Reads::Registers, |loaded| {
            let component = qualified(loaded, component)?;
            super::write_blast(&loaded.ws, &component, *format, out)
        }),
        OrgCommand::Export { format, output } => with_loaded(cli, Reads::Everything, |loaded| {
            export(loaded, *format, output.as_deref(), out)
        }),
    }
}

/// `repo:component` as given, or the one repository's component with that id.
fn qualified(loaded: &Loaded, component: &str) -> Result<String> {
    if component.contains(crate::org::SEPARATOR) {
        return Ok(component.to_owned());
    }
    let matches: Vec<&str> = loaded
        .ws
        .components
        .iter()
        .map(|c| c.stem.as_str())
        .filter(|stem| {
            stem.split_once(crate::org::SEPARATOR)
                .is_some_and(|(_, id)| id == component)
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => bail!("no repository has a component `{component}`"),
        several => bail!(
            "several repositories have a component `{component}`: {}; name one as `repo:{component}`",
            several.join(", ")
        ),
    }
}

/// Fetches every repository, reporting each as it ends (a progress bar on a terminal).
fn fetch(
    org: &Org,
    cache: &Cache,
    jobs: usize,
    timeout: Duration,
    out: &mut dyn Write,
) -> Result<i32> {
    let bar = std::io::stderr().is_terminal();
    let started = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut running: BTreeMap<usize, Instant> = BTreeMap::new();
    let mut done: Vec<Fetched> = Vec::new();
    let mut bytes = 0u64;
    let mut result = Ok(());
    std::thread::scope(|scope| {
        scope.spawn(move || crate::org::fetch::fetch_all(org, cache, jobs, timeout, &tx));
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(Event::Started { repo, at }) => {
                    running.insert(repo, at);
                }
                Ok(Event::Done(fetched)) => {
                    running.remove(&fetched.repo);
                    bytes += fetched.bytes;
                    if bar {
                        eprint!("\r\x1b[2K");
                    }
                    if result.is_ok() {
                        result =
                            writeln!(out, "{}", describe(org, &fetched)).and_then(|()| out.flush());
                    }
                    done.push(fetched);
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if bar {
                progress(org, &running, done.len(), bytes);
            }
        }
    });
    if bar {
        eprint!("\r\x1b[2K");
    }
    result?;
    let count = |f: fn(&Outcome) -> bool| done.iter().filter(|d| f(&d.outcome)).count();
    let failed = count(Outcome::failed);
    writeln!(
        out,
        "{}: {} cloned, {} updated, {} up to date, {failed} failed · {} in {:.1} s",
        plural(org.repos.len(), "repository"),
        count(|o| matches!(o, Outcome::Cloned { .. })),
        count(|o| matches!(o, Outcome::Updated { .. })),
        count(|o| matches!(o, Outcome::UpToDate { .. })),
        size(bytes),
        started.elapsed().as_secs_f64()
    )?;
    Ok(if failed > 0 { exit::FINDINGS } else { exit::OK })
}

/// One repository's line: what happened, its commit, what it cost.
fn describe(org: &Org, fetched: &Fetched) -> String {
    let name = &org.repos[fetched.repo].name;
    let short = |c: &str| c.chars().take(12).collect::<String>();
    let cost = format!(
        "{}, {:.1} s",
        size(fetched.bytes),
        fetched.took.as_secs_f64()
    );
    match &fetched.outcome {
        Outcome::Cloned { commit } => format!("cloned      {name} {} ({cost})", short(commit)),
        Outcome::Updated { from, to } => {
            format!(
                "updated     {name} {} → {} ({cost})",
                short(from),
                short(to)
            )
        }
        Outcome::UpToDate { commit } => format!("up to date  {name} {} ({cost})", short(commit)),
        Outcome::Failed { message } => {
            format!("FAILED      {name}: {}", crate::sanitize::sanitize(message))
        }
    }
}

/// The progress bar on stderr: repositories done, bytes, the slowest still running.
fn progress(org: &Org, running: &BTreeMap<usize, Instant>, done: usize, bytes: u64) {
    const WIDTH: usize = 20;
    let total = org.repos.len().max(1);
    let filled = done * WIDTH / total;
    let slowest = running
        .iter()
        .min_by_key(|(_, at)| **at)
        .map(|(i, at)| {
            format!(
                " · slowest {} {:.0} s",
                org.repos[*i].name,
                at.elapsed().as_secs_f64()
            )
        })
        .unwrap_or_default();
    let mut line = format!(
        "[{}{}] {done}/{} · {}{slowest}",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        org.repos.len(),
        size(bytes)
    );
    let columns = ratatui::crossterm::terminal::size().map_or(80, |(c, _)| usize::from(c));
    line = line.chars().take(columns.saturating_sub(1)).collect();
    eprint!("\r\x1b[2K{line}");
    let _ = std::io::stderr().flush();
}

#[allow(clippy::cast_precision_loss)] // a display figure
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// `org export`: CSV, markdown and JSON with the repository and team of each component; HTML
/// as a directory: `index.html` (the organisation) and a page per team.
fn export(
    loaded: &Loaded,
    format: OrgExportFormat,
    output: Option<&Path>,
    out: &mut dyn Write,
) -> Result<i32> {
    let registers: Vec<&crate::model::Register> = loaded.ws.registers().collect();
    let repo_team = |component: &str| -> [String; 2] {
        loaded
            .repo_of(component)
            .map_or_else(Default::default, |r| {
                [r.name.clone(), r.team_or_name().to_owned()]
            })
    };
    let text = match format {
        OrgExportFormat::Html => {
            let Some(dir) = output else {
                bail!("--format html writes a site: pass -o DIR");
            };
            return export_html(loaded, dir, out);
        }
        OrgExportFormat::Csv => {
            crate::export::csv_with(registers.iter().copied(), &["repo", "team"], &|reg| {
                repo_team(&reg.component).to_vec()
            })
        }
        OrgExportFormat::Markdown => {
            let mut text =
                String::from("# Organisation\n\n| repository | team | commit |\n|---|---|---|\n");
            for (repo, stamp) in loaded.org.repos.iter().zip(&loaded.stamps) {
                let commit = stamp.as_ref().map_or("never fetched".to_owned(), |s| {
                    s.commit.chars().take(12).collect()
                });
                text.push_str(&format!(
                    "| {} | {} | {} |\n",
                    crate::diff::format::code(&repo.name),
                    crate::diff::format::cell(repo.team_or_name()),
                    crate::diff::format::code(&commit)
                ));
            }
            text.push('\n');
            text.push_str(&crate::export::markdown(&registers));
            text
        }
        OrgExportFormat::Json => {
            #[derive(serde::Serialize)]
            struct Entry<'a> {
                repo: String,
                team: String,
                commit: Option<&'a str>,
                register: &'a crate::model::Register,
            }
            let entries: Vec<Entry<'_>> = registers
                .iter()
                .map(|reg| {
                    let [repo, team] = repo_team(&reg.component);
                    let commit = loaded.stamp_of(&repo).map(|s| s.commit.as_str());
                    Entry {
                        repo,
                        team,
                        commit,
                        register: reg,
                    }
                })
                .collect();
            let mut bytes = Vec::new();
            crate::sanitize::write_json_pretty(&mut bytes, &entries)?;
            bytes.push(b'\n');
            String::from_utf8(bytes)?
        }
    };
    super::write_or_print(&text, output, out)?;
    Ok(exit::OK)
}

/// The HTML site: `index.html` and a page per team, each component linked to its register file
/// at the fetched commit when the repository is on GitHub or GitLab.
fn export_html(loaded: &Loaded, dir: &Path, out: &mut dyn Write) -> Result<i32> {
    let today = today();
    let report = crate::readiness::report(&loaded.ws, today, 5);
    let coverage = crate::coverage::of(&loaded.ws);
    let follow_ups =
        crate::followups::rows(&loaded.ws, &crate::followups::Filter::default(), today);
    let ready = crate::org_view::readiness(loaded, report);
    let links: std::collections::HashMap<&str, String> = loaded
        .ws
        .components
        .iter()
        .filter_map(|c| {
            let repo = loaded.repo_of(&c.stem)?;
            let stamp = loaded.stamp_of(&repo.name)?;
            let inside = c.path.strip_prefix(&repo.name).ok()?;
            let url =
                crate::org::forge_link(&repo.url, &stamp.commit, &inside.to_string_lossy(), None)?;
            Some((c.stem.as_str(), url))
        })
        .collect();
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}", crate::sanitize::QuotedPath(dir)))?;
    let write = |name: &str, html: &str| -> Result<()> {
        let path = dir.join(name);
        crate::store::save_atomic(&path, html.as_bytes())
            .with_context(|| format!("cannot write {}", crate::sanitize::QuotedPath(&path)))
    };
    let title = format!(
        "Risk register: {}",
        loaded
            .org
            .file
            .file_stem()
            .map_or_else(|| "organisation".into(), |s| s.to_string_lossy())
    );
    write(
        "index.html",
        &crate::org_view::html_index(loaded, &ready, &title),
    )?;
    let mut pages = 0;
    for team in ready.teams.iter().filter(|t| t.components > 0) {
        pages += 1;
        let of_team = |component: &str| {
            loaded
                .repo_of(component)
                .is_some_and(|r| r.team_or_name() == team.name)
        };
        let registers: Vec<&crate::model::Register> = loaded
            .ws
            .registers()
            .filter(|reg| of_team(&reg.component))
            .collect();
        let team_report = crate::readiness::Report {
            readiness: team.readiness,
            components: ready
                .report
                .components
                .iter()
                .filter(|c| of_team(&c.component))
                .cloned()
                .collect(),
            actions: Vec::new(),
        };
        let mut team_coverage = coverage.clone();
        team_coverage.rows.retain(|r| of_team(&r.component));
        let team_follow_ups: Vec<crate::followups::Row> = follow_ups
            .iter()
            .filter(|f| of_team(f.risk.split('/').next().unwrap_or("")))
            .cloned()
            .collect();
        let html = crate::export::html_linked(
            &registers,
            &format!("{title} · {}", team.name),
            &crate::export::HtmlParts {
                ready: &team_report,
                trend: &[],
                coverage: &team_coverage,
                follow_ups: &team_follow_ups,
            },
            &|component| links.get(component).cloned(),
        );
        write(&crate::org_view::team_page(&team.name), &html)?;
    }
    writeln!(
        out,
        "wrote index.html and {} to {}",
        plural(pages, "team page"),
        crate::sanitize::QuotedPath(dir)
    )?;
    Ok(exit::OK)
}
