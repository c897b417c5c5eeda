//! Property tests of the two parsers every line goes through: EDTF dates and canonical
//! JSON (the bytes the hash chain covers). The fuzz targets in fuzz/ push the same code
//! with unstructured input; these state the laws it keeps.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Number, Value, json};

use policylog::canonical;
use policylog::date::{ValidTime, day_string, parse_day, parse_query_day};
use policylog::store::Link;

use crate::harness::scaled;

fn config() -> Config {
    Config {
        cases: scaled(256, 4_096) as u32,
        // Nothing written into the repository: a failure prints its minimal input.
        failure_persistence: None,
        ..Config::default()
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date as EDTF text at day, month or year precision, with its first and last day.
fn edtf_date() -> impl Strategy<Value = (String, String, String)> {
    (0i32..=9999, 1u32..=12, 1u32..=31, 0u8..3).prop_map(|(y, m, d, precision)| {
        let d = d.min(days_in(y, m));
        match precision {
            0 => {
                let day = format!("{y:04}-{m:02}-{d:02}");
                (day.clone(), day.clone(), day)
            }
            1 => (
                format!("{y:04}-{m:02}"),
                format!("{y:04}-{m:02}-01"),
                format!("{y:04}-{m:02}-{:02}", days_in(y, m)),
            ),
            _ => (
                format!("{y:04}"),
                format!("{y:04}-01-01"),
                format!("{y:04}-12-31"),
            ),
        }
    })
}

fn bounds(v: &ValidTime) -> (Option<String>, Option<String>) {
    (v.from().map(day_string), v.to().map(day_string))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_date_spans_exactly_its_days((text, first, last) in edtf_date()) {
        let v = ValidTime::parse(&text).expect("a well-formed date parses");
        prop_assert_eq!(v.as_str(), text.as_str());
        prop_assert_eq!(bounds(&v), (Some(first.clone()), Some(last.clone())));
        prop_assert!(!v.is_qualified());
        let (day, widened) = parse_query_day(&text).expect("a query day");
        prop_assert_eq!(day_string(day), last.clone());
        prop_assert_eq!(widened, first != last);
        for printed in [&first, &last] {
            prop_assert_eq!(parse_day(printed).map(day_string), Some(printed.clone()));
        }
    }

    #[test]
    fn a_qualified_date_keeps_its_span_and_is_never_certain(
        (text, first, last) in edtf_date(),
        mark in prop::sample::select(vec!["~", "?", "%"]),
    ) {
        let qualified = format!("{text}{mark}");
        let v = ValidTime::parse(&qualified).expect("a qualified date parses");
        prop_assert!(v.is_qualified());
        prop_assert_eq!(bounds(&v), (Some(first), Some(last.clone())));
        let after = parse_day(&last).expect("day").succ_opt().unwrap_or(parse_day(&last).expect("day"));
        prop_assert_ne!(v.occurred_by(after), Some(policylog::date::Certainty::Certain));
        prop_assert!(parse_query_day(&qualified).is_err());
    }

    #[test]
    fn an_interval_runs_from_the_first_day_of_its_start_to_the_last_of_its_end(
        (a, a_first, a_last) in edtf_date(),
        (b, b_first, b_last) in edtf_date(),
    ) {
        let text = format!("{a}/{b}");
        match ValidTime::parse(&text) {
            Ok(v) => {
                prop_assert!(a_first <= b_last, "{} was accepted", text);
                prop_assert_eq!(bounds(&v), (Some(a_first.clone()), Some(b_last.clone())));
            }
            Err(_) => prop_assert!(a_first > b_last, "{} was refused", text),
        }
        let open_end = ValidTime::parse(&format!("{a}/..")).expect("open end");
        prop_assert_eq!(bounds(&open_end), (Some(a_first.clone()), None));
        let open_start = ValidTime::parse(&format!("../{b}")).expect("open start");
        prop_assert_eq!(bounds(&open_start), (None, Some(b_last)));
        let _ = (a_last, b_first);
    }

    #[test]
    fn a_day_past_the_end_of_its_month_is_refused(y in 0i32..=9999, m in 1u32..=12, extra in 1u32..=5) {
        let d = days_in(y, m) + extra;
        let text = format!("{y:04}-{m:02}-{d:02}");
        prop_assert!(ValidTime::parse(&text).is_err(), "{} was accepted", text);
    }

    #[test]
    fn certainty_never_decreases_as_the_day_moves_on(
        (a, _, _) in edtf_date(),
        (b, _, _) in edtf_date(),
        probe in 0i32..=9999,
        step in 1u32..=800,
    ) {
        let Ok(v) = ValidTime::parse(&format!("{a}/{b}")) else { return Ok(()) };
        let d1 = parse_day(&format!("{probe:04}-06-15")).expect("day");
        let d2 = (0..step).fold(d1, |d, _| d.succ_opt().unwrap_or(d));
        prop_assert!(v.occurred_by(d1) <= v.occurred_by(d2));
    }

    #[test]
    fn any_string_is_refused_or_parsed_into_ordered_bounds(text in "\\PC{0,24}|[0-9X?~%./-]{0,24}") {
        if let Ok(v) = ValidTime::parse(&text) {
            prop_assert_eq!(v.as_str(), text.as_str());
            prop_assert!(v.from().is_some() || v.to().is_some());
            if let (Some(f), Some(t)) = (v.from(), v.to()) {
                prop_assert!(f <= t);
            }
        }
    }
}

/// Any JSON value, with strings full of escapes and numbers at their limits.
fn json_value() -> impl Strategy<Value = Value> {
    json_value_with(true)
}

/// Any JSON value; with `floats` false, its numbers are integers only.
fn json_value_with(floats: bool) -> impl Strategy<Value = Value> {
    let string = prop_oneof![
        any::<String>(),
        "[\"\\\\\\n\\r\\t\\u{0}-\\u{1f}\\u{7f}\\u{2028}é’a-z]{0,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(move |f| match floats {
                true => Value::Number(Number::from_f64(f).expect("finite")),
                false => json!(f as i64),
            }),
        string.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(string.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An independent writer of canonical JSON as docs/hash-chain.md specifies it: keys
/// sorted by their UTF-8 bytes, no whitespace, strings escaped as serde_json (and
/// Python's `json.dumps(..., ensure_ascii=False)`) escape them.
fn reference(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => reference_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                reference(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                reference_string(key, out);
                out.push(':');
                reference(&map[key], out);
            }
            out.push('}');
        }
    }
}

fn reference_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn canonical_reference(value: &Value) -> String {
    let mut out = String::new();
    reference(value, &mut out);
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn canonical_json_is_the_specified_form(value in json_value()) {
        prop_assert_eq!(canonical::to_string(&value), canonical_reference(&value));
    }

    #[test]
    fn canonical_json_reads_back_as_the_same_value(value in json_value_with(false)) {
        round_trip(&value)?;
    }

    #[test]
    fn the_chain_link_is_canonical_json_of_the_event(
        seq in 1i64..=i64::MAX,
        id in any::<String>(),
        kind in any::<String>(),
        version in any::<u32>(),
        valid in any::<String>(),
        payload in json_value(),
        source in proptest::option::of(any::<String>()),
        quote in proptest::option::of(any::<String>()),
        recorded_at in any::<String>(),
        recorded_by in any::<String>(),
    ) {
        let payload_text = canonical::to_string(&payload);
        let link = Link {
            seq,
            id: &id,
            kind: &kind,
            version,
            valid: &valid,
            payload: &payload_text,
            source: source.as_deref(),
            quote: quote.as_deref(),
            recorded_at: &recorded_at,
            recorded_by: &recorded_by,
        };
        let mut out = String::new();
        link.canonical(&mut out);
        let expected = canonical_reference(&json!({
            "seq": seq, "id": id, "kind": kind, "version": version, "valid": valid,
            "payload": payload, "source": source, "quote": quote,
            "recorded_at": recorded_at, "recorded_by": recorded_by,
        }));
        prop_assert_eq!(out, expected);
    }
}

fn round_trip(value: &Value) -> Result<(), TestCaseError> {
    let text = canonical::to_string(value);
    let back: Value = serde_json::from_str(&text).expect("canonical JSON parses");
    prop_assert_eq!(&back, value, "{} read back differently", text);
    prop_assert_eq!(
        canonical::from_json_text(&text).expect("parses"),
        text.clone()
    );
    let pretty = serde_json::to_string_pretty(value).expect("pretty");
    prop_assert_eq!(canonical::from_json_text(&pretty).expect("parses"), text);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn canonical_json_with_decimals_reads_back_as_the_same_value(value in json_value()) {
        round_trip(&value)?;
    }
}

/// Numbers a statistic may carry: an event's payload must survive export and re-ingest
/// (parse, canonicalise) unchanged, or the same line would hash differently.
#[test]
fn decimal_figures_survive_a_parse_and_print_round_trip() {
    let mut failures = Vec::new();
    let mut tried = 0;
    for text in [
        "0.1",
        "35.5",
        "1.7976931348623157e308",
        "5e-324",
        "2.2250738585072014e-308",
        "0.3",
        "123456789.123456789",
        "1e21",
        "9007199254740993",
        "-0.0",
    ] {
        tried += 1;
        let once = canonical::from_json_text(text).expect("number");
        let twice = canonical::from_json_text(&once).expect("number");
        if once != twice {
            failures.push(format!("{text} -> {once} -> {twice}"));
        }
    }
    assert!(
        failures.is_empty(),
        "canonical numbers change on a second pass: {failures:?}"
    );
    assert!(tried > 0);
}

/// The same, end to end: a log with a decimal figure, exported and ingested again into
/// the same log (nothing new) and into a fresh one (the same head).
#[test]
fn an_export_with_decimal_figures_rebuilds_the_same_chain() {
    use crate::harness::{FIXTURE_SHA, FIXTURE_STATISTIC_SENTENCE, Test, head_of};
    let log = Test::with_fixture();
    for (i, value) in [
        // 123456789.123456789 as a double holds it (the longer text is refused as inexact).
        "123456789.12345679",
        "0.1",
        "35.5",
        "2.2250738585072014e-308",
    ]
    .iter()
    .enumerate()
    {
        let line = format!(
            r#"{{"id":"figure-{i}","kind":"statistic.reported","valid":"2024","payload":{{"indicator":"indicator:f{i}","label":"F","value":{value},"unit":"count","period":"2024"}},"source":"{FIXTURE_SHA}","quote":"{FIXTURE_STATISTIC_SENTENCE}"}}"#
        );
        log.run(["append", "--json", &line]).success();
    }
    let export = log.dir().join("export");
    log.run(["export", "--out", export.to_str().expect("path")])
        .success();
    let again = log
        .run(["ingest", export.to_str().expect("path")])
        .success()
        .stdout;
    assert!(again.contains("0 new event(s)"), "{again}");
    let fresh = log.dir().join("fresh.db");
    log.run(["ingest", export.to_str().expect("path")])
        .db(&fresh)
        .success();
    assert_eq!(head_of(&fresh), head_of(log.db()));
}
