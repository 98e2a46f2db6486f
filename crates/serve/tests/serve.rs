//! `unrolled-serve` end to end, in a temporary copy of the checkout's templates, config and
//! data: the first build is served on a loopback port, a template edit is served within
//! seconds, a broken config, template or dataset shows its error (as the runner's command line
//! prints it) over the last good page, a fix brings the course back, and Ctrl-C stops the
//! server leaving no scratch folder. Every wait has a deadline.
#![cfg(unix)] // Ctrl-C is sent with `kill -INT`, and the fake cargo is a shell script.
#![allow(clippy::unwrap_used, clippy::panic)] // test code: a failure should stop the test loudly

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest wait for the first build (the whole course, on a busy machine).
const FIRST_BUILD: Duration = Duration::from_secs(90);
/// The longest wait for one rebuild to be served.
const REBUILD: Duration = Duration::from_secs(20);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The release runner, built if it is stale (a no-op when it is fresh).
fn runner() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(workspace())
        .args(["build", "--release", "--quiet", "-p", "unrolled-report"])
        .status()
        .unwrap();
    assert!(status.success(), "building the runner failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), |t| workspace().join(t));
    target.join("release/unrolled-report")
}

/// A temporary checkout: `templates/`, `course.toml`, the dataset it names, and `tmp/`, which
/// the server is given as its temporary folder.
struct Checkout {
    root: PathBuf,
}

impl Checkout {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["templates", "data/reference", "tmp"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for entry in std::fs::read_dir(workspace().join("templates")).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), root.join("templates").join(entry.file_name())).unwrap();
        }
        std::fs::copy(workspace().join("course.toml"), root.join("course.toml")).unwrap();
        // Every dataset course.toml may name (the notebooks' own draws).
        for entry in std::fs::read_dir(workspace().join("data/reference")).unwrap() {
            let entry = entry.unwrap();
            let to = root.join("data/reference").join(entry.file_name());
            std::fs::copy(entry.path(), to).unwrap();
        }
        Self { root }
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.root.join(file)).unwrap()
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.root.join(file), text).unwrap();
    }

    /// What the runner's command line prints on standard error for the checkout as it is.
    fn command_line_error(&self, runner: &Path) -> String {
        let out = Command::new(runner)
            .current_dir(&self.root)
            .args([
                "--config",
                "course.toml",
                "--templates",
                "templates",
                "--out",
            ])
            .arg(self.root.join("tmp/cli"))
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "the runner accepted a broken checkout"
        );
        let _ = std::fs::remove_dir_all(self.root.join("tmp/cli"));
        String::from_utf8(out.stderr)
            .unwrap()
            .trim_end()
            .to_string()
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A running `unrolled-serve` and what it printed.
struct Serve {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    fn start(checkout: &Checkout, runner: &Path) -> Self {
        Self::start_with(checkout, runner, &[])
    }

    fn start_with(checkout: &Checkout, runner: &Path, env: &[(&str, &Path)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_unrolled-serve"))
            .args(["--root"])
            .arg(&checkout.root)
            .args(["--port", "0", "--runner"])
            .arg(runner)
            .env("TMPDIR", checkout.root.join("tmp"))
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (lines, received) = channel();
        let stdout = collect(child.stdout.take().unwrap(), Some(lines));
        let stderr = collect(child.stderr.take().unwrap(), None);
        let mut serve = Self {
            child,
            port: 0,
            stdout,
            stderr,
        };
        serve.port = serve.port_from(&received);
        serve
    }

    /// The port in the first line, which must be a loopback URL.
    fn port_from(&mut self, lines: &Receiver<String>) -> u16 {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| {
                let _ = self.child.kill();
                panic!("no URL printed; stderr: {}", self.stderr.lock().unwrap())
            });
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in `{line}`"));
        let port = url
            .strip_prefix("http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("not a loopback URL: {url}"));
        port.parse().unwrap()
    }

    /// `GET path` with the given `Host`: status and body.
    fn get_as(&self, path: &str, host: &str) -> (u16, String) {
        http_get(self.port, path, host)
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.get_as(path, &format!("127.0.0.1:{}", self.port))
    }

    /// Fetch `path` until `ready` holds for its status and body, or fail after `deadline`; the
    /// body and how long it took.
    fn wait_for(
        &self,
        path: &str,
        deadline: Duration,
        what: &str,
        ready: impl Fn(u16, &str) -> bool,
    ) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if ready(status, &body) {
                return (body, start.elapsed());
            }
            assert!(
                start.elapsed() < deadline,
                "{path}: not {what} after {deadline:?} (status {status});\nstderr: {}\nbody starts: {}",
                self.stderr.lock().unwrap(),
                body.chars().take(2000).collect::<String>()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Send SIGINT, as Ctrl-C does, and wait for a clean exit.
    fn interrupt(mut self) -> String {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = self.child.kill();
                panic!("the server did not stop on SIGINT");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "{status}");
        // The pipes close with the process; give the reader threads a moment to finish.
        let start = Instant::now();
        while !self.stdout.lock().unwrap().contains("stopped") && start.elapsed() < REBUILD {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.stdout.lock().unwrap().clone()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        // Only when a test failed midway: never leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET path` from `127.0.0.1:port` with the given `Host`: status and body. HTTP/1.0, so the
/// body comes whole (no chunked encoding) and the connection closes after it.
fn http_get(port: u16, path: &str, host: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(40)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Read `pipe` line by line into a string, sending each line to `lines` too.
fn collect(
    pipe: impl Read + Send + 'static,
    lines: Option<std::sync::mpsc::Sender<String>>,
) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let shared = Arc::clone(&text);
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            shared.lock().unwrap().push_str(&format!("{line}\n"));
            if let Some(lines) = &lines {
                let _ = lines.send(line);
            }
        }
    });
    text
}

/// `text` escaped as the server escapes the error in its overlay.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The page's generation, which the reload script polls against.
fn generation(html: &str) -> String {
    let start = html
        .find("<meta name=\"unrolled-serve\" content=\"")
        .unwrap()
        + 37;
    let len = html[start..].find('"').unwrap();
    html[start..start + len].to_string()
}

const OVERLAY: &str = "id=\"unrolled-serve-error\"";

#[test]
fn edits_are_served_errors_overlay_the_last_good_pages_and_ctrl_c_cleans_up() {
    let runner = runner();
    let checkout = Checkout::new("unrolled-serve-test");
    let serve = Serve::start(&checkout, &runner);
    let (first, took) = serve.wait_for("/", FIRST_BUILD, "built", |status, _| status == 200);
    eprintln!("first build served after {took:?}");
    assert!(
        first.contains("<title>Backpropagation, unrolled · Unrolled</title>"),
        "{first}"
    );
    assert!(first.contains("<script>") && first.contains("connect-src 'self'"));
    assert!(!first.contains(OVERLAY));
    let (status, rnn) = serve.get("/rnn.html");
    assert_eq!(status, 200);
    assert!(rnn.contains("<svg") && rnn.contains("<math"));
    let (status, json) = serve.get("/results.json");
    assert_eq!(status, 200);
    assert!(
        json.starts_with('{') && !json.contains("<script>"),
        "served as built"
    );

    // Only the course's files, only to loopback host names.
    assert_eq!(serve.get("/../course.toml").0, 404);
    assert_eq!(serve.get("/templates/base.html").0, 404);
    assert_eq!(serve.get_as("/", "example.com").0, 403);
    assert_eq!(
        serve.get_as("/", &format!("localhost:{}", serve.port)).0,
        200
    );

    // A template edit: an open page's poll answers a new generation, the new text is served.
    let before = generation(&first);
    let poll = {
        let port = serve.port;
        let before = before.clone();
        std::thread::spawn(move || {
            http_get(
                port,
                &format!("/__unrolled/wait?since={before}"),
                &format!("127.0.0.1:{port}"),
            )
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    let index = checkout.read("templates/index.html");
    let marker = "Edited while serving";
    let edited = index.replacen(
        "{% block content %}",
        &format!("{{% block content %}}<p>{marker}</p>"),
        1,
    );
    assert_ne!(edited, index, "the index template has a content block");
    let saved = Instant::now();
    checkout.write("templates/index.html", &edited);
    let (page, _) = serve.wait_for("/", REBUILD, "edited", |_, body| body.contains(marker));
    eprintln!("template edit served {:?} after the save", saved.elapsed());
    let (status, polled) = poll.join().unwrap();
    assert_eq!(status, 200);
    assert_ne!(polled, before, "the poll saw the new generation");
    assert_eq!(polled, generation(&page));

    // A broken config: the runner's own error over the last good page, and in the terminal.
    let config = checkout.read("course.toml");
    let broken = config.replacen("eta_minus = 0.5", "eta_minus = 1.5", 1);
    assert_ne!(broken, config);
    checkout.write("course.toml", &broken);
    let expected = checkout.command_line_error(&runner);
    assert!(
        expected.contains("course.toml:") && expected.contains("key `rnn.rprop.eta_minus`"),
        "{expected}"
    );
    let (page, took) = serve.wait_for("/", REBUILD, "showing the error", |_, body| {
        body.contains(OVERLAY)
    });
    eprintln!("config error shown after {took:?}");
    assert!(
        page.contains(&escape(&expected)),
        "the command line's text: {expected}\n{page}"
    );
    assert!(page.contains(marker), "the last good page stays beneath");
    assert!(serve.get("/rnn.html").1.contains(OVERLAY), "on every page");
    assert!(
        serve.stderr.lock().unwrap().contains(&expected),
        "and in the terminal"
    );

    // Fixed: the course is back.
    checkout.write("course.toml", &config);
    serve.wait_for("/", REBUILD, "fixed", |_, body| {
        !body.contains(OVERLAY) && body.contains(marker)
    });

    // A broken template names its file and line.
    checkout.write(
        "templates/rnn.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n",
    );
    let expected = checkout.command_line_error(&runner);
    assert!(
        expected.contains("templates/rnn.html") && expected.contains("rnn.html:3"),
        "{expected}"
    );
    let (page, _) = serve.wait_for(
        "/rnn.html",
        REBUILD,
        "showing the template error",
        |_, body| body.contains(OVERLAY),
    );
    assert!(page.contains(&escape(&expected)), "{expected}");
    checkout.write(
        "templates/rnn.html",
        &std::fs::read_to_string(workspace().join("templates/rnn.html")).unwrap(),
    );
    serve.wait_for("/rnn.html", REBUILD, "fixed", |_, body| {
        !body.contains(OVERLAY)
    });

    // The dataset file the config names is watched too.
    let data = "data/reference/rnn_binary_seed1.json";
    let dataset = checkout.read(data);
    checkout.write(data, "{ not json");
    let (page, _) = serve.wait_for("/", REBUILD, "showing the dataset error", |_, body| {
        body.contains(OVERLAY)
    });
    assert!(page.contains("rnn_binary_seed1.json"), "names the file");
    checkout.write(data, &dataset);
    serve.wait_for("/", REBUILD, "fixed", |_, body| !body.contains(OVERLAY));

    let stdout = serve.interrupt();
    assert!(stdout.contains("unrolled-serve: stopped"), "{stdout}");
    let left: Vec<_> = std::fs::read_dir(checkout.root.join("tmp"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "scratch folders left: {left:?}");
    assert!(
        !checkout.root.join("reports").exists(),
        "never writes reports/"
    );
}

#[test]
fn a_failing_first_build_shows_its_error_until_fixed() {
    let runner = runner();
    let checkout = Checkout::new("unrolled-serve-test-first");
    let base = checkout.read("templates/base.html");
    checkout.write(
        "templates/base.html",
        &base.replacen("{% endblock %}", "", 1),
    );
    let expected = checkout.command_line_error(&runner);
    // The runner named relative to where the server starts (cargo runs tests in the crate's
    // folder), not to the checkout it runs the course in.
    let relative = match runner.strip_prefix(workspace()) {
        Ok(inside) => Path::new("../..").join(inside),
        Err(_) => runner.clone(), // CARGO_TARGET_DIR outside the workspace
    };
    assert!(relative.is_file(), "{}", relative.display());
    let serve = Serve::start(&checkout, &relative);
    let (page, _) = serve.wait_for("/", FIRST_BUILD, "showing the error", |status, body| {
        status == 503 && body.contains(OVERLAY)
    });
    assert!(page.contains(&escape(&expected)), "{expected}\n{page}");
    checkout.write("templates/base.html", &base);
    let (page, _) = serve.wait_for("/", REBUILD, "built", |status, _| status == 200);
    assert!(!page.contains(OVERLAY));
    serve.interrupt();
    assert_eq!(
        std::fs::read_dir(checkout.root.join("tmp"))
            .unwrap()
            .count(),
        0
    );
}

/// A stand-in for cargo: fails printing `compile-error` while that file exists in the checkout,
/// else records its arguments in `cargo-calls` and succeeds (leaving the runner as it is).
const FAKE_CARGO: &str = "#!/bin/sh
if [ -f compile-error ]; then cat compile-error >&2; exit 101; fi
echo \"$@\" >> cargo-calls
";

#[test]
fn a_change_under_crates_rebuilds_the_runner_and_shows_its_compile_error() {
    use std::os::unix::fs::PermissionsExt;
    let runner = runner();
    let checkout = Checkout::new("unrolled-serve-test-crates");
    std::fs::create_dir_all(checkout.root.join("crates/core/src")).unwrap();
    checkout.write("crates/core/src/rnn.rs", "pub fn f() {}\n");
    checkout.write("fake-cargo", FAKE_CARGO);
    let cargo = checkout.root.join("fake-cargo");
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    let serve = Serve::start_with(&checkout, &runner, &[("CARGO", &cargo)]);
    serve.wait_for("/", FIRST_BUILD, "built", |status, _| status == 200);

    let error = "error[E0308]: mismatched types\n --> crates/core/src/rnn.rs:1:14";
    checkout.write("compile-error", error);
    checkout.write("crates/core/src/rnn.rs", "pub fn f() { 1 }\n");
    let (page, _) = serve.wait_for("/", REBUILD, "showing the compile error", |_, body| {
        body.contains(OVERLAY)
    });
    assert!(page.contains(&escape(error)), "{page}");
    assert!(page.contains("<h1>"), "over the last good page");

    std::fs::remove_file(checkout.root.join("compile-error")).unwrap();
    checkout.write("crates/core/src/rnn.rs", "pub fn f() {}\n");
    serve.wait_for("/", REBUILD, "fixed", |_, body| !body.contains(OVERLAY));
    // One build per batch of events (a save may come in two batches), each the same command.
    let calls = checkout.read("cargo-calls");
    assert!(calls.lines().count() >= 1, "{calls}");
    for call in calls.lines() {
        assert_eq!(call, "build --release --color never -p unrolled-report");
    }
    let stdout = serve.interrupt();
    assert!(stdout.contains("the runner is up to date"), "{stdout}");
    assert_eq!(
        std::fs::read_dir(checkout.root.join("tmp"))
            .unwrap()
            .count(),
        0
    );
}

/// Run the server to its end (it must fail at start): its standard error.
fn failing_start(checkout: &Checkout, args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unrolled-serve"))
        .arg("--root")
        .arg(&checkout.root)
        .args(args)
        .env("TMPDIR", checkout.root.join("tmp"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = collect(child.stderr.take().unwrap(), None);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > REBUILD {
            let _ = child.kill();
            panic!("still running with {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success(), "{args:?} started");
    // The reader thread finishes once the pipe closes with the process.
    let start = Instant::now();
    while !stderr.lock().unwrap().ends_with('\n') && start.elapsed() < REBUILD {
        std::thread::sleep(Duration::from_millis(10));
    }
    stderr.lock().unwrap().clone()
}

#[test]
fn bad_starts_are_clear_errors_that_leave_nothing_behind() {
    let runner = runner();
    let checkout = Checkout::new("unrolled-serve-test-bad-start");
    let runner = runner.to_str().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for (args, expected) in [
        (
            vec!["--port", port.as_str(), "--runner", runner],
            format!("cannot listen on 127.0.0.1:{port}"),
        ),
        (
            vec!["--port", "0", "--runner", "no/such/runner"],
            "no runner at no/such/runner".to_string(),
        ),
        (
            vec!["--port", "0", "--runner", runner, "--config", "nope.toml"],
            "nope.toml: no such config file".to_string(),
        ),
        (vec!["--port", "65536"], "--port needs a number".to_string()),
    ] {
        let stderr = failing_start(&checkout, &args);
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
        assert!(stderr.starts_with("unrolled-serve: error: "), "{stderr}");
        assert_eq!(
            std::fs::read_dir(checkout.root.join("tmp"))
                .unwrap()
                .count(),
            0,
            "{args:?} left a scratch folder"
        );
    }
    drop(taken);
}
