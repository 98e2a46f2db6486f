//! Range checks of every config value, before anything runs: the first bad key and what it
//! should be.

use super::{BackpropConfig, Config, SUPPORTED_SEQUENCE_LENGTHS};
use crate::error::Error;

// The limits below are what the course can run within its budgets (a 1 MB page, a 250 KB
// figure, a 4 MB folder, bounded time) even with every other value at its own limit: with all
// of them at their limits the course takes about 9 s and fits (rnn.html 0.98 MB, backprop.html
// 0.77 MB, the largest figure 201 KB). course.toml says the same beside each key.

/// The most iterations of an RNN run (Rprop, gradient descent): every iterate is kept in
/// results.json and in the page's explorer data (about 24 KB of rnn.html per 1000).
const MAX_RNN_ITERATIONS: u64 = 1_000;
/// The most points per axis of each dataset's loss surface (binary, variant). Its contours
/// are drawn inline in rnn.html, whose 1 MB budget the default course fills to 0.89 MB: the
/// variant's surface adds about 3.8 KB to the page per point above its 50.
const MAX_SURFACE_POINTS: [usize; 2] = [100, 50];
/// The most SGD steps of a linear model or of the data optimisation.
const MAX_LINEAR_ITERATIONS: u64 = 1_000_000;
/// The most SGD steps of a net (the deep net's 10 000 take about a quarter of a second).
const MAX_NET_ITERATIONS: u64 = 100_000;
/// The most loss records of a lesson 2 run: each is a pass over all the points.
const MAX_RECORDS: u64 = 1_000;
/// The most points per class of lesson 2's data: the figures draw every point, and each loss
/// record of the deep net is a pass over them (with every lesson 2 value at its limit,
/// backprop.html is 0.77 MB of its 1 MB and the deep net trains in about 8 s).
const MAX_SAMPLES_PER_CLASS: usize = 1_500;
/// The most sequences of an RNN dataset: rnn.html lists them (about 50 bytes each).
const MAX_RNN_SAMPLES: usize = 200;
/// The most points per axis of a lesson 2 output grid (each is one pass through a model).
const MAX_PLANE_POINTS: usize = 100;

impl Config {
    /// Check every value's range; the error is the first bad key and what it should be (a
    /// [`Config`](crate::error::ErrorKind::Config) error with the key, without file or line).
    pub fn validate(&self) -> Result<(), Error> {
        let l1 = &self.rnn;
        let datasets = [("binary", &l1.binary), ("variant", &l1.variant)];
        for ((name, data), max_surface) in datasets.into_iter().zip(MAX_SURFACE_POINTS) {
            let key = |k: &str| format!("rnn.{name}.{k}");
            check(
                (1..=MAX_RNN_SAMPLES).contains(&data.samples),
                key("samples"),
                &format!("expected a whole number in [1, {MAX_RNN_SAMPLES}]"),
            )?;
            check(
                SUPPORTED_SEQUENCE_LENGTHS.contains(&data.sequence_length),
                key("sequence_length"),
                "expected 10 or 20 (the lengths the core is compiled for)",
            )?;
            check(
                (2..=max_surface).contains(&data.surface_points),
                key("surface_points"),
                &format!("expected a whole number in [2, {max_surface}]"),
            )?;
            for (k, range) in [("overview", data.overview), ("zoom", data.zoom)] {
                drawable_range(range, &key(k))?;
            }
        }
        let gc = &l1.gradient_check;
        finite_pair(gc.at, "rnn.gradient_check.at")?;
        positive(gc.eps, "rnn.gradient_check.eps")?;
        core_check(gc.tolerance.validate(), "rnn.gradient_check")?;
        check(
            !l1.over_time_points.is_empty(),
            "rnn.over_time_points".into(),
            "expected at least one [w_x, w_rec] point",
        )?;
        for p in &l1.over_time_points {
            finite_pair(*p, "rnn.over_time_points")?;
        }
        for (name, r) in [
            ("rprop", &l1.rprop),
            ("rprop_other_start", &l1.rprop_other_start),
        ] {
            let key = |k: &str| format!("rnn.{name}.{k}");
            core_check(r.rule.validate(), &format!("rnn.{name}"))?;
            finite_pair(r.start, &key("start"))?;
            iterations(r.iterations.into(), MAX_RNN_ITERATIONS, &key("iterations"))?;
        }
        let gd = &l1.gradient_descent;
        finite_pair(gd.start, "rnn.gradient_descent.start")?;
        positive(gd.learning_rate, "rnn.gradient_descent.learning_rate")?;
        iterations(
            gd.iterations.into(),
            MAX_RNN_ITERATIONS,
            "rnn.gradient_descent.iterations",
        )?;
        check(
            l1.test_sequence.iter().all(|v| v.is_finite()),
            "rnn.test_sequence".into(),
            "expected finite numbers",
        )?;
        self.backprop.validate()
    }
}

impl BackpropConfig {
    /// Check every value's range; the error is the first bad key and what it should be.
    pub fn validate(&self) -> Result<(), Error> {
        check(
            (1..=MAX_SAMPLES_PER_CLASS).contains(&self.samples_per_class),
            "backprop.samples_per_class".into(),
            &format!("expected a whole number in [1, {MAX_SAMPLES_PER_CLASS}]"),
        )?;
        drawable_range(self.plane, "backprop.plane")?;
        check(
            (2..=MAX_PLANE_POINTS).contains(&self.plane_points),
            "backprop.plane_points".into(),
            &format!("expected a whole number in [2, {MAX_PLANE_POINTS}]"),
        )?;
        check(
            (1..=1000).contains(&self.histogram_bins),
            "backprop.histogram_bins".into(),
            "expected a whole number in [1, 1000]",
        )?;
        let nets = [("mlp", &self.mlp.sgd), ("deep_relu", &self.deep_relu.sgd)];
        let runs = [
            ("squared", &self.squared),
            ("hinge", &self.hinge),
            ("data_classifier", &self.data_classifier),
            ("optimise_data", &self.optimise_data),
        ]
        .map(|(name, sgd)| (name, sgd, MAX_LINEAR_ITERATIONS));
        for (name, sgd, max) in runs
            .into_iter()
            .chain(nets.map(|(name, sgd)| (name, sgd, MAX_NET_ITERATIONS)))
        {
            let key = |k: &str| format!("backprop.{name}.{k}");
            core_check(sgd.validate(), &format!("backprop.{name}"))?;
            // Beyond the core's ranges: what the course can run within its budgets.
            iterations(sgd.iterations, max, &key("iterations"))?;
            check(
                sgd.record_every <= sgd.iterations,
                key("record_every"),
                "expected a whole number in [1, iterations]",
            )?;
            // optimise_data records nothing, so its record_every is free.
            check(
                name == "optimise_data" || sgd.iterations.div_ceil(sgd.record_every) <= MAX_RECORDS,
                key("record_every"),
                &format!(
                    "expected at least iterations / {MAX_RECORDS} = {} (at most {MAX_RECORDS} loss records, each a pass over all points)",
                    sgd.iterations.div_ceil(MAX_RECORDS)
                ),
            )?;
        }
        let sj = &self.split_join;
        check(
            sj.at.iter().all(|v| v.is_finite()),
            "backprop.split_join.at".into(),
            "expected two finite numbers",
        )?;
        check(
            sj.target.is_finite(),
            "backprop.split_join.target".into(),
            "expected a finite number",
        )?;
        positive(sj.eps, "backprop.split_join.eps")?;
        core_check(sj.tolerance.validate(), "backprop.split_join")
    }
}

/// The core's own range check of the settings in the TOML table `table`, its error as a config
/// error for the key it names (the core's `tolerance.rtol` is the table's `rtol`: the config
/// flattens the tolerance into its table), with the core's error as the source.
fn core_check(verdict: Result<(), unrolled::Error>, table: &str) -> Result<(), Error> {
    verdict.map_err(|e| {
        let (key, message) = match e {
            unrolled::Error::InvalidHyperparameter { name, expected } => {
                let leaf = name.strip_prefix("tolerance.").unwrap_or(name);
                (format!("{table}.{leaf}"), format!("expected {expected}"))
            }
            other => (table.to_string(), other.to_string()),
        };
        Error::config(message).for_key(key).caused_by(e)
    })
}

/// `Ok` when `ok`, else the key and message.
fn check(ok: bool, key: String, message: &str) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::config(message).for_key(key))
    }
}

fn positive(v: f64, key: &str) -> Result<(), Error> {
    check(
        v.is_finite() && v > 0.0,
        key.into(),
        "expected a finite number > 0",
    )
}

/// The narrowest range a figure is drawn over, relative to its magnitude: about 8 ULPs of an
/// `f32` (the RNN's surfaces are computed in single precision), far above where the axis
/// ticks stop being distinct numbers.
const MIN_RELATIVE_WIDTH: f64 = 1e-6;

/// `[min, max]` finite, `min < max`, the width finite and at least [`MIN_RELATIVE_WIDTH`]
/// times the larger magnitude, so the range can be drawn.
fn drawable_range(range: [f64; 2], key: &str) -> Result<(), Error> {
    let [lo, hi] = range;
    check(
        lo.is_finite() && hi.is_finite() && lo < hi,
        key.into(),
        "expected [min, max] with finite min < max",
    )?;
    let width = hi - lo;
    check(
        width.is_finite() && width >= MIN_RELATIVE_WIDTH * lo.abs().max(hi.abs()),
        key.into(),
        "expected [min, max] with a finite width max - min of at least 1e-6 times the larger of |min| and |max| (narrower cannot be drawn)",
    )
}

fn finite_pair(p: [f64; 2], key: &str) -> Result<(), Error> {
    check(
        p.iter().all(|v| v.is_finite()),
        key.into(),
        "expected two finite numbers [w_x, w_rec]",
    )
}

fn iterations(n: u64, max: u64, key: &str) -> Result<(), Error> {
    check(
        (1..=max).contains(&n),
        key.into(),
        &format!("expected a whole number in [1, {max}]"),
    )
}
