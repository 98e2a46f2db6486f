//! The text of every `unrolled::Error`: what a user reads when a run is refused or stops.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a failure should stop the test loudly

use unrolled::Error;

#[test]
fn every_variant_says_what_went_wrong() {
    let cases = [
        (
            Error::InvalidHyperparameter {
                name: "eta_minus",
                expected: "in (0, 1)",
            },
            "invalid hyperparameter `eta_minus`: expected in (0, 1)",
        ),
        (
            Error::LengthMismatch {
                what: "targets",
                expected: 20,
                actual: 19,
            },
            "`targets` has length 19, expected 20",
        ),
        (Error::Empty { what: "sequences" }, "`sequences` is empty"),
        (
            Error::NonFinite {
                what: "gradient",
                iteration: 41,
            },
            "gradient became non-finite at iteration 41; parameters kept at their last finite values",
        ),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text, "{error:?}");
    }
}

#[test]
fn errors_from_the_api_read_as_documented() {
    use unrolled::optimise::{RpropConfig, rprop};
    use unrolled::rnn::{Weights, mse_loss};
    let xs = [[1.0_f64, 1.0]];
    let config = RpropConfig {
        eta_plus: 1.0,
        ..RpropConfig::notebook()
    };
    let refused = rprop(&xs, &[2.0], &mut Weights::new(0.0, 0.0), &config, 5, |_| {});
    assert_eq!(
        refused.map_err(|e| e.to_string()),
        Err("invalid hyperparameter `eta_plus`: expected finite and > 1".to_owned())
    );
    assert_eq!(
        mse_loss(&xs, &[], Weights::new(1.0, 1.0)).map_err(|e| e.to_string()),
        Err("`targets` has length 0, expected 1".to_owned())
    );
}

#[test]
fn the_error_is_a_std_error_without_a_source() {
    let error: &dyn core::error::Error = &Error::Empty { what: "samples" };
    assert!(error.source().is_none());
    assert_eq!(error.to_string(), "`samples` is empty");
}
