//! `faultline incident …` and `faultline gameday …`: start a timeline, append to it from another
//! terminal, list them, write the review, and (game days) record the rehearsal in the register.

use super::exit;
use crate::cli::{GamedayCommand, IncidentCommand, TimelineCommand};
use crate::model::timeline::{Event, EventKind, Header, Roles, Severity, TimelineKind};
use crate::store::{ComponentFile, Workspace};
use anyhow::{Result, anyhow, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn incident(root: &Path, command: &IncidentCommand, out: &mut dyn Write) -> Result<Outcome> {
    match command {
        IncidentCommand::New {
            title,
            severity,
            risks,
            lead,
            drill,
            ..
        } => {
            let ws = Workspace::load_registers(root)?;
            for risk in risks {
                find_risk(&ws, risk)?;
            }
            let header = Header {
                kind: TimelineKind::Incident,
                title: title.join(" "),
                started: crate::clock::rfc3339(crate::clock::now()),
                severity: Severity::parse(severity)
                    .ok_or_else(|| anyhow!("severity `{severity}`: use P1, P2, P3 or P4"))?,
                roles: Roles {
                    lead: lead.clone().unwrap_or_default(),
                    ..Roles::default()
                },
                risks: risks.clone(),
                drawn: None,
                drill: *drill,
            };
            let rel = crate::timeline::create(root, &header, crate::clock::today())?;
            writeln!(out, "started {}", crate::sanitize::QuotedPath(&rel))?;
            writeln!(
                out,
                "record events with: faultline incident log --kind hypothesis \"…\""
            )?;
            Ok(Outcome {
                code: exit::OK,
                started: Some(rel),
            })
        }
        IncidentCommand::Report {
            file,
            output,
            write_back,
        } => report(
            root,
            TimelineKind::Incident,
            file.as_deref(),
            output.as_deref(),
            write_back.then_some(false),
            out,
        )
        .map(Outcome::from),
        IncidentCommand::Common(common) => {
            shared(root, TimelineKind::Incident, common, out).map(Outcome::from)
        }
    }
}

pub fn gameday(root: &Path, command: &GamedayCommand, out: &mut dyn Write) -> Result<Outcome> {
    match command {
        GamedayCommand::New {
            risk,
            draw,
            seed,
            title,
            lead,
            ..
        } => {
            let ws = Workspace::load_registers(root)?;
            let mut why_drawn = None;
            let reference = if *draw {
                let seed = seed.unwrap_or_else(crate::gameday_pick::seed_from_clock);
                let (drawn, why) =
                    crate::gameday_pick::draw_risk(ws.registers(), crate::clock::today(), seed)
                        .ok_or_else(|| anyhow!("the register has no risk to draw"))?;
                writeln!(out, "drew {drawn} (seed {seed}): {why}")?;
                why_drawn = Some(why);
                drawn
            } else {
                risk.clone().unwrap_or_default()
            };
            let (_, found) = find_risk(&ws, &reference)?;
            let header = Header {
                kind: TimelineKind::Gameday,
                title: title
                    .clone()
                    .unwrap_or_else(|| format!("Game day: {}", found.title)),
                started: crate::clock::rfc3339(crate::clock::now()),
                severity: Severity::P3,
                roles: Roles {
                    lead: lead.clone().unwrap_or_default(),
                    ..Roles::default()
                },
                risks: vec![reference],
                drawn: why_drawn,
                drill: false,
            };
            let rel = crate::timeline::create(root, &header, crate::clock::today())?;
            writeln!(out, "started {}", crate::sanitize::QuotedPath(&rel))?;
            Ok(Outcome {
                code: exit::OK,
                started: Some(rel),
            })
        }
        GamedayCommand::Report {
            file,
            output,
            write_back,
            replace_estimate,
        } => report(
            root,
            TimelineKind::Gameday,
            file.as_deref(),
            output.as_deref(),
            write_back.then_some(*replace_estimate),
            out,
        )
        .map(Outcome::from),
        GamedayCommand::Common(common) => {
            shared(root, TimelineKind::Gameday, common, out).map(Outcome::from)
        }
    }
}

/// The kind `log` records: `--kind`, or what `--severity`, `--role` or a follow-up's flags
/// imply; a flag that contradicts `--kind` is refused.
fn logged_kind(
    event_kind: Option<&str>,
    severity: bool,
    role: bool,
    follow_up: bool,
) -> Result<EventKind> {
    // A flag that implies a kind sets it; one that contradicts --kind is refused, so a
    // severity is never recorded on a note that changes nothing.
    let implied = match (severity, role, follow_up) {
        (true, true, _) | (true, _, true) | (_, true, true) => {
            bail!(
                "--severity, --role and a follow-up's flags are different events: log them one at a time"
            )
        }
        (true, false, false) => Some(EventKind::SeverityChanged),
        (false, true, false) => Some(EventKind::RoleChanged),
        (false, false, true) => Some(EventKind::FollowUp),
        (false, false, false) => None,
    };
    let event_kind = match event_kind {
        Some(name) => EventKind::parse(name).ok_or_else(|| {
            anyhow!(
                "kind `{}`: one of {}",
                crate::sanitize::quote(name),
                EventKind::ALL.map(EventKind::name).join(", ")
            )
        })?,
        None => implied.unwrap_or(EventKind::Note),
    };
    if let Some(implied) = implied
        && implied != event_kind
    {
        bail!(
            "--{} records a {} event, not a {}: leave --kind out, or use --kind {}",
            match implied {
                EventKind::SeverityChanged => "severity",
                EventKind::RoleChanged => "role",
                _ => "owner, --due, --ticket or --risk",
            },
            implied.name(),
            event_kind.name(),
            implied.name()
        );
    }
    Ok(event_kind)
}

/// `log`: one event appended to the timeline still open (or FILE), with the fields its flags
/// give; a flag that implies a kind sets it.
fn log(
    root: &Path,
    kind: TimelineKind,
    command: &TimelineCommand,
    out: &mut dyn Write,
) -> Result<i32> {
    let TimelineCommand::Log {
        kind: event_kind,
        by,
        severity,
        role,
        follow_up,
        at,
        handoff,
        words,
    } = command
    else {
        bail!("not a log command");
    };
    let event_kind = logged_kind(
        event_kind.as_deref(),
        severity.is_some(),
        role.is_some(),
        follow_up.any(),
    )?;
    // FILE may come first.
    let (file, words) = match words.split_first() {
        Some((first, rest)) if first.ends_with(".jsonl") && !rest.is_empty() => {
            (Some(PathBuf::from(first)), rest)
        }
        _ => (None, words.as_slice()),
    };
    let rel = pick_to_write(root, kind, file.as_deref())?;
    let mut event = Event::new(
        crate::clock::rfc3339(crate::clock::now()),
        event_kind,
        words.join(" "),
    );
    event.by.clone_from(by);
    event.role.clone_from(role);
    if event_kind == EventKind::FollowUp {
        fill_follow_up(&mut event, follow_up)?;
    }
    if let Some(severity) = severity {
        event.severity = Some(
            Severity::parse(severity)
                .ok_or_else(|| anyhow!("severity `{severity}`: use P1, P2, P3 or P4"))?,
        );
    }
    match event_kind {
        EventKind::SeverityChanged if event.severity.is_none() => {
            bail!("severity-changed needs --severity P1…P4")
        }
        EventKind::RoleChanged if event.role.is_none() => {
            bail!("role-changed needs --role lead|communications|scribe")
        }
        _ => {}
    }
    if let Some(at) = at {
        let loaded = crate::timeline::read(root, &rel)?;
        event.at = loaded.timeline.header.time_at(at).ok_or_else(|| {
            anyhow!(
                "--at `{}`: an RFC 3339 time (2026-11-24T09:12:00+01:00) or HH:MM on the timeline's start date",
                crate::sanitize::quote(at)
            )
        })?;
    }
    if event.role.as_deref() == Some("lead") {
        match handoff.clone().or_else(ask_handoff) {
            Some(summary) => {
                event.extra.insert("handoff".into(), summary.into());
            }
            None => crate::sanitize::eprint_line(
                "no hand-off summary recorded: give one with --handoff \"known: …; trying: …; next: …\"",
            ),
        }
    }
    crate::timeline::append(&root.join(&rel), &event)?;
    writeln!(
        out,
        "recorded {event_kind} in {}",
        crate::sanitize::QuotedPath(&rel)
    )?;
    Ok(exit::OK)
}

fn shared(
    root: &Path,
    kind: TimelineKind,
    command: &TimelineCommand,
    out: &mut dyn Write,
) -> Result<i32> {
    match command {
        TimelineCommand::Log { .. } => log(root, kind, command, out),
        TimelineCommand::Open { .. } => bail!("the view opens from the event loop"),
        TimelineCommand::Cancel { file, reason } => {
            cancel(root, kind, file.as_deref(), reason.as_deref(), out)
        }
        TimelineCommand::List => list(root, kind, out),
    }
}

/// On a terminal, a new lead is asked what is known, what is being tried and what is next.
fn ask_handoff() -> Option<String> {
    use std::io::{BufRead, IsTerminal};
    if !std::io::stdin().is_terminal() {
        return None;
    }
    let mut parts = Vec::new();
    for question in ["What is known", "What is being tried", "What is next"] {
        eprint!("{question}? ");
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).ok()?;
        let line = line.trim();
        if !line.is_empty() {
            parts.push(format!(
                "{}: {line}",
                question.trim_start_matches("What is ")
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A follow-up's fields from `log`'s flags: the due date must be a date, and the risk a
/// `component/risk-id` or a component (checked against the register by `check`).
fn fill_follow_up(event: &mut Event, args: &crate::cli::FollowUpArgs) -> Result<()> {
    if event.text.trim().is_empty() {
        bail!("a follow-up says what is to be done: give its TEXT");
    }
    if let Some(due) = &args.due
        && crate::model::Date::parse(due.trim()).is_none()
    {
        bail!(
            "--due `{}`: a date, YYYY-MM-DD",
            crate::sanitize::quote(due)
        );
    }
    if let Some(risk) = &args.risk
        && !crate::model::follow_up::is_risk_reference(risk)
    {
        bail!(
            "--risk `{}`: component/risk-id, or a component to raise it there as a new risk",
            crate::sanitize::quote(risk)
        );
    }
    let trimmed = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    event.owner = trimmed(&args.owner);
    event.due = trimmed(&args.due);
    event.ticket = trimmed(&args.ticket);
    event.risk = trimmed(&args.risk);
    Ok(())
}

/// `cancel`: appends `abandoned` to the timeline still open (or FILE), refusing a closed one.
fn cancel(
    root: &Path,
    kind: TimelineKind,
    file: Option<&Path>,
    reason: Option<&str>,
    out: &mut dyn Write,
) -> Result<i32> {
    let rel = pick_to_write(root, kind, file)?;
    let loaded = crate::timeline::read(root, &rel)?;
    if loaded.timeline.is_closed() {
        bail!(
            "{} is already {}: nothing was recorded",
            crate::sanitize::QuotedPath(&rel),
            if loaded.timeline.is_resolved() {
                "resolved"
            } else {
                "abandoned"
            }
        );
    }
    let event = Event::new(
        crate::clock::rfc3339(crate::clock::now()),
        EventKind::Abandoned,
        reason.unwrap_or_default().to_owned(),
    );
    crate::timeline::append(&root.join(&rel), &event)?;
    writeln!(
        out,
        "abandoned {}: it stays on disk, closed",
        crate::sanitize::QuotedPath(&rel)
    )?;
    Ok(exit::OK)
}

/// `list`: every timeline of a kind, newest first, with its severity, state and events.
fn list(root: &Path, kind: TimelineKind, out: &mut dyn Write) -> Result<i32> {
    for rel in crate::timeline::list(root, kind) {
        match crate::timeline::read(root, &rel) {
            Ok(loaded) => {
                let t = &loaded.timeline;
                writeln!(
                    out,
                    "{}  {}  {}  {}  {}",
                    crate::sanitize::QuotedPath(&rel),
                    t.severity(),
                    if t.is_resolved() {
                        "resolved "
                    } else if t.is_abandoned() {
                        "abandoned"
                    } else {
                        "open     "
                    },
                    crate::finding::plural(t.events.len(), "event"),
                    crate::sanitize::sanitize(&t.header.title)
                )?;
            }
            Err(err) => writeln!(
                out,
                "{}  unreadable: {err:#}",
                crate::sanitize::QuotedPath(&rel)
            )?,
        }
    }
    Ok(exit::OK)
}

/// What a timeline command did: its exit code, and the timeline it started (whose view opens
/// when faultline runs in a terminal).
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub started: Option<PathBuf>,
}

impl From<i32> for Outcome {
    fn from(code: i32) -> Outcome {
        Outcome {
            code,
            started: None,
        }
    }
}

/// The timeline a command is about: the one named (a path from here or from the workspace),
/// else the most recent (not resolved, when `open_only`).
pub fn pick(
    root: &Path,
    kind: TimelineKind,
    file: Option<&Path>,
    open_only: bool,
) -> Result<PathBuf> {
    if let Some(file) = file {
        for candidate in [file.to_path_buf(), root.join(file)] {
            if candidate.is_file() {
                // The timeline is appended to: it must be inside the workspace, links resolved.
                let absolute = crate::store::contained(root, &candidate.canonicalize()?)?;
                let root = root.canonicalize()?;
                return Ok(PathBuf::from(crate::store::relative(&root, &absolute)));
            }
        }
        bail!("no timeline {}", crate::sanitize::QuotedPath(file));
    }
    let files = crate::timeline::list(root, kind);
    files
        .iter()
        .find(|rel| {
            !open_only || crate::timeline::read(root, rel).is_ok_and(|l| !l.timeline.is_closed())
        })
        .cloned()
        .ok_or_else(|| {
            anyhow!(
                "no {} {}in {}/: start one with `faultline {} new`",
                kind.name(),
                if open_only { "still open " } else { "" },
                kind.dir(),
                kind.tag()
            )
        })
}

/// The timeline an event is appended to: FILE, or the one still open; with several open and no
/// FILE, none is guessed (an event in the wrong incident's record is worse than a retry).
fn pick_to_write(root: &Path, kind: TimelineKind, file: Option<&Path>) -> Result<PathBuf> {
    if file.is_some() {
        return pick(root, kind, file, true);
    }
    let open: Vec<PathBuf> = crate::timeline::list(root, kind)
        .into_iter()
        .filter(|rel| crate::timeline::read(root, rel).is_ok_and(|l| !l.timeline.is_closed()))
        .collect();
    if open.len() > 1 {
        bail!(
            "{} {}s are open: name one ({}): nothing was logged",
            open.len(),
            kind.name(),
            open.iter()
                .map(|p| crate::sanitize::QuotedPath(p).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    pick(root, kind, None, true)
}

/// A risk reference's component file and the risk.
pub(super) fn find_risk<'a>(
    ws: &'a Workspace,
    reference: &str,
) -> Result<(&'a ComponentFile, &'a crate::model::Risk)> {
    let (component, id) = reference
        .split_once('/')
        .ok_or_else(|| anyhow!("risk `{reference}`: write it as COMPONENT/ID"))?;
    let file = ws
        .component(component)
        .ok_or_else(|| anyhow!("risk `{reference}`: no component `{component}`"))?;
    let reg = file
        .register()
        .ok_or_else(|| anyhow!("risk `{reference}`: registers/{component}.json does not load"))?;
    let risk = reg
        .risks
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| anyhow!("risk `{reference}`: {component} has no risk `{id}`"))?;
    Ok((file, risk))
}

fn report(
    root: &Path,
    kind: TimelineKind,
    file: Option<&Path>,
    output: Option<&Path>,
    // `Some(replace_estimate)`: record the rehearsal in the register.
    write_back: Option<bool>,
    out: &mut dyn Write,
) -> Result<i32> {
    let rel = pick(root, kind, file, false)?;
    let loaded = crate::timeline::read(root, &rel)?;
    for problem in &loaded.problems {
        crate::sanitize::eprint_line(&format!("faultline: {problem}"));
    }
    let ws = Workspace::load(root)?;
    let mut context = context(&ws, &loaded.timeline);
    context.path = rel.to_string_lossy().replace('\\', "/");
    let markdown = crate::report::markdown(&loaded.timeline, &context);
    super::write_or_print(&markdown, output, out)?;
    let Some(replace_estimate) = write_back else {
        return Ok(exit::OK);
    };
    if kind == TimelineKind::Gameday {
        let steps = context.steps_done(&loaded.timeline);
        let plan = loaded
            .timeline
            .write_back(&context.path, steps)
            .ok_or_else(|| anyhow!("the game day has no readable start: nothing written back"))?;
        for line in
            super::write_back::rehearsal(root, &ws, &loaded.timeline, &plan, replace_estimate)?
        {
            crate::sanitize::eprint_line(&line);
        }
    }
    let (placed, lost) = loaded.timeline.follow_ups(&context.path);
    // Read again: the rehearsal may have just been written to the same registers.
    let ws = Workspace::load(root)?;
    for line in super::write_back::follow_ups(root, &ws, &placed)? {
        crate::sanitize::eprint_line(&line);
    }
    for text in &lost {
        crate::sanitize::eprint_line(&format!(
            "follow-up `{text}` not written back: it names no risk and the timeline has none in play (log it again with --risk COMPONENT[/ID])"
        ));
    }
    if kind == TimelineKind::Incident && placed.is_empty() && lost.is_empty() {
        crate::sanitize::eprint_line("no follow-ups to write back");
    }
    Ok(if lost.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

/// What `incident`/`gameday` `open`, and `new` in a terminal, lead to: the timeline to show in
/// the view (`Ok`), or, when `new` ran off a terminal, the exit code (`Err`). `main` opens the
/// view, so the commands never name the TUI.
pub fn view_target(cli: &crate::cli::Cli) -> Result<std::result::Result<PathBuf, i32>> {
    use crate::cli::{Command, TimelineCommand};
    use std::io::IsTerminal;
    let root = crate::commands::workspace_root(cli)?;
    let (kind, open) = match &cli.command {
        Some(Command::Incident {
            action: IncidentCommand::Common(TimelineCommand::Open { file, .. }),
        }) => (TimelineKind::Incident, Some(file.clone())),
        Some(Command::Gameday {
            action: GamedayCommand::Common(TimelineCommand::Open { file, .. }),
        }) => (TimelineKind::Gameday, Some(file.clone())),
        _ => (TimelineKind::Incident, None),
    };
    if let Some(file) = open {
        return Ok(Ok(pick(&root, kind, file.as_deref(), file.is_none())?));
    }
    let mut out = std::io::stdout().lock();
    let outcome = match &cli.command {
        Some(Command::Incident { action }) => incident(&root, action, &mut out)?,
        Some(Command::Gameday { action }) => gameday(&root, action, &mut out)?,
        _ => bail!("not a timeline command"),
    };
    out.flush()?;
    Ok(match outcome.started {
        Some(rel) if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() => Ok(rel),
        _ => Err(outcome.code),
    })
}

/// The risks in play and their runbooks' steps, for the report.
fn context(ws: &Workspace, timeline: &crate::model::timeline::Timeline) -> crate::report::Context {
    let mut context = crate::report::Context {
        tickets: crate::monitoring::config::tickets(&ws.root),
        ..crate::report::Context::default()
    };
    for reference in &timeline.header.risks {
        let Ok((file, risk)) = find_risk(ws, reference) else {
            continue;
        };
        if let Some(reg) = file.register() {
            context.risks.push((reference.clone(), reg.clone()));
        }
        if let Some((path, _)) = risk.runbook_parts()
            && let Some(path) = crate::check::normalize("", path)
            && !context.runbooks.iter().any(|(p, _)| *p == path)
            && let Ok(bytes) = crate::store::read_limited(&ws.root, &ws.root.join(&path))
        {
            let anchor = risk.runbook_parts().and_then(|(_, a)| a);
            let steps = crate::runbook::steps_in(&String::from_utf8_lossy(&bytes), anchor);
            context.runbooks.push((path, steps));
        }
    }
    context
}
