//! The course's figures, one function each, from plain views of the results.
//!
//! Each returns a complete `<svg>` with its `<title>` and `<desc>`. The inputs are borrowed
//! slices, so the same functions draw from `results.json` or, in tests, straight from the core.
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
pub use surface::{Mark, SurfaceView, gradient_over_time, loss_surface};

use super::plot::{self, Area, DrawResult, Overlay};

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

/// Fail unless every text in `svg` is drawn at least [`plot::MIN_TEXT_PX`] pixels tall,
/// percentage sizes (the subscripts) resolved against their `<text>`.
#[cfg(test)]
fn assert_text_readable(svg: &str) {
    fn size_after(tag: &str) -> Option<&str> {
        let at = tag.find("font-size=\"")? + "font-size=\"".len();
        tag[at..].split('"').next()
    }
    let mut texts = 0;
    for chunk in svg.split("<text").skip(1) {
        let (open, rest) = chunk.split_once('>').unwrap();
        let own: f64 = size_after(open).unwrap().parse().unwrap();
        assert!(own >= plot::MIN_TEXT_PX, "text at {own} px: <text{open}>");
        let body = rest.split("</text>").next().unwrap();
        for tspan in body.split("<tspan").skip(1) {
            let tag = tspan.split('>').next().unwrap();
            if let Some(p) = size_after(tag).and_then(|v| v.strip_suffix('%')) {
                let px = own * p.parse::<f64>().unwrap() / 100.0;
                assert!(
                    px >= plot::MIN_TEXT_PX,
                    "subscript at {px} px in <text{open}>"
                );
            }
        }
        texts += 1;
    }
    assert!(texts > 0, "a figure without text");
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
