//! The register's data and its arithmetic (score, band, bad minutes, budget), with no IO.

pub mod canonical;
pub mod fields;
pub mod follow_up;
pub mod level;
pub mod register;
pub mod timeline;

pub use follow_up::{FollowUp, FollowUpStatus};
pub use level::{Band, Level, Status, score};
pub use register::{
    BUDGET_SHARE_LIMIT, DEFAULT_CATEGORIES, Date, Estimate, MINUTES_PER_YEAR, Num, Objectives,
    Register, Rehearsal, Risk,
};

pub use crate::core::id::{is_valid_id, short_name, suggest_id};
pub use canonical::to_canonical;
