//! A histogram of values from its bin edges and counts.

use plotters::prelude::*;

use super::{Caption, Drawing, figure};
use crate::course::plot::{self, AxisSpec, DrawResult, Layout, Overlay};
use crate::error::Error;

/// A histogram from its bin `edges` (one more than `counts`).
pub fn histogram(
    caption: &Caption,
    x_label: &str,
    edges: &[f64],
    counts: &[u64],
) -> DrawResult<Drawing> {
    if edges.len() != counts.len() + 1 || counts.is_empty() {
        return Err(Error::render(format!(
            "a histogram of {} bins needs {} edges, got {}",
            counts.len(),
            counts.len() + 1,
            edges.len()
        )));
    }
    let (lo, hi) = (edges[0], edges[edges.len() - 1]);
    let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.08;
    figure((plot::PANEL_WIDTH, 320), caption, |root| {
        let x = AxisSpec::linear(lo, hi, 5, x_label);
        let y = AxisSpec::linear(0.0, top, 5, "count");
        // A little room above the top tick label.
        let layout = Layout {
            top: 6,
            ..Layout::default()
        };
        let mut chart = plot::chart(root, "", &x, &y, layout)?;
        chart
            .draw_series(counts.iter().zip(edges.windows(2)).map(|(c, w)| {
                let gap = (w[1] - w[0]) * 0.03; // a thin gap shows where one bin ends
                Rectangle::new(
                    [(w[0] + gap, 0.0), (w[1] - gap, *c as f64)],
                    RGBColor(59, 82, 139).filled(),
                )
            }))
            .map_err(|e| Error::render(format!("drawing the histogram: {e:?}")))?;
        Ok(Overlay::default())
    })
    .map(Drawing::single)
}
