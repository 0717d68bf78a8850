//! The workspace on disk: finding and loading it, atomic and bounded file access with the
//! containment rule, the recovery journal, git, timeline files, the runbook heading cache, the
//! monitoring config and Backstage catalogs. Imports `core` only.

pub mod alertmanager;
pub mod backstage;
pub mod fs;
pub mod git;
pub mod monitoring;
pub mod org;
pub mod recovery;
pub mod store;
pub mod timeline;
pub mod workspace_gen;
