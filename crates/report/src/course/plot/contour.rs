//! Filled contour bands and level lines of a scalar field sampled on a regular grid.

use plotters::prelude::*;

use super::{Chart, DrawResult, dedup_pixels, draw_err};
use crate::error::Error;

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
pub type BandPolygon = (usize, Vec<(f64, f64)>);

/// The filled contours of `field` between consecutive `thresholds`, as hole-free polygons in
/// the order to paint them.
///
/// Values outside the thresholds are clamped into the first or last band. Each band's polygons
/// may have holes; the holes are always filled by other bands, whose polygons lie inside them
/// and so are smaller. Painting outer rings from the largest area to the smallest therefore
/// shows every band correctly without needing holes in SVG.
pub fn band_polygons(field: &Field, thresholds: &[f64]) -> DrawResult<Vec<BandPolygon>> {
    if field.nx < 2 || field.ny < 2 || field.values.len() != field.nx * field.ny {
        return Err(Error::render(format!(
            "a {}×{} field needs {} values, got {}",
            field.nx,
            field.ny,
            field.nx * field.ny,
            field.values.len()
        )));
    }
    let (Some(&lo), Some(&hi)) = (thresholds.first(), thresholds.last()) else {
        return Err(Error::render("no contour levels"));
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
        .map_err(|e| Error::render(format!("contour bands: {e:?}")))?;
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

/// Fill the chart's plotting area with the contour bands of `field`; band `k` gets `colour(k)`.
pub fn draw_bands(
    chart: &mut Chart,
    field: &Field,
    thresholds: &[f64],
    colour: &dyn Fn(usize) -> RGBColor,
) -> DrawResult<()> {
    paint_bands(chart, &band_polygons(field, thresholds)?, colour)
}

/// Fill the chart's plotting area with `polygons`, as [`band_polygons`] gives them (in
/// painting order); band `k` gets `colour(k)`. The same polygons paint the same SVG on every
/// chart of the same size and axes, so a field shown twice is contoured once.
pub fn paint_bands(
    chart: &mut Chart,
    polygons: &[BandPolygon],
    colour: &dyn Fn(usize) -> RGBColor,
) -> DrawResult<()> {
    let shapes: Vec<_> = polygons
        .iter()
        .map(|(k, ring)| (*k, dedup_pixels(chart, ring)))
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
        .map_err(|e| Error::render(format!("contour line: {e:?}")))?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
