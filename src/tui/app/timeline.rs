//! The game day / incident view's state and keys: the risk's runbook steps as a checklist to
//! tick, the timeline beside it (or one key away on a narrow screen), an input line for quick
//! event kinds, single keys for detected / mitigated / resolved and severity, and a game day's
//! facilitator card. Recording goes through an effect: the event is on disk (fsync'd) before
//! the status line says so.

use super::{App, View, edit_text};
use crate::action::Action;
use crate::editor::TextInput;
use crate::effects::Effect;
use crate::model::timeline::{Event, EventKind, Timeline, TimelineKind};
use std::path::PathBuf;

pub use crate::timeline::{Card, Checklist};

/// The open timeline.
pub struct TimelineState {
    /// Workspace-relative path of the file.
    pub path: PathBuf,
    pub timeline: Timeline,
    /// Lines the file had when last read, to notice appends from another process.
    pub bytes: u64,
    pub problems: Vec<crate::finding::Finding>,
    pub checklist: Checklist,
    /// The selected step.
    pub step: usize,
    /// The event being typed, with its kind.
    pub input: Option<(EventKind, TextInput)>,
    /// On a narrow screen: the timeline instead of the checklist.
    pub show_events: bool,
    pub card: Option<Card>,
    pub revealed: bool,
    /// The timeline read whole (every event wrapped, none cut), with the selected event.
    pub reading: Option<usize>,
    /// The input line holds text a previous session typed and never recorded.
    pub restored: bool,
    /// The alerts in play, as Alertmanager last answered (`None`: not watched).
    pub alerts: Option<super::alerts::AlertWatch>,
}

impl TimelineState {
    /// The view's state for a timeline just opened, at its first step.
    pub fn new(opened: crate::timeline::Opened) -> TimelineState {
        TimelineState {
            path: opened.path,
            timeline: opened.loaded.timeline,
            bytes: opened.bytes,
            problems: opened.loaded.problems,
            checklist: opened.checklist,
            step: 0,
            input: None,
            show_events: false,
            card: opened.card,
            revealed: false,
            reading: None,
            restored: false,
            alerts: None,
        }
    }

    /// For each checklist step, whether the timeline has it done: one pass over the events.
    pub fn done(&self) -> Vec<bool> {
        let runbook = self.checklist.runbook.as_deref().unwrap_or_default();
        self.timeline.ticked(
            runbook,
            self.checklist.steps.iter().map(|s| s.text.as_str()),
        )
    }
}

/// The quick kinds the input line offers, with the key that opens it.
pub const QUICK: [(EventKind, Action); 8] = [
    (EventKind::Hypothesis, Action::LogHypothesis),
    (EventKind::Action, Action::LogAction),
    (EventKind::Observation, Action::LogObservation),
    (EventKind::Decision, Action::LogDecision),
    (EventKind::Question, Action::LogQuestion),
    (EventKind::Note, Action::LogNote),
    (EventKind::FollowUp, Action::LogFollowUp),
    (EventKind::ImpactStarted, Action::LogImpact),
];

impl App {
    /// Shows a timeline (loaded by the caller) in the game day / incident view. An incident
    /// makes the register read-only.
    pub fn open_timeline(&mut self, state: TimelineState) {
        if state.timeline.header.kind == TimelineKind::Incident {
            self.read_only = true;
        }
        self.timeline = Some(Box::new(state));
        self.view = View::Timeline;
    }

    pub(super) fn update_timeline(&mut self, action: Action) {
        let Some(state) = self.timeline.as_mut() else {
            self.view = View::Register;
            return;
        };
        if let Some((kind, input)) = state.input.take() {
            self.update_timeline_input(kind, input, action);
            return;
        }
        if let Some(&(kind, _)) = QUICK.iter().find(|(_, a)| *a == action) {
            state.input = Some((kind, TextInput::new("", false)));
            self.status = None;
            return;
        }
        if let Some(selected) = state.reading {
            self.update_reading(selected, action);
            return;
        }
        let steps = state.checklist.steps.len();
        match action {
            a if a.is_movement() => state.step = super::move_by(state.step, action, steps),
            Action::TickStep => self.tick_step(),
            // The selected step's shell command, as `x` in the viewer runs one.
            Action::RunStep => {
                let step = state.checklist.steps.get(state.step);
                match (
                    step.and_then(|s| s.command.clone()),
                    state.checklist.runbook.clone(),
                ) {
                    (Some(command), Some(runbook)) => self.run_shell_step(command, runbook),
                    _ => self.say("this step has no shell command to run"),
                }
            }
            Action::MarkDetected => self.mark(EventKind::Detected, "detected"),
            Action::MarkMitigated => self.mark(EventKind::Mitigated, "mitigated"),
            Action::MarkResolved => self.mark(EventKind::Resolved, "resolved"),
            Action::SeverityUp | Action::SeverityDown => {
                let now = state.timeline.severity();
                let next = now.step(action == Action::SeverityUp);
                if next == now {
                    self.say(format!("severity is already {now}"));
                } else {
                    self.record_event(
                        EventKind::SeverityChanged,
                        format!("{now} → {next}"),
                        |e| e.severity = Some(next),
                    );
                }
            }
            Action::ToggleTimeline => state.show_events = !state.show_events,
            // The runbook in the viewer, at the selected step's section: its shell steps run
            // from there (`x`) and are recorded here.
            Action::OpenRunbook => match state.checklist.runbook.clone() {
                Some(path) => {
                    let anchor = state
                        .checklist
                        .steps
                        .get(state.step)
                        .map(|s| s.anchor.clone())
                        .or_else(|| state.checklist.anchor.clone());
                    self.open_runbook(&path, anchor.as_deref());
                }
                None => self.say("the risk in play links no runbook"),
            },
            // The timeline read whole, from the newest event.
            Action::Select => {
                if state.timeline.events.is_empty() {
                    self.say("no events yet");
                } else {
                    state.reading = Some(state.timeline.events.len() - 1);
                }
            }
            Action::Reveal => {
                state.revealed = !state.revealed;
                let said = if state.revealed {
                    "facilitator card: everything shown"
                } else {
                    "facilitator card: only what responders would see"
                };
                self.say(said);
            }
            Action::Quit => self.request_quit(),
            Action::Help => self.open_help(),
            Action::Back => {
                let quit = self.key_hint(Action::Quit);
                self.say(format!("{quit} quits; the timeline is on disk"));
            }
            _ => {}
        }
    }

    /// A key while an event is typed on the input line: Enter records it, Esc drops it, the
    /// rest edit it (and the draft is journaled).
    fn update_timeline_input(&mut self, kind: EventKind, mut input: TextInput, action: Action) {
        let Some(state) = self.timeline.as_mut() else {
            return;
        };
        if matches!(action, Action::EditCommit | Action::EditCancel) {
            state.restored = false;
        }
        match action {
            Action::EditCommit => {
                let text = input.text().trim().to_owned();
                if kind == EventKind::ImpactStarted {
                    self.record_impact(&text, input);
                } else if text.is_empty() {
                    self.say("nothing typed: nothing recorded");
                } else if kind == EventKind::FollowUp {
                    self.record_follow_up(&text, input);
                } else {
                    self.record_event(kind, text, |_| {});
                }
            }
            Action::EditCancel => {
                self.say("not recorded");
                self.journal_draft();
            }
            other => {
                let old = input.text().to_owned();
                edit_text(&mut input, other);
                let changed = old != input.text();
                state.input = Some((kind, input));
                if changed {
                    self.journal_draft();
                }
            }
        }
    }

    /// A key while the timeline is read whole: move between events, or go back.
    fn update_reading(&mut self, selected: usize, action: Action) {
        let Some(state) = self.timeline.as_mut() else {
            return;
        };
        let events = state.timeline.events.len();
        match action {
            a if a.is_movement() => {
                state.reading = Some(super::move_by(selected, action, events));
            }
            Action::Select | Action::Back | Action::ToggleTimeline => state.reading = None,
            // A step's output, in the viewer.
            Action::OpenLog => {
                let log = state.timeline.events.get(selected).and_then(|e| {
                    e.extra
                        .get("log")
                        .and_then(|v| v.as_str())
                        .map(str::to_owned)
                });
                match log {
                    Some(log) if !log.starts_with("..") && !log.starts_with('/') => {
                        self.open_runbook(&log, None);
                    }
                    _ => self.say("this event has no output log"),
                }
            }
            Action::Quit => self.request_quit(),
            Action::Help => self.open_help(),
            _ => {}
        }
    }

    /// detected / mitigated / resolved, once each (a second press says when it was).
    fn mark(&mut self, kind: EventKind, what: &str) {
        let Some(state) = self.timeline.as_ref() else {
            return;
        };
        if let Some(at) = state.timeline.seconds_to(kind) {
            self.say(format!("already {what} at {}", crate::clock::elapsed(at)));
            return;
        }
        self.record_event(kind, String::new(), |_| {});
    }

    /// Ticks the selected step: appends `step-done` with the runbook, heading and step.
    fn tick_step(&mut self) {
        let Some(state) = self.timeline.as_ref() else {
            return;
        };
        let Some(step) = state.checklist.steps.get(state.step).cloned() else {
            self.say("no runbook steps to tick");
            return;
        };
        if state.done().get(state.step).copied().unwrap_or(false) {
            self.say("already done (the timeline is append-only)");
            return;
        }
        let runbook = state.checklist.runbook.clone();
        self.record_event(EventKind::StepDone, String::new(), |e| {
            e.runbook = runbook;
            e.anchor = Some(step.anchor.clone());
            e.step = Some(step.text.clone());
        });
        // The selection stays on the step just ticked (as lazygit's Space stages and stays):
        // moving on is the person's j, so `j` then Space never skips a step.
    }

    /// A timeline just resolved: offer to record it in the register, as one change the
    /// confirmation lists field by field: a game day's rehearsal (the estimate kept unless the
    /// facilitator says `e`), and the follow-ups logged, each on its risk or as a new risk.
    pub fn offer_write_back(&mut self) {
        let Some(state) = self.timeline.as_ref() else {
            return;
        };
        if self.read_only_asked {
            return;
        }
        let done = state.done();
        let steps = (!done.is_empty()).then(|| (done.iter().filter(|d| **d).count(), done.len()));
        let path = state.path.to_string_lossy().replace('\\', "/");
        let write_back = state.timeline.write_back(&path, steps);
        let (follow_ups, lost) = state.timeline.follow_ups(&path);
        let risks: Vec<(PathBuf, String)> = state
            .timeline
            .header
            .risks
            .iter()
            .filter_map(|r| {
                let (component, id) = r.split_once('/')?;
                Some((super::changes::register_path(component), id.to_owned()))
            })
            .collect();
        let mut described: Vec<String> = Vec::new();
        if let Some(wb) = &write_back {
            for (path, id) in &risks {
                let Some(risk) = self
                    .current(path)
                    .and_then(|r| r.risks.iter().find(|r| r.id == *id))
                else {
                    continue;
                };
                let component = path.file_stem().unwrap_or_default().to_string_lossy();
                described.push(format!("{component}/{id}: {}", wb.describe(risk, false)));
            }
        }
        for p in &follow_ups {
            described.push(format!(
                "{}: follow-up added ({})",
                p.target(),
                p.follow_up.summary()
            ));
        }
        for text in &lost {
            described.push(format!("not placed (names no risk, none in play): {text}"));
        }
        if described.is_empty() {
            return;
        }
        let key = |action: Action| {
            self.keymap
                .key_for(crate::keymap::Context::Confirm, action)
                .map_or_else(|| format!("{action:?}"), |k| k.to_string())
        };
        let (yes, replace) = (key(Action::Yes), key(Action::ReplaceEstimate));
        let what = state.timeline.header.kind.name();
        let estimate = if write_back.is_some() {
            format!(
                "; {yes} records it and keeps the estimate, {replace} also replaces the estimate with the measured minutes"
            )
        } else {
            String::new()
        };
        self.overlay = Some(super::Overlay::Confirm {
            question: format!(
                "The {what} is over. Record it in the register? {}. (One edit you can undo{estimate}.)",
                described.join(". ")
            ),
            pending: super::Pending::WriteBack {
                risks,
                write_back,
                follow_ups,
            },
        });
    }

    /// Records a closed timeline: the rehearsal and the follow-ups, one undoable change over
    /// every register it touches, then saved like any edit.
    pub(super) fn write_back(
        &mut self,
        risks: &[(PathBuf, String)],
        write_back: Option<&crate::model::timeline::WriteBack>,
        follow_ups: &[crate::model::follow_up::Placed],
        replace_estimate: bool,
    ) {
        let mut files: Vec<crate::history::FileChange> = Vec::new();
        let mut edit = |app: &App,
                        path: PathBuf,
                        f: &dyn Fn(
            &crate::model::Register,
        ) -> Result<Option<crate::model::Register>, String>|
         -> Result<(), String> {
            let index = files.iter().position(|c| c.path == path);
            let before = match index {
                Some(i) => files[i].after.clone(),
                None => app.current(&path).cloned(),
            }
            .ok_or_else(|| app.unloadable(&path))?;
            let Some(after) = f(&before)? else {
                return Ok(());
            };
            match index {
                Some(i) => files[i].after = Some(after),
                None => files.push(crate::history::FileChange {
                    before: app.current(&path).cloned(),
                    after: Some(after),
                    path,
                }),
            }
            Ok(())
        };
        let mut result = Ok(());
        if let Some(wb) = write_back {
            for (path, id) in risks {
                result = result.and_then(|()| {
                    edit(self, path.clone(), &|reg| {
                        wb.apply(reg, id, replace_estimate)
                            .map(Some)
                            .ok_or_else(|| format!("no risk `{id}`"))
                    })
                });
            }
        }
        for p in follow_ups {
            let path = super::changes::register_path(&p.component);
            result = result.and_then(|()| edit(self, path, &|reg| p.apply(reg)));
        }
        if let Err(reason) = result {
            self.say(format!("nothing recorded: {reason}"));
            return;
        }
        if files.is_empty() {
            self.say("already recorded: nothing to add");
            return;
        }
        let what = match (write_back.is_some(), follow_ups.len()) {
            (true, 0) => "rehearsal".to_owned(),
            (true, n) => format!("rehearsal and {}", crate::finding::plural(n, "follow-up")),
            (false, n) => crate::finding::plural(n, "follow-up"),
        };
        self.record(crate::history::Change {
            label: format!("record the {what}"),
            files,
            ..crate::history::Change::default()
        });
        self.say(match (write_back.is_some(), replace_estimate) {
            (true, true) => format!("recorded: {what}, estimate replaced by the measurement"),
            (true, false) => format!("recorded: {what}, estimate kept"),
            (false, _) => format!("recorded: {what}"),
        });
        self.save(None, false);
    }

    /// When the impact began: now (nothing typed) or the `HH:MM` typed, on the start's date.
    fn record_impact(&mut self, typed: &str, input: TextInput) {
        let Some(state) = self.timeline.as_mut() else {
            return;
        };
        let at = if typed.is_empty() {
            Some(crate::clock::rfc3339(crate::clock::now()))
        } else {
            state.timeline.header.time_at(typed)
        };
        let Some(at) = at else {
            state.input = Some((EventKind::ImpactStarted, input));
            self.say(format!(
                "not recorded: `{typed}` is not HH:MM (or an RFC 3339 time)"
            ));
            return;
        };
        self.append_event(Event::new(at, EventKind::ImpactStarted, String::new()));
    }

    /// A follow-up typed as `text; owner: …; due: …; ticket: …; risk: …`: recorded with its
    /// fields; a line that does not read stays on the input line with the reason.
    fn record_follow_up(&mut self, typed: &str, input: TextInput) {
        let parsed = crate::form::follow_ups::parse(typed, self.today).and_then(|t| {
            if !t.risk.is_empty() && !crate::model::follow_up::is_risk_reference(&t.risk) {
                return Err(format!(
                    "risk: `{}` is not component/risk-id or a component",
                    t.risk
                ));
            }
            if t.text.is_empty() {
                return Err("say what is to be done before the `;`".to_owned());
            }
            Ok(t)
        });
        match parsed {
            Err(reason) => {
                if let Some(state) = self.timeline.as_mut() {
                    state.input = Some((EventKind::FollowUp, input));
                }
                self.say(format!("not recorded: {reason}"));
            }
            Ok(t) => {
                let some = |s: String| (!s.is_empty()).then_some(s);
                self.record_event(EventKind::FollowUp, t.text, |e| {
                    e.owner = some(t.owner);
                    e.due = t.due.map(|d| d.to_string());
                    e.ticket = some(t.ticket);
                    e.risk = some(t.risk);
                });
            }
        }
    }

    /// Queues one event for the disk; it shows once it is there.
    fn record_event(&mut self, kind: EventKind, text: String, fill: impl FnOnce(&mut Event)) {
        let mut event = Event::new(crate::clock::rfc3339(crate::clock::now()), kind, text);
        fill(&mut event);
        self.append_event(event);
    }

    /// Queues an event made elsewhere (its own time) for the open timeline's file.
    pub(super) fn append_event(&mut self, event: Event) {
        let Some(state) = self.timeline.as_ref() else {
            return;
        };
        self.effects.push_back(Effect::AppendEvent {
            path: state.path.clone(),
            event: Box::new(event),
        });
    }
}
