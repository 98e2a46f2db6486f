//! The course's configuration: every hyperparameter, size and seed of every experiment.
//!
//! Read from TOML. The checked-in `course.toml` is the one place the course's values are
//! written; it is compiled in ([`COURSE_TOML`]) and a user's config is laid over it key by key,
//! so no `Default` impl repeats it. Unknown keys and wrong types are rejected by serde,
//! out-of-range values by [`Config::validate`] before anything runs; each error names the file,
//! line and key of the user's text (a UTF-8 byte-order mark is accepted).
//!
//! Design decisions, stated here because the config is where they are made:
//! - **Which binary dataset.** The course uses the notebook's own 20×10 binary dataset, read from
//!   `data/reference/rnn_binary_seed1.json` (numpy's Mersenne Twister cannot be replayed by our
//!   seeded PCG stream): the published course then reproduces the notebook's printed weights
//!   `w_x = 1.00135554721, w_rec = 0.999674473785` digit for digit. The 30×20 variant dataset has
//!   no such reference file, so it is drawn from our seeded stream (seed 1). `file = ""`
//!   switches the binary dataset to the seeded generator too.
//! - **Sequence length.** The core fixes `L` at compile time; lengths 10 and 20 (the notebooks')
//!   are compiled in, any other is a config error.
//! - **Relative paths** (`file`) a user's config writes are resolved against that config's
//!   folder and reported as written, so nothing machine-specific reaches the results; an error
//!   says where the file was looked for. The datasets course.toml itself names are compiled in
//!   with it ([`COURSE_DATASETS`]): a config elsewhere that leaves `file` out gets the course's
//!   data, not a path that only exists beside course.toml.

pub mod dataset_file;
mod toml_lines;
mod validate;

pub use toml_lines::line_of_key;
use toml_lines::{line_of_key_or_parent, locate_span};

use crate::error::Error;
use dataset_file::SequenceFile;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use unrolled::Sgd;
use unrolled::gradcheck::Tolerance;
use unrolled::optimise::RpropConfig;

/// The sequence lengths the core is compiled for.
pub const SUPPORTED_SEQUENCE_LENGTHS: [usize; 2] = [10, 20];

/// The course's config as checked in: the one place its values are written. It is compiled in
/// as the defaults of every key a user's config leaves out.
pub const COURSE_TOML: &str = include_str!("../../../../course.toml");

/// The dataset files course.toml names, compiled in beside it: (path as course.toml writes
/// it, the file's text). A test keeps this list equal to course.toml's `file` keys.
pub const COURSE_DATASETS: [(&str, &str); 2] = [
    (
        "data/reference/rnn_binary_seed1.json",
        include_str!("../../../../data/reference/rnn_binary_seed1.json"),
    ),
    (
        "data/reference/rnn_variant_seed1.json",
        include_str!("../../../../data/reference/rnn_variant_seed1.json"),
    ),
];

/// The whole configuration of a course run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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
    /// A JSON file with `X` (rows of numbers) and `t` to use instead of the generator; `""`
    /// (or leaving it out where course.toml has none) means the generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Points per axis of both loss-surface grids.
    pub surface_points: usize,
    /// `[min, max]` of both weights in the overview grid.
    pub overview: [f64; 2],
    /// `[min, max]` of both weights in the zoomed grid.
    pub zoom: [f64; 2],
    /// The data read from `file`: by [`Config::parse`] when `file` is course.toml's own (from
    /// [`COURSE_DATASETS`]), else by [`Config::load`].
    #[serde(skip)]
    pub loaded: Option<SequenceFile>,
}

/// The numerical gradient check of BPTT.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradientCheckConfig {
    /// The weights `(w_x, w_rec)` checked at.
    pub at: [f64; 2],
    /// The central-difference step ε.
    pub eps: f64,
    /// How close the two gradients must be (`rtol`, `atol`: numpy's `isclose`), the core's type.
    #[serde(flatten)]
    pub tolerance: Tolerance<f64>,
}

/// One Rprop run: where it starts and for how long, with the core's Rprop hyperparameters
/// (`eta_plus`, `eta_minus`, `delta_init`, `prev_sign_init`) in the same table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RpropRunConfig {
    /// The initial weights `[w_x, w_rec]`.
    pub start: [f64; 2],
    /// How many updates.
    pub iterations: u32,
    /// The update rule's hyperparameters, checked by [`RpropConfig::validate`].
    #[serde(flatten)]
    pub rule: RpropConfig<f64>,
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
#[serde(deny_unknown_fields)]
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
    pub squared: Sgd<f64>,
    /// The linear model with the hinge loss.
    pub hinge: Sgd<f64>,
    /// The hinge classifier the data are then optimised against.
    pub data_classifier: Sgd<f64>,
    /// Optimising the data against that classifier (`record_every` unused).
    pub optimise_data: Sgd<f64>,
    /// The 2-5-5-1 MLP with the squared loss.
    pub mlp: NetConfig,
    /// The deep all-ReLU net 2-10-100-30-10-1 with the squared loss.
    pub deep_relu: NetConfig,
    /// The split/join net and its gradient check.
    pub split_join: SplitJoinConfig,
}

/// A stochastic gradient descent run of a net with random initial weights: the core's
/// [`Sgd`] settings and the seed of the initial weights, in one table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NetConfig {
    /// The seed of the initial weights (standard normal).
    pub init_seed: u64,
    /// Step size, steps, sample seed and loss records, checked by [`Sgd::validate`].
    #[serde(flatten)]
    pub sgd: Sgd<f64>,
}

/// The split/join example: a two-branch net checked against central differences at one point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SplitJoinConfig {
    /// The seed of the net's weights.
    pub init_seed: u64,
    /// The input point.
    pub at: [f64; 2],
    /// The target of the squared loss.
    pub target: f64,
    /// The central-difference step ε.
    pub eps: f64,
    /// How close backprop and the central differences must be (`rtol`, `atol`).
    #[serde(flatten)]
    pub tolerance: Tolerance<f64>,
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

    /// The course's own config, `course.toml` as compiled in, validated, with the datasets it
    /// names (compiled in too, [`COURSE_DATASETS`]).
    pub fn course() -> Result<Self, Error> {
        let mut config = Self::parse(COURSE_TOML, "course.toml")?;
        for data in [&mut config.rnn.binary, &mut config.rnn.variant] {
            if data.loaded.is_none() {
                data.loaded = data.file.as_deref().map(course_dataset).transpose()?;
            }
        }
        Ok(config)
    }

    /// Parse and validate config text; `file` names it in errors. Dataset files are not read.
    ///
    /// The text is laid key by key over the compiled-in `course.toml` ([`COURSE_TOML`]), so
    /// any key or table left out, even inside a table that is given, takes the course's value.
    pub fn parse(text: &str, file: &str) -> Result<Self, Error> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let user: toml::Table = toml::from_str(text).map_err(|e| toml_error(&e, text, file))?;
        let course: toml::Table = toml::from_str(COURSE_TOML)
            .map_err(|e| toml_error(&e, COURSE_TOML, "course.toml (compiled in)"))?;
        // course.toml writes every key, so a key it does not have is unknown (this also
        // covers the tables serde reads with `flatten`, which cannot deny unknown fields).
        unknown_keys(&user, &course, "").map_err(|key| {
            let (parent, leaf) = key.rsplit_once('.').unwrap_or(("", &key));
            let known = table_at(&course, parent)
                .map(|t| {
                    t.keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            Error::config(format!("unknown key `{leaf}`, expected one of {known}"))
                .in_file(file)
                .at_line(line_of_key_or_parent(text, &key))
                .for_key(key)
        })?;
        let mut merged = course.clone();
        merge(&mut merged, user.clone());
        let merged_text = toml::to_string(&merged).map_err(|e| {
            Error::config(format!("cannot merge over course.toml: {e}")).in_file(file)
        })?;
        let mut config: Self = toml::from_str(&merged_text).map_err(|e| {
            // Spans point into the merged text; the key they name is found in the user's.
            let key = e.span().and_then(|s| locate_span(&merged_text, s.start).1);
            // A table read with `flatten` reports its errors at the table: find the key.
            let key = key.map(|k| culprit(&course, &user, &k).unwrap_or(k));
            let line = key.as_deref().and_then(|k| line_of_key_or_parent(text, k));
            let mut err = Error::config(e.message().trim_end().to_string())
                .in_file(file)
                .at_line(line);
            err.key = key;
            err
        })?;
        for (name, data) in [
            ("binary", &mut config.rnn.binary),
            ("variant", &mut config.rnn.variant),
        ] {
            if data.file.as_deref() == Some("") {
                data.file = None;
            }
            let written = user
                .get("rnn")
                .and_then(|l| l.get(name))
                .and_then(|d| d.get("file"))
                .is_some();
            if !written {
                data.loaded = data.file.as_deref().map(course_dataset).transpose()?;
            }
        }
        config.validate().map_err(|e| {
            let line = e
                .key
                .as_deref()
                .and_then(|key| line_of_key_or_parent(text, key));
            e.in_file(file).at_line(line)
        })?;
        Ok(config)
    }

    /// Read the dataset files the user's config names (resolved against [`Config::base_dir`])
    /// and check every dataset's shape against the config.
    fn load_files(&mut self, text: &str, config_file: &str) -> Result<(), Error> {
        let base = self.base_dir.clone();
        for (name, data) in [
            ("binary", &mut self.rnn.binary),
            ("variant", &mut self.rnn.variant),
        ] {
            let Some(file) = &data.file else { continue };
            let loaded = match data.loaded.take() {
                Some(compiled_in) => compiled_in,
                None => dataset_file::read(&base.join(file), file)?,
            };
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

/// One of course.toml's own datasets, from its compiled-in text.
fn course_dataset(path: &str) -> Result<SequenceFile, Error> {
    let (_, text) = COURSE_DATASETS
        .iter()
        .find(|(p, _)| *p == path)
        .ok_or_else(|| {
            Error::config(format!(
                "course.toml names the dataset `{path}`, which is not compiled in (add it to COURSE_DATASETS)"
            ))
            .in_file("course.toml")
        })?;
    dataset_file::parse(text, path)
}

/// The first key of `user` (dotted, under `prefix`) that `course` does not have; tables are
/// walked into, other values are not.
fn unknown_keys(user: &toml::Table, course: &toml::Table, prefix: &str) -> Result<(), String> {
    for (key, value) in user {
        let dotted = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (course.get(key), value) {
            (None, _) => return Err(dotted),
            (Some(toml::Value::Table(c)), toml::Value::Table(u)) => unknown_keys(u, c, &dotted)?,
            _ => {}
        }
    }
    Ok(())
}

/// The table at the dotted `path` of `table` (`""`: `table` itself).
fn table_at<'a>(table: &'a toml::Table, path: &str) -> Option<&'a toml::Table> {
    if path.is_empty() {
        return Some(table);
    }
    path.split('.')
        .try_fold(table, |t, k| t.get(k).and_then(toml::Value::as_table))
}

/// When a parse error names a whole table (`path`), the one key of the user's that table that
/// fails on its own: each is laid alone over course.toml and parsed, so the config's own types
/// say which value is wrong. `None` if `path` is not a table the user wrote or no single key
/// fails alone.
fn culprit(course: &toml::Table, user: &toml::Table, path: &str) -> Option<String> {
    let written = table_at(user, path)?;
    written
        .iter()
        .filter(|(_, v)| !v.is_table())
        .find_map(|(key, value)| {
            let mut alone = course.clone();
            let mut table = &mut alone;
            for part in path.split('.') {
                table = table.get_mut(part)?.as_table_mut()?;
            }
            table.insert(key.clone(), value.clone());
            let text = toml::to_string(&alone).ok()?;
            toml::from_str::<Config>(&text)
                .is_err()
                .then(|| format!("{path}.{key}"))
        })
}

/// Lay `over` onto `base` key by key: tables merge, any other value replaces.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// A TOML syntax error in `text` as an error naming `file`, the line and the key.
fn toml_error(e: &toml::de::Error, text: &str, file: &str) -> Error {
    let (line, key) = e
        .span()
        .map(|s| locate_span(text, s.start))
        .unwrap_or((None, None));
    let mut err = Error::config(e.message().trim_end().to_string())
        .in_file(file)
        .at_line(line);
    err.key = key;
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn course_toml_is_complete_and_valid_on_its_own() {
        // Read without merging: every key of the config is written in course.toml.
        let config: Config = toml::from_str(COURSE_TOML).unwrap();
        assert_eq!(config.validate(), Ok(()));
        let mut course = Config::course().unwrap();
        for data in [&mut course.rnn.binary, &mut course.rnn.variant] {
            data.loaded = None;
        }
        assert_eq!(course, config);
    }

    #[test]
    fn a_partial_table_takes_the_other_keys_from_course_toml() {
        let course = Config::course().unwrap();
        let config = Config::parse("[rnn.binary]\nseed = 2\n", "user.toml").unwrap();
        assert_eq!(config.rnn.binary.seed, 2);
        let mut expected = course.clone();
        expected.rnn.binary.seed = 2;
        assert_eq!(config, expected);
        assert_eq!(Config::parse("", "empty.toml").unwrap(), course);
        assert!(course.rnn.binary.loaded.is_some() && course.rnn.variant.loaded.is_some());
        let bom = Config::parse("\u{feff}[backprop]\ndata_seed = 3\n", "bom.toml").unwrap();
        assert_eq!(bom.backprop.data_seed, 3);
        let generated = Config::parse("[rnn.binary]\nfile = \"\"\n", "gen.toml").unwrap();
        assert_eq!(generated.rnn.binary.file, None);
    }

    #[test]
    fn every_dataset_course_toml_names_is_compiled_in_and_matches_its_file() {
        let course: toml::Table = toml::from_str(COURSE_TOML).unwrap();
        let named: Vec<&str> = ["binary", "variant"]
            .iter()
            .filter_map(|d| course["rnn"][d].get("file").and_then(|f| f.as_str()))
            .filter(|f| !f.is_empty())
            .collect();
        let compiled: Vec<&str> = COURSE_DATASETS.iter().map(|(p, _)| *p).collect();
        assert_eq!(named, compiled);
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for (path, text) in COURSE_DATASETS {
            assert_eq!(std::fs::read_to_string(root.join(path)).unwrap(), text);
        }
    }

    #[test]
    fn a_config_elsewhere_that_leaves_file_out_gets_the_course_data() {
        let dir =
            std::env::temp_dir().join(format!("unrolled-config-elsewhere-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("mine.toml");
        std::fs::write(&path, "[rnn.binary]\nseed = 2\n").unwrap();
        let config = Config::load(&path).unwrap();
        let course = Config::course().unwrap();
        assert_eq!(config.rnn.binary.loaded, course.rnn.binary.loaded);
        assert_eq!(config.rnn.binary.loaded.as_ref().unwrap().xs.len(), 20);
        assert!(config.rnn.variant.loaded.is_some());
        // A file the user names is looked for beside their config, and the error says where.
        std::fs::write(&path, "[rnn.binary]\nfile = \"data.json\"\n").unwrap();
        let err = Config::load(&path).unwrap_err();
        assert_eq!(err.file.as_deref(), Some("data.json"), "{err}");
        let looked = dir.join("data.json").display().to_string();
        assert!(err.message.contains(&looked), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn errors_in_a_partial_config_point_to_its_own_lines() {
        let text = "# mine\n[rnn.rprop]\neta_minus = 1.5\n";
        let e = Config::parse(text, "user.toml").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("rnn.rprop.eta_minus"));
        assert_eq!(e.line, Some(3));
        let e = Config::parse("[rnn.rprop]\n\neta_mins = 0.5\n", "user.toml").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("eta_mins"), "{e}");
        let e = Config::parse("[rnn]\nbinary = { seed = \"x\" }\n", "user.toml").unwrap_err();
        assert_eq!(e.line, Some(2), "an inline table's error has a line: {e}");
    }
}
