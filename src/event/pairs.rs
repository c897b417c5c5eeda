//! `append --set key=value` pairs into a payload: each value is the text it is, unless
//! the vocabulary says the field needs JSON.

use serde_json::Value;

use super::{Event, VOCABULARY_VERSION, upcast};

/// The `payload` of a `--set key=value` list for `kind`: each value is taken as the text
/// it is (what a string, an id or a date field needs: `period=2022` is the string
/// "2022"), except for the fields whose type that text does not fit (a number, a list, an
/// object, a boolean), where it is read as JSON. Which fields those are is asked of the
/// vocabulary itself, so a new field needs nothing here. A key given twice is refused.
pub fn payload_from_pairs(kind: &str, pairs: &[String]) -> Result<Value, String> {
    let mut payload = serde_json::Map::new();
    let mut texts = std::collections::HashMap::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("--set `{pair}`: write key=value"))?;
        let key = key.trim().to_owned();
        if texts.insert(key.clone(), value.to_owned()).is_some() {
            return Err(format!(
                "--set `{key}` is given twice; give each field once"
            ));
        }
        // A value written as a JSON string (`period='"2022"'`, as earlier versions needed)
        // is that string.
        let text = match serde_json::from_str::<Value>(value) {
            Ok(Value::String(s)) => s,
            _ => value.to_owned(),
        };
        payload.insert(key, Value::String(text));
    }
    if !Event::KINDS.contains(&kind) {
        return Ok(Value::Object(payload));
    }
    // Each round reads one more field as JSON: the one the vocabulary refused as text.
    for _ in 0..=texts.len() {
        let Err(reason) =
            upcast::from_value(kind, VOCABULARY_VERSION, Value::Object(payload.clone()))
        else {
            break;
        };
        let field = reason
            .strip_prefix("payload.")
            .and_then(|rest| rest.split(['.', '[', ':']).next())
            .filter(|f| matches!(payload.get(*f), Some(Value::String(_))));
        let Some(text) = field.and_then(|f| texts.get(f)) else {
            break;
        };
        let field = field.expect("found").to_owned();
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            break;
        };
        super::json_text::check(text).map_err(|e| format!("--set {field}: {e}"))?;
        payload.insert(field, value);
    }
    Ok(Value::Object(payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_pairs_take_text_unless_the_field_needs_json() {
        let pairs = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let v = payload_from_pairs(
            "statistic.reported",
            &pairs(&[
                "indicator=indicator:x",
                "label=2024",
                "value=35",
                "unit=1",
                "period=2022",
            ]),
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"indicator":"indicator:x","label":"2024","value":35,"unit":"1","period":"2022"})
        );
        let v = payload_from_pairs(
            "call.issued",
            &pairs(&[
                "call=call:x",
                "title=10",
                "issuers=[\"org:a\"]",
                "action_count=10",
            ]),
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"call":"call:x","title":"10","issuers":["org:a"],"action_count":10})
        );
        let v = payload_from_pairs("statistic.reported", &pairs(&[r#"period="2022""#])).unwrap();
        assert_eq!(v["period"], "2022");
        // A value that is not JSON where JSON is needed stays text, for check to name.
        let v = payload_from_pairs("statistic.reported", &pairs(&["value=lots"])).unwrap();
        assert_eq!(v["value"], "lots");
        let err = payload_from_pairs(
            "membership.joined",
            &pairs(&["member=org:a", "member=org:b"]),
        )
        .unwrap_err();
        assert!(err.contains("`member` is given twice"), "{err}");
        let err =
            payload_from_pairs("call.issued", &pairs(&[r#"actions=[{"x":1,"x":2}]"#])).unwrap_err();
        assert!(
            err.contains("--set actions: `[0].x` is given twice"),
            "{err}"
        );
    }
}
