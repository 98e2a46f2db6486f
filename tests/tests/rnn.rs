//! Snapshots of lesson 1's headline numbers, run with the checked-in `course.toml`.
//!
//! Numbers are rounded to 9 significant digits, so a change in the last bits of a long run
//! (e.g. a reordered sum) does not churn the snapshots, while any real change shows in review.

mod common;

use common::{course_results, sig};
use serde_json::{Value, json};
use unrolled_report::results::{RnnDataset, RpropRun, Surface, Trajectory};

fn trajectory_headline(t: &Trajectory) -> Value {
    json!({
        "iterates": t.loss.len(),
        "start_loss": sig(t.loss.first().copied().unwrap_or(f64::NAN)),
    })
}

fn rprop_headline(r: &RpropRun) -> Value {
    json!({
        "final_w_x": sig(r.final_weights.w_x),
        "final_w_rec": sig(r.final_weights.w_rec),
        "final_loss": sig(r.final_loss),
        "trajectory": trajectory_headline(&r.trajectory),
    })
}

fn surface_headline(s: &Surface) -> Value {
    json!({
        "points": s.points,
        "range": s.w_x,
        "min_loss": sig(s.min_loss),
        "max_loss": sig(s.max_loss),
        "values": s.loss.len(),
    })
}

fn headline(d: &RnnDataset) -> Value {
    let gc = &d.gradient_check.check;
    let gd = &d.gradient_descent;
    json!({
        "data": {
            "samples": d.data.samples,
            "sequence_length": d.data.sequence_length,
            "sum_of_targets": sig(d.data.ts.iter().sum()),
            "first_row": d.data.xs.first(),
        },
        "gradient_check": {
            "passed": d.gradient_check.passed,
            "d_w_x": [sig(gc.w_x.backprop), sig(gc.w_x.numerical)],
            "d_w_rec": [sig(gc.w_rec.backprop), sig(gc.w_rec.numerical)],
        },
        "loss_surface": {
            "overview": surface_headline(&d.loss_surface.overview),
            "zoom": surface_headline(&d.loss_surface.zoom),
        },
        "gradient_over_time": {
            "notebook_factor": d.gradient_over_time.notebook_factor,
            "at_output_and_at_k0": d.gradient_over_time.curves.iter().map(|c| json!({
                "at": [c.at.w_x, c.at.w_rec],
                "k_last": sig(c.d_loss_d_state.last().copied().unwrap_or(f64::NAN)),
                "k0": sig(c.d_loss_d_state.first().copied().unwrap_or(f64::NAN)),
            })).collect::<Vec<_>>(),
        },
        "rprop": rprop_headline(&d.rprop),
        "rprop_other_start": rprop_headline(&d.rprop_other_start),
        "gradient_descent": {
            "final_w_x": sig(gd.final_weights.w_x),
            "final_w_rec": sig(gd.final_weights.w_rec),
            "final_loss": sig(gd.final_loss),
            "stopped_at": gd.stopped.as_ref().map(|s| s.iteration),
            "trajectory": trajectory_headline(&gd.trajectory),
        },
        "test_sequence": {
            "target": d.test_sequence.target,
            "output": sig(d.test_sequence.output),
        },
    })
}

#[test]
fn binary_dataset() {
    insta::assert_yaml_snapshot!(headline(&course_results().rnn.binary));
}

#[test]
fn variant_dataset() {
    insta::assert_yaml_snapshot!(headline(&course_results().rnn.variant));
}

#[test]
fn the_course_reproduces_the_notebooks_printed_weights() {
    let r = &course_results().rnn.binary;
    assert_eq!(
        format!("{:.11}", r.rprop.final_weights.w_x),
        "1.00135554721"
    );
    assert_eq!(
        format!("{:.12}", r.rprop.final_weights.w_rec),
        "0.999674473785"
    );
    assert_eq!(format!("{:.2}", r.test_sequence.output), "5.00");
    assert_eq!(r.test_sequence.target, 5.0);
}

#[test]
fn the_course_reproduces_the_variant_notebooks_printed_weights() {
    // The variant notebook printed `wx = 1.2782, wRec = 0.9730` and `Model output: 5.64`.
    let r = &course_results().rnn.variant;
    assert_eq!(format!("{:.4}", r.rprop.final_weights.w_x), "1.2782");
    assert_eq!(format!("{:.4}", r.rprop.final_weights.w_rec), "0.9730");
    assert_eq!(format!("{:.2}", r.test_sequence.output), "5.64");
    assert_eq!(r.data.samples, 30);
    assert_eq!(r.data.sequence_length, 20);
}

#[test]
fn results_json_is_deterministic_and_reads_back() {
    let results = course_results();
    let a = unrolled_report::json::to_string(results).unwrap();
    let b =
        unrolled_report::json::to_string(&unrolled_report::run(&common::course_config()).unwrap())
            .unwrap();
    assert!(a == b, "two runs gave different results.json");
    let back: unrolled_report::Results = serde_json::from_str(&a).unwrap();
    assert!(
        &back == results,
        "results.json does not read back to the same results"
    );
}
