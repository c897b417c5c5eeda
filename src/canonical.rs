//! Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace,
//! strings escaped as serde_json does. The hash chain, snapshots and stored payloads use it.
//!
//! `serde_json::Value` keeps objects in a `BTreeMap` (the `preserve_order` feature is off),
//! so serialising a `Value` already yields sorted keys; this module is the one place that
//! relies on it.

use serde::Serialize;
use serde_json::Value;

/// Canonical bytes of any serialisable value.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let value: Value = serde_json::to_value(value).expect("values of the vocabulary serialise");
    value.to_string()
}

/// Re-serialises JSON text canonically.
pub fn from_json_text(text: &str) -> serde_json::Result<String> {
    let value: Value = serde_json::from_str(text)?;
    Ok(value.to_string())
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
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
