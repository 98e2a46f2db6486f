//! Code excerpts: the Rust function of `crates/core` beside the equation it implements.
//!
//! The core's source files are compiled into this crate with `include_str!`, so the code shown
//! on a page is the code of the very build that ran the experiments. Excerpts are highlighted
//! when the page is built, with rustc's own lexer: keywords, types, literals, comments,
//! attributes, lifetimes and macros get a class each, which the stylesheet colours.

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

/// Rust keywords (strict and reserved ones in use), for highlighting.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn",
];

/// Primitive types, highlighted as types.
const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16",
    "u32", "u64", "u128", "usize", "Self",
];

/// `code` as HTML with a `<span class="…">` around each token worth a colour.
pub fn highlight(code: &str) -> String {
    use ra_ap_rustc_lexer::{FrontmatterAllowed, LiteralKind, TokenKind, tokenize};
    let mut tokens = Vec::new();
    let mut at = 0usize;
    for t in tokenize(code, FrontmatterAllowed::No) {
        let len = t.len as usize;
        tokens.push((t.kind, &code[at..at + len]));
        at += len;
    }
    let mut html = String::with_capacity(code.len() * 2);
    let mut i = 0;
    while i < tokens.len() {
        let (kind, text) = (tokens[i].0, tokens[i].1);
        let next = tokens.get(i + 1).map(|t| t.0);
        let class = match kind {
            TokenKind::LineComment { doc_style: Some(_) }
            | TokenKind::BlockComment {
                doc_style: Some(_), ..
            } => Some("doc"),
            TokenKind::LineComment { .. } | TokenKind::BlockComment { .. } => Some("hl-comment"),
            TokenKind::Pound if next == Some(TokenKind::OpenBracket) => {
                // An attribute runs to the `]` that closes its `[`.
                html.push_str("<span class=\"hl-attribute\">#[");
                i += 2;
                let mut depth = 1usize;
                while i < tokens.len() && depth > 0 {
                    match tokens[i].0 {
                        TokenKind::OpenBracket => depth += 1,
                        TokenKind::CloseBracket => depth -= 1,
                        _ => {}
                    }
                    html.push_str(&escape_html(tokens[i].1));
                    i += 1;
                }
                html.push_str("</span>");
                continue;
            }
            TokenKind::Ident if next == Some(TokenKind::Bang) => Some("hl-macro"),
            TokenKind::Ident if KEYWORDS.contains(&text) => Some("hl-keyword"),
            TokenKind::Ident
                if PRIMITIVES.contains(&text)
                    || text.starts_with(|c: char| c.is_ascii_uppercase()) =>
            {
                Some("hl-type")
            }
            TokenKind::Literal { kind, .. } => match kind {
                LiteralKind::Int { .. } | LiteralKind::Float { .. } => Some("hl-number"),
                _ => Some("hl-string"),
            },
            TokenKind::Lifetime { .. } => Some("hl-lifetime"),
            _ => None,
        };
        match class {
            Some(class) => {
                html.push_str("<span class=\"");
                html.push_str(class);
                html.push_str("\">");
                html.push_str(&escape_html(text));
                html.push_str("</span>");
            }
            None => html.push_str(&escape_html(text)),
        }
        i += 1;
    }
    html
}

/// An excerpt as HTML: a `<figure>` with the highlighted code in a labelled, focusable scroll
/// container, captioned with the item's path and a link to its source file (relative to the
/// course folder, `reports/`, in a checkout of the repository).
pub fn to_html(module: &str, name: &str) -> Option<String> {
    let code = function(module, name)?;
    let path = match name.strip_prefix("impl ") {
        Some(ty) => format!("impl … {ty}"),
        None => format!("unrolled::{module}::{name}"),
    };
    let path = escape_html(&path);
    let module = escape_html(module);
    let mut html = format!(
        "<figure class=\"code\"><pre role=\"region\" aria-label=\"Code: {path}\" tabindex=\"0\"><code>"
    );
    html.push_str(&highlight(&code));
    html.push_str(&format!(
        "</code></pre><figcaption><code>{path}</code>, from <a href=\"../crates/core/src/{module}.rs\"><code>crates/core/src/{module}.rs</code></a></figcaption></figure>"
    ));
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
                .contains("let mut recorder = LossHistory {")
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
        assert!(
            html.contains(
                "&lt;<span class=\"hl-type\">S</span>: <span class=\"hl-type\">Scalar</span>&gt;"
            ),
            "{html}"
        );
        assert!(html.contains("<span class=\"doc\">/// The net"));
        assert!(
            html.contains("<a href=\"../crates/core/src/rnn.rs\">"),
            "{html}"
        );
        assert!(html.contains("aria-label=\"Code: unrolled::rnn::output\" tabindex=\"0\""));
    }

    #[test]
    fn highlighting_classes_each_kind_of_token_and_keeps_the_text() {
        let code = "#[inline]\n/// Doc <b>.\npub fn f<'a>(x: &'a f32) -> u8 { // note\n    let s = \"s\"; assert!(x > 1.5e3); 7 }";
        let html = highlight(code);
        for expected in [
            "<span class=\"hl-attribute\">#[inline]</span>",
            "<span class=\"doc\">/// Doc &lt;b&gt;.</span>",
            "<span class=\"hl-keyword\">pub</span> <span class=\"hl-keyword\">fn</span> f",
            "<span class=\"hl-lifetime\">&#39;a</span>",
            "<span class=\"hl-type\">f32</span>",
            "<span class=\"hl-comment\">// note</span>",
            "<span class=\"hl-string\">&quot;s&quot;</span>",
            "<span class=\"hl-macro\">assert</span>!",
            "<span class=\"hl-number\">1.5e3</span>",
        ] {
            assert!(html.contains(expected), "{expected} in {html}");
        }
        let text: String = {
            let mut t = String::new();
            let mut tag = false;
            for c in html.chars() {
                match c {
                    '<' => tag = true,
                    '>' if tag => tag = false,
                    c if !tag => t.push(c),
                    _ => {}
                }
            }
            t
        };
        assert_eq!(text, escape_html(code), "only spans are added");
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
