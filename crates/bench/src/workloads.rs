//! The workloads, each at the notebook's sizes, over the core in `f64` and `f32`.
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
    Error, HingeLoss, LinearModel, Mlp2551, RandomInit, RandomStream, Scalar, Sgd, SquaredLoss,
};

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
}

/// Where a workload's numpy figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumpySide {
    /// `python/serve.py` runs the workload under the same key.
    Script,
    /// The sum of the numpy medians of these workloads.
    SumOf(&'static [&'static str]),
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

fn rprop_run<S: Scalar>(data: &Lesson1Data) -> Run {
    let (xs, ts) = data.cast::<S>();
    let config = RpropConfig::notebook();
    Box::new(move || {
        let mut w = Weights::new(S::from_f64(-1.5), S::from_f64(2.0));
        let s =
            rprop(black_box(&xs), black_box(&ts), &mut w, &config, 500, |_| {}).map_err(fail)?;
        Ok(s.weights.w_x.to_f64() + s.weights.w_rec.to_f64())
    })
}

/// The notebook's two panels: overview `[-3, 3]²` and zoom `[-0.1, 2.1]²`, 100 points a side.
fn panels<S: Scalar>() -> [Grid<S>; 2] {
    let grid = |lo: f64, hi: f64| Grid {
        w_x_min: S::from_f64(lo),
        w_x_max: S::from_f64(hi),
        w_rec_min: S::from_f64(lo),
        w_rec_max: S::from_f64(hi),
        points: 100,
    };
    [grid(-3.0, 3.0), grid(-0.1, 2.1)]
}

fn loss_surface_run<S: Scalar>(data: &Lesson1Data) -> Run {
    let (xs, ts) = data.cast::<S>();
    let grids = panels::<S>();
    let mut out = [vec![S::ZERO; 100 * 100], vec![S::ZERO; 100 * 100]];
    Box::new(move || {
        let mut sum = 0.0;
        for (grid, out) in grids.iter().zip(out.iter_mut()) {
            loss_surface(black_box(&xs), black_box(&ts), grid, out).map_err(fail)?;
            sum += out.iter().fold(0.0, |a, v| a + v.to_f64());
        }
        Ok(sum)
    })
}

fn gradient_check_run<S: Scalar>(data: &Lesson1Data) -> Run {
    let (xs, ts) = data.cast::<S>();
    Box::new(move || {
        let w = Weights::new(S::from_f64(1.2), S::from_f64(1.2));
        let c = gradient_check(
            black_box(&xs),
            black_box(&ts),
            w,
            S::from_f64(1e-7),
            Tolerance::default(),
        )
        .map_err(fail)?;
        Ok(c.w_x.numerical.to_f64() + c.w_rec.numerical.to_f64())
    })
}

/// Lesson 2's data: two Gaussian blobs of 1000 points each (the notebook's sizes; our seeded
/// stream, since the notebook draws without a seed).
fn blobs<S: Scalar>() -> Result<(Vec<[S; 2]>, Vec<S>), Error> {
    let mut xs = vec![[S::ZERO; 2]; 2000];
    let mut labels = vec![S::ZERO; 2000];
    gaussian_blobs(1, &mut xs, &mut labels)?;
    Ok((xs, labels))
}

/// Workload 4: the linear model, squared loss, η = 0.001, 100000 steps, loss every 1000.
fn linear_sgd_run<S: Scalar>() -> Result<Run, Error> {
    let (xs, ts) = blobs::<S>()?;
    let sgd = Sgd {
        learning_rate: S::from_f64(0.001),
        iterations: 100_000,
        seed: 2,
        record_every: 1000,
    };
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
fn mlp_run<S: Scalar>() -> Result<Run, Error> {
    let (xs, ts) = blobs::<S>()?;
    let sgd = Sgd {
        learning_rate: S::from_f64(0.001),
        iterations: 100_000,
        seed: 3,
        record_every: 100,
    };
    let mut history = vec![S::ZERO; sgd.history_len()];
    Ok(Box::new(move || {
        let mut net = Mlp2551::<S>::random(&mut RandomStream::new(4));
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
fn optimise_data_run<S: Scalar>() -> Result<Run, Error> {
    let (xs, ts) = blobs::<S>()?;
    let mut model = LinearModel::<S, 2>::new();
    let train = Sgd {
        learning_rate: S::from_f64(0.001),
        iterations: 100_000,
        seed: 5,
        record_every: 1000,
    };
    let mut history = vec![S::ZERO; train.history_len()];
    train.train(&mut model, &HingeLoss, &xs, &ts, &mut history)?;
    let sgd = Sgd {
        learning_rate: S::from_f64(0.05),
        iterations: 500_000,
        seed: 6,
        record_every: 1,
    };
    let mut moved = xs.clone();
    Ok(Box::new(move || {
        moved.copy_from_slice(black_box(&xs));
        let s = sgd
            .optimise_data(&mut model, &HingeLoss, &mut moved, black_box(&ts))
            .map_err(fail)?;
        Ok(s.final_loss.to_f64())
    }))
}

/// The checked-in course config, read once.
fn course_config() -> Result<unrolled_report::Config, String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../course.toml");
    unrolled_report::Config::load(&path).map_err(|e| e.to_string())
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

/// Workload 7 in full: every experiment, then every figure and page rendered into a scratch
/// folder (what `cargo xtask report` does after the release build).
fn course_pages_run(config: &unrolled_report::Config) -> Run {
    let config = config.clone();
    let out = std::env::temp_dir().join(format!("unrolled-bench-pages-{}", std::process::id()));
    Box::new(move || {
        let results = unrolled_report::run(black_box(&config)).map_err(|e| e.to_string())?;
        let rendered =
            unrolled_report::course::render(&results, &out).map_err(|e| e.to_string())?;
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

fn rprop_answer(data: &Lesson1Data) -> Result<Vec<f64>, Error> {
    let mut w = Weights::new(-1.5, 2.0);
    rprop(
        &data.xs,
        &data.ts,
        &mut w,
        &RpropConfig::notebook(),
        500,
        |_| {},
    )?;
    Ok(vec![w.w_x, w.w_rec])
}

fn loss_surface_answer(data: &Lesson1Data) -> Result<Vec<f64>, Error> {
    let mut answer = Vec::new();
    let mut outs = Vec::new();
    for grid in panels::<f64>() {
        let mut out = vec![0.0; 100 * 100];
        loss_surface(&data.xs, &data.ts, &grid, &mut out)?;
        let (arg, min) =
            out.iter().enumerate().fold(
                (0, f64::INFINITY),
                |(ai, am), (i, &v)| if v < am { (i, v) } else { (ai, am) },
            );
        answer.extend([arg as f64, min]);
        outs.push(out);
    }
    answer.push(outs[0][37 * 100 + 61]);
    answer.push(outs[1][50 * 100 + 45]);
    Ok(answer)
}

fn gradient_check_answer(data: &Lesson1Data) -> Result<Vec<f64>, Error> {
    let c = gradient_check(
        &data.xs,
        &data.ts,
        Weights::new(1.2, 1.2),
        1e-7,
        Tolerance::default(),
    )?;
    Ok(vec![
        c.w_x.backprop,
        c.w_rec.backprop,
        c.w_x.numerical,
        c.w_rec.numerical,
    ])
}

/// Every workload, in the table's order.
pub fn all() -> Result<Vec<Workload>, String> {
    let l1 = Lesson1Data::load()?;
    let config = course_config()?;
    let e = |e: Error| e.to_string();
    Ok(vec![
        Workload {
            key: "rprop",
            title: "1. lesson 1 Rprop, 500 iterations, 20x10",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(rprop_run::<f64>(&l1)),
            f32: Some(rprop_run::<f32>(&l1)),
            cross_check: Some((rprop_answer(&l1).map_err(e)?, |r, n| {
                close_all("Rprop's final weights", r, n, 1e-12)
            })),
            note: "",
        },
        Workload {
            key: "loss_surface",
            title: "2. lesson 1 loss surface, two 100x100 grids",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(loss_surface_run::<f64>(&l1)),
            f32: Some(loss_surface_run::<f32>(&l1)),
            cross_check: Some((loss_surface_answer(&l1).map_err(e)?, |r, n| {
                close_all("the loss surfaces' minima and two samples", r, n, 1e-12)
            })),
            note: "",
        },
        Workload {
            key: "gradient_check",
            title: "3. lesson 1 gradient check at (1.2, 1.2)",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(gradient_check_run::<f64>(&l1)),
            f32: Some(gradient_check_run::<f32>(&l1)),
            cross_check: Some((gradient_check_answer(&l1).map_err(e)?, |r, n| {
                close_all("the backprop gradients", &r[..2], &n[..2], 1e-12)?;
                close_all("the numerical gradients", &r[2..], &n[2..], 1e-6)
            })),
            note: "",
        },
        Workload {
            key: "linear_sgd",
            title: "4. lesson 2 linear model, SGD 100000 iterations",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(linear_sgd_run::<f64>().map_err(e)?),
            f32: Some(linear_sgd_run::<f32>().map_err(e)?),
            cross_check: None,
            note: "",
        },
        Workload {
            key: "mlp",
            title: "5. lesson 2 MLP 2-5-5-1, SGD 100000, loss every 100",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(mlp_run::<f64>().map_err(e)?),
            f32: Some(mlp_run::<f32>().map_err(e)?),
            cross_check: None,
            note: "",
        },
        Workload {
            key: "optimise_data",
            title: "6. lesson 2 optimising the data, 500000 iterations",
            numpy: NumpySide::Script,
            allocation_free: true,
            f64: Some(optimise_data_run::<f64>().map_err(e)?),
            f32: Some(optimise_data_run::<f32>().map_err(e)?),
            cross_check: None,
            note: "",
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
        },
        Workload {
            key: "course_pages",
            title: "7. the whole course: experiments, figures and pages",
            numpy: NumpySide::SumOf(&["course"]),
            allocation_free: false,
            f64: Some(course_pages_run(&config)),
            f32: None,
            cross_check: None,
            note: "`unrolled_report::run` then `course::render` into a scratch folder; the numpy \
                   figure is the experiments alone (the notebooks' matplotlib figures are not \
                   timed), so this ratio understates ours",
        },
    ])
}
