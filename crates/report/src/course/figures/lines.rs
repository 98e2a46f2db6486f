//! Series against the iteration: the weights of a run, or its loss on a log axis.

use plotters::prelude::*;

use super::{Caption, figure};
use crate::course::plot::{self, AxisSpec, DrawResult, Layout, Overlay, Swatch, Ticks};

/// How a [`lines`] chart draws its series.
#[derive(Debug, Clone, Copy)]
pub struct Lines<'a> {
    /// The title of the y axis.
    pub y_label: &'a str,
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
            log_y: false,
            x_every: 1.0,
            marked: false,
        }
    }
}

/// One series of a [`lines`] chart: its legend label, colour and values.
pub type Series<'a> = (&'a str, RGBColor, &'a [f64]);

/// A line chart of several series against the iteration, drawn as `options` say.
pub fn lines(caption: &Caption, options: &Lines, series: &[Series]) -> DrawResult<String> {
    let Lines {
        y_label,
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
    let x = AxisSpec::linear(0.0, n as f64 * x_every, 8, "iteration");
    figure((760, 360), caption, |root| {
        let mut chart = plot::chart(root, "", &x, &y, Layout::default())?;
        let mut legend = Vec::new();
        for (label, colour, data) in series {
            let pts: Vec<(f64, f64)> = data
                .iter()
                .enumerate()
                .map(|(i, v)| (i as f64 * x_every, tf(*v)))
                .filter(|p| p.1.is_finite())
                .collect();
            plot::draw_line(&mut chart, &pts, colour.stroke_width(2))?;
            legend.push((label.to_string(), *colour, Swatch::Line));
        }
        let mut overlay = Overlay::default();
        if marked {
            let log = if log_y { " data-y-log=\"10\"" } else { "" };
            super::plot_area_marker(&mut overlay, &chart, log);
        }
        if series.len() > 1 {
            overlay.legend(&chart, &legend);
        }
        Ok(overlay)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            lines(
                &super::super::test_caption(),
                &options,
                &[("l", BLACK, &curve)],
            )
            .unwrap()
        };
        assert!(!draw(false, true).contains("data-plot-box"));
        let svg = draw(true, true);
        assert_eq!(svg.matches("data-plot-box").count(), 1);
        assert!(svg.contains("data-x-range=\"0 200\" data-y-range=\"-1 1\" data-y-log=\"10\""));
        let svg = draw(true, false);
        assert!(svg.contains("data-plot-box") && !svg.contains("data-y-log"));
    }
}
