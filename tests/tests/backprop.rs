//! Snapshots of lesson 2's headline numbers, run with the checked-in `course.toml`
//! (rounded to 9 significant digits, as in `rnn.rs`).

mod common;

use common::{course_results, sig};
use serde_json::{Value, json};
use unrolled_report::results::{LinearRun, NetRun};

fn linear(r: &LinearRun) -> Value {
    json!({
        "weights": [sig(r.weights[0]), sig(r.weights[1])],
        "bias": sig(r.bias),
        "final_loss": sig(r.final_loss),
        "accuracy": r.accuracy,
        "losses_recorded": r.loss_history.len(),
        "first_losses": r.loss_history.iter().take(3).map(|&l| sig(l)).collect::<Vec<_>>(),
    })
}

fn net(r: &NetRun) -> Value {
    json!({
        "final_loss": sig(r.final_loss),
        "accuracy": r.accuracy,
        "stopped_at": r.stopped.as_ref().map(|s| s.iteration),
        "relu_units": r.relu_units,
        "dead_units": r.dead_units,
        "losses_recorded": r.loss_history.len(),
        "histogram_counts": r.histogram.counts,
        "histogram_range": [
            sig(r.histogram.edges.first().copied().unwrap_or(f64::NAN)),
            sig(r.histogram.edges.last().copied().unwrap_or(f64::NAN)),
        ],
    })
}

#[test]
fn backprop_headlines() {
    let l2 = &course_results().backprop;
    let o = &l2.optimise_data;
    let sj = &l2.split_join;
    let headline = json!({
        "data": {
            "points": l2.data.xs.len(),
            "first_point": [sig(l2.data.xs[0][0]), sig(l2.data.xs[0][1])],
        },
        "squared": linear(&l2.squared),
        "hinge": linear(&l2.hinge),
        "data_classifier": linear(&l2.data_classifier),
        "optimise_data": {
            "changed_class": o.changed_class,
            "accuracy_before": o.accuracy_before,
            "accuracy_after": o.accuracy_after,
            "mean_distance": sig(o.mean_distance),
            "max_distance": sig(o.max_distance),
            "final_loss": sig(o.final_loss),
        },
        "mlp": net(&l2.mlp),
        "deep_relu": net(&l2.deep_relu),
        "split_join": {
            "output": sig(sj.output),
            "passed": sj.passed,
            "parameters": sj.parameters.len(),
            "d_loss_d_x": sj.inputs.iter().map(|d| [sig(d.backprop), sig(d.numerical)]).collect::<Vec<_>>(),
        },
        "unit_tests": l2.unit_tests.iter().map(|t| json!([t.name, t.got, t.passed])).collect::<Vec<_>>(),
    });
    insta::assert_yaml_snapshot!(headline);
}

#[test]
fn every_unit_test_of_the_lesson_passes() {
    for t in &course_results().backprop.unit_tests {
        assert!(t.passed, "{t:?}");
    }
    assert!(course_results().backprop.split_join.passed);
}

#[test]
fn output_grids_have_the_configured_size() {
    let l2 = &course_results().backprop;
    let n = l2.plane.points * l2.plane.points;
    for grid in [
        &l2.squared.output,
        &l2.hinge.output,
        &l2.mlp.output,
        &l2.deep_relu.output,
    ] {
        assert_eq!(grid.len(), n);
    }
}
