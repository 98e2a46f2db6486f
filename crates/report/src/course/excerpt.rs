//! Code excerpts: the Rust function of `crates/core` beside the equation it implements.
//!
//! The core's source files are compiled into this crate with `include_str!`, so the code shown
//! on a page is the code of the very build that ran the experiments.

use super::typography::escape_html;

/// The core's source files, by module name.
const SOURCES: &[(&str, &str)] = &[
    ("rnn", include_str!("../../../core/src/rnn.rs")),
    ("gradcheck", include_str!("../../../core/src/gradcheck.rs")),
    ("optimise", include_str!("../../../core/src/optimise.rs")),
    ("datasets", include_str!("../../../core/src/datasets.rs")),
    ("loss", include_str!("../../../core/src/loss.rs")),
    ("linear", include_str!("../../../core/src/linear.rs")),
    ("dense", include_str!("../../../core/src/dense.rs")),
    ("mlp", include_str!("../../../core/src/mlp.rs")),
    ("model", include_str!("../../../core/src/model.rs")),
    ("sgd", include_str!("../../../core/src/sgd.rs")),
    ("graph", include_str!("../../../core/src/graph.rs")),
];

/// The source of an item of module `module`, with its doc comment and attributes, or `None`
/// if there is no such item. `name` is one of
///
/// - `NAME`: the free function `pub fn NAME`;
/// - `Type::NAME`: the method `fn NAME` in an `impl` block of `Type` (inherent or of a
///   trait), or the provided method `NAME` of the trait `Type`;
/// - `impl Type`: the whole first `impl` block of `Type` (for a trait impl, its methods).
///
/// An item ends at the first line that closes it at its own indentation: `}` for a free
/// function or an `impl` block, `    }` for a method.
pub fn function(module: &str, name: &str) -> Option<String> {
    let source = SOURCES.iter().find(|(m, _)| *m == module)?.1;
    let lines: Vec<&str> = source.lines().collect();
    if let Some(ty) = name.strip_prefix("impl ") {
        let (start, _) = impl_blocks(&lines, ty).next()?;
        return item(&lines, start);
    }
    if let Some((ty, method)) = name.split_once("::") {
        return impl_blocks(&lines, ty).find_map(|(start, end)| {
            let at = (start..end).find(|&i| declares_fn(lines[i], method))?;
            item(&lines, at)
        });
    }
    let start = lines
        .iter()
        .position(|l| declares_fn(l, name) && l.trim_start().starts_with("pub "))?;
    item(&lines, start)
}

/// Does `line` declare the function `name` (`fn`, `pub fn`, `pub const fn`)?
fn declares_fn(line: &str, name: &str) -> bool {
    let t = line.trim_start();
    let t = t.strip_prefix("pub ").unwrap_or(t);
    let t = t.strip_prefix("const ").unwrap_or(t);
    t.strip_prefix("fn ")
        .and_then(|rest| rest.strip_prefix(name))
        .is_some_and(|after| after.starts_with('(') || after.starts_with('<'))
}

/// The `impl` blocks of `ty` and the declaration of the trait `ty`, at the top level, as
/// (first line, closing line) indices.
fn impl_blocks<'a>(lines: &'a [&str], ty: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    (0..lines.len())
        .filter(|&i| lines[i].starts_with("impl") || lines[i].starts_with("pub trait "))
        .filter_map(move |i| {
            let open = (i..lines.len()).find(|&j| lines[j].trim_end().ends_with('{'))?;
            let header = lines[i..=open].join(" ");
            let names_ty = header.match_indices(ty).any(|(at, _)| {
                let before = header[..at].chars().next_back();
                let after = header[at + ty.len()..].chars().next();
                matches!(before, Some(' ' | '>')) && matches!(after, Some('<' | ' ' | '{'))
            });
            let close = (open + 1..lines.len()).find(|&j| lines[j] == "}")?;
            names_ty.then_some((i, close))
        })
}

/// The item declared on line `start`, with the doc comments and attributes above it, its
/// indentation removed.
fn item(lines: &[&str], start: usize) -> Option<String> {
    let indent = &lines[start][..lines[start].len() - lines[start].trim_start().len()];
    let mut first = start;
    while first > 0 {
        let t = lines[first - 1].trim_start();
        if t.starts_with("///") || t.starts_with("#[") {
            first -= 1;
        } else {
            break;
        }
    }
    let close = format!("{indent}}}");
    let end = (start..lines.len()).find(|&i| lines[i] == close)?;
    let body: Vec<&str> = lines[first..=end]
        .iter()
        .map(|l| l.strip_prefix(indent).unwrap_or(l))
        .collect();
    Some(body.join("\n"))
}

/// An excerpt as HTML: a `<figure>` with the code, doc-comment lines marked for styling,
/// captioned with where it lives.
pub fn to_html(module: &str, name: &str) -> Option<String> {
    let code = function(module, name)?;
    let mut html = String::from("<figure class=\"code\"><pre><code>");
    for (i, line) in code.lines().enumerate() {
        if i > 0 {
            html.push('\n');
        }
        let t = line.trim_start();
        if t.starts_with("//") {
            html.push_str("<span class=\"doc\">");
            html.push_str(&escape_html(line));
            html.push_str("</span>");
        } else {
            html.push_str(&escape_html(line));
        }
    }
    html.push_str("</code></pre><figcaption><code>");
    match name.strip_prefix("impl ") {
        Some(ty) => {
            html.push_str("impl … ");
            html.push_str(&escape_html(ty));
        }
        None => {
            html.push_str("unrolled::");
            html.push_str(&escape_html(module));
            html.push_str("::");
            html.push_str(&escape_html(name));
        }
    }
    html.push_str("</code>, from <code>crates/core/src/");
    html.push_str(&escape_html(module));
    html.push_str(".rs</code></figcaption></figure>");
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_a_free_function_with_its_doc_comment() {
        let f = function("rnn", "update_state").unwrap();
        assert!(f.starts_with("/// One step of the recurrence"), "{f}");
        assert!(f.contains("#[inline]"));
        assert!(f.ends_with('}'));
        assert!(f.contains("x_k * w.w_x + s_prev * w.w_rec"));
    }

    #[test]
    fn extracts_multi_line_signatures_and_stops_at_the_item() {
        let f = function("rnn", "sequence_gradients").unwrap();
        assert!(f.contains("g.d_w_rec += d_s * s_prev;"), "{f}");
        assert!(!f.contains("pub fn loss_and_gradients"));
        let step = function("optimise", "rprop_step").unwrap();
        assert!(
            step.contains("eta_plus") || step.contains("eta_minus"),
            "{step}"
        );
    }

    #[test]
    fn extracts_methods_and_impl_blocks() {
        let d = function("loss", "SquaredLoss::derivative").unwrap();
        assert!(d.starts_with("/// `∂L/∂y = −2(t − y)`."), "{d}");
        assert!(d.contains("-S::TWO * (t - y)") && d.ends_with('}'));
        assert!(!d.contains("fn value"));
        let h = function("loss", "HingeLoss::derivative").unwrap();
        assert!(h.contains("-t") && !h.contains("S::TWO"), "{h}");
        let block = function("loss", "impl HingeLoss").unwrap();
        assert!(
            block.starts_with("impl<S: Scalar> Loss<S> for HingeLoss {"),
            "{block}"
        );
        assert!(block.contains("fn value") && block.contains("fn derivative"));
        let back = function("dense", "Dense::backward").unwrap();
        assert!(back.contains("*dx += *w * delta;"), "{back}");
        assert!(!back.contains("fn forward"));
        let split = function("graph", "Split::backward").unwrap();
        assert!(
            split.starts_with("/// `dL/dx = dL/dy₁ + dL/dy₂`."),
            "{split}"
        );
        assert!(
            function("graph", "Join::backward")
                .unwrap()
                .contains("Split::forward")
        );
        assert!(
            function("sgd", "Sgd::train")
                .unwrap()
                .contains("model.sgd_step")
        );
        assert!(
            function("model", "Params::sgd_step")
                .unwrap()
                .contains("self.apply_step(eta);")
        );
        let parallel = function("graph", "Parallel::backward").unwrap();
        assert!(parallel.contains("Split::backward"), "{parallel}");
        assert!(function("loss", "SquaredLoss::nope").is_none());
        assert!(function("loss", "impl Nope").is_none());
        assert!(
            to_html("loss", "impl HingeLoss")
                .unwrap()
                .contains("<code>impl … HingeLoss</code>")
        );
    }

    #[test]
    fn unknown_items_are_none_and_html_is_escaped() {
        assert!(function("rnn", "no_such_fn").is_none());
        assert!(function("nope", "output").is_none());
        let html = to_html("rnn", "output").unwrap();
        assert!(html.contains("&lt;S: Scalar&gt;"));
        assert!(html.contains("<span class=\"doc\">/// The net"));
    }

    /// The `(module, name)` pairs the core's crate doc lists under "The code the course shows".
    fn listed_in_the_core_docs() -> Vec<(String, String)> {
        let doc = include_str!("../../../core/src/lib.rs");
        let section = doc
            .split("//! ## The code the course shows")
            .nth(1)
            .and_then(|rest| rest.split("//! Nothing panics").next())
            .expect("the core's crate doc lists the code the course shows");
        let mut listed = Vec::new();
        for row in section.lines().filter(|l| l.starts_with("//! | [`")) {
            let cells: Vec<&str> = row.split('|').collect();
            let module = cells[1]
                .trim()
                .trim_start_matches("[`")
                .trim_end_matches("`]");
            for name in cells[2].split(',') {
                listed.push((
                    module.to_string(),
                    name.trim().trim_matches('`').to_string(),
                ));
            }
        }
        listed
    }

    /// The `code("module", "name")` calls of every template, with the template's name.
    fn shown_by_the_templates() -> Vec<(String, String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
        let mut shown = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for call in text.split("code(\"").skip(1) {
                let args: Vec<&str> = call.splitn(4, '"').collect();
                let page = path.file_name().unwrap().to_string_lossy().into_owned();
                shown.push((page, args[0].to_string(), args[2].to_string()));
            }
        }
        shown
    }

    #[test]
    fn the_pages_show_exactly_the_plain_functions_the_core_lists() {
        let listed = listed_in_the_core_docs();
        let shown = shown_by_the_templates();
        assert!(
            listed.len() >= 15 && shown.len() >= listed.len(),
            "{listed:?}"
        );
        for (page, module, name) in &shown {
            assert!(
                listed.contains(&(module.clone(), name.clone())),
                "{page} shows {module}::{name}, which the core's crate doc does not list"
            );
        }
        for (module, name) in &listed {
            assert!(
                shown.iter().any(|(_, m, n)| m == module && n == name),
                "the core lists {module}::{name} as shown, but no page shows it"
            );
            let code = function(module, name).unwrap_or_else(|| panic!("{module}::{name}"));
            let body = code
                .lines()
                .skip_while(|l| !l.trim_end().ends_with('{'))
                .count()
                .saturating_sub(2);
            assert!(
                body <= 30,
                "{module}::{name} has {body} lines of body:\n{code}"
            );
        }
        let bptt = function("rnn", "loss_and_gradients").unwrap();
        assert!(bptt.contains("sequence_gradients(x, w, output_gradient(y, t, n))"));
    }
}
