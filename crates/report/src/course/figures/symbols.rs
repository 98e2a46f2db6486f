//! How the lessons' symbols are typeset in figure labels.

/// The lesson's weight names as they are typeset in the text, `w` with an upright subscript:
/// every `w_rec` and `w_x` in the drawn labels becomes an italic `w` and a lowered, smaller
/// `rec` (upright: a name) or `x` (italic: the input's symbol).
/// (Only labels contain these names; titles and descriptions keep the plain spelling.)
pub fn subscripts(svg: &str) -> String {
    let sub = |s: &str, style: &str| {
        format!(
            "<tspan font-style=\"italic\">w</tspan><tspan baseline-shift=\"sub\" font-size=\"85%\" font-style=\"{style}\">{s}</tspan>"
        )
    };
    svg.replace("w_rec", &sub("rec", "normal"))
        .replace("w_x", &sub("x", "italic"))
}
