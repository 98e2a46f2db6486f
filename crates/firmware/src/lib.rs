#![no_std]
//! What the demo binaries share: semihosting output without `core::fmt`, the stack's
//! high-water mark, and a clean exit with the run's status.
//!
//! Every line a binary prints is either a record (`name kind hexbits`, the same bytes the host
//! runner prints) or a line starting with `# ` that describes the run: `# stack_peak_bytes`,
//! then `# end ok` or `# error ...`. QEMU's exit code is 0 only after `# end ok`.

use cortex_m_semihosting::{debug, nr, syscall1};
use unrolled_embedded_demo::{Demo, Error, Line, Record, Sink, describe, line};

/// The value cortex-m-rt's `paint-stack` feature fills the stack with before `main`.
const STACK_PAINT: u32 = 0xcccc_cccc;

unsafe extern "C" {
    /// Lowest address of the stack region (just above `.bss`), from cortex-m-rt's `link.x`.
    static _stack_end: u32;
    /// Initial stack pointer (the top of RAM), from cortex-m-rt's `link.x`.
    static _stack_start: u32;
}

/// Print one line, followed by a newline, on the host's console (semihosting `SYS_WRITE0`).
pub fn print(line: &Line) {
    // The buffer is two bytes longer than any line: room for the newline, and the last byte
    // is never written, so the string handed to the host always ends in NUL.
    let mut buf = [0u8; line::CAPACITY + 2];
    let bytes = line.as_bytes();
    for (dst, &src) in buf.iter_mut().zip(bytes) {
        *dst = src;
    }
    if let Some(slot) = buf.get_mut(bytes.len()) {
        *slot = b'\n';
    }
    // SAFETY: SYS_WRITE0 reads a NUL-terminated string; `buf` ends in NUL and outlives the call.
    unsafe {
        syscall1(nr::WRITE0, buf.as_ptr() as usize);
    }
}

/// A line `# <text>`.
fn meta(text: &str) -> Line {
    let mut line = Line::new();
    line.push_str("# ");
    line.push_str(text);
    line
}

/// Prints each record as it arrives.
pub struct Semihosting;

impl Sink for Semihosting {
    fn record(&mut self, record: Record) {
        print(&Line::record(&record));
    }
}

/// Bytes of stack used so far: the distance from the stack's top to the lowest word that no
/// longer holds the start-up paint.
pub fn stack_peak_bytes() -> u32 {
    let bottom = &raw const _stack_end as usize;
    let top = &raw const _stack_start as usize;
    let mut addr = bottom;
    while addr < top {
        // SAFETY: every word between `_stack_end` and `_stack_start` is RAM, painted at reset.
        let word = unsafe { core::ptr::read_volatile(addr as *const u32) };
        if word != STACK_PAINT {
            break;
        }
        addr += 4;
    }
    (top - addr) as u32
}

/// Run `demo`, print its records and the stack's high-water mark, and exit QEMU with 0 on
/// success or 1 on an error.
pub fn run_and_exit(demo: Demo) -> ! {
    let result = unrolled_embedded_demo::run(demo, &mut Semihosting);
    finish(result)
}

/// Print the run's closing lines and leave the emulator with the run's status.
fn finish(result: Result<(), Error>) -> ! {
    let mut line = meta("stack_peak_bytes ");
    line.push_decimal(stack_peak_bytes());
    print(&line);
    match result {
        Ok(()) => {
            print(&meta("end ok"));
            exit(true)
        }
        Err(e) => {
            let (what, name) = describe(&e);
            let mut line = meta("error ");
            line.push_str(what);
            line.push(b' ');
            line.push_str(name);
            print(&line);
            exit(false)
        }
    }
}

/// Leave the emulator: exit code 0 when `ok`, 1 otherwise.
pub fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Without a semihosting host there is nothing to return to.
    loop {
        core::hint::spin_loop();
    }
}

/// Print `# <text>` and exit with failure: for fault and (debug build) panic handlers.
pub fn fail(text: &str) -> ! {
    print(&meta(text));
    exit(false)
}

/// A hard fault (e.g. a stack overflow into the data) ends the run with failure, not a hang.
#[cortex_m_rt::exception]
unsafe fn HardFault(_frame: &cortex_m_rt::ExceptionFrame) -> ! {
    fail("error hard fault")
}
