//! Running a runbook's shell step from the viewer: `x` on a `bash` block asks for the unset
//! variable, shows the whole command, and only `y` runs it; the output is logged raw beside
//! the timeline and the incident records an `action` with the exit code; a block marked
//! no-run, `--read-only` and `[run] enabled = false` offer nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

use faultline::app::{Overlay, Pending};
use faultline::effects::TerminalRequest;
use harness::{app_on_timeline, press, run_in, type_text};
use std::path::Path;

const RUNBOOK: &str = "# Backlog\n\n## Steps\n\n1. Check the lag\n\n```bash\necho \"lag on $RUN_STEP_CLUSTER\"; printf '\\033[31mred\\033[0m\\n'; touch ran-marker\n```\n";
const NO_RUN: &str =
    "# Backlog\n\n## Steps\n\n<!-- faultline: no-run -->\n```sh\ntouch ran-marker\n```\n";

fn workspace(runbook: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("registers")).unwrap();
    std::fs::create_dir_all(d.join("runbooks")).unwrap();
    std::fs::write(
        d.join("registers/queue.json"),
        r#"{
  "component": "queue",
  "title": "Queue",
  "risks": [
    {
      "id": "backlog",
      "title": "Backlog grows",
      "likelihood": "high",
      "impact": "high",
      "runbook": "runbooks/backlog.md#steps",
      "status": "open"
    }
  ]
}
"#,
    )
    .unwrap();
    std::fs::write(d.join("runbooks/backlog.md"), runbook).unwrap();
    let out = run_in(
        d,
        &["incident", "new", "--risk", "queue/backlog", "Backlog"],
        &[],
    );
    assert!(out.status.success());
    dir
}

/// The incident's view, then its runbook in the viewer, then `x`.
fn press_x(d: &Path) -> faultline::app::App {
    let mut app = app_on_timeline(d, "incidents");
    press(&mut app, "r");
    assert_eq!(app.view, faultline::app::View::Runbook);
    press(&mut app, "x");
    app
}

#[test]
fn a_step_runs_only_when_confirmed_and_the_incident_records_it() {
    let dir = workspace(RUNBOOK);
    let d = dir.path();
    let timeline_file = harness::only_file(d, "incidents");
    let mut app = press_x(d);
    let Some(Overlay::RunVars { name, .. }) = &app.overlay else {
        panic!("the unset variable is not asked for: {:?}", app.status);
    };
    assert_eq!(name, "RUN_STEP_CLUSTER");
    type_text(&mut app, "prod-eu");
    press(&mut app, "enter");
    let Some(Overlay::Confirm { question, pending }) = &app.overlay else {
        panic!("no confirmation: {:?}", app.status);
    };
    assert!(question.contains("touch ran-marker"), "{question}");
    assert!(question.contains("RUN_STEP_CLUSTER=prod-eu"), "{question}");
    assert!(matches!(pending, Pending::RunStep(_)));
    // Declining runs nothing.
    press(&mut app, "n");
    assert!(app.terminal_requests.is_empty());
    assert!(!d.join("ran-marker").exists());

    press(&mut app, "x");
    type_text(&mut app, "prod-eu");
    press(&mut app, "enter y");
    let Some(TerminalRequest::Run(step)) = app.terminal_requests.pop() else {
        panic!("nothing to run");
    };
    let ran = faultline::run::perform(&step, false);
    assert!(d.join("ran-marker").exists());
    let (_, rel) = step.log.clone().unwrap();
    assert!(
        rel.starts_with("incidents/") && rel.ends_with(".log"),
        "{rel}"
    );
    // The log has the output raw; the timeline, its end with the escapes made visible.
    let log = std::fs::read(d.join(&rel)).unwrap();
    assert!(
        log.windows(5).any(|w| w == b"\x1b[31m"),
        "{}",
        String::from_utf8_lossy(&log)
    );
    assert!(String::from_utf8_lossy(&log).contains("lag on prod-eu"));
    app.step_ran(&step, &ran);
    app.run_effects();
    let timeline = std::fs::read_to_string(&timeline_file).unwrap();
    let action = timeline
        .lines()
        .find(|l| l.contains("\"kind\":\"action\""))
        .unwrap_or_else(|| panic!("{timeline}"));
    let event: serde_json::Value = serde_json::from_str(action).unwrap();
    assert!(
        event["text"].as_str().unwrap().ends_with("→ exit 0"),
        "{action}"
    );
    assert_eq!(event["log"], rel.as_str());
    let output = event["output"].as_str().unwrap();
    assert!(
        output.contains("lag on prod-eu") && !output.contains('\u{1b}'),
        "{output}"
    );
    // The review lists every command run, with its exit code and its log.
    let report = String::from_utf8(run_in(d, &["incident", "report"], &[]).stdout).unwrap();
    let commands = &report[report
        .find("## Commands run")
        .expect("a Commands run section")..];
    let row = commands.lines().find(|l| l.contains(&rel)).unwrap();
    assert!(
        row.contains("touch ran-marker") && row.contains("| 0 |"),
        "{row}"
    );
    // `l` on the event, in the timeline read whole, shows the log with its escapes visible.
    app.view = faultline::app::View::Timeline;
    press(&mut app, "enter l");
    assert_eq!(
        app.viewer.as_ref().map(|v| v.path.as_str()),
        Some(rel.as_str())
    );
    let screen = harness::screen(&app);
    assert!(screen.contains("␛[31mred"), "{screen}");
}

#[test]
fn nothing_is_offered_when_running_is_off_or_the_block_says_no() {
    let dir = workspace(NO_RUN);
    let app = press_x(dir.path());
    assert!(app.overlay.is_none());
    assert!(
        app.status
            .as_deref()
            .unwrap_or("")
            .contains("no shell step on screen"),
        "{:?}",
        app.status
    );

    let dir = workspace(RUNBOOK);
    let mut app = app_on_timeline(dir.path(), "incidents");
    app.run = Err("--no-run: no step is run".into());
    press(&mut app, "r x");
    assert!(app.overlay.is_none());
    assert_eq!(app.status.as_deref(), Some("--no-run: no step is run"));

    std::fs::write(
        dir.path().join("faultline.toml"),
        "[run]\nenabled = false\n",
    )
    .unwrap();
    assert!(!faultline::monitoring::config::run_enabled(dir.path()));
    std::fs::write(dir.path().join("faultline.toml"), "[run]\nenabled = true\n").unwrap();
    assert!(faultline::monitoring::config::run_enabled(dir.path()));
}

#[test]
fn the_viewer_copies_the_section_and_its_link() {
    let dir = workspace(&format!("{RUNBOOK}\n## After\n\nDone.\n"));
    let mut app = app_on_timeline(dir.path(), "incidents");
    press(&mut app, "r Y");
    assert_eq!(
        app.terminal_requests.pop(),
        Some(TerminalRequest::Clipboard(
            "runbooks/backlog.md#steps".into()
        ))
    );
    press(&mut app, "s");
    let Some(TerminalRequest::Clipboard(text)) = app.terminal_requests.pop() else {
        panic!("nothing copied");
    };
    assert!(text.starts_with("## Steps\n"), "{text}");
    assert!(
        text.contains("```bash") && !text.contains("## After"),
        "{text}"
    );
    assert!(app.status.as_deref().unwrap_or("").starts_with("copied"));
}

#[test]
fn the_status_line_offers_forward_after_back_and_running_when_a_step_is_on_screen() {
    let dir = workspace(&format!(
        "{RUNBOOK}\nSee [after](#after).\n\n## After\n\nDone.\n"
    ));
    let mut app = app_on_timeline(dir.path(), "incidents");
    press(&mut app, "r");
    let bottom = harness::screen(&app);
    let status = bottom.lines().last().unwrap();
    assert!(
        status.contains("x run") && !status.contains("l forward"),
        "{status}"
    );
    press(&mut app, "tab enter backspace");
    app.status = None;
    let screen = harness::screen(&app);
    let status = screen.lines().last().unwrap();
    assert!(status.contains("l forward"), "{status}");
}

#[test]
fn the_incident_views_steps_run_their_shell_command_with_x() {
    let dir = workspace(
        "# Backlog\n\n## Steps\n\n1. Check the lag\n\n   ```bash\n   echo lag; touch ran-marker\n   ```\n\n2. Scale the consumers\n",
    );
    let mut app = app_on_timeline(dir.path(), "incidents");
    let screen = harness::screen(&app);
    assert!(
        screen.contains("$ echo lag; touch ran-marker · x runs"),
        "{screen}"
    );
    press(&mut app, "x");
    let Some(Overlay::Confirm { question, .. }) = &app.overlay else {
        panic!("no confirmation: {:?}", app.status);
    };
    assert!(
        question.contains("echo lag; touch ran-marker"),
        "{question}"
    );
    press(&mut app, "y");
    assert!(matches!(
        app.terminal_requests.last(),
        Some(TerminalRequest::Run(step)) if step.runbook == "runbooks/backlog.md"
    ));
    // The second step has no command; space still ticks.
    press(&mut app, "j x");
    assert_eq!(
        app.status.as_deref(),
        Some("this step has no shell command to run")
    );
}

#[test]
fn several_steps_on_screen_are_chosen_from_a_list_and_esc_runs_none() {
    let runbook = "# Backlog\n\n## Steps\n\n1. Look\n\n```sh\necho first-step\n```\n\n2. Drain\n\n```bash\necho second-step\necho and-more\n```\n";
    let dir = workspace(runbook);
    let d = dir.path();
    let mut app = press_x(d);
    let Some(Overlay::RunChoice {
        steps, selected, ..
    }) = &app.overlay
    else {
        panic!("no chooser: {:?}", app.status);
    };
    assert_eq!(steps.len(), 2);
    assert_eq!(*selected, 0);
    let screen = harness::screen(&app);
    assert!(screen.contains("1  $ echo first-step"), "{screen}");
    assert!(
        screen.contains("2  $ echo second-step  (+1 line)"),
        "{screen}"
    );
    assert!(screen.contains("Run which step?"), "{screen}");
    // Esc: nothing chosen, nothing run, the viewer as it was.
    press(&mut app, "esc");
    assert!(app.overlay.is_none());
    assert_eq!(app.status.as_deref(), Some("not run"));
    assert_eq!(app.view, faultline::app::View::Runbook);
    // The second, chosen: its confirmation shows its whole command, and only it.
    press(&mut app, "x j enter");
    let Some(Overlay::Confirm { question, .. }) = &app.overlay else {
        panic!("no confirmation: {:?}", app.status);
    };
    assert!(
        question.contains("echo second-step") && question.contains("echo and-more"),
        "{question}"
    );
    assert!(!question.contains("first-step"), "{question}");
    press(&mut app, "n");
    assert!(app.terminal_requests.is_empty(), "declined: nothing runs");
}

/// With running off, `x` says so at once, rather than offering a choice of steps that would
/// then run none.
#[test]
fn with_running_off_several_steps_offer_no_choice() {
    let runbook = "# Backlog\n\n## Steps\n\n1. Look\n\n```sh\necho first-step\n```\n\n2. Drain\n\n```bash\necho second-step\n```\n";
    let dir = workspace(runbook);
    let mut app = app_on_timeline(dir.path(), "incidents");
    app.run = Err("--no-run: no step is run".into());
    press(&mut app, "r x");
    assert!(app.overlay.is_none(), "no chooser");
    assert_eq!(app.status.as_deref(), Some("--no-run: no step is run"));
}
