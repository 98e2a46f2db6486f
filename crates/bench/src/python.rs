//! The numpy side: one long-lived Python process running `python/serve.py`, asked for one
//! workload at a time so the harness can alternate it with its own timings.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running `serve.py`.
pub struct Numpy {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// numpy's version, as the process reports it.
    pub numpy_version: String,
    /// Python's version, as the process reports it.
    pub python_version: String,
}

/// One timed run of a notebook workload.
pub struct Run {
    /// Wall-clock seconds of the workload alone.
    pub seconds: f64,
    /// The numbers the workload returns, for cross-checking against the core.
    pub result: Vec<f64>,
}

impl Numpy {
    /// Start `python scripts/serve.py` and wait for it to say it is ready.
    pub fn start(python: &Path, scripts: &Path) -> Result<Self, String> {
        // Absolute, but not resolved: a venv's `python` is a symlink that must stay one.
        let python =
            std::path::absolute(python).map_err(|e| format!("{}: {e}", python.display()))?;
        let mut child = Command::new(&python)
            .arg("serve.py")
            .current_dir(scripts)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", python.display()))?;
        let stdin = child
            .stdin
            .take()
            .ok_or("no stdin for the Python process")?;
        let stdout = BufReader::new(
            child
                .stdout
                .take()
                .ok_or("no stdout for the Python process")?,
        );
        let mut me = Self {
            child,
            stdin,
            stdout,
            numpy_version: String::new(),
            python_version: String::new(),
        };
        let hello = me.read_reply()?;
        let field = |k: &str| {
            hello
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string()
        };
        me.numpy_version = field("numpy");
        me.python_version = field("python");
        Ok(me)
    }

    fn read_reply(&mut self) -> Result<Value, String> {
        let mut line = String::new();
        let n = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| format!("reading from Python: {e}"))?;
        if n == 0 {
            return Err("the Python process exited".into());
        }
        serde_json::from_str(&line).map_err(|e| format!("bad reply from Python ({e}): {line}"))
    }

    /// Hand the workloads' settings to the scripts (`config <json>`, one line); they reply
    /// `{"configured": true}` or an error.
    pub fn configure(&mut self, settings: &Value) -> Result<(), String> {
        writeln!(self.stdin, "config {settings}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("writing to Python: {e}"))?;
        let reply = self.read_reply()?;
        match reply.get("error").and_then(Value::as_str) {
            Some(err) => Err(format!("numpy side rejected the settings: {err}")),
            None => Ok(()),
        }
    }

    /// Run one workload once and return its timing, once the process has stopped using the
    /// CPU ([`Numpy::wait_until_idle`]).
    pub fn run(&mut self, workload: &str) -> Result<Run, String> {
        let run = self.run_once(workload);
        self.wait_until_idle();
        run
    }

    /// Wait until the process has used no CPU for [`IDLE_WINDOW`], at most [`IDLE_CAP`].
    ///
    /// numpy's BLAS keeps its worker threads spinning for a while after a call that used them
    /// (OpenBLAS: about 2^28 cycles, a tenth of a second), although the process is only
    /// waiting for its next line. Timed then, a Rust workload would share a core with them:
    /// on a 2-core machine the course's report, started right after such a call, took a
    /// quarter longer than 0.3 s later (medians of 20 runs each, 125 against 100 ms). Where the
    /// process's CPU time cannot be read (not Linux), this waits [`IDLE_CAP`] instead.
    fn wait_until_idle(&self) {
        let pid = self.child.id();
        wait_until_idle(|| cpu_ticks(pid), IDLE_WINDOW, IDLE_CAP);
    }

    fn run_once(&mut self, workload: &str) -> Result<Run, String> {
        writeln!(self.stdin, "{workload}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("writing to Python: {e}"))?;
        let reply = self.read_reply()?;
        if let Some(err) = reply.get("error").and_then(Value::as_str) {
            return Err(format!("numpy `{workload}` failed: {err}"));
        }
        let seconds = reply
            .get("seconds")
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("no timing in the reply for `{workload}`"))?;
        let result = reply
            .get("result")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        Ok(Run { seconds, result })
    }
}

/// How long the numpy process must use no CPU before a Rust workload is timed.
pub const IDLE_WINDOW: Duration = Duration::from_millis(40);

/// The longest wait for the numpy process to fall idle.
pub const IDLE_CAP: Duration = Duration::from_millis(1500);

/// Poll `cpu` (a process's CPU time, in any unit) every `window` until it has not moved over
/// one window, or `cap` has passed; returns how long that took. `cpu` returning `None` at
/// the start means the time cannot be read: then this sleeps `cap`. `None` later (the process
/// gone) ends the wait.
pub fn wait_until_idle(
    mut cpu: impl FnMut() -> Option<u64>,
    window: Duration,
    cap: Duration,
) -> Duration {
    let start = Instant::now();
    let Some(mut before) = cpu() else {
        std::thread::sleep(cap);
        return start.elapsed();
    };
    while start.elapsed() < cap {
        std::thread::sleep(window);
        match cpu() {
            Some(now) if now != before => before = now,
            _ => break,
        }
    }
    start.elapsed()
}

/// The CPU time process `pid` has used (all its threads, user and system), in clock ticks;
/// `None` where it cannot be read.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_cpu_ticks(&stat)
}

/// The user and system time, fields 14 and 15, of a `/proc/PID/stat` line; its second field,
/// the command in brackets, may hold spaces and brackets of its own.
fn stat_cpu_ticks(stat: &str) -> Option<u64> {
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

impl Drop for Numpy {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit").and_then(|()| self.stdin.flush());
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_time_is_read_after_the_command_whatever_it_holds() {
        let line = "4242 (py (3) x) S 1 4242 4242 0 -1 4194304 900 0 0 0 125 17 0 0 20 0 3 0";
        assert_eq!(stat_cpu_ticks(line), Some(142));
        assert_eq!(stat_cpu_ticks("4242 (short) S 1 2"), None);
        assert_eq!(stat_cpu_ticks("no brackets"), None);
    }

    #[test]
    fn this_process_s_cpu_time_can_be_read_on_linux() {
        let ticks = cpu_ticks(std::process::id());
        assert_eq!(ticks.is_some(), cfg!(target_os = "linux"));
    }

    #[test]
    fn the_wait_ends_once_the_cpu_time_stops_moving() {
        let window = Duration::from_millis(1);
        let cap = Duration::from_secs(10);
        // Busy for three windows, then idle: four polls after the first reading.
        let mut readings = [10, 20, 30, 40, 40, 40].into_iter();
        let mut polls = 0;
        wait_until_idle(
            || {
                polls += 1;
                readings.next()
            },
            window,
            cap,
        );
        assert_eq!(polls, 5);
        // Idle from the start: one poll after the first reading.
        let mut polls = 0;
        wait_until_idle(
            || {
                polls += 1;
                Some(7)
            },
            window,
            cap,
        );
        assert_eq!(polls, 2);
        // Gone while busy (the process exited): the wait ends at the first unreadable poll.
        let mut readings = [Some(1), Some(2), None, Some(3)].into_iter();
        let mut polls = 0;
        wait_until_idle(
            || {
                polls += 1;
                readings.next().flatten()
            },
            window,
            cap,
        );
        assert_eq!(polls, 3);
    }

    #[test]
    fn a_process_that_never_idles_is_waited_for_up_to_the_cap() {
        let mut ticks = 0;
        let cap = Duration::from_millis(30);
        let waited = wait_until_idle(
            || {
                ticks += 1;
                Some(ticks)
            },
            Duration::from_millis(1),
            cap,
        );
        assert!(waited >= cap && waited < cap * 20, "{waited:?}");
        // Unreadable: the cap, once.
        let waited = wait_until_idle(|| None, Duration::from_millis(1), cap);
        assert!(waited >= cap, "{waited:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_sleeping_process_is_idle_at_once() {
        let mut child = Command::new("sleep").arg("5").spawn().unwrap();
        let pid = child.id();
        let waited = wait_until_idle(|| cpu_ticks(pid), IDLE_WINDOW, IDLE_CAP);
        let _ = child.kill();
        let _ = child.wait();
        assert!(waited < IDLE_CAP, "{waited:?}");
    }
}
