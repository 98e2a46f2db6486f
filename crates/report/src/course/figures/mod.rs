//! The course's figures, one function each, from plain views of the results.
//!
//! Each returns a [`Drawing`]: one or more panels and perhaps a colour scale, each a complete
//! `<svg>` at most [`plot::PANEL_WIDTH`] wide with its own `<title>` and `<desc>`, so that a
//! page can set the panels side by side on a wide screen and stack them on a phone, their
//! text never under [`plot::MIN_TEXT_PX`]. The inputs are borrowed slices, so the same
//! functions draw from `results.json` or, in tests, straight from the core.
//!
//! | module | |
//! | --- | --- |
//! | [`surface`] | lesson 1: the loss surface and the gradient over time |
//! | [`lines`] | series against the iteration (weights, losses) |
//! | [`plane`] | lesson 2: data and a model's output over the plane |
//! | [`histogram`] | a histogram of values |
//! | [`symbols`] | how the lessons' symbols are typeset in labels |

pub mod histogram;
pub mod lines;
pub mod plane;
pub mod surface;
pub mod symbols;

pub use histogram::histogram;
pub use lines::{Lines, Series, lines};
pub use plane::{PlaneView, before_after, plane};
pub use surface::{Contoured, Mark, SurfaceView, gradient_over_time, loss_surface};

use plotters::style::RGBColor;

use super::plot::{self, Area, DrawResult, Overlay, Ticks};

/// A figure as drawn: its panels (one `<svg>` each, in reading order) and, for figures
/// coloured by value, the colour scale they share (an `<svg>` of its own, under them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawing {
    /// The panels, left to right on a wide screen, top to bottom on a narrow one.
    pub panels: Vec<String>,
    /// The colour scale of the panels, if they are coloured by value.
    pub scale: Option<String>,
}

impl Drawing {
    /// One panel and no scale.
    pub fn single(svg: String) -> Self {
        Self {
            panels: vec![svg],
            scale: None,
        }
    }

    /// The figure's body for a page: the panels in a `figure-panels` row (which the style
    /// sheet wraps), then the scale.
    pub fn to_html(&self) -> String {
        let mut out = String::from("<div class=\"figure-panels\">\n");
        for p in &self.panels {
            out.push_str(p);
        }
        out.push_str("</div>\n");
        if let Some(s) = &self.scale {
            out.push_str(s);
        }
        out
    }
}

#[cfg(test)]
impl Drawing {
    /// The one panel of a drawing that has exactly one and no scale.
    fn into_panel(self) -> String {
        assert!(self.scale.is_none(), "a drawing with a scale");
        let [only]: [String; 1] = self.panels.try_into().unwrap();
        only
    }
}

/// A panel of a figure: named by the figure's title and the panel's `name`, described by the
/// figure's alt text followed by the panel's own `alt`.
fn panel(
    size: (u32, u32),
    caption: &Caption,
    name: &str,
    alt: &str,
    draw: impl FnOnce(&Area) -> DrawResult<Overlay>,
) -> DrawResult<String> {
    let title = format!("{}: {name}", caption.title);
    let desc = format!("{} {alt}", caption.alt);
    plot::figure(size, &title, &desc, symbols::subscripts, draw)
}

/// The height of a colour scale.
const SCALE_HEIGHT: u32 = 88;

/// The colour scale of a figure: bands from `thresholds` in `colour`, `ticks`, titled
/// `label`, as its own `<svg>` named after the figure; `left` pixels of margin so it lines up
/// with the plot of the panel above it.
fn colour_scale(
    caption: &Caption,
    thresholds: &[f64],
    colour: &dyn Fn(usize) -> RGBColor,
    ticks: Ticks,
    label: &str,
    left: u32,
) -> DrawResult<String> {
    let title = format!("{}: colour scale", caption.title);
    let desc = format!(
        "The key to the figure's colours: {label}, from {} to {}.",
        ticks.labels.first().map_or("", String::as_str),
        ticks.labels.last().map_or("", String::as_str),
    );
    plot::figure(
        (plot::PANEL_WIDTH, SCALE_HEIGHT),
        &title,
        &desc,
        symbols::subscripts,
        |root| {
            plot::colour_bar(root, thresholds, colour, ticks, label, left)?;
            Ok(Overlay::default())
        },
    )
}

/// What a figure is called and what it shows, written together where the figure is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// The figure's title: its accessible name (`<title>`).
    pub title: String,
    /// Alt text: what the figure shows, for a reader who cannot see it (`<desc>`).
    pub alt: &'static str,
}

/// [`plot::figure`] with the caption's title and alt text, and the lessons' symbols typeset
/// in the labels.
fn figure(
    size: (u32, u32),
    caption: &Caption,
    draw: impl FnOnce(&Area) -> DrawResult<Overlay>,
) -> DrawResult<String> {
    plot::figure(size, &caption.title, caption.alt, symbols::subscripts, draw)
}

/// A placeholder caption for tests that only look at the drawing.
#[cfg(test)]
fn test_caption() -> Caption {
    Caption {
        title: "t".into(),
        alt: "d",
    }
}

/// Fail unless `svg` is at most [`plot::PANEL_WIDTH`] wide and every text in it, percentage
/// sizes (the subscripts) resolved against their `<text>`, is at least [`plot::MIN_TEXT_PX`]
/// tall once the panel is scaled down to [`plot::NARROWEST_SHOWN`].
#[cfg(test)]
fn assert_text_readable(svg: &str) {
    fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
        let key = format!(" {name}=\"");
        let at = tag.find(&key)? + key.len();
        tag[at..].split('"').next()
    }
    let open = svg.split('>').next().unwrap();
    let width: f64 = attr(open, "width").unwrap().parse().unwrap();
    assert!(
        width <= f64::from(plot::PANEL_WIDTH),
        "a panel {width} px wide: {open}"
    );
    let scale = (f64::from(plot::NARROWEST_SHOWN) / width).min(1.0);
    let mut texts = 0;
    for chunk in svg.split("<text").skip(1) {
        let (open, rest) = chunk.split_once('>').unwrap();
        let own: f64 = attr(open, "font-size").unwrap().parse().unwrap();
        assert!(
            own * scale >= plot::MIN_TEXT_PX,
            "text at {own} px, {:.1} px shown: <text{open}>",
            own * scale
        );
        let body = rest.split("</text>").next().unwrap();
        for tspan in body.split("<tspan").skip(1) {
            let tag = tspan.split('>').next().unwrap();
            if let Some(p) = attr(tag, "font-size").and_then(|v| v.strip_suffix('%')) {
                let px = own * p.parse::<f64>().unwrap() / 100.0 * scale;
                assert!(
                    px >= plot::MIN_TEXT_PX,
                    "subscript at {px:.1} px shown in <text{open}>"
                );
            }
        }
        texts += 1;
    }
    assert!(texts > 0, "a figure without text");
}

/// [`assert_text_readable`] for every panel and the scale of `d`.
#[cfg(test)]
fn assert_drawing_readable(d: &Drawing) {
    assert!(!d.panels.is_empty(), "a drawing without panels");
    for svg in d.panels.iter().chain(&d.scale) {
        assert_text_readable(svg);
    }
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
