//! Axes whose ticks are exactly the ones we choose, and the chart built on two of them.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;

use super::{Area, CAPTION_SIZE, Chart, DrawResult, FONT, TICK_SIZE, TITLE_SIZE, draw_err};
use crate::course::typography::{group_thousands, minus, power_of_ten};

/// A linear axis whose ticks are exactly the ones we choose (plotters would pick its own).
#[derive(Debug, Clone)]
pub struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Axis {
    /// The axis from `lo` to `hi` with ticks at `ticks`.
    pub fn new(lo: f64, hi: f64, ticks: &[f64]) -> Self {
        Self {
            lo,
            hi,
            ticks: ticks.to_vec(),
        }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let t = (v - self.lo) / (self.hi - self.lo);
        (f64::from(limit.0) + t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}
/// Tick positions with their labels.
#[derive(Debug, Clone, Default)]
pub struct Ticks {
    /// Where the ticks are, in axis units.
    pub at: Vec<f64>,
    /// The label of each tick.
    pub labels: Vec<String>,
}

impl Ticks {
    /// Ticks at "nice" round steps (1, 2 or 5 times a power of ten), about `n` of them.
    ///
    /// At most `2n + 3` whatever the range: one too narrow for its magnitude (where `k += 1`
    /// no longer changes `k · step`) or not finite gives fewer ticks, never an endless loop.
    pub fn linear(lo: f64, hi: f64, n: usize) -> Self {
        let raw = (hi - lo) / n.max(1) as f64;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag);
        let decimals = (-step.log10().floor()).max(0.0) as usize
            + usize::from(step / mag == 2.5 && mag <= 1.0);
        let mut at = Vec::new();
        let mut k = (lo / step).ceil();
        let most = 2 * n.max(1) + 3;
        while k * step <= hi + step * 1e-9 && at.len() < most {
            if at.last() == Some(&(k * step)) {
                break;
            }
            at.push(k * step);
            k += 1.0;
        }
        let labels = at
            .iter()
            .map(|v| {
                minus(&group_thousands(&format!(
                    "{:.*}",
                    decimals,
                    if v.abs() < step * 1e-9 { 0.0 } else { *v }
                )))
            })
            .collect();
        Self { at, labels }
    }

    /// Ticks at integer exponents `lo..=hi` (step `step`) labelled as powers of ten.
    pub fn powers(lo: i32, hi: i32, step: usize) -> Self {
        let at: Vec<f64> = (lo..=hi).step_by(step.max(1)).map(f64::from).collect();
        let labels = at.iter().map(|e| power_of_ten(*e as i32)).collect();
        Self { at, labels }
    }

    /// Ticks on a log10 axis from exponent `lo` to `hi` at 1, 2 and 5 times each power of
    /// ten, labelled as plain decimals (`0.2`, `5`): for axes spanning only a decade or two.
    pub fn one_two_five(lo: i32, hi: i32) -> Self {
        let mut at = Vec::new();
        let mut labels = Vec::new();
        for e in lo..=hi {
            for m in [1.0_f64, 2.0, 5.0] {
                if e == hi && m > 1.0 {
                    break;
                }
                let v = m * 10f64.powi(e);
                at.push(v.log10());
                let decimals = usize::try_from(-e).unwrap_or(0);
                labels.push(minus(&format!("{v:.decimals$}")));
            }
        }
        Self { at, labels }
    }

    /// The label of the tick nearest to `v`.
    pub fn label(&self, v: f64) -> String {
        self.at
            .iter()
            .zip(&self.labels)
            .min_by(|a, b| (a.0 - v).abs().total_cmp(&(b.0 - v).abs()))
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    }
}

/// The symmetric logarithm the gradient-over-time figure uses: `sign(v)·log10(1 + |v|)`,
/// linear near 0 and logarithmic beyond ±1, so signs and magnitudes show together.
pub fn symlog(v: f64) -> f64 {
    v.signum() * (1.0 + v.abs()).log10()
}

/// An axis: its range, ticks and title.
#[derive(Debug, Clone)]
pub struct AxisSpec {
    /// Lowest and highest value shown.
    pub range: (f64, f64),
    /// The ticks.
    pub ticks: Ticks,
    /// The axis title.
    pub label: String,
}

impl AxisSpec {
    /// A linear axis with about `n` round ticks.
    pub fn linear(lo: f64, hi: f64, n: usize, label: &str) -> Self {
        Self {
            range: (lo, hi),
            ticks: Ticks::linear(lo, hi, n),
            label: label.into(),
        }
    }
}

/// Sizes of a chart's surroundings, in pixels.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Space for the x tick labels and title.
    pub x_area: u32,
    /// Space for the y tick labels and title.
    pub y_area: u32,
    /// Margin around the chart.
    pub margin: u32,
    /// Extra space above the chart, for a legend ([`super::Legend::height`]).
    pub top: u32,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            x_area: 58,
            y_area: 72,
            margin: 10,
            top: 0,
        }
    }
}

/// Build a chart on `area` with a caption, axes, tick labels and a light grid.
pub fn chart<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    x: &AxisSpec,
    y: &AxisSpec,
    layout: Layout,
) -> DrawResult<Chart<'a, 'b>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(layout.margin)
        .margin_top(layout.margin + layout.top)
        // Room for half the last x tick label beyond the plot's right edge.
        .margin_right(layout.margin + 12)
        .x_label_area_size(layout.x_area)
        .y_label_area_size(layout.y_area);
    if !caption.is_empty() {
        builder.caption(caption, (FONT, CAPTION_SIZE));
    }
    let mut chart = builder
        .build_cartesian_2d(
            Axis::new(x.range.0, x.range.1, &x.ticks.at),
            Axis::new(y.range.0, y.range.1, &y.ticks.at),
        )
        .map_err(draw_err("the axes"))?;
    let x_fmt = |v: &f64| x.ticks.label(*v);
    let y_fmt = |v: &f64| y.ticks.label(*v);
    chart
        .configure_mesh()
        .bold_line_style(RGBColor(225, 225, 225))
        .axis_style(RGBColor(90, 90, 90))
        .label_style((FONT, TICK_SIZE))
        .axis_desc_style((FONT, TITLE_SIZE))
        .x_desc(x.label.as_str())
        .y_desc(y.label.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(draw_err("the grid"))?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_bounded_for_any_range() {
        // Past 2^53 `k += 1` stops changing `k`: this used to loop until out of memory.
        for (lo, hi) in [
            (1.0, 1.0000000000000002),
            (1e18, 1.0000000000000002e18),
            (1e300, 1e300),
            (-1.7e308, 1.7e308),
            (0.0, f64::INFINITY),
            (f64::NAN, 1.0),
            (5.0, 1.0),
        ] {
            let t = Ticks::linear(lo, hi, 6);
            assert!(t.at.len() <= 15, "{lo} {hi}: {}", t.at.len());
            assert_eq!(t.at.len(), t.labels.len());
        }
    }

    #[test]
    fn ticks_are_round_and_labelled() {
        let t = Ticks::linear(-3.0, 3.0, 6);
        assert_eq!(t.at, vec![-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(t.labels[0], "\u{2212}3");
        let t = Ticks::linear(-0.1, 2.1, 5);
        assert_eq!(t.labels, vec!["0.0", "0.5", "1.0", "1.5", "2.0"]);
        assert_eq!(Ticks::powers(0, 8, 2).labels[4], "10⁸");
        let t = Ticks::linear(0.0, 100_000.0, 5);
        assert_eq!(t.labels[1], "20\u{2009}000");
        assert_eq!(Ticks::linear(0.0, 5000.0, 5).labels[1], "1000");
        assert_eq!(Ticks::linear(0.0, 1000.0, 4).labels[1], "250");
        assert_eq!(Ticks::linear(0.0, 1.0, 4).labels[1], "0.25");
        let t = Ticks::one_two_five(-1, 0);
        assert_eq!(t.labels, vec!["0.1", "0.2", "0.5", "1"]);
        assert!((t.at[1] - 2f64.log10() + 1.0).abs() < 1e-12);
        assert_eq!(symlog(-99.0), -2.0);
    }
}
