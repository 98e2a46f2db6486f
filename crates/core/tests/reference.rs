//! The core against the notebook: with the notebook's own dataset (numpy, seed 1), f64 BPTT,
//! the loss and Rprop reproduce the numbers the notebook's code computed.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a failure should stop the test loudly

use unrolled::gradcheck::{Tolerance, gradient_check};
use unrolled::optimise::{RpropConfig, rprop};
use unrolled::rnn::{Weights, bptt, mse_loss, output};

const REFERENCE: &str = include_str!("../../../data/reference/rnn_binary_seed1.json");

struct Reference {
    json: serde_json::Value,
    xs: Vec<[f64; 10]>,
    ts: Vec<f64>,
}

fn number(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap()
}

fn reference() -> Reference {
    let json: serde_json::Value = serde_json::from_str(REFERENCE).unwrap();
    let xs = json["X"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let row: Vec<f64> = row.as_array().unwrap().iter().map(number).collect();
            row.try_into().unwrap()
        })
        .collect();
    let ts = json["t"].as_array().unwrap().iter().map(number).collect();
    Reference { json, xs, ts }
}

fn assert_rel(got: f64, want: f64, rel: f64, what: &str) {
    let err = if want == 0.0 {
        got.abs()
    } else {
        ((got - want) / want).abs()
    };
    assert!(
        err <= rel,
        "{what}: got {got:e}, want {want:e}, relative error {err:e} > {rel:e}"
    );
}

#[test]
fn bptt_gradient_at_1_2_matches_the_notebook() {
    let r = reference();
    let at = &r.json["expected"]["gradient_at"];
    let w = Weights::new(number(&at["wx"]), number(&at["w_rec"]));
    let g = bptt(&r.xs, &r.ts, w).unwrap();
    assert_rel(g.d_w_x, number(&at["d_loss_d_wx"]), 1e-9, "d_loss_d_wx");
    assert_rel(
        g.d_w_rec,
        number(&at["d_loss_d_w_rec"]),
        1e-9,
        "d_loss_d_w_rec",
    );
    let check = gradient_check(&r.xs, &r.ts, w, 1e-7, Tolerance::default()).unwrap();
    assert!(check.passed(), "{check:?}");
}

#[test]
fn losses_match_the_notebook() {
    let r = reference();
    for (key, want) in r.json["expected"]["loss_at"].as_object().unwrap() {
        let (a, b) = key.split_once(',').unwrap();
        let w = Weights::new(a.parse().unwrap(), b.parse().unwrap());
        assert_rel(mse_loss(&r.xs, &r.ts, w).unwrap(), number(want), 1e-9, key);
    }
}

#[test]
fn f64_rprop_reproduces_the_printed_weights_and_test_output() {
    let r = reference();
    let e = &r.json["expected"]["rprop"];
    let pair = |key: &str| [number(&e[key][0]), number(&e[key][1])];
    let config = RpropConfig {
        eta_plus: number(&e["eta_plus"]),
        eta_minus: number(&e["eta_minus"]),
        delta_init: pair("delta_init"),
        prev_sign_init: pair("prev_sign_init"),
    };
    let [w_x, w_rec] = pair("w_init");
    let mut w = Weights::new(w_x, w_rec);
    let iterations = u32::try_from(e["iterations"].as_u64().unwrap()).unwrap();
    rprop(&r.xs, &r.ts, &mut w, &config, iterations, |_| {}).unwrap();
    assert_rel(w.w_x, number(&e["final_wx"]), 1e-12, "final_wx");
    assert_rel(w.w_rec, number(&e["final_w_rec"]), 1e-12, "final_w_rec");
    // The notebook printed str(float) of Python 2: 12 significant digits.
    assert_eq!(format!("{:.11}", w.w_x), "1.00135554721");
    assert_eq!(format!("{:.12}", w.w_rec), "0.999674473785");

    let test: Vec<f64> = e["test_sequence"]
        .as_array()
        .unwrap()
        .iter()
        .map(number)
        .collect();
    let y = output(&test, w);
    assert_rel(y, number(&e["test_output"]), 1e-12, "test_output");
    assert_eq!(format!("{y:.2}"), "5.00");
    assert_eq!(test.iter().sum::<f64>(), 5.0);
}

#[test]
fn f32_rprop_on_the_notebook_data_ends_near_one_one() {
    let r = reference();
    let xs: Vec<[f32; 10]> = r.xs.iter().map(|row| row.map(|v| v as f32)).collect();
    let ts: Vec<f32> = r.ts.iter().map(|&v| v as f32).collect();
    let mut w = Weights::new(-1.5f32, 2.0);
    rprop(&xs, &ts, &mut w, &RpropConfig::notebook(), 500, |_| {}).unwrap();
    assert!(
        (w.w_x - 1.0).abs() <= 1e-2 && (w.w_rec - 1.0).abs() <= 1e-2,
        "{w:?}"
    );
}
