//! The course: HTML pages with their equations, code excerpts and SVG figures, rendered from
//! the experiments' results.
//!
//! [`render`] takes anything that serializes to the layout of `results.json`. The pages read
//! their numbers from it through the templates; the figures are drawn from the same values.
//! The output depends on nothing else: no clock, no fonts, no random ids.

pub mod excerpt;
pub mod figures;
pub mod math;
pub mod pages;
pub mod plot;
mod view;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

/// Largest size of one figure, in bytes.
pub const FIGURE_BUDGET: usize = 250_000;
/// Largest size of one page (figures inlined), in bytes.
pub const PAGE_BUDGET: usize = 1_000_000;
/// Largest size of everything the course writes, in bytes.
pub const TOTAL_BUDGET: usize = 4_000_000;

/// What [`render`] wrote: every page and figure with its size in bytes.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Each page's file name and size.
    pub pages: Vec<(String, usize)>,
    /// Each figure's name and size (inlined into its page).
    pub figures: Vec<(String, usize)>,
}

impl Rendered {
    /// The total size of the pages written.
    pub fn total(&self) -> usize {
        self.pages.iter().map(|p| p.1).sum()
    }

    /// A short table of the sizes against the budgets.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        for (name, size) in &self.pages {
            s.push_str(&format!(
                "  page   {name:<36} {:>8.1} KB\n",
                *size as f64 / 1e3
            ));
        }
        let largest = self.figures.iter().max_by_key(|f| f.1);
        if let Some((name, size)) = largest {
            s.push_str(&format!(
                "  {} figures, largest {name} {:.1} KB (budget {} KB)\n",
                self.figures.len(),
                *size as f64 / 1e3,
                FIGURE_BUDGET / 1000
            ));
        }
        s.push_str(&format!(
            "  total {:.1} KB (budget {} KB)\n",
            self.total() as f64 / 1e3,
            TOTAL_BUDGET / 1000
        ));
        s
    }
}

/// Draw every figure the results allow, by name.
pub fn figures(results: &serde_json::Value) -> Result<BTreeMap<String, String>, String> {
    let parsed: view::Results = serde_json::from_value(results.clone())
        .map_err(|e| format!("results do not have the layout the course reads: {e}"))?;
    view::figures(&parsed)
}

/// Render the course from `results` into `out_dir`: `index.html`, `rnn.html`, `backprop.html`.
///
/// Errors: a results layout the templates do not expect (a missing value is an error, never an
/// empty string), a figure that cannot be drawn, or a page, figure or total over its budget.
pub fn render<R: Serialize>(results: &R, out_dir: &Path) -> Result<Rendered, String> {
    let value = serde_json::to_value(results).map_err(|e| format!("serializing results: {e}"))?;
    let figures = figures(&value)?;
    let mut rendered = Rendered::default();
    for (name, svg) in &figures {
        if svg.len() > FIGURE_BUDGET {
            return Err(format!(
                "figure {name} is {} bytes, over the {FIGURE_BUDGET}-byte budget",
                svg.len()
            ));
        }
        rendered.figures.push((name.clone(), svg.len()));
    }
    let env = pages::environment(figures)?;
    let r = minijinja::Value::from_serialize(&value);
    std::fs::create_dir_all(out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    for (page, _) in pages::PAGES {
        let html = pages::render_page(&env, page, &r)?;
        if html.len() > PAGE_BUDGET {
            return Err(format!(
                "page {page} is {} bytes, over the {PAGE_BUDGET}-byte budget",
                html.len()
            ));
        }
        let path = out_dir.join(page);
        std::fs::write(&path, &html).map_err(|e| format!("writing {}: {e}", path.display()))?;
        rendered.pages.push(((*page).to_string(), html.len()));
    }
    if rendered.total() > TOTAL_BUDGET {
        return Err(format!(
            "the course is {} bytes, over the {TOTAL_BUDGET}-byte budget",
            rendered.total()
        ));
    }
    Ok(rendered)
}

#[cfg(test)]
mod sample;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_course_renders_within_budget_and_reproducibly() {
        let results = sample::results();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/course-sample");
        let started = std::time::Instant::now();
        let rendered = render(&results, &dir).unwrap_or_else(|e| panic!("{e}"));
        eprintln!(
            "rendered in {:?}\n{}",
            started.elapsed(),
            rendered.summary()
        );
        let first = std::fs::read(dir.join("rnn.html")).unwrap();
        render(&results, &dir).unwrap();
        assert_eq!(
            first,
            std::fs::read(dir.join("rnn.html")).unwrap(),
            "byte-identical"
        );
        let html = String::from_utf8(first).unwrap();
        assert!(html.contains("<math"), "equations are MathML");
        assert!(
            html.contains("pub fn update_state"),
            "code excerpts are inlined"
        );
        assert!(!html.contains("<script"), "no scripts");
        assert!(html.contains("Content-Security-Policy"));
        assert_eq!(
            html.matches("<svg").count(),
            html.matches("<title>").count() - 1
        );
    }

    #[test]
    fn the_course_renders_from_the_runners_results() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let config = crate::Config::load(&root.join("course.toml")).unwrap();
        let results = crate::run(&config).unwrap();
        let dir = root.join("target/course-from-runner");
        let started = std::time::Instant::now();
        let rendered = render(&results, &dir).unwrap_or_else(|e| panic!("{e}"));
        eprintln!(
            "rendered in {:?}\n{}",
            started.elapsed(),
            rendered.summary()
        );
        assert_eq!(rendered.pages.len(), 3);
    }
}
