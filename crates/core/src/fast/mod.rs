//! Fast paths: the arithmetic of the plain functions the course shows, in layouts the CPU
//! runs side by side.
//!
//! Every function here computes exactly the operations of its plain form, in the same order,
//! so its results are the same to the last bit; only the loop nesting and the memory layout
//! differ, so that independent work (sequences, grid points, samples) fills the CPU's
//! pipelines and SIMD lanes. Each one names its plain form and is tested bit for bit against
//! it, in `f32` and `f64`, on random and edge-case inputs.
//!
//! | fast path | plain form |
//! | --- | --- |
//! | [`bptt::loss_and_gradients`] (four sequences at once) | [`crate::rnn::loss_and_gradients`] |
//! | [`surface::mse_losses`] (several weights at once) | [`crate::rnn::mse_loss`] |
//! | [`dense::pre_activations`] (four units at once) | the plain double loop over units and inputs (in its test) |
//! | [`Layer::forward_many`](crate::Layer::forward_many) (samples as columns) | [`Layer::forward`](crate::Layer::forward) |
//! | [`Model::predict_many`](crate::Model::predict_many) and [`crate::mean_loss`] | [`Model::predict`](crate::Model::predict), one sample at a time |
//! | `Params::apply_step` / `step_is_finite` of each layer (direct loops) | the trait's defaults, by flat index |
//! | [`columns::Columns`] (a dense layer with a column-major copy of its weights, in training) | [`Dense`](crate::Dense) itself |
//! | [`Sgd::train`](crate::Sgd::train) on the views of [`view`] | the same steps on the model itself |

pub(crate) mod bptt;
pub(crate) mod columns;
pub(crate) mod dense;
pub(crate) mod surface;
pub(crate) mod view;

#[cfg(test)]
mod batch;
#[cfg(test)]
pub(crate) mod edge;
#[cfg(test)]
mod training;
