//! Code excerpts: the Rust function of `crates/core` beside the equation it implements.
//!
//! The core's source files are compiled into this crate with `include_str!`, so the code shown
//! on a page is the code of the very build that ran the experiments.

/// The core's source files, by module name.
const SOURCES: &[(&str, &str)] = &[
    ("rnn", include_str!("../../../core/src/rnn.rs")),
    ("gradcheck", include_str!("../../../core/src/gradcheck.rs")),
    ("optimise", include_str!("../../../core/src/optimise.rs")),
    ("datasets", include_str!("../../../core/src/datasets.rs")),
];

/// The source of `pub fn NAME` in module `module`, with its doc comment and attributes, or
/// `None` if there is no such function.
///
/// The item ends at the first line that closes it at its own indentation: `}` for a free
/// function, `    }` for a method.
pub fn function(module: &str, name: &str) -> Option<String> {
    let source = SOURCES.iter().find(|(m, _)| *m == module)?.1;
    let lines: Vec<&str> = source.lines().collect();
    let start = lines.iter().position(|l| {
        let t = l.trim_start();
        let t = t
            .strip_prefix("pub const fn ")
            .or_else(|| t.strip_prefix("pub fn "));
        t.is_some_and(|rest| {
            rest.strip_prefix(name)
                .is_some_and(|after| after.starts_with('(') || after.starts_with('<'))
        })
    })?;
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

/// Escape text for HTML.
pub fn escape_html(text: &str) -> String {
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
    html.push_str("</code></pre><figcaption><code>unrolled::");
    html.push_str(&escape_html(module));
    html.push_str("::");
    html.push_str(&escape_html(name));
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
        let f = function("rnn", "loss_and_gradients").unwrap();
        assert!(f.contains("grads.d_w_rec += d_s * *s_prev;"));
        assert!(!f.contains("pub fn bptt"));
        let step = function("optimise", "rprop_step").unwrap();
        assert!(
            step.contains("eta_plus") || step.contains("eta_minus"),
            "{step}"
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
}
