//! The WebAssembly interface: `extern "C"` functions over static buffers.
//!
//! Each page gets its own module, built with one feature: `rnn` (lesson 1's exports, in
//! [`rnn`]) or `backprop` (lesson 2's, in [`backprop`]). The page writes its inputs as `f64`
//! into the buffer at [`input`], calls a function, and reads the results out of memory at the
//! pointers given here. A function that can fail returns 0 on success and 1 on an error,
//! whose text (the core's) is then at [`error_ptr`], for [`error_len`] bytes; a number that
//! cannot be computed comes back as NaN with the same text. The module is single-threaded:
//! each call runs to its end before the next.

use core::cell::UnsafeCell;

use unrolled::Error;

use crate::message::Message;

#[cfg(feature = "backprop")]
mod backprop;
#[cfg(feature = "rnn")]
mod rnn;

/// How many `f64` the page may hand in at once.
const INPUT_CAPACITY: usize = 4096;

/// A value the exports share between calls.
struct Global<T>(UnsafeCell<T>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has one thread.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    /// The value, for the length of one exported call.
    #[allow(clippy::mut_from_ref)]
    fn get(&self) -> &mut T {
        // SAFETY: one thread, and each export takes this reference at most once per global
        // and drops it before returning, so no two live references to one value exist.
        unsafe { &mut *self.0.get() }
    }
}

static INPUT: Global<[f64; INPUT_CAPACITY]> = Global(UnsafeCell::new([0.0; INPUT_CAPACITY]));
static MESSAGE: Global<Message> = Global(UnsafeCell::new(Message::new()));

/// 0 for `Ok`; 1 for `Err`, keeping its message.
fn status<T>(result: Result<T, Error>) -> u32 {
    match result {
        Ok(_) => {
            MESSAGE.get().clear();
            0
        }
        Err(e) => {
            MESSAGE.get().set(&e);
            1
        }
    }
}

/// The value, or NaN keeping the error's message.
fn number(result: Result<f64, Error>) -> f64 {
    match result {
        Ok(v) => {
            MESSAGE.get().clear();
            v
        }
        Err(e) => {
            MESSAGE.get().set(&e);
            f64::NAN
        }
    }
}

/// Where the page writes its inputs: [`input_capacity`] `f64`s.
#[unsafe(no_mangle)]
pub extern "C" fn input() -> *mut f64 {
    INPUT.get().as_mut_ptr()
}

/// How many `f64` the input buffer holds.
#[unsafe(no_mangle)]
pub extern "C" fn input_capacity() -> u32 {
    INPUT_CAPACITY as u32
}

/// The UTF-8 text of the last error.
#[unsafe(no_mangle)]
pub extern "C" fn error_ptr() -> *const u8 {
    MESSAGE.get().as_bytes().as_ptr()
}

/// The length in bytes of the last error's text (0 after a success).
#[unsafe(no_mangle)]
pub extern "C" fn error_len() -> u32 {
    MESSAGE.get().as_bytes().len() as u32
}

/// In release builds the panic handler calls a function defined nowhere, so a panicking path
/// that survives optimisation leaves an import of it in the module, and `cargo xtask wasm`
/// (which requires a module without imports) fails naming it; the page, which instantiates
/// the module with no imports, could not load it either. A debug build traps.
#[cfg(not(debug_assertions))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    unsafe extern "C" {
        /// Deliberately undefined: see the panic handler.
        fn explorer_wasm_has_a_panicking_path() -> !;
    }
    // SAFETY: never runs; a call that survives optimisation becomes a visible import.
    unsafe { explorer_wasm_has_a_panicking_path() }
}

/// Debug builds: trap.
#[cfg(debug_assertions)]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
