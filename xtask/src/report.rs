//! `cargo xtask report [--config FILE] [--out DIR] [--check]`: run every experiment (release
//! build of `unrolled-report`) and put its output into `reports/` (or DIR).
//!
//! The binary itself claims the output folder (refusing one it did not write), locks it, and
//! swaps the new report in whole, so a failing run leaves the previous output untouched.
//! `--check` regenerates into a fresh temporary folder and fails, naming each differing file or
//! folder, when the committed output is stale. Paths are relative to the workspace root.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The default config and output folder.
const DEFAULT_CONFIG: &str = "course.toml";
const DEFAULT_OUT: &str = "reports";
/// The speed budget of all experiments together, in release, on the 2-core machine.
const BUDGET_MS: f64 = 1000.0;

/// Options of `cargo xtask report`.
struct Options {
    config: String,
    out: PathBuf,
    check: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        config: DEFAULT_CONFIG.into(),
        out: DEFAULT_OUT.into(),
        check: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or(format!("`{flag}` needs a value"))
        };
        match arg.as_str() {
            "--config" => options.config = value("--config")?,
            "--out" => options.out = value("--out")?.into(),
            "--check" => options.check = true,
            other => return Err(format!("unknown option `{other}` for `cargo xtask report`")),
        }
    }
    Ok(options)
}

/// `cargo xtask report` with its arguments.
pub fn report(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    if options.out.as_os_str().is_empty() {
        return Err("`--out` is empty: name the folder to write the report into".into());
    }
    let root = crate::workspace_root();
    std::env::set_current_dir(&root).map_err(|e| format!("cannot enter the workspace: {e}"))?;
    if options.check {
        check(&options)
    } else {
        generate(&options)
    }
}

pub(crate) fn remove_dir(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove {}: {e}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Build `unrolled-report` in release and run it into `out`, printing its progress and timing.
fn run_report(config: &str, out: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    crate::run(
        &cargo,
        &["build", "--release", "--quiet", "-p", "unrolled-report"],
    )?;
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let exe = Path::new(&target).join("release/unrolled-report");
    let start = Instant::now();
    let status = Command::new(&exe)
        .args(["--config", config, "--out"])
        .arg(out)
        .status()
        .map_err(|e| format!("could not start {}: {e}", exe.display()))?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    if !status.success() {
        return Err(format!("the report run failed ({status})"));
    }
    let verdict = if ms <= BUDGET_MS { "within" } else { "OVER" };
    eprintln!(
        "xtask: benchmark: the whole run took {ms:.1} ms, {verdict} the {BUDGET_MS:.0} ms budget"
    );
    Ok(())
}

/// Run the report into the output folder; the binary swaps it in.
fn generate(options: &Options) -> Result<(), String> {
    run_report(&options.config, &options.out)?;
    eprintln!("xtask: wrote {}", options.out.display());
    Ok(())
}

/// Regenerate into a temporary folder and compare it with the committed output.
fn check(options: &Options) -> Result<(), String> {
    // Unique per run, so two checks at once do not share it; the binary creates it.
    let fresh = PathBuf::from(format!("target/xtask-report-check-{}", std::process::id()));
    remove_dir(&fresh)?;
    let outcome = run_report(&options.config, &fresh).and_then(|()| stale(&fresh, &options.out));
    remove_dir(&fresh)?;
    let stale = outcome?;
    if stale.is_empty() {
        eprintln!("xtask: {} is up to date", options.out.display());
        Ok(())
    } else {
        Err(format!(
            "{} is stale:\n  {}\nrun cargo xtask report and commit",
            options.out.display(),
            stale.join("\n  ")
        ))
    }
}

/// How the committed folder `out` differs from the fresh output `fresh`, one line per file or
/// folder (empty: up to date).
pub(crate) fn stale(fresh: &Path, out: &Path) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    let new_entries = entries(fresh)?;
    let old_entries = entries(out)?;
    for (path, kind) in &new_entries {
        let committed = out.join(path);
        match old_entries.iter().find(|(p, _)| p == path) {
            None => stale.push(format!("missing: {}", committed.display())),
            Some((_, old_kind)) if old_kind != kind => stale.push(format!(
                "is a {} but should be a {}: {}",
                old_kind.name(),
                kind.name(),
                committed.display()
            )),
            Some(_) => {
                if *kind == Kind::File
                    && std::fs::read(fresh.join(path)).ok() != std::fs::read(&committed).ok()
                {
                    stale.push(format!("differs: {}", committed.display()));
                }
            }
        }
    }
    for (path, kind) in &old_entries {
        if !new_entries.iter().any(|(p, _)| p == path) {
            stale.push(format!(
                "not generated any more ({}): {}",
                kind.name(),
                out.join(path).display()
            ));
        }
    }
    Ok(stale)
}

/// What an entry of an output folder is. Symbolic links are not followed: the report writes
/// none, and following one could loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Folder,
    Link,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::File => "file",
            Kind::Folder => "folder",
            Kind::Link => "symbolic link",
        }
    }
}

/// Every file, folder (empty ones included) and symbolic link under `dir`, as sorted paths
/// relative to it (none if `dir` does not exist).
fn entries(dir: &Path) -> Result<Vec<(PathBuf, Kind)>, String> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let entries = match std::fs::read_dir(dir.join(&rel)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot list {}: {e}", dir.join(&rel).display())),
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let path = rel.join(entry.file_name());
            let file_type = entry
                .file_type()
                .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
            let kind = if file_type.is_symlink() {
                Kind::Link
            } else if file_type.is_dir() {
                pending.push(path.clone());
                Kind::Folder
            } else {
                Kind::File
            };
            out.push((path, kind));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch folder for one test, emptied first.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-report-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("fresh")).unwrap();
        std::fs::create_dir_all(dir.join("out")).unwrap();
        for side in ["fresh", "out"] {
            std::fs::write(dir.join(side).join("index.html"), "page").unwrap();
        }
        dir
    }

    #[test]
    fn identical_folders_are_up_to_date() {
        let dir = scratch("same");
        assert_eq!(
            stale(&dir.join("fresh"), &dir.join("out")).unwrap(),
            Vec::<String>::new()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_empty_folder_in_the_committed_output_is_stale() {
        let dir = scratch("empty-dir");
        std::fs::create_dir(dir.join("out/leftover")).unwrap();
        let stale = stale(&dir.join("fresh"), &dir.join("out")).unwrap();
        assert_eq!(stale.len(), 1, "{stale:?}");
        assert!(
            stale[0].starts_with("not generated any more (folder): "),
            "{stale:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_differing_or_missing_file_is_stale() {
        let dir = scratch("differs");
        std::fs::write(dir.join("out/index.html"), "old page").unwrap();
        std::fs::write(dir.join("fresh/rnn.html"), "new page").unwrap();
        let stale = stale(&dir.join("fresh"), &dir.join("out")).unwrap();
        assert_eq!(stale.len(), 2, "{stale:?}");
        assert!(stale[0].starts_with("differs: "), "{stale:?}");
        assert!(stale[1].starts_with("missing: "), "{stale:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_one_line() {
        let dir = scratch("loop");
        std::os::unix::fs::symlink(".", dir.join("out/again")).unwrap();
        std::os::unix::fs::symlink("self", dir.join("out/self")).unwrap();
        let stale = stale(&dir.join("fresh"), &dir.join("out")).unwrap();
        assert_eq!(stale.len(), 2, "{stale:?}");
        assert!(
            stale
                .iter()
                .all(|l| l.starts_with("not generated any more (symbolic link): ")),
            "{stale:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
