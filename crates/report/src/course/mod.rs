//! The course: HTML pages with their equations, code excerpts and SVG figures, rendered from
//! the experiments' results.

pub mod excerpt;
pub mod figures;
pub mod math;
pub mod plot;
