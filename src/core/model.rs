//! The register's data and its arithmetic (score, band, bad minutes, budget), with no IO.

pub mod canonical;
pub mod fields;
pub mod level;
pub mod register;
pub mod timeline;

pub use level::{Band, Level, Status, score};
pub use register::{
    BUDGET_SHARE_LIMIT, Date, Estimate, MINUTES_PER_YEAR, Num, Objectives, Register, Rehearsal,
    Risk,
};

pub use crate::core::id::{short_name, suggest_id};
pub use canonical::to_canonical;
