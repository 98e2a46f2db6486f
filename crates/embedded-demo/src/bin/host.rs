//! Runs a firmware demo on the host and prints its records exactly as the board does.
//!
//! `embedded-demo-host rnn` (or `mlp`): one line per result, `name kind hexbits`; exit code 1
//! and a message on stderr if the core returns an error. `cargo xtask embedded` compares this
//! output with the board's, line for line.

use std::io::Write;
use std::process::ExitCode;
use unrolled_embedded_demo::{Demo, Line, Record, Sink, describe, run};

/// Collects the lines in memory, printed at the end in one write.
struct Lines(String);

impl Sink for Lines {
    fn record(&mut self, record: Record) {
        self.0.push_str(Line::record(&record).as_str());
        self.0.push('\n');
    }
}

fn main() -> ExitCode {
    let Some(demo) = std::env::args().nth(1).and_then(|a| Demo::from_name(&a)) else {
        eprintln!("usage: embedded-demo-host <rnn|mlp>");
        return ExitCode::from(2);
    };
    let mut lines = Lines(String::new());
    let result = run(demo, &mut lines);
    let mut out = std::io::stdout().lock();
    if out.write_all(lines.0.as_bytes()).is_err() {
        return ExitCode::FAILURE;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let (what, name) = describe(&e);
            eprintln!("{} failed: {what} `{name}`: {e}", demo.name());
            ExitCode::FAILURE
        }
    }
}
