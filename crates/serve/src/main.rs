//! `unrolled-serve`: preview the course on a loopback port and rebuild it on every save.
//!
//! `cargo xtask serve` builds this and the runner (`unrolled-report`, release) and starts it.
//! It runs the course once into a scratch folder, serves it on `127.0.0.1`, and watches the
//! templates, the config, the dataset files the config names, and `crates/`. A template or
//! config change re-runs the course (no Rust build: the runner reads the templates at run
//! time); a change under `crates/` rebuilds the runner first. Open pages reload when the new
//! output is ready. A failed build shows its error over the last good pages, and in the
//! terminal, until a save fixes it. Ctrl-C stops it and removes the scratch folder.
//!
//! | module | |
//! | --- | --- |
//! | [`watch`] | what is watched and what a change asks for |
//! | [`runner`] | running `unrolled-report` and `cargo build`, the scratch folder |
//! | [`site`] | what a request gets: files, the reload script, the error overlay |
//! | [`server`] | the HTTP server and the state it serves |

mod runner;
mod server;
mod site;
mod watch;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use runner::{Outcome, Runner, Scratch};
use server::Shared;
use watch::{Change, Inputs};

const USAGE: &str = "usage: unrolled-serve [--root DIR] [--config FILE] [--port N] [--runner EXE]
  --root DIR      the checkout: its templates/, crates/ and config (default: .)
  --config FILE   the course config, relative to the checkout (default: course.toml)
  --port N        the port on 127.0.0.1; 0 picks a free one (default: 3000)
  --runner EXE    the unrolled-report binary (default: target/release/unrolled-report)";

/// A batch of changes is complete once no event came for this long: editors save in several
/// steps (write a temporary file, rename it over the old one).
const QUIET: Duration = Duration::from_millis(40);
/// A batch is cut after this long even if events keep coming.
const LONGEST_BATCH: Duration = Duration::from_millis(400);

/// The command line.
#[derive(Debug)]
struct Options {
    root: PathBuf,
    config: PathBuf,
    port: u16,
    runner: Option<PathBuf>,
}

/// What reaches the build loop.
enum Event {
    /// The watcher saw these paths change.
    Changed(Vec<PathBuf>),
    /// Ctrl-C (or SIGTERM).
    Stop,
}

fn main() -> ExitCode {
    match main_inner() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("unrolled-serve: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        root: PathBuf::from("."),
        config: PathBuf::from("course.toml"),
        port: 3000,
        runner: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--root" => options.root = value("--root")?.into(),
            "--config" => options.config = value("--config")?.into(),
            "--port" => {
                let port = value("--port")?;
                options.port = port
                    .parse()
                    .map_err(|_| format!("--port needs a number from 0 to 65535, not `{port}`"))?;
            }
            "--runner" => options.runner = Some(value("--runner")?.into()),
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(Some(options))
}

fn main_inner() -> Result<(), String> {
    let Some(options) = parse(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let root = options
        .root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", options.root.display()))?;
    let templates = root.join("templates");
    if !templates.is_dir() {
        return Err(format!("no templates/ folder in {}", root.display()));
    }
    let config = watch::normalize(&root.join(&options.config));
    if !config.is_file() {
        return Err(format!("{}: no such config file", options.config.display()));
    }
    let crates = Some(root.join("crates")).filter(|c| c.is_dir());
    let exe = match options.runner {
        Some(exe) => exe,
        None => default_runner(&root),
    };
    // Absolute, as the runner is started in the checkout, not here.
    let exe = exe.canonicalize().map_err(|e| {
        format!(
            "no runner at {} ({e}): build it with `cargo build --release -p unrolled-report` (cargo xtask serve does)",
            exe.display()
        )
    })?;
    let runner = Runner {
        root: root.clone(),
        config: options.config,
        // Relative, as the runner runs in the checkout: its errors then name `templates/…`.
        templates: PathBuf::from("templates"),
        exe,
        cargo: std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
    };
    let scratch = Scratch::create()?;

    let stop = Arc::new(AtomicBool::new(false));
    let (events, received) = channel();
    {
        let stop = Arc::clone(&stop);
        let events = events.clone();
        ctrlc::set_handler(move || {
            stop.store(true, Ordering::SeqCst);
            let _ = events.send(Event::Stop);
        })
        .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
    }
    let (http, port) = server::bind(options.port)?;
    let http = Arc::new(http);
    let shared = Arc::new(Shared::default());
    let mut publisher = Publisher {
        shared: Arc::clone(&shared),
        epoch: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis()),
        n: 0,
    };
    publisher.publish(|_| {});
    let serving = {
        let (http, shared) = (Arc::clone(&http), Arc::clone(&shared));
        std::thread::spawn(move || server::run(http, shared, port))
    };
    println!("unrolled-serve: serving the course at http://127.0.0.1:{port}/ (Ctrl-C stops)");
    // A send fails only once the build loop has ended: the server is stopping then.
    let inputs = Inputs::watch(templates, crates, config, move |paths| {
        let _ = events.send(Event::Changed(paths));
    });
    let result = match inputs {
        Ok(mut inputs) => {
            build_loop(
                &runner,
                &scratch,
                &stop,
                &received,
                &mut inputs,
                &mut publisher,
            );
            Ok(())
        }
        Err(e) => Err(e),
    };
    shared.publish(|s| s.stopping = true);
    http.unblock();
    let _ = serving.join();
    drop(scratch);
    println!("unrolled-serve: stopped");
    result
}

/// Publishes into the served state, each change under a new generation: the server's start
/// time and a count, so pages also reload when the server was restarted.
struct Publisher {
    shared: Arc<Shared>,
    epoch: u128,
    n: u64,
}

impl Publisher {
    /// Change the served state with `update` and give it a new generation.
    fn publish(&mut self, update: impl FnOnce(&mut server::State)) {
        let generation = format!("{}-{}", self.epoch, self.n);
        self.n += 1;
        self.shared.publish(|s| {
            update(s);
            s.generation = generation;
        });
    }
}

/// Where cargo puts the release runner: `CARGO_TARGET_DIR` (relative to the checkout) or
/// `target/`.
fn default_runner(root: &Path) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |t| root.join(t));
    target
        .join("release")
        .join(format!("unrolled-report{}", std::env::consts::EXE_SUFFIX))
}

/// Build, publish, wait for a change, and again, until Ctrl-C.
fn build_loop(
    runner: &Runner,
    scratch: &Scratch,
    stop: &AtomicBool,
    events: &Receiver<Event>,
    inputs: &mut Inputs,
    publisher: &mut Publisher,
) {
    let mut change = Change {
        course: true,
        ..Change::default()
    };
    // A failed runner build is retried on every change until it succeeds, so a template edit
    // in between does not hide it behind the old runner's pages.
    let mut runner_broken = false;
    let mut showing_error = false;
    loop {
        if change.config {
            inputs.read_config();
        }
        let mut failed = None;
        if change.runner || runner_broken {
            println!("unrolled-serve: crates/ changed, rebuilding the runner…");
            let start = Instant::now();
            let before = modified(&runner.exe);
            match runner.rebuild(stop) {
                Outcome::Stopped => return,
                Outcome::Failed(text) => failed = Some(text),
                Outcome::Done(()) => {
                    // A change outside the runner's crates leaves it as it was: no new pages
                    // then, unless they show an error that this build may have fixed.
                    let rebuilt = modified(&runner.exe) != before;
                    change.course |= rebuilt || showing_error;
                    println!(
                        "unrolled-serve: {} in {:.1} s",
                        if rebuilt {
                            "rebuilt the runner"
                        } else {
                            "the runner is up to date"
                        },
                        start.elapsed().as_secs_f64()
                    );
                }
            }
            runner_broken = failed.is_some();
        }
        if failed.is_none() && change.course {
            let start = Instant::now();
            match runner.generate(scratch, stop) {
                Outcome::Stopped => return,
                Outcome::Failed(text) => failed = Some(text),
                Outcome::Done(files) => {
                    let files = Arc::new(files);
                    publisher.publish(|s| {
                        s.files = Some(Arc::clone(&files));
                        s.error = None;
                    });
                    showing_error = false;
                    println!(
                        "unrolled-serve: rebuilt the course in {:.0} ms",
                        start.elapsed().as_secs_f64() * 1e3
                    );
                }
            }
        }
        if let Some(text) = failed {
            eprintln!("{text}");
            eprintln!("unrolled-serve: the last good pages stay served; save a fix to rebuild");
            publisher.publish(|s| s.error = Some(text));
            showing_error = true;
        }
        match next_change(events, inputs) {
            Some(next) => change = next,
            None => return,
        }
    }
}

/// When `file` was last modified, if it can be told.
fn modified(file: &Path) -> Option<SystemTime> {
    std::fs::metadata(file).and_then(|m| m.modified()).ok()
}

/// Wait for the next batch of changes that asks for something; `None` on Ctrl-C.
fn next_change(events: &Receiver<Event>, inputs: &Inputs) -> Option<Change> {
    loop {
        let mut change = match events.recv() {
            Ok(Event::Changed(paths)) => inputs.classify(&paths),
            Ok(Event::Stop) | Err(_) => return None,
        };
        let start = Instant::now();
        while start.elapsed() < LONGEST_BATCH {
            match events.recv_timeout(QUIET) {
                Ok(Event::Changed(paths)) => {
                    let more = inputs.classify(&paths);
                    change.runner |= more.runner;
                    change.course |= more.course;
                    change.config |= more.config;
                }
                Ok(Event::Stop) | Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => break,
            }
        }
        if change.course || change.runner {
            return Some(change);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| (*s).to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn the_command_line_is_checked() {
        let o = parse(args(&["--port", "0", "--config", "x.toml"]))
            .unwrap()
            .unwrap();
        assert_eq!((o.port, o.config), (0, PathBuf::from("x.toml")));
        assert!(parse(args(&["--help"])).unwrap().is_none());
        for bad in [
            &["--port"][..],
            &["--port", "70000"],
            &["--port", "-1"],
            &["--nope"],
        ] {
            let e = parse(args(bad)).unwrap_err();
            assert!(e.contains("--port") || e.contains("--nope"), "{e}");
        }
    }
}
