//! Running the course: `unrolled-report` into a scratch folder (read back into memory, then
//! removed), and `cargo build` of it when its sources change. Both can be interrupted.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::site::Files;

/// A folder of our own under the system's temporary folder, removed when dropped.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Create `unrolled-serve-PID-N` (the first `N` not taken) in [`std::env::temp_dir`].
    pub fn create() -> Result<Self, String> {
        let base = std::env::temp_dir();
        for n in 0..1000 {
            let path = base.join(format!("unrolled-serve-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(Self { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
            }
        }
        Err(format!("no free scratch folder name in {}", base.display()))
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            eprintln!("unrolled-serve: cannot remove {}: {e}", self.path.display());
        }
    }
}

/// How a child process ended.
#[derive(Debug)]
pub enum Ended {
    /// It exited; its status and standard error (its standard output is dropped: progress).
    Exited(ExitStatus, String),
    /// `stop` was set: it was killed.
    Stopped,
}

/// Run `command` with its standard error captured, checking `stop` every few milliseconds and killing
/// the child once it is set.
pub fn run(command: &mut Command, stop: &AtomicBool) -> Result<Ended, String> {
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    // Drained on its own thread, so a child with much output never blocks on a full pipe.
    let stderr = drain(child.stderr.take());
    let status = loop {
        if stop.load(Ordering::SeqCst) {
            kill(&mut child);
            return Ok(Ended::Stopped);
        }
        match child.try_wait() {
            // Ctrl-C in a terminal reaches the child too: its failure then is no error.
            Ok(Some(_)) if stop.load(Ordering::SeqCst) => return Ok(Ended::Stopped),
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                kill(&mut child);
                return Err(format!("cannot wait for {shown}: {e}"));
            }
        }
    };
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
    Ok(Ended::Exited(status, stderr))
}

/// Kill `child` and reap it.
fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Read `pipe` to its end on a thread.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// How to run the course.
#[derive(Debug)]
pub struct Runner {
    /// The checkout: the runner and cargo run there, so errors name files as the user does.
    pub root: PathBuf,
    /// The config, as given (relative to `root` or absolute).
    pub config: PathBuf,
    /// The templates folder, read at run time (relative to `root` or absolute).
    pub templates: PathBuf,
    /// The `unrolled-report` binary.
    pub exe: PathBuf,
    /// Cargo, to rebuild `exe`.
    pub cargo: String,
}

/// What one attempt gave.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It worked.
    Done(T),
    /// It failed; the text to show, as the command printed it.
    Failed(String),
    /// The server is stopping.
    Stopped,
}

impl Runner {
    /// Run the course into `scratch/out` and read every file it wrote; the folder is removed
    /// again either way, so only the files in memory remain.
    pub fn generate(&self, scratch: &Scratch, stop: &AtomicBool) -> Outcome<Files> {
        let out = scratch.path().join("out");
        let result = self.generate_into(&out, stop);
        if let Err(e) = std::fs::remove_dir_all(&out)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Outcome::Failed(format!("cannot remove {}: {e}", out.display()));
        }
        result
    }

    fn generate_into(&self, out: &Path, stop: &AtomicBool) -> Outcome<Files> {
        let ended = run(
            Command::new(&self.exe)
                .current_dir(&self.root)
                .arg("--config")
                .arg(&self.config)
                .arg("--out")
                .arg(out)
                .arg("--templates")
                .arg(&self.templates),
            stop,
        );
        match ended {
            Err(e) => Outcome::Failed(e),
            Ok(Ended::Stopped) => Outcome::Stopped,
            Ok(Ended::Exited(status, stderr)) if !status.success() => {
                Outcome::Failed(failure_text(&stderr, status))
            }
            Ok(Ended::Exited(..)) => match read_files(out) {
                Ok(files) => Outcome::Done(files),
                Err(e) => Outcome::Failed(e),
            },
        }
    }

    /// `cargo build --release -p unrolled-report` in the checkout; on failure, cargo's messages.
    pub fn rebuild(&self, stop: &AtomicBool) -> Outcome<()> {
        let ended = run(
            Command::new(&self.cargo).current_dir(&self.root).args([
                "build",
                "--release",
                "--color",
                "never",
                "-p",
                "unrolled-report",
            ]),
            stop,
        );
        match ended {
            Err(e) => Outcome::Failed(e),
            Ok(Ended::Stopped) => Outcome::Stopped,
            Ok(Ended::Exited(status, stderr)) if !status.success() => {
                Outcome::Failed(failure_text(&stderr, status))
            }
            Ok(Ended::Exited(..)) => Outcome::Done(()),
        }
    }
}

/// What a failed command printed on standard error, or its status when it printed nothing.
fn failure_text(stderr: &str, status: ExitStatus) -> String {
    match stderr.trim_end() {
        "" => format!("the command failed ({status}) and printed nothing"),
        text => text.to_string(),
    }
}

/// Every file below `dir`, by its path relative to `dir` with `/` between folders.
pub fn read_files(dir: &Path) -> Result<Files, String> {
    let mut files = Files::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot list {}: {e}", folder.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", folder.display()))?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let path = entry.path();
            if path.is_dir() {
                pending.push((path, format!("{name}/")));
            } else {
                let bytes = std::fs::read(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                files.insert(name, bytes);
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_scratch_folder_is_removed_when_dropped() {
        let scratch = Scratch::create().unwrap();
        let other = Scratch::create().unwrap();
        assert_ne!(scratch.path(), other.path());
        let path = scratch.path().to_path_buf();
        std::fs::create_dir_all(path.join("out/sub")).unwrap();
        std::fs::write(path.join("out/sub/a.svg"), "<svg/>").unwrap();
        std::fs::write(path.join("out/index.html"), "x").unwrap();
        let files = read_files(&path.join("out")).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["index.html", "sub/a.svg"]
        );
        drop(scratch);
        assert!(!path.exists());
        drop(other);
    }

    #[test]
    fn a_stopped_child_is_killed_at_once() {
        let stop = AtomicBool::new(true);
        let start = Instant::now();
        let ended = run(Command::new("sleep").arg("30"), &stop).unwrap();
        assert!(matches!(ended, Ended::Stopped));
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_failing_child_reports_its_standard_error() {
        let stop = AtomicBool::new(false);
        let Ended::Exited(status, err) = run(
            Command::new("sh").args([
                "-c",
                "echo progress; echo 'x.toml:3: key `a`: bad' >&2; exit 1",
            ]),
            &stop,
        )
        .unwrap() else {
            unreachable!("not stopped")
        };
        assert!(!status.success());
        assert_eq!(failure_text(&err, status), "x.toml:3: key `a`: bad");
        let Ended::Exited(status, err) =
            run(Command::new("sh").args(["-c", "exit 3"]), &stop).unwrap()
        else {
            unreachable!("not stopped")
        };
        assert!(failure_text(&err, status).contains("printed nothing"));
        assert!(run(&mut Command::new("no-such-program-here"), &stop).is_err());
    }
}
