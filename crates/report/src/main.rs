//! `unrolled-report --config FILE --out DIR [--templates DIR]`: run every experiment, write
//! `DIR/results.json` and render the course pages from it into `DIR`.
//!
//! Prints one line per experiment with its time, then the total. `DIR` must be new, empty or
//! an earlier report of this tool (anything else is refused before the first experiment); the
//! new report is written beside it and swapped in whole, one run at a time
//! ([`unrolled_report::output`]). Exit 1 on an error, with `DIR` left as it was.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use unrolled_report::generate_with_notices;

const USAGE: &str = "usage: unrolled-report [--config FILE] [--out DIR] [--templates DIR]
  --config FILE   the course config (default: course.toml)
  --out DIR       the folder the report replaces (default: reports); it must be new,
                  empty, or written by an earlier run
  --templates DIR read the templates from DIR at run time (default: the compiled-in ones)";

fn main() -> ExitCode {
    match main_inner() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("unrolled-report: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn main_inner() -> Result<(), String> {
    let mut config_path = PathBuf::from("course.toml");
    let mut out_dir = PathBuf::from("reports");
    let mut templates: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--config" => config_path = value("--config")?.into(),
            "--out" => out_dir = value("--out")?.into(),
            "--templates" => templates = Some(value("--templates")?.into()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let start = Instant::now();
    let (_, rendered) = generate_with_notices(
        &config_path,
        &out_dir,
        templates.as_deref(),
        &mut |name, time| {
            println!("{name:<44} {:>9.3} ms", time.as_secs_f64() * 1e3);
        },
        &mut |note| eprintln!("unrolled-report: {note}"),
    )
    .map_err(|e| e.to_string())?;
    println!(
        "{:<44} {:>9.3} ms",
        "all (with loading and writing)",
        start.elapsed().as_secs_f64() * 1e3
    );
    print!("{}", rendered.summary());
    Ok(())
}
