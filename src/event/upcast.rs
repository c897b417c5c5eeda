//! Upcasting on read: payloads written under an older vocabulary version are rewritten,
//! as JSON and in memory only, into the current form before they are deserialised.
//! Stored events are never changed. Upcasters are keyed by (kind, from_version) and
//! applied in order until the payload reaches `VOCABULARY_VERSION`.

use serde_json::{Value, json};

use super::{Event, VOCABULARY_VERSION};

type Upcaster = fn(Value) -> Value;

/// (kind, version it reads, function). None so far: version 2 only added optional fields,
/// statuses and kinds, so a version-1 payload reads as version 2 unchanged (it uses none
/// of them). A change that is not additive adds its upcaster here.
const UPCASTERS: &[(&str, u32, Upcaster)] = &[];

/// Whether a payload of `version` reads as the current vocabulary without upcasting: a
/// known version with no upcaster between it and the current one.
pub fn reads_directly(kind: &str, version: u32) -> bool {
    (1..=VOCABULARY_VERSION).contains(&version)
        && !UPCASTERS
            .iter()
            .any(|(k, from, _)| *k == kind && *from >= version)
}

/// Turns a stored payload into the current typed event.
pub fn decode(kind: &str, version: u32, payload: &str) -> Result<Event, String> {
    // A version that needs no upcasting is read straight into the typed event (no
    // intermediate `Value`); only a failure takes the slower path, for its message.
    if reads_directly(kind, version)
        && let Ok(event) = serde_json::from_str::<Event>(&format!(
            "{{\"kind\":{},\"payload\":{payload}}}",
            serde_json::to_string(kind).expect("strings serialise")
        ))
    {
        return Ok(event);
    }
    let payload: Value =
        serde_json::from_str(payload).map_err(|e| format!("stored payload is not JSON: {e}"))?;
    from_value(kind, version, payload)
}

/// Upcasts a payload value and deserialises it as `kind`.
pub fn from_value(kind: &str, version: u32, mut payload: Value) -> Result<Event, String> {
    if version == 0 || version > VOCABULARY_VERSION {
        return Err(format!(
            "vocabulary version {version} is not known to this policylog (it reads 1 to {VOCABULARY_VERSION})"
        ));
    }
    for v in version..VOCABULARY_VERSION {
        if let Some((_, _, up)) = UPCASTERS
            .iter()
            .find(|(k, from, _)| *k == kind && *from == v)
        {
            payload = up(payload);
        }
    }
    // The path names the field at fault: `payload.action_count: invalid type ...`.
    serde_path_to_error::deserialize(json!({ "kind": kind, "payload": payload }))
        .map_err(|e| format!("{}: {}", e.path(), e.inner()))
}
