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

pub mod action;
pub mod app;
pub mod backstage;
pub mod blast;
pub mod check;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod diff;
pub mod draw;
pub mod editor;
pub mod effects;
pub mod export;
pub mod finding;
pub mod form;
pub mod git;
pub mod heading_cache;
pub mod history;
pub mod import;
pub mod keymap;
pub mod list;
pub mod locate;
pub mod markdown;
pub mod merge;
pub mod model;
pub mod monitoring;
pub mod mouse;
pub mod parallel;
pub mod parse;
pub mod recovery;
pub mod report;
pub mod runbook;
pub mod runbook_find;
pub mod sanitize;
pub mod screen;
pub mod search;
pub mod store;
pub mod terminal;
pub mod timeline;
pub mod tui;
pub mod ui;
pub mod viewer;
pub mod workbook;
pub mod workspace_gen;
