//! Colour maps and the colour bar that explains them.

use plotters::prelude::*;

use super::{Area, Axis, DrawResult, FONT, TICK_SIZE, TITLE_SIZE, Ticks, draw_err};
use crate::error::Error;

/// `#rrggbb`.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white).
pub fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    fn channel(v: u8) -> f64 {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    }
    let lum = |c: RGBColor| 0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2);
    let (la, lb) = (lum(a), lum(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The contrast every line and marker colour needs against the figure background (WCAG
/// 1.4.11, graphical objects). Figures are drawn on white in light and dark pages alike.
pub const MIN_GRAPHIC_CONTRAST: f64 = 3.0;

/// Dash patterns (SVG `stroke-dasharray`) that tell lines apart without their colour, in
/// the order series use them: solid, long dashes, dots, dash-dot, short dashes, long-short.
pub const DASHES: [&str; 6] = ["", "10 4", "2 3", "12 3 3 3", "5 4", "14 3 5 3"];

/// The dash pattern of the `i`-th series.
pub fn dash(i: usize) -> &'static str {
    DASHES[i % DASHES.len()]
}

/// Matplotlib's viridis colour map, from 9 of its colours, for `t` in `[0, 1]`.
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 45, 123),
        (59, 82, 139),
        (44, 114, 142),
        (33, 145, 140),
        (40, 174, 128),
        (94, 201, 98),
        (173, 220, 48),
        (253, 231, 37),
    ];
    interpolate(&STOPS, t)
}

/// A pale diverging map for a classifier's output: blue below 0, white at 0, orange above.
pub fn diverging(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (84, 130, 196),
        (170, 198, 232),
        (247, 247, 247),
        (246, 196, 150),
        (221, 132, 62),
    ];
    interpolate(&STOPS, t)
}

fn interpolate(stops: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let pos = t * (stops.len() - 1) as f64;
    let i = (pos.floor() as usize).min(stops.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (stops[i], stops[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A horizontal colour bar for contour bands across the whole of `area`: band `k` between
/// `thresholds[k]` and `thresholds[k+1]` in `colour(k)`, with ticks and a title below. It
/// leaves `left` pixels on the left, so that under a panel it lines up with the plot.
pub fn colour_bar(
    area: &Area,
    thresholds: &[f64],
    colour: &dyn Fn(usize) -> RGBColor,
    ticks: Ticks,
    label: &str,
    left: u32,
) -> DrawResult<()> {
    let (Some(&lo), Some(&hi)) = (thresholds.first(), thresholds.last()) else {
        return Err(Error::render("no contour levels"));
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(6)
        .margin_bottom(4)
        .margin_left(left)
        .margin_right(24)
        .x_label_area_size(52)
        .build_cartesian_2d(Axis::new(lo, hi, &ticks.at), Axis::new(0.0, 1.0, &[]))
        .map_err(draw_err("the colour bar"))?;
    chart
        .draw_series(
            thresholds
                .windows(2)
                .enumerate()
                .map(|(k, w)| Rectangle::new([(w[0], 0.0), (w[1], 1.0)], colour(k).filled())),
        )
        .map_err(draw_err("the colour bar"))?;
    let fmt = |v: &f64| ticks.label(*v);
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_y_axis()
        .axis_style(RGBColor(90, 90, 90))
        .label_style((FONT, TICK_SIZE))
        .axis_desc_style((FONT, TITLE_SIZE))
        .x_desc(label)
        .x_label_formatter(&fmt)
        .draw()
        .map_err(draw_err("the colour bar"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_maps_hit_their_ends() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(diverging(0.5), RGBColor(247, 247, 247));
        assert_eq!(hex(RGBColor(1, 2, 255)), "#0102ff");
    }

    #[test]
    fn contrast_is_the_wcag_ratio() {
        assert!((contrast(BLACK, WHITE) - 21.0).abs() < 1e-9);
        assert_eq!(contrast(WHITE, WHITE), 1.0);
        // The two colours the issue measured: yellow 1.66:1 and cyan 2.26:1 on white.
        assert!((contrast(RGBColor(230, 200, 20), WHITE) - 1.66).abs() < 0.01);
        assert!((contrast(RGBColor(23, 190, 207), WHITE) - 2.26).abs() < 0.01);
        assert_eq!(
            contrast(RGBColor(1, 2, 3), WHITE),
            contrast(WHITE, RGBColor(1, 2, 3))
        );
        assert_eq!(dash(0), "");
        assert_eq!(dash(DASHES.len()), "", "the patterns repeat");
        let distinct: std::collections::BTreeSet<_> = DASHES.iter().collect();
        assert_eq!(distinct.len(), DASHES.len());
    }
}
