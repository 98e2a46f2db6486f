#![no_std]
#![no_main]
//! Lesson 2 on a microcontroller: two Gaussian blobs from the course's seed and a 2-5-5-1 MLP
//! trained with SGD, in `f32`: loss checkpoints, final weights and accuracy as exact bits.
//!
//! The release build has no panicking path either, and the linker proves it: see [`panic`].

#[cfg(target_arch = "arm")]
use cortex_m_rt::entry;
#[cfg(target_arch = "riscv32")]
use riscv_rt::entry;
use unrolled_embedded_demo::Demo;

/// Run the demo, print its results and leave the emulator.
#[entry]
fn main() -> ! {
    unrolled_firmware::run_and_exit(Demo::Mlp)
}

/// In release builds the panic handler calls a function that exists nowhere, so the binary
/// links only if the optimiser removed every call to the panic handler: a release `mlp` that
/// links has no panicking path. (A debug build keeps bounds checks and so a real handler.)
#[cfg(not(debug_assertions))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    unsafe extern "Rust" {
        /// Deliberately undefined: see the panic handler.
        fn mlp_release_binary_has_a_panicking_path() -> !;
    }
    // SAFETY: never runs; a call that survives optimisation fails the link.
    unsafe { mlp_release_binary_has_a_panicking_path() }
}

/// Debug builds: report the panic and exit with failure.
#[cfg(debug_assertions)]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    unrolled_firmware::fail("error panic")
}
