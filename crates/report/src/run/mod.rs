//! The runner: every experiment of both lessons, from a [`Config`] to [`Results`].
//!
//! Nothing here knows of HTML or figures; the course is rendered from the results alone.

pub mod backprop;
pub mod rnn;

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::Error;
use crate::results::{self, Results, RnnResults};

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
    run_beside(config, report, |_| ()).map(|(results, ())| results)
}

/// [`run_with_progress`], with `beside` run on lesson 1's results while lesson 2 runs: once
/// lesson 1 is done and lesson 2 has only its deep net's run left ([`backprop::run_then`]),
/// so that `beside` takes the core the other experiments leave. Gives `beside`'s value with
/// the results; `beside` is not called if lesson 1 fails, and its value is dropped if lesson 2
/// does.
pub fn run_beside<T>(
    config: &Config,
    report: &mut dyn FnMut(&str, Duration),
    beside: impl FnOnce(&RnnResults) -> T,
) -> Result<(Results, T), Error> {
    let ((lesson1, rnn_log), (backprop, backprop_log)) = std::thread::scope(|scope| {
        let (only_deep_left, wait) = std::sync::mpsc::channel();
        let lesson2 = scope.spawn(move || {
            logged(|progress| {
                backprop::run_then(&config.backprop, progress, || {
                    // The receiver is only gone once this scope ends.
                    let _ = only_deep_left.send(());
                })
            })
        });
        let (rnn, rnn_log) = logged(|progress| rnn::run(&config.rnn, progress));
        let lesson1 = rnn.map(|rnn| {
            // Err once lesson 2 has stopped without telling (it failed early): no wait.
            let _ = wait.recv();
            let extra = beside(&rnn);
            (rnn, extra)
        });
        ((lesson1, rnn_log), crate::threads::join(lesson2))
    });
    for (name, time) in &rnn_log {
        report(name, *time);
    }
    let (rnn, extra) = lesson1?;
    for (name, time) in &backprop_log {
        report(name, *time);
    }
    let results = Results {
        schema_version: results::SCHEMA_VERSION,
        rnn,
        backprop: backprop?,
    };
    Ok((results, extra))
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
    fn the_work_beside_lesson_2_sees_lesson_1s_results_and_changes_nothing() {
        let config = Config::course().unwrap();
        let mut names = Vec::new();
        let (results, seen) =
            run_beside(&config, &mut |name, _| names.push(name.to_owned()), |rnn| {
                serde_json::to_string(rnn).unwrap()
            })
            .unwrap();
        let (expected_names, expected) = in_order(&config);
        let expected = expected.unwrap();
        assert_eq!(names, expected_names);
        assert_eq!(seen, serde_json::to_string(&expected.rnn).unwrap());
        let json = |r: &Results| serde_json::to_string(r).unwrap();
        assert_eq!(json(&results), json(&expected));

        // Lesson 2 failing before its deep run: the work still runs, and the error is lesson 2's.
        let mut config = config;
        config.backprop.mlp.sgd.learning_rate = -1.0;
        let mut ran = false;
        let error = run_beside(&config, &mut |_, _| {}, |_| ran = true).unwrap_err();
        assert!(ran && error.to_string().contains("backprop.mlp"), "{error}");
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
