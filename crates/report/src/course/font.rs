//! The embedded math font: Latin Modern Math, cut to the glyphs the pages' equations use.
//!
//! Browsers lay out MathML with the `MATH` table of the font it is set in; a stock machine's
//! text fonts have none, and superscripts then float far above their base. So every page
//! carries its own math font, as a `data:` WOFF in its stylesheet (the page's CSP allows
//! `font-src data:`). The source font is committed under `data/fonts/` and compiled in, so the
//! output does not depend on the fonts of the machine that builds it.
//!
//! The subset keeps glyph ids as they are (skera's retain-gids mode): the `MATH` table, which
//! the subsetter cannot rewrite, then stays valid as it is. Dropped glyphs become empty
//! charstrings and unused subroutines empty ones, which is where the size goes. The glyphs
//! kept are those of the characters asked for, their mathematical italic forms (MathML shows a
//! one-letter `<mi>` in italic by mapping it to those code points), the size variants and
//! assembly parts the `MATH` table lists for them, and what GSUB reaches from them. The subset
//! keeps the source's glyph count too (`keep_glyph_count`): browsers refuse a font whose
//! tables disagree on it.

use std::collections::BTreeSet;

use read_fonts::collections::IntSet;
use read_fonts::types::{GlyphId, NameId, Tag};
use read_fonts::{FontRef, TableProvider};
use skera::{Plan, SubsetFlags};

/// The source font (Latin Modern Math 1.959, GUST Font License), as committed.
const SOURCE: &[u8] = include_bytes!("../../../../data/fonts/latinmodern-math.otf");

/// The CSS family name of the subset (the licence asks derived fonts not to use the original's).
pub const FAMILY: &str = "Unrolled Math";

/// The characters to keep for `text`: each character, and for a Latin or Greek letter its
/// mathematical italic form too.
pub fn characters(text: &str) -> BTreeSet<char> {
    let mut chars = BTreeSet::new();
    for c in text.chars() {
        chars.insert(c);
        if let Some(italic) = math_italic(c) {
            chars.insert(italic);
        }
    }
    chars
}

/// The mathematical italic code point of a Latin or Greek letter (`h` is the Planck constant
/// U+210E, the one hole in the block), or `None`.
fn math_italic(c: char) -> Option<char> {
    let code = match c {
        'h' => 0x210E,
        'A'..='Z' => 0x1D434 + (c as u32 - 'A' as u32),
        'a'..='z' => 0x1D44E + (c as u32 - 'a' as u32),
        'Α'..='Ω' => 0x1D6E2 + (c as u32 - 'Α' as u32),
        'α'..='ω' => 0x1D6FC + (c as u32 - 'α' as u32),
        _ => return None,
    };
    char::from_u32(code)
}

/// The subset of the math font holding `chars`, as a WOFF 1.0 file.
///
/// Errors: a malformed source font or a CFF layout this module does not rewrite (CID-keyed,
/// or with a custom encoding); neither happens with the committed font.
pub fn subset_woff(chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let font = FontRef::new(SOURCE).map_err(|e| format!("math font: {e}"))?;
    let charmap = font.cmap().map_err(|e| format!("math font cmap: {e}"))?;
    let mut gids = IntSet::<GlyphId>::empty();
    gids.insert(GlyphId::new(0));
    let mut unicodes = IntSet::<u32>::empty();
    let base: Vec<GlyphId> = chars
        .iter()
        .filter_map(|&c| {
            unicodes.insert(c as u32);
            charmap.map_codepoint(c)
        })
        .collect();
    for gid in math_variants(&font, &base)? {
        gids.insert(gid);
    }
    let flags =
        SubsetFlags::SUBSET_FLAGS_RETAIN_GIDS | SubsetFlags::SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED;
    let drop: IntSet<Tag> = skera::DEFAULT_DROP_TABLES.iter().copied().collect();
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    let mut features = IntSet::<Tag>::empty();
    features.invert();
    let mut names = IntSet::<NameId>::empty();
    names.insert_range(NameId::new(0)..=NameId::new(6));
    let mut languages = IntSet::<u16>::empty();
    languages.insert(0x0409);
    let plan = Plan::new(
        &gids, &unicodes, &font, flags, &drop, &scripts, &features, &names, &languages,
    );
    let kept: BTreeSet<u32> = plan
        .old_to_new_glyph_mapping()
        .map(|(old, _)| old.to_u32())
        .collect();
    let subset = skera::subset_font(&font, &plan).map_err(|e| format!("subsetting: {e}"))?;
    let subset = FontRef::new(&subset).map_err(|e| format!("math font subset: {e}"))?;
    let mut tables = Vec::new();
    for record in subset.table_directory().table_records() {
        let tag = record.tag();
        // The FontForge timestamp table says nothing a browser needs.
        if tag == Tag::new(b"FFTM") {
            continue;
        }
        let data = subset
            .data_for_tag(tag)
            .ok_or_else(|| format!("math font subset: no data for table {tag}"))?;
        let data = if tag == Tag::new(b"CFF ") {
            cff::subset(data.as_bytes(), &kept)?
        } else {
            data.as_bytes().to_vec()
        };
        tables.push((tag.to_be_bytes(), data));
    }
    let source_glyphs = font
        .maxp()
        .map_err(|e| format!("math font maxp: {e}"))?
        .num_glyphs();
    keep_glyph_count(&mut tables, source_glyphs)?;
    woff::encode(&mut tables)
}

/// Give `tables` (a subset's, by tag) the source font's glyph count `glyphs` again: `maxp`'s
/// count, and `hmtx` grown by a zero left side bearing for each glyph it lacks (they take the
/// last advance, and are empty).
///
/// The subsetter keeps glyph ids but ends the font at the last glyph it keeps, while the `CFF `
/// table keeps every glyph (emptied) and the `MATH` table, kept as it is, names glyphs up to the
/// source's last. A browser's sanitizer (OTS) rejects a `CFF ` whose glyph count is not
/// `maxp`'s, and drops a `MATH` table that names a glyph past it; either way the equations lose
/// their layout.
///
/// Errors: no `maxp`, `hhea` or `hmtx`, one too short, or more glyphs than `glyphs` already.
fn keep_glyph_count(tables: &mut [([u8; 4], Vec<u8>)], glyphs: u16) -> Result<(), String> {
    let find = |tables: &[([u8; 4], Vec<u8>)], tag: &[u8; 4]| {
        tables
            .iter()
            .position(|(t, _)| t == tag)
            .ok_or_else(|| format!("math font subset: no {}", String::from_utf8_lossy(tag)))
    };
    let (maxp, hhea, hmtx) = (
        find(tables, b"maxp")?,
        find(tables, b"hhea")?,
        find(tables, b"hmtx")?,
    );
    let u16_at = |data: &[u8], at: usize, what: &str| {
        data.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| format!("math font subset: {what} is too short"))
    };
    let had = u16_at(&tables[maxp].1, 4, "maxp")?;
    let metrics = u16_at(&tables[hhea].1, 34, "hhea")?;
    if had > glyphs || metrics > had {
        return Err(format!(
            "math font subset: {had} glyphs and {metrics} metrics, against {glyphs} in the source"
        ));
    }
    let hmtx_len = 4 * usize::from(metrics) + 2 * usize::from(had - metrics);
    if tables[hmtx].1.len() < hmtx_len {
        return Err("math font subset: hmtx is too short".into());
    }
    tables[maxp].1[4..6].copy_from_slice(&glyphs.to_be_bytes());
    let hmtx = &mut tables[hmtx].1;
    hmtx.truncate(hmtx_len);
    hmtx.resize(hmtx_len + 2 * usize::from(glyphs - had), 0);
    Ok(())
}

/// The size variants and assembly parts the `MATH` table lists for `glyphs`, vertical and
/// horizontal (the stretched parentheses, braces and bars).
fn math_variants(font: &FontRef, glyphs: &[GlyphId]) -> Result<Vec<GlyphId>, String> {
    let err = |e: read_fonts::ReadError| format!("math font MATH table: {e}");
    let variants = font.math().map_err(err)?.math_variants().map_err(err)?;
    let mut out = Vec::new();
    let directions = [
        (
            variants.vert_glyph_coverage(),
            variants.vert_glyph_constructions(),
        ),
        (
            variants.horiz_glyph_coverage(),
            variants.horiz_glyph_constructions(),
        ),
    ];
    for (coverage, constructions) in directions {
        let Some(coverage) = coverage.transpose().map_err(err)? else {
            continue;
        };
        for &glyph in glyphs {
            let Some(index) = coverage.get(glyph) else {
                continue;
            };
            let construction = constructions.get(index as usize).map_err(err)?;
            for v in construction.math_glyph_variant_records() {
                out.push(GlyphId::from(v.variant_glyph()));
            }
            if let Some(assembly) = construction.glyph_assembly().transpose().map_err(err)? {
                for part in assembly.part_records() {
                    out.push(GlyphId::from(part.glyph_id()));
                }
            }
        }
    }
    Ok(out)
}

/// `@font-face` for `woff`, as a `data:` URL.
pub fn font_face(woff: &[u8]) -> String {
    format!(
        "@font-face {{ font-family: \"{FAMILY}\"; font-display: block; src: url(\"data:font/woff;base64,{}\") format(\"woff\"); }}",
        base64(woff)
    )
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Rewriting a name-keyed CFF table so that dropped glyphs and unused subroutines are empty.
mod cff {
    use std::collections::BTreeSet;

    /// A byte reader over a CFF table; every read past the end is an error.
    struct Reader<'a> {
        data: &'a [u8],
    }

    fn short(what: &str) -> String {
        format!("math font CFF: truncated {what}")
    }

    impl<'a> Reader<'a> {
        fn bytes(&self, at: usize, len: usize, what: &str) -> Result<&'a [u8], String> {
            self.data
                .get(at..at.checked_add(len).ok_or_else(|| short(what))?)
                .ok_or_else(|| short(what))
        }
        fn uint(&self, at: usize, len: usize, what: &str) -> Result<usize, String> {
            Ok(self
                .bytes(at, len, what)?
                .iter()
                .fold(0usize, |n, &b| (n << 8) | usize::from(b)))
        }
        /// The INDEX at `at`: its items and where it ends.
        fn index(&self, at: usize, what: &str) -> Result<(Vec<&'a [u8]>, usize), String> {
            let count = self.uint(at, 2, what)?;
            if count == 0 {
                return Ok((Vec::new(), at + 2));
            }
            let off_size = self.uint(at + 2, 1, what)?;
            let offsets = (0..=count)
                .map(|i| self.uint(at + 3 + i * off_size, off_size, what))
                .collect::<Result<Vec<_>, _>>()?;
            let base = at + 2 + (count + 1) * off_size;
            let mut items = Vec::with_capacity(count);
            for w in offsets.windows(2) {
                let len = w[1].checked_sub(w[0]).ok_or_else(|| short(what))?;
                items.push(self.bytes(base + w[0], len, what)?);
            }
            Ok((items, base + offsets[count]))
        }
    }

    /// An INDEX holding `items`.
    fn write_index(items: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(items.len() as u16).to_be_bytes());
        if items.is_empty() {
            return out;
        }
        let total: usize = items.iter().map(|i| i.len()).sum::<usize>() + 1;
        let off_size = (1..=4).find(|&s| total < 1 << (8 * s)).unwrap_or(4);
        out.push(off_size as u8);
        let mut offset = 1usize;
        for item in items {
            out.extend_from_slice(&offset.to_be_bytes()[8 - off_size..]);
            offset += item.len();
        }
        out.extend_from_slice(&offset.to_be_bytes()[8 - off_size..]);
        for item in items {
            out.extend_from_slice(item);
        }
        out
    }

    /// One DICT entry: its operator (12 x as 1200 + x), its operands' bytes and integer values.
    struct Entry {
        op: u16,
        raw: Vec<u8>,
        ints: Vec<i64>,
    }

    fn parse_dict(data: &[u8]) -> Result<Vec<Entry>, String> {
        let mut out = Vec::new();
        let (mut raw, mut ints) = (Vec::new(), Vec::new());
        let mut i = 0;
        let byte = |i: usize| data.get(i).copied().ok_or_else(|| short("DICT"));
        while i < data.len() {
            let b0 = data[i];
            let start = i;
            match b0 {
                0..=21 => {
                    let op = if b0 == 12 {
                        i += 1;
                        1200 + u16::from(byte(i)?)
                    } else {
                        u16::from(b0)
                    };
                    i += 1;
                    out.push(Entry {
                        op,
                        raw: std::mem::take(&mut raw),
                        ints: std::mem::take(&mut ints),
                    });
                    continue;
                }
                28 => {
                    ints.push(i64::from(i16::from_be_bytes([byte(i + 1)?, byte(i + 2)?])));
                    i += 3;
                }
                29 => {
                    let b = [byte(i + 1)?, byte(i + 2)?, byte(i + 3)?, byte(i + 4)?];
                    ints.push(i64::from(i32::from_be_bytes(b)));
                    i += 5;
                }
                30 => {
                    i += 1;
                    while byte(i)? & 0x0F != 0x0F && byte(i)? >> 4 != 0x0F {
                        i += 1;
                    }
                    i += 1;
                    ints.push(0);
                }
                32..=246 => {
                    ints.push(i64::from(b0) - 139);
                    i += 1;
                }
                247..=250 => {
                    ints.push((i64::from(b0) - 247) * 256 + i64::from(byte(i + 1)?) + 108);
                    i += 2;
                }
                251..=254 => {
                    ints.push(-(i64::from(b0) - 251) * 256 - i64::from(byte(i + 1)?) - 108);
                    i += 2;
                }
                _ => return Err(format!("math font CFF: bad DICT byte {b0}")),
            }
            raw.extend_from_slice(&data[start..i]);
        }
        Ok(out)
    }

    fn write_dict(entries: &[Entry]) -> Vec<u8> {
        let mut out = Vec::new();
        for e in entries {
            out.extend_from_slice(&e.raw);
            if e.op >= 1200 {
                out.extend_from_slice(&[12, (e.op - 1200) as u8]);
            } else {
                out.push(e.op as u8);
            }
        }
        out
    }

    /// Operands as fixed-width (5-byte) integers, so a DICT's size does not depend on them.
    fn fixed_ints(values: &[usize]) -> Vec<u8> {
        let mut out = Vec::new();
        for &v in values {
            out.push(29);
            out.extend_from_slice(&(v as i32).to_be_bytes());
        }
        out
    }

    fn find(entries: &[Entry], op: u16) -> Option<&Entry> {
        entries.iter().find(|e| e.op == op)
    }

    fn int(entries: &[Entry], op: u16, n: usize, what: &str) -> Result<usize, String> {
        let e = find(entries, op).ok_or_else(|| format!("math font CFF: no {what}"))?;
        let v = *e
            .ints
            .get(n)
            .ok_or_else(|| format!("math font CFF: bad {what}"))?;
        usize::try_from(v).map_err(|_| format!("math font CFF: negative {what}"))
    }

    /// The subroutine bias for an INDEX of `count` subroutines.
    fn bias(count: usize) -> i64 {
        if count < 1240 {
            107
        } else if count < 33900 {
            1131
        } else {
            32768
        }
    }

    /// What a charstring walk collects: the subroutines called, with the state the hint
    /// masks need (the operand stack and the number of stems declared so far).
    struct Walk<'a> {
        local: &'a [&'a [u8]],
        global: &'a [&'a [u8]],
        used_local: BTreeSet<usize>,
        used_global: BTreeSet<usize>,
        stack: Vec<i64>,
        stems: usize,
    }

    impl Walk<'_> {
        /// Walk `code`; returns `true` at `endchar`.
        fn run(&mut self, code: &[u8], depth: usize) -> Result<bool, String> {
            if depth > 10 {
                return Err("math font CFF: subroutines nested too deep".into());
            }
            let mut i = 0;
            let byte = |i: usize| code.get(i).copied().ok_or_else(|| short("charstring"));
            while i < code.len() {
                let b0 = code[i];
                match b0 {
                    28 => {
                        self.stack
                            .push(i64::from(i16::from_be_bytes([byte(i + 1)?, byte(i + 2)?])));
                        i += 3;
                    }
                    32..=246 => {
                        self.stack.push(i64::from(b0) - 139);
                        i += 1;
                    }
                    247..=250 => {
                        self.stack
                            .push((i64::from(b0) - 247) * 256 + i64::from(byte(i + 1)?) + 108);
                        i += 2;
                    }
                    251..=254 => {
                        self.stack
                            .push(-(i64::from(b0) - 251) * 256 - i64::from(byte(i + 1)?) - 108);
                        i += 2;
                    }
                    255 => {
                        let b = [byte(i + 1)?, byte(i + 2)?];
                        self.stack.push(i64::from(i16::from_be_bytes(b)));
                        i += 5;
                    }
                    1 | 3 | 18 | 23 => {
                        self.stems += self.stack.len() / 2;
                        self.stack.clear();
                        i += 1;
                    }
                    19 | 20 => {
                        self.stems += self.stack.len() / 2;
                        self.stack.clear();
                        i += 1 + self.stems.div_ceil(8);
                    }
                    10 | 29 => {
                        let n = self
                            .stack
                            .pop()
                            .ok_or("math font CFF: subroutine call without a number")?;
                        let (subrs, used) = if b0 == 10 {
                            (self.local, &mut self.used_local)
                        } else {
                            (self.global, &mut self.used_global)
                        };
                        let index = usize::try_from(n + bias(subrs.len()))
                            .map_err(|_| "math font CFF: bad subroutine number")?;
                        let sub = *subrs
                            .get(index)
                            .ok_or("math font CFF: no such subroutine")?;
                        used.insert(index);
                        if self.run(sub, depth + 1)? {
                            return Ok(true);
                        }
                        i += 1;
                    }
                    11 => return Ok(false),
                    14 => return Ok(true),
                    12 => {
                        self.stack.clear();
                        i += 2;
                    }
                    _ => {
                        self.stack.clear();
                        i += 1;
                    }
                }
            }
            Ok(false)
        }
    }

    /// `cff` with every glyph outside `kept` and every subroutine they do not call emptied.
    pub fn subset(cff: &[u8], kept: &BTreeSet<u32>) -> Result<Vec<u8>, String> {
        let r = Reader { data: cff };
        let header_size = r.uint(2, 1, "header")?;
        let (_, name_end) = r.index(header_size, "Name INDEX")?;
        let (top, top_end) = r.index(name_end, "Top DICT INDEX")?;
        let (_, strings_end) = r.index(top_end, "String INDEX")?;
        let (global, global_end) = r.index(strings_end, "Global Subr INDEX")?;
        let top = parse_dict(top.first().ok_or("math font CFF: no Top DICT")?)?;
        if find(&top, 1230).is_some() {
            return Err("math font CFF: CID-keyed fonts are not supported".into());
        }
        if find(&top, 16).is_some_and(|e| e.ints.first().is_some_and(|&v| v > 1)) {
            return Err("math font CFF: custom encodings are not supported".into());
        }
        let (glyphs, _) = r.index(int(&top, 17, 0, "CharStrings")?, "CharStrings")?;
        let charset_at = int(&top, 15, 0, "charset")?;
        let charset = r.bytes(
            charset_at,
            charset_len(&r, charset_at, glyphs.len())?,
            "charset",
        )?;
        let private_size = int(&top, 18, 0, "Private")?;
        let private_at = int(&top, 18, 1, "Private")?;
        let mut private = parse_dict(r.bytes(private_at, private_size, "Private DICT")?)?;
        let local = match find(&private, 19) {
            Some(_) => {
                let at = private_at + int(&private, 19, 0, "Subrs")?;
                r.index(at, "Subrs")?.0
            }
            None => Vec::new(),
        };
        let mut walk = Walk {
            local: &local,
            global: &global,
            used_local: BTreeSet::new(),
            used_global: BTreeSet::new(),
            stack: Vec::new(),
            stems: 0,
        };
        let endchar: &[u8] = &[14];
        let ret: &[u8] = &[11];
        let mut charstrings = Vec::with_capacity(glyphs.len());
        for (gid, code) in glyphs.iter().enumerate() {
            if kept.contains(&(gid as u32)) {
                walk.stack.clear();
                walk.stems = 0;
                walk.run(code, 0)?;
                charstrings.push(*code);
            } else {
                charstrings.push(endchar);
            }
        }
        let prune = |subrs: &[&'_ [u8]], used: &BTreeSet<usize>| -> Vec<u8> {
            let items: Vec<&[u8]> = subrs
                .iter()
                .enumerate()
                .map(|(i, s)| if used.contains(&i) { *s } else { ret })
                .collect();
            write_index(&items)
        };
        let global_index = prune(&global, &walk.used_global);
        let local_index = prune(&local, &walk.used_local);
        // The Private DICT, its Subrs right after it.
        let has_subrs = find(&private, 19).is_some();
        for e in &mut private {
            if e.op == 19 {
                e.raw = fixed_ints(&[0]);
            }
        }
        let private_len = write_dict(&private).len();
        for e in &mut private {
            if e.op == 19 {
                e.raw = fixed_ints(&[private_len]);
            }
        }
        let private = write_dict(&private);
        let glyph_index = write_index(&charstrings);
        // The Top DICT's offsets are fixed-width, so its size is known before they are.
        let mut top = top;
        let set = |top: &mut Vec<Entry>, charset: usize, private_at: usize, glyphs: usize| {
            for e in top.iter_mut() {
                match e.op {
                    15 => e.raw = fixed_ints(&[charset]),
                    17 => e.raw = fixed_ints(&[glyphs]),
                    18 => e.raw = fixed_ints(&[private.len(), private_at]),
                    _ => {}
                }
            }
        };
        set(&mut top, 0, 0, 0);
        let top_len = write_index(&[&write_dict(&top)]).len();
        let charset_new = header_size
            + (name_end - header_size)
            + top_len
            + (strings_end - top_end)
            + global_index.len();
        let private_new = charset_new + charset.len();
        let glyphs_new =
            private_new + private.len() + if has_subrs { local_index.len() } else { 0 };
        set(&mut top, charset_new, private_new, glyphs_new);
        let mut out = Vec::with_capacity(glyphs_new + glyph_index.len());
        out.extend_from_slice(&cff[..name_end]);
        out.extend_from_slice(&write_index(&[&write_dict(&top)]));
        out.extend_from_slice(&cff[top_end..strings_end]);
        out.extend_from_slice(&global_index);
        out.extend_from_slice(charset);
        out.extend_from_slice(&private);
        if has_subrs {
            out.extend_from_slice(&local_index);
        }
        debug_assert_eq!(out.len(), glyphs_new);
        out.extend_from_slice(&glyph_index);
        let _ = global_end;
        Ok(out)
    }

    /// How many glyphs (charstrings) the name-keyed CFF table `cff` holds.
    #[cfg(test)]
    pub fn charstrings(cff: &[u8]) -> Result<usize, String> {
        let r = Reader { data: cff };
        let (_, name_end) = r.index(r.uint(2, 1, "header")?, "Name INDEX")?;
        let (top, _) = r.index(name_end, "Top DICT INDEX")?;
        let top = parse_dict(top.first().ok_or("math font CFF: no Top DICT")?)?;
        Ok(r.index(int(&top, 17, 0, "CharStrings")?, "CharStrings")?
            .0
            .len())
    }

    /// The length of the charset at `at` for a font of `glyphs` glyphs (formats 0, 1 and 2).
    fn charset_len(r: &Reader, at: usize, glyphs: usize) -> Result<usize, String> {
        let format = r.uint(at, 1, "charset")?;
        if format == 0 {
            return Ok(1 + 2 * glyphs.saturating_sub(1));
        }
        let left_size = match format {
            1 => 1,
            2 => 2,
            _ => return Err(format!("math font CFF: charset format {format}")),
        };
        let (mut covered, mut len) = (1usize, 1usize);
        while covered < glyphs {
            let n_left = r.uint(at + len + 2, left_size, "charset")?;
            covered += n_left + 1;
            len += 2 + left_size;
        }
        Ok(len)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn an_index_round_trips() {
            for items in [
                vec![],
                vec![&b"a"[..]],
                vec![&b"abc"[..], &b""[..], &[7u8; 300][..]],
            ] {
                let bytes = write_index(&items);
                let (back, end) = Reader { data: &bytes }.index(0, "test").unwrap();
                assert_eq!(back, items);
                assert_eq!(end, bytes.len());
            }
        }

        #[test]
        fn dict_operands_are_read_in_every_encoding() {
            // 100 (1 byte), 1000 (2 bytes), -1000, 10000 (28), 100000 (29), a real, op 17.
            let data = [
                239, 250, 124, 254, 124, 28, 0x27, 0x10, 29, 0, 1, 0x86, 0xA0, 30, 0x1A, 0x2F, 17,
            ];
            let d = parse_dict(&data).unwrap();
            assert_eq!(d.len(), 1);
            assert_eq!(d[0].op, 17);
            assert_eq!(d[0].ints, vec![100, 1000, -1000, 10000, 100000, 0]);
            assert_eq!(write_dict(&d), data);
            assert!(parse_dict(&[28, 1]).is_err(), "truncated operand");
        }
    }
}

/// Writing WOFF 1.0 (the sfnt tables zlib-compressed, each only where that makes it smaller).
mod woff {
    /// The checksum of a table: the sum of its big-endian 32-bit words, zero-padded.
    fn checksum(data: &[u8]) -> u32 {
        data.chunks(4).fold(0u32, |sum, c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            sum.wrapping_add(u32::from_be_bytes(w))
        })
    }

    fn pad4(n: usize) -> usize {
        n.div_ceil(4) * 4
    }

    /// A WOFF file of the CFF-flavoured sfnt `tables` (tag, data), sorted by tag; sets the
    /// checksum adjustment of `head` as the uncompressed font would have it.
    pub fn encode(tables: &mut [([u8; 4], Vec<u8>)]) -> Result<Vec<u8>, String> {
        tables.sort_by_key(|t| t.0);
        let n = tables.len();
        let head = tables
            .iter()
            .position(|t| &t.0 == b"head")
            .ok_or("math font: no head table")?;
        if tables[head].1.len() < 12 {
            return Err("math font: head table too short".into());
        }
        tables[head].1[8..12].copy_from_slice(&[0; 4]);
        // The uncompressed sfnt's header and directory, for the font's checksum.
        let mut sfnt = Vec::new();
        sfnt.extend_from_slice(b"OTTO");
        let power = (0..16).rev().find(|&p| 1usize << p <= n).unwrap_or(0);
        for v in [n, 16 << power, power, n * 16 - (16 << power)] {
            sfnt.extend_from_slice(&(v as u16).to_be_bytes());
        }
        let mut offset = 12 + 16 * n;
        let sums: Vec<u32> = tables.iter().map(|t| checksum(&t.1)).collect();
        for ((tag, data), sum) in tables.iter().zip(&sums) {
            sfnt.extend_from_slice(tag);
            sfnt.extend_from_slice(&sum.to_be_bytes());
            sfnt.extend_from_slice(&(offset as u32).to_be_bytes());
            sfnt.extend_from_slice(&(data.len() as u32).to_be_bytes());
            offset += pad4(data.len());
        }
        let total_sfnt = offset;
        let font_sum = sums.iter().fold(checksum(&sfnt), |s, &t| s.wrapping_add(t));
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(font_sum);
        tables[head].1[8..12].copy_from_slice(&adjustment.to_be_bytes());
        // The WOFF itself.
        let mut directory = Vec::new();
        let mut body = Vec::new();
        let data_start = 44 + 20 * n;
        // Each table is compressed on its own, so they are compressed side by side.
        let compress = |data: &[u8]| miniz_oxide::deflate::compress_to_vec_zlib(data, 10);
        let jobs: Vec<crate::threads::Job<'_, Vec<u8>>> = tables
            .iter()
            .map(|(_, data)| -> crate::threads::Job<'_, Vec<u8>> {
                Box::new(move || compress(data))
            })
            .collect();
        let compressed = crate::threads::in_order(crate::threads::workers(), jobs);
        for (((tag, data), sum), packed) in tables.iter().zip(&sums).zip(&compressed) {
            let stored = if packed.len() < data.len() {
                packed
            } else {
                data
            };
            directory.extend_from_slice(tag);
            directory.extend_from_slice(&((data_start + body.len()) as u32).to_be_bytes());
            directory.extend_from_slice(&(stored.len() as u32).to_be_bytes());
            directory.extend_from_slice(&(data.len() as u32).to_be_bytes());
            directory.extend_from_slice(&sum.to_be_bytes());
            body.extend_from_slice(stored);
            body.resize(pad4(body.len()), 0);
        }
        let mut out = Vec::with_capacity(data_start + body.len());
        out.extend_from_slice(b"wOFF");
        out.extend_from_slice(b"OTTO");
        out.extend_from_slice(&((data_start + body.len()) as u32).to_be_bytes());
        out.extend_from_slice(&(n as u16).to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&(total_sfnt as u32).to_be_bytes());
        out.extend_from_slice(&[0, 1, 0, 0]);
        out.extend_from_slice(&[0; 20]);
        out.extend_from_slice(&directory);
        out.extend_from_slice(&body);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_bring_their_math_italics() {
        let c = characters("wh1ξ");
        for expected in ['w', '𝑤', 'h', 'ℎ', '1', 'ξ', '𝜉'] {
            assert!(c.contains(&expected), "{expected}");
        }
        assert_eq!(c.len(), 7);
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_subset_is_small_keeps_the_math_table_and_is_reproducible() {
        let chars = characters("x10^8()∑∂ξ{}[]=+−");
        let woff = subset_woff(&chars).unwrap();
        assert!(woff.starts_with(b"wOFF"));
        assert!(woff.len() < 120_000, "{} bytes", woff.len());
        assert!(woff.len() * 4 < SOURCE.len(), "{} bytes", woff.len());
        let dir: Vec<&[u8]> = (0..usize::from(u16::from_be_bytes([woff[12], woff[13]])))
            .map(|i| &woff[44 + 20 * i..48 + 20 * i])
            .collect();
        for tag in [&b"CFF "[..], b"MATH", b"cmap", b"hmtx", b"head", b"GSUB"] {
            assert!(dir.contains(&tag), "{}", String::from_utf8_lossy(tag));
        }
        assert_eq!(subset_woff(&chars).unwrap(), woff, "byte-identical");
    }

    /// The tables of a WOFF written by [`woff::encode`], by tag, inflated.
    fn woff_tables(woff: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        let u32_at = |at: usize| {
            u32::from_be_bytes([woff[at], woff[at + 1], woff[at + 2], woff[at + 3]]) as usize
        };
        let count = usize::from(u16::from_be_bytes([woff[12], woff[13]]));
        (0..count)
            .map(|i| {
                let entry = 44 + 20 * i;
                let tag = [
                    woff[entry],
                    woff[entry + 1],
                    woff[entry + 2],
                    woff[entry + 3],
                ];
                let (offset, length, original) =
                    (u32_at(entry + 4), u32_at(entry + 8), u32_at(entry + 12));
                let stored = &woff[offset..offset + length];
                let data = if length < original {
                    miniz_oxide::inflate::decompress_to_vec_zlib(stored).unwrap()
                } else {
                    stored.to_vec()
                };
                assert_eq!(data.len(), original, "{}", String::from_utf8_lossy(&tag));
                (tag, data)
            })
            .collect()
    }

    #[test]
    fn the_subset_keeps_the_source_s_glyph_count_in_every_table() {
        // A sanitizer (Chromium's OTS) rejects the font where they differ.
        let source = FontRef::new(SOURCE).unwrap();
        let glyphs = source.maxp().unwrap().num_glyphs();
        let tables = woff_tables(&subset_woff(&characters("x10^8()")).unwrap());
        let table = |tag: &[u8; 4]| &tables.iter().find(|(t, _)| t == tag).unwrap().1;
        let u16_at = |data: &[u8], at: usize| u16::from_be_bytes([data[at], data[at + 1]]);
        assert_eq!(u16_at(table(b"maxp"), 4), glyphs, "maxp");
        let metrics = usize::from(u16_at(table(b"hhea"), 34));
        let expected_hmtx = 4 * metrics + 2 * (usize::from(glyphs) - metrics);
        assert_eq!(table(b"hmtx").len(), expected_hmtx, "hmtx");
        let charstrings = cff::charstrings(table(b"CFF ")).unwrap();
        assert_eq!(charstrings, usize::from(glyphs), "CFF charstrings");
    }

    #[test]
    fn the_glyph_count_is_restored_and_a_bad_table_refused() {
        let maxp = |n: u16| {
            let mut t = vec![0, 0, 0x50, 0];
            t.extend_from_slice(&n.to_be_bytes());
            t
        };
        let hhea = |metrics: u16| {
            let mut t = vec![0; 36];
            t[34..].copy_from_slice(&metrics.to_be_bytes());
            t
        };
        // Three glyphs, two with full metrics, one with only a side bearing.
        let hmtx = vec![1, 0, 0, 1, 2, 0, 0, 2, 0, 3];
        let mut tables = vec![
            (*b"maxp", maxp(3)),
            (*b"hhea", hhea(2)),
            (*b"hmtx", hmtx.clone()),
        ];
        keep_glyph_count(&mut tables, 5).unwrap();
        assert_eq!(tables[0].1, maxp(5));
        assert_eq!(tables[2].1, [&hmtx[..], &[0, 0, 0, 0]].concat());
        // Already whole: unchanged.
        keep_glyph_count(&mut tables, 5).unwrap();
        assert_eq!(tables[0].1, maxp(5));
        assert_eq!(tables[2].1.len(), 14);
        let refused = |tables: &mut Vec<([u8; 4], Vec<u8>)>, glyphs| {
            keep_glyph_count(tables, glyphs).unwrap_err()
        };
        assert!(refused(&mut tables.clone(), 4).contains("against 4"));
        let mut short = vec![
            (*b"maxp", maxp(3)),
            (*b"hhea", hhea(2)),
            (*b"hmtx", vec![0; 9]),
        ];
        assert!(refused(&mut short, 5).contains("hmtx is too short"));
        let mut no_hmtx = vec![(*b"maxp", maxp(3)), (*b"hhea", hhea(2))];
        assert!(refused(&mut no_hmtx, 5).contains("no hmtx"));
        let mut tiny = vec![
            (*b"maxp", vec![0; 5]),
            (*b"hhea", hhea(2)),
            (*b"hmtx", hmtx),
        ];
        assert!(refused(&mut tiny, 5).contains("maxp is too short"));
    }
}
