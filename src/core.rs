//! The bottom layer: the register's model and arithmetic, the runbook model, ids, findings and
//! their positions, parsing, sanitising, the clock, the worker pool, merge, blast radius, undo
//! history and the game-day draw. No file IO; imports nothing above it.

pub mod blast;
pub mod clock;
pub mod exit;
pub mod finding;
pub mod gameday_pick;
pub mod history;
pub mod id;
pub mod links;
pub mod locate;
pub mod merge;
pub mod model;
pub mod parallel;
pub mod parse;
pub mod runbook;
pub mod sanitize;
pub mod text;
