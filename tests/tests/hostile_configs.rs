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

/// The course's two reference datasets as absolute paths, so a config written into a scratch
/// folder reads the same data as the checked-in one.
fn dataset_tables() -> String {
    let data = common::root().join("data/reference");
    format!(
        "[rnn.binary]\nfile = '{}'\n\n[rnn.variant]\nfile = '{}'\n",
        data.join("rnn_binary_seed1.json").display(),
        data.join("rnn_variant_seed1.json").display()
    )
}

/// A complete course rendered from the checked-in config with `extra` laid over it: the three
/// pages and `results.json`, as (results.json, rnn.html, backprop.html).
fn runs(name: &str, extra: &str) -> (String, String, String) {
    let dir = scratch(name);
    let config = dir.join("course.toml");
    std::fs::write(&config, format!("{}\n{extra}", dataset_tables())).unwrap();
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
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
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
