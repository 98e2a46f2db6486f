//! Every kind of bad input gives an error naming the file, line and key, and leaves the output
//! folder as it was.

mod common;

use std::path::{Path, PathBuf};
use unrolled_report::{Error, generate};

/// A scratch folder for one test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("unrolled-config-errors-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The checked-in config text with `from` replaced by `to` (which must occur exactly once).
fn course_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(common::root().join("course.toml")).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replace(from, to)
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

/// Run `generate` on `config` written into a scratch folder whose output folder holds an old
/// `results.json`; check the output is untouched and return the error.
fn fails(name: &str, config: Option<&str>, extra_files: &[(&str, &str)]) -> (Error, PathBuf) {
    let dir = scratch(name);
    for (file, text) in extra_files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let config_path = dir.join("course.toml");
    if let Some(config) = config {
        std::fs::write(&config_path, config).unwrap();
    }
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("results.json"), "previous output").unwrap();
    let err = generate(&config_path, &out, &mut |_, _| {}).unwrap_err();
    assert_eq!(
        std::fs::read_to_string(out.join("results.json")).unwrap(),
        "previous output"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    (err, config_path)
}

fn assert_names(err: &Error, file: &Path, line: usize, key: &str) {
    assert_eq!(
        err.file.as_deref(),
        Some(file.display().to_string().as_str()),
        "{err}"
    );
    assert_eq!(err.line, Some(line), "{err}");
    assert_eq!(err.key.as_deref(), Some(key), "{err}");
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{}:{line}: key `{key}`: ", file.display())),
        "{shown}"
    );
}

#[test]
fn missing_config_file() {
    let (err, path) = fails("missing", None, &[]);
    assert_eq!(err.file, Some(path.display().to_string()));
    assert!(err.message.starts_with("cannot read the config"), "{err}");
}

#[test]
fn bad_toml() {
    let text = course_with(
        "eta_minus = 0.5\nstart = [-1.5",
        "eta_minus = 0.5 0.6\nstart = [-1.5",
    );
    let (err, path) = fails("bad-toml", Some(&text), &[]);
    assert_eq!(err.file, Some(path.display().to_string()));
    assert_eq!(err.line, Some(line_of(&text, "0.5 0.6")), "{err}");
}

#[test]
fn unknown_key() {
    let text = course_with(
        "eta_minus = 0.5\nstart = [-1.5",
        "eta_mins = 0.5\nstart = [-1.5",
    );
    let (err, path) = fails("unknown-key", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "eta_mins"),
        "rnn.rprop.eta_mins",
    );
    assert!(err.message.contains("unknown key `eta_mins`"), "{err}");
    assert!(
        err.message.contains("`eta_minus`"),
        "names the keys it knows: {err}"
    );
}

#[test]
fn wrong_type_inside_a_table_holding_a_core_type_names_its_key() {
    // `[backprop.mlp]` holds the core's `Sgd` settings (read flattened, so serde reports the
    // error at the table): the key is still found.
    let text = course_with(
        "learning_rate = 0.001\niterations = 100000\nrecord_every = 100\n",
        "learning_rate = \"fast\"\niterations = 100000\nrecord_every = 100\n",
    );
    let (err, path) = fails("flattened-type", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "learning_rate = \"fast\""),
        "backprop.mlp.learning_rate",
    );
    assert!(err.message.contains("expected f64"), "{err}");
    let text = course_with("delta_init = [0.003, 0.003]", "delta_init = [0.003]");
    let (err, path) = fails("flattened-length", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "delta_init = [0.003]"),
        "rnn.rprop_other_start.delta_init",
    );
}

#[test]
fn unknown_table() {
    let course = std::fs::read_to_string(common::root().join("course.toml")).unwrap();
    let text = format!("{course}\n[lesson3]\nx = 1\n");
    let (err, path) = fails("unknown-table", Some(&text), &[]);
    assert_names(&err, &path, line_of(&text, "[lesson3]"), "lesson3");
    assert!(err.message.contains("unknown key `lesson3`"), "{err}");
}

#[test]
fn wrong_type() {
    let text = course_with("iterations = 300", "iterations = \"many\"");
    let (err, path) = fails("wrong-type", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "\"many\""),
        "rnn.rprop_other_start.iterations",
    );
    assert!(err.message.contains("invalid type"), "{err}");
}

#[test]
fn negative_learning_rate() {
    let text = course_with("learning_rate = 1e-7", "learning_rate = -0.1");
    let (err, path) = fails("negative-lr", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "learning_rate = -0.1"),
        "rnn.gradient_descent.learning_rate",
    );
    assert_eq!(err.message, "expected a finite number > 0");
}

#[test]
fn zero_samples() {
    let text = course_with("samples = 30", "samples = 0");
    let (err, path) = fails("zero-samples", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "samples = 0"),
        "rnn.variant.samples",
    );
}

#[test]
fn eta_minus_out_of_range() {
    let text = course_with(
        "eta_minus = 0.5\nstart = [-2",
        "eta_minus = 1.5\nstart = [-2",
    );
    let (err, path) = fails("eta-minus", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "eta_minus = 1.5"),
        "rnn.rprop_other_start.eta_minus",
    );
    // The core's own check decides, and its error is the source.
    assert_eq!(err.message, "expected in (0, 1)");
    let source = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(
        source.as_deref(),
        Some("invalid hyperparameter `eta_minus`: expected in (0, 1)")
    );
}

#[test]
fn unsupported_sequence_length() {
    let text = course_with("sequence_length = 20", "sequence_length = 15");
    let (err, path) = fails("length", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "sequence_length = 15"),
        "rnn.variant.sequence_length",
    );
}

/// The config pointing the binary dataset at `data.json` in its own folder.
fn with_dataset_file() -> String {
    course_with(
        "file = \"data/reference/rnn_binary_seed1.json\"",
        "file = \"data.json\"",
    )
}

#[test]
fn dataset_with_ragged_rows() {
    let rows = "[0, 1, 0, 1, 0, 1, 0, 1, 0, 1],\n";
    let data = format!(
        "{{\"X\": [\n{}[0, 1],\n{}], \"t\": []}}",
        rows.repeat(3),
        rows
    );
    let (err, _) = fails(
        "ragged",
        Some(&with_dataset_file()),
        &[("data.json", &data)],
    );
    assert_eq!(err.file.as_deref(), Some("data.json"), "{err}");
    assert_eq!(err.line, Some(5), "{err}");
    assert_eq!(err.key.as_deref(), Some("X"), "{err}");
    assert!(
        err.message.contains("row 3 has 2 values, but row 0 has 10"),
        "{err}"
    );
}

#[test]
fn dataset_with_a_non_number() {
    let data = "{\"X\": [[0, 1, 0, 1, 0, 1, 0, 1, 0, 1],\n [0, 1, 0, \"one\", 0, 1, 0, 1, 0, 1]],\n \"t\": [5, 5]}";
    let (err, _) = fails(
        "non-number",
        Some(&with_dataset_file()),
        &[("data.json", data)],
    );
    assert_eq!(
        (err.file.as_deref(), err.line, err.key.as_deref()),
        (Some("data.json"), Some(2), Some("X")),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("data.json:2: key `X`: invalid type: string \"one\", expected a number"),
        "{err}"
    );
}

#[test]
fn dataset_shape_must_match_the_config() {
    let data = "{\"X\": [[0, 1, 0, 1, 0, 1, 0, 1, 0, 1]], \"t\": [5]}";
    let text = with_dataset_file();
    let (err, path) = fails("shape", Some(&text), &[("data.json", data)]);
    assert_names(
        &err,
        &path,
        line_of(&text, "samples = 20"),
        "rnn.binary.samples",
    );
    assert!(err.message.contains("holds 1 sequences"), "{err}");
}

#[test]
fn missing_dataset_file() {
    let (err, _) = fails("missing-data", Some(&with_dataset_file()), &[]);
    assert_eq!(err.file.as_deref(), Some("data.json"), "{err}");
    assert!(err.message.starts_with("cannot read the dataset"), "{err}");
}

#[test]
fn backprop_zero_record_every() {
    let text = course_with("record_every = 100\n", "record_every = 0\n");
    let (err, path) = fails("record-every", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "record_every = 0"),
        "backprop.mlp.record_every",
    );
}

/// `config` is refused naming `key` on the line of `needle`, with the narrow-range message,
/// in well under the time a hung tick generator would take.
fn refused_as_too_narrow(name: &str, text: &str, needle: &str, key: &str) {
    let start = std::time::Instant::now();
    let (err, path) = fails(name, Some(text), &[]);
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    assert_names(&err, &path, line_of(text, needle), key);
    assert!(err.message.contains("narrower cannot be drawn"), "{err}");
}

#[test]
fn overview_too_narrow_to_draw() {
    let text = course_with(
        "surface_points = 100\n# The ranges of w_x and w_rec the loss surface is drawn over. Each must be finite, and its width\n# at least 1e-6 times its larger end (about 8 steps of single precision): narrower cannot be drawn.\noverview = [-3, 3]",
        "surface_points = 100\noverview = [1, 1.0000000000000002]",
    );
    refused_as_too_narrow(
        "overview-narrow",
        &text,
        "overview = [1, 1.0",
        "rnn.binary.overview",
    );
}

#[test]
fn plane_too_narrow_to_draw() {
    let text = course_with("plane = [-5, 8]", "plane = [1e18, 1.0000000000000002e18]");
    refused_as_too_narrow("plane-narrow", &text, "plane = [1e18", "backprop.plane");
}

#[test]
fn zoom_with_an_infinite_width() {
    let text = course_with(
        "surface_points = 50\noverview = [-3, 3]\nzoom = [-0.1, 2.1]",
        "surface_points = 50\noverview = [-3, 3]\nzoom = [-1.7e308, 1.7e308]",
    );
    let (err, path) = fails("zoom-infinite", Some(&text), &[]);
    assert_names(
        &err,
        &path,
        line_of(&text, "zoom = [-1.7e308"),
        "rnn.variant.zoom",
    );
    assert!(err.message.contains("a finite width"), "{err}");
}
