//! The workloads, at the notebooks' sizes as course.toml gives them ([`Settings`]), over the core in
//! `f64` and `f32`.
//!
//! A workload's Rust side is a closure that runs the notebook cell once and returns a checksum
//! (so the optimiser cannot drop the work); everything it needs — data, output buffers — is made
//! when the closure is built, outside the timed region.

use std::hint::black_box;

use serde_json::Value;
use unrolled::datasets::gaussian_blobs;
use unrolled::gradcheck::{Tolerance, gradient_check};
use unrolled::optimise::{RpropConfig, rprop};
use unrolled::rnn::{Grid, Weights, loss_surface};
use unrolled::{
    DeepRelu, Error, HingeLoss, LinearModel, Mlp2551, RandomInit, RandomStream, Scalar, Sgd,
    SquaredLoss, mean_loss,
};

use crate::flops;
use crate::settings::Settings;

/// `s` in precision `S`.
fn cast_sgd<S: Scalar>(s: &Sgd<f64>) -> Sgd<S> {
    Sgd {
        learning_rate: S::from_f64(s.learning_rate),
        iterations: s.iterations,
        seed: s.seed,
        record_every: s.record_every,
    }
}

/// One run of a workload on the core: returns a checksum. The error text is only built on
/// failure, so a successful run allocates nothing.
pub type Run = Box<dyn FnMut() -> Result<f64, String>>;

/// A core error as the harness reports it.
fn fail(e: Error) -> String {
    e.to_string()
}

/// Numbers a workload computes, to compare with what the numpy side returns.
pub type Compare = fn(rust: &[f64], numpy: &[f64]) -> Result<(), String>;

/// One row of the table.
pub struct Workload {
    /// Short key; also the workload's name in `python/serve.py`.
    pub key: &'static str,
    /// What the row says.
    pub title: &'static str,
    /// Where the numpy figure comes from.
    pub numpy: NumpySide,
    /// Whether the timed loop must not allocate (the core's loops); the whole course, which
    /// writes files and builds strings, is timed but exempt.
    pub allocation_free: bool,
    /// The core in `f64`, if it has the code yet.
    pub f64: Option<Run>,
    /// The core in `f32`, if it has the code yet.
    pub f32: Option<Run>,
    /// The `f64` core's own answer (computed once, untimed) and how to check numpy's against it.
    pub cross_check: Option<(Vec<f64>, Compare)>,
    /// Why a side is missing, or how the numpy figure is made.
    pub note: &'static str,
    /// FLOPs of one run, counted from the sizes (see `flops.rs`), where the row reports a rate.
    pub flops: Option<f64>,
}

/// Where a workload's numpy figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumpySide {
    /// `python/serve.py` runs the workload under the same key.
    Script,
    /// The sum of the numpy medians of these workloads.
    SumOf(&'static [&'static str]),
    /// None: a part of another workload, timed on the core alone for its FLOP rate.
    None,
}

/// Lesson 1's data exactly as the notebooks draw it (numpy's legacy generator, seed 1), taken
/// from the reference file, so both sides compute on the same numbers.
pub struct Lesson1Data {
    xs: [[f64; 10]; 20],
    ts: [f64; 20],
}

const REFERENCE: &str = include_str!("../../../data/reference/rnn_binary_seed1.json");

impl Lesson1Data {
    /// Parse `data/reference/rnn_binary_seed1.json`.
    pub fn load() -> Result<Self, String> {
        let v: Value = serde_json::from_str(REFERENCE).map_err(|e| e.to_string())?;
        let mut data = Self {
            xs: [[0.0; 10]; 20],
            ts: [0.0; 20],
        };
        let rows = v["X"].as_array().ok_or("reference: no X")?;
        let ts = v["t"].as_array().ok_or("reference: no t")?;
        if rows.len() != 20 || ts.len() != 20 {
            return Err("reference: expected 20 sequences".into());
        }
        for ((row, t), (xs, tt)) in rows
            .iter()
            .zip(ts)
            .zip(data.xs.iter_mut().zip(&mut data.ts))
        {
            let row = row.as_array().ok_or("reference: bad row")?;
            if row.len() != 10 {
                return Err("reference: expected sequences of length 10".into());
            }
            for (x, dst) in row.iter().zip(xs.iter_mut()) {
                *dst = x.as_f64().ok_or("reference: bad value")?;
            }
            *tt = t.as_f64().ok_or("reference: bad target")?;
        }
        Ok(data)
    }

    fn cast<S: Scalar>(&self) -> ([[S; 10]; 20], [S; 20]) {
        (
            self.xs.map(|row| row.map(S::from_f64)),
            self.ts.map(S::from_f64),
        )
    }
}

fn rprop_run<S: Scalar>(data: &Lesson1Data, set: &Settings) -> Run {
    let (xs, ts) = data.cast::<S>();
    let r = set.rprop;
    let config = RpropConfig {
        eta_plus: S::from_f64(r.eta_plus),
        eta_minus: S::from_f64(r.eta_minus),
        delta_init: r.delta_init.map(S::from_f64),
        prev_sign_init: r.prev_sign_init.map(S::from_f64),
    };
    let [w_x, w_rec] = set.rprop_start.map(S::from_f64);
    let iterations = set.rprop_iterations;
    Box::new(move || {
        let mut w = Weights::new(w_x, w_rec);
        let s = rprop(
            black_box(&xs),
            black_box(&ts),
            &mut w,
            &config,
            iterations,
            |_| {},
        )
        .map_err(fail)?;
        Ok(s.weights.w_x.to_f64() + s.weights.w_rec.to_f64())
    })
}

/// The notebook's two panels (overview `[-3, 3]²` and zoom `[-0.1, 2.1]²`, 100 points a side
/// in course.toml).
fn panels<S: Scalar>(set: &Settings) -> [Grid<S>; 2] {
    set.surface_panels.map(|[lo, hi]| Grid {
        w_x_min: S::from_f64(lo),
        w_x_max: S::from_f64(hi),
        w_rec_min: S::from_f64(lo),
        w_rec_max: S::from_f64(hi),
        points: set.surface_points,
    })
}

fn loss_surface_run<S: Scalar>(data: &Lesson1Data, set: &Settings) -> Run {
    let (xs, ts) = data.cast::<S>();
    let grids = panels::<S>(set);
    let cells = set.surface_points * set.surface_points;
    let mut out = [vec![S::ZERO; cells], vec![S::ZERO; cells]];
    Box::new(move || {
        let mut sum = 0.0;
        for (grid, out) in grids.iter().zip(out.iter_mut()) {
            loss_surface(black_box(&xs), black_box(&ts), grid, out).map_err(fail)?;
            sum += out.iter().fold(0.0, |a, v| a + v.to_f64());
        }
        Ok(sum)
    })
}

fn gradient_check_run<S: Scalar>(data: &Lesson1Data, set: &Settings) -> Run {
    let (xs, ts) = data.cast::<S>();
    let [w_x, w_rec] = set.gradient_check_at.map(S::from_f64);
    let eps = S::from_f64(set.gradient_check_eps);
    Box::new(move || {
        let w = Weights::new(w_x, w_rec);
        let c = gradient_check(black_box(&xs), black_box(&ts), w, eps, Tolerance::default())
            .map_err(fail)?;
        Ok(c.w_x.numerical.to_f64() + c.w_rec.numerical.to_f64())
    })
}

/// Lesson 2's data: two Gaussian blobs of 1000 points each (the notebook's sizes; our seeded
/// stream, since the notebook draws without a seed).
fn blobs<S: Scalar>(set: &Settings) -> Result<(Vec<[S; 2]>, Vec<S>), Error> {
    let n = 2 * set.samples_per_class;
    let mut xs = vec![[S::ZERO; 2]; n];
    let mut labels = vec![S::ZERO; n];
    gaussian_blobs(set.data_seed, &mut xs, &mut labels)?;
    Ok((xs, labels))
}

/// Workload 4: the linear model, squared loss, η = 0.001, 100000 steps, loss every 1000.
fn linear_sgd_run<S: Scalar>(set: &Settings) -> Result<Run, Error> {
    let (xs, ts) = blobs::<S>(set)?;
    let sgd = cast_sgd::<S>(&set.linear);
    let mut history = vec![S::ZERO; sgd.history_len()];
    Ok(Box::new(move || {
        let mut model = LinearModel::<S, 2>::new();
        let s = sgd
            .train(
                &mut model,
                &SquaredLoss,
                black_box(&xs),
                black_box(&ts),
                &mut history,
            )
            .map_err(fail)?;
        Ok(s.final_loss.to_f64())
    }))
}

/// Workload 5: the 2-5-5-1 net from a standard-normal draw, squared loss, η = 0.001,
/// 100000 steps, the loss over all 2000 points every 100.
fn mlp_run<S: Scalar>(set: &Settings) -> Result<Run, Error> {
    let (xs, ts) = blobs::<S>(set)?;
    let sgd = cast_sgd::<S>(&set.mlp);
    let init = set.mlp_init_seed;
    let mut history = vec![S::ZERO; sgd.history_len()];
    Ok(Box::new(move || {
        let mut net = Mlp2551::<S>::random(&mut RandomStream::new(init));
        let s = sgd
            .train(
                &mut net,
                &SquaredLoss,
                black_box(&xs),
                black_box(&ts),
                &mut history,
            )
            .map_err(fail)?;
        Ok(s.final_loss.to_f64())
    }))
}

/// Workload 6: a linear classifier trained with the hinge loss (100000 steps, η = 0.001,
/// untimed), then 500000 steps of η = 0.05 moving a fresh copy of the data against it.
fn optimise_data_run<S: Scalar>(set: &Settings) -> Result<Run, Error> {
    let (xs, ts) = blobs::<S>(set)?;
    let mut model = LinearModel::<S, 2>::new();
    let train = cast_sgd::<S>(&set.classifier);
    let mut history = vec![S::ZERO; train.history_len()];
    train.train(&mut model, &HingeLoss, &xs, &ts, &mut history)?;
    let sgd = cast_sgd::<S>(&set.optimise_data);
    let mut moved = xs.clone();
    Ok(Box::new(move || {
        moved.copy_from_slice(black_box(&xs));
        let s = sgd
            .optimise_data(&mut model, &HingeLoss, &mut moved, black_box(&ts))
            .map_err(fail)?;
        Ok(s.final_loss.to_f64())
    }))
}

/// Workload 5's loss records alone: the mean loss over all points, as many times as the run
/// records it (every `record_every` steps, and once at the end), at the initial weights.
fn mlp_records_run<S: Scalar>(set: &Settings) -> Result<Run, Error> {
    let (xs, ts) = blobs::<S>(set)?;
    let records = set.mlp.iterations.div_ceil(set.mlp.record_every) + 1;
    let mut net = Mlp2551::<S>::random(&mut RandomStream::new(set.mlp_init_seed));
    Ok(Box::new(move || {
        let mut sum = 0.0;
        for _ in 0..records {
            sum += mean_loss(&mut net, &SquaredLoss, black_box(&xs), black_box(&ts))
                .map_err(fail)?
                .to_f64();
        }
        Ok(sum)
    }))
}

/// The course's deep 2-10-100-30-10-1 ReLU run (part of workload 7): SGD with its loss records.
fn deep_relu_run<S: Scalar>(set: &Settings) -> Result<Run, Error> {
    let (xs, ts) = blobs::<S>(set)?;
    let sgd = cast_sgd::<S>(&set.deep_relu);
    let init = set.deep_relu_init_seed;
    let mut history = vec![S::ZERO; sgd.history_len()];
    Ok(Box::new(move || {
        let mut net = DeepRelu::<S>::random(&mut RandomStream::new(init));
        let s = sgd
            .train(
                &mut net,
                &SquaredLoss,
                black_box(&xs),
                black_box(&ts),
                &mut history,
            )
            .map_err(fail)?;
        Ok(s.final_loss.to_f64())
    }))
}

/// FLOPs of the course's main experiments (workload 7), counted from the settings: lesson 1's
/// Rprop runs and loss surfaces on both datasets, lesson 2's SGD runs and the two nets' loss
/// records, and the nets' evaluations after training (dead units, outputs, accuracy, the
/// output plane; their final loss is training's own, counted in `flops::train`). Gradient checks, gradient descent and the small split/join checks are
/// left out (under 1% together), so this is a lower bound.
fn course_flops(config: &unrolled_report::Config, set: &Settings) -> f64 {
    let (l1, l2) = (&config.rnn, &config.backprop);
    let rprop_its = f64::from(l1.rprop.iterations + l1.rprop_other_start.iterations);
    let rnn: f64 = [&l1.binary, &l1.variant]
        .iter()
        .map(|d| {
            let (n, l) = (d.samples, d.sequence_length);
            2.0 * flops::surface(d.surface_points, n, l) + rprop_its * flops::rnn_bptt(n, l)
        })
        .sum();
    let n = 2 * l2.samples_per_class;
    let plane = l2.plane_points * l2.plane_points;
    let linear = |s: &Sgd<f64>| flops::train(flops::LINEAR, s.iterations, s.record_every, n);
    let hinge = Sgd {
        learning_rate: l2.hinge.learning_rate,
        iterations: l2.hinge.iterations,
        seed: l2.hinge.seed,
        record_every: l2.hinge.record_every,
    };
    let net = |layers: flops::Layers, s: &Sgd<f64>| {
        flops::train(layers, s.iterations, s.record_every, n)
            + (3 * n + plane) as f64 * flops::forward(layers)
    };
    let backprop = linear(&set.linear)
        + linear(&hinge)
        + linear(&set.classifier)
        + flops::optimise_data(set.optimise_data.iterations, n)
        + net(flops::MLP, &set.mlp)
        + net(flops::DEEP_RELU, &set.deep_relu);
    rnn + backprop
}

/// Where the checked-in course config is.
fn course_config_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../course.toml")
}

/// The checked-in course config, read once.
fn course_config() -> Result<unrolled_report::Config, String> {
    unrolled_report::Config::load(&course_config_path()).map_err(|e| e.to_string())
}

/// Workload 7: every experiment of the course through the runner. Allocates (results,
/// strings), so it is exempt from the allocation check.
fn course_run(config: &unrolled_report::Config) -> Run {
    let config = config.clone();
    Box::new(move || {
        let results = unrolled_report::run(black_box(&config)).map_err(|e| e.to_string())?;
        Ok(black_box(&results).rnn.binary.test_sequence.output)
    })
}

/// Workload 7 in full: what `cargo xtask report` does after the release build, through
/// `unrolled_report::generate` into the folder `out`: read the config, run every experiment
/// with lesson 1's figures drawn beside lesson 2's deep net, then the other figures and the
/// pages, swapped in whole.
fn course_pages_run(out: std::path::PathBuf) -> Run {
    Box::new(move || {
        let (_, rendered) = unrolled_report::generate(&course_config_path(), &out, &mut |_, _| {})
            .map_err(|e| e.to_string())?;
        Ok(black_box(rendered.total()) as f64)
    })
}

/// The runner's output for the notebook's test sequence after the canonical Rprop run.
fn course_answer(config: &unrolled_report::Config) -> Result<Vec<f64>, String> {
    let results = unrolled_report::run(config).map_err(|e| e.to_string())?;
    Ok(vec![results.rnn.binary.test_sequence.output])
}

/// `|a − b| ≤ tol·(1 + |b|)` for each pair, and the same length.
fn close_all(what: &str, rust: &[f64], numpy: &[f64], tol: f64) -> Result<(), String> {
    let ok = rust.len() == numpy.len()
        && rust
            .iter()
            .zip(numpy)
            .all(|(a, b)| (a - b).abs() <= tol * (1.0 + b.abs()));
    if ok {
        Ok(())
    } else {
        Err(format!("{what}: core {rust:?} vs numpy {numpy:?}"))
    }
}

fn rprop_answer(data: &Lesson1Data, set: &Settings) -> Result<Vec<f64>, Error> {
    let [w_x, w_rec] = set.rprop_start;
    let mut w = Weights::new(w_x, w_rec);
    rprop(
        &data.xs,
        &data.ts,
        &mut w,
        &set.rprop,
        set.rprop_iterations,
        |_| {},
    )?;
    Ok(vec![w.w_x, w.w_rec])
}

fn loss_surface_answer(data: &Lesson1Data, set: &Settings) -> Result<Vec<f64>, Error> {
    let mut answer = Vec::new();
    let mut outs = Vec::new();
    for grid in panels::<f64>(set) {
        let mut out = vec![0.0; grid.points * grid.points];
        loss_surface(&data.xs, &data.ts, &grid, &mut out)?;
        let (arg, min) =
            out.iter().enumerate().fold(
                (0, f64::INFINITY),
                |(ai, am), (i, &v)| if v < am { (i, v) } else { (ai, am) },
            );
        answer.extend([arg as f64, min]);
        outs.push(out);
    }
    // Two cells the numpy side also returns (it indexes the same 100x100 panels).
    let p = set.surface_points;
    answer.push(outs[0].get(37 * p + 61).copied().unwrap_or(f64::NAN));
    answer.push(outs[1].get(50 * p + 45).copied().unwrap_or(f64::NAN));
    Ok(answer)
}

fn gradient_check_answer(data: &Lesson1Data, set: &Settings) -> Result<Vec<f64>, Error> {
    let [w_x, w_rec] = set.gradient_check_at;
    let c = gradient_check(
        &data.xs,
        &data.ts,
        Weights::new(w_x, w_rec),
        set.gradient_check_eps,
        Tolerance::default(),
    )?;
    Ok(vec![
        c.w_x.backprop,
        c.w_rec.backprop,
        c.w_x.numerical,
        c.w_rec.numerical,
    ])
}

/// Every workload, in the table's order, with the settings they run with; workload 7 with
/// pages writes the course into `pages_out`.
pub fn all(pages_out: &std::path::Path) -> Result<(Vec<Workload>, Settings), String> {
    let l1 = Lesson1Data::load()?;
    let config = course_config()?;
    let set = Settings::from_course(&config);
    let e = |e: Error| e.to_string();
    let n = 2 * set.samples_per_class;
    let (l1n, l1l) = (20, 10);
    let rows = vec![
        Workload {
            key: "rprop",
            title: "1. lesson 1 Rprop, 500 iterations, 20x10",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(rprop_run::<f64>(&l1, &set)),
            f32: Some(rprop_run::<f32>(&l1, &set)),
            cross_check: Some((rprop_answer(&l1, &set).map_err(e)?, |r, n| {
                close_all("Rprop's final weights", r, n, 1e-12)
            })),
            note: "",
            flops: None,
        },
        Workload {
            key: "loss_surface",
            title: "2. lesson 1 loss surface, two 100x100 grids",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(loss_surface_run::<f64>(&l1, &set)),
            f32: Some(loss_surface_run::<f32>(&l1, &set)),
            cross_check: Some((loss_surface_answer(&l1, &set).map_err(e)?, |r, n| {
                close_all("the loss surfaces' minima and two samples", r, n, 1e-12)
            })),
            note: "",
            flops: Some(2.0 * flops::surface(set.surface_points, l1n, l1l)),
        },
        Workload {
            key: "gradient_check",
            title: "3. lesson 1 gradient check at (1.2, 1.2)",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(gradient_check_run::<f64>(&l1, &set)),
            f32: Some(gradient_check_run::<f32>(&l1, &set)),
            cross_check: Some((gradient_check_answer(&l1, &set).map_err(e)?, |r, n| {
                close_all("the backprop gradients", &r[..2], &n[..2], 1e-12)?;
                close_all("the numerical gradients", &r[2..], &n[2..], 1e-6)
            })),
            note: "",
            flops: None,
        },
        Workload {
            key: "linear_sgd",
            title: "4. lesson 2 linear model, SGD 100000 iterations",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(linear_sgd_run::<f64>(&set).map_err(e)?),
            f32: Some(linear_sgd_run::<f32>(&set).map_err(e)?),
            cross_check: None,
            note: "",
            flops: None,
        },
        Workload {
            key: "mlp",
            title: "5. lesson 2 MLP 2-5-5-1, SGD 100000, loss every 100",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(mlp_run::<f64>(&set).map_err(e)?),
            f32: Some(mlp_run::<f32>(&set).map_err(e)?),
            cross_check: None,
            note: "",
            flops: Some(flops::train(
                flops::MLP,
                set.mlp.iterations,
                set.mlp.record_every,
                n,
            )),
        },
        Workload {
            key: "mlp_records",
            title: "5a. part of 5: its loss records alone",
            numpy: NumpySide::None,
            allocation_free: true,
            f64: Some(mlp_records_run::<f64>(&set).map_err(e)?),
            f32: Some(mlp_records_run::<f32>(&set).map_err(e)?),
            cross_check: None,
            note: "the mean loss over all points, as often as workload 5 records it, at the \
                   initial weights; core only, for its FLOP rate",
            flops: Some(
                (set.mlp.iterations.div_ceil(set.mlp.record_every) + 1) as f64
                    * flops::mean_loss(flops::MLP, n),
            ),
        },
        Workload {
            key: "deep_relu",
            title: "7a. part of 7: the deep 2-10-100-30-10-1 ReLU net, SGD 10000",
            numpy: NumpySide::None,
            allocation_free: true,
            f64: Some(deep_relu_run::<f64>(&set).map_err(e)?),
            f32: Some(deep_relu_run::<f32>(&set).map_err(e)?),
            cross_check: None,
            note: "the course's deep ReLU run with its loss records; core only, for its FLOP rate",
            flops: Some(flops::train(
                flops::DEEP_RELU,
                set.deep_relu.iterations,
                set.deep_relu.record_every,
                n,
            )),
        },
        Workload {
            key: "optimise_data",
            title: "6. lesson 2 optimising the data, 500000 iterations",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(optimise_data_run::<f64>(&set).map_err(e)?),
            f32: Some(optimise_data_run::<f32>(&set).map_err(e)?),
            cross_check: None,
            note: "",
            flops: None,
        },
        Workload {
            key: "course",
            title: "7. the whole course: all experiments",
            numpy: NumpySide::Script,
            allocation_free: false,
            f64: Some(course_run(&config)),
            f32: None,
            cross_check: Some((course_answer(&config)?, |r, n| {
                close_all(
                    "the binary run's test output",
                    r,
                    n.get(..1).unwrap_or(n),
                    1e-9,
                )
            })),
            note: "`unrolled_report::run` on course.toml, f64 only (the runner computes in f64), \
                   against a numpy script running the notebooks' cells for every experiment the \
                   runner runs (lesson 1 on both datasets; lesson 2's linear, hinge, classifier, \
                   data, 2-5-5-1 and deep ReLU runs; its small split/join and unit-test checks \
                   have no numpy counterpart). Timed but exempt from the allocation check: the \
                   runner builds its results on the heap",
            flops: Some(course_flops(&config, &set)),
        },
        Workload {
            key: "course_pages",
            title: "7. the whole course: experiments, figures and pages",
            numpy: NumpySide::SumOf(&["course"]),
            allocation_free: false,
            f64: Some(course_pages_run(pages_out.to_path_buf())),
            f32: None,
            cross_check: None,
            note: "`unrolled_report::generate` (what `cargo xtask report` runs) into a scratch \
                   folder; the numpy figure is the experiments alone (the notebooks' matplotlib figures are not \
                   timed), so this ratio understates ours",
            flops: Some(course_flops(&config, &set)),
        },
    ];
    Ok((rows, set))
}
