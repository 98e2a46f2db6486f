//! Lesson 1's figures: the loss surface over `(w_x, w_rec)` and the gradient over time.

use plotters::prelude::*;

use super::{Caption, figure};
use crate::course::plot::{
    self, Area, AxisSpec, DrawResult, Field, Layout, LegendPlace, Overlay, Swatch, Ticks, symlog,
    viridis,
};
use crate::course::typography::{minus, power_of_ten};

/// A loss surface: `loss[i·points + j]` at `w_x` = j-th, `w_rec` = i-th of `points` values.
#[derive(Debug, Clone, Copy)]
pub struct SurfaceView<'a> {
    /// `[min, max]` of `w_x`.
    pub w_x: [f64; 2],
    /// `[min, max]` of `w_rec`.
    pub w_rec: [f64; 2],
    /// Values per axis.
    pub points: usize,
    /// The loss, row-major.
    pub loss: &'a [f32],
}

/// An annotated point of lesson 1: `(w_x, w_rec)`.
pub type Mark = (f64, f64);

/// The colours of the six annotated points, in the notebook's order (red, blue, magenta,
/// cyan, green, yellow), the cyan darkened to teal and the yellow to ochre so that every one
/// has at least 3:1 contrast on the white figure background.
pub const MARK_COLOURS: [RGBColor; 6] = [
    RGBColor(214, 39, 40),
    RGBColor(31, 119, 180),
    RGBColor(192, 60, 190),
    RGBColor(0, 131, 143),
    RGBColor(44, 160, 44),
    RGBColor(160, 120, 0),
];

/// The colour of the `i`-th annotated point.
pub fn mark_colour(i: usize) -> RGBColor {
    MARK_COLOURS[i % MARK_COLOURS.len()]
}

/// The contour levels of the loss surface: `COUNT` exponents from `LOW` to `HIGH` of `ξ + 1`,
/// evenly spaced, like the notebook's `logspace(-0.2, 8, 30)`. The page's text reads them
/// from here (the template global `loss_levels`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LossLevels {
    /// The exponent of the lowest level.
    pub low: f64,
    /// The exponent of the highest level.
    pub high: f64,
    /// How many levels.
    pub count: u32,
}

/// The levels the loss surfaces are drawn with.
pub const LOSS_LEVELS: LossLevels = LossLevels {
    low: -0.2,
    high: 8.0,
    count: 30,
};

/// [`LOSS_LEVELS`] as exponents, lowest first.
pub fn loss_levels() -> Vec<f64> {
    let LossLevels { low, high, count } = LOSS_LEVELS;
    let last = f64::from(count - 1);
    (0..count)
        .map(|i| low + (high - low) * f64::from(i) / last)
        .collect()
}

/// The colour of the band between levels `k` and `k + 1`, over the viridis map.
fn loss_band_colour(k: usize) -> RGBColor {
    let bands = f64::from(LOSS_LEVELS.count - 2);
    viridis(k as f64 / bands)
}

/// A number as a short label: integers without decimals.
fn num(v: f64) -> String {
    minus(&if v.fract() == 0.0 && v.abs() < 1e6 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    })
}

/// One surface panel: bands of `log10(ξ + 1)`, returning the chart for overlays.
fn surface_panel<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    s: &SurfaceView,
    log_loss: &[f64],
) -> DrawResult<plot::Chart<'a, 'b>> {
    let x = AxisSpec::linear(s.w_x[0], s.w_x[1], 6, "w_x");
    let y = AxisSpec::linear(s.w_rec[0], s.w_rec[1], 6, "w_rec");
    let mut chart = plot::chart(area, caption, &x, &y, Layout::default())?;
    let field = Field {
        x: (s.w_x[0], s.w_x[1]),
        y: (s.w_rec[0], s.w_rec[1]),
        nx: s.points,
        ny: s.points,
        values: log_loss,
    };
    plot::draw_bands(&mut chart, &field, &loss_levels(), &loss_band_colour)?;
    Ok(chart)
}

/// `log10(ξ + 1)` of a surface.
fn log_loss(s: &SurfaceView) -> Vec<f64> {
    s.loss
        .iter()
        .map(|&l| (f64::from(l) + 1.0).log10())
        .collect()
}

/// Is `(x, y)` inside the surface's window?
fn inside(s: &SurfaceView, (x, y): (f64, f64)) -> bool {
    (s.w_x[0]..=s.w_x[1]).contains(&x) && (s.w_rec[0]..=s.w_rec[1]).contains(&y)
}

/// The loss surface, overview and zoom side by side with a shared colour bar, with the
/// annotated points and, if given, an optimiser's path ending in a star.
pub fn loss_surface(
    caption: &Caption,
    overview: &SurfaceView,
    zoom: &SurfaceView,
    marks: &[Mark],
    path: Option<&[(f64, f64)]>,
) -> DrawResult<String> {
    let (lo, hi) = (log_loss(overview), log_loss(zoom));
    figure((860, 400), caption, |root| {
        let (panels, bar) = root.split_horizontally(770);
        let (left, right) = panels.split_horizontally(385);
        let mut overlay = Overlay::default();
        for (area, view, values, panel) in [
            (&left, overview, &lo, "overview"),
            (&right, zoom, &hi, "zoom"),
        ] {
            let chart = surface_panel(area, panel, view, values)?;
            super::plot_area_marker(&mut overlay, &chart, "");
            if let Some(path) = path {
                let visible: Vec<(f64, f64)> =
                    path.iter().copied().filter(|p| inside(view, *p)).collect();
                overlay.dots(&chart, &visible, WHITE, 3.5, 0.9);
                if let Some(last) = path.last().filter(|p| inside(view, **p)) {
                    overlay.star(&chart, *last, 9.0);
                }
            }
            for (i, m) in marks.iter().enumerate() {
                if inside(view, *m) {
                    overlay.disc(&chart, *m, mark_colour(i), 5);
                }
            }
        }
        plot::colour_bar(
            &bar,
            &loss_levels(),
            &loss_band_colour,
            Ticks::powers(0, 8, 1),
            "ξ + 1",
            Layout::default(),
        )?;
        Ok(overlay)
    })
}

/// `∂ξ/∂S_k` against the step `k − L` on a symmetric-log axis, one curve per annotated point,
/// each in its point's colour and its own dash pattern, with the legend beside the plot.
pub fn gradient_over_time(caption: &Caption, curves: &[(Mark, &[f64])]) -> DrawResult<String> {
    let steps = curves.iter().map(|c| c.1.len()).max().unwrap_or(1).max(2) - 1;
    let top = curves
        .iter()
        .flat_map(|c| c.1.iter())
        .filter(|v| v.is_finite())
        .map(|v| symlog(*v).abs())
        .fold(2.0_f64, f64::max);
    let top = (top / 2.0).ceil() * 2.0;
    let y_ticks = {
        let at: Vec<f64> = (-(top as i32)..=top as i32)
            .step_by(2)
            .map(f64::from)
            .collect();
        let labels = at
            .iter()
            .map(|&t| match t {
                0.0 => "0".to_string(),
                t if t < 0.0 => format!("\u{2212}{}", power_of_ten(-t as i32)),
                t => power_of_ten(t as i32),
            })
            .collect();
        Ticks { at, labels }
    };
    let n = steps as f64;
    let x_ticks = Ticks::linear(-n, 0.0, steps.min(10));
    figure((860, 420), caption, |root| {
        let (plot_area, _legend_area) = root.split_horizontally(700);
        let x = AxisSpec {
            range: (0.0, -n),
            ticks: x_ticks.clone(),
            label: "step k − L (the output is 0; backpropagation runs left to right)".into(),
        };
        let y = AxisSpec {
            range: (-top, top),
            ticks: y_ticks.clone(),
            label: "∂ξ/∂S_k (symmetric log)".into(),
        };
        let layout = Layout {
            y_area: 64,
            ..Layout::default()
        };
        let chart = plot::chart(&plot_area, "", &x, &y, layout)?;
        let mut legend = Vec::new();
        let mut overlay = Overlay::default();
        for (i, (m, values)) in curves.iter().enumerate() {
            let pts: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(k, v)| (k as f64 - (values.len() - 1) as f64, symlog(*v)))
                .collect();
            overlay.polyline(&chart, &pts, mark_colour(i), 2.5, plot::dash(i));
            legend.push((
                format!("({}, {})", num(m.0), num(m.1)),
                mark_colour(i),
                Swatch::Line(plot::dash(i)),
            ));
        }
        overlay.legend(&chart, "(w_x, w_rec)", &legend, LegendPlace::Right);
        Ok(overlay)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::figures::{assert_text_readable, test_caption};
    use unrolled::datasets::binary_sequences;
    use unrolled::rnn::{
        Grid, OverTimeScale, Weights, gradient_over_time as got, loss_surface as ls,
    };

    fn surface(xs: &[[f64; 10]], ts: &[f64], lo: f64, hi: f64, n: usize) -> Vec<f32> {
        let grid = Grid {
            w_x_min: lo,
            w_x_max: hi,
            w_rec_min: lo,
            w_rec_max: hi,
            points: n,
        };
        let mut out = vec![0.0; n * n];
        ls(xs, ts, &grid, &mut out).unwrap();
        out.iter().map(|v| *v as f32).collect()
    }

    #[test]
    fn mark_colours_read_on_white() {
        for c in MARK_COLOURS {
            let ratio = plot::contrast(c, WHITE);
            assert!(ratio >= plot::MIN_GRAPHIC_CONTRAST, "{c:?}: {ratio:.2}:1");
        }
    }

    #[test]
    fn rnn_figures_fit_their_budget() {
        let (mut xs, mut ts) = ([[0.0_f64; 10]; 20], [0.0; 20]);
        binary_sequences(1, &mut xs, &mut ts).unwrap();
        let (a, b) = (
            surface(&xs, &ts, -3.0, 3.0, 100),
            surface(&xs, &ts, -0.1, 2.1, 100),
        );
        let ov = SurfaceView {
            w_x: [-3.0, 3.0],
            w_rec: [-3.0, 3.0],
            points: 100,
            loss: &a,
        };
        let zo = SurfaceView {
            w_x: [-0.1, 2.1],
            w_rec: [-0.1, 2.1],
            points: 100,
            loss: &b,
        };
        let marks = [
            (2.0, 1.0),
            (1.0, 2.0),
            (1.2, 0.997),
            (1.0, 0.0),
            (1.0, 0.5),
            (1.0, -0.5),
        ];
        let path: Vec<(f64, f64)> = (0..500)
            .map(|i| (-1.5 + i as f64 * 0.005, 2.0 - i as f64 * 0.002))
            .collect();
        let svg = loss_surface(&test_caption(), &ov, &zo, &marks, Some(&path)).unwrap();
        assert!(svg.len() < 250_000, "{} bytes", svg.len());
        assert_text_readable(&svg);
        assert!(svg.contains("<polygon"));
        let mut curves = Vec::new();
        for m in marks {
            let mut out = vec![0.0; 11];
            got(
                &xs,
                &ts,
                Weights::new(m.0, m.1),
                OverTimeScale::MeanLoss,
                &mut out,
            )
            .unwrap();
            curves.push((m, out));
        }
        let views: Vec<(Mark, &[f64])> = curves.iter().map(|(m, c)| (*m, c.as_slice())).collect();
        let svg = gradient_over_time(&test_caption(), &views).unwrap();
        assert!(svg.len() < 250_000);
        assert_text_readable(&svg);
        assert!(svg.contains("10⁴"), "symlog ticks");
        assert!(
            !svg.contains('_'),
            "every symbol typeset, no literal underscore"
        );
        assert_eq!(
            svg.matches("stroke-dasharray").count(),
            2 * 5,
            "five dashed curves"
        );
        assert!(
            svg.contains(">(<tspan font-style=\"italic\">w</tspan>"),
            "a legend title"
        );
        let legend_x: i32 = svg
            .split("<text x=\"")
            .filter(|t| t.contains("(1, 0.5)"))
            .find_map(|t| t.split('"').next()?.parse().ok())
            .unwrap();
        assert!(
            legend_x > 700,
            "the legend sits right of the plot, at x = {legend_x}"
        );
        std::fs::create_dir_all("../../target/course-test").unwrap();
        std::fs::write(
            "../../target/course-test/surface.svg",
            loss_surface(&test_caption(), &ov, &zo, &marks, Some(&path)).unwrap(),
        )
        .unwrap();
        std::fs::write("../../target/course-test/over_time.svg", svg).unwrap();
    }
}
