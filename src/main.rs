//! faultline's entry point: parse the command line, run, print an error once, exit.

use clap::Parser;
use faultline::cli::{Cli, Command};
use faultline::commands::{self, exit};
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Runbook { query }) => faultline::tui::run_runbook(&cli, &query.join(" ")),
        Some(command) => {
            let mut out = BufWriter::new(io::stdout().lock());
            commands::run(&cli, command, &mut out).and_then(|code| {
                out.flush()?;
                Ok(code)
            })
        }
        None => faultline::tui::run(&cli),
    };
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        // A closed pipe (`faultline list | head -1`) is the reader saying it has enough.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("faultline: {err:#}");
            ExitCode::from(u8::try_from(exit::FAILURE).unwrap_or(2))
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(io::ErrorKind::BrokenPipe)
    })
}
