//! Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace,
//! strings escaped as serde_json (and Python's `json.dumps(..., ensure_ascii=False)`)
//! escape them. The hash chain, stored payloads, document records and snapshots use it,
//! all through this one writer: `to_string` for any serialisable value (`serializer.rs`),
//! `to_pretty` for the same laid out (snapshots), `push_string` for the chain's
//! hand-assembled link (`store/chain.rs`).

mod serializer;

use serde::Serialize;
use serde_json::Value;

use serializer::Canon;

/// Canonical text of any serialisable value.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    write(value, None)
}

/// The same text laid out for reading and for line-by-line diffs (snapshots): keys in the
/// same order, a line per member and element, two spaces per level, `": "` after keys,
/// as serde_json's pretty printer lays out a `Value`.
pub fn to_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    write(value, Some(0))
}

fn write<T: Serialize + ?Sized>(value: &T, pretty: Option<usize>) -> String {
    let mut out = String::with_capacity(128);
    value
        .serialize(Canon {
            out: &mut out,
            pretty,
        })
        .expect("values of the vocabulary serialise");
    out
}

/// Re-serialises JSON text canonically.
pub fn from_json_text(text: &str) -> serde_json::Result<String> {
    let value: Value = serde_json::from_str(text)?;
    Ok(to_string(&value))
}

/// Appends `value` as a JSON string, escaped exactly as serde_json (and Python's
/// `json.dumps(..., ensure_ascii=False)`) escape it.
///
/// Runs of bytes that need no escape are copied whole, found eight bytes at a time: this
/// runs for every field of every event on ingest and `verify`, and almost no text needs an
/// escape. Every byte that does is ASCII, so slicing at it never splits a UTF-8 sequence.
pub fn push_string(out: &mut String, value: &str) {
    out.push('"');
    let bytes = value.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8)
            && !needs_escape(u64::from_le_bytes(chunk.try_into().expect("8 bytes")))
        {
            i += 8;
            continue;
        }
        let b = bytes[i];
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&value[copied..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        } else {
            out.push_str(escape);
        }
        i += 1;
        copied = i;
    }
    out.push_str(&value[copied..]);
    out.push('"');
}

/// Whether any of the eight bytes is a control character, `"` or `\\` (may also answer
/// yes for other bytes next to one of those; the byte loop then decides).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte is zero in `x` → its high bit is set in `has_zero(x)` (the classic bit trick;
    // borrows can only add false positives above a true zero).
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    // Bytes below 0x20: `b - 0x20` borrows. Bytes >= 0x80 never count (masked by `!word`).
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    control | has_zero(word ^ (ONES * u64::from(b'"'))) | has_zero(word ^ (ONES * u64::from(b'\\')))
        != 0
}

/// Lowercase hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex_string(&Sha256::digest(bytes))
}

pub fn hex_string(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_whitespace_dropped() {
        let v = json!({"b": 1, "a": {"z": [3, {"y": true, "x": null}], "c": "é\n"}});
        assert_eq!(
            to_string(&v),
            r#"{"a":{"c":"é\n","z":[3,{"x":null,"y":true}]},"b":1}"#
        );
    }

    #[test]
    fn canonicalising_twice_changes_nothing() {
        let text = r#"{ "kind" : "x", "payload": {"b": [1, 2.5], "a": "\u00e9"} }"#;
        let once = from_json_text(text).unwrap();
        assert_eq!(from_json_text(&once).unwrap(), once);
        assert_eq!(once, r#"{"kind":"x","payload":{"a":"é","b":[1,2.5]}}"#);
    }

    #[test]
    fn laid_out_as_serde_json_lays_out_a_value() {
        let values = [
            json!({"b": [1, {"d": [], "c": {}}], "a": {"z": null, "y": "é\n"}, "e": []}),
            json!([]),
            json!({}),
            json!([[], [1.5, -2], {"k": [{}]}]),
        ];
        for v in values {
            assert_eq!(to_pretty(&v), serde_json::to_string_pretty(&v).unwrap());
        }
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn escaping_matches_serde_json_around_every_chunk_boundary() {
        // Each special byte at every position of a 20-byte ASCII/UTF-8 string, so that the
        // eight-byte scan meets it at each offset within a word and in the tail.
        let specials = [
            '"', '\\', '\n', '\r', '\t', '\u{08}', '\u{0c}', '\u{0}', '\u{1f}', '\u{7f}', 'é', ' ',
            '!', '#', '[', ']',
        ];
        for special in specials {
            for at in 0..20 {
                let mut text: String = "abcdéfghijklmnopqrs".chars().take(19).collect();
                let at = text
                    .char_indices()
                    .nth(at.min(18))
                    .map_or(text.len(), |(i, _)| i);
                text.insert(at, special);
                let mut out = String::new();
                push_string(&mut out, &text);
                assert_eq!(out, serde_json::to_string(&text).unwrap(), "{text:?}");
            }
        }
    }

    /// JSON values of every shape, a few levels deep.
    fn values() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "(?s).{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                proptest::collection::btree_map("(?s).{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn both_layouts_match_serde_json(value in values()) {
            proptest::prop_assert_eq!(to_string(&value), value.to_string());
            proptest::prop_assert_eq!(
                to_pretty(&value),
                serde_json::to_string_pretty(&value).unwrap()
            );
        }

        #[test]
        fn escaping_matches_serde_json(text in "(?s).{0,40}", ascii in "[\\x00-\\x7f]{0,40}") {
            for text in [&text, &ascii] {
                let mut out = String::new();
                push_string(&mut out, text);
                proptest::prop_assert_eq!(out, serde_json::to_string(text).unwrap());
            }
        }
    }
}
