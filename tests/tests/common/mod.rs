//! Shared by the workspace tests: the checked-in config, its results, rounding for snapshots.
#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use unrolled_report::{Config, Results};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The checked-in `course.toml`, loaded.
pub fn course_config() -> Config {
    Config::load(&root().join("course.toml")).unwrap()
}

/// The results of the checked-in config, computed once per test binary.
pub fn course_results() -> &'static Results {
    static RESULTS: OnceLock<Results> = OnceLock::new();
    RESULTS.get_or_init(|| unrolled_report::run(&course_config()).unwrap())
}

/// `x` rounded to 9 significant digits (the snapshots' stated precision).
pub fn sig(x: f64) -> f64 {
    format!("{x:.8e}").parse().unwrap()
}
