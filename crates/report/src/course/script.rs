//! The pages' one script: the explorer's ES module with the core compiled to WebAssembly.
//!
//! The modules are the ones `cargo xtask wasm` built and committed in `crates/explorer/wasm/`,
//! compiled into the renderer, so a render needs neither a WebAssembly toolchain nor a
//! network and gives the same bytes everywhere. A page embeds its module as base64 inside its
//! script, and its Content-Security-Policy allows exactly that script, by its SHA-256 hash,
//! and `'wasm-unsafe-eval'` to compile the module: nothing else runs, nothing is loaded.

use crate::error::Error;
use sha2::{Digest, Sha256};

/// Each page's WebAssembly module, by the name the templates use.
const MODULES: &[(&str, &[u8])] = &[
    ("rnn", include_bytes!("../../../explorer/wasm/rnn.wasm")),
    (
        "backprop",
        include_bytes!("../../../explorer/wasm/backprop.wasm"),
    ),
];

/// The placeholder a page's policy holds where its script's hash goes.
pub const HASH_PLACEHOLDER: &str = "PAGE-SCRIPT-HASH";

/// The module `name` as base64, or `None` if there is no such module.
pub fn module_base64(name: &str) -> Option<String> {
    MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| base64(bytes))
}

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Put the hash of the page's script into its policy: a page whose policy holds
/// [`HASH_PLACEHOLDER`] must have exactly one `<script type="module">`, and a page without the
/// placeholder none at all.
pub fn allow_page_script(page: &str, html: &str) -> Result<String, Error> {
    const OPEN: &str = "<script type=\"module\">";
    let scripts = html.matches("<script").count();
    if !html.contains(HASH_PLACEHOLDER) {
        return if scripts == 0 {
            Ok(html.to_string())
        } else {
            Err(Error::render(format!(
                "{page}: a script without its hash in the policy"
            )))
        };
    }
    let start = html
        .find(OPEN)
        .map(|s| s + OPEN.len())
        .filter(|_| scripts == 1)
        .ok_or_else(|| {
            Error::render(format!(
                "{page}: the policy expects exactly one <script type=\"module\">"
            ))
        })?;
    let end = html[start..]
        .find("</script>")
        .ok_or_else(|| Error::render(format!("{page}: the script is not closed")))?;
    let hash = base64(&Sha256::digest(&html.as_bytes()[start..start + end]));
    Ok(html.replacen(HASH_PLACEHOLDER, &format!("sha256-{hash}"), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn the_modules_are_webassembly_within_budget() {
        for (name, bytes) in MODULES {
            assert!(bytes.starts_with(b"\0asm\x01\0\0\0"), "{name}");
            assert!(bytes.len() <= 32_000, "{name}: {} bytes", bytes.len());
            assert!(module_base64(name).is_some());
        }
        assert!(module_base64("nope").is_none());
    }

    #[test]
    fn the_policy_gets_the_scripts_hash() {
        // The hash of `alert(1)`, as browsers compute it for a CSP.
        let html = format!(
            "<meta content=\"script-src '{HASH_PLACEHOLDER}'\"><script type=\"module\">alert(1)</script>"
        );
        let done = allow_page_script("p", &html).unwrap();
        assert!(
            done.contains("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"),
            "{done}"
        );
        assert_eq!(allow_page_script("p", "<p>").unwrap(), "<p>");
        assert!(allow_page_script("p", "<script>x</script>").is_err());
        let two = format!("{HASH_PLACEHOLDER}<script type=\"module\"></script><script></script>");
        assert!(allow_page_script("p", &two).is_err());
        assert!(allow_page_script("p", HASH_PLACEHOLDER).is_err());
        let open = format!("{HASH_PLACEHOLDER}<script type=\"module\">x");
        assert!(allow_page_script("p", &open).is_err());
    }
}
