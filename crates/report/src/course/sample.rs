//! A results document in the layout of `results.json`, computed straight from the core, for
//! testing the course before (and independently of) the experiment runner.

use serde_json::{Value, json};
use unrolled::datasets::{binary_sequences, variant_sequences};
use unrolled::gradcheck::{Tolerance, gradient_check};
use unrolled::optimise::{RpropConfig, gradient_descent, rprop};
use unrolled::rnn::{Grid, OverTimeScale, Weights, gradient_over_time, loss_surface, output};

fn surface<const L: usize>(xs: &[[f64; L]], ts: &[f64], lo: f64, hi: f64, n: usize) -> Value {
    let grid = Grid {
        w_x_min: lo,
        w_x_max: hi,
        w_rec_min: lo,
        w_rec_max: hi,
        points: n,
    };
    let mut out = vec![0.0; n * n];
    loss_surface(xs, ts, &grid, &mut out).unwrap_or_default();
    let loss: Vec<f32> = out.iter().map(|v| *v as f32).collect();
    json!({ "w_x": [lo, hi], "w_rec": [lo, hi], "points": n,
            "min_loss": out.iter().copied().fold(f64::INFINITY, f64::min),
            "max_loss": out.iter().copied().fold(0.0, f64::max), "loss": loss })
}

fn trajectory(steps: &[(f64, f64, f64)], last: Weights<f64>, last_loss: f64) -> Value {
    let mut w_x: Vec<f64> = steps.iter().map(|s| s.0).collect();
    let mut w_rec: Vec<f64> = steps.iter().map(|s| s.1).collect();
    let mut loss: Vec<f64> = steps.iter().map(|s| s.2).collect();
    w_x.push(last.w_x);
    w_rec.push(last.w_rec);
    loss.push(last_loss);
    json!({ "w_x": w_x, "w_rec": w_rec, "loss": loss })
}

fn rprop_run<const L: usize>(
    xs: &[[f64; L]],
    ts: &[f64],
    start: [f64; 2],
    delta: f64,
    prev: [f64; 2],
    iterations: u32,
) -> Value {
    let config = RpropConfig {
        delta_init: [delta; 2],
        prev_sign_init: prev,
        ..RpropConfig::notebook()
    };
    let mut w = Weights::new(start[0], start[1]);
    let mut steps = Vec::new();
    let summary = rprop(xs, ts, &mut w, &config, iterations, |s| {
        steps.push((s.weights.w_x, s.weights.w_rec, s.loss))
    });
    let loss = summary.map(|s| s.loss).unwrap_or(f64::NAN);
    json!({ "settings": { "eta_plus": 1.2, "eta_minus": 0.5, "start": start, "delta": [delta, delta], "prev_sign": prev, "iterations": iterations },
            "trajectory": trajectory(&steps, w, loss), "final_weights": { "w_x": w.w_x, "w_rec": w.w_rec }, "final_loss": loss })
}

fn dataset<const L: usize>(xs: &[[f64; L]], ts: &[f64], points: usize) -> Value {
    let check = gradient_check(xs, ts, Weights::new(1.2, 1.2), 1e-7, Tolerance::default()).ok();
    let pc = |c: Option<unrolled::gradcheck::ParameterCheck<f64>>| match c {
        Some(c) => {
            json!({ "backprop": c.backprop, "numerical": c.numerical, "abs_error": c.abs_error, "rel_error": c.rel_error, "close": c.close })
        }
        None => Value::Null,
    };
    let marks = [
        (2.0, 1.0),
        (1.0, 2.0),
        (1.0, -2.0),
        (1.0, 0.0),
        (1.0, 0.5),
        (1.0, -0.5),
    ];
    let curves: Vec<Value> = marks
        .iter()
        .map(|m| {
            let mut out = vec![0.0; L + 1];
            gradient_over_time(
                xs,
                ts,
                Weights::new(m.0, m.1),
                OverTimeScale::MeanLoss,
                &mut out,
            )
            .unwrap_or_default();
            json!({ "at": { "w_x": m.0, "w_rec": m.1 }, "d_loss_d_state": out })
        })
        .collect();
    let mut w = Weights::new(-1.5, 2.0);
    let mut steps = Vec::new();
    let gd = gradient_descent(xs, ts, &mut w, 1e-7, 500, |s| {
        steps.push((s.weights.w_x, s.weights.w_rec, s.loss))
    });
    let stopped = gd.is_err();
    let gd_loss = match gd {
        Ok(s) => s.loss,
        Err(_) => steps.pop().map_or(f64::NAN, |s| s.2),
    };
    let main = rprop_run(xs, ts, [-1.5, 2.0], 0.001, [0.0, 0.0], 500);
    let fw = Weights::new(
        main["final_weights"]["w_x"].as_f64().unwrap_or(0.0),
        main["final_weights"]["w_rec"].as_f64().unwrap_or(0.0),
    );
    let test = [0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0];
    json!({
        "data": { "source": { "kind": "seeded", "generator": "binary", "seed": 1 }, "samples": xs.len(), "sequence_length": L, "xs": xs.iter().map(|x| x.to_vec()).collect::<Vec<_>>(), "ts": ts },
        "gradient_check": { "at": { "w_x": 1.2, "w_rec": 1.2 }, "eps": 1e-7,
            "check": { "w_x": pc(check.map(|c| c.w_x)), "w_rec": pc(check.map(|c| c.w_rec)) }, "passed": check.is_some_and(|c| c.passed()) },
        "loss_surface": { "overview": surface(xs, ts, -3.0, 3.0, points), "zoom": surface(xs, ts, -0.1, 2.1, points) },
        "gradient_over_time": { "scale": "MeanLoss", "notebook_factor": (xs.len() * xs.len()) as f64, "curves": curves },
        "rprop": main,
        "rprop_other_start": rprop_run(xs, ts, [-2.0, 2.0], 0.003, [-1.0, 1.0], 300),
        "gradient_descent": { "settings": { "start": [-1.5, 2.0], "learning_rate": 1e-7, "iterations": 500 },
            "trajectory": trajectory(&steps, w, gd_loss), "final_weights": { "w_x": w.w_x, "w_rec": w.w_rec }, "final_loss": gd_loss,
            "stopped": if stopped { json!({ "iteration": steps.len(), "reason": "the loss stopped being finite" }) } else { Value::Null } },
        "test_sequence": { "sequence": test, "target": 5.0, "output": output(&test, fw) },
    })
}

/// Lesson 1 on both datasets at the notebooks' sizes.
pub fn results() -> Value {
    let (mut xs, mut ts) = ([[0.0_f64; 10]; 20], [0.0; 20]);
    binary_sequences(1, &mut xs, &mut ts).unwrap_or_default();
    let (mut vx, mut vt) = ([[0.0_f64; 20]; 30], [0.0; 30]);
    variant_sequences(1, &mut vx, &mut vt).unwrap_or_default();
    json!({ "schema_version": 1, "lesson1": { "binary": dataset(&xs, &ts, 100), "variant": dataset(&vx, &vt, 50) } })
}
