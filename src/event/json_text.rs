//! What JSON text may say that a parsed value forgets: a key given twice in one object
//! (serde_json keeps the last, silently) and a number that a double cannot hold as written
//! (`9007199254740993`, `1.00000000000000000001` are stored as their neighbours). Both are
//! refused, at any depth, by one pass over the text that a line has already parsed.

use std::borrow::Cow;
use std::collections::HashSet;

/// Checks well-formed JSON text for duplicate keys and inexact numbers; the message names
/// the field by its path (`payload.replacement.payload.member`).
pub fn check(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i);
                let raw = text.get(i + 1..end.saturating_sub(1)).unwrap_or("");
                if let Some(Frame::Object {
                    keys,
                    expecting_key,
                    key,
                }) = frames.last_mut()
                    && *expecting_key
                {
                    let name = decoded(raw);
                    if !keys.insert(name.clone()) {
                        let path = path_of(&frames, Some(&name));
                        return Err(format!(
                            "`{path}` is given twice; JSON readers disagree on which one counts: write each key once"
                        ));
                    }
                    *key = name;
                    *expecting_key = false;
                }
                i = end;
            }
            b'{' => {
                frames.push(Frame::Object {
                    keys: HashSet::new(),
                    expecting_key: true,
                    key: Cow::Borrowed(""),
                });
                i += 1;
            }
            b'[' => {
                frames.push(Frame::Array { index: 0 });
                i += 1;
            }
            b'}' | b']' => {
                frames.pop();
                i += 1;
            }
            b',' => {
                match frames.last_mut() {
                    Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                    Some(Frame::Array { index }) => *index += 1,
                    None => {}
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                {
                    i += 1;
                }
                let token = &text[start..i];
                if let Some(stored) = inexact(token) {
                    let path = path_of(&frames, None);
                    return Err(format!(
                        "`{path}`: the number {token} cannot be kept exactly (a double holds it as {stored}); write it with at most 15 significant digits, as the source rounds it"
                    ));
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

enum Frame<'a> {
    Object {
        keys: HashSet<Cow<'a, str>>,
        expecting_key: bool,
        /// The key whose value is being read.
        key: Cow<'a, str>,
    },
    Array {
        index: usize,
    },
}

/// The index just past the closing quote of the string opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// A key as JSON means it (`"\u0061"` is `"a"`); escapes are rare, so only they allocate.
fn decoded(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    serde_json::from_str::<String>(&format!("\"{raw}\""))
        .map(Cow::Owned)
        .unwrap_or(Cow::Borrowed(raw))
}

fn path_of(frames: &[Frame], last: Option<&str>) -> String {
    let mut path = String::new();
    let depth = frames.len();
    for (n, frame) in frames.iter().enumerate() {
        let is_last = n + 1 == depth;
        match frame {
            Frame::Object { key, .. } => {
                let key = if is_last { last.unwrap_or(key) } else { key };
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// `None` when a double holds the number as written (its shortest form has the same
/// decimal value), else that shortest form. Tokens that are not numbers are left to the
/// parser, which has refused them already.
fn inexact(token: &str) -> Option<String> {
    let value: f64 = token.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    let stored = format!("{value:e}");
    (decimal(token)? != decimal(&stored)?).then_some(stored)
}

/// A number's decimal value as (negative, significant digits, exponent of the last digit),
/// without leading or trailing zeros: equal values give equal triples. Zero is unsigned.
fn decimal(text: &str) -> Option<(bool, String, i64)> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let kept = digits.trim_end_matches('0');
    if kept.is_empty() {
        return Some((false, String::new(), 0));
    }
    let exponent = exponent
        .checked_sub(fraction.len() as i64)?
        .checked_add((digits.len() - kept.len()) as i64)?;
    Some((negative, kept.to_owned(), exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_found_at_any_depth_with_their_path() {
        for (text, path) in [
            (r#"{"a":1,"a":2}"#, "a"),
            (r#"{"p":{"m":"x","g":"y","m":"z"}}"#, "p.m"),
            (
                r#"{"p":{"r":{"payload":{"x":1,"\u0078":2}}}}"#,
                "p.r.payload.x",
            ),
            (r#"{"l":[{"k":1},{"k":1,"k":2}]}"#, "l[1].k"),
        ] {
            let err = check(text).unwrap_err();
            assert!(
                err.starts_with(&format!("`{path}` is given twice")),
                "{text}: {err}"
            );
        }
        for text in [
            r#"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#,
            r#"{"s":"\"a\":1,\"a\":2","a":"}{,"}"#,
        ] {
            assert_eq!(check(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn numbers_a_double_cannot_hold_as_written_are_refused() {
        for ok in [
            "0",
            "-0",
            "35",
            "35.5",
            "0.1",
            "0.10",
            "1.5e3",
            "1500.0",
            "-0.0",
            "5e-324",
            "9007199254740992",
            "10000000000000000",
            "1e16",
            "123456789.12345679",
            "2.2250738585072014e-308",
            "1.7976931348623157e308",
        ] {
            assert_eq!(check(&format!(r#"{{"v":{ok}}}"#)), Ok(()), "{ok}");
        }
        for bad in [
            "9007199254740993",
            "18446744073709551617",
            "1.00000000000000000001",
            "123456789.123456789",
            "1e-400",
            "0.30000000000000000000001",
        ] {
            let err = check(&format!(r#"{{"p":{{"v":[1,{bad}]}}}}"#)).unwrap_err();
            assert!(err.starts_with("`p.v[1]`: the number"), "{bad}: {err}");
        }
    }
}
