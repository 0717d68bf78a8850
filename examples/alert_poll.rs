//! The cost of one Alertmanager poll, as the game day / incident view makes it: posts `FIRING`
//! alerts to the Alertmanager at URL (a test instance: they fire for real there), then times
//! RUNS polls asking for `ASKED` of them (by one filter when the names are plain) and prints
//! the median and worst, and the process's CPU time per poll.
//!
//! `cargo run --release --example alert_poll -- URL [--firing 200] [--asked 2] [--runs 50]`

use faultline::alertmanager::Client;
use std::time::{Duration, Instant};

#[allow(clippy::cast_precision_loss)] // clock ticks and a run count, printed
fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(url) = args.first().cloned() else {
        anyhow::bail!("usage: alert_poll URL [--firing N] [--asked N] [--runs N]");
    };
    let option = |name: &str, default: usize| -> anyhow::Result<usize> {
        Ok(args
            .iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(Ok(default), |v| v.parse())?)
    };
    let (firing, asked, runs) = (
        option("--firing", 200)?,
        option("--asked", 2)?,
        option("--runs", 50)?,
    );
    let now = jiff::Timestamp::now();
    let alerts: Vec<serde_json::Value> = (0..firing)
        .map(|i| {
            serde_json::json!({
                "labels": {"alertname": format!("Alert{i}"), "instance": format!("host-{i}")},
                "startsAt": (now - jiff::SignedDuration::from_secs(60)).to_string(),
            })
        })
        .collect();
    ureq::post(&format!("{}/api/v2/alerts", url.trim_end_matches('/')))
        .header("Content-Type", "application/json")
        .send(serde_json::to_vec(&alerts)?.as_slice())?;
    let names: Vec<String> = (0..asked).map(|i| format!("Alert{i}")).collect();
    let client = Client::new(&url, None).map_err(anyhow::Error::msg)?;
    let cpu = || {
        std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                let fields: Vec<u64> = s
                    .rsplit(')')
                    .next()?
                    .split_whitespace()
                    .filter_map(|f| f.parse().ok())
                    .collect();
                // utime + stime, in clock ticks (100 a second here).
                Some(fields.get(10)? + fields.get(11)?)
            })
            .unwrap_or(0)
    };
    let cpu_before = cpu();
    let mut times: Vec<Duration> = Vec::new();
    let mut found = 0;
    for _ in 0..runs {
        let start = Instant::now();
        found = client.firing(&names).map_err(anyhow::Error::msg)?.len();
        times.push(start.elapsed());
    }
    let cpu_ticks = cpu() - cpu_before;
    times.sort();
    println!(
        "{firing} firing, {asked} asked, {found} found: median {:.2?}, worst {:.2?}, CPU {:.2} ms a poll",
        times[times.len() / 2],
        times[times.len() - 1],
        cpu_ticks as f64 * 10.0 / runs as f64
    );
    Ok(())
}
