//! Series against the iteration: the weights of a run, or its loss on a log axis.

use plotters::prelude::*;

use super::{Caption, Drawing, figure};
use crate::course::plot::{self, AxisSpec, DrawResult, Layout, Legend, Overlay, Swatch, Ticks};
use crate::course::typography::{group_thousands, scientific};

/// How a [`lines`] chart draws its series.
#[derive(Debug, Clone, Copy)]
pub struct Lines<'a> {
    /// The title of the y axis.
    pub y_label: &'a str,
    /// The title of the legend (shown when there are several series).
    pub legend_title: &'a str,
    /// A log10 y axis (for losses) instead of a linear one.
    pub log_y: bool,
    /// The iterations between two values of a series: value `i` is at iteration
    /// `i · x_every` (a loss recorded every 1000 steps has `x_every` 1000).
    pub x_every: f64,
    /// Mark the plotting area for the page's script (`data-plot-box`; a log axis adds
    /// `data-y-log`, its y range then in log10 units).
    pub marked: bool,
}

impl Default for Lines<'_> {
    /// A linear y axis titled "value", one value per iteration.
    fn default() -> Self {
        Self {
            y_label: "value",
            legend_title: "",
            log_y: false,
            x_every: 1.0,
            marked: false,
        }
    }
}

/// One series of a [`lines`] chart: its legend label, colour and values.
pub type Series<'a> = (&'a str, RGBColor, &'a [f64]);

/// How many decades a log axis reaches above the highest starting value of its series: a
/// series that climbs further is diverging, and is cut off at the axis with a note rather
/// than flatten every other series into the bottom edge.
pub const HEADROOM_DECADES: f64 = 1.0;

/// A curve cut at the top of the axis: the pieces inside it, and where it first left.
#[derive(Debug, Clone, PartialEq)]
pub struct Clipped {
    /// The runs of points at or below the top, each ending or starting on the top edge where
    /// the curve crosses it.
    pub pieces: Vec<Vec<(f64, f64)>>,
    /// Where the curve first leaves: the index of its first point above the top, and the `x`
    /// at which it crosses the top (that point's own `x` if the curve starts above).
    pub exit: Option<(usize, f64)>,
}

/// Cut `points` at `top`: a segment that crosses it is interpolated to the crossing, and
/// points above it are dropped.
pub fn clip_above(points: &[(f64, f64)], top: f64) -> Clipped {
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let mut exit = None;
    let mut prev: Option<(f64, f64)> = None;
    for (i, &(x, y)) in points.iter().enumerate() {
        let crossing = |(px, py): (f64, f64)| (px + (x - px) * (top - py) / (y - py), top);
        if y <= top {
            if let Some(p) = prev.filter(|p| p.1 > top) {
                current.push(crossing(p));
            }
            current.push((x, y));
        } else {
            let cross = prev.filter(|p| p.1 <= top).map(crossing);
            exit.get_or_insert((i, cross.map_or(x, |c| c.0)));
            current.extend(cross);
            if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
        }
        prev = Some((x, y));
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    Clipped { pieces, exit }
}

/// A line chart of several series against the iteration, drawn as `options` say. On a log
/// axis the top is at most [`HEADROOM_DECADES`] above the highest first value; a series that
/// climbs beyond it is cut where it leaves the axis, with a note of the value it reached.
pub fn lines(caption: &Caption, options: &Lines, series: &[Series]) -> DrawResult<Drawing> {
    let Lines {
        y_label,
        legend_title,
        log_y,
        x_every,
        marked,
    } = *options;
    let n = series.iter().map(|s| s.2.len()).max().unwrap_or(1).max(2) - 1;
    let tf = |v: f64| if log_y { v.max(1e-300).log10() } else { v };
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.2.iter().map(|v| tf(*v)))
        .filter(|v| v.is_finite())
        .collect();
    let (mut lo, mut hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if log_y {
        let first = series
            .iter()
            .filter_map(|s| s.2.first().map(|v| tf(*v)))
            .filter(|v| v.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        if first.is_finite() {
            hi = hi.min(first.ceil() + HEADROOM_DECADES);
        }
    }
    let y = if log_y {
        let (a, b) = (lo.floor() as i32, hi.ceil().max(lo.floor() + 1.0) as i32);
        let step = ((b - a) as usize).div_ceil(8).max(1);
        let ticks = if b - a <= 2 {
            Ticks::one_two_five(a, b)
        } else {
            Ticks::powers(a, b, step)
        };
        AxisSpec {
            range: (f64::from(a), f64::from(b)),
            ticks,
            label: format!("{y_label} (log scale)"),
        }
    } else {
        let pad = (hi - lo).abs().max(1e-9) * 0.05;
        AxisSpec::linear(lo - pad, hi + pad, 6, y_label)
    };
    let x = AxisSpec::linear(0.0, n as f64 * x_every, 5, "iteration");
    // Several series get a legend in rows above the plot, so the figure grows to make room.
    let entries: Vec<(String, RGBColor, Swatch)> = series
        .iter()
        .enumerate()
        .map(|(i, (label, colour, _))| (label.to_string(), *colour, Swatch::Line(plot::dash(i))))
        .collect();
    let width = plot::PANEL_WIDTH;
    let legend = if series.len() > 1 {
        Legend::new("", legend_title, &entries, 10, width as i32 - 20)
    } else {
        Legend::new("", "", &[], 0, 0)
    };
    let svg = figure((width, 320 + legend.height()), caption, |root| {
        // Without a legend, a little room for the top tick label all the same.
        let layout = Layout {
            top: legend.height().max(6),
            ..Layout::default()
        };
        let chart = plot::chart(root, "", &x, &y, layout)?;
        let mut overlay = Overlay::default();
        for (i, (label, colour, data)) in series.iter().enumerate() {
            let pts: Vec<(f64, f64)> = data
                .iter()
                .enumerate()
                .map(|(i, v)| (i as f64 * x_every, tf(*v)))
                .filter(|p| p.1.is_finite())
                .collect();
            let clipped = clip_above(&pts, y.range.1);
            for piece in &clipped.pieces {
                overlay.polyline(&chart, piece, *colour, 2.5, plot::dash(i));
            }
            if let Some((k, edge)) = clipped.exit {
                // `pts` skips non-finite values, so go back to the data by the iteration.
                let at = pts.get(k).map_or(0.0, |p| p.0);
                let value = data
                    .get((at / x_every).round() as usize)
                    .copied()
                    .unwrap_or(f64::NAN);
                let iteration = group_thousands(&format!("{at:.0}"));
                overlay.exit_note(
                    &chart,
                    (edge, y.range.1),
                    *colour,
                    &[
                        format!("{label} leaves the axis"),
                        format!("at iteration {iteration}: {}", scientific(value, 1)),
                    ],
                );
            }
        }
        if marked {
            let log = if log_y { " data-y-log=\"10\"" } else { "" };
            super::plot_area_marker(&mut overlay, &chart, log);
        }
        overlay.legend(&chart, &legend);
        Ok(overlay)
    })?;
    Ok(Drawing::single(svg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::figures::test_caption;

    #[test]
    fn clipping_cuts_at_the_crossing_and_resumes() {
        let c = clip_above(&[(0.0, 0.0), (1.0, 2.0), (2.0, 4.0), (3.0, 0.0)], 1.0);
        assert_eq!(c.exit, Some((1, 0.5)));
        assert_eq!(
            c.pieces,
            vec![vec![(0.0, 0.0), (0.5, 1.0)], vec![(2.75, 1.0), (3.0, 0.0)]]
        );
        let inside = [(0.0, 0.0), (1.0, 1.0)];
        assert_eq!(clip_above(&inside, 1.0).pieces, vec![inside.to_vec()]);
        assert_eq!(clip_above(&inside, 1.0).exit, None);
        let above = clip_above(&[(0.0, 5.0), (1.0, 6.0)], 1.0);
        assert!(above.pieces.is_empty());
        assert_eq!(above.exit, Some((0, 0.0)));
        assert!(clip_above(&[], 1.0).pieces.is_empty());
    }

    #[test]
    fn a_diverging_series_is_cut_with_a_note() {
        // The variant's gradient descent: 7.8e11, then 1.7e243 (then it stopped).
        let rprop: Vec<f64> = (0..50).map(|i| 7.8e11 * 0.5_f64.powi(i)).collect();
        let descent = [7.8e11, 1.7e243];
        let options = Lines {
            y_label: "loss",
            legend_title: "optimiser",
            log_y: true,
            ..Lines::default()
        };
        let svg = lines(
            &test_caption(),
            &options,
            &[
                ("Rprop", RGBColor(31, 119, 180), &rprop),
                ("gradient descent", RGBColor(200, 100, 0), &descent),
            ],
        )
        .unwrap()
        .into_panel();
        assert!(
            svg.contains(">\n10¹³\n<"),
            "the axis ends a decade above the start"
        );
        assert!(!svg.contains("10¹⁴"), "and goes no higher");
        assert!(
            svg.contains(">gradient descent leaves the axis<")
                && svg.contains(">at iteration 1: 1.7×10²⁴³<"),
            "{svg}"
        );
        std::fs::write("../../target/course-test/diverging.svg", &svg).unwrap_or(());
        // Converging series keep the axis they had.
        let svg = lines(&test_caption(), &options, &[("Rprop", BLACK, &rprop)])
            .unwrap()
            .into_panel();
        assert!(!svg.contains("leaves the axis"));
    }

    /// The page's script finds the marked chart's plotting area, its log axis in log10 units.
    #[test]
    fn only_a_marked_chart_names_its_plotting_area() {
        let curve = [10.0, 1.0, 0.1];
        let draw = |marked, log_y| {
            let options = Lines {
                log_y,
                x_every: 100.0,
                marked,
                ..Lines::default()
            };
            lines(&test_caption(), &options, &[("l", BLACK, &curve)])
                .unwrap()
                .into_panel()
        };
        assert!(!draw(false, true).contains("data-plot-box"));
        let svg = draw(true, true);
        assert_eq!(svg.matches("data-plot-box").count(), 1);
        assert!(svg.contains("data-x-range=\"0 200\" data-y-range=\"-1 1\" data-y-log=\"10\""));
        let svg = draw(true, false);
        assert!(svg.contains("data-plot-box") && !svg.contains("data-y-log"));
    }
}
