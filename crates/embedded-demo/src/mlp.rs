//! Lesson 2 on the board: a 2-5-5-1 MLP trained with SGD on two Gaussian blobs.

use crate::{COURSE_SEED, Error, Sink, fnv1a};
use unrolled::datasets::gaussian_blobs;
use unrolled::{Mlp2551, Params, RandomInit, RandomStream, Sgd, SquaredLoss, accuracy};

/// Points per class.
pub const PER_CLASS: usize = 100;
/// All points.
pub const POINTS: usize = 2 * PER_CLASS;
/// The seed of the network's random initial parameters (the course's `init_seed`).
pub const INIT_SEED: u64 = 7;
/// The settings of the SGD run: the course's learning rate and sample seed, fewer steps and
/// records (see [`crate::course::DIFFERENCES`]).
pub const SGD: Sgd<f32> = Sgd {
    learning_rate: 1e-3,
    iterations: 30_000,
    seed: 6,
    record_every: 1_000,
};
/// How many loss checkpoints the run records: `SGD.iterations / SGD.record_every`.
pub const CHECKPOINTS: usize = 30;

/// Run lesson 2 in `f32`, sending every result to `sink`.
///
/// Records: the dataset's checksums; the initial parameters' checksum; the mean loss at every
/// checkpoint and after the last step; all 51 final parameters; the accuracy on the blobs.
pub fn run(sink: &mut impl Sink) -> Result<(), Error> {
    let mut xs = [[0.0_f32; 2]; POINTS];
    let mut labels = [0.0_f32; POINTS];
    gaussian_blobs(COURSE_SEED, &mut xs, &mut labels)?;
    sink.u32("mlp.data.xs_fnv1a", fnv1a(xs.iter().flatten().copied()));
    sink.u32("mlp.data.labels_fnv1a", fnv1a(labels.iter().copied()));

    let mut net = Mlp2551::<f32>::random(&mut RandomStream::new(INIT_SEED));
    sink.u32("mlp.init.params_fnv1a", fnv1a(params(&net)));

    let mut history = [0.0_f32; CHECKPOINTS];
    let summary = SGD.train(&mut net, &SquaredLoss, &xs, &labels, &mut history)?;
    for (i, &loss) in history.iter().take(summary.recorded).enumerate() {
        sink.f32_at("mlp.sgd.loss", (i as u32) * (SGD.record_every as u32), loss);
    }
    sink.f32("mlp.sgd.final_loss", summary.final_loss);
    for (i, p) in params(&net).enumerate() {
        sink.f32_at("mlp.param", i as u32, p);
    }
    sink.f32("mlp.accuracy", accuracy(&mut net, &xs, &labels)?);
    Ok(())
}

/// Every parameter of `net`, in its flat order.
fn params(net: &Mlp2551<f32>) -> impl Iterator<Item = f32> + '_ {
    (0..net.param_count()).filter_map(|i| net.param(i))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::Record;
    use std::vec::Vec;

    struct Collect(Vec<Record>);
    impl Sink for Collect {
        fn record(&mut self, record: Record) {
            self.0.push(record);
        }
    }

    #[test]
    fn the_f32_run_learns_the_blobs() {
        let mut c = Collect(Vec::new());
        run(&mut c).unwrap();
        let f = |name: &str, index| {
            let r = c.0.iter().find(|r| r.name == name && r.index == index);
            f32::from_bits(r.unwrap().bits)
        };
        assert_eq!(SGD.history_len(), CHECKPOINTS);
        assert!(f("mlp.sgd.final_loss", None) < f("mlp.sgd.loss", Some(0)));
        assert!(f("mlp.accuracy", None) > 0.9);
        let params = c.0.iter().filter(|r| r.name == "mlp.param").count();
        assert_eq!(params, 51, "2·5+5 + 5·5+5 + 5+1 parameters");
    }
}
