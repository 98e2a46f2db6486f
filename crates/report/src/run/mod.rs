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
        let result = experiment().map_err(|e| Error::experiment(name, e));
        (self.report)(name, start.elapsed());
        result
    }
}

/// Run every experiment of the course, in order.
pub fn run(config: &Config) -> Result<Results, Error> {
    run_with_progress(config, &mut |_, _| {})
}

/// [`run`], calling `report` with each experiment's name and time as it finishes.
pub fn run_with_progress(
    config: &Config,
    report: &mut dyn FnMut(&str, Duration),
) -> Result<Results, Error> {
    let mut progress = Progress::new(report);
    Ok(Results {
        schema_version: results::SCHEMA_VERSION,
        rnn: rnn::run(&config.rnn, &mut progress)?,
        backprop: backprop::run(&config.backprop, &mut progress)?,
    })
}
