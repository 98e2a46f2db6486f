//! Runs every experiment of the course (work in progress).
