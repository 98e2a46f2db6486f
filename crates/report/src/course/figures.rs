//! The course's figures, one function each, from plain views of the results.
//!
//! Each returns a complete `<svg>` with its `<title>` and `<desc>`. The inputs are borrowed
//! slices, so the same functions draw from `results.json` or, in tests, straight from the core.

use plotters::prelude::*;

use super::plot::{
    self, Area, AxisSpec, DrawResult, Field, Layout, Overlay, Swatch, Ticks, diverging, symlog,
    viridis,
};

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
/// cyan, green, yellow), darkened enough to read on white.
pub const MARK_COLOURS: [RGBColor; 6] = [
    RGBColor(214, 39, 40),
    RGBColor(31, 119, 180),
    RGBColor(192, 60, 190),
    RGBColor(23, 190, 207),
    RGBColor(44, 160, 44),
    RGBColor(230, 200, 20),
];

/// The colour of the `i`-th annotated point.
pub fn mark_colour(i: usize) -> RGBColor {
    MARK_COLOURS[i % MARK_COLOURS.len()]
}

/// The contour levels of the loss surface, as exponents: 30 levels from 10^-0.2 to 10^8 of
/// `ξ + 1`, like the notebook's `logspace(-0.2, 8, 30)`.
pub fn loss_levels() -> Vec<f64> {
    (0..30).map(|i| -0.2 + 8.2 * f64::from(i) / 29.0).collect()
}

fn loss_band_colour(k: usize) -> RGBColor {
    viridis(k as f64 / 28.0)
}

/// A number as a short label: integers without decimals.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e6 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
    .replace('-', "\u{2212}")
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

/// An empty `<g>` naming a panel's plotting area in pixels (`data-plot-box`: left top right
/// bottom) and its axis ranges (`data-x-range`, `data-y-range`: low high), so the page's
/// script can map a click to data coordinates; `extra` adds attributes. It draws nothing.
fn plot_area_marker(overlay: &mut Overlay, chart: &plot::Chart, extra: &str) {
    let (x, y) = (chart.x_range(), chart.y_range());
    let (left, top) = chart.backend_coord(&(x.start, y.end));
    let (right, bottom) = chart.backend_coord(&(x.end, y.start));
    overlay.raw(&format!(
        "<g data-plot-box=\"{left} {top} {right} {bottom}\" data-x-range=\"{} {}\" data-y-range=\"{} {}\"{extra}></g>\n",
        x.start, x.end, y.start, y.end
    ));
}

/// The loss surface, overview and zoom side by side with a shared colour bar, with the
/// annotated points and, if given, an optimiser's path ending in a star.
pub fn loss_surface(
    title: &str,
    desc: &str,
    overview: &SurfaceView,
    zoom: &SurfaceView,
    marks: &[Mark],
    path: Option<&[(f64, f64)]>,
) -> DrawResult<String> {
    let (lo, hi) = (log_loss(overview), log_loss(zoom));
    plot::figure((860, 400), title, desc, |root| {
        let (panels, bar) = root.split_horizontally(770);
        let (left, right) = panels.split_horizontally(385);
        let mut overlay = Overlay::default();
        for (area, view, values, caption) in [
            (&left, overview, &lo, "overview"),
            (&right, zoom, &hi, "zoom"),
        ] {
            let chart = surface_panel(area, caption, view, values)?;
            plot_area_marker(&mut overlay, &chart, "");
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

/// `∂ξ/∂S_k` against the step `k − L` on a symmetric-log axis, one curve per annotated point.
pub fn gradient_over_time(
    title: &str,
    desc: &str,
    curves: &[(Mark, &[f64])],
) -> DrawResult<String> {
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
                t if t < 0.0 => format!("\u{2212}{}", plot::power_of_ten(-t as i32)),
                t => plot::power_of_ten(t as i32),
            })
            .collect();
        Ticks { at, labels }
    };
    let n = steps as f64;
    let x_ticks = Ticks::linear(-n, 0.0, steps.min(10));
    plot::figure((760, 400), title, desc, |root| {
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
        let mut chart = plot::chart(root, "", &x, &y, layout)?;
        let mut legend = Vec::new();
        for (i, (m, values)) in curves.iter().enumerate() {
            let pts: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(k, v)| (k as f64 - (values.len() - 1) as f64, symlog(*v)))
                .collect();
            plot::draw_line(&mut chart, &pts, mark_colour(i).stroke_width(2))?;
            legend.push((
                format!("({}, {})", num(m.0), num(m.1)),
                mark_colour(i),
                Swatch::Line,
            ));
        }
        let mut overlay = Overlay::default();
        overlay.legend(&chart, &legend);
        Ok(overlay)
    })
}

/// A line chart of several series against the iteration, linear or log-scaled y. Value `i` of
/// a series is at iteration `i · x_every` (a loss recorded every 1000 steps has `x_every` 1000).
pub fn lines(
    title: &str,
    desc: &str,
    y_label: &str,
    log_y: bool,
    x_every: f64,
    series: &[(&str, RGBColor, &[f64])],
) -> DrawResult<String> {
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
    plot::figure((760, 360), title, desc, |root| {
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
        if series.len() > 1 {
            overlay.legend(&chart, &legend);
        }
        Ok(overlay)
    })
}

/// A classifier's output over the plane, sampled on a grid.
#[derive(Debug, Clone, Copy)]
pub struct PlaneView<'a> {
    /// `[min, max]` of the first coordinate.
    pub x: [f64; 2],
    /// `[min, max]` of the second coordinate.
    pub y: [f64; 2],
    /// Samples along x.
    pub nx: usize,
    /// Samples along y.
    pub ny: usize,
    /// The output, row-major (row = y).
    pub values: &'a [f32],
}

impl PlaneView<'_> {
    /// The half-width of a symmetric colour range that holds every finite output: the first
    /// of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten at or above the largest `|output|`
    /// (at least 1, so a flat output still gets a scale).
    pub fn colour_range(&self) -> f64 {
        let top = self
            .values
            .iter()
            .filter(|v| v.is_finite())
            .fold(1.0_f64, |m, v| m.max(f64::from(v.abs())));
        let mag = 10f64.powf(top.log10().floor());
        [1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
            .into_iter()
            .map(|m| m * mag)
            .find(|r| *r >= top)
            .unwrap_or(10.0 * mag)
    }
}

/// Lesson 2's two classes: label −1 in blue, +1 in orange.
pub const CLASS_COLOURS: [RGBColor; 2] = [RGBColor(20, 60, 140), RGBColor(170, 60, 0)];

/// The points inside `window`, split by label (`< 0` is class −1).
fn by_class(
    window: ([f64; 2], [f64; 2]),
    points: &[[f64; 2]],
    labels: &[f64],
) -> [Vec<(f64, f64)>; 2] {
    let mut out = [Vec::new(), Vec::new()];
    for (p, l) in points.iter().zip(labels) {
        if (window.0[0]..=window.0[1]).contains(&p[0])
            && (window.1[0]..=window.1[1]).contains(&p[1])
        {
            out[usize::from(*l > 0.0)].push((p[0], p[1]));
        }
    }
    out
}

/// The output bands: 12 of equal width over `[−top, top]`, zero on a boundary.
pub fn output_levels(top: f64) -> Vec<f64> {
    (0..=12).map(|i| top * f64::from(i - 6) / 6.0).collect()
}

fn output_band_colour(k: usize) -> RGBColor {
    diverging(k as f64 / 11.0)
}

/// What a plane panel shows besides the data.
struct PanelSpec<'a> {
    caption: &'a str,
    plane: Option<&'a PlaneView<'a>>,
    top: f64,
    window: ([f64; 2], [f64; 2]),
    /// Where each point started, to draw how far it moved.
    moved_from: Option<&'a [[f64; 2]]>,
}

/// One plane panel: output bands, the zero contour, the data.
fn plane_panel(
    area: &Area,
    overlay: &mut Overlay,
    spec: &PanelSpec,
    points: &[[f64; 2]],
    labels: &[f64],
) -> DrawResult<()> {
    let (wx, wy) = spec.window;
    let x = AxisSpec::linear(wx[0], wx[1], 7, "x₁");
    let y = AxisSpec::linear(wy[0], wy[1], 7, "x₂");
    let mut chart = plot::chart(area, spec.caption, &x, &y, Layout::default())?;
    plot_area_marker(
        overlay,
        &chart,
        &format!(" data-colour-top=\"{}\"", spec.top),
    );
    if let Some(p) = spec.plane {
        let values: Vec<f64> = p.values.iter().map(|v| f64::from(*v)).collect();
        let field = Field {
            x: (p.x[0], p.x[1]),
            y: (p.y[0], p.y[1]),
            nx: p.nx,
            ny: p.ny,
            values: &values,
        };
        plot::draw_bands(
            &mut chart,
            &field,
            &output_levels(spec.top),
            &output_band_colour,
        )?;
        plot::draw_level_line(&mut chart, &field, 0.0, BLACK.stroke_width(2))?;
    }
    let classes = by_class(spec.window, points, labels);
    for (class, pts) in classes.iter().enumerate() {
        overlay.dots(&chart, pts, CLASS_COLOURS[class], 4.0, 0.5);
    }
    if let Some(from) = spec.moved_from {
        let moves: Vec<plot::Segment> = from
            .iter()
            .zip(points)
            .map(|(a, b)| ((a[0], a[1]), (b[0], b[1])))
            .collect();
        overlay.segments(&chart, &moves, BLACK, 1.0);
    }
    overlay.legend(
        &chart,
        &[
            ("label −1".into(), CLASS_COLOURS[0], Swatch::Dot),
            ("label +1".into(), CLASS_COLOURS[1], Swatch::Dot),
        ],
    );
    Ok(())
}

/// The colour bar of the output bands, labelled `y`.
fn output_bar(area: &Area, top: f64) -> DrawResult<()> {
    plot::colour_bar(
        area,
        &output_levels(top),
        &output_band_colour,
        Ticks::linear(-top, top, 6),
        "model output y",
        Layout::default(),
    )
}

/// The data alone, or with a model's output over the plane (bands on a symmetric scale with
/// a colour bar) and its zero contour, the decision boundary.
pub fn plane(
    title: &str,
    desc: &str,
    plane: Option<&PlaneView>,
    window: ([f64; 2], [f64; 2]),
    points: &[[f64; 2]],
    labels: &[f64],
) -> DrawResult<String> {
    let top = plane.map_or(1.0, PlaneView::colour_range);
    let width = if plane.is_some() { 630 } else { 520 };
    plot::figure((width, 520), title, desc, |root| {
        let mut overlay = Overlay::default();
        let spec = PanelSpec {
            caption: "",
            plane,
            top,
            window,
            moved_from: None,
        };
        if plane.is_some() {
            let (panel, bar) = root.split_horizontally(520);
            plane_panel(&panel, &mut overlay, &spec, points, labels)?;
            output_bar(&bar, top)?;
        } else {
            plane_panel(root, &mut overlay, &spec, points, labels)?;
        }
        Ok(overlay)
    })
}

/// The data before and after optimising it against a fixed classifier, side by side; on the
/// right a thin line joins each point to where it started.
pub fn before_after(
    title: &str,
    desc: &str,
    plane: &PlaneView,
    window: ([f64; 2], [f64; 2]),
    before: &[[f64; 2]],
    after: &[[f64; 2]],
    labels: &[f64],
) -> DrawResult<String> {
    let top = plane.colour_range();
    plot::figure((930, 440), title, desc, |root| {
        let (panels, bar) = root.split_horizontally(820);
        let (left, right) = panels.split_horizontally(410);
        let mut overlay = Overlay::default();
        let spec = |caption, moved_from| PanelSpec {
            caption,
            plane: Some(plane),
            top,
            window,
            moved_from,
        };
        plane_panel(&left, &mut overlay, &spec("before", None), before, labels)?;
        plane_panel(
            &right,
            &mut overlay,
            &spec("after", Some(before)),
            after,
            labels,
        )?;
        output_bar(&bar, top)?;
        Ok(overlay)
    })
}

/// A histogram from its bin `edges` (one more than `counts`).
pub fn histogram(
    title: &str,
    desc: &str,
    x_label: &str,
    edges: &[f64],
    counts: &[u64],
) -> DrawResult<String> {
    if edges.len() != counts.len() + 1 || counts.is_empty() {
        return Err(format!(
            "a histogram of {} bins needs {} edges, got {}",
            counts.len(),
            counts.len() + 1,
            edges.len()
        ));
    }
    let (lo, hi) = (edges[0], edges[edges.len() - 1]);
    let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.08;
    plot::figure((640, 340), title, desc, |root| {
        let x = AxisSpec::linear(lo, hi, 8, x_label);
        let y = AxisSpec::linear(0.0, top, 5, "count");
        let mut chart = plot::chart(root, "", &x, &y, Layout::default())?;
        chart
            .draw_series(counts.iter().zip(edges.windows(2)).map(|(c, w)| {
                let gap = (w[1] - w[0]) * 0.03; // a thin gap shows where one bin ends
                Rectangle::new(
                    [(w[0] + gap, 0.0), (w[1] - gap, *c as f64)],
                    RGBColor(59, 82, 139).filled(),
                )
            }))
            .map_err(|e| format!("drawing the histogram: {e:?}"))?;
        Ok(Overlay::default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use unrolled::datasets::{binary_sequences, gaussian_blobs};
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
    fn lesson1_figures_fit_their_budget() {
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
        let svg = loss_surface("t", "d", &ov, &zo, &marks, Some(&path)).unwrap();
        assert!(svg.len() < 250_000, "{} bytes", svg.len());
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
        let svg = gradient_over_time("t", "d", &views).unwrap();
        assert!(svg.len() < 250_000);
        assert!(svg.contains("10⁴"), "symlog ticks");
        std::fs::create_dir_all("../../target/course-test").unwrap();
        std::fs::write(
            "../../target/course-test/surface.svg",
            loss_surface("t", "d", &ov, &zo, &marks, Some(&path)).unwrap(),
        )
        .unwrap();
        std::fs::write("../../target/course-test/over_time.svg", svg).unwrap();
    }

    #[test]
    fn lesson2_figures_fit_their_budget() {
        let mut pts = vec![[0.0_f64; 2]; 2000];
        let mut labels = vec![0.0; 2000];
        gaussian_blobs(7, &mut pts, &mut labels).unwrap();
        let (nx, ny) = (131, 131);
        let values: Vec<f32> = (0..nx * ny)
            .map(|k| {
                let (i, j) = (k / nx, k % nx);
                let (x, y) = (-5.0 + 0.1 * j as f64, -5.0 + 0.1 * i as f64);
                (0.4 * x + 0.4 * y - 1.2) as f32
            })
            .collect();
        let plane_view = PlaneView {
            x: [-5.0, 8.0],
            y: [-5.0, 8.0],
            nx,
            ny,
            values: &values,
        };
        let w = ([-5.0, 8.0], [-5.0, 8.0]);
        let svg = plane("t", "d", Some(&plane_view), w, &pts, &labels).unwrap();
        assert!(svg.len() < 250_000, "{}", svg.len());
        let moved: Vec<[f64; 2]> = pts.iter().map(|p| [p[0] + 0.5, p[1]]).collect();
        let svg2 = before_after("t", "d", &plane_view, w, &pts, &moved, &labels).unwrap();
        assert!(svg2.len() < 250_000, "{}", svg2.len());
        let curve: Vec<f64> = (0..100).map(|i| 1000.0 / (1.0 + i as f64)).collect();
        let svg3 = lines(
            "t",
            "d",
            "loss",
            true,
            1000.0,
            &[("sgd", RGBColor(0, 0, 0), &curve)],
        )
        .unwrap();
        std::fs::write("../../target/course-test/lines.svg", &svg3).unwrap_or(());
        assert!(
            svg3.contains(">\n40\u{2009}000\n<"),
            "the x axis counts iterations"
        );
        let edges: Vec<f64> = (0..=10).map(|i| -1.0 + 0.2 * f64::from(i)).collect();
        let counts = [900, 50, 10, 8, 12, 11, 14, 16, 23, 936];
        let svg4 = histogram("t", "d", "output", &edges, &counts).unwrap();
        assert!(histogram("t", "d", "output", &edges, &counts[1..]).is_err());
        assert_eq!(plane_view.colour_range(), 6.0, "max |y| = 5.2");
        std::fs::write("../../target/course-test/plane.svg", &svg).unwrap_or(());
        std::fs::write("../../target/course-test/before_after.svg", &svg2).unwrap_or(());
        std::fs::write("../../target/course-test/lines.svg", &svg3).unwrap_or(());
        std::fs::write("../../target/course-test/hist.svg", &svg4).unwrap_or(());
    }
}
