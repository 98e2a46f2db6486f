//! What differs between the boards: where the stack lies, how it is painted, the fault
//! handler, and a free-running counter that times the quiet Rprop run.
//!
//! QEMU runs with `-icount shift=0`: its virtual clock advances exactly 1 ns per instruction,
//! so a timer clocked from it counts instructions (at its tick's resolution), and RISC-V's
//! `minstret` counts them exactly.

#[cfg(target_arch = "arm")]
unsafe extern "C" {
    /// Lowest address of the stack region (just above `.bss`), from cortex-m-rt's `link.x`.
    static _stack_end: u32;
    /// Initial stack pointer (the top of RAM), from cortex-m-rt's `link.x`.
    static _stack_start: u32;
}

#[cfg(target_arch = "riscv32")]
unsafe extern "C" {
    /// Lowest address of the stack region (above `.bss` and the empty heap), from riscv-rt.
    static __estack: u32;
    /// Initial stack pointer (the top of RAM), from riscv-rt's `link.x`.
    static _stack_start: u32;
}

/// The stack region: `(lowest address, top)`.
pub fn stack_bounds() -> (usize, usize) {
    #[cfg(target_arch = "arm")]
    let bottom = &raw const _stack_end as usize;
    #[cfg(target_arch = "riscv32")]
    let bottom = &raw const __estack as usize;
    (bottom, &raw const _stack_start as usize)
}

/// A hard fault (e.g. a stack overflow into the data) ends the run with failure, not a hang.
#[cfg(target_arch = "arm")]
#[cortex_m_rt::exception]
unsafe fn HardFault(_frame: &cortex_m_rt::ExceptionFrame) -> ! {
    crate::fail("error hard fault")
}

/// Any exception (illegal instruction, misaligned or faulting access) ends the run with
/// failure, not a hang.
#[cfg(target_arch = "riscv32")]
#[unsafe(export_name = "ExceptionHandler")]
fn exception_handler(_frame: &riscv_rt::TrapFrame) -> ! {
    crate::fail("error exception")
}

/// Nanoseconds per tick of [`ticks`], times two (the nRF51's timer ticks every 62.5 ns).
#[cfg(board = "mps2-an386")]
pub const TICK_NS_TIMES_2: u64 = 2 * 40;
/// Nanoseconds per tick of [`ticks`], times two (the nRF51's timer ticks every 62.5 ns).
#[cfg(board = "microbit")]
pub const TICK_NS_TIMES_2: u64 = 125;
/// Nanoseconds per tick of [`ticks`], times two (the nRF51's timer ticks every 62.5 ns).
#[cfg(board = "sifive_e")]
pub const TICK_NS_TIMES_2: u64 = 2;

/// The MPS2's first CMSDK APB timer: a 32-bit down-counter on the 25 MHz peripheral clock.
#[cfg(board = "mps2-an386")]
mod timer {
    const BASE: usize = 0x4000_0000;
    const CTRL: *mut u32 = BASE as *mut u32;
    const VALUE: *mut u32 = (BASE + 0x04) as *mut u32;
    const RELOAD: *mut u32 = (BASE + 0x08) as *mut u32;

    pub fn init() {
        // SAFETY: the timer's registers, on this board only; nothing else uses the timer.
        unsafe {
            RELOAD.write_volatile(u32::MAX);
            VALUE.write_volatile(u32::MAX);
            CTRL.write_volatile(1); // enable, no interrupt
        }
    }

    pub fn ticks() -> u32 {
        // SAFETY: a read of the timer's current value.
        u32::MAX - unsafe { VALUE.read_volatile() }
    }
}

/// The nRF51's TIMER0 in 32-bit timer mode, prescaler 0: 16 MHz.
#[cfg(board = "microbit")]
mod timer {
    const BASE: usize = 0x4000_8000;
    const TASKS_START: *mut u32 = BASE as *mut u32;
    const TASKS_CLEAR: *mut u32 = (BASE + 0x00c) as *mut u32;
    const TASKS_CAPTURE0: *mut u32 = (BASE + 0x040) as *mut u32;
    const MODE: *mut u32 = (BASE + 0x504) as *mut u32;
    const BITMODE: *mut u32 = (BASE + 0x508) as *mut u32;
    const PRESCALER: *mut u32 = (BASE + 0x510) as *mut u32;
    const CC0: *mut u32 = (BASE + 0x540) as *mut u32;

    pub fn init() {
        // SAFETY: the timer's registers, on this board only; nothing else uses the timer.
        unsafe {
            MODE.write_volatile(0); // timer, not counter
            BITMODE.write_volatile(3); // 32 bits
            PRESCALER.write_volatile(0);
            TASKS_CLEAR.write_volatile(1);
            TASKS_START.write_volatile(1);
        }
    }

    pub fn ticks() -> u32 {
        // SAFETY: capture the running count into CC[0], then read it.
        unsafe {
            TASKS_CAPTURE0.write_volatile(1);
            CC0.read_volatile()
        }
    }
}

/// RISC-V's `minstret`: instructions retired (low 32 bits), exact under `-icount`.
#[cfg(board = "sifive_e")]
mod timer {
    pub fn init() {}

    pub fn ticks() -> u32 {
        let low: u32;
        // SAFETY: reading a machine-mode counter CSR has no side effect.
        unsafe { core::arch::asm!("csrr {0}, minstret", out(reg) low, options(nomem, nostack)) };
        low
    }
}

/// Prepare the board before the demo runs: start the counter; on RISC-V, paint the stack
/// (cortex-m-rt paints it at reset on ARM).
pub fn init() {
    #[cfg(target_arch = "riscv32")]
    paint_stack();
    timer::init();
}

/// The board's free-running counter, [`TICK_NS_TIMES_2`]` / 2` ns per tick.
pub fn ticks() -> u32 {
    timer::ticks()
}

/// Fill the unused stack, from its bottom up to this function's own stack pointer, with
/// [`crate::STACK_PAINT`]. A leaf with no frame below its stack pointer, so it never
/// overwrites a live word; everything above it (the start-up code's and `main`'s frames)
/// counts as used.
#[cfg(target_arch = "riscv32")]
#[inline(never)]
fn paint_stack() {
    let sp: usize;
    // SAFETY: reads the stack pointer register.
    unsafe { core::arch::asm!("mv {0}, sp", out(reg) sp, options(nomem, nostack)) };
    let (mut addr, _) = stack_bounds();
    while addr + 4 <= sp {
        // SAFETY: RAM between the stack's bottom and the stack pointer is unused.
        unsafe { core::ptr::write_volatile(addr as *mut u32, crate::STACK_PAINT) };
        addr += 4;
    }
}
