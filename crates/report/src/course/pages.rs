//! The pages: minijinja templates from `templates/`, with autoescape and strict undefined.
//!
//! The templates are compiled into the binary, their `$…$` math converted to MathML first;
//! [`environment_from`] reads them from a folder at run time instead (for previews).
//! A page sees the results as `r` (the very structure of `results.json`), and three helpers:
//! `figure(name)` places a figure's panels (one SVG each, never wider than a phone shows; the
//! figures are drawn meanwhile and [`fill_figures`] puts them in), `code(module, name)` shows a function of the core,
//! and the filters `num` (shortest round trip), `fixed(digits)`, `sig(digits)` and
//! `sci(digits)` format numbers. The
//! canonical lesson 1 notebook's printed values are there as `notebook`, the variant
//! notebook's as `notebook_variant`.
//!
//! Figures are numbered in the order their pages show them (page by page, counted from the
//! templates' `figure("…")` calls), and `figure_ref(name)` links to one by its number. After
//! rendering, [`render_page`] fills the table of contents, gives every `<h2>` a visible
//! permalink, every figure its id and numbered caption, every table a labelled scroll
//! container and every note a label of its own.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};

use super::excerpt;
use super::math::Math;
use super::script;
use super::typography::{minus, scientific, scientific_mathml, significant};
use crate::error::Error as ReportError;

/// The templates, by name: the shared layout, its stylesheet and the three pages.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../../templates/base.html")),
    ("style.css", include_str!("../../../../templates/style.css")),
    (
        "index.html",
        include_str!("../../../../templates/index.html"),
    ),
    ("rnn.html", include_str!("../../../../templates/rnn.html")),
    (
        "backprop.html",
        include_str!("../../../../templates/backprop.html"),
    ),
    (
        "explorer.js",
        include_str!("../../../../templates/explorer.js"),
    ),
    (
        "explorer-rnn.js",
        include_str!("../../../../templates/explorer-rnn.js"),
    ),
    (
        "explorer-backprop.js",
        include_str!("../../../../templates/explorer-backprop.js"),
    ),
];

/// The pages of the course, in navigation order: file name and short title.
pub const PAGES: &[(&str, &str)] = &[
    ("index.html", "Overview"),
    ("rnn.html", "Lesson 1: the linear RNN"),
    ("backprop.html", "Lesson 2: backpropagation"),
];

/// The canonical lesson 1 notebook's dataset with the values it printed, compiled in: a page
/// sees its `expected` part as `notebook`, to set the notebook's output beside ours.
const NOTEBOOK_REFERENCE: &str = include_str!("../../../../data/reference/rnn_binary_seed1.json");

/// The variant notebook's dataset with the values it printed (`notebook_variant`).
const NOTEBOOK_VARIANT: &str = include_str!("../../../../data/reference/rnn_variant_seed1.json");

/// Each figure's number, by name: `L.N` for the `N`-th figure of lesson `L` (the page's place
/// in the navigation, the overview being 0), counted in the order its template calls
/// `figure("…")`.
pub fn figure_numbers() -> BTreeMap<String, String> {
    let mut numbers = BTreeMap::new();
    for (lesson, (page, _)) in PAGES.iter().enumerate() {
        let Some((_, source)) = TEMPLATES.iter().find(|(name, _)| name == page) else {
            continue;
        };
        let mut rest = *source;
        let mut n = 0;
        while let Some(at) = rest.find("figure(\"") {
            rest = &rest[at + 8..];
            if let Some(end) = rest.find('"') {
                n += 1;
                numbers.insert(rest[..end].to_string(), format!("{lesson}.{n}"));
            }
        }
    }
    numbers
}

/// What a number filter shows for a value that was not finite (`null` in results.json): the
/// run recorded a blow-up, and the page says so around it instead of failing to render.
pub const NOT_FINITE: &str = "\u{2014}";

/// `Some(f)` for a number, `None` for `none` (a non-finite value in the results), else an error.
fn finite_or_none(v: &Value) -> Result<Option<f64>, Error> {
    if v.is_none() {
        Ok(None)
    } else {
        number(v).map(Some)
    }
}

fn number(v: &Value) -> Result<f64, Error> {
    f64::try_from(v.clone()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("expected a number, got {v}"),
        )
    })
}

/// The course's template environment, with the compiled-in templates.
pub fn environment() -> Result<Environment<'static>, ReportError> {
    environment_from(None)
}

/// [`environment`] with the templates read from the folder `templates` at run time (`None`:
/// the compiled-in ones). The folder holds a file for each compiled-in template, by the same
/// name; errors name a file read from it as the folder joined with that name.
pub fn environment_from(templates: Option<&Path>) -> Result<Environment<'static>, ReportError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    let math = Math::new();
    for (name, compiled) in TEMPLATES {
        let (shown, source) = match templates {
            None => ((*name).to_string(), Cow::Borrowed(*compiled)),
            Some(dir) => {
                let path = dir.join(name);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    ReportError::render(format!(
                        "{}: cannot read the template: {e}",
                        path.display()
                    ))
                })?;
                (path.display().to_string(), Cow::Owned(text))
            }
        };
        // Scripts hold `$` of their own (template literals): only pages get maths.
        let source = if name.ends_with(".js") {
            source.into_owned()
        } else {
            math.expand(&shown, &source)
                .map_err(|e| ReportError::render(e.to_string()))?
        };
        env.add_template_owned(*name, source)
            .map_err(|e| ReportError::render(format!("template {shown}: {e:#}")))?;
    }
    let numbers = figure_numbers();
    let number_of = {
        let numbers = numbers.clone();
        move |name: &str| {
            numbers.get(name).cloned().ok_or_else(|| {
                Error::new(
                    ErrorKind::UndefinedError,
                    format!("no figure named `{name}` in the page templates"),
                )
            })
        }
    };
    let number_for_ref = number_of.clone();
    env.add_function("figure", move |name: &str| -> Result<Value, Error> {
        let n = number_of(name)?;
        Ok(Value::from_safe_string(format!(
            "<div class=\"figure-body\" data-figure=\"{n}\">{}</div>",
            figure_slot(name)
        )))
    });
    env.add_function("figure_ref", move |name: &str| -> Result<Value, Error> {
        let n = number_for_ref(name)?;
        Ok(Value::from_safe_string(format!(
            "<a href=\"#figure-{}\">Figure&nbsp;{n}</a>",
            n.replace('.', "-")
        )))
    });
    env.add_function("code", |module: &str, name: &str| -> Result<Value, Error> {
        excerpt::to_html(module, name)
            .map(Value::from_safe_string)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::UndefinedError,
                    format!("no item `{name}` in crates/core/src/{module}.rs"),
                )
            })
    });
    env.add_function("wasm", |name: &str| -> Result<Value, Error> {
        script::module_base64(name)
            .map(Value::from_safe_string)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::UndefinedError,
                    format!("no WebAssembly module `{name}` in crates/explorer/wasm/"),
                )
            })
    });
    env.add_filter(
        "fixed",
        |v: Value, digits: usize| -> Result<String, Error> {
            Ok(finite_or_none(&v)?.map_or(NOT_FINITE.into(), |x| minus(&format!("{x:.digits$}"))))
        },
    );
    env.add_filter("num", |v: Value| -> Result<String, Error> {
        Ok(finite_or_none(&v)?.map_or(NOT_FINITE.into(), |x| minus(&format!("{x}"))))
    });
    env.add_filter("sig", |v: Value, digits: usize| -> Result<String, Error> {
        Ok(finite_or_none(&v)?.map_or(NOT_FINITE.into(), |x| minus(&significant(x, digits))))
    });
    let reference: serde_json::Value = serde_json::from_str(NOTEBOOK_REFERENCE).map_err(|e| {
        ReportError::dataset(e.to_string()).in_file("data/reference/rnn_binary_seed1.json")
    })?;
    env.add_global("notebook", Value::from_serialize(&reference["expected"]));
    let variant: serde_json::Value = serde_json::from_str(NOTEBOOK_VARIANT).map_err(|e| {
        ReportError::dataset(format!("{e}")).in_file("data/reference/rnn_variant_seed1.json")
    })?;
    env.add_global(
        "notebook_variant",
        Value::from_serialize(&variant["expected"]),
    );
    // The contour levels the surface figures are drawn with, for the text that describes them.
    env.add_global(
        "loss_levels",
        Value::from_serialize(super::figures::surface::LOSS_LEVELS),
    );
    env.add_filter("words", |v: Value| -> Result<String, Error> {
        let n = usize::try_from(v.clone()).map_err(|_| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("expected a count, got {v}"),
            )
        })?;
        Ok(super::typography::count_in_words(n))
    });
    env.add_filter("sci", |v: Value, digits: usize| -> Result<String, Error> {
        Ok(finite_or_none(&v)?.map_or(NOT_FINITE.into(), |x| scientific(x, digits)))
    });
    // Inside an equation: MathML, which the math expansion puts in an `<mrow>` (see
    // `math::MATHML_FILTER`), so `$\eta = {{ x | sci_math(0) }}$` reads η = 10⁻⁷.
    env.add_filter(
        super::math::MATHML_FILTER,
        |v: Value, digits: usize| -> Result<Value, Error> {
            Ok(Value::from_safe_string(scientific_mathml(
                number(&v)?,
                digits,
            )))
        },
    );
    Ok(env)
}

/// What marks the place of a figure in a rendered page until [`fill_figures`] puts its SVG
/// there: the name between two private-use characters, which no template writes. The figures
/// are drawn while the pages are rendered, so a page is rendered with their places only.
const FIGURE_SLOT: char = '\u{E000}';

/// The slot of the figure `name` in a page.
fn figure_slot(name: &str) -> String {
    format!("{FIGURE_SLOT}{name}{FIGURE_SLOT}")
}

/// `html` with each figure slot replaced by the SVG of that figure in `figures`.
///
/// Errors: a slot naming a figure that was not drawn, or a figure holding a script (the
/// page's policy allows exactly its own).
pub fn fill_figures(
    page: &str,
    html: &str,
    figures: &BTreeMap<String, String>,
) -> Result<String, ReportError> {
    let mut out = String::with_capacity(html.len() + (1 << 20));
    let mut pieces = html.split(FIGURE_SLOT);
    out.push_str(pieces.next().unwrap_or_default());
    while let Some(name) = pieces.next() {
        let svg = figures.get(name).ok_or_else(|| {
            ReportError::render(format!("no figure named `{name}`")).in_file(page)
        })?;
        if svg.contains("<script") {
            return Err(ReportError::render(format!("figure {name} holds a script")).in_file(page));
        }
        out.push_str(svg);
        out.push_str(pieces.next().unwrap_or_default());
    }
    Ok(out)
}

/// Render one page with the results `r`, then fill its table of contents.
pub fn render_page(env: &Environment, page: &str, results: &Value) -> Result<String, ReportError> {
    let template = env
        .get_template(page)
        .map_err(|e| ReportError::render(format!("{e:#}")).in_file(page))?;
    let nav: Vec<Value> = PAGES
        .iter()
        .map(|(file, title)| {
            Value::from_serialize(BTreeMap::from([
                ("file", *file),
                ("title", *title),
                ("current", if *file == page { "page" } else { "" }),
            ]))
        })
        .collect();
    let here = PAGES.iter().position(|(file, _)| *file == page);
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| PAGES.get(i)).map(|(file, title)| {
            Value::from_serialize(BTreeMap::from([("file", *file), ("title", *title)]))
        })
    };
    let prev = neighbour(here.and_then(|i| i.checked_sub(1)));
    let next = neighbour(here.map(|i| i + 1));
    let html = template
        .render(minijinja::context! { r => results, nav => nav, page => page, prev => prev, next => next })
        .map_err(|e| {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(&format!("\n  caused by: {s}"));
                source = s.source();
            }
            ReportError::render(msg).in_file(page)
        })?;
    let html = fill_toc(&html);
    let html = heading_anchors(&html);
    let html = number_figures(&html);
    let html = scroll_tables(&html);
    script::allow_page_script(page, &label_notes(&html))
}

/// Give every `<h2 id="…">` a visible permalink after its text.
fn heading_anchors(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 4096);
    let mut rest = html;
    while let Some(start) = rest.find("<h2 id=\"") {
        let after = &rest[start + 8..];
        let (Some(id_end), Some(end)) = (after.find('"'), after.find("</h2>")) else {
            break;
        };
        let id = &after[..id_end];
        let text = after[..end].split_once('>').map_or("", |(_, t)| t);
        out.push_str(&rest[..start + 8 + end]);
        out.push_str(&format!(
            "<a class=\"anchor\" href=\"#{id}\" aria-label=\"Permalink to the section {}\">#</a>",
            text.replace('"', "&quot;")
        ));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Turn each `<figure …>` holding a numbered figure into `<figure id="figure-N" …>` (its other
/// attributes kept) and start its caption with `Figure N.`.
fn number_figures(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 4096);
    let mut rest = html;
    while let Some(start) = find_figure_tag(rest) {
        out.push_str(&rest[..start]);
        let tag_end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        // The attributes after `<figure`, e.g. ` data-explorer="mlp"`.
        let attributes = &rest[start + 7..tag_end.saturating_sub(1).max(start + 7)];
        let body = &rest[tag_end..];
        let end = body.find("</figure>").unwrap_or(body.len());
        let number = body[..end].find("data-figure=\"").and_then(|at| {
            let n = &body[at + 13..end];
            n.find('"').map(|q| &n[..q])
        });
        match number {
            Some(n) => {
                out.push_str(&format!(
                    "<figure id=\"figure-{}\"{attributes}>",
                    n.replace('.', "-")
                ));
                let inner = &body[..end];
                match inner.find("<figcaption>") {
                    Some(c) => {
                        out.push_str(&inner[..c + 12]);
                        out.push_str(&format!(
                            "<span class=\"figure-number\">Figure&nbsp;{n}.</span> "
                        ));
                        out.push_str(&inner[c + 12..]);
                    }
                    None => out.push_str(inner),
                }
            }
            None => {
                out.push_str(&rest[start..tag_end]);
                out.push_str(&body[..end]);
            }
        }
        rest = &body[end..];
    }
    out.push_str(rest);
    out
}

/// Where the next `<figure>` or `<figure …>` opening tag starts in `html`.
fn find_figure_tag(html: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = html[from..].find("<figure") {
        let at = from + at;
        match html.as_bytes().get(at + 7) {
            Some(b'>' | b' ') => return Some(at),
            _ => from = at + 7,
        }
    }
    None
}

/// Wrap every `<table>` in a focusable scroll container labelled with its caption.
fn scroll_tables(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(start) = rest.find("<table>") {
        out.push_str(&rest[..start]);
        let body = &rest[start..];
        let end = body.find("</table>").map_or(body.len(), |e| e + 8);
        let table = &body[..end];
        let caption = table
            .split_once("<caption>")
            .and_then(|(_, c)| c.split_once("</caption>"))
            .map_or("Table", |(c, _)| c);
        out.push_str(&format!(
            "<div class=\"table-scroll scroll\" role=\"region\" aria-label=\"Table: {}\" tabindex=\"0\">{table}</div>",
            strip_tags(caption).replace('"', "&quot;")
        ));
        rest = &body[end..];
    }
    out.push_str(rest);
    out
}

/// Number the notes on the originals, so each `<aside>` landmark has a label of its own.
fn label_notes(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 512);
    let mut n = 0;
    let mut rest = html;
    while let Some(start) = rest.find("<aside class=\"quirk\">") {
        n += 1;
        out.push_str(&rest[..start]);
        out.push_str(&format!(
            "<aside class=\"quirk\" aria-label=\"Note {n} on the originals\">"
        ));
        rest = &rest[start + 21..];
    }
    out.push_str(rest);
    out
}

/// The text of an HTML fragment without its tags (entities left as written).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Replace `<!-- toc -->` with a list of links to the page's `<h2 id="…">` sections.
fn fill_toc(html: &str) -> String {
    let mut items = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<h2 id=\"") {
        let after = &rest[start + 8..];
        let Some(id_end) = after.find('"') else { break };
        let id = &after[..id_end];
        let Some(text_start) = after.find('>') else {
            break;
        };
        let Some(text_end) = after.find("</h2>") else {
            break;
        };
        let text = &after[text_start + 1..text_end];
        items.push_str(&format!("<li><a href=\"#{id}\">{text}</a></li>\n"));
        rest = &after[text_end..];
    }
    html.replacen("<!-- toc -->", &format!("<ol>\n{items}</ol>"), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_filters_show_a_non_finite_value_as_a_dash() {
        let mut env = environment().unwrap();
        env.add_template(
            "d.html",
            "{{ x | fixed(2) }} {{ x | sci(1) }} {{ x | sig(3) }} {{ x | num }}",
        )
        .unwrap();
        let t = env.get_template("d.html").unwrap();
        // results.json holds a non-finite value as null, which the page sees as none.
        let none = minijinja::context! { x => Value::from(()) };
        assert_eq!(t.render(none).unwrap(), ["\u{2014}"; 4].join(" "));
        // Anything else that is not a number is still a template error.
        assert!(t.render(minijinja::context! { x => "1" }).is_err());
    }

    #[test]
    fn strict_undefined_and_autoescape() {
        let mut env = environment().unwrap();
        env.add_template("t.html", "{{ r.nope }}").unwrap();
        let t = env.get_template("t.html").unwrap();
        assert!(
            t.render(minijinja::context! { r => Value::from(()) })
                .is_err()
        );
        env.add_template("e.html", "{{ s }}").unwrap();
        let t = env.get_template("e.html").unwrap();
        assert_eq!(
            t.render(minijinja::context! { s => "<b>" }).unwrap(),
            "&lt;b&gt;"
        );
        env.add_template(
            "n.html",
            "{{ -1.23456 | fixed(2) }} {{ 0.000123 | sci(1) }}",
        )
        .unwrap();
        let t = env.get_template("n.html").unwrap();
        assert_eq!(t.render(()).unwrap(), "\u{2212}1.23 1.2×10⁻⁴");
        let source = Math::new()
            .expand("m.html", r"$\eta = {{ 0.0000001 | sci_math(0) }}$")
            .unwrap();
        env.add_template_owned("m.html", source).unwrap();
        let page = env.get_template("m.html").unwrap().render(()).unwrap();
        assert!(
            page.contains("<mo>=</mo><mrow><msup><mn>10</mn><mrow><mo>\u{2212}</mo><mn>7</mn></mrow></msup></mrow>"),
            "η = 10⁻⁷ as MathML, not escaped and not 0.0000001: {page}"
        );
        env.add_template(
            "s.html",
            "{{ 1.001355547207059 | sig(12) }} {{ 0.9996744737846419 | sig(12) }} {{ -4.9989637409516945 | sig(3) }} {{ -0.1 | num }} {{ notebook.rprop.printed_test }}",
        )
        .unwrap();
        let t = env.get_template("s.html").unwrap();
        assert_eq!(
            t.render(()).unwrap(),
            "1.00135554721 0.999674473785 \u{2212}5.00 \u{2212}0.1 Target output: 5 vs Model output: 5.00"
        );
        env.add_template("f.html", "{{ figure('missing') }}")
            .unwrap();
        assert!(env.get_template("f.html").unwrap().render(()).is_err());
    }

    #[test]
    fn figures_go_into_their_slots_and_a_missing_or_scripted_one_is_an_error() {
        let figures = BTreeMap::from([
            ("a".to_owned(), "<svg>A</svg>".to_owned()),
            ("b".to_owned(), "<svg>B</svg>".to_owned()),
            ("bad".to_owned(), "<svg><script>x</script></svg>".to_owned()),
        ]);
        let page = format!("<p>{}</p>{} end", figure_slot("a"), figure_slot("b"));
        assert_eq!(
            fill_figures("p.html", &page, &figures).unwrap(),
            "<p><svg>A</svg></p><svg>B</svg> end"
        );
        assert_eq!(
            fill_figures("p.html", "no figures", &figures).unwrap(),
            "no figures"
        );
        let e = fill_figures("p.html", &figure_slot("c"), &figures).unwrap_err();
        assert_eq!(e.to_string(), "p.html: no figure named `c`");
        let e = fill_figures("p.html", &figure_slot("bad"), &figures).unwrap_err();
        assert_eq!(e.to_string(), "p.html: figure bad holds a script");
    }

    #[test]
    fn templates_can_come_from_a_folder_read_at_run_time() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/templates-from-folder");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, source) in TEMPLATES {
            std::fs::write(dir.join(name), source).unwrap();
        }
        std::fs::write(dir.join("index.html"), "folder {{ page }} $x$").unwrap();
        let env = environment_from(Some(&dir)).unwrap();
        let html = render_page(&env, "index.html", &Value::from(())).unwrap();
        assert!(html.starts_with("folder index.html <math"), "{html}");
        // A broken template names its file in the folder, with the line.
        std::fs::write(dir.join("rnn.html"), "one\n{% if %}").unwrap();
        let e = environment_from(Some(&dir)).unwrap_err().to_string();
        let shown = dir.join("rnn.html").display().to_string();
        assert!(
            e.starts_with(&format!("template {shown}: syntax error")),
            "{e}"
        );
        assert!(e.contains("(in rnn.html:2)"), "{e}");
        std::fs::write(dir.join("rnn.html"), "$\\nosuchcommand$").unwrap();
        let e = environment_from(Some(&dir)).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{shown}:1: cannot convert")), "{e}");
        std::fs::remove_file(dir.join("rnn.html")).unwrap();
        let e = environment_from(Some(&dir)).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{shown}: cannot read the template")),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn toc_lists_the_sections() {
        let html =
            fill_toc("<nav><!-- toc --></nav><h2 id=\"a\">Alpha</h2><p><h2 id=\"b\">Beta</h2>");
        assert!(
            html.contains("<li><a href=\"#a\">Alpha</a></li>\n<li><a href=\"#b\">Beta</a></li>")
        );
    }
}
