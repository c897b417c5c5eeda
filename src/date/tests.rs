use super::*;

fn d(s: &str) -> Day {
    parse_day(s).unwrap()
}

#[test]
fn bounds_of_each_precision() {
    let cases = [
        ("2023-07-18", Some("2023-07-18"), Some("2023-07-18")),
        ("2020-04", Some("2020-04-01"), Some("2020-04-30")),
        ("2024-02", Some("2024-02-01"), Some("2024-02-29")),
        ("2023", Some("2023-01-01"), Some("2023-12-31")),
        ("2019/2020", Some("2019-01-01"), Some("2020-12-31")),
        ("../2024", None, Some("2024-12-31")),
        ("2020-12/..", Some("2020-12-01"), None),
        ("2023~", Some("2023-01-01"), Some("2023-12-31")),
        ("2023?", Some("2023-01-01"), Some("2023-12-31")),
        // Level 2 forms accepted before issue 23 keep their days.
        ("2004?-06-11", Some("2004-06-11"), Some("2004-06-11")),
        ("2004-06-11/2004-06", Some("2004-06-11"), Some("2004-06-30")),
        ("1950S2", Some("1900-01-01"), Some("1999-12-31")),
        // A date-time is the day written, whatever its time shift.
        (
            "2004-02-08T12:34:56Z",
            Some("2004-02-08"),
            Some("2004-02-08"),
        ),
        (
            "2004-01-01T23:30:00-05:00",
            Some("2004-01-01"),
            Some("2004-01-01"),
        ),
        (
            "1985-04-12T00:10:00+14",
            Some("1985-04-12"),
            Some("1985-04-12"),
        ),
        // Unspecified final digits: every day the date may be.
        ("201X", Some("2010-01-01"), Some("2019-12-31")),
        ("19XX", Some("1900-01-01"), Some("1999-12-31")),
        ("1XXX", Some("1000-01-01"), Some("1999-12-31")),
        ("2004-XX", Some("2004-01-01"), Some("2004-12-31")),
        ("2004-1X", Some("2004-10-01"), Some("2004-12-31")),
        ("2004-XX-XX", Some("2004-01-01"), Some("2004-12-31")),
        ("2004-06-XX", Some("2004-06-01"), Some("2004-06-30")),
        ("2004-02-2X", Some("2004-02-20"), Some("2004-02-29")),
        ("201X~", Some("2010-01-01"), Some("2019-12-31")),
        ("2000-XX/2012", Some("2000-01-01"), Some("2012-12-31")),
        // Seasons and other parts of a year (meteorological, northern hemisphere first).
        ("2001-21", Some("2001-03-01"), Some("2001-05-31")),
        ("2001-22", Some("2001-06-01"), Some("2001-08-31")),
        ("2001-23", Some("2001-09-01"), Some("2001-11-30")),
        ("2001-24", Some("2001-12-01"), Some("2002-02-28")),
        ("2003-24", Some("2003-12-01"), Some("2004-02-29")),
        ("2001-25", Some("2001-03-01"), Some("2001-05-31")),
        ("2001-28", Some("2001-12-01"), Some("2002-02-28")),
        ("2001-29", Some("2001-09-01"), Some("2001-11-30")),
        ("2001-30", Some("2001-12-01"), Some("2002-02-28")),
        ("2001-31", Some("2001-03-01"), Some("2001-05-31")),
        ("2001-32", Some("2001-06-01"), Some("2001-08-31")),
        ("2001-33", Some("2001-01-01"), Some("2001-03-31")),
        ("2001-36", Some("2001-10-01"), Some("2001-12-31")),
        ("2001-37", Some("2001-01-01"), Some("2001-04-30")),
        ("2001-39", Some("2001-09-01"), Some("2001-12-31")),
        ("2001-40", Some("2001-01-01"), Some("2001-06-30")),
        ("2001-41", Some("2001-07-01"), Some("2001-12-31")),
        ("2003-22/2004-22", Some("2003-06-01"), Some("2004-08-31")),
        // Unknown ends: the unknown side has no day of its own.
        ("1985-04-12/", Some("1985-04-12"), None),
        ("1985/", Some("1985-01-01"), None),
        ("/1985-04", None, Some("1985-04-30")),
        ("1984-06-02?/", Some("1984-06-02"), None),
    ];
    for (text, from, to) in cases {
        let v = ValidTime::parse(text).unwrap();
        assert_eq!(v.from(), from.map(d), "{text} from");
        assert_eq!(v.to(), to.map(d), "{text} to");
    }
}

#[test]
fn impossible_and_unplaceable_dates_are_refused() {
    for text in [
        "2023-02-30",
        "2024-13",
        "2023-00",
        "20233",
        "",
        "2023-7-1",
        "..",
        "../..",
        "/..",
        "../",
        "/",
        "2021/2020",
        "2023-21-01",
        "XXXX",
        "XXXX-12-25",
        "156X-12-25",
        "1560-XX-25",
        "X999",
        "-2004",
        "-1985-04-12/..",
        "Y170000002",
        "9999-24",
        "2004-02-01T10:00:00/2005",
        "2023-07-18T24:00:00",
        "..1760-12-03/1800",
        "{2020,2021}",
        "[1667,1668]",
        "hello",
    ] {
        assert!(
            ValidTime::parse(text).is_err(),
            "{text:?} should be refused"
        );
    }
}

#[test]
fn occurred_by_is_certain_after_the_last_day_of_the_span() {
    let april = ValidTime::parse("2020-04").unwrap();
    assert_eq!(april.occurred_by(d("2020-03-31")), None);
    assert_eq!(
        april.occurred_by(d("2020-04-01")),
        Some(Certainty::Possible)
    );
    assert_eq!(
        april.occurred_by(d("2020-04-29")),
        Some(Certainty::Possible)
    );
    assert_eq!(april.occurred_by(d("2020-04-30")), Some(Certainty::Certain));
    assert_eq!(april.occurred_by(d("2020-05-01")), Some(Certainty::Certain));
}

#[test]
fn a_single_year_term_is_certain_throughout_and_absent_after() {
    let y = ValidTime::parse("2023").unwrap();
    assert_eq!(y.in_term(d("2022-12-31")), None);
    assert_eq!(y.in_term(d("2023-01-01")), Some(Certainty::Certain));
    assert_eq!(y.in_term(d("2023-12-31")), Some(Certainty::Certain));
    assert_eq!(y.in_term(d("2024-01-01")), None);
}

#[test]
fn an_interval_term_is_certain_only_between_its_endpoints() {
    let t = ValidTime::parse("2019/2020").unwrap();
    assert_eq!(t.in_term(d("2018-12-31")), None);
    assert_eq!(t.in_term(d("2019-06-01")), Some(Certainty::Possible));
    assert_eq!(t.in_term(d("2019-12-31")), Some(Certainty::Certain));
    assert_eq!(t.in_term(d("2020-01-01")), Some(Certainty::Certain));
    assert_eq!(t.in_term(d("2020-12-31")), Some(Certainty::Possible));
    assert_eq!(t.in_term(d("2021-01-01")), None);
}

#[test]
fn an_open_term_lasts() {
    let t = ValidTime::parse("2020-12/..").unwrap();
    assert_eq!(t.in_term(d("2020-11-30")), None);
    assert_eq!(t.in_term(d("2020-12-15")), Some(Certainty::Possible));
    assert_eq!(t.in_term(d("2020-12-31")), Some(Certainty::Certain));
    assert_eq!(t.in_term(d("2040-01-01")), Some(Certainty::Certain));
}

#[test]
fn qualified_dates_are_at_most_possible() {
    let t = ValidTime::parse("2023~").unwrap();
    assert_eq!(t.occurred_by(d("2024-06-01")), Some(Certainty::Possible));
    assert_eq!(t.in_term(d("2023-06-01")), Some(Certainty::Possible));
}

#[test]
fn query_days_widen_to_the_last_day() {
    assert_eq!(parse_query_day("2022").unwrap(), (d("2022-12-31"), true));
    assert_eq!(parse_query_day("2024-02").unwrap(), (d("2024-02-29"), true));
    assert_eq!(
        parse_query_day("2023-09-01").unwrap(),
        (d("2023-09-01"), false)
    );
    assert!(parse_query_day("2019/2020").is_err());
    assert!(parse_query_day("2023-02-30").is_err());
}

#[test]
fn a_date_with_unspecified_digits_is_never_a_certain_term() {
    // "co-chair in some year of the 2010s": possibly in office on any day of the decade,
    // surely on none.
    for text in ["201X", "2004-XX", "2004-06-XX", "1950S2"] {
        let v = ValidTime::parse(text).unwrap();
        let (first, last) = (v.from().unwrap(), v.to().unwrap());
        assert_eq!(v.in_term(first.pred_opt().unwrap()), None, "{text}");
        assert_eq!(v.in_term(first), Some(Certainty::Possible), "{text}");
        assert_eq!(v.in_term(last), Some(Certainty::Possible), "{text}");
        assert_eq!(v.in_term(last.succ_opt().unwrap()), None, "{text}");
    }
    // As an event's date it has surely happened once its last candidate day is past.
    let decade = ValidTime::parse("201X").unwrap();
    assert_eq!(
        decade.occurred_by(d("2019-12-30")),
        Some(Certainty::Possible)
    );
    assert_eq!(
        decade.occurred_by(d("2019-12-31")),
        Some(Certainty::Certain)
    );
}

#[test]
fn a_season_or_a_date_time_is_a_whole_term() {
    let spring = ValidTime::parse("2001-21").unwrap();
    assert_eq!(spring.in_term(d("2001-02-28")), None);
    assert_eq!(spring.in_term(d("2001-03-01")), Some(Certainty::Certain));
    assert_eq!(spring.in_term(d("2001-05-31")), Some(Certainty::Certain));
    assert_eq!(spring.in_term(d("2001-06-01")), None);
    let day = ValidTime::parse("2004-02-08T12:34:56Z").unwrap();
    assert_eq!(day.in_term(d("2004-02-08")), Some(Certainty::Certain));
    assert_eq!(day.in_term(d("2004-02-09")), None);
    assert_eq!(day.occurred_by(d("2004-02-08")), Some(Certainty::Certain));
}

#[test]
fn an_unknown_end_is_never_certain_beyond_its_dated_side() {
    // `2020-12/..` is a term still running; `2020-12/` ended at a time the source does
    // not give, perhaps in December itself.
    let open = ValidTime::parse("2020-12/..").unwrap();
    let unknown = ValidTime::parse("2020-12/").unwrap();
    assert_eq!(open.in_term(d("2020-12-31")), Some(Certainty::Certain));
    assert_eq!(unknown.in_term(d("2020-11-30")), None);
    for day in ["2020-12-01", "2020-12-31", "2021-06-01", "2040-01-01"] {
        assert_eq!(unknown.in_term(d(day)), Some(Certainty::Possible), "{day}");
    }
    // Begun on a known day, the term surely held on that day and on no later one.
    let from_a_day = ValidTime::parse("2020-12-01/").unwrap();
    assert_eq!(
        from_a_day.in_term(d("2020-12-01")),
        Some(Certainty::Certain)
    );
    assert_eq!(
        from_a_day.in_term(d("2020-12-02")),
        Some(Certainty::Possible)
    );
    // And an event dated so has surely happened on no day.
    assert_eq!(
        unknown.occurred_by(d("2040-01-01")),
        Some(Certainty::Possible)
    );
}

#[test]
fn an_unknown_start_is_never_certain_before_its_dated_side() {
    let open = ValidTime::parse("../2020").unwrap();
    let unknown = ValidTime::parse("/2020").unwrap();
    assert_eq!(open.in_term(d("1990-01-01")), Some(Certainty::Certain));
    for day in ["1990-01-01", "2020-01-01", "2020-12-31"] {
        assert_eq!(unknown.in_term(d(day)), Some(Certainty::Possible), "{day}");
    }
    assert_eq!(unknown.in_term(d("2021-01-01")), None);
    let to_a_day = ValidTime::parse("/2020-12-31").unwrap();
    assert_eq!(to_a_day.in_term(d("2020-12-31")), Some(Certainty::Certain));
    assert_eq!(to_a_day.in_term(d("2020-12-30")), Some(Certainty::Possible));
}

#[test]
fn an_unknown_side_adds_no_change_day() {
    let unknown = ValidTime::parse("2020-12/").unwrap();
    let open = ValidTime::parse("2020-12/..").unwrap();
    assert_eq!(unknown.changes(), open.changes());
    // Certainty changes only on the listed days, for every form.
    for text in [
        "2020-12/",
        "/2020-12-31",
        "201X",
        "2001-24",
        "1985-04-12T23:20:30Z",
    ] {
        let v = ValidTime::parse(text).unwrap();
        let changes = v.changes();
        let mut day = d("2000-01-01");
        while day < d("2023-01-01") {
            let next = day.succ_opt().unwrap();
            if !changes.contains(&next) {
                assert_eq!(v.in_term(day), v.in_term(next), "{text} {next}");
                assert_eq!(v.occurred_by(day), v.occurred_by(next), "{text} {next}");
            }
            day = next;
        }
    }
}

#[test]
fn query_days_are_a_day_a_month_or_a_year() {
    for text in [
        "201X",
        "2001-21",
        "2004-02-08T12:00:00",
        "2023~",
        "2019/2020",
    ] {
        let message = parse_query_day(text).unwrap_err().0;
        assert!(
            message.contains("is not a single day, month or year"),
            "{text}: {message}"
        );
    }
    // A string that is no date at all says why, as `valid` does.
    let message = parse_query_day("2023-02-30").unwrap_err().0;
    assert!(message.contains("2023-02 does not have"), "{message}");
}

/// Every refusal starts from what was written, says why and what to write instead, and
/// never repeats `edtf-core`'s message. One row per rule `refusal::not_edtf` words (so a
/// new wording upstream fails here) and per refusal of the log's own.
#[test]
fn every_refusal_is_worded_by_policylog() {
    let cases = [
        ("", "the date is empty; write a day"),
        ("..", "has no dated end"),
        ("2019\u{2013}2020", "write `2019/2020`"),
        ("2023\u{2013}07\u{2013}18", "write `2023-07-18`"),
        ("2023\u{e9}", "which EDTF does not use"),
        (
            "1863- 03-29",
            "at character 6; dates are written without them: write `1863-03-29`",
        ),
        ("[1667,1668]", "is an EDTF set"),
        ("{1960,1961-12}", "is an EDTF set"),
        ("-1985", "has a year outside 0000–9999"),
        ("-20XX", "has a year outside 0000–9999"),
        ("-1985-04-12T23:20:30", "has a year outside 0000–9999"),
        ("0800/-0999", "has a year outside 0000–9999"),
        ("-0000", "the year before 0000 is -0001"),
        ("-Y170000002", "puts the minus before `Y`"),
        ("Y170000002", "has a year outside 0000–9999"),
        ("Y20067890-14-10%", "has a year outside 0000–9999"),
        ("9999-24", "has a year outside 0000–9999"),
        (
            "2024-13",
            "has no month 13: months are 01–12 (21–41 name seasons",
        ),
        ("2020/2024-20", "has no month 20"),
        ("2024-13-01T10:00:00", "has no month 13"),
        (
            "2023-02-30",
            "names a day that 2023-02 does not have (it ends on the 28)",
        ),
        ("2024-02-30", "write a day that exists, e.g. `2024-02-29`"),
        ("2020/1960-06-31", "e.g. `1960-06-30`"),
        ("2004-2X", "has a month `2X` that no month 01–12 matches"),
        ("2001-21-05", "gives a day after a season"),
        ("2012-10-10T1:10:10", "has a time that is not `hh:mm:ss`"),
        ("2012-10-10T25:00:00", "hour 00–23"),
        ("2012-10-10T10:60:00", "only the day: write `2012-10-10`"),
        ("2012-10-10T10:00:61", "only the day: write `2012-10-10`"),
        ("2012-10-10T10:50:10Z15", "has a time zone that is not `Z`"),
        ("2004-01-01T10:10:10+02:00:30", "has a time zone"),
        ("2004-01-01T10:10:10+0a:00", "has a time zone"),
        ("2004-01-01T10:10:10-05:60", "has a time zone"),
        ("2004-01-01T10:10:10+15:00", "within ±14:00"),
        ("2004-01-01T10:10:10-00:00", "not `-00`"),
        (
            "2004-01T10:10:10",
            "has a time after something that is not a complete day",
        ),
        (
            "2004-0X-01T10:10:10",
            "has a time after something that is not a complete day",
        ),
        ("2012///4444", "has more than one `/`"),
        ("../..", "has no dated end"),
        ("/", "has no dated end"),
        (
            "2021/2020",
            "ends before it starts; write the earlier end first, e.g. `2020/2021`",
        ),
        ("2020/..2021", "has an end written `..DATE` or `DATE..`"),
        (
            "..1760-12-03/1800",
            "has an end written `..DATE` or `DATE..`",
        ),
        ("1760/1800..", "has an end written `..DATE` or `DATE..`"),
        ("Y2006", "a year up to 9999 is four digits: write `2006`"),
        ("2004S2-01", "significant-digits suffix"),
        ("201XS2", "significant-digits suffix"),
        ("1950S5", "significant-digits suffix"),
        ("XXXX", "leaves every digit of its year unspecified"),
        ("XXXX-12-25", "leaves every digit of its year unspecified"),
        (
            "156X-12-25",
            "not one stretch of days; write what is known up to the first `X`, e.g. `156X`",
        ),
        ("1560-XX-25", "e.g. `1560`"),
        ("1985-04-X2", "e.g. `1985-04`"),
        ("X999", "e.g. `1900/1999`"),
        ("2023-7-1", "write `2023-07-01`"),
        ("1985-04-12t23:20:30", "write `1985-04-12T23:20:30`"),
        ("2012\\2013", "write `2012/2013`"),
        (
            "20233",
            "is not an EDTF date (it goes wrong at character 5 (`3`))",
        ),
        ("hello", "write a day (`2023-07-18`)"),
        // A date written in words or day first gets the EDTF it means (`phrase`).
        (
            "15 November 2021",
            "is not an EDTF date; dates are EDTF: did you mean 2021-11-15? (write e.g. \
             2021-11-15 for 15 November 2021, 2020-04 for April 2020)",
        ),
        ("15/11/2021", "dates are EDTF: did you mean 2021-11-15?"),
        ("on 9 March, 2023", "did you mean 2023-03-09?"),
        ("April 2020", "did you mean 2020-04?"),
        ("2019 \u{2013} 2020", "did you mean 2019/2020?"),
        (
            "03/04/2021",
            "reads two ways: write 2021-04-03 for 3 April or 2021-03-04 for 4 March",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, expected) in cases {
        let message = match ValidTime::parse(text) {
            Ok(_) => {
                wrong.push(format!("{text:?} was accepted"));
                continue;
            }
            Err(e) => e.0,
        };
        let parser = edtf_core::Edtf::parse(text).err().map(|e| e.message);
        let own = (text.is_empty() || message.starts_with(&format!("`{text}` ")))
            && (message.contains("write") || message.contains("give"))
            && parser.is_none_or(|p| !message.contains(p))
            && !message.contains("offset");
        if !own || !message.contains(expected) {
            wrong.push(format!("{text:?}: {message}\n  expected: {expected}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
