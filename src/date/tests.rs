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
    ];
    for (text, from, to) in cases {
        let v = ValidTime::parse(text).unwrap();
        assert_eq!(v.from(), from.map(d), "{text} from");
        assert_eq!(v.to(), to.map(d), "{text} to");
    }
}

#[test]
fn impossible_and_unsupported_dates_are_refused() {
    for text in [
        "2023-02-30",
        "2024-13",
        "2023-00",
        "20233",
        "",
        "2023-7-1",
        "..",
        "../..",
        "2021/2020",
        "2023-21",
        "19XX",
        "2023-07-18T10:00:00",
        "{2020,2021}",
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
