//! Where a key or an error is in TOML text: line numbers and dotted keys, for error messages.

/// The table a TOML line opens, if it is a header (`[a.b]` gives `a.b`).
fn header(line: &str) -> Option<String> {
    let t = line.trim();
    let inner = t.strip_prefix('[')?.split(']').next()?;
    Some(inner.trim_matches(['[', ' ']).replace(' ', ""))
}

/// The line (1-based) and dotted key of the byte offset `at` in TOML `text`.
///
/// A small scan rather than a TOML parser: the key is the current `[table]` header plus the
/// bare key the line starts with, which is exact for a config written one key per line.
pub fn locate_span(text: &str, at: usize) -> (Option<usize>, Option<String>) {
    let before = text.get(..at).unwrap_or(text);
    let line_no = before.matches('\n').count() + 1;
    let mut table = String::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(h) = header(line) {
            table = h;
            if i + 1 == line_no {
                return (Some(line_no), Some(table));
            }
        } else if i + 1 == line_no {
            let key = line.split('=').next().map(str::trim).unwrap_or_default();
            let key = if key.is_empty() || line.find('=').is_none() {
                table.clone()
            } else if table.is_empty() {
                key.to_string()
            } else {
                format!("{table}.{key}")
            };
            return (Some(line_no), Some(key).filter(|k| !k.is_empty()));
        }
    }
    (Some(line_no), None)
}

/// The line (1-based) where the dotted `key` is written in TOML `text`, if it is.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let (table, leaf) = key.rsplit_once('.').unwrap_or(("", key));
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(h) = header(line) {
            current = h;
            continue;
        }
        if current == table
            && let Some((k, _)) = line.split_once('=')
            && k.trim() == leaf
        {
            return Some(i + 1);
        }
    }
    None
}

/// The line of `key` in `text`, or else of the nearest enclosing key or table that is written
/// there (a key inside an inline table is found at the line of the table's key).
pub fn line_of_key_or_parent(text: &str, key: &str) -> Option<usize> {
    let mut key = key;
    loop {
        if let Some(line) = line_of_key(text, key) {
            return Some(line);
        }
        if let Some(line) = text.lines().position(|l| header(l).as_deref() == Some(key)) {
            return Some(line + 1);
        }
        key = key.rsplit_once('.')?.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_by_line() {
        let text = "[a]\nx = 1\n\n[a.b]\nx = 2\ny = [1,\n 2]\n";
        assert_eq!(line_of_key(text, "a.x"), Some(2));
        assert_eq!(line_of_key(text, "a.b.x"), Some(5));
        assert_eq!(line_of_key(text, "a.b.z"), None);
        assert_eq!(
            locate_span(text, text.find("y =").unwrap_or(0)),
            (Some(6), Some("a.b.y".into()))
        );
        assert_eq!(locate_span(text, 1), (Some(1), Some("a".into())));
    }
}
