//! `cargo xtask wasm [--check]`: build the pages' WebAssembly modules from `crates/explorer`
//! and commit them in `crates/explorer/wasm/`, where the report reads them.
//!
//! The report embeds the committed modules, so rendering the course needs neither this
//! target nor a network, and two renders are byte-identical whatever the machine. The build
//! is deterministic on its own too: the custom sections (names, producers, target features)
//! are dropped, and with no panicking path no source path is left in the module. `--check`
//! rebuilds and fails, naming each module, when a committed one is not what the code gives
//! ("run cargo xtask wasm and commit"). `rustc.txt` records the compiler that built them,
//! since another compiler version may give other bytes.
//!
//! Each module must import nothing: the explorer's release panic handler calls a function
//! defined nowhere, so a panicking path would show up as an import, and this build fails
//! naming it. Each must also stay within [`BUDGET`].

use std::path::{Path, PathBuf};
use std::process::Command;

/// The WebAssembly target.
pub const TARGET: &str = "wasm32-unknown-unknown";
/// Where the modules are committed, from the workspace root.
const DIR: &str = "crates/explorer/wasm";
/// The largest module a page may embed, in bytes.
pub const BUDGET: usize = 32_000;
/// Each page's module: the explorer's feature and the file it is committed as.
const MODULES: &[(&str, &str)] = &[("rnn", "rnn.wasm"), ("backprop", "backprop.wasm")];

/// `cargo xtask wasm` with its arguments.
pub fn wasm(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        None => write(&crate::workspace_root()),
        Some("--check") => check(&crate::workspace_root()),
        Some(other) => Err(format!("unknown option `{other}` for `cargo xtask wasm`")),
    }
}

/// Build every module and the compiler's version line.
fn build(root: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    crate::setup::ensure_targets(&[(TARGET, "the pages' WebAssembly")])?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir =
        std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root.join("target"), PathBuf::from);
    let built = target_dir.join(TARGET).join("release/explorer.wasm");
    let mut out = Vec::new();
    for (feature, file) in MODULES {
        crate::run_command(Command::new(&cargo).current_dir(root).args([
            "rustc",
            "--quiet",
            "-p",
            "explorer",
            "--target",
            TARGET,
            "--release",
            "--crate-type",
            "cdylib",
            "--features",
            feature,
        ]))?;
        let bytes =
            std::fs::read(&built).map_err(|e| format!("reading {}: {e}", built.display()))?;
        let module = without_custom_sections(&bytes).map_err(|e| format!("{file}: {e}"))?;
        let imports = imports(&module).map_err(|e| format!("{file}: {e}"))?;
        if !imports.is_empty() {
            return Err(format!(
                "{file} imports {} (a panicking path: see the explorer's panic handler)",
                imports.join(", ")
            ));
        }
        if module.len() > BUDGET {
            return Err(format!(
                "{file} is {} bytes, over the {BUDGET}-byte budget",
                module.len()
            ));
        }
        eprintln!("xtask: {file}: {} bytes (budget {BUDGET})", module.len());
        out.push(((*file).to_string(), module));
    }
    out.push(("rustc.txt".into(), rustc_version(root)?.into_bytes()));
    Ok(out)
}

/// `rustc -V`, as the compiler that builds the modules prints it.
fn rustc_version(root: &Path) -> Result<String, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(&rustc)
        .current_dir(root)
        .arg("-V")
        .output()
        .map_err(|e| format!("could not start {rustc}: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string() + "\n")
}

/// Build and write the modules into [`DIR`].
fn write(root: &Path) -> Result<(), String> {
    let dir = root.join(DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    for (file, bytes) in build(root)? {
        let path = dir.join(&file);
        // Written beside and renamed, so a failed write leaves the old module whole.
        let part = dir.join(format!(".{file}.new"));
        std::fs::write(&part, &bytes).map_err(|e| format!("writing {}: {e}", part.display()))?;
        std::fs::rename(&part, &path).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    eprintln!("xtask: wrote {DIR}");
    Ok(())
}

/// Build and compare with the committed modules.
fn check(root: &Path) -> Result<(), String> {
    let dir = root.join(DIR);
    let stale: Vec<String> = build(root)?
        .into_iter()
        .filter(|(file, bytes)| std::fs::read(dir.join(file)).ok().as_ref() != Some(bytes))
        .map(|(file, _)| format!("{DIR}/{file}"))
        .collect();
    if stale.is_empty() {
        eprintln!("xtask: {DIR} is up to date");
        Ok(())
    } else {
        Err(format!(
            "stale or missing: {}\nrun cargo xtask wasm and commit",
            stale.join(", ")
        ))
    }
}

/// A section: its id and its contents.
type Section<'a> = (u8, &'a [u8]);

/// An unsigned LEB128 number at `at`, and the position after it.
fn leb128(bytes: &[u8], mut at: usize) -> Result<(usize, usize), String> {
    let mut value = 0usize;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(at).ok_or("truncated number")?;
        at += 1;
        value |= usize::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok((value, at));
        }
    }
    Err("number too long".into())
}

/// The sections of a module, after checking its header.
fn sections(module: &[u8]) -> Result<Vec<Section<'_>>, String> {
    const HEADER: &[u8] = b"\0asm\x01\0\0\0";
    if !module.starts_with(HEADER) {
        return Err("not a WebAssembly 1 module".into());
    }
    let mut out = Vec::new();
    let mut at = HEADER.len();
    while at < module.len() {
        let id = module[at];
        let (size, start) = leb128(module, at + 1)?;
        let body = module
            .get(start..start + size)
            .ok_or("a section runs past the end")?;
        out.push((id, body));
        at = start + size;
    }
    Ok(out)
}

/// The module without its custom sections (id 0): names, producers, target features.
fn without_custom_sections(module: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = module[..8.min(module.len())].to_vec();
    for (id, body) in sections(module)? {
        if id != 0 {
            out.push(id);
            let mut size = body.len();
            loop {
                let byte = (size & 0x7f) as u8;
                size >>= 7;
                out.push(if size == 0 { byte } else { byte | 0x80 });
                if size == 0 {
                    break;
                }
            }
            out.extend_from_slice(body);
        }
    }
    Ok(out)
}

/// The `module.name` of every import.
fn imports(module: &[u8]) -> Result<Vec<String>, String> {
    let Some((_, body)) = sections(module)?.into_iter().find(|(id, _)| *id == 2) else {
        return Ok(Vec::new());
    };
    let (count, at) = leb128(body, 0)?;
    if count == 0 {
        return Ok(Vec::new());
    }
    // The first import's names (their descriptions differ in length by kind, so the rest
    // are only counted).
    let name = |at: usize| -> Result<(String, usize), String> {
        let (len, start) = leb128(body, at)?;
        let text = body.get(start..start + len).ok_or("truncated import")?;
        Ok((String::from_utf8_lossy(text).into_owned(), start + len))
    };
    let (module_name, next) = name(at)?;
    let (field, _) = name(next)?;
    let mut names = vec![format!("{module_name}.{field}")];
    if count > 1 {
        names.push(format!("and {} more", count - 1));
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with a type section, a custom section, and one import `env.f`.
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]); // one type: [] -> []
        m.extend([0, 5, 4, b'n', b'a', b'm', b'e']); // a custom section
        m.extend([2, 7, 1, 3, b'e', b'n', b'v', 1, b'f']); // (truncated description)
        m
    }

    #[test]
    fn custom_sections_are_dropped_and_the_rest_kept() {
        let m = module();
        let stripped = without_custom_sections(&m).unwrap();
        assert_eq!(stripped.len(), m.len() - 7);
        assert!(sections(&stripped).unwrap().iter().all(|(id, _)| *id != 0));
        assert_eq!(imports(&stripped).unwrap(), ["env.f"]);
    }

    #[test]
    fn a_module_without_imports_has_none_and_garbage_is_refused() {
        assert!(imports(b"\0asm\x01\0\0\0").unwrap().is_empty());
        assert!(sections(b"\0asm\x02\0\0\0").is_err());
        assert!(sections(b"\0asm\x01\0\0\0\x01\x09\0").is_err());
        assert!(leb128(&[0x80, 0x80], 0).is_err());
        assert_eq!(leb128(&[0xe5, 0x8e, 0x26], 0).unwrap(), (624_485, 3));
    }
}
