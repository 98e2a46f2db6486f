//! Equations: LaTeX in the templates, MathML in the pages, converted when the course is rendered.
//!
//! A template writes `$…$` for inline math and `$$…$$` for a displayed equation (`\$` is a
//! literal dollar). [`expand`] replaces each with MathML Core before minijinja compiles the
//! template, so a page needs no script and fetches nothing to show its equations. A displayed
//! equation sits in its own labelled, focusable scroll container (`Equation N`, numbered per
//! template), so one wider than a phone scrolls by itself instead of widening the page.

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

/// The filter that writes a number as MathML (`10⁻⁷` as `<msup>`): a value ending in it is
/// put in an `<mrow>`, every other value in an `<mn>`.
pub const MATHML_FILTER: &str = "sci_math";

/// A LaTeX fragment that failed to convert, with where it was.
#[derive(Debug)]
pub struct MathError {
    /// The template it came from.
    pub template: String,
    /// The 1-based line of the opening `$`.
    pub line: usize,
    /// The LaTeX source.
    pub latex: String,
    /// What the converter said.
    pub message: String,
}

impl core::fmt::Display for MathError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{}:{}: cannot convert `{}` to MathML: {}",
            self.template, self.line, self.latex, self.message
        )
    }
}

impl std::error::Error for MathError {}

/// Converts LaTeX to MathML with the course's settings.
pub struct Math {
    converter: LatexToMathML,
}

impl Math {
    /// A converter that fails on unknown commands rather than rendering them in red.
    pub fn new() -> Self {
        // Only custom macros can make `new` fail, and the course defines none.
        let converter = LatexToMathML::new(MathCoreConfig::default()).unwrap_or_default();
        Self { converter }
    }

    /// One fragment to MathML: `block` for a displayed equation, else inline.
    pub fn to_mathml(&self, latex: &str, block: bool) -> Result<String, String> {
        let display = if block {
            MathDisplay::Block
        } else {
            MathDisplay::Inline
        };
        self.converter
            .convert_with_local_state(latex.trim(), display)
            .map(|r| valid_html(&r.mathml))
            .map_err(|e| e.to_string())
    }

    /// Replace every `$$…$$` and `$…$` of a template's source with MathML, wrapped in
    /// `{% raw %}` so minijinja leaves it alone.
    pub fn expand(&self, template: &str, source: &str) -> Result<String, MathError> {
        let mut out = String::with_capacity(source.len() * 2);
        let mut rest = source;
        let mut line = 1;
        let mut displayed = 0;
        while let Some(start) = rest.find('$') {
            if rest[..start].ends_with('\\') {
                out.push_str(&rest[..start - 1]);
                out.push('$');
                line += rest[..start].matches('\n').count();
                rest = &rest[start + 1..];
                continue;
            }
            out.push_str(&rest[..start]);
            line += rest[..start].matches('\n').count();
            let block = rest[start..].starts_with("$$");
            let delim = if block { "$$" } else { "$" };
            let body_start = start + delim.len();
            let Some(len) = rest[body_start..].find(delim) else {
                return Err(MathError {
                    template: template.into(),
                    line,
                    latex: rest[body_start..].chars().take(40).collect(),
                    message: format!("no closing `{delim}`"),
                });
            };
            let latex = &rest[body_start..body_start + len];
            let (latex_only, values) = hold_out_values(latex);
            let mut mathml = self
                .to_mathml(&latex_only, block)
                .map_err(|message| MathError {
                    template: template.into(),
                    line,
                    latex: latex.into(),
                    message,
                })?;
            // Each `{{ … }}` comes back as a number for minijinja to fill in, or as the
            // MathML the last filter writes.
            for (i, expr) in values.iter().enumerate() {
                let tag = if writes_mathml(expr) { "mrow" } else { "mn" };
                mathml = mathml.replace(
                    &format!("<mtext>{}</mtext>", placeholder(i)),
                    &format!("<{tag}>{{% endraw %}}{expr}{{% raw %}}</{tag}>"),
                );
            }
            rest = &rest[body_start + len + delim.len()..];
            // Keep punctuation right after inline math on its line: `… $x$.` must not wrap
            // before the full stop.
            let punctuation = rest
                .chars()
                .next()
                .filter(|c| !block && matches!(c, '.' | ',' | ';' | ':' | ')' | '?' | '!'));
            if punctuation.is_some() {
                out.push_str("<span class=\"nowrap\">");
            }
            if block {
                displayed += 1;
                out.push_str(&format!(
                    "<div class=\"math-display scroll\" role=\"region\" aria-label=\"Equation {displayed}\" tabindex=\"0\">"
                ));
            }
            out.push_str("{% raw %}");
            out.push_str(&mathml);
            out.push_str("{% endraw %}");
            if block {
                out.push_str("</div>");
            }
            if let Some(c) = punctuation {
                out.push(c);
                out.push_str("</span>");
                rest = &rest[c.len_utf8()..];
            }
            line += latex.matches('\n').count();
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Does the template expression `{{ … }}` end in the [`MATHML_FILTER`]?
fn writes_mathml(expr: &str) -> bool {
    let inner = expr.trim_start_matches("{{").trim_end_matches("}}");
    inner
        .rsplit('|')
        .next()
        .filter(|_| inner.contains('|'))
        .map(|last| last.trim().split('(').next().unwrap_or("").trim() == MATHML_FILTER)
        .unwrap_or(false)
}

/// The stand-in for the `i`-th template value of a fragment while it is converted.
fn placeholder(i: usize) -> String {
    format!("UNROLLEDVALUE{i}")
}

/// Replace each minijinja `{{ … }}` in a LaTeX fragment by `\text{placeholder}`, so the converter
/// sees plain text where the page will show a number; returns the fragment and the expressions.
fn hold_out_values(latex: &str) -> (String, Vec<&str>) {
    let mut out = String::with_capacity(latex.len());
    let mut values = Vec::new();
    let mut rest = latex;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&format!("\\text{{{}}}", placeholder(values.len())));
        values.push(&rest[start..start + len + 2]);
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    (out, values)
}

/// Drop the `scriptlevel` attribute from `<mtable>`: the HTML standard (and so the Nu HTML
/// Checker) does not allow it there, and a table in running math is at level 0 anyway.
fn valid_html(mathml: &str) -> String {
    let mut out = String::with_capacity(mathml.len());
    let mut rest = mathml;
    while let Some(start) = rest.find("<mtable") {
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        out.push_str(&rest[..start]);
        let tag = &rest[start..end];
        match tag.find(" scriptlevel=\"") {
            Some(a) => {
                let value_end = tag[a + 14..].find('"').map_or(tag.len(), |q| a + 15 + q);
                out.push_str(&tag[..a]);
                out.push_str(&tag[value_end..]);
            }
            None => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

impl Default for Math {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_block_math_become_mathml() {
        let math = Math::new();
        let out = math
            .expand(
                "t",
                r"state $S_k$ and $$\xi = \frac{1}{N}\sum_i (t_i - y_i)^2$$ costs \$1",
            )
            .unwrap();
        assert!(out.starts_with("state {% raw %}<math>"), "{out}");
        assert!(out.contains(r#"<math display="block">"#), "{out}");
        assert!(
            out.contains(r#"<div class="math-display scroll" role="region" aria-label="Equation 1" tabindex="0">{% raw %}<math display="block">"#),
            "{out}"
        );
        assert!(out.contains("</math>{% endraw %}</div> costs"), "{out}");
        let two = math.expand("t", "$$a$$ $b$ $$c$$").unwrap();
        assert!(two.contains(r#"aria-label="Equation 2""#), "{two}");
        assert!(!two.contains(r#"aria-label="Equation 3""#), "{two}");
        assert!(out.contains("<mfrac>"), "{out}");
        assert!(out.ends_with("costs $1"), "{out}");
        let out = math.expand("t", "at $x$. Then").unwrap();
        assert!(
            out.starts_with("at <span class=\"nowrap\">{% raw %}<math>"),
            "{out}"
        );
        assert!(out.ends_with("</math>{% endraw %}.</span> Then"), "{out}");
    }

    #[test]
    fn template_values_inside_math_stay_template_values() {
        let m = Math::new();
        let out = m.expand("t", r"$\eta = {{ r.eta | fixed(2) }}$").unwrap();
        assert!(
            out.contains("<mn>{% endraw %}{{ r.eta | fixed(2) }}{% raw %}</mn>"),
            "{out}"
        );
        assert!(!out.contains("UNROLLEDVALUE"), "{out}");
    }

    #[test]
    fn a_mathml_value_goes_in_an_mrow() {
        let m = Math::new();
        let out = m
            .expand("t", r"$\eta = {{ r.eta | sci_math(0) }}$")
            .unwrap();
        assert!(
            out.contains("<mrow>{% endraw %}{{ r.eta | sci_math(0) }}{% raw %}</mrow>"),
            "{out}"
        );
        assert!(writes_mathml("{{ x | sci_math }}"));
        assert!(
            !writes_mathml("{{ x | sci_math(1) | upper }}"),
            "only the last filter counts"
        );
        assert!(!writes_mathml("{{ sci_math }}"), "a variable, not a filter");
        assert!(!writes_mathml("{{ x | sci(1) }}"));
    }

    #[test]
    fn errors_point_to_the_line() {
        let math = Math::new();
        assert!(
            math.to_mathml(r"\partial \xi", false)
                .unwrap()
                .contains('∂')
        );
        let err = math
            .expand("page.html", "a\nb $\\nosuchcommand$")
            .unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().starts_with("page.html:2:"), "{err}");
        assert!(math.expand("p", "open $x").is_err());
        let cases = math
            .to_mathml(r"\begin{cases} a \\ b \end{cases}", true)
            .unwrap();
        assert!(
            cases.contains("<mtable") && !cases.contains("scriptlevel"),
            "{cases}"
        );
    }
}
