//! Every figure of the course, by the name the templates use, drawn from the runner's
//! [`Results`](crate::results::Results).

use std::collections::BTreeMap;

use plotters::style::RGBColor;

use super::figures::{self, Mark, PlaneView, SurfaceView};
use crate::results::{BackpropResults, LinearRun, NetRun, PlaneGrid, Results, RnnDataset, Surface};

const W_X: RGBColor = RGBColor(31, 119, 180);
const W_REC: RGBColor = RGBColor(214, 39, 40);
const RPROP: RGBColor = RGBColor(31, 119, 180);
const DESCENT: RGBColor = RGBColor(230, 120, 0);
const LOSS: RGBColor = RGBColor(59, 82, 139);

fn surface(s: &Surface) -> SurfaceView<'_> {
    SurfaceView {
        w_x: s.w_x,
        w_rec: s.w_rec,
        points: s.points,
        loss: &s.loss,
    }
}

fn path(t: &crate::results::Trajectory) -> Vec<(f64, f64)> {
    t.w_x.iter().copied().zip(t.w_rec.iter().copied()).collect()
}

/// Every figure, by name.
pub fn figures(r: &Results) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (key, name, d) in [
        ("binary", "the binary sequences", &r.rnn.binary),
        ("variant", "the variant sequences", &r.rnn.variant),
    ] {
        rnn(&mut out, key, name, d)?;
    }
    backprop(&mut out, &r.backprop)?;
    Ok(out)
}

fn rnn(
    out: &mut BTreeMap<String, String>,
    key: &str,
    name: &str,
    d: &RnnDataset,
) -> Result<(), String> {
    let marks: Vec<Mark> = d
        .gradient_over_time
        .curves
        .iter()
        .map(|c| (c.at.w_x, c.at.w_rec))
        .collect();
    let (ov, zo) = (
        surface(&d.loss_surface.overview),
        surface(&d.loss_surface.zoom),
    );
    out.insert(
        format!("rnn-{key}-surface"),
        figures::loss_surface(
            &format!("Loss surface of the linear RNN on {name}"),
            "Filled contours of the loss plus one on a logarithmic colour scale over w_x and w_rec: an overview and a zoom around (1, 1), with the six annotated points.",
            &ov,
            &zo,
            &marks,
            None,
        )?,
    );
    let curves: Vec<(Mark, &[f64])> = d
        .gradient_over_time
        .curves
        .iter()
        .map(|c| ((c.at.w_x, c.at.w_rec), c.d_loss_d_state.as_slice()))
        .collect();
    out.insert(
        format!("rnn-{key}-over-time"),
        figures::gradient_over_time(
            &format!("The gradient flowing back in time on {name}"),
            "The derivative of the loss with respect to each state, from the output back to the first step, for the six annotated points, on a symmetric logarithmic axis.",
            &curves,
        )?,
    );
    out.insert(
        format!("rnn-{key}-rprop-path"),
        figures::loss_surface(
            &format!("Rprop's path over the loss surface on {name}"),
            "Every Rprop iterate as a white dot on the overview and the zoomed loss surface; a star marks the final weights.",
            &ov,
            &zo,
            &[],
            Some(&path(&d.rprop.trajectory)),
        )?,
    );
    for (run_key, run, what) in [
        ("weights", &d.rprop, "the main Rprop run"),
        (
            "other-weights",
            &d.rprop_other_start,
            "the second Rprop run",
        ),
    ] {
        out.insert(
            format!("rnn-{key}-{run_key}"),
            figures::lines(
                &format!("The two weights over the iterations of {what} on {name}"),
                "w_x and w_rec against the iteration.",
                "weight",
                false,
                1.0,
                &[
                    ("w_x", W_X, &run.trajectory.w_x),
                    ("w_rec", W_REC, &run.trajectory.w_rec),
                ],
            )?,
        );
    }
    out.insert(
        format!("rnn-{key}-descent"),
        figures::lines(
            &format!("Gradient descent beside Rprop on {name}"),
            "The loss against the iteration for Rprop and for plain gradient descent from the same start, on a logarithmic axis.",
            "loss ξ",
            true,
            1.0,
            &[
                ("Rprop", RPROP, &d.rprop.trajectory.loss),
                (
                    "gradient descent",
                    DESCENT,
                    &d.gradient_descent.trajectory.loss,
                ),
            ],
        )?,
    );
    Ok(())
}

fn plane<'a>(grid: &PlaneGrid, output: &'a [f32]) -> PlaneView<'a> {
    PlaneView {
        x: grid.range,
        y: grid.range,
        nx: grid.points,
        ny: grid.points,
        values: output,
    }
}

/// A loss history as a curve against the iteration, on a log axis.
fn convergence(title: &str, desc: &str, history: &[f64], every: u64) -> Result<String, String> {
    figures::lines(
        title,
        desc,
        "mean loss",
        true,
        every as f64,
        &[("loss", LOSS, history)],
    )
}

fn backprop(out: &mut BTreeMap<String, String>, l: &BackpropResults) -> Result<(), String> {
    let window = (l.plane.range, l.plane.range);
    let (xs, labels) = (&l.data.xs, &l.data.labels);
    out.insert(
        "backprop-data".into(),
        figures::plane(
            "The two Gaussian blobs",
            "Scatter plot of the training points in the plane, coloured by label.",
            None,
            window,
            xs,
            labels,
        )?,
    );
    let linear: [(&str, &str, &LinearRun); 2] = [
        ("squared", "the squared loss", &l.squared),
        ("hinge", "the hinge loss", &l.hinge),
    ];
    for (key, what, run) in linear {
        out.insert(
            format!("backprop-{key}-plane"),
            figures::plane(
                &format!("The linear model trained with {what}"),
                "The model's output over the plane as coloured bands, its zero contour (the decision boundary) as a black line, and the training points.",
                Some(&plane(&l.plane, &run.output)),
                window,
                xs,
                labels,
            )?,
        );
        out.insert(
            format!("backprop-{key}-loss"),
            convergence(
                &format!("Convergence of SGD with {what}"),
                "The mean loss over all training points against the iteration, on a logarithmic axis.",
                &run.loss_history,
                run.settings.record_every,
            )?,
        );
    }
    out.insert(
        "backprop-optimise-data".into(),
        figures::before_after(
            "The data before and after optimising it against a fixed classifier",
            "Two panels over the classifier's output and decision boundary: the original points, and the points after gradient descent on the data, with a line from where each moved point started.",
            &plane(&l.plane, &l.data_classifier.output),
            window,
            xs,
            &l.optimise_data.moved,
            labels,
        )?,
    );
    let nets: [(&str, &str, &NetRun); 2] = [
        ("mlp", "the 2-5-5-1 MLP", &l.mlp),
        ("deep", "the deep all-ReLU net", &l.deep_relu),
    ];
    for (key, what, run) in nets {
        out.insert(
            format!("backprop-{key}-plane"),
            figures::plane(
                &format!("The output of {what} over the plane"),
                "The net's output as coloured bands, its zero contour as a black line, and the training points.",
                Some(&plane(&l.plane, &run.output)),
                window,
                xs,
                labels,
            )?,
        );
        out.insert(
            format!("backprop-{key}-loss"),
            convergence(
                &format!("Convergence of SGD on {what}"),
                "The mean squared loss over all training points against the iteration, on a logarithmic axis.",
                &run.loss_history,
                run.settings.record_every,
            )?,
        );
    }
    out.insert(
        "backprop-mlp-histogram".into(),
        figures::histogram(
            "Histogram of the MLP's outputs on the training points",
            "How many training points get each output value, in equal bins between the smallest and the largest output.",
            "model output y",
            &l.mlp.histogram.edges,
            &l.mlp.histogram.counts,
        )?,
    );
    Ok(())
}
