//! Drawing primitives for the course's figures, on plotters' SVG backend.
//!
//! Plotters draws the axes, labels, filled contour bands and lines. Two things it cannot do
//! compactly are added as plain SVG: scatter points (one `<path>` of round-capped zero-length
//! strokes per colour, about ten bytes a point) and star markers. Every coordinate is a whole
//! pixel, text is `<text>` in a generic font family, and nothing depends on the time or on the
//! fonts installed, so the same data always give the same bytes.

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;

/// What can go wrong while drawing: a message naming the figure part.
pub type DrawResult<T> = Result<T, String>;

fn draw_err<E: std::fmt::Debug>(what: &'static str) -> impl Fn(E) -> String {
    move |e| format!("drawing {what}: {e:?}")
}

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
/// A drawing area in pixels.
pub type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
/// A chart whose axes carry our own ticks.
pub type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Axis, Axis>>;

/// The font family of every label: generic, so no font file is needed or named.
pub const FONT: &str = "sans-serif";

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
        while k * step <= hi + step * 1e-9 {
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

/// Whole numbers of five digits or more in groups of three, split by a thin space (`20 000`).
fn group_thousands(s: &str) -> String {
    let digits = s.trim_start_matches('-');
    if digits.len() < 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_string();
    }
    let mut out = String::from(&s[..s.len() - digits.len()]);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// A typographic minus instead of a hyphen.
fn minus(s: &str) -> String {
    s.replace('-', "\u{2212}")
}

/// `10ⁿ` with a superscript exponent.
pub fn power_of_ten(e: i32) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::from("10");
    if e < 0 {
        s.push('⁻');
    }
    for d in e.unsigned_abs().to_string().bytes() {
        s.push(SUP[usize::from(d - b'0')]);
    }
    s
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
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            x_area: 40,
            y_area: 56,
            margin: 10,
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
        .x_label_area_size(layout.x_area)
        .y_label_area_size(layout.y_area);
    if !caption.is_empty() {
        builder.caption(caption, (FONT, 17));
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
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .x_desc(x.label.as_str())
        .y_desc(y.label.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(draw_err("the grid"))?;
    Ok(chart)
}

/// A scalar field sampled on a regular grid: `values[i·nx + j]` is the value at
/// `x = x.0 + j·(x.1 − x.0)/(nx − 1)`, `y = y.0 + i·(y.1 − y.0)/(ny − 1)`.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    /// First and last x sample.
    pub x: (f64, f64),
    /// First and last y sample.
    pub y: (f64, f64),
    /// Samples along x.
    pub nx: usize,
    /// Samples along y.
    pub ny: usize,
    /// Row-major values, `nx·ny` of them.
    pub values: &'a [f64],
}

/// One filled contour polygon: its band and its outline in data coordinates.
type BandPolygon = (usize, Vec<(f64, f64)>);

/// The filled contours of `field` between consecutive `thresholds`, as hole-free polygons in
/// the order to paint them.
///
/// Values outside the thresholds are clamped into the first or last band. Each band's polygons
/// may have holes; the holes are always filled by other bands, whose polygons lie inside them
/// and so are smaller. Painting outer rings from the largest area to the smallest therefore
/// shows every band correctly without needing holes in SVG.
pub fn band_polygons(field: &Field, thresholds: &[f64]) -> DrawResult<Vec<BandPolygon>> {
    if field.nx < 2 || field.ny < 2 || field.values.len() != field.nx * field.ny {
        return Err(format!(
            "a {}×{} field needs {} values, got {}",
            field.nx,
            field.ny,
            field.nx * field.ny,
            field.values.len()
        ));
    }
    let (Some(&lo), Some(&hi)) = (thresholds.first(), thresholds.last()) else {
        return Err("no contour levels".into());
    };
    let inside = (hi - lo) * 1e-9;
    let values: Vec<f64> = field
        .values
        .iter()
        .map(|v| {
            if v.is_nan() {
                hi - inside
            } else {
                v.clamp(lo, hi - inside)
            }
        })
        .collect();
    let dx = (field.x.1 - field.x.0) / (field.nx - 1) as f64;
    let dy = (field.y.1 - field.y.0) / (field.ny - 1) as f64;
    // The contour crate puts sample j at j + 0.5 and covers [0, nx]: shift by half a cell.
    let bands = contour::ContourBuilder::new(field.nx, field.ny, true)
        .x_origin(field.x.0 - dx / 2.0)
        .y_origin(field.y.0 - dy / 2.0)
        .x_step(dx)
        .y_step(dy)
        .isobands(&values, thresholds)
        .map_err(|e| format!("contour bands: {e:?}"))?;
    let clamp = |c: &contour::Pt| {
        (
            c.x.clamp(field.x.0, field.x.1),
            c.y.clamp(field.y.0, field.y.1),
        )
    };
    let mut rings: Vec<(f64, BandPolygon)> = Vec::new();
    for (k, band) in bands.iter().enumerate() {
        for polygon in band.geometry() {
            let ring: Vec<(f64, f64)> = polygon.exterior().0.iter().map(clamp).collect();
            rings.push((ring_area(&ring).abs(), (k, ring)));
        }
    }
    rings.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.0.cmp(&b.1.0)));
    Ok(rings.into_iter().map(|(_, polygon)| polygon).collect())
}

/// The signed area of a closed ring (shoelace formula).
fn ring_area(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// Drop points that land on the same pixel as the one before.
pub fn dedup_pixels(chart: &Chart, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut last = None;
    let mut out = Vec::with_capacity(points.len());
    for p in points {
        let px = chart.backend_coord(p);
        if last != Some(px) {
            out.push(*p);
            last = Some(px);
        }
    }
    out
}

/// Fill the chart's plotting area with the contour bands of `field`; band `k` gets `colour(k)`.
pub fn draw_bands(
    chart: &mut Chart,
    field: &Field,
    thresholds: &[f64],
    colour: &dyn Fn(usize) -> RGBColor,
) -> DrawResult<()> {
    let polygons = band_polygons(field, thresholds)?;
    let shapes: Vec<_> = polygons
        .into_iter()
        .map(|(k, ring)| (k, dedup_pixels(chart, &ring)))
        .filter(|(_, ring)| ring.len() >= 3)
        .collect();
    chart
        .draw_series(
            shapes
                .into_iter()
                .map(|(k, ring)| Polygon::new(ring, colour(k).filled())),
        )
        .map_err(draw_err("contour bands"))?;
    Ok(())
}

/// Draw the contour line of `field` at `level`.
pub fn draw_level_line(
    chart: &mut Chart,
    field: &Field,
    level: f64,
    style: ShapeStyle,
) -> DrawResult<()> {
    let dx = (field.x.1 - field.x.0) / (field.nx - 1) as f64;
    let dy = (field.y.1 - field.y.0) / (field.ny - 1) as f64;
    let lines = contour::ContourBuilder::new(field.nx, field.ny, true)
        .x_origin(field.x.0 - dx / 2.0)
        .y_origin(field.y.0 - dy / 2.0)
        .x_step(dx)
        .y_step(dy)
        .lines(field.values, &[level])
        .map_err(|e| format!("contour line: {e:?}"))?;
    // The contour crate closes each line around the outside of the grid; clamped to the
    // field, those closing runs lie on its border, which is not part of the level set.
    let on_border = |a: (f64, f64), b: (f64, f64)| {
        (a.0 == b.0 && (a.0 == field.x.0 || a.0 == field.x.1))
            || (a.1 == b.1 && (a.1 == field.y.0 || a.1 == field.y.1))
    };
    let mut paths = Vec::new();
    for line in &lines {
        for ls in line.geometry() {
            let pts: Vec<(f64, f64)> =
                ls.0.iter()
                    .map(|c| {
                        (
                            c.x.clamp(field.x.0, field.x.1),
                            c.y.clamp(field.y.0, field.y.1),
                        )
                    })
                    .collect();
            let mut piece: Vec<(f64, f64)> = Vec::new();
            for (i, p) in pts.iter().enumerate() {
                if i > 0 && on_border(pts[i - 1], *p) {
                    if piece.len() >= 2 {
                        paths.push(dedup_pixels(chart, &piece));
                    }
                    piece.clear();
                }
                piece.push(*p);
            }
            if piece.len() >= 2 {
                paths.push(dedup_pixels(chart, &piece));
            }
        }
    }
    chart
        .draw_series(paths.into_iter().map(|p| PathElement::new(p, style)))
        .map_err(draw_err("a contour line"))?;
    Ok(())
}

/// Draw a polyline (deduplicated to pixels).
pub fn draw_line(chart: &mut Chart, points: &[(f64, f64)], style: ShapeStyle) -> DrawResult<()> {
    let pts = dedup_pixels(chart, points);
    chart
        .draw_series(std::iter::once(PathElement::new(pts, style)))
        .map_err(draw_err("a line"))?;
    Ok(())
}

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
                "<text x=\"{}\" y=\"{y}\" dy=\"0.35em\" font-family=\"{FONT}\" font-size=\"12\" fill=\"#222222\">{}</text>",
                x0 + 30,
                super::excerpt::escape_html(label)
            );
        }
    }

    /// Append raw SVG.
    pub fn raw(&mut self, svg: &str) {
        self.svg.push_str(svg);
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

/// `#rrggbb`.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Render a figure: `draw` gets the whole canvas on a white background and returns the SVG to
/// lay over it. The result carries `<title>` and `<desc>` and is ready to inline in a page.
pub fn figure(
    size: (u32, u32),
    title: &str,
    desc: &str,
    draw: impl FnOnce(&Area) -> DrawResult<Overlay>,
) -> DrawResult<String> {
    let mut buf = String::new();
    let overlay;
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err("the background"))?;
        overlay = draw(&root)?;
        root.present().map_err(draw_err("the figure"))?;
    }
    finish(&buf, title, desc, &overlay.svg)
}

/// Add accessibility metadata and the overlay to plotters' SVG, and make it scale with the page.
fn finish(svg: &str, title: &str, desc: &str, overlay: &str) -> DrawResult<String> {
    let open_end = svg.find('>').ok_or("plotters wrote no <svg> element")?;
    let close = svg
        .rfind("</svg>")
        .ok_or("plotters did not close the <svg>")?;
    let open = &svg[..open_end];
    let open = open
        .strip_prefix("<svg")
        .ok_or("the output does not start with <svg")?;
    let mut out = String::with_capacity(svg.len() + overlay.len() + 256);
    out.push_str("<svg role=\"img\"");
    out.push_str(open);
    out.push_str(">\n<title>");
    out.push_str(&super::excerpt::escape_html(title));
    out.push_str("</title>\n<desc>");
    out.push_str(&super::excerpt::escape_html(desc));
    out.push_str("</desc>\n");
    out.push_str(&subscripts(
        svg[open_end + 1..close].trim_start_matches('\n'),
    ));
    out.push_str(&subscripts(overlay));
    out.push_str("</svg>\n");
    Ok(out)
}

/// The lesson's weight names as they are typeset in the text, `w` with an upright subscript:
/// every `w_rec` and `w_x` in the drawn labels becomes an italic `w` and a lowered, smaller
/// `rec` (upright: a name) or `x` (italic: the input's symbol).
/// (Only labels contain these names; titles and descriptions keep the plain spelling.)
fn subscripts(svg: &str) -> String {
    let sub = |s: &str, style: &str| {
        format!(
            "<tspan font-style=\"italic\">w</tspan><tspan baseline-shift=\"sub\" font-size=\"75%\" font-style=\"{style}\">{s}</tspan>"
        )
    };
    svg.replace("w_rec", &sub("rec", "normal"))
        .replace("w_x", &sub("x", "italic"))
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

/// A vertical colour bar for contour bands: band `k` between `thresholds[k]` and
/// `thresholds[k+1]` in `colour(k)`, with ticks.
pub fn colour_bar(
    area: &Area,
    thresholds: &[f64],
    colour: &dyn Fn(usize) -> RGBColor,
    ticks: Ticks,
    label: &str,
    layout: Layout,
) -> DrawResult<()> {
    let (Some(&lo), Some(&hi)) = (thresholds.first(), thresholds.last()) else {
        return Err("no contour levels".into());
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(layout.margin + 28)
        .margin_bottom(layout.margin)
        .margin_left(2)
        .margin_right(2)
        .x_label_area_size(layout.x_area)
        .right_y_label_area_size(44)
        .build_cartesian_2d(Axis::new(0.0, 1.0, &[]), Axis::new(lo, hi, &ticks.at))
        .map_err(draw_err("the colour bar"))?;
    chart
        .draw_series(
            thresholds
                .windows(2)
                .enumerate()
                .map(|(k, w)| Rectangle::new([(0.0, w[0]), (1.0, w[1])], colour(k).filled())),
        )
        .map_err(draw_err("the colour bar"))?;
    let fmt = |v: &f64| ticks.label(*v);
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .axis_style(RGBColor(90, 90, 90))
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 14))
        .y_desc(label)
        .y_label_formatter(&fmt)
        .draw()
        .map_err(draw_err("the colour bar"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(power_of_ten(-12), "10⁻¹²");
        let t = Ticks::one_two_five(-1, 0);
        assert_eq!(t.labels, vec!["0.1", "0.2", "0.5", "1"]);
        assert!((t.at[1] - 2f64.log10() + 1.0).abs() < 1e-12);
        assert_eq!(symlog(-99.0), -2.0);
    }

    #[test]
    fn bands_cover_the_field_and_are_ordered_by_area() {
        // A bowl: value = x² + y² on [-1, 1]², bands at 0, 0.5, 1, 2.
        let n = 21;
        let values: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = (k / n, k % n);
                let (x, y) = (-1.0 + 0.1 * j as f64, -1.0 + 0.1 * i as f64);
                x * x + y * y
            })
            .collect();
        let field = Field {
            x: (-1.0, 1.0),
            y: (-1.0, 1.0),
            nx: n,
            ny: n,
            values: &values,
        };
        let polys = band_polygons(&field, &[0.0, 0.5, 1.0, 2.0]).unwrap();
        let bands: Vec<usize> = polys.iter().map(|p| p.0).collect();
        assert_eq!(
            bands.first(),
            Some(&2),
            "the outer band is painted first: {bands:?}"
        );
        assert_eq!(
            bands.last(),
            Some(&0),
            "the centre is painted last: {bands:?}"
        );
        let outer = ring_area(&polys[0].1).abs();
        assert!(
            (outer - 4.0).abs() < 1e-9,
            "the outer band fills the square: {outer}"
        );
        for (_, ring) in &polys {
            assert!(ring.iter().all(|p| p.0.abs() <= 1.0 && p.1.abs() <= 1.0));
        }
    }

    #[test]
    fn colour_maps_hit_their_ends() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(diverging(0.5), RGBColor(247, 247, 247));
        assert_eq!(hex(RGBColor(1, 2, 255)), "#0102ff");
    }

    #[test]
    fn a_figure_has_title_desc_and_overlay() {
        let svg = figure((200, 100), "A <test>", "What & why", |root| {
            let x = AxisSpec::linear(0.0, 1.0, 2, "x");
            let y = AxisSpec::linear(0.0, 1.0, 2, "y");
            let mut chart = chart(root, "", &x, &y, Layout::default())?;
            draw_line(&mut chart, &[(0.0, 0.0), (1.0, 1.0)], BLACK.stroke_width(1))?;
            let mut o = Overlay::default();
            o.dots(&chart, &[(0.5, 0.5), (0.5, 0.5)], RED, 4.0, 0.5);
            o.star(&chart, (1.0, 1.0), 8.0);
            Ok(o)
        })
        .unwrap();
        assert!(svg.starts_with("<svg role=\"img\" width=\"200\""), "{svg}");
        assert!(svg.contains("<title>A &lt;test&gt;</title>"));
        assert!(svg.contains("<desc>What &amp; why</desc>"));
        assert_eq!(svg.matches("h0").count(), 1, "one dot per pixel");
        assert!(svg.trim_end().ends_with("</polygon>\n</svg>") || svg.contains("<polygon points"));
        assert!(svg.ends_with("</svg>\n"));
    }
}
