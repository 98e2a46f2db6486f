//! `cargo xtask mutants`: mutation testing with cargo-mutants — every mutant of `crates/core`
//! must be caught by the core's own tests, and (`--report`) every mutant of the report
//! crate's config validation and output swapping by the report crate's and the workspace
//! tests; or be listed, with the reason no behaviour tells it apart, in `.cargo/mutants.toml`.
//!
//! The shared settings (no doctests, the lean build profile, the accepted equivalents) live in
//! `.cargo/mutants.toml`, so a plain `cargo mutants -p unrolled` behaves the same for the core.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::{run_command, workspace_root};

/// The cargo-mutants release this project runs: the newest that builds with Rust 1.95.
const VERSION: &str = "27.1.0";
/// What one mutation run covers: the code mutated and the tests that must catch it.
struct Target {
    /// The package whose mutants are generated.
    package: &'static str,
    /// The files mutated, relative to the workspace root: a folder or single files. Only
    /// changes here make mutants for `--in-diff`.
    paths: &'static [&'static str],
    /// The packages whose tests run against every mutant (the mutated one's own when empty).
    test_packages: &'static [&'static str],
}

/// The core: all of it, judged by its own tests.
const CORE: Target = Target {
    package: "unrolled",
    paths: &["crates/core/src"],
    test_packages: &[],
};

/// The report crate's promises of issue-sized weight: which configs are accepted (validation)
/// and that a user's files are never lost (output ownership, lock and swap). Judged by the
/// crate's unit tests and the workspace tests (`tests/`: config errors, output safety).
const REPORT: Target = Target {
    package: "unrolled-report",
    paths: &[
        "crates/report/src/config/validate.rs",
        "crates/report/src/output.rs",
    ],
    test_packages: &["unrolled-report", "unrolled-tests"],
};
/// The branch a change is measured against when it is not checked out itself.
const MAIN: &str = "main";

/// `cargo xtask mutants [--report] [--in-diff [BASE]] [--jobs N] [--file GLOB]…`.
///
/// Without `--in-diff`, every mutant of the core (with `--report`, of the report crate's
/// validation and output code); with it, only those in lines changed since `BASE` (default:
/// see [`default_base`]). Errors: bad arguments, cargo-mutants missing and not installable, a
/// failed baseline, or any mutant missed.
pub fn mutants(args: &[String]) -> Result<(), String> {
    let mut target = &CORE;
    let mut jobs = None;
    let mut diff_base: Option<Option<String>> = None;
    let mut files = Vec::new();
    let mut rest = args.iter().peekable();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--report" => target = &REPORT,
            "--in-diff" => {
                let base = rest.next_if(|next| !next.starts_with('-')).cloned();
                diff_base = Some(base);
            }
            "--jobs" | "-j" => {
                let value = rest.next().ok_or("`--jobs` needs a number")?;
                jobs = Some(
                    value
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("`--jobs {value}`: expected a number > 0"))?,
                );
            }
            "--file" | "-f" => {
                files.push(rest.next().ok_or("`--file` needs a glob")?.clone());
            }
            other => {
                return Err(format!(
                    "mutants: unknown option `{other}` (expected --report, --in-diff [BASE], --jobs N, --file GLOB)"
                ));
            }
        }
    }
    let mut extra = Vec::new();
    for file in &files {
        extra.extend(["--file".to_owned(), file.clone()]);
    }
    if files.is_empty() {
        for path in target.paths {
            // A folder's files, or the one file.
            let glob = if path.ends_with(".rs") {
                (*path).to_owned()
            } else {
                format!("{path}/**")
            };
            extra.extend(["--file".to_owned(), glob]);
        }
    }
    match (diff_base, jobs) {
        (Some(base), jobs) => in_diff_since(
            target,
            base.as_deref(),
            jobs.unwrap_or(IN_DIFF_JOBS),
            &extra,
        ),
        // Others share the machine: one mutant at a time unless asked.
        (None, jobs) => run_mutants(target, jobs.unwrap_or(1), &extra),
    }
}

/// Parallel builds for `--in-diff` outside CI: one, as the extra copy of a second job would
/// build every dependency again, longer than the few mutants of a change take.
const IN_DIFF_JOBS: usize = 1;

/// The cheap check CI runs: only the mutants in lines of the core, and of the report crate's
/// validation and output code, changed since the default base ([`default_base`]); passes at
/// once when the change touches neither.
///
/// In CI (`CI=true`, a throwaway clone) the mutants are tried in place, in the warm target/
/// the earlier checks left, which spares building every dependency again in a scratch copy;
/// elsewhere a copy keeps the working tree untouched even if the run is killed.
pub fn in_diff() -> Result<(), String> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    for target in [&CORE, &REPORT] {
        if ci {
            in_diff_since(target, None, 1, &["--in-place".to_owned()])?;
        } else {
            in_diff_since(target, None, IN_DIFF_JOBS, &[])?;
        }
    }
    Ok(())
}

/// Mutants of `target` in the lines changed between `base` (or [`default_base`]) and the
/// working tree.
fn in_diff_since(
    target: &Target,
    base: Option<&str>,
    jobs: usize,
    extra: &[String],
) -> Result<(), String> {
    let root = workspace_root();
    let base = match base {
        Some(base) => base.to_owned(),
        None => match default_base(&root)? {
            Some(base) => base,
            None => {
                eprintln!("xtask: mutants: no earlier commit to compare with; nothing to mutate");
                return Ok(());
            }
        },
    };
    let mut args = vec!["diff", "--no-color", "--unified=0", base.as_str(), "--"];
    args.extend(target.paths);
    let diff = git(&root, &args)?;
    let paths = target.paths.join(", ");
    if diff.trim().is_empty() {
        eprintln!("xtask: mutants: no change in {paths} since {base}; nothing to mutate");
        return Ok(());
    }
    let patch = root.join("target").join("mutants-in-diff.patch");
    std::fs::create_dir_all(root.join("target"))
        .and_then(|()| std::fs::write(&patch, diff))
        .map_err(|e| format!("could not write {}: {e}", patch.display()))?;
    eprintln!("xtask: mutants: only lines of {paths} changed since {base}");
    let mut args = vec!["--in-diff".to_owned(), patch.display().to_string()];
    args.extend_from_slice(extra);
    run_mutants(target, jobs, &args)
}

/// What a change is compared with: the merge base with `main` when another branch is checked
/// out, else the previous commit (on `main` itself, as in CI, that is the previous main commit).
/// `None` when there is no such commit (a repository of one commit, or a shallow clone).
fn default_base(root: &Path) -> Result<Option<String>, String> {
    let head = git(root, &["rev-parse", "HEAD"])?;
    if let Ok(main) = git(root, &["rev-parse", "--verify", "--quiet", MAIN]) {
        if main.trim() != head.trim() {
            return git(root, &["merge-base", MAIN, "HEAD"]).map(|b| Some(b.trim().to_owned()));
        }
    }
    Ok(git(root, &["rev-parse", "--verify", "--quiet", "HEAD~1"])
        .ok()
        .map(|b| b.trim().to_owned()))
}

/// Run git in `root` and return what it printed; fail with its message.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|e| format!("git {args:?}: {e}"))
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Install the pinned cargo-mutants unless it is already there.
fn ensure_cargo_mutants(cargo: &str) -> Result<(), String> {
    let installed = Command::new(cargo)
        .args(["mutants", "--version"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let wanted = format!("cargo-mutants {VERSION}");
    if installed.as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    if let Some(other) = installed {
        eprintln!("xtask: mutants: found {other}, installing {VERSION}");
    }
    run_command(Command::new(cargo).args([
        "install",
        "--locked",
        "cargo-mutants",
        "--version",
        VERSION,
    ]))
    .map_err(|e| {
        format!("cargo-mutants {VERSION} is missing and could not be installed ({e}); install it with `cargo install --locked cargo-mutants --version {VERSION}`")
    })
}

/// Run cargo-mutants over `target` with `jobs` parallel builds and `extra` arguments; report
/// the outcome counts and the wall time, and fail if any mutant was missed.
fn run_mutants(target: &Target, jobs: usize, extra: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    ensure_cargo_mutants(&cargo)?;
    let root = workspace_root();
    let out = root.join("target");
    let report = out.join("mutants.out");
    // A run that finds nothing to mutate writes no report: never count an older one.
    if report.exists() {
        std::fs::remove_dir_all(&report)
            .map_err(|e| format!("could not remove the old {}: {e}", report.display()))?;
    }
    let jobs = jobs.to_string();
    let started = Instant::now();
    let mut command = Command::new(&cargo);
    command
        .current_dir(&root)
        .args(["mutants", "--package", target.package, "--colors", "never"])
        .arg("--output")
        .arg(&out)
        .args(extra);
    for package in target.test_packages {
        command.args(["--test-package", package]);
    }
    // In place there is one tree, so one job (cargo-mutants refuses `--jobs` with it).
    if !extra.iter().any(|a| a == "--in-place") {
        command.args(["--jobs", &jobs]);
    }
    let status = command
        .status()
        .map_err(|e| format!("could not start cargo mutants: {e}"))?;
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    let counts = summary(&report);
    eprintln!(
        "xtask: mutants: {counts} in {minutes:.1} min (details in {})",
        report.display()
    );
    // cargo-mutants' exit codes: 0 all caught, 2 some missed, 3 some timed out, 4 baseline failed.
    match status.code() {
        Some(0) => Ok(()),
        Some(3) => {
            // A timeout is a mutant that made the tests hang: the tests did not pass, so it is
            // caught; they are listed so that a hang in a test itself gets noticed.
            eprintln!(
                "xtask: mutants: timed out (counted as caught):\n{}",
                list(&report, "timeout.txt")
            );
            Ok(())
        }
        Some(2) => Err(format!(
            "missed mutants — add a test that fails on each, or, if no behaviour can tell it apart, list it with the reason in .cargo/mutants.toml:\n{}",
            list(&report, "missed.txt")
        )),
        Some(4) => Err("the tests fail without any mutation: fix them first".into()),
        _ => Err(format!("cargo mutants failed ({status})")),
    }
}

/// The lines of one of cargo-mutants' outcome lists in `report`, indented.
fn list(report: &Path, name: &str) -> String {
    std::fs::read_to_string(report.join(name))
        .unwrap_or_default()
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect()
}

/// "N mutants: C caught, M missed, U unviable, T timed out", from the outcome lists.
fn summary(report: &Path) -> String {
    let count = |name: &str| -> usize {
        std::fs::read_to_string(PathBuf::from(report).join(name))
            .map(|s| s.lines().filter(|l| !l.trim().is_empty()).count())
            .unwrap_or(0)
    };
    let [caught, missed, unviable, timeout] =
        ["caught.txt", "missed.txt", "unviable.txt", "timeout.txt"].map(count);
    format!(
        "{} mutants: {caught} caught, {missed} missed, {unviable} unviable, {timeout} timed out",
        caught + missed + unviable + timeout
    )
}
