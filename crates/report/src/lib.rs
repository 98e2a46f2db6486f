//! # unrolled-report — every experiment of the Unrolled course
//!
//! [`run`] takes a [`Config`] (read with [`Config::load`]; the checked-in `course.toml` holds
//! the notebooks' values) and runs every experiment of both lessons with the `f64` core, in a
//! fixed order, into [`Results`]: the numbers the course shows, each under a stable name.
//! [`generate`] writes them as `results.json` beside the course pages, byte-identical for the
//! same config on every run and machine (no timestamps, no paths of this machine, no hash maps).
//!
//! The modules follow the data: each imports only the ones before it.
//!
//! | module | |
//! | --- | --- |
//! | [`error`] | the crate's one error type |
//! | [`threads`] | independent work side by side, its results in order |
//! | [`config`] | the TOML config, its defaults and range checks, and dataset files |
//! | [`run`] | the experiments of both lessons (knows nothing of HTML) |
//! | [`results`] | the serializable results and the layout of `results.json` |
//! | [`course`] | the HTML course, rendered from the results only |
//! | [`output`] | the output folder: refusing what is not ours, the lock, the all-or-nothing swap |

pub mod config;
pub mod course;
pub mod error;
pub mod output;
pub mod results;
pub mod run;
pub mod threads;

pub use config::Config;
pub use error::Error;
pub use results::{Results, json};
pub use run::{Progress, run, run_with_progress};

use std::path::Path;
use std::time::{Duration, Instant};

/// Load the config at `config_path`, run everything, and replace `out_dir` with the new
/// `results.json` and course pages; returns the results and what was rendered. Notes and
/// warnings (waiting for another run, an old copy that could not be deleted) go to stderr.
///
/// The config is read and checked, and `out_dir` claimed ([`output::Output::claim`]: refused
/// unless it is new, empty or an earlier report, then locked), before the first experiment.
/// The new output is written beside `out_dir` and swapped in whole: on any error `out_dir` is
/// left as it was.
pub fn generate(
    config_path: &Path,
    out_dir: &Path,
    report: &mut dyn FnMut(&str, Duration),
) -> Result<(Results, course::Rendered), Error> {
    generate_with_notices(config_path, out_dir, None, report, &mut |note| {
        eprintln!("unrolled-report: {note}");
    })
}

/// [`generate`] with the templates read from the folder `templates` at run time (`None`: the
/// compiled-in ones), telling `notice` the notes and warnings instead of printing them.
pub fn generate_with_notices(
    config_path: &Path,
    out_dir: &Path,
    templates: Option<&Path>,
    report: &mut dyn FnMut(&str, Duration),
    notice: &mut dyn FnMut(&str),
) -> Result<(Results, course::Rendered), Error> {
    output::require_path(out_dir)?;
    let config = Config::load(config_path)?;
    let mut out = output::Output::claim(output::RealFs, out_dir, notice)?;
    // Lesson 1's figures are drawn while lesson 2's deep net still trains, on the core the
    // other experiments leave free.
    let beside = threads::workers().saturating_sub(1).max(1);
    let (results, (lesson1, time)) = run::run_beside(&config, report, |rnn| {
        let start = Instant::now();
        (course::lesson1_figures(rnn, beside), start.elapsed())
    })?;
    report("lesson 1's figures, beside lesson 2", time);
    let start = Instant::now();
    let rendered = out.replace(
        &mut |fs, dir| {
            let lesson1 = lesson1.as_ref().map_err(Clone::clone)?;
            output::write_course(fs, dir, &results, Some(lesson1), templates)
        },
        notice,
    )?;
    out.release(notice);
    report("course pages and figures", start.elapsed());
    Ok((results, rendered))
}

/// The name of the results file in the output folder.
pub const RESULTS_FILE: &str = "results.json";
