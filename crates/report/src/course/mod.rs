//! The course: HTML pages with their equations, code excerpts and SVG figures, rendered from
//! the experiments' results.
//!
//! [`render`] takes the runner's [`Results`]. The templates read their numbers from the
//! serialized results (the layout of `results.json`); the figures are drawn from the same
//! values, typed. The output depends on nothing else: no clock, no fonts, no random ids.

mod catalogue;
pub mod excerpt;
pub mod figures;
pub mod font;
pub mod math;
pub mod pages;
pub mod plot;
pub mod script;
pub mod typography;

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Error;
use crate::results::{Results, RnnResults};

/// Largest size of one figure, in bytes.
pub const FIGURE_BUDGET: usize = 250_000;
/// Largest size of one page (figures inlined), in bytes.
pub const PAGE_BUDGET: usize = 1_000_000;
/// Largest size of the whole output folder (pages, `results.json` and anything else), in bytes.
pub const TOTAL_BUDGET: usize = 4_000_000;

/// What [`render`] wrote: every page and figure with its size in bytes.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Each page's file name and size.
    pub pages: Vec<(String, usize)>,
    /// Each figure's name and size (inlined into its page).
    pub figures: Vec<(String, usize)>,
    /// The size of the other files in the output folder (`results.json`).
    pub other_files: usize,
    /// The size of the embedded math font (one WOFF, inlined into every page).
    pub font: usize,
}

impl Rendered {
    /// The total size of the output folder: the pages written and the other files.
    pub fn total(&self) -> usize {
        self.pages.iter().map(|p| p.1).sum::<usize>() + self.other_files
    }

    /// `self` if the whole folder ([`total`](Self::total)) is within [`TOTAL_BUDGET`], else a
    /// budget error.
    pub fn within_budget(self) -> Result<Self, Error> {
        if self.total() > TOTAL_BUDGET {
            return Err(Error::budget(format!(
                "the course folder is {} bytes, over the {TOTAL_BUDGET}-byte budget",
                self.total()
            )));
        }
        Ok(self)
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
            "  math font {:.1} KB as WOFF, in every page\n",
            self.font as f64 / 1e3
        ));
        s.push_str(&format!(
            "  total with other files {:.1} KB (budget {} KB)\n",
            self.total() as f64 / 1e3,
            TOTAL_BUDGET / 1000
        ));
        s
    }
}

/// Where the stylesheet of `base.html` takes the math font's `@font-face`.
const MATH_FONT_SLOT: &str = "/* math-font */";

/// The text of every `<math>` element of `html`, entities decoded: what the math font must hold.
fn math_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<math") {
        let end = rest[start..]
            .find("</math>")
            .map_or(rest.len(), |e| start + e);
        let mut in_tag = false;
        let mut entity = None::<String>;
        for c in rest[start..end].chars() {
            match (c, in_tag, entity.as_mut()) {
                ('<', _, _) => in_tag = true,
                ('>', _, _) => in_tag = false,
                (_, true, _) => {}
                (';', false, Some(e)) => {
                    let decoded = match e.as_str() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "nbsp" => Some('\u{a0}'),
                        e => e
                            .strip_prefix("#x")
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                            .and_then(char::from_u32),
                    };
                    text.extend(decoded);
                    entity = None;
                }
                (c, false, Some(e)) => e.push(c),
                ('&', false, None) => entity = Some(String::new()),
                (c, false, None) => text.push(c),
            }
        }
        rest = &rest[end..];
    }
    text
}

/// Figures by the name the templates use: the HTML of each.
pub type Figures = BTreeMap<String, String>;

/// Draw every figure of the course, by the name the templates use.
pub fn figures(results: &Results) -> Result<Figures, Error> {
    catalogue::figures(results)
}

/// Draw lesson 1's figures on `workers` threads, ahead of the rest: beside lesson 2's run
/// ([`crate::run::run_beside`]), for [`draw_with`].
pub fn lesson1_figures(rnn: &RnnResults, workers: usize) -> Result<Figures, Error> {
    catalogue::lesson1_figures(rnn, workers)
}

/// Render the course from `results` into `out_dir`: `index.html`, `rnn.html`, `backprop.html`.
///
/// Errors: a results layout the templates do not expect (a missing value is an error, never an
/// empty string), a figure that cannot be drawn, or a page, figure or total over its budget.
pub fn render(results: &Results, out_dir: &Path) -> Result<Rendered, Error> {
    render_with_templates(results, out_dir, None)
}

/// [`render`] with the templates read from the folder `templates` at run time (`None`: the
/// compiled-in ones), as [`pages::environment_from`] reads them. Files already in `out_dir`
/// count towards the folder's budget.
pub fn render_with_templates(
    results: &Results,
    out_dir: &Path,
    templates: Option<&Path>,
) -> Result<Rendered, Error> {
    let folder_error = |what: &str, e: std::io::Error| {
        Error::io(format!("{what}: {e}")).in_file(out_dir.display().to_string())
    };
    std::fs::create_dir_all(out_dir).map_err(|e| folder_error("cannot create the folder", e))?;
    let mut other_files = 0;
    for entry in
        std::fs::read_dir(out_dir).map_err(|e| folder_error("cannot list the folder", e))?
    {
        let entry = entry.map_err(|e| folder_error("cannot list the folder", e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !pages::PAGES.iter().any(|(page, _)| *page == name) {
            let meta = entry.metadata().map_err(|e| {
                Error::io(format!("cannot read: {e}")).in_file(entry.path().display().to_string())
            })?;
            other_files += usize::try_from(meta.len()).unwrap_or(usize::MAX);
        }
    }
    let (rendered, html_pages) = draw(results, templates, other_files)?;
    for (page, html) in html_pages {
        let path = out_dir.join(page);
        std::fs::write(&path, &html).map_err(|e| {
            Error::io(format!("cannot write: {e}")).in_file(path.display().to_string())
        })?;
    }
    Ok(rendered)
}

/// The pages of the course drawn in memory: each page's file name and HTML.
pub type Pages = Vec<(&'static str, String)>;

/// The course's pages drawn in memory from `results`: each page's file name and HTML, and
/// their sizes. `other_files` is the size of what else the output folder will hold
/// (`results.json`), counted in the folder's budget. Nothing is written.
///
/// Errors: as [`render`], but no I/O.
pub fn draw(
    results: &Results,
    templates: Option<&Path>,
    other_files: usize,
) -> Result<(Rendered, Pages), Error> {
    let (rendered, pages) = draw_with(results, None, templates)?;
    let rendered = Rendered {
        other_files,
        ..rendered
    };
    Ok((rendered.within_budget()?, pages))
}

/// [`draw`], with lesson 1's figures given if they were drawn ahead ([`lesson1_figures`] of
/// `results.rnn`): then only lesson 2's are drawn here. Each figure and page is checked
/// against its budget; the folder's total is the caller's to check
/// ([`Rendered::within_budget`]) once it has set the size of the other files.
pub fn draw_with(
    results: &Results,
    lesson1: Option<&Figures>,
    templates: Option<&Path>,
) -> Result<(Rendered, Pages), Error> {
    // The figures are drawn while the pages are rendered around their places and the math
    // font is cut to the pages' equations; then the figures go into their places. The
    // templates are read (and their TeX made MathML) while the results are serialized.
    let (figures, pages) = std::thread::scope(|scope| {
        let figures = scope.spawn(|| catalogue::figures_with(results, lesson1));
        let env = scope.spawn(|| pages::environment_from(templates));
        let value = serde_json::to_value(results)
            .map_err(|e| Error::render(format!("serializing results: {e}")));
        let env = crate::threads::join(env);
        let pages = value.and_then(|value| pages_with_font(env?, &value));
        (crate::threads::join(figures), pages)
    });
    let figures = figures?;
    let mut rendered = Rendered::default();
    for (name, svg) in &figures {
        if svg.len() > FIGURE_BUDGET {
            return Err(Error::budget(format!(
                "figure {name} is {} bytes, over the {FIGURE_BUDGET}-byte budget",
                svg.len()
            )));
        }
        rendered.figures.push((name.clone(), svg.len()));
    }
    let (html_pages, woff) = pages?;
    rendered.font = woff.len();
    let face = font::font_face(&woff);
    let mut finished = Vec::new();
    for (page, html) in html_pages {
        if !html.contains(MATH_FONT_SLOT) {
            return Err(Error::render(format!(
                "{page}: no `{MATH_FONT_SLOT}` in its stylesheet"
            )));
        }
        let html = pages::fill_figures(page, &html, &figures)?.replacen(MATH_FONT_SLOT, &face, 1);
        if html.len() > PAGE_BUDGET {
            return Err(Error::budget(format!(
                "page {page} is {} bytes, over the {PAGE_BUDGET}-byte budget",
                html.len()
            )));
        }
        rendered.pages.push((page.to_string(), html.len()));
        finished.push((page, html));
    }
    Ok((rendered, finished))
}

/// Every page rendered by `env` (see [`pages::environment_from`]) from the serialized results
/// `value`, with figure slots in place of the figures, and the math font (WOFF) cut to the
/// characters of all their equations.
///
/// The font is cut to the characters the templates lead one to expect
/// ([`expected_math_chars`]) while the pages are rendered, and kept if the pages hold exactly
/// those; else it is cut again to what they hold. Either way it is
/// `font::subset_woff(&font::characters(&text))` of the pages' equations' text, to the byte.
fn pages_with_font(
    env: minijinja::Environment<'static>,
    value: &serde_json::Value,
) -> Result<(Pages, Vec<u8>), Error> {
    let expected = expected_math_chars(&env);
    std::thread::scope(|scope| {
        let early = scope.spawn(|| {
            let woff = font::subset_woff(&expected);
            (expected, woff)
        });
        let r = minijinja::Value::from_serialize(value);
        let mut html_pages = Vec::new();
        for (page, _) in pages::PAGES {
            html_pages.push((*page, pages::render_page(&env, page, &r)?));
        }
        // One math font for all pages, cut to the characters of every page's equations.
        let text: String = html_pages.iter().map(|(_, html)| math_text(html)).collect();
        let woff = math_font(&font::characters(&text), crate::threads::join(early))?;
        Ok((html_pages, woff))
    })
}

/// The math font for the characters `chars`: the font cut early, `(its characters, it)`, if
/// it was cut to exactly `chars`, else `chars`' own subset (an early failure is not the
/// answer's: the subset is cut again).
fn math_font(
    chars: &std::collections::BTreeSet<char>,
    early: (std::collections::BTreeSet<char>, Result<Vec<u8>, String>),
) -> Result<Vec<u8>, Error> {
    match early {
        (early_chars, Ok(woff)) if early_chars == *chars => Ok(woff),
        _ => font::subset_woff(chars).map_err(Error::render),
    }
}

/// The characters the pages' equations are expected to hold, from the templates in `env`
/// alone: the text of each HTML template's `<math>` elements with its template tags
/// (`{{ … }}`, `{% … %}`, `{# … #}`) left out, with their italic forms, and the ten digits,
/// the decimal point and the minus sign the run's numbers are written with. A guess that lets
/// the font be cut before the pages exist; [`pages_with_font`] checks it.
fn expected_math_chars(env: &minijinja::Environment) -> std::collections::BTreeSet<char> {
    let mut text: String = env
        .templates()
        .filter(|(name, _)| name.ends_with(".html"))
        .map(|(_, template)| math_text(&without_template_tags(template.source())))
        .collect();
    text.push_str("0123456789.\u{2212}");
    font::characters(&text)
}

/// `source` with every template tag (`{{ … }}`, `{% … %}`, `{# … #}`) left out; an unclosed
/// tag runs to the end.
fn without_template_tags(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find('{') {
        let close = match rest[start + 1..].chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                out.push_str(&rest[..=start]);
                rest = &rest[start + 1..];
                continue;
            }
        };
        out.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find(close)
            .map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// The results of `course.toml`, run once for all tests.
    fn results() -> &'static Results {
        static RESULTS: OnceLock<Results> = OnceLock::new();
        RESULTS.get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            let config = crate::Config::load(&root.join("course.toml")).unwrap();
            crate::run(&config).unwrap()
        })
    }

    /// Render into `target/<dir>` and read every page back.
    fn render_into(dir: &str) -> (Rendered, BTreeMap<String, String>) {
        let out = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target")
            .join(dir);
        let started = std::time::Instant::now();
        let rendered = render(results(), &out).unwrap_or_else(|e| panic!("{e}"));
        eprintln!(
            "rendered in {:?}\n{}",
            started.elapsed(),
            rendered.summary()
        );
        let pages = pages::PAGES
            .iter()
            .map(|(p, _)| {
                let html = std::fs::read_to_string(out.join(p)).unwrap();
                ((*p).to_string(), html)
            })
            .collect();
        (rendered, pages)
    }

    #[test]
    fn the_folders_budget_counts_the_pages_and_the_other_files() {
        let folder = |other_files| Rendered {
            pages: vec![("a.html".into(), TOTAL_BUDGET - 100), ("b.html".into(), 90)],
            other_files,
            ..Rendered::default()
        };
        assert_eq!(folder(10).within_budget().unwrap().total(), TOTAL_BUDGET);
        let error = folder(11).within_budget().unwrap_err().to_string();
        assert!(
            error.contains(&format!("{} bytes, over the", TOTAL_BUDGET + 1)),
            "{error}"
        );
    }

    #[test]
    fn the_course_renders_within_budget_and_reproducibly() {
        let (rendered, first) = render_into("course-a");
        let (_, second) = render_into("course-b");
        assert_eq!(first, second, "byte-identical");
        assert_eq!(rendered.pages.len(), 3);
        assert!(rendered.font > 10_000, "the math font is embedded");
        for (page, html) in &first {
            assert!(
                html.contains("@font-face { font-family: \"Unrolled Math\""),
                "{page}"
            );
            assert!(html.contains("font-src data:"), "{page}");
            assert!(!html.contains(MATH_FONT_SLOT), "{page}");
        }
        let html = &first["rnn.html"];
        assert!(html.contains("<math"), "equations are MathML");
        assert!(
            html.contains(
                "<span class=\"hl-keyword\">pub</span> <span class=\"hl-keyword\">fn</span> update_state"
            ),
            "code excerpts are inlined"
        );
        for (page, html) in &first {
            let scripts = if page == "index.html" { 0 } else { 1 };
            assert_eq!(
                html.matches("<script").count(),
                scripts,
                "{page}: its explorer only"
            );
            assert_eq!(html.contains("'wasm-unsafe-eval'"), scripts == 1, "{page}");
            assert!(html.contains("Content-Security-Policy"), "{page}");
            assert_eq!(
                html.matches("<svg").count(),
                html.matches("<title>").count() - 1,
                "{page}: every figure has a title"
            );
        }
    }

    #[test]
    fn the_templates_lead_to_the_characters_of_the_course_s_equations() {
        // So the course's font is the one cut before the pages are rendered.
        let (_, pages) = render_into("course-font-guess");
        let text: String = pages.values().map(|html| math_text(html)).collect();
        let env = pages::environment_from(None).unwrap();
        assert_eq!(expected_math_chars(&env), font::characters(&text));
    }

    #[test]
    fn the_early_font_is_kept_only_for_the_same_characters() {
        let chars = font::characters("x = 1");
        let other = font::characters("y = 2");
        let marker = || Ok(b"early".to_vec());
        assert_eq!(
            math_font(&chars, (chars.clone(), marker())).unwrap(),
            b"early"
        );
        let own = font::subset_woff(&chars).unwrap();
        assert_eq!(math_font(&chars, (other, marker())).unwrap(), own);
        let failed = (chars.clone(), Err("no font".to_string()));
        assert_eq!(math_font(&chars, failed).unwrap(), own);
    }

    #[test]
    fn template_tags_are_left_out_of_the_text() {
        assert_eq!(
            without_template_tags("a {{ x | fixed(3) }}b{% if y %}c{% endif %}{# note #}d"),
            "a bcd"
        );
        assert_eq!(without_template_tags("{a} {x}"), "{a} {x}");
        assert_eq!(without_template_tags("a {{ open"), "a ");
        assert_eq!(without_template_tags("{"), "{");
        assert_eq!(without_template_tags("é{{x}}ü{"), "éü{");
    }

    #[test]
    fn math_text_is_the_decoded_text_of_the_math_elements() {
        let html = "<p>a</p><math><mi>x</mi><mo>&lt;</mo><mn>1</mn><mo>&#x2212;</mo><mi>&#958;</mi></math> b <math display=\"block\"><mi>y</mi></math>";
        assert_eq!(math_text(html), "x<1−ξy");
    }

    /// The `<figure>` elements of a page that hold an `<svg>`.
    fn svg_figures(html: &str) -> usize {
        html.split("<figure")
            .skip(1)
            .filter(|f| {
                f.split("</figure>")
                    .next()
                    .is_some_and(|f| f.contains("<svg"))
            })
            .count()
    }

    #[test]
    fn every_figure_is_on_its_page_once() {
        let (rendered, pages) = render_into("course-figures");
        let on_page = |prefix: &str| {
            rendered
                .figures
                .iter()
                .filter(|(name, _)| name.starts_with(prefix))
                .count()
        };
        assert_eq!(svg_figures(&pages["rnn.html"]), on_page("rnn-"));
        assert_eq!(svg_figures(&pages["backprop.html"]), on_page("backprop-"));
        assert!(on_page("backprop-") >= 10, "lesson 2 has its figures");
        assert_eq!(svg_figures(&pages["index.html"]), 0);
    }

    /// The `<svg>` opening tags inside `html`, with their widths.
    fn svg_widths(html: &str) -> Vec<u32> {
        html.split("<svg")
            .skip(1)
            .map(|t| {
                let open = t.split('>').next().unwrap_or_default();
                let w = open
                    .split(" width=\"")
                    .nth(1)
                    .and_then(|w| w.split('"').next());
                w.and_then(|w| w.parse().ok())
                    .unwrap_or_else(|| panic!("an <svg> without a width: <svg{open}>"))
            })
            .collect()
    }

    /// On a phone no figure scrolls: each is a body of panels no wider than a panel, the
    /// two-panel figures as two SVGs with their colour scale, and none in a scroll container.
    #[test]
    fn figures_are_panels_a_phone_can_show_without_scrolling() {
        let (_, pages) = render_into("course-panels");
        for (page, html) in &pages {
            for body in html.split("<div class=\"figure-body\"").skip(1) {
                let body = body.split("</figure>").next().unwrap_or_default();
                let widths = svg_widths(body);
                assert!(!widths.is_empty(), "{page}: a figure without a panel");
                assert!(
                    widths.iter().all(|w| *w <= plot::PANEL_WIDTH),
                    "{page}: panels of {widths:?} px"
                );
                assert!(!body.contains("class=\"figure-scroll"), "{page}");
                assert_eq!(
                    body.matches("<svg").count(),
                    body.matches("<title>").count(),
                    "{page}: every panel has its own accessible name"
                );
            }
            assert!(!html.contains("figure-scroll"), "{page}");
        }
        let figure = |page: &str, id: &str| -> String {
            let html = &pages[page];
            let at = html.find(&format!("<figure id=\"{id}\"")).unwrap();
            html[at..].split("</figure>").next().unwrap().to_string()
        };
        // The loss surface: overview and zoom, then the scale; the explorer's figure too.
        for id in ["figure-1-1", "figure-1-3"] {
            let f = figure("rnn.html", id);
            assert_eq!(f.matches("<svg").count(), 3, "{id}: two panels and a scale");
            assert_eq!(f.matches("data-plot-box").count(), 2, "{id}");
            assert!(f.contains(": overview</title>") && f.contains(": zoom</title>"));
            assert!(f.contains(": colour scale</title>"));
        }
        let f = figure("backprop.html", "figure-2-6");
        assert!(f.contains(": before</title>") && f.contains(": after</title>"));
    }

    #[test]
    fn no_template_or_latex_source_leaks_into_the_pages() {
        let (_, pages) = render_into("course-leaks");
        for (page, html) in &pages {
            // Outside code excerpts, no template syntax or placeholder survives.
            let text = strip(html, &[("<pre", "</pre>"), ("<script", "</script>")]);
            for leak in [
                "UNROLLEDVALUE",
                "{{",
                "}}",
                "{%",
                "%}",
                "r.rnn",
                "r.backprop",
                "r.nav",
            ] {
                assert!(!text.contains(leak), "{page} shows `{leak}`");
            }
            // Outside equations and figures (whose titles spell the weights plainly for
            // screen readers), no LaTeX source or plain `w_rec`.
            let text = strip(&text, &[("<math", "</math>"), ("<svg", "</svg>")]);
            for leak in ["$", "\\frac", "\\mathrm", "\\partial", "w_rec", "w_{"] {
                assert!(!text.contains(leak), "{page} shows `{leak}`");
            }
            assert!(!html.contains("UNROLLEDVALUE"), "{page}");
            assert!(!html.contains("undefined"), "{page}");
        }
    }

    /// `html` without the spans from each opening to its closing tag.
    fn strip(html: &str, spans: &[(&str, &str)]) -> String {
        let mut text = html.to_string();
        for (open, close) in spans {
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(start) = rest.find(open) {
                out.push_str(&rest[..start]);
                match rest[start..].find(close) {
                    Some(end) => rest = &rest[start + end + close.len()..],
                    None => rest = "",
                }
            }
            out.push_str(rest);
            text = out;
        }
        text
    }
}
