//! The real binary in a pseudo-terminal: it starts on the example workspace, shows a component,
//! quits on `q`, and gives the terminal back (alternate screen left, raw mode off) after a normal
//! exit, a panic and SIGTERM. The screen is read through `vt100`, not the raw bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

#[path = "support/harness.rs"]
mod harness;

#[path = "support/alertmanager.rs"]
mod alertmanager;

#[path = "support/org.rs"]
mod org;

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// A deadline only so a broken build fails instead of hanging; no test asserts a duration.
const PATIENCE: Duration = Duration::from_secs(30);

struct Session {
    /// Kept open for the session's life: closing it would hang up the terminal.
    _master: Box<dyn MasterPty + Send>,
    slave: Box<dyn portable_pty::SlavePty + Send>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    fn start(envs: &[(&str, &str)]) -> Session {
        Session::start_in(Path::new(env!("CARGO_MANIFEST_DIR")), envs)
    }

    fn start_in(workspace: &Path, envs: &[(&str, &str)]) -> Session {
        Session::start_with(workspace, &[], envs)
    }

    fn start_with(workspace: &Path, args: &[&str], envs: &[(&str, &str)]) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let home = tempfile::tempdir().unwrap().keep();
        let mut command = faultline_command(workspace, &home);
        for arg in args {
            command.arg(arg);
        }
        // A test may pin the data directory, to find its recovery journal again.
        for (k, v) in envs {
            command.env(k, v);
        }
        let child = pair.slave.spawn_command(command).unwrap();
        let mut reader = pair.master.try_clone_reader().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Session {
            _master: pair.master,
            slave: pair.slave,
            child,
            writer,
            output,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The screen as a terminal would show it now.
    fn screen(&self) -> String {
        let rows = std::num::NonZero::new(24u16).unwrap();
        let cols = std::num::NonZero::new(80u16).unwrap();
        let mut parser = vt100::Parser::new(rows, cols, 0);
        parser.process(&self.bytes());
        parser.screen().contents()
    }

    fn wait_for_screen(&self, text: &str) {
        let start = Instant::now();
        while !self.screen().contains(text) {
            assert!(
                start.elapsed() < PATIENCE,
                "never saw {text:?}; screen:\n{}",
                self.screen()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for_bytes(&self, needle: &[u8]) {
        let start = Instant::now();
        while !contains(&self.bytes(), needle) {
            assert!(start.elapsed() < PATIENCE, "never saw {needle:?}");
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Sends `signal` (`TERM`, `HUP`, `KILL`) with `kill(1)`, then waits for the exit code.
    fn signal(&mut self, signal: &str) -> u32 {
        let pid = self.child.process_id().unwrap();
        let status = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal} {pid}");
        self.wait_exit()
    }

    fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(start.elapsed() < PATIENCE, "faultline did not exit");
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs `stty -a` on the same terminal after faultline has exited: it shows the modes
    /// faultline left behind.
    fn terminal_modes(&mut self) -> String {
        let before = self.bytes().len();
        let mut stty = CommandBuilder::new("stty");
        stty.arg("-a");
        let mut child = self.slave.spawn_command(stty).unwrap();
        child.wait().unwrap();
        let start = Instant::now();
        loop {
            let out = String::from_utf8_lossy(&self.bytes()[before..]).into_owned();
            if out.contains("icanon") {
                return out;
            }
            assert!(start.elapsed() < PATIENCE, "no stty output");
            thread::sleep(Duration::from_millis(50));
        }
    }
}

/// faultline on `workspace`, with the user's own keymap and data kept out (a fresh `home`).
fn faultline_command(workspace: &Path, home: &Path) -> CommandBuilder {
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_faultline"));
    command.arg("--workspace");
    command.arg(workspace);
    command.env("TERM", "xterm-256color");
    command.env("FAULTLINE_TODAY", "2026-11-24");
    command.env("HOME", home);
    command.env("XDG_CONFIG_HOME", home.join("config"));
    command.env("XDG_DATA_HOME", home.join("data"));
    command
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";

/// Where the alternate screen was first left after it was last entered, waiting for the bytes
/// (the reader thread may lag the child's exit).
fn left_alternate_screen_at(session: &Session) -> usize {
    let start = Instant::now();
    loop {
        let bytes = session.bytes();
        let entered = bytes
            .windows(ENTER_ALT.len())
            .rposition(|w| w == ENTER_ALT)
            .expect("the alternate screen was entered");
        if let Some(left) = bytes[entered..]
            .windows(LEAVE_ALT.len())
            .position(|w| w == LEAVE_ALT)
        {
            return entered + left;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "the alternate screen was not left"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

fn assert_restored(session: &mut Session) {
    left_alternate_screen_at(session);
    let modes = session.terminal_modes();
    // Raw mode clears ICANON and ECHO; restored, they are on again.
    assert!(modes.contains(" icanon"), "still in raw mode: {modes}");
    assert!(modes.contains(" echo "), "echo still off: {modes}");
}

#[test]
fn starts_shows_a_component_and_quits_on_q() {
    let mut session = Session::start(&[]);
    session.wait_for_screen("API Gateway");
    let screen = session.screen();
    assert!(screen.contains("Components (10)"), "{screen}");
    assert!(screen.contains("CRIT card-provider"), "{screen}");
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
    assert_restored(&mut session);
}

#[test]
fn keys_move_the_selection() {
    let mut session = Session::start(&[]);
    session.wait_for_screen("API Gateway");
    session.send("j");
    session.wait_for_screen("Card payment provider");
    session.send("\x1b"); // Esc never quits: it says how to
    session.wait_for_screen("q quits");
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
    assert_restored(&mut session);
}

#[test]
fn a_panic_restores_the_terminal_and_prints_the_message() {
    let mut session = Session::start(&[("FAULTLINE_TEST_PANIC", "1")]);
    assert_eq!(session.wait_exit(), 101);
    session.wait_for_bytes(b"panicking on purpose");
    assert_restored(&mut session);
    // The message is printed after the alternate screen is left, so it stays readable.
    let left = left_alternate_screen_at(&session);
    let bytes = session.bytes();
    let message = bytes
        .windows(b"panicking on purpose".len())
        .position(|w| w == b"panicking on purpose")
        .unwrap();
    assert!(
        message > left,
        "the panic message was printed on the alternate screen"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut session = Session::start(&[]);
    session.wait_for_screen("API Gateway");
    assert_eq!(session.signal("TERM"), 128 + 15);
    assert_restored(&mut session);
}

/// A copy of the example workspace, and a data directory of its own for the recovery journal.
fn example_with_data_dir() -> (tempfile::TempDir, tempfile::TempDir) {
    let workspace = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    harness::copy_tree(&root.join("registers"), &workspace.path().join("registers"));
    harness::copy_tree(&root.join("runbooks"), &workspace.path().join("runbooks"));
    harness::copy_tree(
        &root.join("monitoring"),
        &workspace.path().join("monitoring"),
    );
    (workspace, tempfile::tempdir().unwrap())
}

#[test]
fn sighup_restores_the_terminal() {
    let mut session = Session::start(&[]);
    session.wait_for_screen("API Gateway");
    assert_eq!(session.signal("HUP"), 128 + 1);
    assert_restored(&mut session);
}

#[test]
fn edits_survive_sigkill_and_are_offered_back() {
    let (workspace, data) = example_with_data_dir();
    let data_dir = data.path().to_str().unwrap();
    let file = workspace.path().join("registers/api-gateway.json");
    let on_disk = std::fs::read_to_string(&file).unwrap();

    let mut first = Session::start_in(workspace.path(), &[("XDG_DATA_HOME", data_dir)]);
    first.wait_for_screen("API Gateway");
    // The first risk by score is waf-blocks-legit (2×4); make its likelihood 5.
    first.send("\t5");
    first.wait_for_screen("1 unsaved");
    first.signal("KILL");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        on_disk,
        "nothing saved"
    );

    let mut second = Session::start_in(workspace.path(), &[("XDG_DATA_HOME", data_dir)]);
    second.wait_for_screen("Recover unsaved edits");
    assert!(
        second.screen().contains("registers/api-gateway.json"),
        "{}",
        second.screen()
    );
    second.send("r");
    second.wait_for_screen("20 CRIT 5×4");
    second.wait_for_screen("1 unsaved");
    // Save, and the journal is done with: a third start offers nothing.
    second.send("\x13"); // Ctrl-S
    second.wait_for_screen("saved registers/api-gateway.json");
    second.send("q");
    assert_eq!(second.wait_exit(), 0);
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains("\"likelihood\": \"very-high\""), "{saved}");

    let mut third = Session::start_in(workspace.path(), &[("XDG_DATA_HOME", data_dir)]);
    third.wait_for_screen("API Gateway");
    assert!(!third.screen().contains("Recover"), "{}", third.screen());
    third.send("q");
    assert_eq!(third.wait_exit(), 0);
}

#[test]
fn closing_the_terminal_ends_faultline() {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let command = faultline_command(Path::new(env!("CARGO_MANIFEST_DIR")), home.path());
    let mut child = pair.slave.spawn_command(command).unwrap();
    drop(pair.slave);
    // Read until the first frame is drawn, then let go of the reader so that dropping the
    // master closes the terminal for good.
    let mut reader = pair.master.try_clone_reader().unwrap();
    let seen = thread::spawn(move || {
        let mut parser = vt100::Parser::new(
            std::num::NonZero::new(24u16).unwrap(),
            std::num::NonZero::new(80u16).unwrap(),
            0,
        );
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                return false;
            }
            parser.process(&buf[..n]);
            if parser.screen().contents().contains("API Gateway") {
                return true;
            }
        }
        false
    });
    assert!(seen.join().unwrap(), "the first frame was drawn");
    drop(pair.master);
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "faultline kept running without a terminal"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// Bytes a hostile runbook carries, each with a marker so the test can tell the file's bytes
/// from faultline's own escape sequences.
const HOSTILE: &[&[u8]] = &[
    b"A\x1b]52;c;ZXZpbA==\x07",
    b"B\x1b]0;pwned-title\x07",
    b"C\x1b[2JD",
    b"\x1b]8;;https://evil.example\x1b\\E-link\x1b]8;;\x1b\\",
    b"\x1b[31mF-red",
    b"G\x07H",
    "I\u{202E}J".as_bytes(),
];

#[test]
fn hostile_runbooks_never_reach_the_terminal_and_only_y_writes_osc52() {
    let workspace = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(workspace.path().join("registers")).unwrap();
    std::fs::create_dir_all(workspace.path().join("runbooks")).unwrap();
    let mut text = b"# Evil runbook\n\n".to_vec();
    for bytes in HOSTILE {
        text.extend_from_slice(bytes);
        text.extend_from_slice(b"\n\n");
    }
    text.extend_from_slice(b"Entity &#27;[31mK-entity and &#x1b;]0;L-title&#7;\n\n");
    text.extend_from_slice(b"```sh\nkubectl rollout undo deploy/api\n```\n");
    std::fs::write(workspace.path().join("runbooks/evil.md"), &text).unwrap();

    let mut session = Session::start_in(workspace.path(), &[]);
    // Open the runbook through the finder.
    session.wait_for_screen("faultline");
    session.send("\x10"); // Ctrl-P: the finder
    session.send("evil runbook");
    session.wait_for_screen("evil.md");
    session.send("\r");
    session.wait_for_screen("EVIL RUNBOOK");
    session.wait_for_screen("␛[31mK-entity");
    let before = session.bytes();
    for needle in HOSTILE {
        assert!(
            !contains(&before, needle),
            "{:?} reached the terminal",
            String::from_utf8_lossy(needle)
        );
    }
    for needle in [
        &b"\x1b[31mK-entity"[..],
        b"\x1b]0;L-title",
        b"\x1b]52",
        b"\x1b]8;",
        b"\x07",
        "\u{202E}".as_bytes(),
    ] {
        assert!(
            !contains(&before, needle),
            "{:?} reached the terminal",
            String::from_utf8_lossy(needle)
        );
    }
    // Shown as text instead.
    let screen = session.screen();
    assert!(screen.contains("A␛]52;c;ZXZpbA==␇"), "{screen}");
    assert!(screen.contains("I⟨U+202E⟩J"), "{screen}");

    session.send("y");
    let osc = format!(
        "\x1b]52;c;{}\x07",
        faultline::viewer::base64(b"kubectl rollout undo deploy/api")
    );
    session.wait_for_bytes(osc.as_bytes());
    let after = session.bytes();
    let count = after.windows(5).filter(|w| *w == b"\x1b]52;").count();
    assert_eq!(count, 1, "exactly one OSC 52, after y");
    session.send("q");
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
}

#[test]
fn runbook_query_opens_the_viewer_at_the_heading() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut session = Session::start_with(
        root,
        &["runbook", "aurora", "reconnect", "applications"],
        &[],
    );
    session.wait_for_screen("§ Reconnect the applications");
    // The heading it landed on is the first line of the document, marked in the gutter.
    let screen = session.screen();
    let second = screen.lines().nth(1).unwrap_or_default();
    assert!(
        second.starts_with("▶▌ Reconnect the applications"),
        "{screen}"
    );
    session.send("\x1b"); // Esc goes back to the register; q quits from anywhere
    session.wait_for_screen("Components (10)");
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
    assert_restored(&mut session);
}

#[test]
fn a_complete_risk_takes_six_keys_besides_its_text() {
    let (workspace, data) = example_with_data_dir();
    let data_dir = data.path().to_str().unwrap();
    let mut session = Session::start_in(workspace.path(), &[("XDG_DATA_HOME", data_dir)]);
    session.wait_for_screen("API Gateway");
    // The workshop flow, as a facilitator types it: the keys that are not the text itself.
    let steps: [(&str, Option<&str>); 9] = [
        ("a", None),
        ("Search index corrupted by a bad reindex", Some("text")),
        ("\r", None),
        ("4", None),
        ("5", None),
        ("Search error rate above 5 % pages on-call", Some("text")),
        ("\t", None),
        (
            "Nightly snapshot; reindex into a new alias, then swap",
            Some("text"),
        ),
        ("\r", None),
    ];
    let keys = steps.iter().filter(|(_, text)| text.is_none()).count();
    assert!(keys <= 6, "{keys} keys besides the text");
    for (input, _) in steps {
        session.send(input);
        // Each step waits for the screen, as a person would look before the next key.
        std::thread::sleep(Duration::from_millis(60));
    }
    session.wait_for_screen("complete, score 20: api-gateway/search-index");
    session.send("\x13"); // Ctrl-S
    session.wait_for_screen("saved registers/api-gateway.json");
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
    let saved: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace.path().join("registers/api-gateway.json")).unwrap(),
    )
    .unwrap();
    let risk = saved["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "search-index-corrupted-bad-reindex")
        .unwrap_or_else(|| panic!("{saved:#}"));
    assert_eq!(risk["title"], "Search index corrupted by a bad reindex");
    assert_eq!(risk["likelihood"], "high");
    assert_eq!(risk["impact"], "very-high");
    assert_eq!(
        risk["detection"],
        "Search error rate above 5 % pages on-call"
    );
    assert_eq!(
        risk["mitigation"],
        "Nightly snapshot; reindex into a new alias, then swap"
    );
}

#[test]
fn text_typed_in_an_open_field_survives_sigkill() {
    let (workspace, data) = example_with_data_dir();
    let data_dir = data.path().to_str().unwrap();
    let mut first = Session::start_in(workspace.path(), &[("XDG_DATA_HOME", data_dir)]);
    first.wait_for_screen("API Gateway");
    // The first risk's title, in the editor, with text typed but not kept with Enter.
    first.send("\t\r\r");
    first.wait_for_screen("Enter keep");
    first.send(" (new)");
    first.wait_for_screen("traffic (new)");
    first.signal("KILL");

    let mut second = Session::start_in(workspace.path(), &[("XDG_DATA_HOME", data_dir)]);
    second.wait_for_screen("Recover unsaved edits");
    second.send("r");
    second.wait_for_screen("1 unsaved");
    assert!(
        !second.screen().contains("changed on disk"),
        "{}",
        second.screen()
    );
    second.send("\x13"); // Ctrl-S
    second.wait_for_screen("saved registers/api-gateway.json");
    second.send("q");
    assert_eq!(second.wait_exit(), 0);
    let saved =
        std::fs::read_to_string(workspace.path().join("registers/api-gateway.json")).unwrap();
    assert!(
        saved.contains("\"WAF rule blocks legitimate traffic (new)\""),
        "{saved}"
    );
}

#[test]
fn an_incident_in_the_view_records_ticks_and_resumes() {
    let (workspace, data) = example_with_data_dir();
    let data_dir = data.path().to_str().unwrap();
    let envs = [
        ("XDG_DATA_HOME", data_dir),
        ("FAULTLINE_TODAY", "2026-11-24"),
    ];
    let mut session = Session::start_with(
        workspace.path(),
        &[
            "incident",
            "new",
            "Checkout",
            "returns",
            "502",
            "--risk",
            "payments-api/concurrency-limit",
            "--lead",
            "Ana",
        ],
        &envs,
    );
    session.wait_for_screen("INCIDENT");
    session.wait_for_screen("0/4 done");
    // A hypothesis, a step ticked, detected, then an event from another terminal, resolved.
    session.send("h");
    session.wait_for_screen("hypothesis: ");
    session.send("Lambda concurrency limit\r");
    session.wait_for_screen("hypothesis recorded at");
    session.send(" ");
    session.wait_for_screen("1/4 done");
    session.send("D");
    session.wait_for_screen("detected recorded at");
    let file = std::fs::read_dir(workspace.path().join("incidents"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let log = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"))
        .current_dir(workspace.path())
        .args([
            "incident",
            "log",
            "--kind",
            "observation",
            "Throttles back to zero",
        ])
        .output()
        .unwrap();
    assert!(log.status.success(), "{log:?}");
    session.send("t");
    session.wait_for_screen("Throttles back to zero");
    session.send("R");
    session.wait_for_screen("RESOLVED");
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
    assert_restored(&mut session);
    let text = std::fs::read_to_string(&file).unwrap();
    let kinds = harness::event_kinds(&text);
    assert_eq!(
        kinds,
        [
            "hypothesis",
            "step-done",
            "detected",
            "observation",
            "resolved"
        ]
    );
    // Reopened: every event, and the step still done.
    let rel = format!("incidents/{}", file.file_name().unwrap().to_string_lossy());
    let mut again = Session::start_with(workspace.path(), &["incident", "open", &rel], &envs);
    again.wait_for_screen("1/4 done");
    again.wait_for_screen("RESOLVED");
    again.send("q");
    assert_eq!(again.wait_exit(), 0);
}

/// A register of 50,000 risks (12 MB, under the 16 MiB limit): the real binary opens it,
/// scrolls to the last risk and back, and quits with the terminal restored.
#[test]
fn a_50000_risk_register_opens_scrolls_and_quits() {
    use faultline::model::{Level, Register, Risk};
    let workspace = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(workspace.path().join("registers")).unwrap();
    let mut reg = Register::new("big");
    for i in 0..50_000 {
        let mut risk = Risk::new(&format!("risk-{i}"), &format!("Dependency {i} times out"));
        risk.likelihood = Level::ALL[i % 5];
        risk.impact = Level::ALL[(i / 5) % 5];
        risk.detection = "p99 latency above 3 s for five minutes".into();
        risk.mitigation = "Timeouts of 3 s with a circuit breaker".into();
        reg.risks.push(risk);
    }
    std::fs::write(
        workspace.path().join("registers/big.json"),
        faultline::model::to_canonical(&reg),
    )
    .unwrap();
    let mut session = Session::start_in(workspace.path(), &[]);
    session.wait_for_screen("Risks · Big (50000)");
    // Into the risks, to the last by score (the last score-1 risk) and back to the first.
    session.send("\t");
    session.send("G");
    session.wait_for_screen("big/risk-49975");
    session.send("g");
    session.wait_for_screen("big/risk-24");
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
    assert_restored(&mut session);
}

/// The largest resident set of any child this test binary has waited for, in MB. No child of
/// these tests may pass the viewer's bar, so the largest of them is checked.
fn children_peak_mb() -> i64 {
    nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .unwrap()
        .max_rss()
        / 1024
}

#[test]
fn a_15_mb_runbook_that_is_one_table_opens_within_300_mb() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("registers")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    std::fs::write(
        dir.path().join("registers/a.json"),
        "{\n  \"component\": \"a\"\n}\n",
    )
    .unwrap();
    // 2.5 million rows of two cells.
    let mut text = String::from("# Inventory\n\n|host|zone|\n|-|-|\n");
    text.push_str(&"|x|y|\n".repeat(2_500_000));
    text.push_str("\n## After the table\n");
    std::fs::write(dir.path().join("runbooks/inventory.md"), text).unwrap();
    let mut session = Session::start_with(dir.path(), &["runbook", "inventory"], &[]);
    session.wait_for_screen("§ Inventory");
    session.send("G");
    session.wait_for_screen("more table rows not shown");
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
    let peak = children_peak_mb();
    assert!(peak < 300, "a child peaked at {peak} MB");
}

#[test]
fn a_second_faultline_is_read_only_while_an_incident_is_open() {
    let (workspace, _data) = example_with_data_dir();
    let root = workspace.path();
    let out = harness::run_in(root, &["incident", "new", "Checkout down"], &[]);
    assert!(out.status.success(), "{out:?}");
    let before = std::fs::read_to_string(root.join("registers/api-gateway.json")).unwrap();
    let mut session = Session::start_in(root, &[]);
    session.wait_for_screen("READ-ONLY incident checkout-down is open (--edit edits anyway)");
    // An edit and a save change nothing.
    session.send("\t5\x13");
    std::thread::sleep(Duration::from_millis(300));
    session.send("q");
    session.wait_exit();
    assert_eq!(
        std::fs::read_to_string(root.join("registers/api-gateway.json")).unwrap(),
        before
    );
    // --edit opens it for editing, knowingly.
    let mut session = Session::start_with(root, &["--edit"], &[]);
    session.wait_for_screen("API Gateway");
    assert!(
        !session.screen().contains("read-only"),
        "{}",
        session.screen()
    );
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
}

#[test]
fn text_typed_on_the_incident_input_line_survives_sigkill() {
    let (workspace, data) = example_with_data_dir();
    let data_dir = data.path().to_str().unwrap();
    let envs = [("XDG_DATA_HOME", data_dir)];
    let mut first = Session::start_with(
        workspace.path(),
        &[
            "incident",
            "new",
            "Checkout",
            "slow",
            "--risk",
            "payments-api/concurrency-limit",
        ],
        &envs,
    );
    first.wait_for_screen("INCIDENT");
    first.send("h");
    first.wait_for_screen("hypothesis: ");
    first.send("Lambda reserved concurrency too low");
    first.wait_for_screen("concurrency too low");
    first.signal("KILL");

    let mut second = Session::start_with(workspace.path(), &["incident", "open"], &envs);
    second.wait_for_screen("typed before faultline stopped, not yet recorded: Enter records it");
    second.wait_for_screen("hypothesis: Lambda reserved concurrency too low");
    second.send("\r");
    second.wait_for_screen("hypothesis recorded at");
    second.send("q");
    assert_eq!(second.wait_exit(), 0);
    let file = std::fs::read_dir(workspace.path().join("incidents"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(
        text.contains("Lambda reserved concurrency too low"),
        "{text}"
    );
    // Recorded: a third start offers nothing back.
    let mut third = Session::start_with(workspace.path(), &["incident", "open"], &envs);
    third.wait_for_screen("INCIDENT");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !third.screen().contains("typed before"),
        "{}",
        third.screen()
    );
    third.send("q");
    assert_eq!(third.wait_exit(), 0);
}

#[test]
fn a_game_day_view_polls_alertmanager_for_detection_and_stop_conditions() {
    let am = alertmanager::Alertmanager::start();
    let workspace = alertmanager::workspace(&am.url);
    // Already firing when the game day starts: detected at once, at the game day's start.
    am.fire(&[("DbDown", 5)]);
    let mut session = Session::start_with(
        workspace.path(),
        &["gameday", "new", "--risk", "db/down"],
        &[],
    );
    session.wait_for_screen("GAME DAY");
    session.wait_for_screen("● DbDown firing");
    session.wait_for_screen("stop if ○ Api5xx");
    let timeline = || {
        let dir = workspace.path().join("gamedays");
        let file = std::fs::read_dir(dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        std::fs::read_to_string(file).unwrap()
    };
    let start = Instant::now();
    while !timeline().contains(r#""source":"alertmanager""#) {
        assert!(start.elapsed() < PATIENCE, "{}", timeline());
        thread::sleep(Duration::from_millis(50));
    }
    // A component in the blast radius alerts: shown at the next poll, loudly.
    am.fire(&[("Api5xx", 1)]);
    session.wait_for_screen("STOP: Api5xx firing on api");
    assert!(timeline().contains("STOP CONDITION: Api5xx is firing on api"));
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
}

#[test]
fn a_runbook_step_runs_in_the_terminal_and_the_incident_records_it() {
    let workspace = tempfile::tempdir().unwrap();
    let d = workspace.path();
    std::fs::create_dir_all(d.join("registers")).unwrap();
    std::fs::create_dir_all(d.join("runbooks")).unwrap();
    std::fs::write(
        d.join("registers/queue.json"),
        "{\n  \"component\": \"queue\",\n  \"title\": \"Queue\",\n  \"risks\": [\n    {\n      \"id\": \"backlog\",\n      \"title\": \"Backlog grows\",\n      \"likelihood\": \"high\",\n      \"impact\": \"high\",\n      \"runbook\": \"runbooks/backlog.md#steps\",\n      \"status\": \"open\"\n    }\n  ]\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("runbooks/backlog.md"),
        "# Backlog\n\n## Steps\n\n```bash\necho \"marker-$PTY_STEP_VALUE\"; touch ran-marker\n```\n",
    )
    .unwrap();
    let out = harness::run_in(
        d,
        &["incident", "new", "--risk", "queue/backlog", "Backlog"],
        &[],
    );
    assert!(out.status.success());
    let mut session = Session::start_with(d, &["incident", "open"], &[]);
    session.wait_for_screen("INCIDENT");
    session.send("r");
    session.wait_for_screen("x runs");
    session.send("x");
    session.wait_for_screen("is not set");
    session.send("42\r");
    session.wait_for_screen("Run this in");
    assert!(!d.join("ran-marker").exists(), "nothing runs before y");
    session.send("y");
    session.wait_for_screen("Enter returns to faultline");
    assert!(
        session.screen().contains("marker-42"),
        "{}",
        session.screen()
    );
    session.send("\r");
    session.wait_for_screen("recorded");
    assert!(d.join("ran-marker").exists());
    let timeline = std::fs::read_dir(d.join("incidents"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    let text = std::fs::read_to_string(timeline).unwrap();
    assert!(
        text.contains("→ exit 0") && text.contains("marker-42"),
        "{text}"
    );
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
}

#[test]
fn the_organisation_opens_read_only_with_repositories_at_the_top_and_quits() {
    let fixture = org::build();
    let fetch = fixture.args(&["org", "fetch"]);
    let fetch: Vec<&str> = fetch.iter().map(String::as_str).collect();
    harness::run_in(fixture.dir.path(), &fetch, &[]);
    let args = fixture.args(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut session = Session::start_with(fixture.dir.path(), &args, &[]);
    session.wait_for_screen("▾ payments");
    let screen = session.screen();
    assert!(screen.contains("READ-ONLY"), "{screen}");
    assert!(screen.contains("▾ search"), "{screen}");
    assert!(screen.contains("3 of 4 repositories fetched"), "{screen}");
    // The first component is the broken one; down to the ledger, its runbook from the cache.
    session.send("j");
    session.wait_for_screen("payments:ledger  ·");
    session.send("\tr");
    session.wait_for_screen("Promote the replica");
    session.send("\x7f");
    session.wait_for_screen("▾ payments");
    session.send("q");
    assert_eq!(session.wait_exit(), 0);
    assert_restored(&mut session);
}

#[test]
fn org_fetch_on_a_terminal_draws_a_progress_bar_and_leaves_one_line_per_repository() {
    let fixture = org::build();
    let args = fixture.args(&["org", "fetch", "--jobs", "1"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut session = Session::start_with(fixture.dir.path(), &args, &[]);
    assert_eq!(session.wait_exit(), 1, "gone cannot be fetched");
    session.wait_for_screen("4 repositories: 3 cloned");
    let bytes = String::from_utf8_lossy(&session.bytes()).into_owned();
    // The bar: repositories done of all, and the bytes so far.
    assert!(bytes.contains("] 1/4 · "), "{bytes}");
    assert!(bytes.contains("/4 · ") && bytes.contains("KiB"), "{bytes}");
    // And the repository still running the longest.
    assert!(bytes.contains(" · slowest "), "{bytes}");
    // Cleared as it ends: the screen keeps each repository's line and the summary.
    let screen = session.screen();
    assert!(screen.contains("cloned      payments "), "{screen}");
    assert!(screen.contains("FAILED      gone: "), "{screen}");
    assert!(!screen.contains("] 4/4"), "{screen}");
}

/// A workspace of more registers than the first frame reads: a key typed at once acts on all
/// of them (G reaches the last), and edits killed mid-way are offered back once they are in.
#[test]
fn a_large_workspace_takes_early_keys_on_every_register_and_offers_edits_back() {
    let (workspace, data) = example_with_data_dir();
    let data_dir = data.path().to_str().unwrap();
    let fillers = faultline::tui::FIRST_REGISTERS + 20;
    for i in 0..fillers {
        let id = format!("zz-{i:03}");
        let text = format!(
            "{{\n  \"component\": \"{id}\",\n  \"title\": \"Filler {i}\",\n  \"owner\": \"team\",\n  \"risks\": []\n}}\n"
        );
        std::fs::write(workspace.path().join(format!("registers/{id}.json")), text).unwrap();
    }
    let last = format!("Filler {}", fillers - 1);
    let mut first = Session::start_in(workspace.path(), &[("XDG_DATA_HOME", data_dir)]);
    first.send("G");
    first.wait_for_screen(&last);
    assert!(
        first
            .screen()
            .contains(&format!("Components ({})", fillers + 10)),
        "{}",
        first.screen()
    );
    first.send("g");
    first.wait_for_screen("API Gateway");
    first.send("\t5");
    first.wait_for_screen("1 unsaved");
    first.signal("KILL");
    let mut second = Session::start_in(workspace.path(), &[("XDG_DATA_HOME", data_dir)]);
    second.wait_for_screen("Recover unsaved edits");
    second.send("r");
    second.wait_for_screen("1 unsaved");
    second.send("q");
    second.wait_for_screen("Quit");
    second.send("d");
    second.wait_exit();
    assert_restored(&mut second);
}
