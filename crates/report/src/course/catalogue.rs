//! Every figure of the course, declared once by the name the templates use, with its title
//! and alt text, drawn from the runner's [`Results`](crate::results::Results).
//!
//! A name a template passes to `figure(…)` is found here by searching for it in quotes:
//! each name is written out in [`figures`] (lesson by lesson), beside the function that draws it; no name is
//! assembled from parts.

use std::collections::BTreeMap;

use plotters::style::RGBColor;

use super::Figures;
use super::figures::{self, Caption, Contoured, Drawing, Lines, Mark, PlaneView, SurfaceView};
use super::plot::DrawResult;
use crate::error::Error;
use crate::results::{
    BackpropResults, LinearRun, NetRun, PlaneGrid, Results, RnnDataset, RnnResults, RpropRun,
    Surface, Trajectory,
};
use crate::threads::{self, Job};

const W_X: RGBColor = RGBColor(31, 119, 180);
const W_REC: RGBColor = RGBColor(214, 39, 40);
const RPROP: RGBColor = RGBColor(31, 119, 180);
const DESCENT: RGBColor = RGBColor(200, 100, 0);
const LOSS: RGBColor = RGBColor(59, 82, 139);

/// How the figures name lesson 1's two datasets.
const BINARY: &str = "the binary sequences";
const VARIANT: &str = "the variant sequences";

/// Every figure, by name: the HTML of its panels ([`Drawing::to_html`]), each lesson's
/// drawn on [`threads::workers`] threads ([`lesson1_figures`], [`lesson2_figures`]).
pub fn figures(r: &Results) -> DrawResult<Figures> {
    figures_with(r, None)
}

/// [`figures`], with lesson 1's taken as given if they were drawn ahead.
pub fn figures_with(r: &Results, lesson1: Option<&Figures>) -> DrawResult<Figures> {
    let workers = threads::workers();
    let mut out = match lesson1 {
        Some(drawn) => drawn.clone(),
        None => lesson1_figures(&r.rnn, workers)?,
    };
    out.append(&mut lesson2_figures(&r.backprop, workers)?);
    Ok(out)
}

/// Lesson 1's figures, by name, drawn on `workers` threads.
///
/// Each figure depends on the results alone, so they are the same bytes on any number of
/// threads; an error is the first figure's in the course's order, as drawn one after another.
/// Each loss surface is contoured once, for both figures that show it.
pub fn lesson1_figures(rnn: &RnnResults, workers: usize) -> DrawResult<Figures> {
    let (b, v) = (&rnn.binary, &rnn.variant);
    let contoured = threads::in_order(
        workers,
        vec![
            contour(&b.loss_surface.overview),
            contour(&b.loss_surface.zoom),
            contour(&v.loss_surface.overview),
            contour(&v.loss_surface.zoom),
        ],
    );
    let [b_surface, v_surface] = [&contoured[0..2], &contoured[2..4]].map(|pair| match pair {
        [Ok(overview), Ok(zoom)] => Ok((overview, zoom)),
        [Err(e), _] | [_, Err(e)] => Err(e.clone()),
        _ => Err(Error::render("a dataset without its two loss surfaces")),
    });
    let (b_surface, v_surface) = (&b_surface, &v_surface);
    let drawn: Vec<(&str, Job<'_, DrawResult<Drawing>>)> = vec![
        (
            "rnn-binary-surface",
            Box::new(move || rnn_surface(b, b_surface.clone()?, BINARY)),
        ),
        (
            "rnn-binary-over-time",
            Box::new(|| rnn_over_time(b, BINARY)),
        ),
        (
            "rnn-binary-rprop-path",
            Box::new(move || rnn_rprop_path(b, b_surface.clone()?, BINARY)),
        ),
        (
            "rnn-binary-weights",
            Box::new(|| rnn_weights(&b.rprop, "the main Rprop run", BINARY)),
        ),
        (
            "rnn-binary-other-weights",
            Box::new(|| rnn_weights(&b.rprop_other_start, "the second Rprop run", BINARY)),
        ),
        ("rnn-binary-descent", Box::new(|| rnn_descent(b, BINARY))),
        (
            "rnn-variant-surface",
            Box::new(move || rnn_surface(v, v_surface.clone()?, VARIANT)),
        ),
        (
            "rnn-variant-over-time",
            Box::new(|| rnn_over_time(v, VARIANT)),
        ),
        (
            "rnn-variant-rprop-path",
            Box::new(move || rnn_rprop_path(v, v_surface.clone()?, VARIANT)),
        ),
        (
            "rnn-variant-weights",
            Box::new(|| rnn_weights(&v.rprop, "the main Rprop run", VARIANT)),
        ),
        (
            "rnn-variant-other-weights",
            Box::new(|| rnn_weights(&v.rprop_other_start, "the second Rprop run", VARIANT)),
        ),
        ("rnn-variant-descent", Box::new(|| rnn_descent(v, VARIANT))),
    ];
    drawn_in_order(workers, drawn)
}

/// Lesson 2's figures, by name, drawn on `workers` threads, as [`lesson1_figures`].
pub fn lesson2_figures(l: &BackpropResults, workers: usize) -> DrawResult<Figures> {
    let drawn: Vec<(&str, Job<'_, DrawResult<Drawing>>)> = vec![
        ("backprop-data", Box::new(|| backprop_data(l))),
        (
            "backprop-squared-plane",
            Box::new(|| linear_plane(l, &l.squared, "the squared loss")),
        ),
        (
            "backprop-squared-loss",
            Box::new(|| linear_loss(&l.squared, "the squared loss")),
        ),
        (
            "backprop-hinge-plane",
            Box::new(|| linear_plane(l, &l.hinge, "the hinge loss")),
        ),
        (
            "backprop-hinge-loss",
            Box::new(|| linear_loss(&l.hinge, "the hinge loss")),
        ),
        (
            "backprop-optimise-data",
            Box::new(|| backprop_optimise_data(l)),
        ),
        (
            "backprop-mlp-plane",
            Box::new(|| net_plane(l, &l.mlp, "the 2-5-5-1 MLP")),
        ),
        (
            "backprop-mlp-loss",
            Box::new(|| net_loss(&l.mlp, "the 2-5-5-1 MLP", true)),
        ),
        (
            "backprop-mlp-histogram",
            Box::new(|| backprop_mlp_histogram(l)),
        ),
        (
            "backprop-deep-plane",
            Box::new(|| net_plane(l, &l.deep_relu, "the deep all-ReLU net")),
        ),
        (
            "backprop-deep-loss",
            Box::new(|| net_loss(&l.deep_relu, "the deep all-ReLU net", false)),
        ),
    ];
    drawn_in_order(workers, drawn)
}

/// Run the figure jobs `drawn` on `workers` threads: each figure's HTML by its name, or the
/// first error in their order.
fn drawn_in_order(
    workers: usize,
    drawn: Vec<(&str, Job<'_, DrawResult<Drawing>>)>,
) -> DrawResult<Figures> {
    let (names, jobs): (Vec<_>, Vec<_>) = drawn.into_iter().unzip();
    let drawings = threads::in_order(workers, jobs);
    let mut out = BTreeMap::new();
    for (name, drawing) in names.into_iter().zip(drawings) {
        out.insert(name.to_string(), drawing?.to_html());
    }
    Ok(out)
}

/// The job that contours `s`.
fn contour(s: &Surface) -> Job<'_, DrawResult<Contoured<'_>>> {
    Box::new(move || Contoured::new(surface(s)))
}

/// A dataset's two loss surfaces, overview and zoom, each contoured once.
type Surfaces<'s, 'a> = (&'s Contoured<'a>, &'s Contoured<'a>);

fn surface(s: &Surface) -> SurfaceView<'_> {
    SurfaceView {
        w_x: s.w_x,
        w_rec: s.w_rec,
        points: s.points,
        loss: &s.loss,
    }
}

fn path(t: &Trajectory) -> Vec<(f64, f64)> {
    t.w_x.iter().copied().zip(t.w_rec.iter().copied()).collect()
}

/// The points the gradient over time is traced at, marked on the surfaces.
fn marks(d: &RnnDataset) -> Vec<Mark> {
    d.gradient_over_time
        .curves
        .iter()
        .map(|c| (c.at.w_x, c.at.w_rec))
        .collect()
}

fn rnn_surface(d: &RnnDataset, (overview, zoom): Surfaces, data: &str) -> DrawResult<Drawing> {
    let caption = Caption {
        title: format!("Loss surface of the linear RNN on {data}"),
        alt: "Filled contours of the loss plus one on a logarithmic colour scale over w_x and w_rec: an overview and a zoom around (1, 1), with the six annotated points.",
    };
    figures::loss_surface(&caption, overview, zoom, &marks(d), None)
}

fn rnn_over_time(d: &RnnDataset, data: &str) -> DrawResult<Drawing> {
    let caption = Caption {
        title: format!("The gradient flowing back in time on {data}"),
        alt: "The derivative of the loss with respect to each state, from the output back to the first step, for the six annotated points, on a symmetric logarithmic axis.",
    };
    let curves: Vec<(Mark, &[f64])> = d
        .gradient_over_time
        .curves
        .iter()
        .map(|c| ((c.at.w_x, c.at.w_rec), c.d_loss_d_state.as_slice()))
        .collect();
    figures::gradient_over_time(&caption, &curves)
}

fn rnn_rprop_path(d: &RnnDataset, (overview, zoom): Surfaces, data: &str) -> DrawResult<Drawing> {
    let caption = Caption {
        title: format!("Rprop's path over the loss surface on {data}"),
        alt: "Every Rprop iterate as a white dot on the overview and the zoomed loss surface; a star marks the final weights.",
    };
    figures::loss_surface(
        &caption,
        overview,
        zoom,
        &[],
        Some(&path(&d.rprop.trajectory)),
    )
}

fn rnn_weights(run: &RpropRun, which: &str, data: &str) -> DrawResult<Drawing> {
    let caption = Caption {
        title: format!("The two weights over the iterations of {which} on {data}"),
        alt: "w_x and w_rec against the iteration.",
    };
    let options = Lines {
        y_label: "weight",
        legend_title: "weight",
        ..Lines::default()
    };
    figures::lines(
        &caption,
        &options,
        &[
            ("w_x", W_X, &run.trajectory.w_x),
            ("w_rec", W_REC, &run.trajectory.w_rec),
        ],
    )
}

fn rnn_descent(d: &RnnDataset, data: &str) -> DrawResult<Drawing> {
    let caption = Caption {
        title: format!("Gradient descent beside Rprop on {data}"),
        alt: "The loss against the iteration for Rprop and for plain gradient descent from the same start, on a logarithmic axis.",
    };
    let options = Lines {
        y_label: "loss ξ",
        legend_title: "optimiser",
        log_y: true,
        ..Lines::default()
    };
    figures::lines(
        &caption,
        &options,
        &[
            ("Rprop", RPROP, &d.rprop.trajectory.loss),
            (
                "gradient descent",
                DESCENT,
                &d.gradient_descent.trajectory.loss,
            ),
        ],
    )
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

/// The window every lesson 2 figure shows: the plane the outputs are drawn over.
fn window(l: &BackpropResults) -> ([f64; 2], [f64; 2]) {
    (l.plane.range, l.plane.range)
}

/// A loss history recorded every `every` iterations, on a log axis.
/// `marked` for a curve the page's script draws on.
fn convergence(
    caption: &Caption,
    history: &[f64],
    every: u64,
    marked: bool,
) -> DrawResult<Drawing> {
    let options = Lines {
        y_label: "mean loss",
        log_y: true,
        x_every: every as f64,
        marked,
        ..Lines::default()
    };
    figures::lines(caption, &options, &[("loss", LOSS, history)])
}

fn backprop_data(l: &BackpropResults) -> DrawResult<Drawing> {
    let caption = Caption {
        title: "The two Gaussian blobs".into(),
        alt: "Scatter plot of the training points in the plane, coloured by label.",
    };
    figures::plane(&caption, None, window(l), &l.data.xs, &l.data.labels)
}

fn linear_plane(l: &BackpropResults, run: &LinearRun, loss: &str) -> DrawResult<Drawing> {
    let caption = Caption {
        title: format!("The linear model trained with {loss}"),
        alt: "The model's output over the plane as coloured bands, its zero contour (the decision boundary) as a black line, and the training points.",
    };
    let output = plane(&l.plane, &run.output);
    figures::plane(
        &caption,
        Some(&output),
        window(l),
        &l.data.xs,
        &l.data.labels,
    )
}

fn linear_loss(run: &LinearRun, loss: &str) -> DrawResult<Drawing> {
    let caption = Caption {
        title: format!("Convergence of SGD with {loss}"),
        alt: "The mean loss over all training points against the iteration, on a logarithmic axis.",
    };
    convergence(
        &caption,
        &run.loss_history,
        run.settings.record_every,
        false,
    )
}

fn backprop_optimise_data(l: &BackpropResults) -> DrawResult<Drawing> {
    let caption = Caption {
        title: "The data before and after optimising it against a fixed classifier".into(),
        alt: "Two panels over the classifier's output and decision boundary: the original points, and the points after gradient descent on the data, with a line from where each moved point started.",
    };
    figures::before_after(
        &caption,
        &plane(&l.plane, &l.data_classifier.output),
        window(l),
        &l.data.xs,
        &l.optimise_data.moved,
        &l.data.labels,
    )
}

fn net_plane(l: &BackpropResults, run: &NetRun, net: &str) -> DrawResult<Drawing> {
    let caption = Caption {
        title: format!("The output of {net} over the plane"),
        alt: "The net's output as coloured bands, its zero contour as a black line, and the training points.",
    };
    let output = plane(&l.plane, &run.output);
    figures::plane(
        &caption,
        Some(&output),
        window(l),
        &l.data.xs,
        &l.data.labels,
    )
}

/// `marked` for the MLP's, which the page's explorer redraws as it trains.
fn net_loss(run: &NetRun, net: &str, marked: bool) -> DrawResult<Drawing> {
    let caption = Caption {
        title: format!("Convergence of SGD on {net}"),
        alt: "The mean squared loss over all training points against the iteration, on a logarithmic axis.",
    };
    convergence(
        &caption,
        &run.loss_history,
        run.settings.sgd.record_every,
        marked,
    )
}

fn backprop_mlp_histogram(l: &BackpropResults) -> DrawResult<Drawing> {
    let caption = Caption {
        title: "Histogram of the MLP's outputs on the training points".into(),
        alt: "How many training points get each output value, in equal bins between the smallest and the largest output.",
    };
    let h = &l.mlp.histogram;
    figures::histogram(&caption, "model output y", &h.edges, &h.counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::plot::{MIN_GRAPHIC_CONTRAST, contrast};
    use plotters::style::WHITE;

    /// The templates, where figures are used.
    const TEMPLATES: [&str; 3] = [
        include_str!("../../../../templates/index.html"),
        include_str!("../../../../templates/rnn.html"),
        include_str!("../../../../templates/backprop.html"),
    ];

    /// Every name inside `figure("…")` in `text`.
    fn used(text: &str) -> Vec<&str> {
        text.split("figure(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect()
    }

    #[test]
    fn every_figure_a_template_uses_is_declared_here_once_by_its_whole_name() {
        let source = include_str!("catalogue.rs");
        let body = source.split("#[cfg(test)]").next().unwrap_or_default();
        let names: Vec<&str> = TEMPLATES.iter().flat_map(|t| used(t)).collect();
        assert!(names.len() >= 20, "{names:?}");
        for name in names {
            assert_eq!(
                body.matches(&format!("\"{name}\"")).count(),
                1,
                "`{name}` is written out exactly once"
            );
        }
    }

    #[test]
    fn figures_drawn_on_several_threads_are_those_drawn_on_one() {
        let config = crate::Config::course().unwrap();
        let results = crate::run(&config).unwrap();
        let on = |workers| -> Figures {
            let mut out = lesson1_figures(&results.rnn, workers).unwrap();
            out.append(&mut lesson2_figures(&results.backprop, workers).unwrap());
            out
        };
        let one = on(1);
        assert_eq!(one.len(), 23);
        assert!(one.keys().filter(|k| k.starts_with("rnn-")).count() == 12);
        for workers in [2, 3, 8] {
            assert_eq!(on(workers), one, "{workers}");
        }
        assert_eq!(figures(&results).unwrap(), one);
    }

    #[test]
    fn the_error_is_the_first_figures_in_the_courses_order() {
        let config = crate::Config::course().unwrap();
        let mut results = crate::run(&config).unwrap();
        // Two broken surfaces: the binary overview (100 points a side) comes first in the
        // course, whichever thread finishes first.
        results.rnn.variant.loss_surface.zoom.loss.clear();
        let variant = lesson1_figures(&results.rnn, 2).unwrap_err().to_string();
        assert!(variant.contains("needs 2500 values, got 0"), "{variant}");
        results.rnn.binary.loss_surface.overview.loss.clear();
        for workers in [1, 2, 4] {
            let e = lesson1_figures(&results.rnn, workers)
                .unwrap_err()
                .to_string();
            assert!(e.contains("needs 10000 values, got 0"), "{workers}: {e}");
        }
    }

    #[test]
    fn line_colours_read_on_white() {
        let class = figures::plane::CLASS_COLOURS;
        for c in [W_X, W_REC, RPROP, DESCENT, LOSS, class[0], class[1]] {
            let ratio = contrast(c, WHITE);
            assert!(ratio >= MIN_GRAPHIC_CONTRAST, "{c:?}: {ratio:.2}:1");
        }
    }
}
