//! The bench's sizes, seeds and hyperparameters, read from `course.toml`: the one place the
//! course's values are written. Both sides get them from here: the core's workloads directly,
//! the numpy scripts as one JSON line (see [`Settings::to_json`]).

use serde_json::{Value, json};
use unrolled::Sgd;
use unrolled::optimise::RpropConfig;

/// Everything a workload needs to know, in the core's own types where there are some.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Lesson 1's canonical Rprop run.
    pub rprop: RpropConfig<f64>,
    /// Where Rprop starts, `(w_x, w_rec)`.
    pub rprop_start: [f64; 2],
    /// Rprop iterations.
    pub rprop_iterations: u32,
    /// Points per axis of each loss-surface panel.
    pub surface_points: usize,
    /// The two panels' ranges (the same for both weights): overview, zoom.
    pub surface_panels: [[f64; 2]; 2],
    /// The gradient check's point `(w_x, w_rec)` and step.
    pub gradient_check_at: [f64; 2],
    /// The gradient check's step ε.
    pub gradient_check_eps: f64,
    /// Lesson 2's data: seed of the blobs and points per class.
    pub data_seed: u64,
    /// Points per blob (two blobs).
    pub samples_per_class: usize,
    /// The linear model with the squared loss.
    pub linear: Sgd<f64>,
    /// The hinge classifier the data are optimised against.
    pub classifier: Sgd<f64>,
    /// Moving the data against it (`record_every` unused).
    pub optimise_data: Sgd<f64>,
    /// The 2-5-5-1 MLP.
    pub mlp: Sgd<f64>,
    /// The seed of the MLP's initial weights.
    pub mlp_init_seed: u64,
    /// The deep 2-10-100-30-10-1 ReLU net.
    pub deep_relu: Sgd<f64>,
    /// The seed of the deep net's initial weights.
    pub deep_relu_init_seed: u64,
}

impl Settings {
    /// The settings of the checked-in `course.toml`. The only function that knows the
    /// config's field names.
    pub fn from_course(c: &unrolled_report::Config) -> Self {
        let (l1, l2) = (&c.rnn, &c.backprop);
        // The config holds the core's own types: nothing to translate.
        let r = &l1.rprop;
        Self {
            rprop: r.rule,
            rprop_start: r.start,
            rprop_iterations: r.iterations,
            surface_points: l1.binary.surface_points,
            surface_panels: [l1.binary.overview, l1.binary.zoom],
            gradient_check_at: l1.gradient_check.at,
            gradient_check_eps: l1.gradient_check.eps,
            data_seed: l2.data_seed,
            samples_per_class: l2.samples_per_class,
            linear: l2.squared,
            classifier: l2.data_classifier,
            optimise_data: l2.optimise_data,
            mlp: l2.mlp.sgd,
            mlp_init_seed: l2.mlp.init_seed,
            deep_relu: l2.deep_relu.sgd,
            deep_relu_init_seed: l2.deep_relu.init_seed,
        }
    }

    /// What the numpy scripts need (`configure` in `python/serve.py`): sizes, iterations,
    /// step sizes and record intervals. numpy draws with its own generator, so lesson 2's
    /// seeds are not passed; lesson 1 runs on the notebook's own draw on both sides.
    pub fn to_json(&self) -> Value {
        let sgd = |s: &Sgd<f64>| {
            json!({"learning_rate": s.learning_rate, "iterations": s.iterations,
                   "record_every": s.record_every})
        };
        json!({
            "rprop": {
                "eta_plus": self.rprop.eta_plus,
                "eta_minus": self.rprop.eta_minus,
                "delta": self.rprop.delta_init,
                "prev_sign": self.rprop.prev_sign_init,
                "start": self.rprop_start,
                "iterations": self.rprop_iterations,
            },
            "surface": {"points": self.surface_points, "panels": self.surface_panels},
            "gradient_check": {"at": self.gradient_check_at, "eps": self.gradient_check_eps},
            "samples_per_class": self.samples_per_class,
            "linear": sgd(&self.linear),
            "classifier": sgd(&self.classifier),
            "optimise_data": sgd(&self.optimise_data),
            "mlp": sgd(&self.mlp),
            "deep_relu": sgd(&self.deep_relu),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_course_file_gives_the_notebooks_values() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../course.toml");
        let s = Settings::from_course(&unrolled_report::Config::load(&path).unwrap());
        assert_eq!(s.rprop, RpropConfig::notebook());
        assert_eq!((s.rprop_start, s.rprop_iterations), ([-1.5, 2.0], 500));
        assert_eq!((s.mlp.seed, s.mlp_init_seed), (6, 7));
        assert_eq!((s.mlp.iterations, s.mlp.record_every), (100_000, 100));
        assert_eq!(s.samples_per_class, 1000);
        let j = s.to_json();
        assert_eq!(j["mlp"]["record_every"], 100);
        assert_eq!(j["surface"]["panels"][1][0], -0.1);
    }
}
