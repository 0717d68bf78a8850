//! Detection timed by the alerts themselves, against a real Alertmanager (Debian's
//! `prometheus-alertmanager`, started on a free loopback port by each test and stopped after):
//! the client reads what fires; an open game day records `detected` at the alert's start and
//! logs a stop condition when a component in its blast radius alerts; an Alertmanager that does
//! not answer is said once and nothing waits for it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/harness.rs"]
mod harness;

#[path = "support/alertmanager.rs"]
mod server;

use faultline::alertmanager::{Client, Polled, Poller};
use harness::{press, run_in, type_text};
use std::path::Path;
use std::time::{Duration, Instant};

fn game_day(d: &Path) -> faultline::app::App {
    let out = run_in(d, &["gameday", "new", "--risk", "db/down"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    harness::app_on_timeline(d, "gamedays")
}

fn timeline_text(d: &Path) -> String {
    std::fs::read_to_string(harness::only_file(d, "gamedays")).unwrap()
}

fn poll(app: &mut faultline::app::App, client: &Client, names: &[String]) {
    let start = Instant::now();
    let result = client.firing(names);
    app.alerts_polled(Polled {
        result,
        took: start.elapsed(),
    });
    app.run_effects();
}

#[test]
fn the_client_reads_only_the_alerts_asked_for_with_their_start() {
    let am = server::Alertmanager::start();
    am.fire(&[("DbDown", 120), ("Unrelated", 5), ("Weird name!", 30)]);
    let client = Client::new(&am.url, None).unwrap();
    let firing = client.firing(&["prometheus:DbDown".to_owned()]).unwrap();
    assert_eq!(firing.len(), 1, "{firing:?}");
    assert_eq!(firing[0].name, "DbDown");
    let started: jiff::Timestamp = firing[0].starts_at.parse().unwrap();
    let ago = jiff::Timestamp::now().duration_since(started).as_secs();
    assert!((110..200).contains(&ago), "started {ago} s ago");
    // A name no filter can carry is matched here instead.
    let firing = client
        .firing(&["Weird name!".to_owned(), "Quiet".to_owned()])
        .unwrap();
    assert_eq!(
        firing.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["Weird name!"]
    );
}

#[test]
fn a_game_day_is_detected_by_its_alert_and_stopped_by_its_blast_radius() {
    let am = server::Alertmanager::start();
    let dir = server::workspace(&am.url);
    let d = dir.path();
    let mut app = game_day(d);
    let names = app.start_alert_watch().expect("alerts to watch");
    assert_eq!(names, ["DbDown", "Api5xx"]);
    let client = Client::new(&am.url, None).unwrap();

    // Nothing fires: the view says so, nothing is recorded.
    poll(&mut app, &client, &names);
    assert!(!timeline_text(d).contains("\"detected\""));

    // The risk's alert fires (it started 2 s ago): `detected`, at the alert's start.
    std::thread::sleep(Duration::from_secs(3));
    am.fire(&[("DbDown", 2)]);
    poll(&mut app, &client, &names);
    let text = timeline_text(d);
    let detected = text
        .lines()
        .find(|l| l.contains("\"kind\":\"detected\""))
        .unwrap_or_else(|| panic!("no detected event: {text}"));
    let event: serde_json::Value = serde_json::from_str(detected).unwrap();
    assert_eq!(event["source"], "alertmanager");
    assert_eq!(event["alert"], "DbDown");
    let at: jiff::Timestamp = event["at"].as_str().unwrap().parse().unwrap();
    let starts: jiff::Timestamp = event["starts_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(at.as_second(), starts.as_second(), "{detected}");
    let screen = harness::screen(&app);
    assert!(screen.contains("● DbDown firing T+"), "{screen}");
    assert!(screen.contains("stop if ○ Api5xx"), "{screen}");

    // The component that depends on it alerts: a stop condition, loud and logged once.
    am.fire(&[("Api5xx", 1)]);
    poll(&mut app, &client, &names);
    poll(&mut app, &client, &names);
    let text = timeline_text(d);
    assert_eq!(
        text.matches("STOP CONDITION: Api5xx is firing on api")
            .count(),
        1,
        "{text}"
    );
    assert_eq!(text.matches("\"kind\":\"detected\"").count(), 1, "{text}");
    let screen = harness::screen(&app);
    assert!(screen.contains("STOP: Api5xx firing on api"), "{screen}");
}

#[test]
fn an_alertmanager_that_does_not_answer_is_said_once_and_nothing_waits() {
    let dead = format!("http://127.0.0.1:{}", server::free_port());
    let dir = server::workspace(&dead);
    let d = dir.path();
    let mut app = game_day(d);
    let names = app.start_alert_watch().unwrap();
    let client = Client::new(&dead, None).unwrap();
    let poller = Poller::spawn(client, names, Duration::from_millis(50));
    // Two answers, both failures; the first is said, the second leaves the status alone.
    let first = poller
        .answers
        .recv_timeout(Duration::from_secs(10))
        .unwrap();
    assert!(first.result.is_err());
    app.alerts_polled(first);
    let said = app.status.clone().unwrap_or_default();
    assert!(said.starts_with("Alertmanager: "), "{said}");
    assert!(said.contains("the view goes on"), "{said}");
    app.status = Some("typing".into());
    app.alerts_polled(
        poller
            .answers
            .recv_timeout(Duration::from_secs(10))
            .unwrap(),
    );
    assert_eq!(app.status.as_deref(), Some("typing"));
    assert!(harness::screen(&app).contains("Alertmanager: "));
    // Typing and recording go on while it keeps failing.
    press(&mut app, "n");
    type_text(&mut app, "still here");
    press(&mut app, "enter");
    assert!(timeline_text(d).contains("still here"));
    // Dropping the poller stops it.
    drop(poller);
}
