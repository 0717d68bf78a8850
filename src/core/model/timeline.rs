//! A game day's or an incident's timeline: the header (line 1 of the file) and its events, with
//! the times derived from them (elapsed, to detect, to mitigate, to resolve). No IO here: the
//! append-only file lives in `crate::timeline`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimelineKind {
    Incident,
    Gameday,
}

impl TimelineKind {
    /// The folder its files live in.
    pub fn dir(self) -> &'static str {
        match self {
            TimelineKind::Incident => "incidents",
            TimelineKind::Gameday => "gamedays",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TimelineKind::Incident => "incident",
            TimelineKind::Gameday => "game day",
        }
    }

    /// As files write it (`gameday`).
    pub fn tag(self) -> &'static str {
        match self {
            TimelineKind::Incident => "incident",
            TimelineKind::Gameday => "gameday",
        }
    }
}

/// Severity `P1` (worst) to `P4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    P1,
    P2,
    P3,
    P4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::P1, Severity::P2, Severity::P3, Severity::P4];

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.to_string().eq_ignore_ascii_case(text.trim()))
    }

    /// One step worse (towards P1), or better.
    pub fn step(self, worse: bool) -> Severity {
        let i = Severity::ALL.iter().position(|s| *s == self).unwrap_or(0);
        let j = if worse {
            i.saturating_sub(1)
        } else {
            (i + 1).min(3)
        };
        Severity::ALL[j]
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::P1 => "P1",
            Severity::P2 => "P2",
            Severity::P3 => "P3",
            Severity::P4 => "P4",
        })
    }
}

/// Who does what; free-text names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub lead: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engineers: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub communications: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scribe: String,
}

/// Line 1 of a timeline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub kind: TimelineKind,
    pub title: String,
    /// RFC 3339 with offset.
    pub started: String,
    pub severity: Severity,
    #[serde(default)]
    pub roles: Roles,
    /// The risks in play, `component/risk-id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<String>,
    /// A drawn game day: why its risk was drawn (weight and chance), for the facilitator's card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drawn: Option<String>,
    /// A rehearsal run as an incident: kept out of incident statistics (game days always are).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drill: bool,
}

impl Header {
    /// A drill: a game day, or an incident marked `drill: true`.
    pub fn is_drill(&self) -> bool {
        self.drill || self.kind == TimelineKind::Gameday
    }

    /// A time given by a person: RFC 3339 as it is, or `HH:MM[:SS]` on the start's date in its
    /// offset (`09:12` for an impact noticed after the fact).
    pub fn time_at(&self, text: &str) -> Option<String> {
        let text = text.trim();
        if text.parse::<jiff::Timestamp>().is_ok() {
            return Some(text.to_owned());
        }
        let clock = if text.len() == 5 {
            format!("{text}:00")
        } else {
            text.to_owned()
        };
        let (date, offset) = (self.started.get(..10)?, self.started.get(19..)?);
        let shaped = clock.len() == 8 && clock.as_bytes()[2] == b':' && clock.as_bytes()[5] == b':';
        let full = format!("{date}T{clock}{offset}");
        (shaped && full.parse::<jiff::Timestamp>().is_ok()).then_some(full)
    }
}

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    Hypothesis,
    Action,
    Observation,
    Decision,
    StepDone,
    Detected,
    Mitigated,
    Resolved,
    /// Dropped without being resolved (`incident cancel`, `gameday cancel`): closed all the same.
    Abandoned,
    SeverityChanged,
    RoleChanged,
    Question,
    Note,
    /// Something someone will do after it: text, owner, due date, ticket, the risk it concerns.
    FollowUp,
    /// When the impact began (often logged after the fact, `--at`): time to detect counts
    /// from it when known.
    ImpactStarted,
}

impl EventKind {
    pub const ALL: [EventKind; 15] = [
        EventKind::Hypothesis,
        EventKind::Action,
        EventKind::Observation,
        EventKind::Decision,
        EventKind::StepDone,
        EventKind::Detected,
        EventKind::Mitigated,
        EventKind::Resolved,
        EventKind::Abandoned,
        EventKind::SeverityChanged,
        EventKind::RoleChanged,
        EventKind::Question,
        EventKind::Note,
        EventKind::FollowUp,
        EventKind::ImpactStarted,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EventKind::Hypothesis => "hypothesis",
            EventKind::Action => "action",
            EventKind::Observation => "observation",
            EventKind::Decision => "decision",
            EventKind::StepDone => "step-done",
            EventKind::Detected => "detected",
            EventKind::Mitigated => "mitigated",
            EventKind::Resolved => "resolved",
            EventKind::Abandoned => "abandoned",
            EventKind::SeverityChanged => "severity-changed",
            EventKind::RoleChanged => "role-changed",
            EventKind::Question => "question",
            EventKind::Note => "note",
            EventKind::FollowUp => "follow-up",
            EventKind::ImpactStarted => "impact-started",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == text)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One line after the header. The kind is kept as written, so a kind this version does not
/// know survives (it is shown as a note); fields beyond the known ones are kept too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// RFC 3339 with offset.
    pub at: String,
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// `step-done`: the runbook, its heading and the step's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// `severity-changed`: the new severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// `role-changed`: which role (`lead`, `communications`, …) now held by `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `follow-up`: who will do it, by when (`YYYY-MM-DD`), its ticket, and the risk it
    /// concerns (`component/risk-id`, or a component alone for a new risk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Event {
    pub fn new(at: String, kind: EventKind, text: impl Into<String>) -> Event {
        Event {
            at,
            kind: kind.name().to_owned(),
            text: text.into(),
            by: None,
            runbook: None,
            anchor: None,
            step: None,
            severity: None,
            role: None,
            owner: None,
            due: None,
            ticket: None,
            risk: None,
            extra: BTreeMap::new(),
        }
    }

    /// The kind, if this version knows it (else the event reads as a note).
    pub fn known_kind(&self) -> Option<EventKind> {
        EventKind::parse(&self.kind)
    }

    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        self.at.parse().ok()
    }
}

/// A header and its events, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub header: Header,
    pub events: Vec<Event>,
}

impl Timeline {
    pub fn started(&self) -> Option<jiff::Timestamp> {
        self.header.started.parse().ok()
    }

    /// The first event of a kind.
    pub fn first(&self, kind: EventKind) -> Option<&Event> {
        self.events.iter().find(|e| e.known_kind() == Some(kind))
    }

    /// Seconds from the start to the first event of `kind`.
    pub fn seconds_to(&self, kind: EventKind) -> Option<i64> {
        let start = self.started()?;
        let at = self.first(kind)?.timestamp()?;
        Some(at.duration_since(start).as_secs())
    }

    /// When the impact began, if logged (the earliest `impact-started`).
    pub fn impact_start(&self) -> Option<jiff::Timestamp> {
        self.events
            .iter()
            .filter(|e| e.known_kind() == Some(EventKind::ImpactStarted))
            .filter_map(Event::timestamp)
            .min()
    }

    /// Seconds to the first event of `kind` from the impact's start when known, else from the
    /// timeline's (never below zero).
    pub fn seconds_from_impact(&self, kind: EventKind) -> Option<i64> {
        let start = self.impact_start().or_else(|| self.started())?;
        let at = self.first(kind)?.timestamp()?;
        Some(at.duration_since(start).as_secs().max(0))
    }

    /// Measured seconds to detect (impact start, else start → detected) and to repair
    /// (detected → resolved, else mitigated).
    pub fn measured_seconds(&self) -> (Option<i64>, Option<i64>) {
        let detect = self.seconds_from_impact(EventKind::Detected);
        let detected = self.first(EventKind::Detected).and_then(Event::timestamp);
        let end = self
            .first(EventKind::Resolved)
            .or_else(|| self.first(EventKind::Mitigated))
            .and_then(Event::timestamp);
        let repair = match (detected, end) {
            (Some(d), Some(e)) if e >= d => Some(e.duration_since(d).as_secs()),
            _ => None,
        };
        (detect, repair)
    }

    pub fn is_resolved(&self) -> bool {
        self.first(EventKind::Resolved).is_some()
    }

    pub fn is_abandoned(&self) -> bool {
        self.first(EventKind::Abandoned).is_some()
    }

    /// Resolved or abandoned: no longer open, so it neither makes the register read-only nor is
    /// picked as the one to log to.
    pub fn is_closed(&self) -> bool {
        self.is_resolved() || self.is_abandoned()
    }

    /// The event that closed it (resolution, else abandonment), if any.
    pub fn closed_by(&self) -> Option<&Event> {
        self.first(EventKind::Resolved)
            .or_else(|| self.first(EventKind::Abandoned))
    }

    /// The severity now: the header's, changed by `severity-changed` events.
    pub fn severity(&self) -> Severity {
        self.events
            .iter()
            .filter(|e| e.known_kind() == Some(EventKind::SeverityChanged))
            .filter_map(|e| e.severity)
            .next_back()
            .unwrap_or(self.header.severity)
    }

    /// The lead now: the header's, changed by `role-changed` events for `lead`.
    pub fn lead(&self) -> String {
        self.events
            .iter()
            .filter(|e| {
                e.known_kind() == Some(EventKind::RoleChanged) && e.role.as_deref() == Some("lead")
            })
            .map(|e| e.text.clone())
            .next_back()
            .unwrap_or_else(|| self.header.roles.lead.clone())
    }

    /// Steps ticked: (runbook, step text) of every `step-done`.
    pub fn steps_done(&self) -> Vec<(String, String)> {
        self.events
            .iter()
            .filter(|e| e.known_kind() == Some(EventKind::StepDone))
            .map(|e| {
                (
                    e.runbook.clone().unwrap_or_default(),
                    e.step.clone().unwrap_or_else(|| e.text.clone()),
                )
            })
            .collect()
    }

    /// For each of `steps` (their texts) of the runbook at `runbook`, whether the timeline
    /// ticked it: the one rule the view's checklist and the review count by.
    pub fn ticked<'a>(&self, runbook: &str, steps: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
        let done = self.steps_done();
        steps
            .into_iter()
            .map(|text| done.iter().any(|(path, t)| path == runbook && t == text))
            .collect()
    }
}

/// What a game day writes back to the risks it rehearsed: the rehearsal's date, the questions
/// raised, and its measurements, kept as a rehearsal beside the estimate (which changes only
/// when the facilitator says so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteBack {
    pub date: jiff::civil::Date,
    pub kind: TimelineKind,
    pub questions: Vec<String>,
    pub detect_minutes: Option<i64>,
    pub repair_minutes: Option<i64>,
    /// Runbook steps ticked, of those in play (`None`: no runbook steps).
    pub steps: Option<(usize, usize)>,
    /// The timeline's workspace-relative path.
    pub timeline: String,
}

impl Timeline {
    /// The write-back a game day offers (`None`: not a game day, or no readable start). The
    /// date is the start's own, as the people there wrote it, on any machine. `steps`: the
    /// runbook steps ticked of those in play; `path`: the timeline's workspace-relative path.
    pub fn write_back(&self, path: &str, steps: Option<(usize, usize)>) -> Option<WriteBack> {
        if self.header.kind != TimelineKind::Gameday {
            return None;
        }
        let date = crate::model::Date::parse(self.header.started.get(..10)?)?.0;
        let questions = self
            .events
            .iter()
            .filter(|e| e.known_kind() == Some(EventKind::Question))
            .map(|e| e.text.trim().to_owned())
            .filter(|q| !q.is_empty())
            .collect();
        let (detect, repair) = self.measured_seconds();
        let up = |s: i64| (s + 59) / 60;
        Some(WriteBack {
            date,
            kind: self.header.kind,
            questions,
            detect_minutes: detect.map(up),
            repair_minutes: repair.map(up),
            steps: steps.filter(|&(_, total)| total > 0),
            timeline: path.to_owned(),
        })
    }
}

#[allow(clippy::cast_precision_loss)] // minutes and step counts of a game day
fn num(n: i64) -> crate::model::Num {
    crate::model::Num(n as f64)
}

impl WriteBack {
    /// The rehearsal entry it adds to a risk.
    pub fn rehearsal(&self) -> crate::model::Rehearsal {
        let count = |n: usize| num(i64::try_from(n).unwrap_or(i64::MAX));
        crate::model::Rehearsal {
            date: crate::model::Date(self.date),
            kind: self.kind,
            detect_minutes: self.detect_minutes.map(num),
            repair_minutes: self.repair_minutes.map(num),
            steps_done: self.steps.map(|(done, _)| count(done)),
            steps_total: self.steps.map(|(_, total)| count(total)),
            timeline: self.timeline.clone(),
        }
    }

    /// The risk `id` of `reg` with this rehearsal recorded (written again, not added twice, when
    /// the same timeline was recorded before); with `replace_estimate`, the measured minutes
    /// also become the estimate. `None` when there is no such risk.
    pub fn apply(
        &self,
        reg: &crate::model::Register,
        id: &str,
        replace_estimate: bool,
    ) -> Option<crate::model::Register> {
        let mut reg = reg.clone();
        let risk = reg.risks.iter_mut().find(|r| r.id == id)?;
        let date = crate::model::Date(self.date);
        if risk.last_rehearsed.is_none_or(|d| d < date) {
            risk.last_rehearsed = Some(date);
        }
        for q in &self.questions {
            if !risk.questions.contains(q) {
                risk.questions.push(q.clone());
            }
        }
        let entry = self.rehearsal();
        match risk
            .rehearsals
            .iter_mut()
            .find(|r| !r.timeline.is_empty() && r.timeline == entry.timeline)
        {
            Some(same) => *same = entry,
            None => risk.rehearsals.push(entry),
        }
        if replace_estimate {
            if let Some(m) = self.detect_minutes {
                risk.estimate.ettd_minutes = Some(num(m));
            }
            if let Some(m) = self.repair_minutes {
                risk.estimate.ettr_minutes = Some(num(m));
            }
        }
        Some(reg)
    }

    /// What it writes to `risk`, field by field (old → new), for the person who confirms it.
    pub fn describe(&self, risk: &crate::model::Risk, replace_estimate: bool) -> String {
        let date = crate::model::Date(self.date);
        let old_date = risk
            .last_rehearsed
            .map_or_else(|| "never".to_owned(), |d| d.to_string());
        let mut parts = vec![format!(
            "last_rehearsed {old_date} → {}",
            risk.last_rehearsed.filter(|d| *d > date).unwrap_or(date)
        )];
        parts.push(format!("rehearsal added ({})", self.rehearsal().summary()));
        let new_questions = self
            .questions
            .iter()
            .filter(|q| !risk.questions.contains(q))
            .count();
        if new_questions > 0 {
            parts.push(format!(
                "{} added",
                crate::finding::plural(new_questions, "question")
            ));
        }
        let shown =
            |n: Option<crate::model::Num>| n.map_or_else(|| "—".to_owned(), |n| n.to_string());
        let (ettd, ettr) = (risk.estimate.ettd_minutes, risk.estimate.ettr_minutes);
        if replace_estimate {
            let new = |m: Option<i64>, old| m.map(num).or(old);
            parts.push(format!(
                "estimate replaced: ettd_minutes {} → {}, ettr_minutes {} → {}",
                shown(ettd),
                shown(new(self.detect_minutes, ettd)),
                shown(ettr),
                shown(new(self.repair_minutes, ettr))
            ));
        } else {
            parts.push(format!(
                "estimate kept (ettd_minutes {}, ettr_minutes {})",
                shown(ettd),
                shown(ettr)
            ));
        }
        parts.join("; ")
    }
}

/// A file name's slug from a title, as risk ids are made: `Payments API down!` →
/// `payments-api-down` (`timeline` when the title has no letter or digit).
pub fn slug(title: &str) -> String {
    let name = crate::model::short_name(title);
    if name.is_empty() {
        "timeline".to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_keep_unknown_kinds_and_fields() {
        let line = r#"{"at":"2026-11-24T10:00:00+01:00","kind":"paged","text":"x","pager":"ops"}"#;
        let event: Event = serde_json::from_str(line).unwrap();
        assert_eq!(event.known_kind(), None);
        assert_eq!(event.extra["pager"], "ops");
        let back = serde_json::to_string(&event).unwrap();
        assert!(back.contains("\"pager\":\"ops\""), "{back}");
    }

    #[test]
    fn severity_steps_and_parses() {
        assert_eq!(Severity::P2.step(true), Severity::P1);
        assert_eq!(Severity::P1.step(true), Severity::P1);
        assert_eq!(Severity::P4.step(false), Severity::P4);
        assert_eq!(Severity::parse("p3"), Some(Severity::P3));
    }
}
