//! Pick the board for the target being built: put its `memory/<board>.x` where the linker finds
//! it as `memory.x`, and set `cfg(board = "...")` for the board's timer code.

use std::path::PathBuf;

/// Each supported target and the QEMU board the firmware is linked for.
const BOARDS: [(&str, &str); 3] = [
    ("thumbv7em-none-eabihf", "mps2-an386"),
    ("thumbv6m-none-eabi", "microbit"),
    ("riscv32imac-unknown-none-elf", "sifive_e"),
];

fn main() {
    println!(
        "cargo::rustc-check-cfg=cfg(board, values(\"mps2-an386\", \"microbit\", \"sifive_e\"))"
    );
    println!("cargo::rerun-if-changed=memory");
    println!("cargo::rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    let Some(&(_, board)) = BOARDS.iter().find(|(t, _)| *t == target) else {
        println!(
            "cargo::error=no board for target `{target}`: add it to BOARDS in build.rs with a memory/<board>.x (see the README, \"Adding a target\")"
        );
        return;
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let memory = format!("memory/{board}.x");
    if let Err(e) = std::fs::copy(&memory, out.join("memory.x")) {
        println!("cargo::error=could not copy {memory}: {e}");
    }
    println!("cargo::rustc-link-search={}", out.display());
    println!("cargo::rustc-cfg=board=\"{board}\"");
}
