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

    /// A legend laid out by [`Legend::new`], in its rows just above `chart`'s plotting area
    /// (the chart needs [`Legend::height`] pixels of top margin for it), so it hides no data.
    pub fn legend(&mut self, chart: &Chart, legend: &Legend) {
        let (_, top) = chart.backend_coord(&(chart.x_range().start, chart.y_range().end));
        for item in &legend.items {
            let y = top - LEGEND_GAP - (legend.rows - item.row) * LEGEND_ROW + LEGEND_ROW / 2;
            match &item.kind {
                Item::Lead(text) => {
                    self.text(item.x, y, LEGEND_SIZE + 1, " font-weight=\"bold\"", text)
                }
                Item::Title(text) => {
                    self.text(item.x, y, LEGEND_SIZE, " font-weight=\"bold\"", text)
                }
                Item::Entry(label, colour, swatch) => {
                    self.swatch(item.x, y, *colour, *swatch);
                    self.text(item.x + SWATCH_GAP, y, LEGEND_SIZE, "", label);
                }
            }
        }
    }

    /// A line of text starting at `(x, y)`, vertically centred there.
    fn text(&mut self, x: i32, y: i32, size: u32, weight: &str, label: &str) {
        let _ = writeln!(
            self.svg,
            "<text x=\"{x}\" y=\"{y}\" dy=\"0.35em\" font-family=\"{FONT}\" font-size=\"{size}\"{weight} fill=\"#222222\">{}</text>",
            escape_html(label)
        );
    }

    /// A note where a curve leaves the top of `chart`: an upward triangle in the curve's
    /// `colour` on the edge at `at`, and the `lines` of text under it inside the plot (left
    /// of the triangle when it is in the right half).
    pub fn exit_note(&mut self, chart: &Chart, at: (f64, f64), colour: RGBColor, lines: &[String]) {
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
        let step = NOTE_SIZE as i32 + 4;
        for (i, line) in lines.iter().enumerate() {
            let _ = writeln!(
                self.svg,
                "<text x=\"{tx}\" y=\"{}\" dy=\"0.35em\" text-anchor=\"{anchor}\" font-family=\"{FONT}\" font-size=\"{NOTE_SIZE}\" fill=\"#222222\">{}</text>",
                y + 14 + step * i as i32,
                escape_html(line)
            );
        }
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

/// The height of a legend row above a chart, in pixels.
pub const LEGEND_ROW: i32 = 26;
/// The text of a note on the plot ([`Overlay::exit_note`]), in pixels: it holds no
/// subscripts, so it may be smaller than the legend.
pub const NOTE_SIZE: u32 = 14;
/// Between a legend's last row and the plot, clear of the top tick label.
const LEGEND_GAP: i32 = 10;
/// From a swatch's left end to its label.
const SWATCH_GAP: i32 = 34;
/// Between two legend items in a row.
const ITEM_GAP: i32 = 14;

/// A generous estimate of a label's width in pixels at `size` (no font is measured, so
/// nothing depends on the fonts installed): 0.625 em a character, wider than the digits of
/// the common sans-serif fonts.
fn text_width(label: &str, size: u32) -> i32 {
    label.chars().count() as i32 * size as i32 * 5 / 8
}

/// One placed item of a [`Legend`].
#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// A panel's name, first and bold.
    Lead(String),
    /// The legend's title, bold.
    Title(String),
    /// A swatch and its label.
    Entry(String, RGBColor, Swatch),
}

/// A placed legend item: its kind, left edge and row (0 is the top row).
#[derive(Debug, Clone, PartialEq)]
struct Placed {
    kind: Item,
    x: i32,
    row: i32,
}

/// A legend laid out in rows of a given width: a panel name (optional), the title and the
/// entries, left to right, a new row whenever the next one would not fit. Laid out before
/// the chart is built, so the chart can leave [`Legend::height`] pixels for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    items: Vec<Placed>,
    rows: i32,
}

impl Legend {
    /// Lay out `lead` (a panel name, may be empty), `title` and `entries` in rows from `left`
    /// to `left + width` pixels. An item wider than a row gets a row of its own.
    pub fn new(
        lead: &str,
        title: &str,
        entries: &[(String, RGBColor, Swatch)],
        left: i32,
        width: i32,
    ) -> Self {
        let mut all: Vec<(Item, i32)> = Vec::new();
        if !lead.is_empty() {
            all.push((Item::Lead(lead.into()), text_width(lead, LEGEND_SIZE + 1)));
        }
        if !title.is_empty() {
            all.push((Item::Title(title.into()), text_width(title, LEGEND_SIZE)));
        }
        for (label, colour, swatch) in entries {
            all.push((
                Item::Entry(label.clone(), *colour, *swatch),
                SWATCH_GAP + text_width(label, LEGEND_SIZE),
            ));
        }
        let (mut x, mut row) = (left, 0);
        let mut items = Vec::with_capacity(all.len());
        for (kind, w) in all {
            if x > left && x + w > left + width {
                (x, row) = (left, row + 1);
            }
            items.push(Placed { kind, x, row });
            x += w + ITEM_GAP;
        }
        let rows = if items.is_empty() { 0 } else { row + 1 };
        Self { items, rows }
    }

    /// The rows' height in pixels with the gap under them: the top margin the chart leaves
    /// for the legend (0 for an empty legend).
    pub fn height(&self) -> u32 {
        if self.rows == 0 {
            0
        } else {
            (self.rows * LEGEND_ROW + LEGEND_GAP).unsigned_abs()
        }
    }

    /// How many rows the legend takes.
    pub fn rows(&self) -> i32 {
        self.rows
    }
}

/// What a legend entry shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swatch {
    /// A short line, dashed by an SVG `stroke-dasharray` (empty: solid).
    Line(&'static str),
    /// A disc.
    Dot,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(labels: &[&str]) -> Vec<(String, RGBColor, Swatch)> {
        labels
            .iter()
            .map(|l| ((*l).to_string(), BLACK, Swatch::Dot))
            .collect()
    }

    #[test]
    fn a_legend_wraps_into_rows_that_fit() {
        // Title 5 chars (50 px), each entry 34 + 40 px, 14 px between: a 240 px row holds
        // the title and two entries (226 px).
        let e = entries(&["aaaa", "bbbb", "cccc", "dddd"]);
        let l = Legend::new("", "title", &e, 10, 240);
        assert_eq!(l.rows(), 2);
        let rows: Vec<i32> = l.items.iter().map(|i| i.row).collect();
        assert_eq!(rows, vec![0, 0, 0, 1, 1]);
        assert!(l.items.iter().filter(|i| i.row == 1).all(|i| i.x >= 10));
        assert_eq!(l.items[3].x, 10, "a new row starts at the left edge");
        for row in 0..l.rows() {
            let right = l
                .items
                .iter()
                .filter(|i| i.row == row)
                .map(|i| {
                    i.x + match &i.kind {
                        Item::Entry(t, ..) => SWATCH_GAP + text_width(t, LEGEND_SIZE),
                        Item::Title(t) => text_width(t, LEGEND_SIZE),
                        Item::Lead(t) => text_width(t, LEGEND_SIZE + 1),
                    }
                })
                .max()
                .unwrap();
            assert!(right <= 250, "row {row} ends at {right}");
        }
        assert_eq!(l.height(), (2 * LEGEND_ROW + LEGEND_GAP) as u32);
    }

    #[test]
    fn an_empty_legend_takes_no_room_and_a_wide_item_gets_a_row_of_its_own() {
        let empty = Legend::new("", "", &[], 0, 100);
        assert_eq!((empty.rows(), empty.height()), (0, 0));
        let wide = Legend::new(
            "panel",
            "",
            &entries(&["a label far wider than the row"]),
            0,
            60,
        );
        assert_eq!(wide.rows(), 2, "the lead, then the wide entry alone");
        assert!(wide.items.iter().all(|i| i.x == 0));
    }
}
