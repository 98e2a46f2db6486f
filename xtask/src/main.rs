//! `cargo xtask`: the project's automation — regenerate the course, run every check CI runs.
//!
//! Kept light to compile: only the standard library.

mod bench;
mod embedded;
mod report;

use std::process::{Command, ExitCode};

const HELP: &str = "\
cargo xtask — Unrolled's automation

USAGE:
    cargo xtask <COMMAND> [OPTIONS]

COMMANDS:
    report      Run every experiment and regenerate the course into reports/
                [--config FILE] [--out DIR] [--check: fail if reports/ is stale]
    test        Run every check CI runs: fmt, clippy, tests, the Cortex-M4F build
    bench       Time the core against the notebooks' numpy code (--json PATH, --rounds N, --only KEYS)
    embedded    Build the demo firmware, run it under QEMU, check it bit for bit, print its sizes
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
        Some("report") => report::report(args.get(1..).unwrap_or_default()),
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

/// The embedded target the core must build for.
const THUMB: &str = "thumbv7em-none-eabihf";

/// Run a command, echoing it; fail with its name if it fails.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// Run a command with one extra environment variable; fail with its name if it fails.
fn run_with_env(program: &str, args: &[&str], (key, value): (&str, &str)) -> Result<(), String> {
    eprintln!("$ {key}={value:?} {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .env(key, value)
        .status()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
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
    run_with_env(
        &cargo,
        &["doc", "-p", "unrolled", "--no-deps"],
        ("RUSTDOCFLAGS", "-D warnings"),
    )?;
    embedded::run()?;
    eprintln!("xtask: all checks passed");
    Ok(())
}
