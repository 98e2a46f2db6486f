//! `cargo xtask embedded`: build the demo firmware for every board, run it under QEMU, check
//! every printed number against the host bit for bit, and measure what it costs in flash, RAM
//! and instructions. Then check that the core packages as a crate (`publish_check`).
//!
//! To add a target: a row in [`BOARDS`] (and in `setup::TARGETS`, and `setup::PROGRAMS` if it
//! needs another QEMU), a row in the firmware's `build.rs` with its `memory/<board>.x`, a runner in its
//! `.cargo/config.toml`, and a timer in its `src/board.rs`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::run as run_command;

/// The firmware crate, relative to the workspace root (its own workspace, microcontrollers only).
const FIRMWARE_DIR: &str = "crates/firmware";
/// How long one firmware run may take before it is killed.
const QEMU_TIMEOUT: Duration = Duration::from_secs(300);
/// The demo binaries, in the order they run.
const DEMOS: [&str; 2] = ["rnn", "mlp"];

/// What one binary may cost on one board, in bytes: flash, and RAM (static RAM + peak stack).
#[derive(Clone, Copy)]
struct Budget {
    flash: u64,
    ram: u64,
}

/// The budgets: `rnn` 16 KB flash / 4 KB RAM, `mlp` 24 KB / 8 KB.
const RNN_BUDGET: Budget = Budget {
    flash: 16 * 1024,
    ram: 4 * 1024,
};
const MLP_BUDGET: Budget = Budget {
    flash: 24 * 1024,
    ram: 8 * 1024,
};

/// One target, the QEMU board it runs on, and its budgets (`rnn`, `mlp`).
struct Board {
    target: &'static str,
    /// QEMU's `-machine` name (also `build.rs`'s board name).
    machine: &'static str,
    /// The core, for the table.
    cpu: &'static str,
    qemu: &'static str,
    /// Arguments before `-machine` (e.g. `-cpu`).
    qemu_cpu_args: &'static [&'static str],
    budgets: [Budget; 2],
}

const BOARDS: [Board; 3] = [
    Board {
        target: "thumbv7em-none-eabihf",
        machine: "mps2-an386",
        cpu: "Cortex-M4F",
        qemu: "qemu-system-arm",
        qemu_cpu_args: &["-cpu", "cortex-m4"],
        budgets: [RNN_BUDGET, MLP_BUDGET],
    },
    Board {
        target: "thumbv6m-none-eabi",
        machine: "microbit",
        cpu: "Cortex-M0",
        qemu: "qemu-system-arm",
        qemu_cpu_args: &[],
        budgets: [RNN_BUDGET, MLP_BUDGET],
    },
    // `rnn` fits the budgets. `mlp` cannot on RISC-V without changing its numbers: its
    // Box-Muller draws need libm's `f64` `log`, `sqrt` and `sincos`, whose argument reduction
    // links the large-argument path (about 3.5 KB with its tables, never taken for angles in
    // [0, 2π)), and RISC-V's soft-float routines are larger than Thumb's (see the README, "What
    // it costs"). Measured 25.5 KB; 26 KB is the tightest whole kilobyte above it.
    Board {
        target: "riscv32imac-unknown-none-elf",
        machine: "sifive_e",
        cpu: "RV32IMAC",
        qemu: "qemu-system-riscv32",
        qemu_cpu_args: &[],
        budgets: [
            RNN_BUDGET,
            Budget {
                flash: 26 * 1024,
                ram: 8 * 1024,
            },
        ],
    },
];

/// What one binary costs on one board, and how its run went.
struct Row {
    board: &'static Board,
    demo: &'static str,
    budget: Budget,
    flash: u64,
    static_ram: u64,
    stack: u64,
    /// Instructions of the quiet Rprop run (`rnn` only).
    rprop_instructions: Option<u64>,
    /// Rprop iterations of that run, from the `rnn.rprop.iterations` record.
    rprop_iterations: Option<u64>,
    /// Numbers identical to the host's, and numbers in all.
    identical: usize,
    numbers: usize,
}

impl Row {
    fn ram(&self) -> u64 {
        self.static_ram + self.stack
    }
}

/// `cargo xtask embedded`.
pub fn run() -> Result<(), String> {
    let root = crate::workspace_root();
    let firmware = root.join(FIRMWARE_DIR);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let targets: Vec<(&str, &str)> = BOARDS
        .iter()
        .map(|b| (b.target, "the demo firmware"))
        .collect();
    crate::setup::ensure_targets(&targets)?;
    let programs: Vec<&crate::setup::Program> = crate::setup::PROGRAMS
        .iter()
        .filter(|p| BOARDS.iter().any(|b| b.qemu == p.command))
        .collect();
    crate::setup::ensure_programs(&programs)?;

    // The firmware is its own workspace: lint and build it from its folder, so its
    // `.cargo/config.toml` (runners, linker script) applies. One target at a time: each
    // release build is a fat-LTO link.
    let manifest = firmware.join("Cargo.toml");
    let manifest = manifest.to_string_lossy();
    run_command(&cargo, &["fmt", "--manifest-path", &manifest, "--check"])?;
    for board in &BOARDS {
        let t = board.target;
        let lint = [
            "clippy",
            "--release",
            "--locked",
            "--target",
            t,
            "--",
            "-D",
            "warnings",
        ];
        run_in(&firmware, &cargo, &lint)?;
        // Linking the release `rnn` (and `mlp`) is the proof that no panicking path is left:
        // their panic handler calls an undefined function, so a surviving panic call fails
        // the link, on every target.
        run_in(&firmware, &cargo, &["build", "--release", "--locked", "--target", t])
            .map_err(|e| format!("{e}\n(an undefined `*_release_binary_has_a_panicking_path` symbol means a panic path survived optimisation on {t})"))?;
    }
    run_in(
        &root,
        &cargo,
        &[
            "build",
            "--release",
            "-p",
            "unrolled-embedded-demo",
            "--bin",
            "embedded-demo-host",
        ],
    )?;
    let host_exe = root
        .join("target/release/embedded-demo-host")
        .with_extension(std::env::consts::EXE_EXTENSION);
    let mut host = BTreeMap::new();
    for demo in DEMOS {
        host.insert(demo, run_host(&host_exe, demo)?);
    }

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for board in &BOARDS {
        let elf_dir = firmware.join("target").join(board.target).join("release");
        for (demo, budget) in DEMOS.into_iter().zip(board.budgets) {
            let elf = elf_dir.join(demo);
            let what = format!("{demo} on {} ({})", board.machine, board.target);
            let run = run_qemu(board, &elf)?;
            let host_lines = host.get(demo).map_or(&[][..], Vec::as_slice);
            let numbers = host_lines.len();
            let identical = match compare(demo, &run.records, host_lines) {
                Ok(n) => {
                    eprintln!("xtask: {what}: all {n} numbers bit-for-bit identical to the host");
                    n
                }
                Err(report) => {
                    failures.push(format!("{what}: {report}"));
                    count_identical(&run.records, host_lines)
                }
            };
            let bytes =
                std::fs::read(&elf).map_err(|e| format!("reading {}: {e}", elf.display()))?;
            let (flash, static_ram) = footprint(&elf32_sections(&bytes)?);
            let row = Row {
                board,
                demo,
                budget,
                flash,
                static_ram,
                stack: run.stack_peak,
                rprop_instructions: run.rprop_instructions,
                rprop_iterations: record_value(&run.records, "rnn.rprop.iterations"),
                identical,
                numbers,
            };
            if row.flash > budget.flash {
                failures.push(format!(
                    "{what}: flash {} B exceeds its budget of {} B",
                    row.flash, budget.flash
                ));
            }
            if row.ram() > budget.ram {
                failures.push(format!(
                    "{what}: static RAM + peak stack {} B exceeds its budget of {} B",
                    row.ram(),
                    budget.ram
                ));
            }
            rows.push(row);
        }
    }
    print_table(&rows);
    if !failures.is_empty() {
        return Err(failures.join("\n"));
    }
    eprintln!(
        "xtask: embedded: every binary ran on every board, matches the host and fits its budget"
    );
    publish_check()
}

/// The core as a crate people depend on: `cargo publish --dry-run -p unrolled` (packages the
/// crate alone and builds it from the package, as crates.io would; `--allow-dirty` so it also
/// runs on a work tree with edits), its README's example as a doc-test, and its examples run.
pub fn publish_check() -> Result<(), String> {
    let root = crate::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run_in(
        &root,
        &cargo,
        &[
            "publish",
            "--dry-run",
            "--locked",
            "--allow-dirty",
            "-p",
            "unrolled",
        ],
    )?;
    run_in(
        &root,
        &cargo,
        &["test", "--locked", "-p", "unrolled", "--doc"],
    )?;
    for example in EXAMPLES {
        run_in(
            &root,
            &cargo,
            &["run", "--locked", "-p", "unrolled", "--example", example],
        )?;
    }
    eprintln!("xtask: the core packages, its README example and its examples run");
    Ok(())
}

/// The core's examples (`crates/core/examples/`), each run by [`publish_check`].
const EXAMPLES: [&str; 2] = ["rprop", "mlp"];

/// `run`, in another folder.
fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    crate::run_command(Command::new(program).args(args).current_dir(dir))
}

/// Flash (every allocated section with contents: vector table, code, read-only data, the
/// initial values of `.data`) and static RAM (`.data` and the zeroed or uninitialised
/// sections) of a linked ELF. riscv-rt's `.stack` and `.heap` only reserve the rest of RAM
/// for the stack (measured by paint instead) and an empty heap: they are not counted.
fn footprint(sections: &[Section]) -> (u64, u64) {
    let (mut flash, mut ram) = (0, 0);
    for s in sections.iter().filter(|s| s.flags & SHF_ALLOC != 0) {
        if s.kind != SHT_NOBITS {
            flash += s.size;
            if s.name == ".data" {
                ram += s.size;
            }
        } else if s.name != ".stack" && s.name != ".heap" {
            ram += s.size;
        }
    }
    (flash, ram)
}

/// What a firmware run printed.
struct BoardRun {
    records: Vec<String>,
    stack_peak: u64,
    rprop_instructions: Option<u64>,
}

/// The QEMU command line for `elf` on `board`. `-icount shift=0` makes the virtual clock
/// advance 1 ns per instruction, so the firmware's timers count instructions.
fn qemu_args(board: &Board, elf: &str) -> Vec<String> {
    let mut args: Vec<String> = board.qemu_cpu_args.iter().map(|a| (*a).into()).collect();
    for a in [
        "-machine",
        board.machine,
        "-nographic",
        "-semihosting-config",
        "enable=on,target=native",
        "-icount",
        "shift=0",
        "-kernel",
        elf,
    ] {
        args.push(a.into());
    }
    args
}

/// Run `elf` under `board`'s QEMU, killing it after [`QEMU_TIMEOUT`]; it must exit 0 after
/// `# end ok`.
fn run_qemu(board: &Board, elf: &Path) -> Result<BoardRun, String> {
    let qemu = board.qemu;
    let args = qemu_args(board, &elf.to_string_lossy());
    eprintln!("$ {qemu} {}", args.join(" "));
    let mut child = Command::new(qemu)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{qemu}`: {e}"))?;
    // Drain both pipes on their own threads so a chatty run cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > QEMU_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for `{qemu}`: {e}")),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    // QEMU prints the semihosting console on stderr; accept either stream.
    let text = format!("{stdout}\n{stderr}");
    let name = elf.file_name().map_or_else(String::new, |n| {
        format!("{} on {}", n.to_string_lossy(), board.machine)
    });
    let ended_ok = text.lines().any(|l| l.trim() == "# end ok");
    match status {
        None => {
            return Err(format!(
                "{name}: killed after {} s without exiting; it printed:\n{text}",
                QEMU_TIMEOUT.as_secs()
            ));
        }
        Some(s) if !s.success() || !ended_ok => {
            return Err(format!(
                "{name}: the board run failed ({s}); it printed:\n{text}"
            ));
        }
        Some(_) => {}
    }
    let mut records = Vec::new();
    let mut stack_peak = None;
    let mut rprop_instructions = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(meta) = line.strip_prefix("# ") {
            if let Some(v) = meta.strip_prefix("stack_peak_bytes ") {
                stack_peak = v.trim().parse::<u64>().ok();
            } else if let Some(v) = meta.strip_prefix("rprop_instructions ") {
                rprop_instructions = Some(
                    v.trim()
                        .parse::<u64>()
                        .map_err(|_| format!("{name}: unreadable instruction count `{line}`"))?,
                );
            }
        } else {
            records.push(line.to_string());
        }
    }
    let stack_peak =
        stack_peak.ok_or_else(|| format!("{name}: no `# stack_peak_bytes` line in:\n{text}"))?;
    Ok(BoardRun {
        records,
        stack_peak,
        rprop_instructions,
    })
}

/// Run the same demo on the host, in `f32`; its lines, one per record.
fn run_host(exe: &Path, demo: &str) -> Result<Vec<String>, String> {
    eprintln!("$ {} {demo}", exe.display());
    let out = Command::new(exe)
        .arg(demo)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not start {}: {e}", exe.display()))?;
    if !out.status.success() {
        return Err(format!(
            "host run of {demo} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// A record line split into name and value: `name kind hex`.
fn split_record(line: &str) -> Option<(&str, &str, u32)> {
    let mut parts = line.split(' ');
    let (name, kind, hex) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || hex.len() != 8 {
        return None;
    }
    Some((name, kind, u32::from_str_radix(hex, 16).ok()?))
}

/// A value for people: the hex bits and, for an `f32`, its decimal value.
fn show(kind: &str, bits: u32) -> String {
    if kind == "f32" {
        format!("{bits:08x} ({:e})", f32::from_bits(bits))
    } else {
        format!("{bits:08x} ({bits})")
    }
}

/// Ok(number of records) if the board printed exactly the host's records, bit for bit, in the
/// same order; otherwise a report listing every value that differs or is missing.
fn compare(demo: &str, board: &[String], host: &[String]) -> Result<usize, String> {
    let parse = |lines: &[String], side: &str| -> Result<BTreeMap<String, (String, u32)>, String> {
        let mut map = BTreeMap::new();
        for line in lines {
            let (name, kind, bits) = split_record(line)
                .ok_or_else(|| format!("{demo}: unreadable {side} line `{line}`"))?;
            if map
                .insert(name.to_string(), (kind.to_string(), bits))
                .is_some()
            {
                return Err(format!("{demo}: {side} printed `{name}` twice"));
            }
        }
        Ok(map)
    };
    let b = parse(board, "board")?;
    let h = parse(host, "host")?;
    if h.is_empty() {
        return Err(format!("{demo}: the host printed no numbers"));
    }
    let mut diffs = Vec::new();
    for (name, (kind, hb)) in &h {
        match b.get(name) {
            None => diffs.push(format!("  {name}: host {}, board missing", show(kind, *hb))),
            Some((bk, bb)) if bk != kind || bb != hb => diffs.push(format!(
                "  {name}: host {}, board {}",
                show(kind, *hb),
                show(bk, *bb)
            )),
            Some(_) => {}
        }
    }
    for (name, (kind, bb)) in &b {
        if !h.contains_key(name) {
            diffs.push(format!("  {name}: board {}, host missing", show(kind, *bb)));
        }
    }
    if diffs.is_empty() && board != host {
        diffs.push("  the same values, printed in a different order".into());
    }
    if diffs.is_empty() {
        Ok(h.len())
    } else {
        Err(format!(
            "{demo}: {} of {} numbers differ between the board and the host:\n{}",
            diffs.len(),
            h.len().max(b.len()),
            diffs.join("\n")
        ))
    }
}

/// The value of the record `name` (no index), as an integer.
fn record_value(records: &[String], name: &str) -> Option<u64> {
    records
        .iter()
        .filter_map(|l| split_record(l))
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, bits)| u64::from(bits))
}

/// How many of the host's records the board printed with the same kind and bits.
fn count_identical(board: &[String], host: &[String]) -> usize {
    let board: BTreeMap<&str, (&str, u32)> = board
        .iter()
        .filter_map(|l| split_record(l))
        .map(|(n, k, b)| (n, (k, b)))
        .collect();
    host.iter()
        .filter_map(|l| split_record(l))
        .filter(|(n, k, b)| board.get(n) == Some(&(*k, *b)))
        .count()
}

/// `n` with a thin space every three digits, as the README writes numbers: `17 758`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Instructions per Rprop iteration, to one decimal, or `n/a`.
fn per_iteration(row: &Row) -> String {
    match (row.rprop_instructions, row.rprop_iterations) {
        (Some(n), Some(it)) if it > 0 => {
            let tenths = (n * 10 + it / 2) / it;
            format!("{}.{}", grouped(tenths / 10), tenths % 10)
        }
        _ => "n/a".into(),
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "Firmware on every board (release; flash and static RAM from the ELF, stack by paint, instructions under QEMU -icount):"
    );
    println!(
        "| target | board | binary | flash | static RAM | peak stack | instructions per Rprop iteration | identical to the host | budget flash / RAM |"
    );
    println!("| --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- |");
    for r in rows {
        println!(
            "| `{}` | {} ({}) | `{}` | {} B | {} B | {} B | {} | {} of {} numbers | {} / {} B |",
            r.board.target,
            r.board.machine,
            r.board.cpu,
            r.demo,
            grouped(r.flash),
            grouped(r.static_ram),
            grouped(r.stack),
            per_iteration(r),
            grouped(r.identical as u64),
            grouped(r.numbers as u64),
            grouped(r.budget.flash),
            grouped(r.budget.ram),
        );
    }
    println!();
}

const SHF_ALLOC: u32 = 0x2;
const SHT_NOBITS: u32 = 8;

/// One section header of an ELF file.
struct Section {
    name: String,
    kind: u32,
    flags: u32,
    size: u64,
}

/// The section headers of a little-endian 32-bit ELF file (what the ARM linker writes).
fn elf32_sections(bytes: &[u8]) -> Result<Vec<Section>, String> {
    let u16_at = |off: usize| -> Result<u32, String> {
        bytes
            .get(off..off + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
            .ok_or_else(|| format!("ELF truncated at {off}"))
    };
    let u32_at = |off: usize| -> Result<u32, String> {
        bytes
            .get(off..off + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| format!("ELF truncated at {off}"))
    };
    if bytes.get(..4) != Some(b"\x7fELF") || bytes.get(4) != Some(&1) || bytes.get(5) != Some(&1) {
        return Err("not a little-endian 32-bit ELF file".into());
    }
    let shoff = u32_at(0x20)? as usize;
    let shentsize = u16_at(0x2e)? as usize;
    let shnum = u16_at(0x30)? as usize;
    let shstrndx = u16_at(0x32)? as usize;
    let header = |i: usize| shoff + i * shentsize;
    let strtab = u32_at(header(shstrndx) + 0x10)? as usize;
    let mut sections = Vec::with_capacity(shnum);
    for i in 0..shnum {
        let h = header(i);
        let name_off = strtab + u32_at(h)? as usize;
        let name_bytes = bytes.get(name_off..).unwrap_or_default();
        let end = name_bytes.iter().position(|&b| b == 0).unwrap_or(0);
        sections.push(Section {
            name: String::from_utf8_lossy(&name_bytes[..end]).into_owned(),
            kind: u32_at(h + 0x04)?,
            flags: u32_at(h + 0x08)?,
            size: u64::from(u32_at(h + 0x14)?),
        });
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn identical_runs_pass_and_count_their_numbers() {
        let run = lines("a f32 3f800000\nb[0] u32 00000001");
        assert_eq!(compare("rnn", &run, &run), Ok(2));
    }

    #[test]
    fn every_differing_or_missing_value_is_listed() {
        let host = lines("a f32 3f800000\nb f32 40000000\nc u32 00000001");
        let board = lines("a f32 3f800001\nc u32 00000001\nd u32 00000002");
        let report = compare("rnn", &board, &host).unwrap_err();
        assert!(
            report.contains("a: host 3f800000 (1e0), board 3f800001"),
            "{report}"
        );
        assert!(
            report.contains("b: host 40000000 (2e0), board missing"),
            "{report}"
        );
        assert!(
            report.contains("d: board 00000002 (2), host missing"),
            "{report}"
        );
        assert!(!report.contains("  c:"), "{report}");
    }

    #[test]
    fn order_and_garbage_are_caught() {
        let host = lines("a f32 3f800000\nb f32 40000000");
        let board = lines("b f32 40000000\na f32 3f800000");
        assert!(compare("mlp", &board, &host).unwrap_err().contains("order"));
        assert!(compare("mlp", &lines("a f32 xyz"), &host).is_err());
        assert!(compare("mlp", &host, &[]).is_err());
    }

    #[test]
    fn only_32_bit_little_endian_elf_is_read() {
        assert!(elf32_sections(b"not an elf").is_err());
        assert!(elf32_sections(b"\x7fELF\x02\x01").is_err());
        assert!(elf32_sections(b"\x7fELF\x01\x01\x01").is_err()); // truncated
    }

    fn section(name: &str, kind: u32, flags: u32, size: u64) -> Section {
        Section {
            name: name.into(),
            kind,
            flags,
            size,
        }
    }

    #[test]
    fn flash_and_static_ram_leave_out_reserved_stack_and_heap() {
        const PROGBITS: u32 = 1;
        let sections = [
            section(".vector_table", PROGBITS, SHF_ALLOC, 192),
            section(".text", PROGBITS, SHF_ALLOC, 1000),
            section(".rodata", PROGBITS, SHF_ALLOC, 100),
            section(".data", PROGBITS, SHF_ALLOC, 8),
            section(".bss", SHT_NOBITS, SHF_ALLOC, 4),
            section(".uninit", SHT_NOBITS, SHF_ALLOC, 2),
            section(".stack", SHT_NOBITS, SHF_ALLOC, 16384),
            section(".heap", SHT_NOBITS, SHF_ALLOC, 0),
            section(".comment", PROGBITS, 0, 139),
        ];
        assert_eq!(footprint(&sections), (1300, 14));
    }

    #[test]
    fn counts_identical_numbers_by_name_kind_and_bits() {
        let host = lines("a f32 3f800000\nb f32 40000000\nc u32 00000001");
        let board = lines("a f32 3f800000\nb f32 40000001\nc f32 00000001");
        assert_eq!(count_identical(&board, &host), 1);
        assert_eq!(count_identical(&host, &host), 3);
        assert_eq!(count_identical(&[], &host), 0);
        assert_eq!(record_value(&host, "c"), Some(1));
        assert_eq!(record_value(&host, "d"), None);
    }

    #[test]
    fn numbers_are_grouped_and_iterations_rounded() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(17_758), "17 758");
        assert_eq!(grouped(84_217_000), "84 217 000");
        let row = |instructions, iterations| Row {
            board: &BOARDS[0],
            demo: "rnn",
            budget: RNN_BUDGET,
            flash: 0,
            static_ram: 0,
            stack: 0,
            rprop_instructions: instructions,
            rprop_iterations: iterations,
            identical: 0,
            numbers: 0,
        };
        assert_eq!(per_iteration(&row(Some(4_113_360), Some(500))), "8 226.7");
        assert_eq!(per_iteration(&row(Some(7), Some(2))), "3.5");
        assert_eq!(per_iteration(&row(Some(5), Some(0))), "n/a");
        assert_eq!(per_iteration(&row(None, Some(500))), "n/a");
    }

    #[test]
    fn every_board_has_its_target_and_package_listed() {
        for b in &BOARDS {
            assert!(
                crate::setup::TARGETS.iter().any(|(t, _)| *t == b.target),
                "{}",
                b.target
            );
            assert!(
                crate::setup::PROGRAMS.iter().any(|p| p.command == b.qemu),
                "{}",
                b.qemu
            );
            let args = qemu_args(b, "fw.elf");
            assert!(args.windows(2).any(|w| w == ["-machine", b.machine]));
            assert!(args.windows(2).any(|w| w == ["-icount", "shift=0"]));
            assert_eq!(args.last().map(String::as_str), Some("fw.elf"));
        }
    }
}
