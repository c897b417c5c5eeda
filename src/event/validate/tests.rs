//! Validation of single lines: the fast and the JSON path agree, versions, v2 fields.

use super::*;

#[test]
fn depth_ignores_brackets_in_strings() {
    assert_eq!(nesting_depth(r#"{"a":"[[[{{{"}"#), 1);
    assert_eq!(nesting_depth(r#"{"a":[[1]]}"#), 3);
    assert_eq!(nesting_depth(r#"{"a":"\"[["}"#), 1);
}

#[test]
fn unknown_kind_and_missing_field_are_named() {
    let line = parse_line(r#"{"kind":"membership.joind","valid":"2020","payload":{}}"#).unwrap();
    assert!(
        matches!(check(line, None), Err(Problem::UnknownKind { kind: k, .. }) if k == "membership.joind")
    );
    let line =
        parse_line(r#"{"kind":"membership.joined","valid":"2020","payload":{"member":"org:a"}}"#)
            .unwrap();
    let err = check(line, None).unwrap_err().to_string();
    assert!(err.contains("missing field `group`"), "{err}");
}

/// One line of every kind, each optional field given, including a correction.
const EVERY_KIND: [&str; 17] = [
    r#"{"kind":"entity.registered","valid":"2020","payload":{"type":"org","name":"N \"q\" é","id":"org:a","aliases":["x","y"],"acronym":"A"}}"#,
    r#"{"kind":"membership.joined","valid":"2020","payload":{"member":"org:a","group":"org:b"}}"#,
    r#"{"kind":"membership.left","valid":"2020","payload":{"member":"org:a","group":"org:b"}}"#,
    r#"{"kind":"role.assigned","valid":"2020","payload":{"role":"co-chair","holder":"org:a","group":"org:b","representative":"person:c"}}"#,
    r#"{"kind":"role.ended","valid":"2020","payload":{"role":"co-chair","holder":"org:a","group":"org:b"}}"#,
    r#"{"kind":"person.represents","valid":"2020","payload":{"title":"T","person":"person:c","org":"org:a"}}"#,
    r#"{"kind":"call.issued","valid":"2020","payload":{"title":"T","target":"2025","issuers":["org:a","org:b"],"call":"call:x","addressees":["all"],"actions":["a1","a2"],"action_count":2}}"#,
    r#"{"kind":"commitment.set","valid":"2020","payload":{"title":"T","owner":"org:a","items":["i"],"commitment":"commitment:x"}}"#,
    r#"{"kind":"commitment.withdrawn","valid":"2020","payload":{"reason":"r","commitment":"commitment:x"}}"#,
    r#"{"kind":"instrument.status","valid":"2020","payload":{"status":"in_force","note":"n","instrument":"instrument:x"}}"#,
    r#"{"kind":"meeting.held","valid":"2020","payload":{"title":"T","place":"P","participants":["org:b"],"organisers":["org:a"],"meeting":"meeting:x"}}"#,
    r#"{"kind":"publication.released","valid":"2020","payload":{"title":"T","publisher":"org:a","publication":"publication:x"}}"#,
    r#"{"kind":"statistic.reported","valid":"2020","payload":{"value":1.5e3,"unit":"people","scope":"s","reported_by":"org:a","qualifier":"about","period":"2019","label":"L","indicator":"indicator:x"}}"#,
    r#"{"kind":"entity.renamed","version":2,"valid":"2021","payload":{"name":"New","id":"org:a","acronym":"N"}}"#,
    r#"{"kind":"entity.aliased","version":2,"valid":"2021","payload":{"aliases":["x"],"id":"org:a"}}"#,
    r#"{"kind":"event.retracted","valid":"2020","payload":{"target":"e1","reason":"r"}}"#,
    r#"{"kind":"event.corrected","valid":"2020","payload":{"target":"e1","reason":"r","replacement":{"valid":"2019","payload":{"value":-7,"unit":"u","period":"2018","label":"L","indicator":"indicator:x"},"kind":"statistic.reported"}}}"#,
];

/// Lines of vocabulary 2 giving each field it added.
const VERSION_2_FIELDS: [&str; 6] = [
    r#"{"kind":"membership.joined","version":2,"valid":"2020","payload":{"attested":true,"member":"org:a","group":"org:b"}}"#,
    r#"{"kind":"role.assigned","version":2,"valid":"2022","payload":{"decided":"2021-11-15","role":"co-chair","holder":"org:a","group":"org:b"}}"#,
    r#"{"kind":"commitment.set","version":2,"valid":"2020","payload":{"attested":true,"title":"T","owner":"org:a","items":["i"],"commitment":"commitment:x"}}"#,
    r#"{"kind":"instrument.status","version":2,"valid":"2024-06-24","payload":{"status":"published","published_in":"Official Journal","amends":["instrument:y"],"transposition_deadline":"2026-07-15","attested":true,"instrument":"instrument:x"}}"#,
    r#"{"kind":"publication.released","version":2,"valid":"2020","payload":{"attested":true,"title":"T","publisher":"org:a","publication":"publication:x"}}"#,
    r#"{"kind":"statistic.reported","version":2,"valid":"2020","payload":{"subject":"org:b","value":30,"unit":"members","period":"2020","label":"L","indicator":"indicator:x"}}"#,
];

/// Checks a line as if it quoted "the quote" from a document holding it.
fn checked(line: impl Into<Line>) -> Result<NewEvent, Problem> {
    let mut line = line.into();
    line.quote = Some("the quote".into());
    let sha256 = Sha256::parse(&"ab".repeat(32)).unwrap();
    let text = SearchableText::new("It says: the quote.");
    check(
        line,
        Some(Source {
            sha256: &sha256,
            text: &text,
        }),
    )
}

#[test]
fn the_fast_read_decodes_every_kind_as_the_json_path_does() {
    for text in EVERY_KIND.iter().chain(&VERSION_2_FIELDS).copied() {
        let fast = read_line(text).unwrap();
        assert!(matches!(fast.payload, Payload::Decoded(_)), "{text}");
        let slow = checked(parse_line(text).unwrap());
        let fast = checked(fast);
        match (fast, slow) {
            (Ok(fast), Ok(slow)) => {
                assert_eq!(fast.event, slow.event, "{text}");
                assert_eq!(fast.payload, slow.payload, "{text}");
                assert_eq!(
                    fast.payload,
                    crate::canonical::to_string(&slow.event.payload_value()),
                    "{text}"
                );
            }
            (fast, slow) => panic!("{text}: {fast:?} / {slow:?}"),
        }
    }
    assert_eq!(EVERY_KIND.len(), Event::KINDS.len());
}

/// The refusal of `check`, as its message.
fn refused(text: &str) -> String {
    match checked(read_line(text).unwrap()) {
        Ok(e) => panic!("{text} was accepted as {:?}", e.event),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_line_is_stored_with_the_version_it_says() {
    for text in VERSION_2_FIELDS {
        assert_eq!(
            checked(read_line(text).unwrap()).unwrap().version,
            2,
            "{text}"
        );
    }
    // Version 2 with version-1 fields only is what the line says, too.
    let v1_fields = r#"{"kind":"membership.joined","version":2,"valid":"2020","payload":{"member":"org:a","group":"org:b"}}"#;
    assert_eq!(checked(read_line(v1_fields).unwrap()).unwrap().version, 2);
    assert_eq!(
        checked(read_line(EVERY_KIND[1]).unwrap()).unwrap().version,
        1
    );
}

#[test]
fn a_version_2_field_on_a_line_without_version_is_refused_naming_the_fix() {
    for (field, text) in [
        ("`attested`", VERSION_2_FIELDS[0]),
        ("`decided`", VERSION_2_FIELDS[1]),
        ("`attested`", VERSION_2_FIELDS[2]),
        ("the status `published`", VERSION_2_FIELDS[3]),
        ("`attested`", VERSION_2_FIELDS[4]),
        ("`subject`", VERSION_2_FIELDS[5]),
        ("the kind `entity.renamed`", EVERY_KIND[13]),
        ("the kind `entity.aliased`", EVERY_KIND[14]),
    ] {
        let v1 = text.replace(r#""version":2,"#, "");
        let err = refused(&v1);
        assert!(err.contains(field), "{v1}: {err}");
        assert!(err.contains(r#"add `"version":2` to the line"#), "{err}");
        assert!(err.contains("gives no `version`, which means 1"), "{err}");
        let said_1 = text.replace(r#""version":2"#, r#""version":1"#);
        assert!(refused(&said_1).contains(r#"says `"version":1`"#));
    }
}

#[test]
fn a_correction_is_read_in_its_own_version() {
    let correction = |version: &str| {
        format!(
            r#"{{"kind":"event.corrected",{version}"valid":"2020","payload":{{"target":"e1","reason":"r","replacement":{{"kind":"role.assigned","valid":"2020-12","payload":{{"attested":true,"role":"coordinator","holder":"org:a","group":"org:b"}}}}}}}}"#
        )
    };
    let err = refused(&correction(""));
    assert!(err.contains("`attested` belongs to vocabulary 2"), "{err}");
    let v2 = checked(read_line(&correction(r#""version":2,"#)).unwrap()).unwrap();
    assert_eq!(v2.version, 2);
    let Event::EventCorrected(c) = &v2.event else {
        panic!("{:?}", v2.event)
    };
    assert!(c.replacement.event.is_attested());
}

#[test]
fn version_2_fields_are_given_as_the_vocabulary_says() {
    for (text, says) in [
        (
            r#"{"kind":"membership.joined","version":2,"valid":"2020","payload":{"attested":false,"member":"org:a","group":"org:b"}}"#,
            "either `true` or left out",
        ),
        (
            r#"{"kind":"membership.left","version":2,"valid":"2020","payload":{"attested":true,"member":"org:a","group":"org:b"}}"#,
            "`attested` is for `membership.joined`",
        ),
        (
            r#"{"kind":"role.assigned","version":2,"valid":"2022","payload":{"decided":"2022-03-01","role":"co-chair","holder":"org:a","group":"org:b"}}"#,
            "after the term 2022 begins",
        ),
        (
            r#"{"kind":"role.assigned","version":2,"valid":"2022","payload":{"decided":"15 November 2021","role":"co-chair","holder":"org:a","group":"org:b"}}"#,
            "`decided`",
        ),
        (
            r#"{"kind":"role.assigned","version":2,"valid":"2022","payload":{"attested":true,"decided":"2021","role":"co-chair","holder":"org:a","group":"org:b"}}"#,
            "one of `attested` and `decided`",
        ),
        (
            r#"{"kind":"instrument.status","version":2,"valid":"2024","payload":{"status":"in_force","transposition_deadline":"mid-2026","instrument":"instrument:x"}}"#,
            "`transposition_deadline`",
        ),
        (
            r#"{"kind":"entity.aliased","version":2,"valid":"2024","payload":{"aliases":[" "],"id":"org:a"}}"#,
            "at least one",
        ),
    ] {
        let err = refused(text);
        assert!(err.contains(says), "{text}: {err}");
    }
}

#[test]
fn a_registration_again_must_name_the_entity_alike() {
    let reg = |name: &str, acronym: Option<&str>, aliases: &[&str]| EntityRegistered {
        id: crate::entity::EntityId::parse("org:iom").unwrap(),
        entity_type: crate::entity::EntityType::Org,
        name: name.into(),
        acronym: acronym.map(Into::into),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    };
    let first = reg("International Organization for Migration", Some("IOM"), &[]);
    // Other spellings listed are a second source, not a rename.
    let again = reg(
        "International Organization for Migration",
        Some("IOM"),
        &["UN Migration"],
    );
    assert!(same_registration(&again, "reg-iom", &first).is_ok());
    for other in [
        reg("International Organisation for Migration", Some("IOM"), &[]),
        reg("International Organization for Migration", None, &[]),
    ] {
        let err = same_registration(&other, "reg-iom", &first)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("already registered by event `reg-iom`"),
            "{err}"
        );
        assert!(
            err.contains("entity.renamed") && err.contains("entity.aliased"),
            "{err}"
        );
    }
}

#[test]
fn unusual_lines_take_the_json_path() {
    let lines = [
        // payload before kind; an array payload; a version this policylog does not know
        r#"{"payload":{"member":"org:a","group":"org:b"},"kind":"membership.joined","valid":"2020"}"#,
        r#"{"kind":"membership.joined","valid":"2020","payload":["org:a","org:b"]}"#,
        r#"{"kind":"membership.joined","version":3,"valid":"2020","payload":{"member":"org:a","group":"org:b"}}"#,
    ];
    for text in lines {
        assert!(
            matches!(read_line(text).unwrap().payload, Payload::Json(_)),
            "{text}"
        );
    }
    assert!(read_line(r#"{"kind":"x","valid":"2020","payload":{},"extra":1}"#).is_err());
}

#[test]
fn a_key_given_twice_is_refused_on_every_path() {
    for text in [
        r#"{"kind":"membership.joined","valid":"2020","payload":{"member":"org:a","member":"org:c","group":"org:b"}}"#,
        r#"{"payload":{"member":"org:a","group":"org:b","group":"org:c"},"kind":"membership.joined","valid":"2020"}"#,
        r#"{"kind":"event.corrected","valid":"2020","payload":{"target":"e","reason":"r","replacement":{"kind":"membership.joined","valid":"2020","payload":{"member":"org:a","group":"org:b","member":"org:c"}}}}"#,
    ] {
        for result in [read_line(text).map(|_| ()), parse_line(text).map(|_| ())] {
            let err = result.unwrap_err().to_string();
            assert!(err.contains("is given twice"), "{text}: {err}");
        }
    }
}

#[test]
fn control_characters_are_found_in_canonical_text() {
    for (text, control) in [
        (r"plain é ‘quotes’ \\b \\u", false),
        (r"tab\t line\n return\r", false),
        (r"bell\u0007", true),
        (r"backspace\b", true),
        (r"form feed\f", true),
        (r"delete\u007f", true),
        (r"c1\u0085", true),
    ] {
        let line = format!(
            r#"{{"kind":"role.ended","valid":"2020","payload":{{"role":"{text}","holder":"org:a","group":"org:b"}}}}"#
        );
        let refused = checked(read_line(&line).unwrap()).is_err();
        assert_eq!(refused, control, "{text}");
    }
}
