//! `cargo xtask`: the project's automation — regenerate the course, run every check CI runs.
//!
//! Kept light to compile: only the standard library.

mod bench;
mod browser;
mod embedded;
mod mutants;
mod report;
mod serve;
mod setup;
mod wasm;

use std::path::Path;
use std::process::{Command, ExitCode};

const HELP: &str = "\
cargo xtask — Unrolled's automation

USAGE:
    cargo xtask <COMMAND> [OPTIONS]

COMMANDS:
    report      Run every experiment and regenerate the course into reports/
                [--config FILE] [--out DIR] [--check: fail if reports/ is stale]
    serve       Preview the course on 127.0.0.1 and rebuild it on every save
                [--config FILE] [--port N: 0 picks a free one; default 3000]
    test        Run every check CI runs: fmt, clippy, tests, the Cortex-M4F build, the pages
    bench       Time the core against the notebooks' numpy code (--json PATH, --rounds N, --only KEYS;
                built with AVX2 where the CPU has it, never FMA; --baseline: the x86-64 baseline)
    embedded    Build the demo firmware, run it under QEMU, check it bit for bit, print its sizes
    browser     Open the pages (reports/ or DIR) in headless Chromium and validate them
    wasm        Build the pages' WebAssembly into crates/explorer/wasm/ [--check: fail if stale]
    mutants     Mutation-test the core (--report: the report crate's validation and
                output code): fail on any mutant the tests miss
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
        Some("serve") => serve::serve(args.get(1..).unwrap_or_default()),
        Some("wasm") => wasm::wasm(args.get(1..).unwrap_or_default()),
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

/// The workspace root of the checkout `cargo xtask` was run in: the nearest folder at or above
/// the current one that holds both `Cargo.toml` and `xtask/Cargo.toml`.
///
/// Found at run time, not from the path xtask was built at: a `target/` copied from another
/// checkout must not make this one's commands work on the other.
pub(crate) fn workspace_root() -> std::path::PathBuf {
    let built_at = Path::new(env!("CARGO_MANIFEST_DIR"));
    let built_at = built_at.parent().unwrap_or(built_at).to_path_buf();
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            cwd.ancestors()
                .find(|d| d.join("Cargo.toml").is_file() && d.join("xtask/Cargo.toml").is_file())
                .map(Path::to_path_buf)
        })
        .unwrap_or(built_at)
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

/// `cargo xtask test`: every check CI runs, after installing what the machine lacks (checked
/// before anything is compiled, so a missing program stops the run in its first seconds).
fn test() -> Result<(), String> {
    setup::ensure_test_requirements(&workspace_root())?;
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
    wasm::wasm(&["--check".into()])?;
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
    // Mutation testing of the core, limited to the lines the last commit changed.
    mutants::in_diff()?;
    eprintln!("xtask: all checks passed");
    Ok(())
}
