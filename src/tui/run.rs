//! Running a runbook's shell step with the terminal handed over: `$SHELL -c COMMAND` in the
//! workspace, its output shown as it comes (control sequences made visible, so a command
//! cannot drive the terminal) and copied raw to the log (append-only, fsync'd) when a timeline
//! is open; then the person reads the end and presses Enter to come back.

use crate::app::run::{Ran, RunStep};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

/// The most of the output's end kept for the timeline.
const TAIL_BYTES: usize = 4096;
/// Lines of it recorded.
const TAIL_LINES: usize = 5;

/// Runs the step (the terminal is the person's meanwhile); waits for Enter when `wait`.
pub fn perform(step: &RunStep, wait: bool) -> Ran {
    let shell = std::env::var("SHELL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "sh".to_owned());
    let log = match &step.log {
        None => None,
        Some((path, _)) => Some(Arc::new(Mutex::new(open_log(path)?))),
    };
    let mut screen = std::io::stdout();
    let _ = writeln!(
        screen,
        "\r\nfaultline runs in {}:\r\n{}\r\n",
        crate::sanitize::QuotedPath(&step.cwd),
        crate::sanitize::sanitize_keep_newlines(&step.command).replace('\n', "\r\n")
    );
    if let Some(log) = &log
        && let Ok(mut file) = log.lock()
    {
        let _ = writeln!(file, "$ {}", step.command.replace('\n', "\n$ "));
    }
    let mut child = std::process::Command::new(&shell)
        .arg("-c")
        .arg(&step.command)
        .current_dir(&step.cwd)
        .envs(step.vars.iter().map(|(k, v)| (k, v)))
        .stdin(std::process::Stdio::inherit())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {shell}: {e}"))?;
    let tail = Arc::new(Mutex::new(Vec::new()));
    let pipes: Vec<Box<dyn Read + Send>> = [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .collect();
    let copiers: Vec<_> = pipes
        .into_iter()
        .map(|pipe| {
            let (log, tail) = (log.clone(), Arc::clone(&tail));
            std::thread::spawn(move || copy(pipe, log.as_deref(), &tail))
        })
        .collect();
    let status = child.wait().map_err(|e| format!("{shell}: {e}"))?;
    for copier in copiers {
        let _ = copier.join();
    }
    let code = status.code();
    if let Some(log) = &log
        && let Ok(mut file) = log.lock()
    {
        let _ = writeln!(
            file,
            "# exit {}",
            code.map_or_else(|| "signal".to_owned(), |c| c.to_string())
        );
        let _ = file.sync_all();
    }
    if wait {
        let _ = write!(
            screen,
            "\r\nexit {}. Enter returns to faultline. ",
            code.map_or_else(|| "by a signal".to_owned(), |c| c.to_string())
        );
        let _ = screen.flush();
        let _ = std::io::stdin().read_line(&mut String::new());
    }
    let tail = tail.lock().map(|t| last_lines(&t)).unwrap_or_default();
    Ok((code, tail))
}

/// The log, created with its directory, appended to (never truncated).
fn open_log(path: &std::path::Path) -> Result<std::fs::File, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the log's folder: {e}"))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open the log: {e}"))
}

/// One stream: shown with its control characters made visible, logged raw, its end kept.
fn copy(mut pipe: Box<dyn Read + Send>, log: Option<&Mutex<std::fs::File>>, tail: &Mutex<Vec<u8>>) {
    let mut buf = [0u8; 8192];
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let chunk = &buf[..n];
        if let Some(log) = log
            && let Ok(mut file) = log.lock()
        {
            let _ = file.write_all(chunk);
        }
        let shown = crate::sanitize::sanitize_keep_newlines(&String::from_utf8_lossy(chunk))
            .replace('\n', "\r\n");
        let mut screen = std::io::stdout();
        let _ = screen.write_all(shown.as_bytes());
        let _ = screen.flush();
        if let Ok(mut t) = tail.lock() {
            t.extend_from_slice(chunk);
            let excess = t.len().saturating_sub(TAIL_BYTES);
            t.drain(..excess);
        }
    }
}

/// The output's last lines, control characters made visible.
fn last_lines(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(TAIL_LINES);
    crate::sanitize::sanitize_keep_newlines(&lines[start..].join("\n")).into_owned()
}
