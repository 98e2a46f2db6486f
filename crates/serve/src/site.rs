//! What the server answers: the last good build's files, with the reload script and, while the
//! last rebuild failed, its error laid over each page.
//!
//! Only served pages change: the files of a build stay as the runner wrote them. A page's
//! Content-Security-Policy gains exactly what reloading needs: the one inline script, by its
//! hash, and requests to this server (`connect-src 'self'`).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// The path the reload script polls: it answers the current generation once it differs from
/// `?since=`, or after [`crate::server::WAIT`] with the same.
pub const WAIT_PATH: &str = "/__unrolled/wait";

/// The id of the error overlay, for tests and for styling.
pub const ERROR_ID: &str = "unrolled-serve-error";

/// The reload script: wait for a generation other than the page's own, then reload (which keeps
/// the scroll position). If the server is gone it retries every second.
const RELOAD_SCRIPT: &str = "(()=>{const g=document.querySelector('meta[name=\"unrolled-serve\"]').content;\
const poll=()=>fetch('/__unrolled/wait?since='+encodeURIComponent(g),{cache:'no-store'})\
.then(r=>{if(!r.ok)throw new Error(r.statusText);return r.text();})\
.then(t=>{if(t!==g){location.reload();}else{poll();}})\
.catch(()=>setTimeout(poll,1000));poll();})();";

/// One build's output: each file's path relative to the output folder (`index.html`,
/// `results.json`) and its bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// An HTTP answer: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

/// What is being served: the last good build (if any), the current generation, and the error of
/// the last rebuild if it failed.
#[derive(Debug, Clone, Default)]
pub struct Snapshot<'a> {
    /// The last good build's files, `None` before the first build succeeded.
    pub files: Option<&'a Files>,
    /// Changes whenever what is served changes; the reload script compares it.
    pub generation: &'a str,
    /// The last rebuild's error, exactly as the command line printed it.
    pub error: Option<&'a str>,
}

/// The answer to a `GET` of `path` (query already removed): `/` is `index.html`; any other path
/// must name a file of the build exactly (no file system lookup, so nothing outside it can be
/// reached). Before the first good build every page is a placeholder (503) that shows the
/// error if there is one.
pub fn answer(snapshot: &Snapshot, path: &str) -> Answer {
    let name = match path.trim_start_matches('/') {
        "" => "index.html",
        name => name,
    };
    let Some(files) = snapshot.files else {
        let body = if snapshot.error.is_some() {
            "<p>The course has not been built yet: the first build failed.</p>"
        } else {
            "<p>Building the course…</p>"
        };
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <title>Unrolled · preview</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
        );
        return Answer {
            status: 503,
            content_type: content_type("index.html"),
            body: served_page(&page, snapshot).into_bytes(),
        };
    };
    match files.get(name) {
        None => Answer {
            status: 404,
            content_type: "text/plain; charset=utf-8",
            body: format!("no file `{name}` in the course\n").into_bytes(),
        },
        Some(bytes) if name.ends_with(".html") => Answer {
            status: 200,
            content_type: content_type(name),
            body: served_page(&String::from_utf8_lossy(bytes), snapshot).into_bytes(),
        },
        Some(bytes) => Answer {
            status: 200,
            content_type: content_type(name),
            body: bytes.clone(),
        },
    }
}

/// The content type for a file name, by its extension.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("css") => "text/css; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `html` as served: its CSP extended for the reload script, the generation and the script
/// before `</head>`, and the error overlay (if any) first in `<body>`.
pub fn served_page(html: &str, snapshot: &Snapshot) -> String {
    let mut page = extend_csp(html);
    let head = format!(
        "<meta name=\"unrolled-serve\" content=\"{}\">\n<script>{RELOAD_SCRIPT}</script>\n",
        escape(snapshot.generation)
    );
    insert_before(&mut page, "</head>", &head);
    if let Some(error) = snapshot.error {
        insert_after_tag(&mut page, "<body", &overlay(error));
    }
    page
}

/// The error overlay: a panel over the page with the error text; clicking its title folds it
/// away to show the last good page beneath (a `<details>`, so no script is needed).
fn overlay(error: &str) -> String {
    format!(
        "<details open id=\"{ERROR_ID}\" role=\"alert\" style=\"position:fixed;top:0;left:0;right:0;\
         z-index:2147483647;max-height:80vh;overflow:auto;margin:0;padding:1rem 1.5rem;\
         background:#3b0a0a;color:#fff;font:16px/1.4 system-ui,sans-serif;\
         box-shadow:0 4px 16px rgba(0,0,0,.5)\">\n\
         <summary style=\"cursor:pointer;font-weight:bold\">The course could not be rebuilt \
         (the page below is the last good build)</summary>\n\
         <pre style=\"white-space:pre-wrap;font:14px/1.45 ui-monospace,monospace;margin:.75rem 0;\
         padding:.75rem;border:0;border-radius:4px;background:#1c0303;color:#ffe4e4\">{}</pre>\n\
         <p style=\"margin:0\">Fix the file and save: this page reloads by itself.</p>\n</details>\n",
        escape(error)
    )
}

/// The CSP source of the reload script: `'sha256-…'` of its exact text.
pub fn script_hash() -> String {
    format!(
        "'sha256-{}'",
        base64(&Sha256::digest(RELOAD_SCRIPT.as_bytes()))
    )
}

/// Add `script-src` (the reload script's hash) and `connect-src 'self'` to the page's
/// `<meta http-equiv="Content-Security-Policy">`; a page without one is left as it is (nothing
/// restricts its script then).
fn extend_csp(html: &str) -> String {
    const META: &str = "http-equiv=\"Content-Security-Policy\" content=\"";
    let Some(start) = html.find(META).map(|i| i + META.len()) else {
        return html.to_string();
    };
    let Some(len) = html.get(start..).and_then(|rest| rest.find('"')) else {
        return html.to_string();
    };
    let end = start + len;
    let policy = html.get(start..end).unwrap_or_default().trim_end();
    let policy = policy.strip_suffix(';').unwrap_or(policy);
    format!(
        "{}{policy}; script-src {}; connect-src 'self'{}",
        html.get(..start).unwrap_or_default(),
        script_hash(),
        html.get(end..).unwrap_or_default()
    )
}

/// Insert `text` before the first `marker`, or at the end when there is none.
fn insert_before(html: &mut String, marker: &str, text: &str) {
    let at = html.find(marker).unwrap_or(html.len());
    html.insert_str(at, text);
}

/// Insert `text` after the tag opened by the first `open` (`<body`), or at the start when there
/// is none.
fn insert_after_tag(html: &mut String, open: &str, text: &str) {
    let at = html
        .find(open)
        .and_then(|start| html.get(start..)?.find('>').map(|end| start + end + 1))
        .unwrap_or(0);
    html.insert_str(at, &format!("\n{text}"));
}

/// `text` with the HTML special characters escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648), as CSP hashes are written.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [0, 1, 2].map(|i| u32::from(chunk.get(i).copied().unwrap_or(0)));
        let n = (b[0] << 16) | (b[1] << 8) | b[2];
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!DOCTYPE html>\n<html><head>\n<meta http-equiv=\"Content-Security-Policy\" \
        content=\"default-src 'none'; style-src 'unsafe-inline'\">\n</head>\n<body class=\"x\">\n<p>hi</p>\n</body></html>";

    fn files() -> Files {
        Files::from([
            ("index.html".to_string(), PAGE.as_bytes().to_vec()),
            ("results.json".to_string(), b"{}".to_vec()),
        ])
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input}");
        }
        // SHA-256 of "abc", as CSP writes it.
        assert_eq!(
            base64(&Sha256::digest(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn a_page_gains_only_the_script_hash_and_connect_self() {
        let files = files();
        let snapshot = Snapshot {
            files: Some(&files),
            generation: "7-1",
            error: None,
        };
        let a = answer(&snapshot, "/");
        assert_eq!(a.status, 200);
        assert_eq!(a.content_type, "text/html; charset=utf-8");
        let html = String::from_utf8(a.body).unwrap();
        assert!(
            html.contains(&format!(
                "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src {}; connect-src 'self'\"",
                script_hash()
            )),
            "{html}"
        );
        assert_eq!(html.matches("<script>").count(), 1);
        assert!(html.contains(&format!("<script>{RELOAD_SCRIPT}</script>\n</head>")));
        assert!(html.contains("<meta name=\"unrolled-serve\" content=\"7-1\">"));
        assert!(!html.contains(ERROR_ID));
        assert_eq!(answer(&snapshot, "/index.html").body, html.as_bytes());
    }

    #[test]
    fn the_error_overlays_the_last_good_page_escaped() {
        let files = files();
        let snapshot = Snapshot {
            files: Some(&files),
            generation: "7-2",
            error: Some("course.toml:3: key `a.b`: <bad> & \"worse\""),
        };
        let html = String::from_utf8(answer(&snapshot, "/").body).unwrap();
        let overlay = html.find(ERROR_ID).unwrap();
        assert!(html.find("<body class=\"x\">").unwrap() < overlay);
        assert!(
            overlay < html.find("<p>hi</p>").unwrap(),
            "the last good page stays"
        );
        assert!(html.contains("course.toml:3: key `a.b`: &lt;bad&gt; &amp; &quot;worse&quot;"));
        assert!(!html.contains("<bad>"));
    }

    #[test]
    fn other_files_are_served_as_built_and_nothing_else() {
        let files = files();
        let snapshot = Snapshot {
            files: Some(&files),
            generation: "1",
            error: Some("broken"),
        };
        let json = answer(&snapshot, "/results.json");
        assert_eq!((json.status, json.content_type), (200, "application/json"));
        assert_eq!(json.body, b"{}");
        for path in [
            "/../course.toml",
            "/templates/base.html",
            "/index.html/",
            "//etc/passwd",
            "/missing.html",
            "/%2e%2e/course.toml",
        ] {
            assert_eq!(answer(&snapshot, path).status, 404, "{path}");
        }
    }

    #[test]
    fn before_the_first_build_every_page_is_a_placeholder() {
        let building = Snapshot {
            files: None,
            generation: "1",
            error: None,
        };
        let a = answer(&building, "/rnn.html");
        assert_eq!(a.status, 503);
        let html = String::from_utf8(a.body).unwrap();
        assert!(html.contains("Building the course"));
        assert!(
            html.contains(&script_hash()),
            "it reloads when the build is ready"
        );
        let failed = Snapshot {
            error: Some("templates/rnn.html: oops"),
            ..building
        };
        let html = String::from_utf8(answer(&failed, "/").body).unwrap();
        assert!(html.contains(ERROR_ID) && html.contains("templates/rnn.html: oops"));
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("a.svg"), "image/svg+xml");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("README"), "application/octet-stream");
    }

    #[test]
    fn a_page_without_a_policy_keeps_none() {
        let html = served_page(
            "<html><head></head><body></body></html>",
            &Snapshot {
                files: None,
                generation: "1",
                error: None,
            },
        );
        assert!(!html.contains("Content-Security-Policy"));
        assert!(html.contains("<script>"));
    }
}
