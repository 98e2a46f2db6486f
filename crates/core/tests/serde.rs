//! With the `serde` feature, hyperparameters and results round-trip through JSON unchanged.
#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used)] // test code: a failure should stop the test loudly

use unrolled::gradcheck::{Tolerance, gradient_check};
use unrolled::optimise::{RpropConfig, Summary, rprop};
use unrolled::rnn::{Grid, Weights};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + core::fmt::Debug>(
    value: &T,
) {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value, "{json}");
}

#[test]
fn lesson1_types_round_trip() {
    let xs = [[1.0_f64, 0.0, 1.0], [0.0, 1.0, 1.0]];
    let ts = [2.0, 2.0];
    let config = RpropConfig::<f64>::notebook();
    round_trip(&config);
    round_trip(&Tolerance::<f32>::default());
    round_trip(&Grid {
        w_x_min: -3.0,
        w_x_max: 3.0,
        w_rec_min: -3.0,
        w_rec_max: 3.0,
        points: 100,
    });
    let mut w = Weights::new(-1.5, 2.0);
    let summary: Summary<f64> = rprop(&xs, &ts, &mut w, &config, 50, round_trip).unwrap();
    round_trip(&summary);
    round_trip(&gradient_check(&xs, &ts, w, 1e-7, Tolerance::default()).unwrap());
}
