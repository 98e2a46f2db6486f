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

    /// A legend box at the top-right corner of `chart`'s plotting area: one swatch per entry.
    pub fn legend(&mut self, chart: &Chart, entries: &[(String, RGBColor, Swatch)]) {
        let (x_range, y_range) = (chart.x_range(), chart.y_range());
        let (right, top) = chart.backend_coord(&(x_range.end, y_range.end));
        let width = 34
            + entries
                .iter()
                .map(|(label, _, _)| label.chars().count() as i32 * 7)
                .max()
                .unwrap_or(0);
        let height = 8 + 18 * entries.len() as i32;
        let (x0, y0) = (right - width - 8, top + 8);
        let _ = writeln!(
            self.svg,
            "<rect x=\"{x0}\" y=\"{y0}\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#888888\"/>"
        );
        for (i, (label, colour, swatch)) in entries.iter().enumerate() {
            let y = y0 + 13 + 18 * i as i32;
            let c = hex(*colour);
            match swatch {
                Swatch::Line => {
                    let _ = writeln!(
                        self.svg,
                        "<path d=\"M{} {y}h18\" stroke=\"{c}\" stroke-width=\"2\"/>",
                        x0 + 6
                    );
                }
                Swatch::Dot => {
                    let _ = writeln!(
                        self.svg,
                        "<circle cx=\"{}\" cy=\"{y}\" r=\"4.5\" fill=\"{c}\" stroke=\"#000000\"/>",
                        x0 + 15
                    );
                }
            }
            let _ = writeln!(
                self.svg,
                "<text x=\"{}\" y=\"{y}\" dy=\"0.35em\" font-family=\"{FONT}\" font-size=\"{LEGEND_SIZE}\" fill=\"#222222\">{}</text>",
                x0 + 30,
                escape_html(label)
            );
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

/// What a legend entry shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swatch {
    /// A short line.
    Line,
    /// A disc.
    Dot,
}
