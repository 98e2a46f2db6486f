//! `cargo xtask bench`: the core against the notebooks' numpy code, side by side in one run.
//!
//! Makes a virtual environment under `target/bench-venv`, fills it with a pinned numpy, then runs
//! the release harness `unrolled-bench` with that Python. If Python or numpy cannot be had, the
//! harness still runs and prints the Rust figures.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run;

/// The numpy the reference side runs.
const NUMPY: &str = "2.4.6";

/// The venv's interpreter.
fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// numpy's version in `python`, if it imports.
fn numpy_version(python: &Path) -> Option<String> {
    let out = Command::new(python)
        .args(["-c", "import numpy; print(numpy.__version__)"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Create `venv` with the system Python if needed and install the pinned numpy into it.
fn ensure_venv(venv: &Path) -> Result<PathBuf, String> {
    let python = venv_python(venv);
    if !python.exists() {
        let system = std::env::var("UNROLLED_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
        let venv_arg = venv.to_string_lossy();
        run(&system, &["-m", "venv", &venv_arg])?;
    }
    if numpy_version(&python).as_deref() != Some(NUMPY) {
        let pin = format!("numpy=={NUMPY}");
        run(
            &python.to_string_lossy(),
            &[
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                &pin,
            ],
        )?;
    }
    match numpy_version(&python) {
        Some(v) if v == NUMPY => Ok(python),
        other => Err(format!(
            "numpy {NUMPY} expected in the venv, found {other:?}"
        )),
    }
}

/// `cargo xtask bench [harness options]`.
pub fn bench(args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let root = crate::workspace_root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let venv = target.join("bench-venv");
    let mut harness: Vec<String> = ["run", "--release", "--quiet", "-p", "unrolled-bench", "--"]
        .map(String::from)
        .to_vec();
    match ensure_venv(&venv) {
        Ok(python) => {
            harness.push("--python".into());
            harness.push(python.to_string_lossy().into_owned());
        }
        Err(e) => {
            eprintln!("xtask: warning: no Python with numpy ({e}); the numpy columns will read n/a")
        }
    }
    harness.extend(args.iter().cloned());
    let harness: Vec<&str> = harness.iter().map(String::as_str).collect();
    run(&cargo, &harness)
}
