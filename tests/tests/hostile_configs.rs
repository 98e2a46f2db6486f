//! Configs a hostile user could write that the validator accepts: each runs to a complete
//! course, and a blow-up is shown on the page as what happened, never a template error.

mod common;

use std::path::PathBuf;
use unrolled_report::generate;

/// A scratch folder for one test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("unrolled-hostile-configs-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A complete course rendered from the checked-in config with `extra` laid over it: the three
/// pages and `results.json`, as (results.json, rnn.html, backprop.html).
fn runs(name: &str, extra: &str) -> (String, String, String) {
    // Written into a scratch folder, the config leaves `file` out: the course's own datasets,
    // compiled in with course.toml, are used, not paths beside the scratch config.
    runs_config(name, extra)
}

/// A complete course rendered from the config `text` (which names no dataset file), as
/// (results.json, rnn.html, backprop.html).
fn runs_config(name: &str, text: &str) -> (String, String, String) {
    let dir = scratch(name);
    let config = dir.join("course.toml");
    std::fs::write(&config, text).unwrap();
    let out = dir.join("out");
    generate(&config, &out, &mut |_, _| {}).unwrap_or_else(|e| panic!("{name}: {e}"));
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| !f.starts_with('.'))
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["backprop.html", "index.html", "results.json", "rnn.html"]
    );
    assert!(read("index.html").contains("</html>"));
    (
        read("results.json"),
        read("rnn.html"),
        read("backprop.html"),
    )
}

/// The page's text without tags, so assertions read like the page.
fn text(html: &str) -> String {
    unrolled_report::course::pages::strip_tags(html)
}

#[test]
fn mlp_learning_rate_that_diverges() {
    let (results, _, backprop) = runs("mlp-lr", "[backprop.mlp]\nlearning_rate = 10\n");
    let json: serde_json::Value = serde_json::from_str(&results).unwrap();
    let mlp = &json["backprop"]["mlp"];
    assert!(mlp["final_loss"].is_null(), "{}", mlp["final_loss"]);
    let step = mlp["stopped"]["iteration"].as_u64().unwrap();
    let page = text(&backprop);
    assert!(
        page.contains(&format!("Training diverged at step {step} (")),
        "{page}"
    );
    assert!(page.contains("at the last finite record"), "{page}");
    assert!(
        page.contains(&format!("diverged here at step {step}")),
        "{page}"
    );
}

#[test]
fn numbers_the_text_quotes_from_the_config_follow_it() {
    let (_, rnn, _) = runs(
        "quoted",
        "[rnn]\nover_time_points = [[1, 2], [1, 0.5], [1, -2]]\n\n[rnn.binary]\noverview = [-2, 2.5]\n",
    );
    let page = text(&rnn);
    assert!(page.contains("the three points traced in"), "{page}");
    assert!(
        page.contains("at the three points, from the output"),
        "{page}"
    );
    assert!(!page.contains("six points"), "{page}");
    // The square, written in MathML, reads `[−2,2.5]2` without its tags.
    assert!(page.contains("shows the square [−2,2.5]2,"), "{page}");
}

#[test]
fn gradient_check_eps_that_overflows() {
    let (results, rnn, _) = runs("eps", "[rnn.gradient_check]\neps = 1e308\n");
    let json: serde_json::Value = serde_json::from_str(&results).unwrap();
    let check = &json["rnn"]["binary"]["gradient_check"];
    assert!(check["check"]["w_x"]["rel_error"].is_null(), "{check}");
    let page = text(&rnn);
    assert!(
        page.contains("the check says nothing about the backward pass"),
        "{page}"
    );
    assert!(!page.contains("the backward pass has a bug"), "{page}");
    assert!(
        page.contains("The gradient check cannot be made here"),
        "{page}"
    );
    assert!(!page.contains("central differences confirm"), "{page}");
}

#[test]
fn test_sequence_that_overflows() {
    let (results, rnn, _) = runs("sequence", "[rnn]\ntest_sequence = [1e308, 1e308]\n");
    let json: serde_json::Value = serde_json::from_str(&results).unwrap();
    assert!(
        json["rnn"]["binary"]["test_sequence"]["output"].is_null(),
        "{results}"
    );
    let page = text(&rnn);
    assert!(
        page.contains("the trained net outputs a value that is not a finite number"),
        "{page}"
    );
    assert!(
        page.contains("on the test sequence it outputs a value that is not a finite number"),
        "{page}"
    );
}

/// SplitMix64: a tiny seeded stream, so the drawn configs are the same on every run.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A whole number in `[lo, hi]`.
    fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    /// Log-uniform whole number in `[lo, hi]`, so small and large values are both drawn.
    fn log_int(&mut self, lo: u64, hi: u64) -> u64 {
        let (a, b) = ((lo as f64).ln(), (hi as f64).ln());
        ((a + (b - a) * self.unit()).exp().round() as u64).clamp(lo, hi)
    }
    /// Log-uniform in `[lo, hi]`.
    fn log(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * self.unit()).exp()
    }
    /// A drawable range `[a, b]` within `[-10, 10]`.
    fn range(&mut self) -> String {
        let a = -10.0 + 19.0 * self.unit();
        let b = a + 0.01 + (10.0 - a) * self.unit();
        format!("[{a}, {b}]")
    }
}

/// A config with every size, count and rate drawn within the validator's limits (the sizes
/// over their whole allowed range, up to the limits in course.toml).
fn random_config(d: &mut Draw) -> String {
    let mut t = String::new();
    for (name, max_surface) in [("binary", 100), ("variant", 50)] {
        t += &format!(
            "[rnn.{name}]\nfile = \"\"\nseed = {}\nsamples = {}\nsequence_length = {}\nsurface_points = {}\noverview = {}\nzoom = {}\n\n",
            d.int(0, 1000),
            d.log_int(1, 200),
            [10, 20][d.int(0, 1) as usize],
            d.log_int(2, max_surface),
            d.range(),
            d.range(),
        );
    }
    for name in ["rprop", "rprop_other_start"] {
        t += &format!(
            "[rnn.{name}]\neta_plus = {}\neta_minus = {}\niterations = {}\n\n",
            1.0 + d.log(1e-3, 2.0),
            d.log(1e-3, 0.999),
            d.log_int(1, 1000),
        );
    }
    t += &format!(
        "[rnn.gradient_descent]\nlearning_rate = {}\niterations = {}\n\n",
        d.log(1e-9, 1.0),
        d.log_int(1, 1000)
    );
    t += &format!(
        "[backprop]\ndata_seed = {}\nsamples_per_class = {}\nplane = {}\nplane_points = {}\nhistogram_bins = {}\n\n",
        d.int(0, 1000),
        d.log_int(1, 1500),
        d.range(),
        d.log_int(2, 100),
        d.log_int(1, 1000),
    );
    for (name, max) in [
        ("squared", 1_000_000),
        ("hinge", 1_000_000),
        ("data_classifier", 1_000_000),
        ("optimise_data", 1_000_000),
        ("mlp", 100_000),
        ("deep_relu", 100_000),
    ] {
        let iterations = d.log_int(1, max);
        let record_every = d.int(iterations.div_ceil(1000), iterations);
        t += &format!(
            "[backprop.{name}]\nlearning_rate = {}\niterations = {iterations}\nrecord_every = {record_every}\n\n",
            d.log(1e-5, 1.0)
        );
    }
    t
}

#[test]
fn random_configs_within_the_limits_run() {
    let mut d = Draw(2026);
    for k in 0..3 {
        let config = random_config(&mut d);
        let start = std::time::Instant::now();
        let (results, _, _) = runs_config(&format!("random-{k}"), &config);
        // Every experiment ran: the results hold both lessons.
        let json: serde_json::Value = serde_json::from_str(&results).unwrap();
        assert!(json["rnn"]["variant"]["rprop"].is_object(), "{config}");
        assert!(json["backprop"]["deep_relu"].is_object(), "{config}");
        // With every value at its limit the course takes about 9 s; allow for a busy machine.
        assert!(
            start.elapsed().as_secs() < 40,
            "{:?}\n{config}",
            start.elapsed()
        );
    }
}

/// Each limit plus one is refused before anything runs, naming the key and the limit.
#[test]
fn values_past_each_limit_are_refused_by_key() {
    for (table, key, value, limit) in [
        ("rnn.binary", "surface_points", "101", "100"),
        ("rnn.variant", "surface_points", "51", "50"),
        ("rnn.binary", "samples", "201", "200"),
        ("rnn.rprop", "iterations", "1001", "1000"),
        ("rnn.rprop_other_start", "iterations", "20000", "1000"),
        ("rnn.gradient_descent", "iterations", "10000000", "1000"),
        ("backprop", "samples_per_class", "1501", "1500"),
        ("backprop", "plane_points", "101", "100"),
        ("backprop.squared", "iterations", "1000001", "1000000"),
        ("backprop.deep_relu", "iterations", "100001", "100000"),
        ("backprop.mlp", "record_every", "99", "1000 loss records"),
    ] {
        let text = format!("[{table}]\n{key} = {value}\n");
        let err = unrolled_report::Config::parse(&text, "c.toml").unwrap_err();
        assert_eq!(
            err.key.as_deref(),
            Some(format!("{table}.{key}").as_str()),
            "{err}"
        );
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.message.contains(limit), "{text}: {err}");
    }
}

/// A dataset of huge (but single-precision) values: the runs blow up, and the course is still
/// complete, its blow-ups recorded as results.
#[test]
fn dataset_of_huge_values_runs() {
    let data_dir = scratch("huge-data");
    let data = data_dir.join("big.json");
    let row = vec![1e30; 10];
    let file = serde_json::json!({ "X": vec![row; 20], "t": vec![1e31; 20] });
    std::fs::write(&data, file.to_string()).unwrap();
    let config = format!(
        "[rnn.binary]\nfile = '{}'\n\n[rnn.variant]\nfile = \"\"\n",
        data.display()
    );
    let (results, rnn, _) = runs_config("huge", &config);
    assert!(results.contains("null"), "no blow-up recorded");
    assert!(
        rnn.trim_end().ends_with("</html>"),
        "rnn.html is incomplete"
    );
}
