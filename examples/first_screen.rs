//! Times a terminal program from spawn to its first screen, as a person sees it: in a
//! pseudo-terminal of 80×24, until the screen shows a given text. Used by
//! `bench/compare.sh` to put faultline beside the tools people would use instead.
//!
//! `cargo run --release --example first_screen -- [--runs N] [--size 80x24] 'NEEDLE' -- CMD ARGS… [-- 'NEEDLE2' -- CMD2 ARGS…]`
//!
//! Each command runs N times, interleaved with the others (so a busy moment of the machine
//! hits all of them alike), and the median, min and max are printed in milliseconds.

#![allow(clippy::expect_used)] // a measuring tool: a poisoned lock or a zero size is a bug to see

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Case {
    needle: String,
    argv: Vec<String>,
    times: Vec<f64>,
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 9;
    let (mut cols, mut rows) = (80u16, 24u16);
    loop {
        match args.first().map(String::as_str) {
            Some("--runs") => {
                runs = args[1].parse()?;
                args.drain(..2);
            }
            Some("--size") => {
                let (c, r) = args[1]
                    .split_once('x')
                    .ok_or_else(|| anyhow::anyhow!("--size COLSxROWS"))?;
                (cols, rows) = (c.parse()?, r.parse()?);
                args.drain(..2);
            }
            _ => break,
        }
    }
    let mut cases = Vec::new();
    let mut rest = args.as_slice();
    while let Some((needle, after)) = rest.split_first() {
        let after = after.strip_prefix(&["--".to_owned()][..]).unwrap_or(after);
        let end = after.iter().position(|a| a == "--").unwrap_or(after.len());
        cases.push(Case {
            needle: needle.clone(),
            argv: after[..end].to_vec(),
            times: Vec::new(),
        });
        rest = after.get(end + 1..).unwrap_or_default();
    }
    anyhow::ensure!(
        !cases.is_empty(),
        "usage: first_screen [--runs N] NEEDLE -- CMD ARGS… [-- NEEDLE -- CMD …]"
    );
    for _ in 0..runs {
        for case in &mut cases {
            case.times
                .push(time_once(&case.argv, &case.needle, cols, rows)?);
        }
    }
    for case in &mut cases {
        case.times.sort_by(f64::total_cmp);
        let median = case.times[case.times.len() / 2];
        println!(
            "{median:8.1} ms median  ({:.1}–{:.1})  {}",
            case.times[0],
            case.times[case.times.len() - 1],
            case.argv.join(" ")
        );
    }
    Ok(())
}

/// Milliseconds from spawn until the screen holds `needle`.
fn time_once(argv: &[String], needle: &str, cols: u16, rows: u16) -> anyhow::Result<f64> {
    let pair = native_pty_system().openpty(PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    })?;
    let mut command = CommandBuilder::new(&argv[0]);
    command.args(&argv[1..]);
    command.cwd(std::env::current_dir()?);
    command.env("TERM", "xterm-256color");
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(command)?;
    let mut reader = pair.master.try_clone_reader()?;
    let seen = Arc::new(Mutex::new(None::<Instant>));
    let seen_by_reader = Arc::clone(&seen);
    let needle = needle.to_owned();
    let reader_thread = std::thread::spawn(move || {
        let nonzero = |n: u16| std::num::NonZero::new(n.max(1)).expect("at least 1");
        let mut parser = vt100::Parser::new(nonzero(rows), nonzero(cols), 0);
        // Small reads, so text that scrolls past within one read is still seen.
        let mut buf = vec![0u8; 256];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.process(&buf[..n]);
            if parser.screen().contents().contains(&needle) {
                *seen_by_reader.lock().expect("lock") = Some(Instant::now());
                break;
            }
        }
    });
    let deadline = start + Duration::from_secs(20);
    let at = loop {
        if let Some(at) = *seen.lock().expect("lock") {
            break at;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the screen never showed the text from {}",
            argv.join(" ")
        );
        std::thread::sleep(Duration::from_micros(200));
    };
    let _ = child.kill();
    let _ = child.wait();
    drop(pair.master);
    let _ = reader_thread.join();
    Ok((at - start).as_secs_f64() * 1000.0)
}
