//! `cargo xtask`: the project's automation — regenerate the course, run every check CI runs.
//!
//! Kept light to compile: only the standard library.

mod bench;
mod browser;
mod embedded;
mod mutants;
mod report;

use std::path::Path;
use std::process::{Command, ExitCode};

const HELP: &str = "\
cargo xtask — Unrolled's automation

USAGE:
    cargo xtask <COMMAND> [OPTIONS]

COMMANDS:
    report      Run every experiment and regenerate the course into reports/
                [--config FILE] [--out DIR] [--check: fail if reports/ is stale]
    test        Run every check CI runs: fmt, clippy, tests, the Cortex-M4F build, the pages
    bench       Time the core against the notebooks' numpy code (--json PATH, --rounds N, --only KEYS)
    embedded    Build the demo firmware, run it under QEMU, check it bit for bit, print its sizes
    browser     Open the pages (reports/ or DIR) in headless Chromium and validate them
    mutants     Mutation-test the core: fail on any mutant its tests miss
                [--in-diff [BASE]: only lines changed since BASE] [--jobs N] [--file GLOB]
    help        Print this help
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => {
            print!("{HELP}");
            Ok(())
        }
        Some("test") => test(),
        Some("bench") => bench::bench(args.get(1..).unwrap_or_default()),
        Some("embedded") => embedded::run(),
        Some("browser") => browser::check(
            &workspace_root(),
            Path::new(args.get(1).map_or("reports", String::as_str)),
        ),
        Some("report") => report::report(args.get(1..).unwrap_or_default()),
        Some("mutants") => mutants::mutants(args.get(1..).unwrap_or_default()),
        Some(other) => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's folder.
fn workspace_root() -> std::path::PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The embedded target the core must build for.
const THUMB: &str = "thumbv7em-none-eabihf";

/// Run a prepared command (program, arguments, folder, environment), echoing it; fail naming
/// it if it cannot start or exits unsuccessfully.
fn run_command(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    eprintln!("$ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Run `program` with `args`, echoing it; fail naming it if it fails.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_command(Command::new(program).args(args))
}

/// Make sure the Cortex-M4F target is installed, installing it with rustup when missing.
fn ensure_thumb_target() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to install the {THUMB} target: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == THUMB)
    {
        return Ok(());
    }
    run("rustup", &["target", "add", THUMB]).map_err(|e| {
        format!("the {THUMB} target is missing and could not be installed ({e}); install it with `rustup target add {THUMB}`")
    })
}

/// `cargo xtask test`: every check CI runs.
fn test() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(&cargo, &["fmt", "--all", "--check"])?;
    run(
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    run(&cargo, &["test", "--workspace"])?;
    // The optional serde feature: its derives are tested, and it must stay no_std.
    run(
        &cargo,
        &[
            "test",
            "-p",
            "unrolled",
            "--features",
            "serde",
            "--test",
            "serde",
        ],
    )?;
    report::report(&["--check".into()])?;
    ensure_thumb_target()?;
    run(
        &cargo,
        &["build", "-p", "unrolled", "--target", THUMB, "--release"],
    )?;
    run(
        &cargo,
        &[
            "build",
            "-p",
            "unrolled",
            "--features",
            "serde",
            "--target",
            THUMB,
            "--release",
        ],
    )?;
    // Every public item documented, every intra-doc link resolving.
    run_command(
        Command::new(&cargo)
            .args(["doc", "-p", "unrolled", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    embedded::run()?;
    browser::check(&workspace_root(), Path::new("reports"))?;
    eprintln!("xtask: all checks passed");
    Ok(())
}
