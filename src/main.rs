//! faultline's entry point: parse the command line, run, print an error once, exit.

use clap::Parser;
use faultline::cli::{Cli, Command};
use faultline::commands::{self, exit};
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The TUI and the commands never name each other: the wiring is here.
    let tui = || -> anyhow::Result<faultline::tui::Options> {
        Ok(faultline::tui::Options {
            root: commands::workspace_root(&cli)?,
            read_only: cli.read_only,
            edit: cli.edit,
            mouse: !cli.no_mouse(),
            no_run: cli.no_run,
        })
    };
    let result = match &cli.command {
        Some(Command::Runbook {
            query,
            format: faultline::cli::RunbookFormat::Open,
            ..
        }) => tui().and_then(|opts| faultline::tui::run_runbook(&opts, &query.join(" "))),
        Some(Command::Incident { .. } | Command::Gameday { .. }) if opens_view(&cli) => {
            commands::timeline::view_target(&cli).and_then(|target| match target {
                Ok(rel) => faultline::tui::run_timeline(&tui()?, &rel),
                Err(code) => Ok(code),
            })
        }
        Some(command) => {
            // Only `check --format github` writes workflow commands; every other command's
            // output passes the line guard.
            let github = matches!(
                command,
                Command::Check {
                    format: faultline::cli::CheckFormat::Github,
                    ..
                } | Command::Org {
                    action: faultline::cli::OrgCommand::Check {
                        format: faultline::cli::CheckFormat::Github
                    }
                }
            );
            let raw = BufWriter::new(io::stdout().lock());
            let mut out: Box<dyn Write> = if github {
                Box::new(raw)
            } else {
                Box::new(faultline::sanitize::LineGuard::new(raw))
            };
            commands::run(&cli, command, &mut out).and_then(|code| {
                out.flush()?;
                Ok(code)
            })
        }
        None => match &cli.org {
            Some(file) => faultline::tui::org::run(
                &faultline::tui::Options {
                    root: std::path::PathBuf::new(),
                    read_only: true,
                    edit: false,
                    mouse: !cli.no_mouse(),
                    no_run: true,
                },
                file,
                cli.cache.as_deref(),
            ),
            None => tui().and_then(|opts| faultline::tui::run(&opts)),
        },
    };
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        // A closed pipe (`faultline list | head -1`) is the reader saying it has enough.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            faultline::sanitize::eprint_line(&format!(
                "faultline: {}",
                faultline::sanitize::quote(&format!("{err:#}"))
            ));
            ExitCode::from(u8::try_from(exit::FAILURE).unwrap_or(2))
        }
    }
}

/// `open`, and `new` in a terminal, show the game day / incident view.
fn opens_view(cli: &Cli) -> bool {
    use faultline::cli::{GamedayCommand, IncidentCommand, TimelineCommand};
    use std::io::IsTerminal;
    let terminal = io::stdin().is_terminal() && io::stdout().is_terminal();
    match &cli.command {
        Some(Command::Incident { action }) => match action {
            IncidentCommand::Common(TimelineCommand::Open { .. }) => true,
            IncidentCommand::New { .. } => terminal,
            _ => false,
        },
        Some(Command::Gameday { action }) => match action {
            GamedayCommand::Common(TimelineCommand::Open { .. }) => true,
            GamedayCommand::New { .. } => terminal,
            _ => false,
        },
        _ => false,
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
