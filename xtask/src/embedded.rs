//! `cargo xtask embedded`: build the Cortex-M4F demo firmware, run it under QEMU, check every
//! printed number against the host bit for bit, and measure what it costs in flash and RAM.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{THUMB, ensure_thumb_target, run as run_command};

/// The firmware crate, relative to the workspace root (its own workspace, thumb-only).
const FIRMWARE_DIR: &str = "crates/firmware";
/// The emulator and its board: an MPS2 FPGA image with a Cortex-M4F.
const QEMU: &str = "qemu-system-arm";
/// How long one firmware run may take before it is killed.
const QEMU_TIMEOUT: Duration = Duration::from_secs(120);

/// One firmware binary and its budgets, in bytes.
struct Binary {
    name: &'static str,
    flash_budget: u64,
    ram_budget: u64,
}

const BINARIES: [Binary; 2] = [
    Binary {
        name: "rnn",
        flash_budget: 16 * 1024,
        ram_budget: 4 * 1024,
    },
    Binary {
        name: "mlp",
        flash_budget: 24 * 1024,
        ram_budget: 8 * 1024,
    },
];

/// What one binary costs.
struct Size {
    name: &'static str,
    text: u64,
    rodata: u64,
    data: u64,
    bss: u64,
    /// Every other allocated section in flash (the vector table).
    other_flash: u64,
    stack: u64,
}

impl Size {
    fn flash(&self) -> u64 {
        self.other_flash + self.text + self.rodata + self.data
    }
    fn static_ram(&self) -> u64 {
        self.data + self.bss
    }
    fn ram(&self) -> u64 {
        self.static_ram() + self.stack
    }
}

/// `cargo xtask embedded`.
pub fn run() -> Result<(), String> {
    let root = workspace_root()?;
    let firmware = root.join(FIRMWARE_DIR);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    ensure_thumb_target()?;
    ensure_qemu()?;

    // The firmware is its own workspace: lint and build it from its folder, so its
    // `.cargo/config.toml` (target, linker script) applies.
    let manifest = firmware.join("Cargo.toml");
    let manifest = manifest.to_string_lossy();
    run_command(&cargo, &["fmt", "--manifest-path", &manifest, "--check"])?;
    run_in(
        &firmware,
        &cargo,
        &["clippy", "--release", "--locked", "--", "-D", "warnings"],
    )?;
    // Linking the release `rnn` (and `mlp`) is the proof that no panicking path is left: their
    // panic handler calls an undefined function, so a surviving panic call fails the link.
    run_in(&firmware, &cargo, &["build", "--release", "--locked"])
        .map_err(|e| format!("{e}\n(an undefined `*_release_binary_has_a_panicking_path` symbol means a panic path survived optimisation)"))?;
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
    let elf_dir = firmware.join("target").join(THUMB).join("release");

    let mut sizes = Vec::new();
    let mut failures = Vec::new();
    for binary in &BINARIES {
        let elf = elf_dir.join(binary.name);
        let board = run_qemu(&elf)?;
        let host = run_host(&host_exe, binary.name)?;
        match compare(binary.name, &board.records, &host) {
            Ok(n) => eprintln!(
                "xtask: {}: all {n} numbers bit-for-bit identical on the board and the host",
                binary.name
            ),
            Err(report) => failures.push(report),
        }
        let bytes = std::fs::read(&elf).map_err(|e| format!("reading {}: {e}", elf.display()))?;
        let sections = elf32_sections(&bytes)?;
        let mut size = Size {
            name: binary.name,
            text: 0,
            rodata: 0,
            data: 0,
            bss: 0,
            other_flash: 0,
            stack: board.stack_peak,
        };
        for s in sections.iter().filter(|s| s.flags & SHF_ALLOC != 0) {
            match s.name.as_str() {
                ".text" => size.text += s.size,
                ".rodata" => size.rodata += s.size,
                ".data" => size.data += s.size,
                ".bss" | ".uninit" => size.bss += s.size,
                _ if s.kind != SHT_NOBITS => size.other_flash += s.size,
                _ => size.bss += s.size,
            }
        }
        if size.flash() > binary.flash_budget {
            failures.push(format!(
                "{}: flash {} B exceeds its budget of {} B",
                binary.name,
                size.flash(),
                binary.flash_budget
            ));
        }
        if size.ram() > binary.ram_budget {
            failures.push(format!(
                "{}: static RAM + peak stack {} B exceeds its budget of {} B",
                binary.name,
                size.ram(),
                binary.ram_budget
            ));
        }
        sizes.push(size);
    }
    print_table(&sizes);
    if failures.is_empty() {
        eprintln!(
            "xtask: embedded: both binaries ran on the board, match the host and fit their budgets"
        );
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// The workspace root: the parent of this crate's manifest folder.
fn workspace_root() -> Result<PathBuf, String> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| "cannot locate the workspace root".into())
}

/// Fail with install instructions if QEMU is not on the PATH.
fn ensure_qemu() -> Result<(), String> {
    match Command::new(QEMU)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(s) if s.success() => Ok(()),
        _ => Err(format!(
            "`{QEMU}` is needed to run the firmware; install it, e.g. `apt-get install qemu-system-arm`"
        )),
    }
}

/// `run`, in another folder.
fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    eprintln!("$ (cd {}) {program} {}", dir.display(), args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// What a firmware run printed.
struct BoardRun {
    records: Vec<String>,
    stack_peak: u64,
}

/// Run `elf` under QEMU, killing it after [`QEMU_TIMEOUT`]; it must exit 0 after `# end ok`.
fn run_qemu(elf: &Path) -> Result<BoardRun, String> {
    let elf_arg = elf.to_string_lossy();
    let args = [
        "-cpu",
        "cortex-m4",
        "-machine",
        "mps2-an386",
        "-nographic",
        "-semihosting-config",
        "enable=on,target=native",
        "-kernel",
        &elf_arg,
    ];
    eprintln!("$ {QEMU} {}", args.join(" "));
    let mut child = Command::new(QEMU)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{QEMU}`: {e}"))?;
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
            Err(e) => return Err(format!("waiting for `{QEMU}`: {e}")),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    // QEMU prints the semihosting console on stderr; accept either stream.
    let text = format!("{stdout}\n{stderr}");
    let name = elf
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
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
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(meta) = line.strip_prefix("# ") {
            if let Some(v) = meta.strip_prefix("stack_peak_bytes ") {
                stack_peak = v.trim().parse::<u64>().ok();
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

fn print_table(sizes: &[Size]) {
    println!();
    println!(
        "Firmware sizes (thumbv7em-none-eabihf, release; measured: sections from the ELF, stack by paint):"
    );
    println!(
        "| binary | flash | .vector_table | .text | .rodata | .data | .bss | static RAM | peak stack | RAM total | budget flash / RAM |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for s in sizes {
        let budget = BINARIES
            .iter()
            .find(|b| b.name == s.name)
            .map_or_else(String::new, |b| {
                format!("{} / {} B", b.flash_budget, b.ram_budget)
            });
        println!(
            "| `{}` | {} B | {} | {} | {} | {} | {} | {} B | {} B | {} B | {budget} |",
            s.name,
            s.flash(),
            s.other_flash,
            s.text,
            s.rodata,
            s.data,
            s.bss,
            s.static_ram(),
            s.stack,
            s.ram(),
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
}
