//! Lesson 1's experiments, in the notebooks' order, on one dataset at a time.

use super::Progress;
use crate::config::{Generator, RnnConfig, RpropRunConfig, SequenceDataConfig};
use crate::error::Error;
use crate::results::{
    DataSource, DescentRun, GradientCheckResult, GradientOverTime, LossSurfaces, OverTimeCurve,
    RnnDataset, RnnResults, RpropRun, Sequences, Stopped, Surface, TestSequence, Trajectory,
};
use unrolled::gradcheck::gradient_check;
use unrolled::optimise::{Step, gradient_descent, rprop};
use unrolled::rnn::{Grid, OverTimeScale, Weights, gradient_over_time, loss_surface, output};
use unrolled::{Error as CoreError, datasets};

/// Every lesson 1 experiment on both datasets.
pub fn run(config: &RnnConfig, progress: &mut Progress<'_>) -> Result<RnnResults, Error> {
    Ok(RnnResults {
        binary: dataset("rnn.binary", &config.binary, config, progress)?,
        variant: dataset("rnn.variant", &config.variant, config, progress)?,
    })
}

/// Dispatch on the sequence length: the core needs it at compile time.
fn dataset(
    name: &str,
    data: &SequenceDataConfig,
    config: &RnnConfig,
    progress: &mut Progress<'_>,
) -> Result<RnnDataset, Error> {
    match data.sequence_length {
        10 => experiments::<10>(name, data, config, progress),
        20 => experiments::<20>(name, data, config, progress),
        other => Err(Error::config(format!(
            "sequence length {other} is not compiled in (supported: 10, 20)"
        ))
        .for_key(format!("{name}.sequence_length"))),
    }
}

fn experiments<const L: usize>(
    name: &str,
    data_config: &SequenceDataConfig,
    config: &RnnConfig,
    progress: &mut Progress<'_>,
) -> Result<RnnDataset, Error> {
    let key = |what: &str| format!("{name}.{what}");

    let (data, xs) = progress.time(&key("data"), || sequences::<L>(data_config))?;
    let ts = data.ts.clone();

    let gradient_check = progress.time(&key("gradient_check"), || {
        let c = &config.gradient_check;
        let at = Weights::new(c.at[0], c.at[1]);
        let check = gradient_check(&xs, &ts, at, c.eps, c.tolerance)?;
        Ok(GradientCheckResult {
            at,
            eps: c.eps,
            passed: check.passed(),
            check,
        })
    })?;

    let loss_surface = progress.time(&key("loss_surface"), || {
        Ok(LossSurfaces {
            overview: surface(&xs, &ts, data_config.overview, data_config.surface_points)?,
            zoom: surface(&xs, &ts, data_config.zoom, data_config.surface_points)?,
        })
    })?;

    let gradient_over_time = progress.time(&key("gradient_over_time"), || {
        let n = xs.len() as f64;
        let curves = config
            .over_time_points
            .iter()
            .map(|p| {
                let at = Weights::new(p[0], p[1]);
                let mut d_loss_d_state = vec![0.0; L + 1];
                gradient_over_time(&xs, &ts, at, OverTimeScale::MeanLoss, &mut d_loss_d_state)?;
                Ok(OverTimeCurve { at, d_loss_d_state })
            })
            .collect::<Result<_, CoreError>>()?;
        Ok(GradientOverTime {
            scale: OverTimeScale::MeanLoss,
            notebook_factor: n * n,
            curves,
        })
    })?;

    let rprop_main = progress.time(&key("rprop"), || rprop_run(&xs, &ts, &config.rprop))?;
    let rprop_other_start = progress.time(&key("rprop_other_start"), || {
        rprop_run(&xs, &ts, &config.rprop_other_start)
    })?;

    let gradient_descent = progress.time(&key("gradient_descent"), || {
        let settings = config.gradient_descent;
        let mut w = Weights::new(settings.start[0], settings.start[1]);
        let mut trajectory = Trajectory::default();
        let outcome = gradient_descent(
            &xs,
            &ts,
            &mut w,
            settings.learning_rate,
            settings.iterations,
            |step| record(&mut trajectory, step),
        );
        let stopped = match outcome {
            Ok(summary) => {
                push(&mut trajectory, summary.weights, summary.loss);
                None
            }
            Err(e @ CoreError::NonFinite { iteration, .. }) => Some(Stopped {
                iteration,
                reason: e.to_string(),
            }),
            Err(e) => return Err(e),
        };
        Ok(DescentRun {
            settings,
            final_weights: Weights::new(
                trajectory.w_x.last().copied().unwrap_or(settings.start[0]),
                trajectory
                    .w_rec
                    .last()
                    .copied()
                    .unwrap_or(settings.start[1]),
            ),
            final_loss: trajectory.loss.last().copied().unwrap_or(f64::NAN),
            trajectory,
            stopped,
        })
    })?;

    let test_sequence = progress.time(&key("test_sequence"), || {
        let sequence = config.test_sequence.clone();
        Ok(TestSequence {
            target: sequence.iter().sum(),
            output: output(&sequence, rprop_main.final_weights),
            sequence,
        })
    })?;

    Ok(RnnDataset {
        data,
        gradient_check,
        loss_surface,
        gradient_over_time,
        rprop: rprop_main,
        rprop_other_start,
        gradient_descent,
        test_sequence,
    })
}

/// The dataset, from its file or its seeded generator, as results and as fixed-length rows.
fn sequences<const L: usize>(
    config: &SequenceDataConfig,
) -> Result<(Sequences, Vec<[f64; L]>), CoreError> {
    let n = config.samples;
    let (source, xs, ts) = match (&config.file, &config.loaded) {
        (Some(path), Some(file)) => {
            let xs = file
                .xs
                .iter()
                .map(|row| {
                    <[f64; L]>::try_from(row.as_slice()).map_err(|_| CoreError::LengthMismatch {
                        what: "sequence",
                        expected: L,
                        actual: row.len(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let source = DataSource::File { path: path.clone() };
            (source, xs, file.ts.clone())
        }
        _ => {
            let (mut xs, mut ts) = (vec![[0.0; L]; n], vec![0.0; n]);
            match config.generator {
                Generator::Binary => datasets::binary_sequences(config.seed, &mut xs, &mut ts)?,
                Generator::Variant => datasets::variant_sequences(config.seed, &mut xs, &mut ts)?,
            }
            let source = DataSource::Seeded {
                generator: config.generator,
                seed: config.seed,
            };
            (source, xs, ts)
        }
    };
    let data = Sequences {
        source,
        samples: xs.len(),
        sequence_length: L,
        xs: xs.iter().map(|r| r.to_vec()).collect(),
        ts,
    };
    Ok((data, xs))
}

/// The loss over the square grid `range²` with `points` values per axis.
fn surface<const L: usize>(
    xs: &[[f64; L]],
    ts: &[f64],
    range: [f64; 2],
    points: usize,
) -> Result<Surface, CoreError> {
    let grid = Grid {
        w_x_min: range[0],
        w_x_max: range[1],
        w_rec_min: range[0],
        w_rec_max: range[1],
        points,
    };
    let mut loss = vec![0.0; points * points];
    loss_surface(xs, ts, &grid, &mut loss)?;
    Ok(Surface {
        w_x: range,
        w_rec: range,
        points,
        min_loss: loss.iter().copied().fold(f64::INFINITY, f64::min),
        max_loss: loss.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        loss: loss.iter().map(|&v| v as f32).collect(),
    })
}

/// One Rprop run with its whole trajectory.
fn rprop_run<const L: usize>(
    xs: &[[f64; L]],
    ts: &[f64],
    settings: &RpropRunConfig,
) -> Result<RpropRun, CoreError> {
    let mut w = Weights::new(settings.start[0], settings.start[1]);
    let mut trajectory = Trajectory::default();
    let summary = rprop(
        xs,
        ts,
        &mut w,
        &settings.rule,
        settings.iterations,
        |step| record(&mut trajectory, step),
    )?;
    push(&mut trajectory, summary.weights, summary.loss);
    Ok(RpropRun {
        settings: *settings,
        trajectory,
        final_weights: summary.weights,
        final_loss: summary.loss,
    })
}

fn record(trajectory: &mut Trajectory, step: &Step<f64>) {
    push(trajectory, step.weights, step.loss);
}

fn push(trajectory: &mut Trajectory, w: Weights<f64>, loss: f64) {
    trajectory.w_x.push(w.w_x);
    trajectory.w_rec.push(w.w_rec);
    trajectory.loss.push(loss);
}
