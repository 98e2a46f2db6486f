//! The zero contour of a gridded output (the decision boundary), by marching squares, as
//! straight segments the page draws over the figure.

/// One segment in data coordinates: `[x_from, y_from, x_to, y_to]`.
pub type Segment = [f64; 4];

/// The segments where `values` crosses zero, written into `out`; returns how many.
///
/// `values[i·points + j]` is the value at `x = range[0] + j·h`, `y = range[0] + i·h` with
/// `h = (range[1] − range[0])/(points − 1)` (the layout of [`crate::blobs::Explorer::output_grid`]).
/// A value `≥ 0` counts as positive; each cell edge whose ends differ in sign is cut where the
/// straight line between them is zero. A cell with four cut edges gives two segments, joined
/// as its centre (the mean of its corners) decides. Segments that do not fit in `out` are
/// dropped; a short grid (fewer than `points²` values, or `points < 2`) gives none.
pub fn zero_segments(values: &[f64], points: usize, range: [f64; 2], out: &mut [Segment]) -> usize {
    if points < 2 || values.len() < points * points {
        return 0;
    }
    let h = (range[1] - range[0]) / (points - 1) as f64;
    let at = |k: usize| range[0] + k as f64 * h;
    let value = |i: usize, j: usize| values.get(i * points + j).copied().unwrap_or(0.0);
    let mut written = 0;
    let mut emit = |s: Segment| {
        if let Some(slot) = out.get_mut(written) {
            *slot = s;
            written += 1;
        }
    };
    for i in 0..points - 1 {
        for j in 0..points - 1 {
            // Corners counter-clockwise from the lower left, with their coordinates.
            let corners = [
                (at(j), at(i), value(i, j)),
                (at(j + 1), at(i), value(i, j + 1)),
                (at(j + 1), at(i + 1), value(i + 1, j + 1)),
                (at(j), at(i + 1), value(i + 1, j)),
            ];
            let mut cuts = [(0.0, 0.0); 4];
            let mut n = 0;
            for (k, a) in corners.iter().enumerate() {
                let b = corners.get((k + 1) % 4).copied().unwrap_or(*a);
                if (a.2 >= 0.0) != (b.2 >= 0.0) {
                    let t = a.2 / (a.2 - b.2);
                    if let Some(c) = cuts.get_mut(n) {
                        *c = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
                        n += 1;
                    }
                }
            }
            let [c0, c1, c2, c3] = cuts;
            match n {
                2 => emit([c0.0, c0.1, c1.0, c1.1]),
                4 => {
                    // A saddle: the centre's sign says which corners the contour separates.
                    let centre = corners.iter().map(|c| c.2).sum::<f64>() / 4.0;
                    if (centre >= 0.0) == (corners[0].2 >= 0.0) {
                        emit([c0.0, c0.1, c3.0, c3.1]);
                        emit([c1.0, c1.1, c2.0, c2.1]);
                    } else {
                        emit([c0.0, c0.1, c1.0, c1.1]);
                        emit([c2.0, c2.1, c3.0, c3.1]);
                    }
                }
                _ => {}
            }
        }
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `f` sampled on the grid of `points²` values over `range²`.
    fn grid(points: usize, range: [f64; 2], f: impl Fn(f64, f64) -> f64) -> [f64; 400] {
        let h = (range[1] - range[0]) / (points - 1) as f64;
        let mut v = [0.0; 400];
        for i in 0..points {
            for j in 0..points {
                v[i * points + j] = f(range[0] + j as f64 * h, range[0] + i as f64 * h);
            }
        }
        v
    }

    #[test]
    fn a_straight_boundary_is_found_exactly() {
        // x + y = 1: a linear field is cut exactly where it is zero.
        let v = grid(20, [-3.0, 3.0], |x, y| x + y - 1.0);
        let mut out = [[0.0; 4]; 100];
        let n = zero_segments(&v, 20, [-3.0, 3.0], &mut out);
        assert!(n >= 19, "{n}");
        for s in &out[..n] {
            assert!(
                (s[0] + s[1] - 1.0).abs() < 1e-12 && (s[2] + s[3] - 1.0).abs() < 1e-12,
                "{s:?}"
            );
        }
    }

    #[test]
    fn a_circle_closes_and_nothing_is_written_past_the_buffer() {
        let v = grid(20, [-2.0, 2.0], |x, y| x * x + y * y - 1.0);
        let mut out = [[0.0; 4]; 200];
        let n = zero_segments(&v, 20, [-2.0, 2.0], &mut out);
        // Every endpoint is on the circle, to the grid's resolution, and each is shared by two segments.
        for s in &out[..n] {
            for p in [(s[0], s[1]), (s[2], s[3])] {
                assert!((p.0.hypot(p.1) - 1.0).abs() < 0.05, "{p:?}");
            }
        }
        let mut few = [[0.0; 4]; 3];
        assert_eq!(zero_segments(&v, 20, [-2.0, 2.0], &mut few), 3);
        assert!(n > 3);
    }

    #[test]
    fn saddles_give_two_segments_and_bad_grids_none() {
        let v = [1.0, -1.0, -1.0, 1.0];
        let mut out = [[0.0; 4]; 4];
        assert_eq!(zero_segments(&v, 2, [0.0, 1.0], &mut out), 2);
        assert_eq!(zero_segments(&v, 3, [0.0, 1.0], &mut out), 0);
        assert_eq!(zero_segments(&v, 1, [0.0, 1.0], &mut out), 0);
        assert_eq!(zero_segments(&[1.0; 4], 2, [0.0, 1.0], &mut out), 0);
    }
}
