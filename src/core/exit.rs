//! The exit codes every command and the TUI share: 0 done, 1 findings (or changes with
//! `--exit-code`), 2 a usage or I/O failure, or no answer (`runbook QUERY` with no good match).

pub const OK: i32 = 0;
pub const FINDINGS: i32 = 1;
pub const FAILURE: i32 = 2;
