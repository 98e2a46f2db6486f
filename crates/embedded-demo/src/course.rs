//! Where the demos' settings differ from the course's (`course.toml`), and why: the one place
//! that names every difference. `tests/course.rs` compares each setting the demos share with
//! the course and fails on a difference missing here, or listed here but gone.

/// A setting the demos deliberately take differently from `course.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Difference {
    /// The key in `course.toml`, e.g. `backprop.mlp.iterations`.
    pub key: &'static str,
    /// Why the demo's value differs.
    pub why: &'static str,
}

/// Every difference between the demos' settings and the course's.
pub const DIFFERENCES: [Difference; 7] = [
    Difference {
        key: "rnn.binary.file",
        why: "the course reads the notebook's own numpy draw from a file; a board has no files, \
              so the demo draws the 20x10 sequences from the seeded generator (same seed), \
              which gives the same numbers on every target",
    },
    Difference {
        key: "rnn.gradient_check.eps",
        why: "1e-7 is below the spacing of f32 numbers near 1.2 (about 1.2e-7): in f32 the step \
              is 1e-3, where rounding and truncation errors balance",
    },
    Difference {
        key: "rnn.gradient_check.rtol",
        why: "an f32 central difference agrees with BPTT to about 1e-4, not 1e-5: rtol 1e-3",
    },
    Difference {
        key: "rnn.gradient_check.atol",
        why: "f32 resolution: atol 1e-5 instead of 1e-8",
    },
    Difference {
        key: "backprop.samples_per_class",
        why: "2000 points take 16 KB, all of the Cortex-M0 board's RAM; 100 per class (1.6 KB) \
              fit every board",
    },
    Difference {
        key: "backprop.mlp.iterations",
        why: "30 000 steps instead of 100 000 keep the soft-float boards' runs to seconds under \
              QEMU; the net has learnt the blobs by then (accuracy 0.97)",
    },
    Difference {
        key: "backprop.mlp.record_every",
        why: "one loss record every 1000 steps: 30 records instead of 1000 keep the output and \
              the buffer (120 B) small",
    },
];

/// The listed difference for `key`, if any.
pub fn difference(key: &str) -> Option<&'static Difference> {
    DIFFERENCES.iter().find(|d| d.key == key)
}
