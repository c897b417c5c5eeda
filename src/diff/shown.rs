//! An entry as a change shows it before or after, kept as the compact JSON text of its
//! value rather than as a `serde_json::Value`. A diff of decades holds an entry for nearly
//! every key of the landscape; as a `Value` each costs a b-tree node and a string per
//! field (about 1 KB), as text about 200 bytes, which kept a whole-landscape diff of a
//! million events from fitting in 300 MB of heap. It is read back only where a change is
//! compared or rendered, one at a time.

use serde::{Serialize, Serializer};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown(Box<str>);

impl Shown {
    /// An entry's value, with its fields in the order a `Value` keeps them (by name),
    /// so that equal values have equal texts.
    pub fn of<T: Serialize>(entry: &T) -> Shown {
        Shown::from_value(&serde_json::to_value(entry).unwrap_or(Value::Null))
    }

    pub fn from_value(value: &Value) -> Shown {
        // A `Value` always serialises: its map keys are strings.
        Shown(serde_json::to_string(value).unwrap_or_default().into())
    }

    /// The value again, as it was before it was kept as text.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    /// The same text: the same value (a value has one text).
    pub fn same_text(&self, other: &Shown) -> bool {
        self.0 == other.0
    }
}

/// Written as its value is: the same bytes as before the text, pretty-printed or not.
impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shown_value_writes_the_bytes_its_value_wrote() {
        let value = serde_json::json!({
            "term": "2019/2020", "holder": "org:unodc", "value": 0.1,
            "big": 18446744073709551615u64, "neg": -3, "quote": "a \"b\"\n\u{a0}é",
            "list": ["z", {"b": null, "a": [1.5e300]}], "none": null,
        });
        let shown = Shown::from_value(&value);
        assert_eq!(shown.value(), value);
        assert_eq!(
            serde_json::to_string_pretty(&shown).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&shown).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
    }

    #[test]
    fn equal_entries_have_equal_texts_whatever_their_field_order() {
        #[derive(Serialize)]
        struct Ab {
            a: u8,
            b: &'static str,
        }
        #[derive(Serialize)]
        struct Ba {
            b: &'static str,
            a: u8,
        }
        assert!(Shown::of(&Ab { a: 1, b: "x" }).same_text(&Shown::of(&Ba { b: "x", a: 1 })));
        assert!(!Shown::of(&Ab { a: 1, b: "x" }).same_text(&Shown::of(&Ab { a: 2, b: "x" })));
    }
}
