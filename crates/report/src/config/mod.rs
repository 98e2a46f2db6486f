//! The course's configuration: every hyperparameter, size and seed of every experiment.
//!
//! Read from TOML (the checked-in `course.toml` holds the notebooks' values, which are also the
//! defaults of every key left out). Unknown keys and wrong types are rejected by serde, out-of-range
//! values by [`Config::validate`] before anything runs; each error names the file, line and key.
//!
//! Design decisions, stated here because the config is where they are made:
//! - **Which binary dataset.** The course uses the notebook's own 20×10 binary dataset, read from
//!   `data/reference/rnn_binary_seed1.json` (numpy's Mersenne Twister cannot be replayed by our
//!   seeded PCG stream): the published course then reproduces the notebook's printed weights
//!   `w_x = 1.00135554721, w_rec = 0.999674473785` digit for digit. The 30×20 variant dataset has
//!   no such reference file, so it is drawn from our seeded stream (seed 1). Leaving out `file`
//!   switches the binary dataset to the seeded generator too.
//! - **Sequence length.** The core fixes `L` at compile time; lengths 10 and 20 (the notebooks')
//!   are compiled in, any other is a config error.
//! - **Relative paths** (`file`) are resolved against the config file's folder and reported as
//!   written, so nothing machine-specific reaches the results.

pub mod dataset_file;
mod toml_lines;
mod validate;

pub use toml_lines::line_of_key;
use toml_lines::locate_span;

use crate::error::Error;
use dataset_file::SequenceFile;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The sequence lengths the core is compiled for.
pub const SUPPORTED_SEQUENCE_LENGTHS: [usize; 2] = [10, 20];

/// The whole configuration of a course run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Lesson 1: the linear RNN.
    pub rnn: RnnConfig,
    /// Lesson 2: backpropagation from the ground up.
    pub backprop: BackpropConfig,
    /// The folder relative paths are resolved against (the config file's); not part of the config.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// Lesson 1's experiments, run on each of its two datasets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RnnConfig {
    /// The binary dataset (notebook "canonical run").
    pub binary: SequenceDataConfig,
    /// The "variant 10" dataset with values in {0, 0.2, …, 1}.
    pub variant: SequenceDataConfig,
    /// The numerical gradient check.
    pub gradient_check: GradientCheckConfig,
    /// The `(w_x, w_rec)` points at which the gradient over time is traced.
    pub over_time_points: Vec<[f64; 2]>,
    /// The main Rprop run.
    pub rprop: RpropRunConfig,
    /// The other notebook's Rprop run (other start, Δ and previous signs).
    pub rprop_other_start: RpropRunConfig,
    /// Plain gradient descent, for contrast with Rprop.
    pub gradient_descent: DescentConfig,
    /// The sequence the trained net is tested on.
    pub test_sequence: Vec<f64>,
}

impl Default for RnnConfig {
    fn default() -> Self {
        Self {
            binary: SequenceDataConfig {
                generator: Generator::Binary,
                seed: 1,
                samples: 20,
                sequence_length: 10,
                file: Some("data/reference/rnn_binary_seed1.json".into()),
                surface_points: 100,
                overview: [-3.0, 3.0],
                zoom: [-0.1, 2.1],
                loaded: None,
            },
            variant: SequenceDataConfig {
                generator: Generator::Variant,
                seed: 1,
                samples: 30,
                sequence_length: 20,
                file: None,
                surface_points: 50,
                overview: [-3.0, 3.0],
                zoom: [-0.1, 2.1],
                loaded: None,
            },
            gradient_check: GradientCheckConfig {
                at: [1.2, 1.2],
                eps: 1e-7,
                rtol: 1e-5,
                atol: 1e-8,
            },
            over_time_points: vec![
                [2.0, 1.0],
                [1.0, 2.0],
                [1.0, -2.0],
                [1.0, 0.0],
                [1.0, 0.5],
                [1.0, -0.5],
            ],
            rprop: RpropRunConfig {
                eta_plus: 1.2,
                eta_minus: 0.5,
                start: [-1.5, 2.0],
                delta: [0.001, 0.001],
                prev_sign: [0.0, 0.0],
                iterations: 500,
            },
            rprop_other_start: RpropRunConfig {
                eta_plus: 1.2,
                eta_minus: 0.5,
                start: [-2.0, 2.0],
                delta: [0.003, 0.003],
                prev_sign: [-1.0, 1.0],
                iterations: 300,
            },
            gradient_descent: DescentConfig {
                start: [-1.5, 2.0],
                learning_rate: 1e-7,
                iterations: 500,
            },
            test_sequence: vec![0., 1., 1., 0., 0., 0., 0., 1., 0., 0., 1., 1.],
        }
    }
}

/// How lesson 1's sequences are generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Generator {
    /// Values 0 or 1 (`datasets::binary_sequences`).
    Binary,
    /// Values in {0, 0.2, …, 1} (`datasets::variant_sequences`).
    Variant,
}

/// One lesson 1 dataset and the loss-surface grids drawn over it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceDataConfig {
    /// Which seeded generator draws the data (when no `file` is given).
    pub generator: Generator,
    /// The generator's seed.
    pub seed: u64,
    /// How many sequences.
    pub samples: usize,
    /// The length of each sequence: 10 or 20.
    pub sequence_length: usize,
    /// A JSON file with `X` (rows of numbers) and `t` to use instead of the generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Points per axis of both loss-surface grids.
    pub surface_points: usize,
    /// `[min, max]` of both weights in the overview grid.
    pub overview: [f64; 2],
    /// `[min, max]` of both weights in the zoomed grid.
    pub zoom: [f64; 2],
    /// The data read from `file` by [`Config::load`].
    #[serde(skip)]
    pub loaded: Option<SequenceFile>,
}

/// The numerical gradient check of BPTT.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradientCheckConfig {
    /// The weights `(w_x, w_rec)` checked at.
    pub at: [f64; 2],
    /// The central-difference step ε.
    pub eps: f64,
    /// Relative tolerance (numpy's `isclose`).
    pub rtol: f64,
    /// Absolute tolerance (numpy's `isclose`).
    pub atol: f64,
}

/// One Rprop run: `[w_x, w_rec]` pairs for the start, Δ and previous signs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RpropRunConfig {
    /// η⁺ > 1.
    pub eta_plus: f64,
    /// η⁻ in (0, 1).
    pub eta_minus: f64,
    /// The initial weights.
    pub start: [f64; 2],
    /// The initial step sizes Δ.
    pub delta: [f64; 2],
    /// The previous gradient signs before the first step (-1, 0 or 1; 0 halves the first Δ).
    pub prev_sign: [f64; 2],
    /// How many updates.
    pub iterations: u32,
}

/// Plain gradient descent on the two weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DescentConfig {
    /// The initial weights.
    pub start: [f64; 2],
    /// The learning rate η > 0.
    pub learning_rate: f64,
    /// How many updates.
    pub iterations: u32,
}

/// Lesson 2's experiments on two seeded Gaussian blobs.
///
/// The lesson drew its data, initial weights and SGD samples without a seed; here each has its
/// own seed, so every run is reproducible and changing one experiment leaves the others as they were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackpropConfig {
    /// The seed of the blobs.
    pub data_seed: u64,
    /// Points per class (class -1 around (0, 0), class +1 around (3, 3)).
    pub samples_per_class: usize,
    /// `[min, max]` of both axes of the plane the models' outputs are drawn over.
    pub plane: [f64; 2],
    /// Points per axis of each model's output grid over the plane.
    pub plane_points: usize,
    /// Bins of the output histograms.
    pub histogram_bins: usize,
    /// The linear model with the squared loss.
    pub squared: SgdConfig,
    /// The linear model with the hinge loss.
    pub hinge: SgdConfig,
    /// The hinge classifier the data are then optimised against.
    pub data_classifier: SgdConfig,
    /// Optimising the data against that classifier (`record_every` unused).
    pub optimise_data: SgdConfig,
    /// The 2-5-5-1 MLP with the squared loss.
    pub mlp: NetConfig,
    /// The deep all-ReLU net 2-10-100-30-10-1 with the squared loss.
    pub deep_relu: NetConfig,
    /// The split/join net and its gradient check.
    pub split_join: SplitJoinConfig,
}

impl Default for BackpropConfig {
    fn default() -> Self {
        let sgd = |learning_rate, iterations, record_every, seed| SgdConfig {
            learning_rate,
            iterations,
            record_every,
            seed,
        };
        Self {
            data_seed: 1,
            samples_per_class: 1000,
            plane: [-5.0, 8.0],
            plane_points: 66,
            histogram_bins: 10,
            squared: sgd(0.001, 100_000, 1000, 2),
            hinge: sgd(0.01, 10_000, 1000, 3),
            data_classifier: sgd(0.001, 100_000, 1000, 4),
            optimise_data: sgd(0.05, 500_000, 1000, 5),
            mlp: NetConfig {
                learning_rate: 0.001,
                iterations: 100_000,
                record_every: 100,
                seed: 6,
                init_seed: 7,
            },
            deep_relu: NetConfig {
                learning_rate: 0.01,
                iterations: 10_000,
                record_every: 1000,
                seed: 8,
                init_seed: 9,
            },
            split_join: SplitJoinConfig {
                init_seed: 10,
                at: [1.0, 2.0],
                target: 1.0,
                eps: 1e-6,
                rtol: 1e-5,
                atol: 1e-8,
            },
        }
    }
}

/// A stochastic gradient descent run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SgdConfig {
    /// The step size η > 0.
    pub learning_rate: f64,
    /// How many samples are drawn (one step each).
    pub iterations: u64,
    /// The mean loss is recorded every `record_every` iterations.
    pub record_every: u64,
    /// The seed of the sample draws.
    pub seed: u64,
}

/// A stochastic gradient descent run of a net with random initial weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetConfig {
    /// The step size η > 0.
    pub learning_rate: f64,
    /// How many samples are drawn (one step each).
    pub iterations: u64,
    /// The mean loss is recorded every `record_every` iterations.
    pub record_every: u64,
    /// The seed of the sample draws.
    pub seed: u64,
    /// The seed of the initial weights (standard normal).
    pub init_seed: u64,
}

/// The split/join example: a two-branch net checked against central differences at one point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitJoinConfig {
    /// The seed of the net's weights.
    pub init_seed: u64,
    /// The input point.
    pub at: [f64; 2],
    /// The target of the squared loss.
    pub target: f64,
    /// The central-difference step ε.
    pub eps: f64,
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
}

impl Config {
    /// Read, parse and validate the config at `path`, and read the dataset files it names.
    ///
    /// Errors name `path` as given, the line and the key.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("cannot read the config: {e}")).in_file(&shown))?;
        let mut config = Self::parse(&text, &shown)?;
        config.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        config.load_files(&text, &shown)?;
        Ok(config)
    }

    /// Parse and validate config text; `file` names it in errors. Dataset files are not read.
    pub fn parse(text: &str, file: &str) -> Result<Self, Error> {
        let config: Self = toml::from_str(text).map_err(|e| {
            let (line, key) = e
                .span()
                .map(|s| locate_span(text, s.start))
                .unwrap_or((None, None));
            let mut err = Error::config(e.message().trim_end().to_string())
                .in_file(file)
                .at_line(line);
            err.key = key;
            err
        })?;
        config.validate().map_err(|e| {
            let line = e.key.as_deref().and_then(|key| line_of_key(text, key));
            e.in_file(file).at_line(line)
        })?;
        Ok(config)
    }

    /// Read the dataset files named in the config and check their shape against it.
    fn load_files(&mut self, text: &str, config_file: &str) -> Result<(), Error> {
        let base = self.base_dir.clone();
        for (name, data) in [
            ("binary", &mut self.rnn.binary),
            ("variant", &mut self.rnn.variant),
        ] {
            let Some(file) = &data.file else { continue };
            let loaded = dataset_file::read(&base.join(file), file)?;
            let shape_error = |k: &str, message: String| {
                let key = format!("rnn.{name}.{k}");
                Error::dataset(message)
                    .in_file(config_file)
                    .at_line(line_of_key(text, &key))
                    .for_key(key)
            };
            if loaded.xs.len() != data.samples {
                return Err(shape_error(
                    "samples",
                    format!(
                        "is {}, but `{file}` holds {} sequences",
                        data.samples,
                        loaded.xs.len()
                    ),
                ));
            }
            let width = loaded.xs.first().map_or(0, Vec::len);
            if width != data.sequence_length {
                return Err(shape_error(
                    "sequence_length",
                    format!(
                        "is {}, but the sequences in `{file}` have length {width}",
                        data.sequence_length
                    ),
                ));
            }
            data.loaded = Some(loaded);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }
}
