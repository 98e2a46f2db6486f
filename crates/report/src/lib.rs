//! Runs every experiment of the course (work in progress).
pub mod course;
