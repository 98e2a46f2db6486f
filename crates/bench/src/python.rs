//! The numpy side: one long-lived Python process running `python/serve.py`, asked for one
//! workload at a time so the harness can alternate it with its own timings.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

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

    /// Run one workload once and return its timing.
    pub fn run(&mut self, workload: &str) -> Result<Run, String> {
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

impl Drop for Numpy {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit").and_then(|()| self.stdin.flush());
        let _ = self.child.wait();
    }
}
