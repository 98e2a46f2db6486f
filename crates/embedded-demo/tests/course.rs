//! The demos' settings against the course's: every setting they share with `course.toml` is
//! equal, or its difference is named and explained in `course::DIFFERENCES`.

use std::path::Path;
use unrolled::optimise::RpropConfig;
use unrolled_embedded_demo::{COURSE_SEED, course, mlp, rnn};
use unrolled_report::Config;

/// One setting: its key in `course.toml`, the course's value and the demo's, as `f64` lists.
/// `f32` values of the demo are compared with the course's value rounded to `f32`.
struct Setting {
    key: &'static str,
    course: Vec<f64>,
    demo: Vec<f64>,
}

fn as_f32(values: &[f64]) -> Vec<f64> {
    values.iter().map(|&v| f64::from(v as f32)).collect()
}

fn settings(c: &Config) -> Vec<Setting> {
    let l1 = &c.rnn;
    let l2 = &c.backprop;
    let rprop = RpropConfig::<f32>::notebook();
    let s = |key, course: Vec<f64>, demo: Vec<f64>| Setting { key, course, demo };
    vec![
        s(
            "rnn.binary.seed",
            vec![l1.binary.seed as f64],
            vec![COURSE_SEED as f64],
        ),
        s(
            "rnn.binary.samples",
            vec![l1.binary.samples as f64],
            vec![rnn::SEQUENCES as f64],
        ),
        s(
            "rnn.binary.sequence_length",
            vec![l1.binary.sequence_length as f64],
            vec![rnn::LENGTH as f64],
        ),
        // The demo never reads a file: 1 if the setting names one.
        s(
            "rnn.binary.file",
            vec![f64::from(u8::from(l1.binary.file.is_some()))],
            vec![0.0],
        ),
        s(
            "rnn.gradient_check.at",
            as_f32(&l1.gradient_check.at),
            vec![f64::from(rnn::CHECK_AT.0), f64::from(rnn::CHECK_AT.1)],
        ),
        s(
            "rnn.gradient_check.eps",
            as_f32(&[l1.gradient_check.eps]),
            vec![f64::from(rnn::CHECK_EPS)],
        ),
        s(
            "rnn.gradient_check.rtol",
            as_f32(&[l1.gradient_check.tolerance.rtol]),
            vec![f64::from(rnn::CHECK_TOLERANCE.rtol)],
        ),
        s(
            "rnn.gradient_check.atol",
            as_f32(&[l1.gradient_check.tolerance.atol]),
            vec![f64::from(rnn::CHECK_TOLERANCE.atol)],
        ),
        s(
            "rnn.rprop.eta_plus",
            as_f32(&[l1.rprop.rule.eta_plus]),
            vec![f64::from(rprop.eta_plus)],
        ),
        s(
            "rnn.rprop.eta_minus",
            as_f32(&[l1.rprop.rule.eta_minus]),
            vec![f64::from(rprop.eta_minus)],
        ),
        s(
            "rnn.rprop.start",
            as_f32(&l1.rprop.start),
            vec![f64::from(rnn::RPROP_START.0), f64::from(rnn::RPROP_START.1)],
        ),
        s(
            "rnn.rprop.delta_init",
            as_f32(&l1.rprop.rule.delta_init),
            rprop.delta_init.iter().map(|&v| f64::from(v)).collect(),
        ),
        s(
            "rnn.rprop.prev_sign_init",
            as_f32(&l1.rprop.rule.prev_sign_init),
            rprop.prev_sign_init.iter().map(|&v| f64::from(v)).collect(),
        ),
        s(
            "rnn.rprop.iterations",
            vec![f64::from(l1.rprop.iterations)],
            vec![f64::from(rnn::RPROP_ITERATIONS)],
        ),
        s(
            "rnn.test_sequence",
            as_f32(&l1.test_sequence),
            rnn::TEST_SEQUENCE.iter().map(|&v| f64::from(v)).collect(),
        ),
        s(
            "backprop.data_seed",
            vec![l2.data_seed as f64],
            vec![COURSE_SEED as f64],
        ),
        s(
            "backprop.samples_per_class",
            vec![l2.samples_per_class as f64],
            vec![mlp::PER_CLASS as f64],
        ),
        s(
            "backprop.mlp.learning_rate",
            as_f32(&[l2.mlp.sgd.learning_rate]),
            vec![f64::from(mlp::SGD.learning_rate)],
        ),
        s(
            "backprop.mlp.iterations",
            vec![l2.mlp.sgd.iterations as f64],
            vec![mlp::SGD.iterations as f64],
        ),
        s(
            "backprop.mlp.record_every",
            vec![l2.mlp.sgd.record_every as f64],
            vec![mlp::SGD.record_every as f64],
        ),
        s(
            "backprop.mlp.seed",
            vec![l2.mlp.sgd.seed as f64],
            vec![mlp::SGD.seed as f64],
        ),
        s(
            "backprop.mlp.init_seed",
            vec![l2.mlp.init_seed as f64],
            vec![mlp::INIT_SEED as f64],
        ),
    ]
}

/// Every problem with `settings` against `differences`: a difference with no reason, a reason
/// for a setting that is equal now, a reason for a setting never compared.
fn problems(settings: &[Setting], differences: &[course::Difference]) -> Vec<String> {
    let listed = |key: &str| differences.iter().any(|d| d.key == key);
    let mut problems = Vec::new();
    for s in settings {
        let same = s.course.len() == s.demo.len()
            && s.course
                .iter()
                .zip(&s.demo)
                .all(|(a, b)| a.to_bits() == b.to_bits());
        match (same, listed(s.key)) {
            (false, false) => problems.push(format!(
                "{}: course {:?}, demo {:?}, and no reason in course::DIFFERENCES",
                s.key, s.course, s.demo
            )),
            (true, true) => problems.push(format!(
                "{}: equal now ({:?}); remove it from course::DIFFERENCES",
                s.key, s.demo
            )),
            _ => {}
        }
    }
    for d in differences {
        if !settings.iter().any(|s| s.key == d.key) {
            problems.push(format!(
                "{}: listed in course::DIFFERENCES but never compared",
                d.key
            ));
        }
    }
    problems
}

#[test]
fn every_setting_matches_the_course_or_its_difference_is_explained() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../course.toml");
    let config = Config::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let problems = problems(&settings(&config), &course::DIFFERENCES);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for d in &course::DIFFERENCES {
        assert_eq!(course::difference(d.key), Some(d));
        assert!(!d.why.is_empty(), "{}", d.key);
    }
}

#[test]
fn unexplained_stale_and_unknown_differences_are_each_reported() {
    let setting = |key, course: f64, demo: f64| Setting {
        key,
        course: vec![course],
        demo: vec![demo],
    };
    let why = |key| course::Difference {
        key,
        why: "a reason",
    };
    let settings = [
        setting("same", 1.0, 1.0),
        setting("differs", 1.0, 2.0),
        setting("explained", 1.0, 2.0),
        setting("stale", 3.0, 3.0),
        // -0 and +0 are different bits: a sign change is a difference too.
        setting("signed_zero", 0.0, -0.0),
        Setting {
            key: "shorter",
            course: vec![1.0, 2.0],
            demo: vec![1.0],
        },
    ];
    let found = problems(&settings, &[why("explained"), why("stale"), why("unknown")]);
    let has = |key: &str, text: &str| found.iter().any(|p| p.starts_with(key) && p.contains(text));
    assert!(has("differs", "no reason"), "{found:?}");
    assert!(has("stale", "equal now"), "{found:?}");
    assert!(has("unknown", "never compared"), "{found:?}");
    assert!(has("signed_zero", "no reason"), "{found:?}");
    assert!(has("shorter", "no reason"), "{found:?}");
    assert_eq!(found.len(), 5, "{found:?}");
}

#[test]
fn the_checkpoint_buffer_holds_every_record() {
    assert_eq!(mlp::SGD.history_len(), mlp::CHECKPOINTS);
}
