//! What `cargo xtask test` needs beyond a Rust toolchain, checked in its first seconds and
//! installed when missing, so that the README's two commands set up a fresh machine.
//!
//! Rust targets are added with `rustup`. Programs (QEMU, Chromium, Java, Node.js) come from
//! Debian packages: as root on a machine with `apt-get` they are installed; otherwise the check
//! fails at once with the exact command to run, before anything is compiled.

use std::path::Path;
use std::process::Command;

use crate::run_command;

/// A program a check runs, and the Debian package that provides it.
pub struct Program {
    /// The command looked up on `PATH`.
    pub command: &'static str,
    /// The Debian package that installs it.
    pub package: &'static str,
    /// Which check needs it (shown when it is missing).
    pub needed_by: &'static str,
}

/// The Rust targets `cargo xtask test` builds for, with what needs each.
pub const TARGETS: &[(&str, &str)] = &[
    (
        crate::THUMB,
        "the core's Cortex-M4F build and the demo firmware",
    ),
    ("thumbv6m-none-eabi", "the demo firmware on a Cortex-M0"),
    (
        "riscv32imac-unknown-none-elf",
        "the demo firmware on RISC-V",
    ),
    (
        crate::wasm::TARGET,
        "the pages' WebAssembly (cargo xtask wasm)",
    ),
];

/// The programs `cargo xtask test` runs.
pub const PROGRAMS: &[Program] = &[
    Program {
        command: "qemu-system-arm",
        package: "qemu-system-arm",
        needed_by: "cargo xtask embedded (the Cortex-M4F and Cortex-M0 firmware under QEMU)",
    },
    Program {
        command: "qemu-system-riscv32",
        package: "qemu-system-misc",
        needed_by: "cargo xtask embedded (the RISC-V firmware under QEMU)",
    },
    Program {
        command: "chromium",
        package: "chromium",
        needed_by: "cargo xtask browser (the pages in headless Chromium)",
    },
    Program {
        command: "java",
        package: "default-jre-headless",
        needed_by: "cargo xtask browser (the Nu HTML Checker)",
    },
    Program {
        command: "node",
        package: "nodejs",
        needed_by: "cargo xtask browser (the check script)",
    },
    Program {
        command: "npm",
        package: "npm",
        needed_by: "cargo xtask browser (installing the pinned check packages)",
    },
];

/// Whether `command` is an executable file in one of the `PATH` folders.
fn on_path(command: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| is_executable(&dir.join(command)))
    })
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Whether this process runs as root (so `apt-get install` may be run directly).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The installed Rust targets, from `rustup target list --installed`.
fn installed_targets() -> Result<Vec<String>, String> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to install Rust targets: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`rustup target list --installed` failed ({})",
            out.status
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .collect())
}

/// Add every target of `targets` that rustup does not list as installed.
pub fn ensure_targets(targets: &[(&str, &str)]) -> Result<(), String> {
    let installed = installed_targets()?;
    let missing: Vec<&str> = targets
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| !installed.iter().any(|i| i == t))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut args = vec!["target", "add"];
    args.extend(&missing);
    run_command(Command::new("rustup").args(&args)).map_err(|e| {
        format!(
            "Rust targets missing and not installable ({e}); run `rustup target add {}`",
            missing.join(" ")
        )
    })
}

/// The programs of `programs` whose command is not on `PATH`.
pub fn missing_packages<'a>(programs: &[&'a Program]) -> Vec<&'a Program> {
    programs
        .iter()
        .copied()
        .filter(|p| !on_path(p.command))
        .collect()
}

/// Install the Debian packages of every program of `programs` missing from `PATH`: as root with
/// `apt-get` directly, otherwise fail naming each program, what needs it and the command to run.
pub fn ensure_programs(programs: &[&Program]) -> Result<(), String> {
    let missing = missing_packages(programs);
    if missing.is_empty() {
        return Ok(());
    }
    let packages: Vec<&str> = missing.iter().map(|p| p.package).collect();
    let install = format!(
        "apt-get install -y --no-install-recommends --reinstall {}",
        packages.join(" ")
    );
    let listing: String = missing
        .iter()
        .map(|p| {
            format!(
                "\n  {} (package {}), for {}",
                p.command, p.package, p.needed_by
            )
        })
        .collect();
    if !(is_root() && on_path("apt-get")) {
        return Err(format!(
            "these programs are missing:{listing}\ninstall them (Debian/Ubuntu) with:\n  sudo apt-get update && sudo {install}"
        ));
    }
    eprintln!("xtask: installing what this machine lacks:{listing}");
    let apt = |args: &[&str]| {
        run_command(
            Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    apt(&["update"])?;
    // `--reinstall` restores a program whose package is installed but whose file is gone.
    let mut args = vec!["install", "-y", "--no-install-recommends", "--reinstall"];
    args.extend(&packages);
    apt(&args)?;
    let still: Vec<&str> = missing_packages(programs)
        .iter()
        .map(|p| p.command)
        .collect();
    if still.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "installed {} but still not on PATH: {}",
            packages.join(" "),
            still.join(", ")
        ))
    }
}

/// Everything `cargo xtask test` needs: targets and programs, then the browser check's pinned
/// npm packages.
pub fn ensure_test_requirements(root: &Path) -> Result<(), String> {
    ensure_targets(TARGETS)?;
    // A Chromium named by `CHROMIUM` stands in for the package.
    let own_chromium = std::env::var_os("CHROMIUM").is_some_and(|c| Path::new(&c).exists());
    let programs: Vec<&Program> = PROGRAMS
        .iter()
        .filter(|p| !(own_chromium && p.command == "chromium"))
        .collect();
    ensure_programs(&programs)?;
    crate::browser::install_packages(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_that_does_not_exist_is_missing() {
        let absent = [Program {
            command: "unrolled-no-such-program",
            package: "unrolled-no-such-package",
            needed_by: "this test",
        }];
        assert_eq!(missing_packages(&[&absent[0]]).len(), 1);
    }

    #[test]
    fn a_shell_is_found_on_path() {
        assert!(on_path("sh"));
    }

    #[test]
    fn every_program_names_a_package_and_a_reason() {
        for p in PROGRAMS {
            assert!(!p.command.is_empty() && !p.package.is_empty() && !p.needed_by.is_empty());
        }
    }
}
