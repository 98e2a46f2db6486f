//! How the lessons' symbols are typeset in figure labels.

/// The subscripted symbols of the labels: how each is written in the code, its base and its
/// subscript, and whether the subscript is italic (a variable, like `x` or `k`) or upright
/// (a name, like `rec`). Longer spellings come first, so `w_rec` is never read as `w_r…`.
const SYMBOLS: [(&str, &str, &str, bool); 3] = [
    ("w_rec", "w", "rec", false),
    ("w_x", "w", "x", true),
    ("S_k", "S", "k", true),
];

/// The lesson's symbols as they are typeset in the text: an italic base and a lowered,
/// smaller subscript, so no label shows a literal underscore: `w_rec`, `w_x` and the state
/// `S_k` (as in `∂ξ/∂S_k`).
/// (Only labels contain these names; titles and descriptions keep the plain spelling.)
pub fn subscripts(svg: &str) -> String {
    let mut out = svg.to_string();
    for (plain, base, sub, italic) in SYMBOLS {
        let style = if italic { "italic" } else { "normal" };
        out = out.replace(
            plain,
            &format!(
                "<tspan font-style=\"italic\">{base}</tspan><tspan baseline-shift=\"sub\" font-size=\"85%\" font-style=\"{style}\">{sub}</tspan>"
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_show_no_underscores() {
        let label = subscripts("<text>∂ξ/∂S_k (w_rec, w_x)</text>");
        assert!(!label.contains('_'), "{label}");
        assert!(label.contains(
            "∂ξ/∂<tspan font-style=\"italic\">S</tspan><tspan baseline-shift=\"sub\" font-size=\"85%\" font-style=\"italic\">k</tspan>"
        ));
        assert!(
            label.contains("font-style=\"normal\">rec</tspan>"),
            "rec is a name"
        );
        assert_eq!(subscripts("x₁ and plain text"), "x₁ and plain text");
    }
}
