//! `cargo xtask browser [DIR]`: open every page of the course in headless Chromium and run the
//! Nu HTML Checker over it.
//!
//! The browser check (`xtask/browser-check/check.mjs`, with `playwright-core` driving the
//! system's Chromium) loads every page at 1280, 390 and 360 px, light and dark, and fails on any
//! console error, any request beyond the page itself, any figure or equation laid out with no
//! size, any figure without an opaque background in dark mode, a page wider than its viewport,
//! a display equation or table overflowing without a labelled scroll container, any serious or
//! critical axe-core violation, a figure no link refers to by number, a superscript set
//! without a math font, and any navigation left in print. It reports the smallest figure text
//! as rendered (enforced at 11 px once `FIGURE_TEXT_ENFORCED` is set in the script) and writes
//! screenshots of each page under `target/course-screenshots/`. The validator (`vnu-jar`, run
//! with the machine's Java) fails on any HTML error. The npm packages (with `axe-core`) are
//! pinned by `package-lock.json` and installed with `npm ci`; no browser is downloaded.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run;

/// The folder holding the check script and its npm lock file.
fn check_dir(root: &Path) -> PathBuf {
    root.join("xtask").join("browser-check")
}

/// Install the pinned npm packages unless they already are.
fn ensure_packages(dir: &Path) -> Result<(), String> {
    let vnu = dir.join("node_modules/vnu-jar/build/dist/vnu.jar");
    let playwright = dir.join("node_modules/playwright-core/package.json");
    let axe = dir.join("node_modules/axe-core/axe.min.js");
    if vnu.exists() && playwright.exists() && axe.exists() {
        return Ok(());
    }
    let dir_str = dir.to_str().ok_or("the checkout path is not UTF-8")?;
    eprintln!("$ (cd {dir_str} && npm ci --ignore-scripts)");
    // No install scripts: vnu-jar's would download a Java runtime; the machine's Java runs it.
    let status = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .status()
        .map_err(|e| format!("could not start npm (install Node.js): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`npm ci --ignore-scripts` in xtask/browser-check failed ({status})"
        ))
    }
}

/// Install the browser check's pinned npm packages unless they already are.
pub fn install_packages(root: &Path) -> Result<(), String> {
    ensure_packages(&check_dir(root))
}

/// Check the pages in `pages` (relative to the workspace root).
pub fn check(root: &Path, pages: &Path) -> Result<(), String> {
    // The commands below take paths relative to the root, which keeps absolute paths out of
    // their output.
    std::env::set_current_dir(root).map_err(|e| format!("entering {}: {e}", root.display()))?;
    let html: Vec<String> = std::fs::read_dir(root.join(pages))
        .map_err(|e| format!("reading {}: {e}", pages.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .filter_map(|p| p.strip_prefix(root).ok().map(|p| p.display().to_string()))
        .collect();
    if html.is_empty() {
        return Err(format!(
            "no pages in {}: run `cargo xtask report` first",
            pages.display()
        ));
    }
    let dir = check_dir(root);
    ensure_packages(&dir)?;
    let pages_str = pages.to_str().ok_or("the pages path is not UTF-8")?;
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Err(format!(
            "no Chromium at {chromium}: install the Debian package `chromium` or set CHROMIUM"
        ));
    }
    run(
        "node",
        &[
            "xtask/browser-check/check.mjs",
            pages_str,
            "target/course-screenshots",
        ],
    )?;
    // The explorers against results.json and the native core, and the pages with scripts off.
    run("node", &["xtask/browser-check/explorer.mjs", pages_str])?;
    let mut args = vec![
        "-jar",
        "xtask/browser-check/node_modules/vnu-jar/build/dist/vnu.jar",
        "--errors-only",
        "--format",
        "gnu",
    ];
    let mut sorted = html;
    sorted.sort();
    args.extend(sorted.iter().map(String::as_str));
    run("java", &args).map_err(|e| format!("the Nu HTML Checker found errors: {e}"))?;
    eprintln!("xtask: every page loads cleanly in Chromium and passes the Nu HTML Checker");
    Ok(())
}
