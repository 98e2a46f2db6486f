//! `cargo xtask report [--config FILE] [--out DIR] [--check]`: run every experiment (release
//! build of `unrolled-report`) and put its output into `reports/` (or DIR).
//!
//! The run writes into a fresh sibling folder that replaces the output folder only when the run
//! succeeded, so a failing run leaves the previous output untouched. `--check` regenerates into
//! a temporary folder and fails, naming each differing file, when the committed output is stale.
//! Paths are relative to the workspace root.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The default config and output folder.
const DEFAULT_CONFIG: &str = "course.toml";
const DEFAULT_OUT: &str = "reports";
/// The speed budget of all experiments together, in release, on the 2-core machine.
const BUDGET_MS: f64 = 1000.0;

/// Options of `cargo xtask report`.
struct Options {
    config: String,
    out: PathBuf,
    check: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        config: DEFAULT_CONFIG.into(),
        out: DEFAULT_OUT.into(),
        check: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or(format!("`{flag}` needs a value"))
        };
        match arg.as_str() {
            "--config" => options.config = value("--config")?,
            "--out" => options.out = value("--out")?.into(),
            "--check" => options.check = true,
            other => return Err(format!("unknown option `{other}` for `cargo xtask report`")),
        }
    }
    Ok(options)
}

/// `cargo xtask report` with its arguments.
pub fn report(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("xtask is not inside the workspace")?;
    std::env::set_current_dir(root).map_err(|e| format!("cannot enter the workspace: {e}"))?;
    if options.check {
        check(&options)
    } else {
        generate(&options)
    }
}

/// A sibling of `dir` named `.NAME.SUFFIX`, on the same file system so it can be renamed into place.
fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "reports".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.{suffix}"))
}

fn remove_dir(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove {}: {e}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Build `unrolled-report` in release and run it into `out`, printing its progress and timing.
fn run_report(config: &str, out: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    crate::run(
        &cargo,
        &["build", "--release", "--quiet", "-p", "unrolled-report"],
    )?;
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let exe = Path::new(&target).join("release/unrolled-report");
    let start = Instant::now();
    let status = Command::new(&exe)
        .args(["--config", config, "--out"])
        .arg(out)
        .status()
        .map_err(|e| format!("could not start {}: {e}", exe.display()))?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    if !status.success() {
        return Err(format!("the report run failed ({status})"));
    }
    let verdict = if ms <= BUDGET_MS { "within" } else { "OVER" };
    eprintln!(
        "xtask: benchmark: the whole run took {ms:.1} ms, {verdict} the {BUDGET_MS:.0} ms budget"
    );
    Ok(())
}

/// Regenerate into a fresh folder, then swap it into place.
fn generate(options: &Options) -> Result<(), String> {
    let fresh = sibling(&options.out, "new");
    let old = sibling(&options.out, "old");
    remove_dir(&fresh)?;
    if let Err(e) = run_report(&options.config, &fresh) {
        remove_dir(&fresh)?;
        return Err(format!("{e}; {} left as it was", options.out.display()));
    }
    remove_dir(&old)?;
    if options.out.exists() {
        std::fs::rename(&options.out, &old)
            .map_err(|e| format!("cannot move the old {} aside: {e}", options.out.display()))?;
    }
    std::fs::rename(&fresh, &options.out).map_err(|e| {
        format!(
            "cannot move the new output into {}: {e}",
            options.out.display()
        )
    })?;
    remove_dir(&old)?;
    eprintln!("xtask: wrote {}", options.out.display());
    Ok(())
}

/// Regenerate into a temporary folder and compare it with the committed output.
fn check(options: &Options) -> Result<(), String> {
    let fresh = PathBuf::from("target/xtask-report-check");
    remove_dir(&fresh)?;
    run_report(&options.config, &fresh)?;
    let mut stale = Vec::new();
    let new_files = files(&fresh)?;
    let old_files = files(&options.out)?;
    for f in &new_files {
        let committed = options.out.join(f);
        if !old_files.contains(f) {
            stale.push(format!("missing: {}", committed.display()));
        } else if std::fs::read(fresh.join(f)).ok() != std::fs::read(&committed).ok() {
            stale.push(format!("differs: {}", committed.display()));
        }
    }
    for f in old_files.iter().filter(|f| !new_files.contains(f)) {
        stale.push(format!(
            "not generated any more: {}",
            options.out.join(f).display()
        ));
    }
    remove_dir(&fresh)?;
    if stale.is_empty() {
        eprintln!("xtask: {} is up to date", options.out.display());
        Ok(())
    } else {
        Err(format!(
            "{} is stale:\n  {}\nrun cargo xtask report and commit",
            options.out.display(),
            stale.join("\n  ")
        ))
    }
}

/// Every file under `dir`, as sorted paths relative to it (none if `dir` does not exist).
fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let entries = match std::fs::read_dir(dir.join(&rel)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot list {}: {e}", dir.join(&rel).display())),
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let path = rel.join(entry.file_name());
            if entry.path().is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
