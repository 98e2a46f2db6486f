//! The native core's Rprop end point for a start the browser check read back from the page.
//!
//! `cargo run -p explorer --example native_rprop -- RESULTS KEY W_X W_REC`: reads the
//! dataset `rnn.KEY` and its Rprop settings from `RESULTS` (a `results.json`), runs the
//! core's `rprop` from the start given as the hex bits of two `f64`, and prints the final
//! `w_x`, `w_rec` and loss as hex bits, one per line.

use std::process::ExitCode;

use serde_json::Value;
use unrolled::optimise::{RpropConfig, rprop};
use unrolled::rnn::Weights;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("native_rprop: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [results, key, w_x, w_rec] = args.as_slice() else {
        return Err("usage: native_rprop RESULTS KEY W_X_BITS W_REC_BITS".into());
    };
    let text = std::fs::read_to_string(results).map_err(|e| format!("{results}: {e}"))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| format!("{results}: {e}"))?;
    // Value::pointer never panics, unlike indexing a Value.
    let at = |path: &str| {
        json.pointer(&format!("/rnn/{key}/{path}")).ok_or(format!(
            "{results}: no rnn.{key}.{}",
            path.replace('/', ".")
        ))
    };
    let numbers = |v: &Value| -> Result<Vec<f64>, String> {
        v.as_array()
            .ok_or(format!("{results}: rnn.{key}: not an array"))?
            .iter()
            .map(|x| {
                x.as_f64()
                    .ok_or(format!("{results}: rnn.{key}: not a number"))
            })
            .collect()
    };
    let rows = at("data/xs")?
        .as_array()
        .ok_or(format!("{results}: rnn.{key}.data.xs is not an array"))?
        .iter()
        .map(numbers)
        .collect::<Result<Vec<_>, _>>()?;
    let ts = numbers(at("data/ts")?)?;
    let pair = |path: &str| -> Result<[f64; 2], String> {
        <[f64; 2]>::try_from(numbers(at(path)?)?).map_err(|_| format!("{path}: not a pair"))
    };
    let number = |path: &str| at(path)?.as_f64().ok_or(format!("{path}: not a number"));
    let config = RpropConfig {
        eta_plus: number("rprop/settings/eta_plus")?,
        eta_minus: number("rprop/settings/eta_minus")?,
        delta_init: pair("rprop/settings/delta_init")?,
        prev_sign_init: pair("rprop/settings/prev_sign_init")?,
    };
    let iterations = at("rprop/settings/iterations")?
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or("iterations: not a u32")?;
    let bits = |h: &str| {
        u64::from_str_radix(h, 16)
            .map(f64::from_bits)
            .map_err(|e| format!("{h}: {e}"))
    };
    let mut w = Weights::new(bits(w_x)?, bits(w_rec)?);
    let summary = match rows.first().map(Vec::len) {
        Some(10) => rprop(
            &fixed::<10>(&rows)?,
            &ts,
            &mut w,
            &config,
            iterations,
            |_| {},
        ),
        Some(20) => rprop(
            &fixed::<20>(&rows)?,
            &ts,
            &mut w,
            &config,
            iterations,
            |_| {},
        ),
        other => return Err(format!("sequence length {other:?} is not compiled in")),
    }
    .map_err(|e| e.to_string())?;
    for v in [summary.weights.w_x, summary.weights.w_rec, summary.loss] {
        println!("{:016x}", v.to_bits());
    }
    Ok(())
}

fn fixed<const L: usize>(rows: &[Vec<f64>]) -> Result<Vec<[f64; L]>, String> {
    rows.iter()
        .map(|r| <[f64; L]>::try_from(r.as_slice()).map_err(|_| "ragged sequences".to_string()))
        .collect()
}
