//! The review document of a game day or an incident, as markdown: the header, the timeline as a
//! table, the times to detect, mitigate and resolve, the runbook steps done and not done, the
//! hypotheses and decisions, and the blameless review's sections for people to fill. A game
//! day adds its questions and the measured times next to the register's estimates.

use crate::clock::elapsed;
use crate::diff::format::{cell, code};
use crate::model::timeline::{EventKind, Timeline, TimelineKind};
use crate::model::{Num, Register};
use crate::runbook::Step;
use std::fmt::Write as _;

/// What the report needs from the workspace: the risks in play and their runbooks' steps.
#[derive(Debug, Default)]
pub struct Context {
    /// (reference, register of its component).
    pub risks: Vec<(String, Register)>,
    /// (runbook path, its steps).
    pub runbooks: Vec<(String, Vec<Step>)>,
    /// The timeline's workspace-relative path, to tell its own rehearsal from earlier ones.
    pub path: String,
    /// Where ticket ids lead (`faultline.toml` `[tickets] url`).
    pub tickets: crate::monitoring::config::TicketsConfig,
}

impl Context {
    /// The runbook steps in play that the timeline ticked, of all of them (`None`: no steps).
    pub fn steps_done(&self, timeline: &Timeline) -> Option<(usize, usize)> {
        let total: usize = self.runbooks.iter().map(|(_, s)| s.len()).sum();
        let done = self
            .runbooks
            .iter()
            .flat_map(|(path, steps)| timeline.ticked(path, steps.iter().map(|s| s.text.as_str())))
            .filter(|ticked| *ticked)
            .count();
        (total > 0).then_some((done, total))
    }
}

fn minutes(seconds: i64) -> String {
    #[allow(clippy::cast_precision_loss)] // seconds of an incident
    let m = seconds as f64 / 60.0;
    format!("{m:.1} min")
}

/// The review as markdown.
/// An RFC 3339 time without its fraction of a second (`10:01:05.868530697+00:00` →
/// `10:01:05+00:00`): a review reads seconds.
fn whole_seconds(time: &str) -> String {
    let Some(t) = time.find('T') else {
        return time.to_owned();
    };
    match time[t..].find('.') {
        Some(dot) => {
            let dot = t + dot;
            let end = time[dot + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(time.len(), |e| dot + 1 + e);
            format!("{}{}", &time[..dot], &time[end..])
        }
        None => time.to_owned(),
    }
}

pub fn markdown(timeline: &Timeline, context: &Context) -> String {
    let h = &timeline.header;
    let mut out = String::new();
    let what = match h.kind {
        TimelineKind::Incident => "Incident review",
        TimelineKind::Gameday => "Game day review",
    };
    // A game day's title often says it is one ("Game day: …"): not twice in the heading.
    let title = h
        .title
        .strip_prefix("Game day: ")
        .filter(|_| h.kind == TimelineKind::Gameday)
        .unwrap_or(&h.title);
    let _ = writeln!(out, "# {what}: {}\n", cell(title));
    let start = timeline.started();
    let last = timeline
        .events
        .iter()
        .filter_map(crate::model::timeline::Event::timestamp)
        .max();
    let end = timeline
        .closed_by()
        .and_then(crate::model::timeline::Event::timestamp)
        .or(last);
    let duration = match (start, end) {
        (Some(s), Some(e)) => elapsed(e.duration_since(s).as_secs()).replace("T+", ""),
        _ => "—".into(),
    };
    let state = if timeline.is_resolved() {
        "resolved"
    } else if timeline.is_abandoned() {
        "abandoned"
    } else {
        "not resolved"
    };
    out.push_str("| kind | severity | started | duration | state |\n|---|---|---|---|---|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {duration} | {state} |\n",
        h.kind.name(),
        timeline.severity(),
        cell(&whole_seconds(&h.started))
    );
    roles_line(timeline, &mut out);
    if h.kind == TimelineKind::Incident && h.drill {
        out.push_str("A drill: kept out of incident statistics.\n\n");
    }
    handoffs(timeline, &mut out);
    if !h.risks.is_empty() {
        let risks: Vec<String> = h.risks.iter().map(|r| code(r)).collect();
        let _ = writeln!(out, "Risks in play: {}.\n", risks.join(", "));
    }
    out.push_str("## Summary\n\n_What happened, in two or three sentences._\n\n");
    out.push_str("## Impact\n\n_Who was affected, how, and for how long._\n\n");

    times_section(timeline, &mut out);
    timeline_section(timeline, &mut out);
    steps_section(timeline, context, &mut out);
    for (title, kind) in [
        ("Hypotheses tried", EventKind::Hypothesis),
        ("Decisions", EventKind::Decision),
    ] {
        let items: Vec<String> = timeline
            .events
            .iter()
            .filter(|e| e.known_kind() == Some(kind))
            .map(|e| format!("- {} — {}", cell(&e.text), cell(&whole_seconds(&e.at))))
            .collect();
        let _ = writeln!(out, "## {title}\n");
        if items.is_empty() {
            out.push_str("_None recorded._\n\n");
        } else {
            let _ = writeln!(out, "{}\n", items.join("\n"));
        }
    }
    if h.kind == TimelineKind::Gameday {
        gameday_sections(timeline, context, &mut out);
    }
    for section in ["What went well", "What went wrong", "Where we got lucky"] {
        let _ = writeln!(out, "## {section}\n\n- \n");
    }
    commands_section(timeline, &mut out);
    follow_ups_section(timeline, context, &mut out);
    // File text in markdown: controls shown, character references kept as text.
    crate::sanitize::safe_markdown(&out)
}

/// Every runbook step run from the viewer (`action` events with a log): when, the command, its
/// exit code and its log.
fn commands_section(timeline: &Timeline, out: &mut String) {
    let start = timeline.started();
    let runs: Vec<String> = timeline
        .events
        .iter()
        .filter(|e| e.known_kind() == Some(EventKind::Action))
        .filter_map(|e| {
            let log = e.extra.get("log")?.as_str()?;
            let at = since_start(start, e);
            let (command, exit) = e
                .text
                .strip_prefix("ran `")
                .and_then(|rest| rest.rsplit_once("` → exit "))
                .unwrap_or((e.text.as_str(), ""));
            Some(format!(
                "| {at} | {} | {} | {} |",
                code(command),
                cell(exit),
                code(log)
            ))
        })
        .collect();
    if !runs.is_empty() {
        let _ = writeln!(
            *out,
            "## Commands run\n\n| elapsed | command | exit | log |\n|---|---|---|---|\n{}\n",
            runs.join("\n")
        );
    }
}

/// The follow-ups logged, as a table: what, who, by when, the ticket (a link when
/// `[tickets] url` is set) and where `--write-back` puts it.
fn follow_ups_section(timeline: &Timeline, context: &Context, out: &mut String) {
    out.push_str("## Follow-ups\n\n");
    let (placed, lost) = timeline.follow_ups(&context.path);
    if placed.is_empty() && lost.is_empty() {
        out.push_str(
            "_None logged (`f` in the view, or `log --kind follow-up --owner … --due …`)._\n\n",
        );
        return;
    }
    out.push_str("| follow-up | owner | due | ticket | goes to |\n|---|---|---|---|---|\n");
    let rows = placed
        .iter()
        .map(|p| (&p.follow_up, p.target()))
        .collect::<Vec<_>>();
    for (f, target) in rows {
        let ticket = match context.tickets.link(&f.ticket) {
            Some(url) => format!("[{}]({url})", cell(&f.ticket)),
            None => cell(&f.ticket),
        };
        let _ = writeln!(
            *out,
            "| {} | {} | {} | {ticket} | {} |",
            cell(&f.text),
            cell(&f.owner),
            f.due.map(|d| d.to_string()).unwrap_or_default(),
            code(&target)
        );
    }
    for text in &lost {
        let _ = writeln!(*out, "| {} | | | | nowhere: names no risk |", cell(text));
    }
    out.push('\n');
}

/// The times to detect, mitigate and resolve (and from the impact's start, when logged).
fn times_section(timeline: &Timeline, out: &mut String) {
    let start = timeline.started();
    out.push_str("## Times\n\n| | elapsed |\n|---|---|\n");
    let impact = timeline.impact_start();
    if let (Some(i), Some(s)) = (impact, start) {
        let _ = writeln!(
            *out,
            "| impact started | {} |",
            elapsed(i.duration_since(s).as_secs())
        );
        let detect = timeline.seconds_from_impact(EventKind::Detected);
        let _ = writeln!(
            *out,
            "| to detect, from the impact | {} |",
            detect.map_or_else(
                || "not recorded".to_owned(),
                |s| format!("{} ({})", elapsed(s).replace("T+", ""), minutes(s))
            )
        );
    }
    for (label, kind) in [
        ("to detect", EventKind::Detected),
        ("to mitigate", EventKind::Mitigated),
        ("to resolve", EventKind::Resolved),
    ] {
        let shown = timeline.seconds_to(kind).map_or_else(
            || "not recorded".to_owned(),
            |s| format!("{} ({})", elapsed(s), minutes(s)),
        );
        let _ = writeln!(*out, "| {label} | {shown} |");
    }
    out.push('\n');
}

/// Each change of lead with the hand-off summary the new lead was given.
fn handoffs(timeline: &Timeline, out: &mut String) {
    let start = timeline.started();
    let changes: Vec<String> = timeline
        .events
        .iter()
        .filter(|e| {
            e.known_kind() == Some(EventKind::RoleChanged) && e.role.as_deref() == Some("lead")
        })
        .map(|e| {
            let at = since_start(start, e);
            let summary = e
                .extra
                .get("handoff")
                .and_then(|v| v.as_str())
                .map_or_else(|| "_no hand-off summary_".to_owned(), cell);
            format!("- {at} lead → {}: {summary}", cell(&e.text))
        })
        .collect();
    if !changes.is_empty() {
        let _ = writeln!(*out, "## Hand-offs\n\n{}\n", changes.join("\n"));
    }
}

/// Who held which role, on one line.
fn roles_line(timeline: &Timeline, out: &mut String) {
    let roles = &timeline.header.roles;
    let mut role_lines = Vec::new();
    let lead = timeline.lead();
    if !lead.is_empty() {
        role_lines.push(format!("lead: {}", cell(&lead)));
    }
    if !roles.engineers.is_empty() {
        role_lines.push(format!("engineers: {}", cell(&roles.engineers.join(", "))));
    }
    if !roles.communications.is_empty() {
        role_lines.push(format!("communications: {}", cell(&roles.communications)));
    }
    if !roles.scribe.is_empty() {
        role_lines.push(format!("scribe: {}", cell(&roles.scribe)));
    }
    if !role_lines.is_empty() {
        let _ = writeln!(*out, "Roles: {}.\n", role_lines.join("; "));
    }
}

/// An event's time since the start, `T+mm:ss` (`—` when either time does not read).
fn since_start(start: Option<jiff::Timestamp>, event: &crate::model::timeline::Event) -> String {
    match (start, event.timestamp()) {
        (Some(s), Some(t)) => elapsed(t.duration_since(s).as_secs()),
        _ => "—".to_owned(),
    }
}

/// Every event, in order, with its time since the start.
fn timeline_section(timeline: &Timeline, out: &mut String) {
    let start = timeline.started();
    out.push_str("## Timeline\n\n| time | elapsed | kind | by | what |\n|---|---|---|---|---|\n");
    // In time order: an event logged after the fact (`--at`) reads where it happened.
    let mut events: Vec<&crate::model::timeline::Event> = timeline.events.iter().collect();
    events.sort_by_key(|e| e.timestamp());
    for event in events {
        let at = since_start(start, event);
        let kind = event
            .known_kind()
            .map_or_else(|| format!("note ({})", event.kind), |k| k.name().to_owned());
        let mut what = event.text.clone();
        if let Some(step) = &event.step {
            what = format!("{step} ({})", event.runbook.as_deref().unwrap_or(""));
        }
        if let Some(severity) = event.severity {
            what = format!("severity {severity}. {what}");
        }
        let _ = writeln!(
            *out,
            "| {} | {at} | {kind} | {} | {} |",
            cell(&whole_seconds(&event.at)),
            cell(event.by.as_deref().unwrap_or("")),
            cell(what.trim())
        );
    }
    out.push('\n');
}

/// The runbooks' steps, done and not done, by heading.
fn steps_section(timeline: &Timeline, context: &Context, out: &mut String) {
    out.push_str("## Runbook steps\n\n");
    let done = timeline.steps_done();
    if context.runbooks.is_empty() && done.is_empty() {
        out.push_str("_No runbook in play._\n\n");
        return;
    }
    for (path, steps) in &context.runbooks {
        let ticked = steps
            .iter()
            .filter(|s| done.iter().any(|(p, t)| p == path && *t == s.text))
            .count();
        let _ = writeln!(
            out,
            "### {} — {ticked} of {} done\n",
            code(path),
            steps.len()
        );
        let mut heading = None;
        for step in steps {
            if heading != Some(&step.heading) && !step.heading.is_empty() {
                if heading.is_some() {
                    out.push('\n');
                }
                let _ = writeln!(out, "{}:\n", cell(&step.heading));
                heading = Some(&step.heading);
            }
            let mark = if done.iter().any(|(p, t)| p == path && *t == step.text) {
                "x"
            } else {
                " "
            };
            let _ = writeln!(out, "- [{mark}] {}", cell(&step.text));
        }
        out.push('\n');
    }
    // Steps ticked in runbooks not in play (or changed since) still count.
    let other: Vec<&(String, String)> = done
        .iter()
        .filter(|(p, t)| {
            !context
                .runbooks
                .iter()
                .any(|(path, steps)| path == p && steps.iter().any(|s| s.text == *t))
        })
        .collect();
    if !other.is_empty() {
        out.push_str("Also done:\n\n");
        for (path, text) in other {
            let _ = writeln!(out, "- [x] {} ({})", cell(text), code(path));
        }
        out.push('\n');
    }
}

/// A game day's questions, whether the runbook worked, and measured times against estimates.
fn gameday_sections(timeline: &Timeline, context: &Context, out: &mut String) {
    out.push_str("## Questions raised\n\n");
    let questions: Vec<&str> = timeline
        .events
        .iter()
        .filter(|e| e.known_kind() == Some(EventKind::Question))
        .map(|e| e.text.as_str())
        .collect();
    if questions.is_empty() {
        out.push_str("_None._\n\n");
    } else {
        for q in &questions {
            let _ = writeln!(out, "- {}", cell(q));
        }
        out.push('\n');
    }
    let (done, total) = context.steps_done(timeline).unwrap_or((0, 0));
    let _ = writeln!(
        out,
        "## Did the runbook work?\n\n{done} of {total} steps done. _Say what was missing or wrong._\n"
    );
    out.push_str("## Measured against the register\n\nOne rehearsal is a measurement, not a new estimate: `--write-back` records it in the risk's `rehearsals` and keeps the estimate (`--replace-estimate` replaces it).\n\n| risk | detect: measured | detect: estimate | repair: measured | repair: estimate | rehearsals recorded before |\n|---|---|---|---|---|---|\n");
    let (detect, repair) = timeline.measured_seconds();
    let shown = |s: Option<i64>| s.map_or_else(|| "—".to_owned(), minutes);
    let estimate = |n: Option<Num>| n.map_or_else(|| "—".to_owned(), |n| format!("{n} min"));
    for (reference, reg) in &context.risks {
        let id = reference.rsplit('/').next().unwrap_or(reference);
        let Some(risk) = reg.risks.iter().find(|r| r.id == id) else {
            continue;
        };
        let before: Vec<String> = risk
            .rehearsals
            .iter()
            .filter(|r| r.timeline.is_empty() || r.timeline != context.path)
            .map(|r| cell(&r.summary()))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            code(reference),
            shown(detect),
            estimate(risk.estimate.ettd_minutes),
            shown(repair),
            estimate(risk.estimate.ettr_minutes),
            if before.is_empty() {
                "none".to_owned()
            } else {
                before.join("<br>")
            }
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_to_the_second() {
        assert_eq!(
            whole_seconds("2026-11-24T04:58:05.868530697+00:00"),
            "2026-11-24T04:58:05+00:00"
        );
        assert_eq!(
            whole_seconds("2026-11-24T04:58:05.5Z"),
            "2026-11-24T04:58:05Z"
        );
        assert_eq!(
            whole_seconds("2026-11-24T04:58:05+01:00"),
            "2026-11-24T04:58:05+01:00"
        );
        assert_eq!(whole_seconds("not a time"), "not a time");
    }
}
