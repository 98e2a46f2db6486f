//! Lesson 2's figures over the plane: the data, a model's output bands and its decision
//! boundary, and the data before and after being optimised.

use plotters::prelude::*;

use super::{Caption, Drawing, colour_scale, figure, panel};
use crate::course::plot::{
    self, Area, AxisSpec, DrawResult, Field, Layout, Legend, Overlay, Swatch, Ticks, diverging,
};

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

/// The height of a plane panel: its plot about square under the legend row.
const PLANE_HEIGHT: u32 = 414;

/// One plane panel: output bands, the zero contour, the data, the legend of the labels
/// above it (led by the panel's name, if any).
fn plane_panel(
    area: &Area,
    overlay: &mut Overlay,
    spec: &PanelSpec,
    points: &[[f64; 2]],
    labels: &[f64],
) -> DrawResult<()> {
    let (wx, wy) = spec.window;
    let x = AxisSpec::linear(wx[0], wx[1], 5, "x₁");
    let y = AxisSpec::linear(wy[0], wy[1], 5, "x₂");
    let base = Layout::default();
    let left = (base.margin + base.y_area) as i32;
    let legend = Legend::new(
        spec.caption,
        "label",
        &[
            ("−1".into(), CLASS_COLOURS[0], Swatch::Dot),
            ("+1".into(), CLASS_COLOURS[1], Swatch::Dot),
        ],
        left,
        plot::PANEL_WIDTH as i32 - left - base.margin as i32,
    );
    let layout = Layout {
        top: legend.height(),
        ..base
    };
    let mut chart = plot::chart(area, "", &x, &y, layout)?;
    super::plot_area_marker(
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
    overlay.legend(&chart, &legend);
    Ok(())
}

/// The colour scale of the output bands, titled `model output y`.
fn output_scale(caption: &Caption, top: f64) -> DrawResult<String> {
    let base = Layout::default();
    colour_scale(
        caption,
        &output_levels(top),
        &output_band_colour,
        Ticks::linear(-top, top, 6),
        "model output y",
        base.margin + base.y_area,
    )
}

/// The data alone, or with a model's output over the plane (bands on a symmetric scale with
/// a colour scale under the panel) and its zero contour, the decision boundary.
pub fn plane(
    caption: &Caption,
    plane: Option<&PlaneView>,
    window: ([f64; 2], [f64; 2]),
    points: &[[f64; 2]],
    labels: &[f64],
) -> DrawResult<Drawing> {
    let top = plane.map_or(1.0, PlaneView::colour_range);
    let svg = figure((plot::PANEL_WIDTH, PLANE_HEIGHT), caption, |root| {
        let mut overlay = Overlay::default();
        let spec = PanelSpec {
            caption: "",
            plane,
            top,
            window,
            moved_from: None,
        };
        plane_panel(root, &mut overlay, &spec, points, labels)?;
        Ok(overlay)
    })?;
    Ok(Drawing {
        panels: vec![svg],
        scale: plane.map(|_| output_scale(caption, top)).transpose()?,
    })
}

/// The data before and after optimising it against a fixed classifier, as two panels over
/// the classifier's output with the colour scale they share; on the second a thin line joins
/// each point to where it started.
pub fn before_after(
    caption: &Caption,
    plane: &PlaneView,
    window: ([f64; 2], [f64; 2]),
    before: &[[f64; 2]],
    after: &[[f64; 2]],
    labels: &[f64],
) -> DrawResult<Drawing> {
    let top = plane.colour_range();
    let spec = |caption, moved_from| PanelSpec {
        caption,
        plane: Some(plane),
        top,
        window,
        moved_from,
    };
    let size = (plot::PANEL_WIDTH, PLANE_HEIGHT);
    let first = panel(
        size,
        caption,
        "before",
        "This panel: the data before.",
        |root| {
            let mut overlay = Overlay::default();
            plane_panel(root, &mut overlay, &spec("before", None), before, labels)?;
            Ok(overlay)
        },
    )?;
    let second = panel(
        size,
        caption,
        "after",
        "This panel: the data after, each moved point joined to where it started.",
        |root| {
            let mut overlay = Overlay::default();
            plane_panel(
                root,
                &mut overlay,
                &spec("after", Some(before)),
                after,
                labels,
            )?;
            Ok(overlay)
        },
    )?;
    Ok(Drawing {
        panels: vec![first, second],
        scale: Some(output_scale(caption, top)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::figures::{Lines, assert_drawing_readable, histogram, lines, test_caption};
    use unrolled::datasets::gaussian_blobs;

    #[test]
    fn backprop_figures_fit_their_budget() {
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
        let d1 = plane(&test_caption(), Some(&plane_view), w, &pts, &labels).unwrap();
        assert!(d1.to_html().len() < 250_000, "{}", d1.to_html().len());
        assert_eq!(d1.panels.len(), 1);
        assert!(d1.scale.as_deref().unwrap().contains("model output y"));
        let alone = plane(&test_caption(), None, w, &pts, &labels).unwrap();
        assert!(alone.scale.is_none(), "the data alone have no colour scale");
        let moved: Vec<[f64; 2]> = pts.iter().map(|p| [p[0] + 0.5, p[1]]).collect();
        let d2 = before_after(&test_caption(), &plane_view, w, &pts, &moved, &labels).unwrap();
        assert!(d2.to_html().len() < 250_000, "{}", d2.to_html().len());
        assert_eq!(d2.panels.len(), 2, "before and after, one panel each");
        assert!(d2.panels[0].contains(">before<") && d2.panels[1].contains(">after<"));
        assert!(d2.panels[1].contains("<title>t: after</title>"));
        let curve: Vec<f64> = (0..100).map(|i| 1000.0 / (1.0 + i as f64)).collect();
        let d3 = lines(
            &test_caption(),
            &Lines {
                y_label: "loss",
                log_y: true,
                x_every: 1000.0,
                ..Lines::default()
            },
            &[("sgd", RGBColor(0, 0, 0), &curve)],
        )
        .unwrap();
        assert!(
            d3.panels[0].contains(">\n40\u{2009}000\n<"),
            "the x axis counts iterations"
        );
        let edges: Vec<f64> = (0..=10).map(|i| -1.0 + 0.2 * f64::from(i)).collect();
        let counts = [900, 50, 10, 8, 12, 11, 14, 16, 23, 936];
        let d4 = histogram(&test_caption(), "output", &edges, &counts).unwrap();
        assert!(histogram(&test_caption(), "output", &edges, &counts[1..]).is_err());
        assert_eq!(plane_view.colour_range(), 6.0, "max |y| = 5.2");
        for d in [&d1, &alone, &d2, &d3, &d4] {
            assert_drawing_readable(d);
        }
        std::fs::create_dir_all("../../target/course-test").unwrap_or(());
        for (name, d) in [
            ("plane", &d1),
            ("before_after", &d2),
            ("lines", &d3),
            ("hist", &d4),
        ] {
            std::fs::write(format!("../../target/course-test/{name}.html"), d.to_html())
                .unwrap_or(());
        }
    }
}
