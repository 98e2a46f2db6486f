#![no_std]
//! What the demo binaries share on every board: semihosting output without `core::fmt`, the
//! stack's high-water mark, an instruction count for the quiet Rprop run, and a clean exit
//! with the run's status.
//!
//! Every line a binary prints is either a record (`name kind hexbits`, the same bytes the host
//! runner prints) or a line starting with `# ` that describes the run: `# rprop_instructions`,
//! `# stack_peak_bytes`, then `# end ok` or `# error ...`. QEMU's exit code is 0 only after
//! `# end ok`.
//!
//! The board (QEMU machine) is chosen by the target in `build.rs`, which sets `cfg(board)`:
//! `mps2-an386` (Cortex-M4F), `microbit` (Cortex-M0), `sifive_e` (RV32IMAC).

mod board;

#[cfg(target_arch = "arm")]
use cortex_m_semihosting::{debug, nr, syscall1};
#[cfg(target_arch = "riscv32")]
use riscv_semihosting::{debug, nr, syscall1};
use unrolled_embedded_demo::{Demo, Error, Line, Mark, Record, Sink, describe, line};

/// The value the stack is filled with before `main` runs (cortex-m-rt's `paint-stack` value).
const STACK_PAINT: u32 = 0xcccc_cccc;

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

/// Prints each record as it arrives, and counts the instructions between the quiet Rprop
/// run's marks.
pub struct Semihosting {
    /// The board's tick counter at [`Mark::QuietRpropStart`].
    start: u32,
    /// Ticks between the two marks, once both were reached.
    rprop_ticks: Option<u32>,
}

impl Sink for Semihosting {
    fn record(&mut self, record: Record) {
        print(&Line::record(&record));
    }

    fn mark(&mut self, mark: Mark) {
        let now = board::ticks();
        match mark {
            Mark::QuietRpropStart => self.start = now,
            // The counters are 32 bits wide: the difference is right across one wrap.
            Mark::QuietRpropEnd => self.rprop_ticks = Some(now.wrapping_sub(self.start)),
        }
    }
}

/// Bytes of stack used so far: the distance from the stack's top to the lowest word that no
/// longer holds the start-up paint.
pub fn stack_peak_bytes() -> u32 {
    let (bottom, top) = board::stack_bounds();
    let mut addr = bottom;
    while addr < top {
        // SAFETY: every word between the stack's bottom and top is RAM, painted at reset.
        let word = unsafe { core::ptr::read_volatile(addr as *const u32) };
        if word != STACK_PAINT {
            break;
        }
        addr += 4;
    }
    (top - addr) as u32
}

/// Run `demo`, print its records, the quiet Rprop run's instruction count and the stack's
/// high-water mark, and exit QEMU with 0 on success or 1 on an error.
pub fn run_and_exit(demo: Demo) -> ! {
    board::init();
    let mut sink = Semihosting {
        start: 0,
        rprop_ticks: None,
    };
    let result = unrolled_embedded_demo::run(demo, &mut sink);
    if let Some(ticks) = sink.rprop_ticks {
        // Under `-icount shift=0` QEMU's virtual clock advances 1 ns per instruction.
        let ns = u64::from(ticks) * board::TICK_NS_TIMES_2 / 2;
        let mut line = meta("rprop_instructions ");
        match u32::try_from(ns) {
            Ok(n) => line.push_decimal(n),
            Err(_) => line.push_str("overflow"),
        }
        print(&line);
    }
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
