//! faultline: a terminal UI for a team's risk register and runbooks.
//!
//! # Glossary
//! - **component**: one part of the system (`payments-api`), with one register file
//!   `registers/<component>.json`.
//! - **risk**: one way a component can fail, with likelihood, impact, detection, mitigation,
//!   status and a runbook link. Its **reference** is `component/risk-id`.
//! - **score**: likelihood × impact, each `very-low` (1) … `very-high` (5), so 1–25.
//! - **band**: where a score falls: low 1–4, medium 5–9, high 10–16, critical 20–25.
//! - **bad minutes**: a risk's expected minutes of failure a year, from its estimate, compared
//!   with the component's **error budget** ((100 − availability) % of a year).
//! - **runbook anchor**: the `#fragment` of a runbook link, a GitHub-style heading slug.
//! - **finding**: one problem at `path:line:column`, an error or a warning, with a rule id.
//! - **canonical form**: the one way a register file is written, so an edit is a one-line diff.
//! - **action**: a named thing the user can do; keys map to actions through the keymap.
//!
//! # Data flow
//! `terminal event → keymap → Action → App::update → state → render`. Rendering is pure; file IO
//! lives in `store` and the commands.

// The layers, bottom to top: each imports only from its own layer or below (tests/layers.rs).
pub mod analysis;
pub mod cli;
pub mod commands;
pub mod core;
pub mod tui;
pub mod workspace;

// The modules by their old flat paths, while callers move over.
pub use crate::analysis::{
    check, coverage, diff, export, followups, import, list, org_view, rank, readiness, report,
    search, stats, workbook,
};
pub use crate::core::{
    blast, clock, finding, gameday_pick, history, locate, merge, model, parallel, parse, runbook,
    sanitize,
};
pub use crate::tui::{
    action, app, editor, effects, form, keymap, markdown, mouse, polling, run, screen, terminal,
    ui, viewer,
};
pub use crate::workspace::{
    alertmanager, backstage, git, monitoring, org, recovery, store, timeline, workspace_gen,
};
