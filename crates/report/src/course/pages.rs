//! The pages: minijinja templates from `templates/`, with autoescape and strict undefined.
//!
//! The templates are compiled into the binary, their `$…$` math converted to MathML first;
//! [`environment_from`] reads them from a folder at run time instead (for previews).
//! A page sees the results as `r` (the very structure of `results.json`), and three helpers:
//! `figure(name)` inlines a rendered SVG, `code(module, name)` shows a function of the core,
//! and the filters `num` (shortest round trip), `fixed(digits)`, `sig(digits)` and
//! `sci(digits)` format numbers. The
//! canonical lesson 1 notebook's printed values are there as `notebook`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};

use super::excerpt;
use super::math::Math;
use super::script;
use super::typography::{minus, scientific, significant};
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

fn number(v: &Value) -> Result<f64, Error> {
    f64::try_from(v.clone()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("expected a number, got {v}"),
        )
    })
}

/// The course's template environment, with the compiled-in templates.
pub fn environment(figures: BTreeMap<String, String>) -> Result<Environment<'static>, ReportError> {
    environment_from(figures, None)
}

/// [`environment`] with the templates read from the folder `templates` at run time (`None`:
/// the compiled-in ones). The folder holds a file for each compiled-in template, by the same
/// name; errors name a file read from it as the folder joined with that name.
pub fn environment_from(
    figures: BTreeMap<String, String>,
    templates: Option<&Path>,
) -> Result<Environment<'static>, ReportError> {
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
    env.add_function("figure", move |name: &str| -> Result<Value, Error> {
        figures
            .get(name)
            .map(|svg| Value::from_safe_string(svg.clone()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::UndefinedError,
                    format!("no figure named `{name}`"),
                )
            })
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
            Ok(minus(&format!("{:.*}", digits, number(&v)?)))
        },
    );
    env.add_filter("num", |v: Value| -> Result<String, Error> {
        Ok(minus(&format!("{}", number(&v)?)))
    });
    env.add_filter("sig", |v: Value, digits: usize| -> Result<String, Error> {
        Ok(minus(&significant(number(&v)?, digits)))
    });
    let reference: serde_json::Value = serde_json::from_str(NOTEBOOK_REFERENCE).map_err(|e| {
        ReportError::dataset(e.to_string()).in_file("data/reference/rnn_binary_seed1.json")
    })?;
    env.add_global("notebook", Value::from_serialize(&reference["expected"]));
    env.add_filter("sci", |v: Value, digits: usize| -> Result<String, Error> {
        Ok(scientific(number(&v)?, digits))
    });
    Ok(env)
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
    let html = template
        .render(minijinja::context! { r => results, nav => nav, page => page })
        .map_err(|e| {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(&format!("\n  caused by: {s}"));
                source = s.source();
            }
            ReportError::render(msg).in_file(page)
        })?;
    script::allow_page_script(page, &fill_toc(&html))
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
    fn strict_undefined_and_autoescape() {
        let mut env = environment(BTreeMap::new()).unwrap();
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
    fn templates_can_come_from_a_folder_read_at_run_time() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/templates-from-folder");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, source) in TEMPLATES {
            std::fs::write(dir.join(name), source).unwrap();
        }
        std::fs::write(dir.join("index.html"), "folder {{ page }} $x$").unwrap();
        let env = environment_from(BTreeMap::new(), Some(&dir)).unwrap();
        let html = render_page(&env, "index.html", &Value::from(())).unwrap();
        assert!(html.starts_with("folder index.html <math"), "{html}");
        // A broken template names its file in the folder, with the line.
        std::fs::write(dir.join("rnn.html"), "one\n{% if %}").unwrap();
        let e = environment_from(BTreeMap::new(), Some(&dir))
            .unwrap_err()
            .to_string();
        let shown = dir.join("rnn.html").display().to_string();
        assert!(
            e.starts_with(&format!("template {shown}: syntax error")),
            "{e}"
        );
        assert!(e.contains("(in rnn.html:2)"), "{e}");
        std::fs::write(dir.join("rnn.html"), "$\\nosuchcommand$").unwrap();
        let e = environment_from(BTreeMap::new(), Some(&dir))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&format!("{shown}:1: cannot convert")), "{e}");
        std::fs::remove_file(dir.join("rnn.html")).unwrap();
        let e = environment_from(BTreeMap::new(), Some(&dir))
            .unwrap_err()
            .to_string();
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
