//! The runner: every experiment of both lessons, from a [`Config`] to [`Results`].
//!
//! Nothing here knows of HTML or figures; the course is rendered from the results alone.

pub mod backprop;
pub mod rnn;

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::Error;
use crate::results::{self, Results};

/// Hands each finished experiment's name and duration to a callback (the binary prints them).
pub struct Progress<'a> {
    report: &'a mut dyn FnMut(&str, Duration),
}

impl<'a> Progress<'a> {
    /// Report to `report`.
    pub fn new(report: &'a mut dyn FnMut(&str, Duration)) -> Self {
        Self { report }
    }

    /// Run the experiment `name`, report its time, and name it in a core error.
    pub fn time<T>(
        &mut self,
        name: &str,
        experiment: impl FnOnce() -> Result<T, unrolled::Error>,
    ) -> Result<T, Error> {
        let start = Instant::now();
        let result = experiment();
        self.record(name, start.elapsed(), result)
    }

    /// Report an experiment `name` that was run elsewhere (on another thread) and took `time`,
    /// as [`Progress::time`] would have: its time, then its result with a core error named.
    pub fn record<T>(
        &mut self,
        name: &str,
        time: Duration,
        result: Result<T, unrolled::Error>,
    ) -> Result<T, Error> {
        (self.report)(name, time);
        result.map_err(|e| Error::experiment(name, e))
    }
}

/// Run every experiment of the course, in order.
pub fn run(config: &Config) -> Result<Results, Error> {
    run_with_progress(config, &mut |_, _| {})
}

/// [`run`], calling `report` with each experiment's name and time once both lessons are done.
///
/// The two lessons are independent, so lesson 2 runs on a second thread beside lesson 1 (and
/// its deep net's run on a third: see [`backprop::run`]).
/// Each lesson's experiments still run in order, and `report` hears of them in the course's
/// order, lesson 1's first, as a run on one thread would tell them: up to the experiment that
/// failed, if one did (lesson 1's error first, then nothing of lesson 2).
pub fn run_with_progress(
    config: &Config,
    report: &mut dyn FnMut(&str, Duration),
) -> Result<Results, Error> {
    let ((rnn, rnn_log), (backprop, backprop_log)) = std::thread::scope(|scope| {
        let lesson2 = scope.spawn(|| logged(|progress| backprop::run(&config.backprop, progress)));
        let lesson1 = logged(|progress| rnn::run(&config.rnn, progress));
        match lesson2.join() {
            Ok(lesson2) => (lesson1, lesson2),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    for (name, time) in &rnn_log {
        report(name, *time);
    }
    let rnn = rnn?;
    for (name, time) in &backprop_log {
        report(name, *time);
    }
    Ok(Results {
        schema_version: results::SCHEMA_VERSION,
        rnn,
        backprop: backprop?,
    })
}

/// What `lesson` returns, with the names and times of its experiments in the order they ran.
type Logged<T> = (Result<T, Error>, Vec<(String, Duration)>);

/// Run `lesson` with a [`Progress`] that writes down each experiment instead of telling it.
fn logged<T>(lesson: impl FnOnce(&mut Progress<'_>) -> Result<T, Error>) -> Logged<T> {
    let mut log = Vec::new();
    let mut note = |name: &str, time: Duration| log.push((name.to_owned(), time));
    let result = lesson(&mut Progress::new(&mut note));
    (result, log)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The experiment names and results of the two lessons run one after the other, on
    /// this thread: what the runner on two threads must tell and give.
    fn in_order(config: &Config) -> (Vec<String>, Result<Results, Error>) {
        let mut names = Vec::new();
        let mut note = |name: &str, _: Duration| names.push(name.to_owned());
        let mut progress = Progress::new(&mut note);
        let result = rnn::run(&config.rnn, &mut progress).and_then(|rnn| {
            Ok(Results {
                schema_version: results::SCHEMA_VERSION,
                rnn,
                backprop: backprop::run(&config.backprop, &mut progress)?,
            })
        });
        (names, result)
    }

    fn side_by_side(config: &Config) -> (Vec<String>, Result<Results, Error>) {
        let mut names = Vec::new();
        let result = run_with_progress(config, &mut |name, _| names.push(name.to_owned()));
        (names, result)
    }

    #[test]
    fn two_threads_give_the_results_and_the_progress_of_one() {
        let config = Config::course().unwrap();
        let (names, results) = side_by_side(&config);
        let (expected_names, expected) = in_order(&config);
        assert_eq!(names, expected_names);
        assert!(names.iter().any(|n| n.starts_with("backprop.")));
        let json = |r: &Results| serde_json::to_string(r).unwrap();
        assert_eq!(json(&results.unwrap()), json(&expected.unwrap()));
    }

    #[test]
    fn a_failing_lesson_1_is_the_error_and_hides_lesson_2() {
        let mut config = Config::course().unwrap();
        // Past validation on purpose: both lessons fail inside the core.
        config.rnn.gradient_descent.learning_rate = -1.0;
        config.backprop.deep_relu.sgd.learning_rate = -1.0;
        let (names, result) = side_by_side(&config);
        let (expected_names, expected) = in_order(&config);
        let error = result.unwrap_err().to_string();
        assert_eq!(error, expected.unwrap_err().to_string());
        assert!(error.contains("rnn."), "{error}");
        assert_eq!(names, expected_names);
        assert!(!names.iter().any(|n| n.starts_with("backprop.")));

        // Lesson 2 alone failing: all of lesson 1 is told, then lesson 2 up to its error.
        config.rnn.gradient_descent.learning_rate =
            Config::course().unwrap().rnn.gradient_descent.learning_rate;
        let (names, result) = side_by_side(&config);
        let (expected_names, expected) = in_order(&config);
        let error = result.unwrap_err().to_string();
        assert_eq!(error, expected.unwrap_err().to_string());
        assert!(error.contains("backprop.deep_relu"), "{error}");
        assert_eq!(names, expected_names);
    }
}
