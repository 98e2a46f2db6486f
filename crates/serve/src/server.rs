//! The HTTP side: a `tiny_http` server on a loopback port, one thread per request, answering
//! from the [`Shared`] state the build loop publishes into.

use std::collections::BTreeSet;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Request, Response, Server};

use crate::site::{self, Answer, Files, Snapshot};

/// How long a reload poll waits for a new generation before answering the same one.
pub const WAIT: Duration = Duration::from_secs(25);

/// What the server shows, published by the build loop.
#[derive(Debug, Default)]
pub struct State {
    /// The last good build's files.
    pub files: Option<Arc<Files>>,
    /// A fresh value on every change of what is served.
    pub generation: String,
    /// The last rebuild's error, if it failed.
    pub error: Option<String>,
    /// Set when the server is stopping: waiting polls return at once.
    pub stopping: bool,
}

/// The state with the condition variable that wakes the reload polls.
#[derive(Debug, Default)]
pub struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    /// Lock the state, recovering it if a request thread panicked while holding it.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Change the state with `update`, then wake every waiting poll.
    pub fn publish(&self, update: impl FnOnce(&mut State)) {
        update(&mut self.lock());
        self.changed.notify_all();
    }

    /// The answer to `GET path` from the current state.
    fn answer(&self, path: &str) -> Answer {
        let state = self.lock();
        let files = state.files.clone();
        site::answer(
            &Snapshot {
                files: files.as_deref(),
                generation: &state.generation,
                error: state.error.as_deref(),
            },
            path,
        )
    }

    /// Wait until the generation differs from `since`, the server stops, or `timeout` passes;
    /// the generation then.
    pub fn wait(&self, since: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        while state.generation == since && !state.stopping {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = match self.changed.wait_timeout(state, left) {
                Ok((state, _)) => state,
                Err(e) => e.into_inner().0,
            };
        }
        state.generation.clone()
    }
}

/// Bind `127.0.0.1:port` (0: a free port chosen by the system); the server and its port.
pub fn bind(port: u16) -> Result<(Server, u16), String> {
    let server = Server::http(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or("the server is not on an IP address")?;
    Ok((server, port))
}

/// Answer requests until [`Server::unblock`] is called, each on its own thread (a reload poll
/// may wait for [`WAIT`]).
pub fn run(server: Arc<Server>, shared: Arc<Shared>, port: u16) {
    let hosts: BTreeSet<String> = ["127.0.0.1", "localhost"]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .collect();
    let hosts = Arc::new(hosts);
    for request in server.incoming_requests() {
        let shared = Arc::clone(&shared);
        let hosts = Arc::clone(&hosts);
        std::thread::spawn(move || handle(request, &shared, &hosts));
    }
}

/// Answer one request. Only `GET` and `HEAD`, and only with a loopback `Host` header: a page of
/// another site that rebinds its name to 127.0.0.1 cannot read the course.
fn handle(request: Request, shared: &Shared, hosts: &BTreeSet<String>) {
    let host_ok = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .is_some_and(|h| hosts.contains(h.value.as_str()));
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let answer = if !host_ok {
        plain(403, "only loopback host names are served\n")
    } else if !matches!(request.method(), Method::Get | Method::Head) {
        plain(405, "only GET and HEAD\n")
    } else if path == site::WAIT_PATH {
        let since = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .unwrap_or_default();
        plain(200, &shared.wait(&percent_decode(since), WAIT))
    } else {
        shared.answer(path)
    };
    let mut response = Response::from_data(answer.body).with_status_code(answer.status);
    for (field, value) in [
        ("Content-Type", answer.content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        if let Ok(header) = Header::from_bytes(field, value) {
            response.add_header(header);
        }
    }
    // The browser may have gone away (a reload cancels its poll): nothing to do then.
    let _ = request.respond(response);
}

/// A plain-text answer.
fn plain(status: u16, text: &str) -> Answer {
    Answer {
        status,
        content_type: "text/plain; charset=utf-8",
        body: text.as_bytes().to_vec(),
    }
}

/// `%XX` escapes decoded (the generation is digits and `-`, so anything else just fails to
/// match it).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_returns_at_once_on_a_new_generation_and_times_out_otherwise() {
        let shared = Arc::new(Shared::default());
        shared.publish(|s| s.generation = "1".into());
        assert_eq!(shared.wait("0", WAIT), "1", "already different");
        let start = Instant::now();
        assert_eq!(shared.wait("1", Duration::from_millis(50)), "1");
        assert!(start.elapsed() >= Duration::from_millis(50));
        let waiter = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || shared.wait("1", Duration::from_secs(10)))
        };
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        shared.publish(|s| s.generation = "2".into());
        assert_eq!(waiter.join().unwrap(), "2");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn stopping_releases_the_polls() {
        let shared = Arc::new(Shared::default());
        let waiter = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || shared.wait("", Duration::from_secs(10)))
        };
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        shared.publish(|s| s.stopping = true);
        assert_eq!(waiter.join().unwrap(), "");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("12-3%2D4%zz%4"), "12-3-4%zz%4");
    }
}
