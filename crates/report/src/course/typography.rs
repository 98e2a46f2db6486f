//! Number typography and HTML escaping, in one place for pages and figures alike.
//!
//! A typographic minus (U+2212) instead of a hyphen, thin-space thousands groups, superscript
//! powers of ten, and the escaping of text put into HTML or SVG.

/// A typographic minus instead of every hyphen.
pub fn minus(s: &str) -> String {
    s.replace('-', "\u{2212}")
}

/// Whole numbers of five digits or more in groups of three, split by a thin space (`20 000`).
pub fn group_thousands(s: &str) -> String {
    let digits = s.trim_start_matches('-');
    if digits.len() < 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_string();
    }
    let mut out = String::from(&s[..s.len() - digits.len()]);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// `10ⁿ` with a superscript exponent.
pub fn power_of_ten(e: i32) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::from("10");
    if e < 0 {
        s.push('⁻');
    }
    for d in e.unsigned_abs().to_string().bytes() {
        s.push(SUP[usize::from(d - b'0')]);
    }
    s
}

/// `x` with `digits` significant digits, trailing zeros kept (`1.00135554721` for 12).
pub fn significant(x: f64, digits: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i64;
    let decimals = (digits as i64 - 1 - magnitude).max(0) as usize;
    format!("{x:.decimals$}")
}

/// `x` as `m.mm×10ⁿ` with `digits` decimals in the mantissa (`0` for zero).
pub fn scientific(x: f64, digits: usize) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let e = x.abs().log10().floor() as i32;
    let m = x / 10f64.powi(e);
    minus(&format!(
        "{m:.digits$}×10{}",
        power_of_ten(e).trim_start_matches("10")
    ))
}

/// `x` split for scientific notation: the mantissa with `digits` decimals, or `None` where it
/// is exactly 1 (`1e-7` is written `10⁻⁷`, not `1×10⁻⁷`), and the exponent. `None` for zero
/// and for values that are not finite, which have no such form.
fn mantissa_exponent(x: f64, digits: usize) -> Option<(Option<String>, i32)> {
    if x == 0.0 || !x.is_finite() {
        return None;
    }
    let mut e = x.abs().log10().floor() as i32;
    let mut m = format!("{:.digits$}", x / 10f64.powi(e));
    // Rounding can carry the mantissa to 10 (9.96 with one decimal): one power up instead.
    if m.trim_start_matches('-').starts_with("10") {
        e += 1;
        m = format!("{:.digits$}", x / 10f64.powi(e));
    }
    let one = m.trim_end_matches('0').trim_end_matches('.') == "1";
    Some(((!one).then(|| minus(&m)), e))
}

/// `x` in scientific notation as MathML for inside an equation: `10⁻⁷` as
/// `<msup><mn>10</mn><mrow><mo>−</mo><mn>7</mn></mrow></msup>`, a mantissa other than 1
/// before it with `×` (`digits` decimals). Zero and non-finite values come out as one `<mn>`.
pub fn scientific_mathml(x: f64, digits: usize) -> String {
    let Some((m, e)) = mantissa_exponent(x, digits) else {
        return format!("<mn>{}</mn>", minus(&format!("{x}")));
    };
    let exponent = if e < 0 {
        format!(
            "<mrow><mo>\u{2212}</mo><mn>{}</mn></mrow>",
            e.unsigned_abs()
        )
    } else {
        format!("<mn>{e}</mn>")
    };
    let power = format!("<msup><mn>10</mn>{exponent}</msup>");
    match m {
        Some(m) if m.starts_with('\u{2212}') => format!(
            "<mo>\u{2212}</mo><mn>{}</mn><mo>×</mo>{power}",
            m.trim_start_matches('\u{2212}')
        ),
        Some(m) => format!("<mn>{m}</mn><mo>×</mo>{power}"),
        None => power,
    }
}

/// Escape text for HTML (and SVG).
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

/// A count as running text writes it: in words up to twelve, in digits beyond.
pub fn count_in_words(n: usize) -> String {
    const WORDS: [&str; 13] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_words_up_to_twelve_then_digits() {
        assert_eq!(count_in_words(0), "no");
        assert_eq!(count_in_words(6), "six");
        assert_eq!(count_in_words(12), "twelve");
        assert_eq!(count_in_words(13), "13");
        assert_eq!(count_in_words(usize::MAX), usize::MAX.to_string());
    }

    #[test]
    fn numbers_are_typeset() {
        assert_eq!(power_of_ten(-12), "10⁻¹²");
        assert_eq!(power_of_ten(8), "10⁸");
        assert_eq!(minus("-1-2"), "\u{2212}1\u{2212}2");
        assert_eq!(group_thousands("-20000"), "-20\u{2009}000");
        assert_eq!(group_thousands("1000"), "1000");
        assert_eq!(significant(1.001355547207059, 12), "1.00135554721");
        assert_eq!(scientific(0.000123, 1), "1.2×10⁻⁴");
        let ten_to = |e: &str| format!("<msup><mn>10</mn>{e}</msup>");
        let neg = |n: u32| format!("<mrow><mo>\u{2212}</mo><mn>{n}</mn></mrow>");
        assert_eq!(scientific_mathml(1e-7, 0), ten_to(&neg(7)), "no 1×");
        assert_eq!(scientific_mathml(1e-7, 2), ten_to(&neg(7)), "1.00 is 1 too");
        assert_eq!(
            scientific_mathml(1.7e243, 1),
            format!("<mn>1.7</mn><mo>×</mo>{}", ten_to("<mn>243</mn>"))
        );
        assert_eq!(
            scientific_mathml(-2.5e-3, 1),
            format!("<mo>\u{2212}</mo><mn>2.5</mn><mo>×</mo>{}", ten_to(&neg(3)))
        );
        assert_eq!(
            scientific_mathml(9.96e4, 1),
            ten_to("<mn>5</mn>"),
            "a mantissa rounding to 10 carries"
        );
        assert_eq!(scientific_mathml(0.0, 1), "<mn>0</mn>");
        assert_eq!(scientific_mathml(f64::NAN, 1), "<mn>NaN</mn>");
        assert_eq!(
            scientific_mathml(5.0, 0),
            format!("<mn>5</mn><mo>×</mo>{}", ten_to("<mn>0</mn>"))
        );
        assert_eq!(
            escape_html("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
