//! Pure functions from the workspace's contents to findings, text or new registers: check, diff,
//! search, `runbook QUERY`, list, reports, export and import. Imports `core` and `workspace`.

pub mod check;
pub mod coverage;
pub mod diff;
pub mod export;
pub mod followups;
pub mod import;
pub mod list;
pub mod org_view;
pub mod rank;
pub mod readiness;
pub mod report;
pub mod search;
pub mod stats;
pub mod workbook;
