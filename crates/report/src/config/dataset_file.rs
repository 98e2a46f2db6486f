//! Reading a lesson 1 dataset from JSON: an object with `X` (rows of numbers, all the same
//! length) and `t` (one number per row), like `data/reference/rnn_binary_seed1.json`.
//! Other keys are ignored. Errors name the file, line and key (`X` or `t`).

use crate::error::Error;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::cell::Cell;
use std::fmt;
use std::path::Path;

/// Sequences and targets read from a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequenceFile {
    /// One row per sequence.
    pub xs: Vec<Vec<f64>>,
    /// One target per sequence.
    pub ts: Vec<f64>,
}

/// Read the dataset at `path`; `shown` (the path as the config writes it) is how errors name
/// it, and a read error also says where it was looked for.
pub fn read(path: &Path, shown: &str) -> Result<SequenceFile, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let message = if Path::new(shown) == path {
            format!("cannot read the dataset: {e}")
        } else {
            let at = path.display();
            format!("cannot read the dataset (looked for it at `{at}`, beside the config): {e}")
        };
        Error::io(message).in_file(shown)
    })?;
    parse(&text, shown)
}

/// Parse dataset JSON text; `shown` names it in errors.
pub fn parse(text: &str, shown: &str) -> Result<SequenceFile, Error> {
    let key = Cell::new("");
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = FileSeed { key: &key }
        .deserialize(&mut de)
        .and_then(|f| de.end().map(|()| f));
    let file = parsed.map_err(|e| {
        let line = (e.line() > 0).then_some(e.line());
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        let mut err = Error::dataset(message).in_file(shown).at_line(line);
        if !key.get().is_empty() {
            err = err.for_key(key.get());
        }
        err
    })?;
    if file.ts.len() != file.xs.len() {
        return Err(Error::dataset(format!(
            "has {} targets for {} sequences",
            file.ts.len(),
            file.xs.len()
        ))
        .in_file(shown)
        .for_key("t"));
    }
    Ok(file)
}

/// The top-level object; records in `key` which key is being read, for error messages.
struct FileSeed<'a> {
    key: &'a Cell<&'static str>,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = SequenceFile;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<SequenceFile, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = SequenceFile;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with `X` (rows of numbers) and `t` (numbers)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SequenceFile, A::Error> {
        let (mut xs, mut ts) = (None, None);
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                // A second `X` or `t` is refused: keeping either copy silently would hide a
                // file put together by hand that holds two datasets.
                "X" => {
                    self.key.set("X");
                    if xs.is_some() {
                        return Err(de::Error::duplicate_field("X"));
                    }
                    xs = Some(map.next_value::<Rows>()?.0);
                }
                "t" => {
                    self.key.set("t");
                    if ts.is_some() {
                        return Err(de::Error::duplicate_field("t"));
                    }
                    ts = Some(map.next_value::<Vec<Number>>()?);
                }
                _ => {
                    self.key.set("");
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        self.key.set("");
        let xs = xs.ok_or_else(|| de::Error::missing_field("X"))?;
        let ts = ts.ok_or_else(|| de::Error::missing_field("t"))?;
        if xs.is_empty() {
            self.key.set("X");
            return Err(de::Error::custom("holds no sequences"));
        }
        Ok(SequenceFile {
            xs,
            ts: ts.into_iter().map(|n| n.0).collect(),
        })
    }
}

/// A JSON number (integer or float) as `f64`; anything else is an error saying so, and so is
/// a number outside the `f32` range, which the RNN runs in (it would be infinite there).
struct Number(f64);

/// `v` as a [`Number`] if it is finite in single precision.
fn in_f32_range<E: de::Error>(v: f64) -> Result<Number, E> {
    if v.abs() <= f64::from(f32::MAX) {
        Ok(Number(v))
    } else {
        Err(E::custom(format!(
            "{v} is outside the single-precision range the course runs in (|value| <= {:e})",
            f32::MAX
        )))
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                in_f32_range(v)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                in_f32_range(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                in_f32_range(v as f64)
            }
        }
        d.deserialize_f64(V)
    }
}

/// Rows of numbers that must all have the length of the first.
struct Rows(Vec<Vec<f64>>);

impl<'de> Deserialize<'de> for Rows {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Rows;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of rows of numbers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Rows, A::Error> {
                let mut rows: Vec<Vec<f64>> = Vec::new();
                loop {
                    let row = RowSeed {
                        index: rows.len(),
                        expected: rows.first().map(Vec::len),
                    };
                    match seq.next_element_seed(row)? {
                        Some(row) => rows.push(row),
                        None => return Ok(Rows(rows)),
                    }
                }
            }
        }
        d.deserialize_seq(V)
    }
}

/// One row; when `expected` is known, a row of another length is an error raised inside the
/// row, so the parser's position (and the reported line) is the row's own.
#[derive(Clone, Copy)]
struct RowSeed {
    index: usize,
    expected: Option<usize>,
}

impl RowSeed {
    fn ragged<E: de::Error>(&self, len: &str, expected: usize) -> E {
        E::custom(format!(
            "row {} has {len} values, but row 0 has {expected}: rows must all have the same length",
            self.index
        ))
    }
}

impl<'de> DeserializeSeed<'de> for RowSeed {
    type Value = Vec<f64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<f64>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowSeed {
    type Value = Vec<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row of numbers")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
        let mut row = Vec::new();
        while let Some(Number(v)) = seq.next_element()? {
            if let Some(expected) = self.expected
                && row.len() == expected
            {
                return Err(self.ragged("more than", expected));
            }
            row.push(v);
        }
        match self.expected {
            Some(expected) if row.len() != expected => {
                Err(self.ragged(&row.len().to_string(), expected))
            }
            _ => Ok(row),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_targets_and_ignores_other_keys() {
        let f = parse(
            r#"{"about": "x", "X": [[0, 1.0], [1, 1]], "t": [1, 2]}"#,
            "d.json",
        );
        assert_eq!(
            f,
            Ok(SequenceFile {
                xs: vec![vec![0.0, 1.0], vec![1.0, 1.0]],
                ts: vec![1.0, 2.0]
            })
        );
    }

    #[test]
    fn duplicate_keys_are_refused_with_line_and_key() {
        let e = parse(
            "{\"X\": [[0, 1]],\n \"t\": [1],\n \"X\": [[1, 1]]}",
            "d.json",
        )
        .unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(3), Some("X")), "{e}");
        assert!(e.message.contains("duplicate field `X`"), "{e}");
        let e = parse("{\"t\": [1], \"X\": [[0, 1]], \"t\": [2]}", "d.json").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("t"), "{e}");
        assert!(e.message.contains("duplicate field `t`"), "{e}");
    }

    #[test]
    fn values_beyond_single_precision_are_refused_with_line_and_key() {
        let e = parse("{\"X\": [[0, 1],\n [1e39, 1]],\n \"t\": [1, 2]}", "d.json").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("X")), "{e}");
        assert!(e.to_string().starts_with("d.json:2: key `X`: 1000000000000000000000000000000000000000 is outside the single-precision range"), "{e}");
        let e = parse("{\"X\": [[0, 1]],\n \"t\": [-1e300]}", "d.json").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("t")), "{e}");
        // The largest single-precision value itself is accepted.
        assert!(parse("{\"X\": [[3.4028234663852886e38]], \"t\": [0]}", "d.json").is_ok());
    }

    #[test]
    fn ragged_rows_and_non_numbers_name_line_and_key() {
        let e = parse("{\"X\": [[0, 1],\n [1]],\n \"t\": [1, 2]}", "d.json").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("X")));
        assert!(e.message.contains("row 1 has 1 values"), "{e}");
        let e = parse("{\"X\": [[0, 1]],\n \"t\": [\"one\"]}", "d.json").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("t")));
        assert!(
            e.to_string().starts_with("d.json:2: key `t`: invalid type"),
            "{e}"
        );
    }
}
