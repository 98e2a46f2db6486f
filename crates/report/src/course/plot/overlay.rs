//! Plain SVG drawn over plotters' output, in absolute pixels: what plotters cannot draw
//! compactly (thousands of scatter points, star markers) or at all (a boxed legend).

use std::fmt::Write as _;

use plotters::prelude::*;

use super::{Chart, FONT, LEGEND_SIZE, hex};
use crate::course::typography::escape_html;

/// A straight segment between two points in data coordinates: `(from, to)`.
pub type Segment = ((f64, f64), (f64, f64));

/// Plain SVG drawn over the plotters output: scatter points and markers, in absolute pixels.
#[derive(Debug, Default)]
pub struct Overlay {
    svg: String,
}

impl Overlay {
    /// Scatter `points` as round dots of `diameter` pixels, one `<path>` for all of them.
    /// Repeats of the same pixel are drawn once.
    pub fn dots(
        &mut self,
        chart: &Chart,
        points: &[(f64, f64)],
        colour: RGBColor,
        diameter: f64,
        opacity: f64,
    ) {
        let mut seen = std::collections::BTreeSet::new();
        let mut d = String::new();
        for p in points {
            let (x, y) = chart.backend_coord(p);
            if seen.insert((x, y)) {
                let _ = write!(d, "M{x} {y}h0");
            }
        }
        if d.is_empty() {
            return;
        }
        let _ = writeln!(
            self.svg,
            "<path d=\"{d}\" stroke=\"{}\" stroke-opacity=\"{opacity}\" stroke-width=\"{diameter}\" stroke-linecap=\"round\" fill=\"none\"/>",
            hex(colour)
        );
    }

    /// Straight segments from each `(from, to)` pair, one `<path>` for all of them; segments
    /// shorter than two pixels are left out.
    pub fn segments(&mut self, chart: &Chart, pairs: &[Segment], colour: RGBColor, width: f64) {
        let mut d = String::new();
        for (from, to) in pairs {
            let (a, b) = (chart.backend_coord(from), chart.backend_coord(to));
            if (a.0 - b.0).abs().max((a.1 - b.1).abs()) >= 2 {
                let _ = write!(d, "M{} {}L{} {}", a.0, a.1, b.0, b.1);
            }
        }
        if !d.is_empty() {
            let _ = writeln!(
                self.svg,
                "<path d=\"{d}\" stroke=\"{}\" stroke-width=\"{width}\" fill=\"none\"/>",
                hex(colour)
            );
        }
    }

    /// A ringed disc marker at a data point.
    pub fn disc(&mut self, chart: &Chart, at: (f64, f64), colour: RGBColor, radius: u32) {
        let (x, y) = chart.backend_coord(&at);
        let _ = writeln!(
            self.svg,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"{radius}\" fill=\"{}\" stroke=\"#000000\" stroke-width=\"1.2\"/>",
            hex(colour)
        );
    }

    /// A five-pointed star marker, white with a black outline, at a data point.
    pub fn star(&mut self, chart: &Chart, at: (f64, f64), radius: f64) {
        let (x, y) = chart.backend_coord(&at);
        let mut points = String::new();
        for i in 0..10 {
            let r = if i % 2 == 0 { radius } else { radius * 0.45 };
            let a = std::f64::consts::PI * (i as f64) / 5.0;
            let _ = write!(
                points,
                "{:.1},{:.1} ",
                f64::from(x) + r * a.sin(),
                f64::from(y) - r * a.cos()
            );
        }
        let _ = writeln!(
            self.svg,
            "<polygon points=\"{}\" fill=\"#ffffff\" stroke=\"#000000\" stroke-width=\"1.2\"/>",
            points.trim_end()
        );
    }

    /// A polyline through `points` (deduplicated to pixels) in `colour`, `width` pixels wide,
    /// dashed by `dash` (an SVG `stroke-dasharray`; empty for a solid line).
    pub fn polyline(
        &mut self,
        chart: &Chart,
        points: &[(f64, f64)],
        colour: RGBColor,
        width: f64,
        dash: &str,
    ) {
        let mut d = String::new();
        let mut last = None;
        for p in points {
            let px = chart.backend_coord(p);
            if last != Some(px) {
                let _ = write!(
                    d,
                    "{}{} {}",
                    if last.is_none() { 'M' } else { 'L' },
                    px.0,
                    px.1
                );
                last = Some(px);
            }
        }
        if d.is_empty() {
            return;
        }
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let _ = writeln!(
            self.svg,
            "<path d=\"{d}\" stroke=\"{}\" stroke-width=\"{width}\"{dash} stroke-linejoin=\"round\" fill=\"none\"/>",
            hex(colour)
        );
    }

    /// A legend with a `title`, outside `chart`'s plotting area so it hides no data: beside
    /// it on the right ([`LegendPlace::Right`]: one entry a row; the figure must leave about
    /// 160 pixels there) or in a row just above it ([`LegendPlace::Above`]: the chart needs
    /// [`LEGEND_ROW`] pixels of top margin).
    pub fn legend(
        &mut self,
        chart: &Chart,
        title: &str,
        entries: &[(String, RGBColor, Swatch)],
        place: LegendPlace,
    ) {
        let (x_range, y_range) = (chart.x_range(), chart.y_range());
        let (right, top) = chart.backend_coord(&(x_range.end, y_range.end));
        let text = |svg: &mut String, x: i32, y: i32, weight: &str, label: &str| {
            let _ = writeln!(
                svg,
                "<text x=\"{x}\" y=\"{y}\" dy=\"0.35em\" font-family=\"{FONT}\" font-size=\"{LEGEND_SIZE}\"{weight} fill=\"#222222\">{}</text>",
                escape_html(label)
            );
        };
        match place {
            LegendPlace::Right => {
                let x0 = right + 14;
                text(&mut self.svg, x0, top + 8, " font-weight=\"bold\"", title);
                for (i, (label, colour, swatch)) in entries.iter().enumerate() {
                    let y = top + 30 + 20 * i as i32;
                    self.swatch(x0, y, *colour, *swatch);
                    text(&mut self.svg, x0 + 34, y, "", label);
                }
            }
            LegendPlace::Above => {
                // Right-aligned: entries from the right edge leftwards, the title last.
                let y = top - LEGEND_ROW / 2;
                let mut x = right;
                for (label, colour, swatch) in entries.iter().rev() {
                    x -= text_width(label) + 34 + 12;
                    self.swatch(x, y, *colour, *swatch);
                    text(&mut self.svg, x + 34, y, "", label);
                }
                let x = x - text_width(title) - 8;
                text(&mut self.svg, x, y, " font-weight=\"bold\"", title);
            }
        }
    }

    /// A note where a curve leaves the top of `chart`: an upward triangle in the curve's
    /// `colour` on the edge at `at`, and `text` beside it inside the plot (left of the
    /// triangle when it is in the right half).
    pub fn exit_note(&mut self, chart: &Chart, at: (f64, f64), colour: RGBColor, text: &str) {
        let (x, y) = chart.backend_coord(&at);
        let (left, _) = chart.backend_coord(&(chart.x_range().start, at.1));
        let (right, _) = chart.backend_coord(&(chart.x_range().end, at.1));
        let _ = writeln!(
            self.svg,
            "<path d=\"M{x} {y}l6 10h-12z\" fill=\"{}\" stroke=\"#000000\" stroke-width=\"0.8\"/>",
            hex(colour)
        );
        let (tx, anchor) = if x - left > (right - left) / 2 {
            (x - 10, "end")
        } else {
            (x + 10, "start")
        };
        let _ = writeln!(
            self.svg,
            "<text x=\"{tx}\" y=\"{}\" dy=\"0.35em\" text-anchor=\"{anchor}\" font-family=\"{FONT}\" font-size=\"{LEGEND_SIZE}\" fill=\"#222222\">{}</text>",
            y + 12,
            escape_html(text)
        );
    }

    /// A panel's name, bold, at the left end of the legend row above `chart` (where a
    /// [`LegendPlace::Above`] legend leaves room for it).
    pub fn panel_title(&mut self, chart: &Chart, title: &str) {
        if title.is_empty() {
            return;
        }
        let (left, top) = chart.backend_coord(&(chart.x_range().start, chart.y_range().end));
        let _ = writeln!(
            self.svg,
            "<text x=\"{left}\" y=\"{}\" dy=\"0.35em\" font-family=\"{FONT}\" font-size=\"{}\" font-weight=\"bold\" fill=\"#222222\">{}</text>",
            top - LEGEND_ROW / 2,
            LEGEND_SIZE + 1,
            escape_html(title)
        );
    }

    /// A legend swatch 28 pixels wide starting at `x`, centred on `y`.
    fn swatch(&mut self, x: i32, y: i32, colour: RGBColor, swatch: Swatch) {
        let c = hex(colour);
        match swatch {
            Swatch::Line(dash) => {
                let dash = if dash.is_empty() {
                    String::new()
                } else {
                    format!(" stroke-dasharray=\"{dash}\"")
                };
                let _ = writeln!(
                    self.svg,
                    "<path d=\"M{x} {y}h28\" stroke=\"{c}\" stroke-width=\"2.5\"{dash}/>"
                );
            }
            Swatch::Dot => {
                let _ = writeln!(
                    self.svg,
                    "<circle cx=\"{}\" cy=\"{y}\" r=\"5\" fill=\"{c}\" stroke=\"#000000\"/>",
                    x + 14
                );
            }
        }
    }

    /// Append raw SVG.
    pub fn raw(&mut self, svg: &str) {
        self.svg.push_str(svg);
    }

    /// The SVG drawn so far.
    pub fn into_svg(self) -> String {
        self.svg
    }
}

/// The height of a legend row above a chart ([`LegendPlace::Above`]), in pixels.
pub const LEGEND_ROW: i32 = 24;

/// A generous estimate of a legend label's width in pixels at [`LEGEND_SIZE`] (no font is
/// measured, so nothing depends on the fonts installed).
fn text_width(label: &str) -> i32 {
    label.chars().count() as i32 * 8
}

/// Where a legend goes: always outside the plotting area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendPlace {
    /// To the right of the plotting area, one entry a row.
    Right,
    /// In one row above the plotting area, right-aligned.
    Above,
}

/// What a legend entry shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swatch {
    /// A short line, dashed by an SVG `stroke-dasharray` (empty: solid).
    Line(&'static str),
    /// A disc.
    Dot,
}
