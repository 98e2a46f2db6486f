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

/// The target features the harness is built with on this machine: `+avx2` where the CPU has
/// AVX2 (the check runs here, on the machine that will run the harness) and `baseline` is not
/// asked for, else none (the x86-64 baseline, 128-bit SSE2).
///
/// Never `+fma`: a fused multiply-add rounds once where `a·b + c` rounds twice, so it would
/// move bits; without the feature the compiler cannot emit one. Wider vectors alone change no
/// result (each lane is the same IEEE operation), which [`bench`] checks by comparing the
/// course the harness wrote with `reports/` byte for byte.
fn target_features(baseline: bool) -> Option<&'static str> {
    #[cfg(target_arch = "x86_64")]
    {
        if !baseline && std::arch::is_x86_feature_detected!("avx2") {
            return Some("+avx2");
        }
    }
    let _ = baseline;
    None
}

/// Whether `args` ask for the baseline build (`--baseline`), and the harness's own options,
/// in their order, without it.
fn take_baseline(args: &[String]) -> (bool, Vec<String>) {
    let baseline = args.iter().any(|a| a == "--baseline");
    let rest = args
        .iter()
        .filter(|a| *a != "--baseline")
        .cloned()
        .collect();
    (baseline, rest)
}

/// `cargo xtask bench [--baseline] [harness options]`.
///
/// On a CPU with AVX2 the harness is built with it (see [`target_features`]), in a target
/// folder of its own (`target/bench-avx2`), so the other builds stay as they are;
/// `--baseline` builds it for the x86-64 baseline instead. The course the harness's timed
/// runs wrote (workload 7 with pages) must then be `reports/` to the byte, as
/// `cargo xtask report --check` compares them; it fails the run otherwise.
pub fn bench(args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let root = crate::workspace_root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let venv = target.join("bench-venv");
    let (baseline, args) = take_baseline(args);
    let mut command = Command::new(&cargo);
    if let Some(features) = target_features(baseline) {
        eprintln!("xtask: this CPU has AVX2: the harness is built with {features} (no FMA)");
        command
            .env(
                "CARGO_ENCODED_RUSTFLAGS",
                format!("-Ctarget-feature={features}"),
            )
            .env("CARGO_TARGET_DIR", target.join("bench-avx2"));
    }
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
    // Unique per run, so two benches at once do not share it; the harness creates it.
    let pages = target.join(format!("bench-pages-{}", std::process::id()));
    crate::report::remove_dir(&pages)?;
    harness.extend([
        "--pages-out".to_string(),
        pages.to_string_lossy().into_owned(),
    ]);
    harness.extend(args);
    let outcome = crate::run_command(command.args(&harness)).and_then(|()| {
        // Absent when `--only` left workload 7 with pages out.
        if !pages.exists() {
            return Ok(());
        }
        let stale = crate::report::stale(&pages, &root.join("reports"))?;
        if stale.is_empty() {
            eprintln!("xtask: the course the bench wrote is reports/ to the byte");
            Ok(())
        } else {
            Err(format!(
                "the course this build of the bench wrote is not reports/:\n  {}\nif \
                 course.toml or the templates changed since reports/ was made, run cargo \
                 xtask report first",
                stale.join("\n  ")
            ))
        }
    });
    crate::report::remove_dir(&pages)?;
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_is_xtask_s_option_and_the_rest_go_to_the_harness() {
        let args = ["--rounds", "3", "--baseline", "--only", "mlp"].map(String::from);
        let (baseline, rest) = take_baseline(&args);
        assert!(baseline);
        assert_eq!(rest, ["--rounds", "3", "--only", "mlp"]);
        let (baseline, rest) = take_baseline(&args[..2]);
        assert!(!baseline);
        assert_eq!(rest, ["--rounds", "3"]);
    }

    #[test]
    fn avx2_only_where_the_cpu_has_it_and_never_fma() {
        assert_eq!(target_features(true), None);
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            target_features(false),
            std::arch::is_x86_feature_detected!("avx2").then_some("+avx2")
        );
        #[cfg(not(target_arch = "x86_64"))]
        assert_eq!(target_features(false), None);
        assert!(!target_features(false).unwrap_or_default().contains("fma"));
    }
}
