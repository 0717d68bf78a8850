//! Running a runbook's shell step from the viewer (`x`): the shell block on screen (chosen from a list when several are),
//! the variables it uses that are unset asked for one at a time, a confirmation showing the
//! whole command, where it runs and where its output is logged; then the terminal is handed
//! to `$SHELL -c` (the event loop does it, as for `$EDITOR`) and, during an incident or game
//! day, the timeline records an `action` with the exit code, the log and the output's end.

use super::{App, Overlay, Pending};
use crate::editor::TextInput;
use crate::effects::TerminalRequest;
use crate::model::timeline::{Event, EventKind};
use crate::runbook::shell;
use std::path::PathBuf;

/// A step about to run, with everything the run needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStep {
    pub command: String,
    /// Where it runs: the workspace's root.
    pub cwd: PathBuf,
    /// Variables the person gave values for (they were unset).
    pub vars: Vec<(String, String)>,
    /// The log file (absolute, and workspace-relative), during an open timeline.
    pub log: Option<(PathBuf, String)>,
    /// The runbook it came from (workspace-relative).
    pub runbook: String,
}

/// What a run came to: its exit code (`None` when killed by a signal), and the last lines of
/// its output; or why it could not start.
pub type Ran = Result<(Option<i32>, String), String>;

impl App {
    /// `x` in the viewer: the first shell step on screen, after its unset variables and a
    /// confirmation.
    pub(super) fn run_step(&mut self) {
        let Some(viewer) = self.viewer.as_ref() else {
            return;
        };
        let bottom = viewer.scroll + viewer.height;
        let mut steps: Vec<String> = viewer
            .doc
            .code_blocks
            .iter()
            .filter(|b| b.runnable && b.last_line >= viewer.scroll && b.first_line < bottom)
            .map(|b| shell::command(&b.lang, &b.text))
            .collect();
        let runbook = viewer.path.clone();
        // Said before any choice: with running off, choosing among the steps leads nowhere.
        if !self.may_run(&runbook) {
            return;
        }
        match steps.len() {
            0 => self.say("no shell step on screen (a ```sh, bash, shell, console or zsh block)"),
            1 => self.run_shell_step(steps.remove(0), runbook),
            // Several: the person says which, rather than faultline guessing.
            _ => {
                self.overlay = Some(Overlay::RunChoice {
                    runbook,
                    steps,
                    selected: 0,
                });
            }
        }
    }

    /// The chooser of several shell steps on screen: one chosen with ↑↓ and Enter (or its
    /// number) goes on to its variables and confirmation; Esc runs nothing.
    pub(super) fn answer_run_choice(
        &mut self,
        runbook: String,
        mut steps: Vec<String>,
        selected: usize,
        action: crate::action::Action,
    ) -> Option<Overlay> {
        use crate::action::Action;
        match action {
            Action::Back => {
                self.say("not run");
                None
            }
            Action::Select => {
                let command = steps.swap_remove(selected.min(steps.len() - 1));
                self.run_shell_step(command, runbook);
                None
            }
            a => Some(Overlay::RunChoice {
                selected: super::move_by(selected, a, steps.len()),
                runbook,
                steps,
            }),
        }
    }

    /// Whether steps of the runbook at `runbook` may run: running is on and the runbook is inside
    /// the workspace; if not, says why.
    fn may_run(&mut self, runbook: &str) -> bool {
        if let Err(reason) = &self.run {
            let reason = reason.clone();
            self.say(reason);
            return false;
        }
        if runbook.starts_with("..") || std::path::Path::new(runbook).is_absolute() {
            self.say("this runbook is outside the workspace: its steps are never run");
            return false;
        }
        true
    }

    /// Runs `command` from the runbook at `runbook` (workspace-relative), after the checks:
    /// running is on, the runbook is inside the workspace, the command is not empty; then its
    /// unset variables and the confirmation.
    pub(super) fn run_shell_step(&mut self, command: String, runbook: String) {
        if !self.may_run(&runbook) {
            return;
        }
        if command.trim().is_empty() {
            self.say("this block has no command to run");
            return;
        }
        let missing: Vec<String> = shell::variables(&command)
            .into_iter()
            .filter(|v| std::env::var_os(v).is_none())
            .collect();
        let step = RunStep {
            log: self.step_log(&command),
            command,
            cwd: self.ws.root.clone(),
            vars: Vec::new(),
            runbook,
        };
        self.ask_run(step, missing);
    }

    /// The next unset variable to ask for, or the confirmation once all are given.
    fn ask_run(&mut self, step: RunStep, mut missing: Vec<String>) {
        if missing.is_empty() {
            self.confirm_run(step);
            return;
        }
        let name = missing.remove(0);
        self.overlay = Some(Overlay::RunVars {
            step: Box::new(step),
            name,
            rest: missing,
            input: TextInput::new("", false),
        });
    }

    /// A variable's value typed (Enter) or the run dropped (Esc).
    pub(super) fn answer_run_var(
        &mut self,
        step: RunStep,
        name: String,
        rest: Vec<String>,
        value: &str,
    ) {
        let mut step = step;
        step.vars.push((name, value.to_owned()));
        self.ask_run(step, rest);
    }

    fn confirm_run(&mut self, step: RunStep) {
        let vars = if step.vars.is_empty() {
            String::new()
        } else {
            format!(
                " with {}",
                step.vars
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        let record = match &step.log {
            Some((_, rel)) => format!("Its output is logged to {rel} and the timeline records it."),
            None => "No incident or game day is open: nothing is recorded.".to_owned(),
        };
        self.overlay = Some(Overlay::Confirm {
            question: format!(
                "Run this in {}{vars}?\n\n{}\n\n{record}",
                crate::sanitize::QuotedPath(&step.cwd),
                step.command
            ),
            pending: Pending::RunStep(Box::new(step)),
        });
    }

    /// Confirmed: the event loop hands the terminal over.
    pub(super) fn start_run(&mut self, step: RunStep) {
        self.terminal_requests
            .push(TerminalRequest::Run(Box::new(step)));
    }

    /// Where a step's output is logged during an open timeline:
    /// `incidents/<timeline>/<T+mm:ss>-<slug>.log`.
    fn step_log(&self, command: &str) -> Option<(PathBuf, String)> {
        let state = self.timeline.as_deref()?;
        if state.timeline.is_closed() {
            return None;
        }
        let since = state
            .timeline
            .started()
            .map_or(0, |s| crate::clock::now().duration_since(s).as_secs());
        let dir = state.path.with_extension("");
        let rel = dir.join(format!(
            "{}-{}.log",
            crate::clock::elapsed(since),
            shell::slug(command)
        ));
        let rel = rel.to_string_lossy().replace('\\', "/");
        Some((self.ws.root.join(&rel), rel))
    }

    /// Back from a run: said, and during an open timeline recorded as an `action` with the
    /// exit code, the log and the output's last lines.
    pub fn step_ran(&mut self, step: &RunStep, ran: &Ran) {
        let first = step.command.lines().next().unwrap_or("");
        let (said, exit) = match ran {
            Err(why) => (format!("not run: {why}"), None),
            Ok((Some(code), _)) => (
                format!("ran `{first}` → exit {code}"),
                Some(code.to_string()),
            ),
            Ok((None, _)) => (
                format!("ran `{first}` → killed by a signal"),
                Some("signal".to_owned()),
            ),
        };
        let recorded = match (ran, &step.log, self.timeline.as_deref()) {
            (Ok((_, tail)), Some((_, rel)), Some(_)) => {
                let mut event = Event::new(
                    crate::clock::rfc3339(crate::clock::now()),
                    EventKind::Action,
                    format!("ran `{}` → exit {}", step.command, exit.unwrap_or_default()),
                );
                event.runbook = Some(step.runbook.clone());
                event.extra.insert("log".into(), rel.clone().into());
                event.extra.insert("output".into(), tail.clone().into());
                self.append_event(event);
                true
            }
            _ => false,
        };
        self.say(if recorded {
            format!("{said}; recorded in the timeline")
        } else if ran.is_ok() {
            format!("{said}; no incident or game day open: nothing recorded")
        } else {
            said
        });
    }
}
