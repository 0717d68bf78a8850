//! The generated workspace the benchmarks share: 1,000 components, 20,000 risks, 2,000 runbooks,
//! 5,000 alerts in 200 monitoring files,
//! written once per benchmark process.

use faultline::workspace_gen::{GenOptions, generate};
use std::sync::OnceLock;

pub fn workspace() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        generate(dir.path(), GenOptions::default()).expect("generate workspace");
        dir
    })
    .path()
}
