//! Fuzzes the EDTF date parser: any string is refused with a message or gives a day
//! interval whose bounds are ordered, whose text is kept as written, and which agrees
//! with the query-day reading. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policylog::date::{ValidTime, day_string, parse_day, parse_query_day};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let query = parse_query_day(text);
    let Ok(valid) = ValidTime::parse(text) else {
        assert!(
            query.is_err(),
            "a query day parsed where the date did not: {text:?}"
        );
        return;
    };
    assert_eq!(valid.as_str(), text);
    let (from, to) = (valid.from(), valid.to());
    assert!(
        from.is_some() || to.is_some(),
        "open at both ends: {text:?}"
    );
    if let (Some(from), Some(to)) = (from, to) {
        assert!(from <= to, "{text:?}: {from} after {to}");
        // Certainty never decreases as the query day moves forward through the span.
        let before = valid.occurred_by(from.pred_opt().unwrap_or(from));
        let after = valid.occurred_by(to);
        assert!(before <= after, "{text:?}: occurred_by goes backwards");
    }
    for day in [from, to].into_iter().flatten() {
        let printed = day_string(day);
        assert_eq!(
            parse_day(&printed),
            Some(day),
            "{printed} does not read back"
        );
        let point = ValidTime::parse(&printed).expect("a printed day parses");
        assert_eq!((point.from(), point.to()), (Some(day), Some(day)));
    }
    if let Ok((day, widened)) = query {
        assert_eq!(
            Some(day),
            to,
            "{text:?}: a query day is the last day of the span"
        );
        assert_eq!(widened, from != to);
    }
});
