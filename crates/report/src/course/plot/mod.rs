//! Drawing primitives for the course's figures, on plotters' SVG backend.
//!
//! Plotters draws the axes, labels, filled contour bands and lines. Two things it cannot do
//! compactly are added as plain SVG ([`Overlay`]): scatter points (one `<path>` of round-capped
//! zero-length strokes per colour, about ten bytes a point) and star markers. Every coordinate
//! is a whole pixel, text is `<text>` in a generic font family, and nothing depends on the time
//! or on the fonts installed, so the same data always give the same bytes.
//!
//! | module | |
//! | --- | --- |
//! | [`axes`] | axes with our own ticks, and the chart built on them |
//! | [`contour`] | filled contour bands and level lines of a sampled field |
//! | [`overlay`] | plain SVG over the chart: dots, segments, markers, legends |
//! | [`colour`] | colour maps and the colour bar |
//!
//! Number typography and escaping live in [`super::typography`]; the lesson's symbols (how
//! `w_rec` is typeset in a label) are the figures' business, handed in as `label_markup`.

pub mod axes;
pub mod colour;
pub mod contour;
pub mod overlay;

pub use axes::{Axis, AxisSpec, Layout, Ticks, chart, symlog};
pub use colour::{MIN_GRAPHIC_CONTRAST, colour_bar, contrast, dash, diverging, hex, viridis};
pub use contour::{BandPolygon, Field, band_polygons, draw_bands, draw_level_line, paint_bands};
pub use overlay::{LEGEND_ROW, Legend, NOTE_SIZE, Overlay, Segment, Swatch};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::typography::escape_html;
use crate::error::Error;

/// What can go wrong while drawing: a message naming the figure part.
pub type DrawResult<T> = Result<T, Error>;

fn draw_err<E: std::fmt::Debug>(what: &'static str) -> impl Fn(E) -> Error {
    move |e| Error::render(format!("drawing {what}: {e:?}"))
}

/// A drawing area in pixels.
pub type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
/// A chart whose axes carry our own ticks.
pub type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Axis, Axis>>;

/// The font family of every label: generic, so no font file is needed or named.
pub const FONT: &str = "sans-serif";

/// The narrowest a figure is ever shown, in CSS pixels: the content width of a 360 px phone
/// (16 px of padding each side). Panels wider than this are scaled down to it, never scrolled.
pub const NARROWEST_SHOWN: u32 = 328;
/// The widest a figure's panel (one `<svg>`) is drawn, in pixels: two fit side by side in the
/// desktop column and one is stacked under the other on a phone.
pub const PANEL_WIDTH: u32 = 400;
/// The smallest text a panel may carry as written, in pixels: [`MIN_TEXT_PX`] once a
/// [`PANEL_WIDTH`] panel is scaled down to [`NARROWEST_SHOWN`] (13.4 px).
pub const MIN_DRAWN_TEXT_PX: f64 = MIN_TEXT_PX * PANEL_WIDTH as f64 / NARROWEST_SHOWN as f64;

/// Tick labels, in plotters' units (its SVG backend writes `size / 1.24`): 13.7 px as written,
/// 11.2 px on the narrowest screen.
pub const TICK_SIZE: u32 = 17;
/// Axis titles, in plotters' units: 16.1 px as written, so that their 85 % subscripts
/// (`w_rec`) still come to 13.7 px.
pub const TITLE_SIZE: u32 = 20;
/// Panel captions, in plotters' units: 16.9 px as written.
pub const CAPTION_SIZE: u32 = 21;
/// Legend text, in pixels (the overlay writes it directly): 16 px, so that its 85 %
/// subscripts (`w_x`) come to 13.6 px.
pub const LEGEND_SIZE: u32 = 16;
/// The smallest text a figure may show, in CSS pixels: WCAG-minded and the browser check's.
pub const MIN_TEXT_PX: f64 = 11.0;

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

/// Draw a polyline (deduplicated to pixels).
pub fn draw_line(chart: &mut Chart, points: &[(f64, f64)], style: ShapeStyle) -> DrawResult<()> {
    let pts = dedup_pixels(chart, points);
    chart
        .draw_series(std::iter::once(PathElement::new(pts, style)))
        .map_err(draw_err("a line"))?;
    Ok(())
}

/// Render a figure: `draw` gets the whole canvas on a white background and returns the SVG to
/// lay over it. The result carries `<title>` and `<desc>` and is ready to inline in a page;
/// `label_markup` rewrites the drawn labels (never the title or description).
pub fn figure(
    size: (u32, u32),
    title: &str,
    desc: &str,
    label_markup: fn(&str) -> String,
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
    finish(&buf, title, desc, &overlay.into_svg(), label_markup)
}

/// Add accessibility metadata and the overlay to plotters' SVG, and make it scale with the page.
fn finish(
    svg: &str,
    title: &str,
    desc: &str,
    overlay: &str,
    label_markup: fn(&str) -> String,
) -> DrawResult<String> {
    let open_end = svg
        .find('>')
        .ok_or_else(|| Error::render("plotters wrote no <svg> element"))?;
    let close = svg
        .rfind("</svg>")
        .ok_or_else(|| Error::render("plotters did not close the <svg>"))?;
    let open = &svg[..open_end];
    let open = open
        .strip_prefix("<svg")
        .ok_or_else(|| Error::render("the output does not start with <svg"))?;
    let mut out = String::with_capacity(svg.len() + overlay.len() + 256);
    out.push_str("<svg role=\"img\"");
    out.push_str(open);
    out.push_str(">\n<title>");
    out.push_str(&escape_html(title));
    out.push_str("</title>\n<desc>");
    out.push_str(&escape_html(desc));
    out.push_str("</desc>\n");
    out.push_str(&label_markup(
        svg[open_end + 1..close].trim_start_matches('\n'),
    ));
    out.push_str(&label_markup(overlay));
    out.push_str("</svg>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_has_title_desc_and_overlay() {
        let svg = figure(
            (200, 100),
            "A <test>",
            "What & why",
            str::to_string,
            |root| {
                let x = AxisSpec::linear(0.0, 1.0, 2, "x");
                let y = AxisSpec::linear(0.0, 1.0, 2, "y");
                let mut chart = chart(root, "", &x, &y, Layout::default())?;
                draw_line(&mut chart, &[(0.0, 0.0), (1.0, 1.0)], BLACK.stroke_width(1))?;
                let mut o = Overlay::default();
                o.dots(&chart, &[(0.5, 0.5), (0.5, 0.5)], RED, 4.0, 0.5);
                o.star(&chart, (1.0, 1.0), 8.0);
                Ok(o)
            },
        )
        .unwrap();
        assert!(svg.starts_with("<svg role=\"img\" width=\"200\""), "{svg}");
        assert!(svg.contains("<title>A &lt;test&gt;</title>"));
        assert!(svg.contains("<desc>What &amp; why</desc>"));
        assert_eq!(svg.matches("h0").count(), 1, "one dot per pixel");
        assert!(svg.trim_end().ends_with("</polygon>\n</svg>") || svg.contains("<polygon points"));
        assert!(svg.ends_with("</svg>\n"));
    }
}
