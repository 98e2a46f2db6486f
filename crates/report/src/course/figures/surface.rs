//! Lesson 1's figures: the loss surface over `(w_x, w_rec)` and the gradient over time.

use plotters::prelude::*;

use super::{Caption, Drawing, colour_scale, figure, panel};
use crate::course::plot::{
    self, Area, AxisSpec, DrawResult, Field, Layout, Legend, Overlay, Swatch, Ticks, symlog,
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

/// A loss surface with its contour bands, cut once for every figure that shows it (the
/// surface alone, and again under an optimiser's path).
#[derive(Debug, Clone)]
pub struct Contoured<'a> {
    /// The surface.
    pub view: SurfaceView<'a>,
    /// The bands of `log10(ξ + 1)` between [`loss_levels`], in painting order.
    bands: Vec<plot::BandPolygon>,
}

impl<'a> Contoured<'a> {
    /// Cut the bands of `view`.
    ///
    /// Errors: fewer than 2 points a side, or not `points²` values (as [`plot::band_polygons`]).
    pub fn new(view: SurfaceView<'a>) -> DrawResult<Self> {
        let values = log_loss(&view);
        let field = Field {
            x: (view.w_x[0], view.w_x[1]),
            y: (view.w_rec[0], view.w_rec[1]),
            nx: view.points,
            ny: view.points,
            values: &values,
        };
        let bands = plot::band_polygons(&field, &loss_levels())?;
        Ok(Self { view, bands })
    }
}

/// One surface panel: its bands of `log10(ξ + 1)`, returning the chart for overlays.
fn surface_panel<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    s: &Contoured,
) -> DrawResult<plot::Chart<'a, 'b>> {
    let v = &s.view;
    let x = AxisSpec::linear(v.w_x[0], v.w_x[1], 6, "w_x");
    let y = AxisSpec::linear(v.w_rec[0], v.w_rec[1], 6, "w_rec");
    let mut chart = plot::chart(area, caption, &x, &y, Layout::default())?;
    plot::paint_bands(&mut chart, &s.bands, &loss_band_colour)?;
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

/// The panels of a loss surface and what each shows.
const SURFACE_PANELS: [(&str, &str); 2] = [
    ("overview", "This panel: the overview."),
    ("zoom", "This panel: the zoom."),
];

/// The loss surface as two panels, overview and zoom, with the colour scale they share, and
/// the annotated points and, if given, an optimiser's path ending in a star.
pub fn loss_surface(
    caption: &Caption,
    overview: &Contoured,
    zoom: &Contoured,
    marks: &[Mark],
    path: Option<&[(f64, f64)]>,
) -> DrawResult<Drawing> {
    let mut panels = Vec::with_capacity(2);
    for (surface, (name, alt)) in [overview, zoom].into_iter().zip(SURFACE_PANELS) {
        let view = &surface.view;
        panels.push(panel(
            (plot::PANEL_WIDTH, SURFACE_HEIGHT),
            caption,
            name,
            alt,
            |root| {
                let mut overlay = Overlay::default();
                let chart = surface_panel(root, name, surface)?;
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
                Ok(overlay)
            },
        )?);
    }
    let layout = Layout::default();
    let scale = colour_scale(
        caption,
        &loss_levels(),
        &loss_band_colour,
        Ticks::powers(0, 8, 2),
        "ξ + 1",
        layout.margin + layout.y_area,
    )?;
    Ok(Drawing {
        panels,
        scale: Some(scale),
    })
}

/// The height of a loss-surface panel: its plot about square.
const SURFACE_HEIGHT: u32 = 400;

/// The points of the gradient over time in their legend: `(w_x, w_rec)` of each.
fn over_time_legend(curves: &[(Mark, &[f64])]) -> Vec<(String, RGBColor, Swatch)> {
    curves
        .iter()
        .enumerate()
        .map(|(i, (m, _))| {
            (
                format!("({}, {})", num(m.0), num(m.1)),
                mark_colour(i),
                Swatch::Line(plot::dash(i)),
            )
        })
        .collect()
}

/// `∂ξ/∂S_k` against the step `k − L` on a symmetric-log axis, one curve per annotated point,
/// each in its point's colour and its own dash pattern, with the legend in rows above the plot.
pub fn gradient_over_time(caption: &Caption, curves: &[(Mark, &[f64])]) -> DrawResult<Drawing> {
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
    let x_ticks = Ticks::linear(-n, 0.0, steps.min(5));
    let width = plot::PANEL_WIDTH;
    let legend = Legend::new(
        "",
        "(w_x, w_rec)",
        &over_time_legend(curves),
        10,
        width as i32 - 20,
    );
    let height = 330 + legend.height();
    let svg = figure((width, height), caption, |root| {
        let x = AxisSpec {
            range: (0.0, -n),
            ticks: x_ticks.clone(),
            label: "step k − L (output at 0)".into(),
        };
        let y = AxisSpec {
            range: (-top, top),
            ticks: y_ticks.clone(),
            label: "∂ξ/∂S_k (symmetric log)".into(),
        };
        let layout = Layout {
            y_area: 80,
            top: legend.height(),
            ..Layout::default()
        };
        let chart = plot::chart(root, "", &x, &y, layout)?;
        let mut overlay = Overlay::default();
        for (i, (_, values)) in curves.iter().enumerate() {
            let pts: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(k, v)| (k as f64 - (values.len() - 1) as f64, symlog(*v)))
                .collect();
            overlay.polyline(&chart, &pts, mark_colour(i), 2.5, plot::dash(i));
        }
        overlay.legend(&chart, &legend);
        Ok(overlay)
    })?;
    Ok(Drawing::single(svg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::figures::{assert_drawing_readable, test_caption};
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
        let (ov, zo) = (Contoured::new(ov).unwrap(), Contoured::new(zo).unwrap());
        let drawing = loss_surface(&test_caption(), &ov, &zo, &marks, Some(&path)).unwrap();
        let html = drawing.to_html();
        assert!(html.len() < 250_000, "{} bytes", html.len());
        assert_drawing_readable(&drawing);
        assert_eq!(drawing.panels.len(), 2, "overview and zoom, one panel each");
        for (svg, name) in drawing.panels.iter().zip(["overview", "zoom"]) {
            assert!(svg.contains("<polygon"));
            assert_eq!(svg.matches("data-plot-box").count(), 1, "{name}");
            assert!(svg.contains(&format!("<title>t: {name}</title>")), "{name}");
        }
        let scale = drawing.scale.as_deref().unwrap();
        assert!(scale.contains("<title>t: colour scale</title>"));
        assert!(scale.contains("10⁸") && !scale.contains("data-plot-box"));
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
        let drawing = gradient_over_time(&test_caption(), &views).unwrap();
        assert_drawing_readable(&drawing);
        let svg = &drawing.panels[0];
        assert!(svg.len() < 250_000);
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
        // The legend sits in its rows above the plot: every entry above the top grid line.
        let legend = Legend::new("", "(w_x, w_rec)", &over_time_legend(&views), 10, 380);
        let band = 10 + legend.height() as i32;
        for label in ["(2, 1)", "(1, 0.5)", "(1, −0.5)"] {
            let y: i32 = svg
                .split("<text x=\"")
                .filter(|t| t.contains(&format!(">{label}<")))
                .find_map(|t| t.split("y=\"").nth(1)?.split('"').next()?.parse().ok())
                .unwrap();
            assert!(
                y < band,
                "{label} at y = {y}, in the legend band above {band}"
            );
        }
        assert!(
            legend.rows() >= 2,
            "six entries need more than one row at this width"
        );
        std::fs::create_dir_all("../../target/course-test").unwrap();
        std::fs::write(
            "../../target/course-test/surface.html",
            loss_surface(&test_caption(), &ov, &zo, &marks, Some(&path))
                .unwrap()
                .to_html(),
        )
        .unwrap();
        std::fs::write("../../target/course-test/over_time.svg", svg).unwrap();
    }
}
