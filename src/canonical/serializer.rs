//! The canonical writer as a serde `Serializer`: any serialisable value written straight
//! into canonical text, without building a `serde_json::Value` first. Ingest writes every
//! payload through here, so the allocations of a `Value` per event (a map node and a
//! string per field) are what it spares.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::{self, Impossible};
use serde_json::Error;

use super::push_string;

/// Writes one JSON value at the end of `out`: compact, or (`pretty`: the depth it is
/// written at) laid out as serde_json's pretty printer does, two spaces per level.
pub(super) struct Canon<'a> {
    pub(super) out: &'a mut String,
    pub(super) pretty: Option<usize>,
}

/// Before a member or element: a comma after the first and, laid out, a line break and
/// the indentation of `depth`.
fn separate(out: &mut String, first: bool, pretty: Option<usize>) {
    if !first {
        out.push(',');
    }
    if let Some(depth) = pretty {
        out.push('\n');
        indent(out, depth);
    }
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// After the last member or element, laid out: a line break and the enclosing depth.
fn close_layout(out: &mut String, empty: bool, pretty: Option<usize>) {
    if let Some(depth) = pretty
        && !empty
    {
        out.push('\n');
        indent(out, depth - 1);
    }
}

impl Canon<'_> {
    /// Integers in decimal, as serde_json (and a `Value`) print them.
    fn integer(self, value: impl std::fmt::Display) -> Result<(), Error> {
        write!(self.out, "{value}").expect("writing to a String cannot fail");
        Ok(())
    }

    /// Floats and byte strings as serde_json prints them (shortest round-trip digits).
    fn leaf<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.out.push_str(&serde_json::to_string(value)?);
        Ok(())
    }
}

impl<'a> ser::Serializer for Canon<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        // A `Value` holds every float as f64.
        self.leaf(&f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.leaf(&v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        push_string(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        push_string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.leaf(v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut object = self.serialize_map(Some(1))?;
        ser::SerializeMap::serialize_entry(&mut object, variant, value)?;
        ser::SerializeMap::end(object)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a>, Error> {
        self.out.push('[');
        Ok(Seq {
            out: self.out,
            first: true,
            pretty: self.pretty.map(|d| d + 1),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(ser::Error::custom(
            "tuple variants are not in the vocabulary",
        ))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a>, Error> {
        self.out.push('{');
        let start = self.out.len();
        Ok(Object {
            out: self.out,
            start,
            fields: Vec::new(),
            key: None,
            pretty: self.pretty.map(|d| d + 1),
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Object<'a>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(ser::Error::custom(
            "struct variants are not in the vocabulary",
        ))
    }
}

pub(super) struct Seq<'a> {
    out: &'a mut String,
    first: bool,
    /// The depth of the elements, when laid out.
    pretty: Option<usize>,
}

impl Seq<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        separate(self.out, std::mem::take(&mut self.first), self.pretty);
        value.serialize(Canon {
            out: self.out,
            pretty: self.pretty,
        })
    }
    fn close(self) -> Result<(), Error> {
        close_layout(self.out, self.first, self.pretty);
        self.out.push(']');
        Ok(())
    }
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTuple for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// An object being written: members go out in the order they come, each remembered with
/// its key and place; `end` puts them in key order (rarely needed more than a swap).
pub(super) struct Object<'a> {
    out: &'a mut String,
    /// Where the first member starts (just after `{`).
    start: usize,
    /// (key, start, end) of each member's `"key":value` text, without commas.
    fields: Vec<(Cow<'static, str>, usize, usize)>,
    /// A map key given before its value.
    key: Option<Cow<'static, str>>,
    /// The depth of the members, when laid out.
    pretty: Option<usize>,
}

impl Object<'_> {
    fn member<T: Serialize + ?Sized>(
        &mut self,
        key: Cow<'static, str>,
        value: &T,
    ) -> Result<(), Error> {
        separate(self.out, self.fields.is_empty(), self.pretty);
        let start = self.out.len();
        push_string(self.out, key.as_ref());
        self.out
            .push_str(if self.pretty.is_some() { ": " } else { ":" });
        value.serialize(Canon {
            out: self.out,
            pretty: self.pretty,
        })?;
        self.fields.push((key, start, self.out.len()));
        Ok(())
    }

    fn close(self) -> Result<(), Error> {
        let Object {
            out,
            start,
            fields,
            pretty,
            ..
        } = self;
        let sorted = fields.windows(2).all(|w| w[0].0 < w[1].0);
        if !sorted {
            let written = out.split_off(start);
            let mut order: Vec<usize> = (0..fields.len()).collect();
            // Stable, so that of two equal keys the later wins, as in a `Value`'s map.
            order.sort_by(|&a, &b| fields[a].0.cmp(&fields[b].0));
            let mut first = true;
            for (n, &i) in order.iter().enumerate() {
                if order
                    .get(n + 1)
                    .is_some_and(|&j| fields[j].0 == fields[i].0)
                {
                    continue;
                }
                // `written` starts with the first member's separator; each member's text
                // is `"key":value` without one.
                separate(out, std::mem::take(&mut first), pretty);
                let (_, s, e) = &fields[i];
                out.push_str(&written[s - start..e - start]);
            }
        }
        close_layout(out, fields.is_empty(), pretty);
        out.push('}');
        Ok(())
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.member(Cow::Borrowed(key), value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        // A `Value`'s map keys are strings; anything else is refused as it would be there.
        match serde_json::to_value(key)? {
            serde_json::Value::String(key) => {
                self.key = Some(Cow::Owned(key));
                Ok(())
            }
            _ => Err(ser::Error::custom("object keys must be strings")),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ser::Error::custom("a map value without its key"))?;
        self.member(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

#[cfg(test)]
mod tests {
    use super::super::to_string;
    use serde::Serialize;
    use serde_json::json;

    #[test]
    fn same_text_as_a_value_prints() {
        // `serde_json::Value` keeps objects in a `BTreeMap` (no `preserve_order`): its text
        // has sorted keys, which is canonical JSON by another road.
        let values = [
            json!({"b": 1, "a": {"z": [3, {"y": true, "x": null}], "c": "é\n\u{1}\"\\"}}),
            json!([]),
            json!({}),
            json!({"n": [1.5, -2, 18446744073709551615u64, 1e300], "s": "\u{7f}"}),
        ];
        for v in values {
            assert_eq!(to_string(&v), v.to_string());
        }
    }

    #[test]
    fn struct_fields_come_out_in_key_order() {
        #[derive(Serialize)]
        struct S {
            zeta: u32,
            alpha: Option<&'static str>,
            #[serde(rename = "type")]
            kind: &'static str,
            #[serde(flatten)]
            more: serde_json::Map<String, serde_json::Value>,
        }
        let mut more = serde_json::Map::new();
        more.insert("beta".into(), json!({"y": 1, "x": 2}));
        let s = S {
            zeta: 1,
            alpha: None,
            kind: "org",
            more,
        };
        assert_eq!(
            to_string(&s),
            r#"{"alpha":null,"beta":{"x":2,"y":1},"type":"org","zeta":1}"#
        );
        assert_eq!(to_string(&s), serde_json::to_value(&s).unwrap().to_string());
        let laid_out = serde_json::to_string_pretty(&serde_json::to_value(&s).unwrap()).unwrap();
        assert_eq!(super::super::to_pretty(&s), laid_out);
    }
}
