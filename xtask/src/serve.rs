//! `cargo xtask serve [--config FILE] [--port N]`: build the runner (release) and the preview
//! server, then hand over to `unrolled-serve`, which serves the course on 127.0.0.1 and
//! rebuilds it on every save.
//!
//! The server lives in its own crate (`crates/serve`) so that xtask stays std-only. On Unix
//! this process becomes the server (exec), so Ctrl-C reaches it alone and it can clean up.

use std::path::Path;
use std::process::Command;

/// `cargo xtask serve` with its arguments.
pub fn serve(args: &[String]) -> Result<(), String> {
    let mut forwarded: Vec<String> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            flag @ ("--config" | "--port") => {
                let value = args.next().ok_or(format!("`{flag}` needs a value"))?;
                forwarded.extend([flag.to_string(), value.clone()]);
            }
            other => return Err(format!("unknown option `{other}` for `cargo xtask serve`")),
        }
    }
    let root = crate::workspace_root();
    std::env::set_current_dir(&root).map_err(|e| format!("cannot enter the workspace: {e}"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    crate::run(
        &cargo,
        &["build", "--release", "--quiet", "-p", "unrolled-report"],
    )?;
    crate::run(&cargo, &["build", "--quiet", "-p", "unrolled-serve"])?;
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let exe = std::env::consts::EXE_SUFFIX;
    let runner = Path::new(&target).join(format!("release/unrolled-report{exe}"));
    let mut server = Command::new(Path::new(&target).join(format!("debug/unrolled-serve{exe}")));
    server.arg("--runner").arg(runner).args(&forwarded);
    hand_over(&mut server)
}

/// Become `command` (Unix), or run it to its end.
#[cfg(unix)]
fn hand_over(command: &mut Command) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let shown = format!("{command:?}");
    let error = command.exec();
    Err(format!("could not start {shown}: {error}"))
}

/// Become `command` (Unix), or run it to its end.
#[cfg(not(unix))]
fn hand_over(command: &mut Command) -> Result<(), String> {
    crate::run_command(command)
}
