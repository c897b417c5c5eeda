//! Statistics: a figure as the text gives it (digits with their multiplier, a share such
//! as "half" or "one in three", "doubled"), the source's own hedge, the unit, the
//! period, and who reported it ("ILO estimated", "According to X", a list introduced by
//! "X data indicated:"). A figure the text names no single source for keeps no
//! `reported_by`; one attributed to a source the extractor cannot name is left out.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Number, Value, json};

use super::{Ctx, shape};
use crate::date::phrase;
use crate::extract::entities::Resolved;
use crate::extract::names;
use crate::extract::proposal::Draft;
use crate::extract::sentences::BlockKind;

static FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    // Verbose syntax: its spaces are layout, and `\s+` stands between words.
    Regex::new(
        r"(?x)
        (?P<qual>\b(?i:more\s+than|over|approximately|about|around|roughly|some|at\s+least|nearly|almost|up\s+to|close\s+to)\s+)?
        (?:
          (?P<aq>\b(?i:a\s+quarter\s+of\s+a|half\s+a))\s+(?P<aqmult>million|billion)\b
        | (?P<ra>\b\d+|\b(?i:one))\s+in\s+(?P<rb>\d+|two|three|four|five|six|seven|eight|nine|ten)\b
        | (?P<frac>\b(?:[Hh]alf|[Oo]ne[-\ ]third|[Oo]ne[-\ ]quarter|[Tt]wo[-\ ]thirds|[Tt]hree[-\ ]quarters))\b
        | (?P<times>\b(?:doubled|tripled|quadrupled))\b
        | (?P<cur>\\?\$|US\$|€)?(?P<num>\b\d{1,3}(?:,\d{3})+(?:\.\d+)?|\b\d+(?:\.\d+)?)(?:\s*(?P<mult>thousand|million|billion|trillion)\b)?(?P<pct>\s*%|\s+percent\b|\s+per\s+cent\b)?
        )",
    )
    .expect("compiles")
});

/// Nouns that count the parts of something else, not a figure of the world ("16 key
/// actions", "a 6 point strategy", "10 action points").
const NOT_A_UNIT: &[&str] = &[
    "actions",
    "action",
    "points",
    "point",
    "areas",
    "priorities",
    "workstreams",
    "pillars",
    "items",
    "recommendations",
    "statements",
    "co-chairs",
    "chairs",
    "years",
    "months",
    "weeks",
    "days",
    "hours",
    "per",
    "key",
];

/// Words that end the noun a figure counts.
const NOUN_STOPS: &[&str] = &[
    "of", "in", "from", "for", "to", "that", "who", "which", "where", "were", "was", "is", "are",
    "have", "has", "had", "with", "and", "as", "by", "on", "at", "while", "seek", "saw", "make",
    "annually", "each", "every", "will", "would",
];

static REPORTER: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"(?P<subj>[^,—]+?)(?: data)? (?:estimated|estimates|indicated|indicates|indicate|reported|reports|found|finds|noted|notes|showed|shows|shared|calculated|presented)\b").expect("compiles")
});
static ACCORDING: LazyLock<Regex> =
    LazyLock::new(|| shape(r"\b[Aa]ccording to (?P<src>[^,]+),").expect("compiles"));

/// One figure found in a sentence.
struct Figure {
    start: usize,
    end: usize,
    value: Number,
    unit: String,
    qualifier: Option<&'static str>,
}

fn qualifier(word: &str) -> &'static str {
    let word = word.split_whitespace().collect::<Vec<_>>().join(" ");
    match word.to_lowercase().as_str() {
        "more than" | "over" => "more than",
        "at least" => "at least",
        "nearly" | "almost" | "close to" => "nearly",
        "up to" => "up to",
        _ => "approximately",
    }
}

fn small(word: &str) -> Option<u64> {
    super::count(word).map(u64::from)
}

fn number(value: f64) -> Option<Number> {
    if value.fract() == 0.0 && value.abs() < 9e15 {
        Some(Number::from(value as i64))
    } else {
        Number::from_f64(value)
    }
}

/// The figures of `sentence` (offsets within it).
fn figures(sentence: &str) -> Vec<Figure> {
    let dates = phrase::find(sentence);
    let mut out = Vec::new();
    for caps in FIGURE.captures_iter(sentence) {
        let whole = caps.get(0).expect("match");
        let core = ["aq", "ra", "frac", "times", "cur", "num"]
            .into_iter()
            .find_map(|n| caps.name(n))
            .expect("one alternative");
        if dates
            .iter()
            .any(|d| d.start <= core.start() && core.start() < d.end)
        {
            continue;
        }
        let after = &sentence[whole.end()..];
        let before = sentence[..core.start()].chars().next_back();
        // Parts of other tokens: "CSW67", "2024/1712", ages "18-45".
        if before.is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '-' || c == '.')
            || after.starts_with(['-', '/'])
            || after.starts_with(|c: char| c.is_alphanumeric())
        {
            continue;
        }
        let counted: String = after
            .trim_start_matches(['*', ' '])
            .chars()
            .take_while(|c| !matches!(c, ',' | ';' | '.' | ':' | '(' | '“' | '"'))
            .collect();
        let noun = counted_noun(&counted);
        let (value, unit) = if let Some(aq) = caps.name("aq") {
            let mult = multiplier(&caps["aqmult"]);
            let share = if aq.as_str().to_lowercase().starts_with("half") {
                0.5
            } else {
                0.25
            };
            (share * mult, noun.clone())
        } else if let (Some(a), Some(b)) = (caps.name("ra"), caps.name("rb")) {
            let (Some(a), Some(b)) = (
                a.as_str().parse().ok().or_else(|| small(a.as_str())),
                b.as_str().parse().ok().or_else(|| small(b.as_str())),
            ) else {
                continue;
            };
            (a as f64, Some(format!("in {b}")))
        } else if let Some(f) = caps.name("frac") {
            let (a, b) = match f.as_str().to_lowercase().replace('-', " ").as_str() {
                "half" => (1, 2),
                "one third" => (1, 3),
                "one quarter" => (1, 4),
                "two thirds" => (2, 3),
                _ => (3, 4),
            };
            (a as f64, Some(format!("in {b}")))
        } else if let Some(t) = caps.name("times") {
            let n = match t.as_str() {
                "doubled" => 2.0,
                "tripled" => 3.0,
                _ => 4.0,
            };
            (n, Some("times".to_owned()))
        } else {
            let digits = caps["num"].replace(',', "");
            let Ok(mut v) = digits.parse::<f64>() else {
                continue;
            };
            if let Some(m) = caps.name("mult") {
                v *= multiplier(m.as_str());
            }
            let unit = if caps.name("pct").is_some() {
                Some("percent".to_owned())
            } else if caps.name("cur").is_some_and(|c| c.as_str().contains('$')) {
                Some("USD".to_owned())
            } else if caps.name("cur").is_some() {
                Some("EUR".to_owned())
            } else {
                noun.clone()
            };
            // A bare number with no unit, or counting the parts of something, is not a
            // figure; nor is a year.
            let plain = caps.name("pct").is_none()
                && caps.name("cur").is_none()
                && caps.name("mult").is_none();
            if plain && (noun.is_none() || (1900.0..=2100.0).contains(&v) && digits.len() == 4) {
                continue;
            }
            (v, unit)
        };
        let Some(unit) = unit else { continue };
        let counts_parts = counted
            .split_whitespace()
            .take_while(|w| !NOUN_STOPS.contains(w))
            .any(|w| {
                NOT_A_UNIT.contains(&w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
            });
        if NOT_A_UNIT.contains(&unit.as_str()) || (counts_parts && caps.name("pct").is_none()) {
            continue;
        }
        let Some(value) = number(value) else { continue };
        out.push(Figure {
            start: caps.name("qual").map_or(core.start(), |q| q.start()),
            end: whole.end(),
            value,
            unit,
            qualifier: caps.name("qual").map(|q| qualifier(q.as_str())),
        });
    }
    out
}

fn multiplier(word: &str) -> f64 {
    match word {
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        _ => 1e12,
    }
}

/// The noun a figure counts: the first plural of the lower-case words after it, else
/// the last of them ("more than 20 international organisations took part" →
/// "organisations"; "27.6 million children" → "children").
fn counted_noun(after: &str) -> Option<String> {
    let mut last: Option<String> = None;
    for word in after.split_whitespace() {
        let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if w.is_empty()
            || NOUN_STOPS.contains(&w)
            || w.chars().next().is_some_and(char::is_uppercase)
        {
            break;
        }
        if !w.chars().all(|c| c.is_lowercase() || c == '-') {
            break;
        }
        if w.ends_with('s') && !w.ends_with("ss") && w.len() > 3 {
            return Some(w.to_owned());
        }
        last = Some(w.to_owned());
    }
    last
}

/// Who the text says reported what `[start, end)` holds: one named entity before a
/// reporting verb. `Err` when it names a source the extractor cannot name.
fn reporter(ctx: &Ctx, start: usize, end: usize) -> Result<Option<Resolved>, ()> {
    let text = &ctx.text()[start..end];
    if let Some(c) = ACCORDING.captures(text) {
        let s = c.name("src").expect("src");
        let (a, b) = (start + s.start(), start + s.end());
        return match ctx.person((a, b)).or_else(|| ctx.org((a, b))) {
            Some(r) if r.new.is_none() => Ok(Some(r)),
            _ => Err(()),
        };
    }
    let Some(c) = REPORTER.captures(text) else {
        return Ok(None);
    };
    let s = c.name("subj").expect("subj");
    let subject = s.as_str();
    // After the last separator: "Valiant Richey, OSCE -- Mr. Richey presented".
    let cut = ["--", " – "]
        .iter()
        .filter_map(|sep| subject.rfind(sep).map(|p| p + sep.len()))
        .max()
        .unwrap_or(0);
    let (a, b) = (start + s.start() + cut, start + s.end());
    let mentions = ctx.entities.mentions(a, b);
    // "Estimates from ILO and IOM" name two sources: no single reporter.
    match mentions.as_slice() {
        [one] => Ok(Some(Resolved {
            id: one.id.clone(),
            new: None,
        })),
        [] => Ok(ctx.person((a, b)).or_else(|| ctx.org((a, b)))),
        _ => Ok(None),
    }
}

/// Where the clause holding a figure starts: after "... that" when what precedes names
/// no one ("It was noted during the discussion that children make up ..."), else at
/// the sentence's start.
fn clause_start(ctx: &Ctx, base: usize, sentence: &str, at: usize) -> usize {
    match sentence[..at].rfind(" that ") {
        Some(t) if ctx.entities.mentions(base, base + t).is_empty() => t + " that ".len(),
        _ => 0,
    }
}

/// Where the clause holding a figure ends: at the next comma, semicolon, "and that" or
/// the sentence's end.
fn clause_end(sentence: &str, from: usize) -> usize {
    let dates = phrase::find(sentence);
    let in_date = |at: usize| dates.iter().any(|d| d.start <= at && at < d.end);
    [", ", "; ", ";", " and that "]
        .iter()
        .flat_map(|sep| sentence[from..].match_indices(sep).map(|(p, _)| from + p))
        .filter(|&at| !in_date(at))
        .min()
        .unwrap_or(sentence.len())
}

/// The period a figure is about, from the clause: "from 2019 to 2020", "in 2022", "as of
/// late January, 2023" (a total up to then), else the document's date.
fn period(clause: &str, published: &str) -> String {
    // "increased by 25 per cent compared with 2019": a change since then.
    let compared = ["compared with ", "compared to ", "up from ", "down from "]
        .iter()
        .filter_map(|c| clause.find(c).map(|at| at + c.len()))
        .min();
    if let Some(at) = compared
        && let Some(d) = phrase::find(&clause[at..]).first()
        && d.start == 0
    {
        return format!("{}/{published}", d.edtf);
    }
    match phrase::find(clause).first() {
        Some(d) if d.lead.as_deref() == Some("as of") => format!("../{}", d.edtf),
        Some(d) if d.lead.as_deref() == Some("since") => format!("{}/{published}", d.edtf),
        Some(d) => d.edtf.clone(),
        None => published.to_owned(),
    }
}

static REPORTED_IN: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^In (?P<year>\d{4}), [^,]+? (?:estimated|reported|found|calculated)\b")
        .expect("compiles")
});

/// Every figure of sentence `i` (see the module's doc).
pub fn figures_reported(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let found = figures(sentence);
    if found.is_empty() {
        return Vec::new();
    }
    let block = ctx.doc.sentences[i].block;
    let in_list = ctx.doc.blocks[block].kind == BlockKind::ListItem;
    let mut out = Vec::new();
    let starts: Vec<usize> = found.iter().map(|f| f.start).collect();
    for f in found {
        // The text says a figure once; a repeat ("if all 27.6 million victims were
        // rescued") is not a new report. Shares and percentages repeat by their unit.
        let count = |unit: &str| {
            !(unit == "percent"
                || unit == "USD"
                || unit == "EUR"
                || unit == "times"
                || unit.starts_with("in "))
        };
        let said = ctx.earlier_of("statistic.reported").any(|d| {
            let unit = d.payload["unit"].as_str().unwrap_or("");
            d.payload["value"] == Value::Number(f.value.clone())
                && (unit == f.unit || (count(unit) && count(&f.unit)))
        });
        if said {
            continue;
        }
        let start = clause_start(ctx, base, sentence, f.start);
        // A clause holds one figure: the next one's words are not about this one.
        let next = starts.iter().copied().find(|&s| s > f.start);
        let end = clause_end(sentence, f.end).min(next.map_or(usize::MAX, |n| {
            sentence[..n].trim_end().trim_end_matches(" by").len()
        }));
        let mut who = reporter(ctx, base, base + f.start);
        let mut quote = (base + start, base + end);
        if in_list && matches!(who, Ok(None)) {
            // A list's figures are those its introduction attributes.
            if let Some(intro) = ctx.doc.list_intro(block) {
                let b = &ctx.doc.blocks[intro];
                who = reporter(ctx, b.body, b.end);
                if let Ok(Some(r)) = &who {
                    let from = ctx
                        .entities
                        .mentions(b.body, b.end)
                        .into_iter()
                        .rfind(|m| m.id == r.id)
                        .map_or(b.body, |m| m.start);
                    quote.0 = from;
                }
            }
        }
        let Ok(who) = who else { continue };
        let clause = &sentence[start..end];
        let mut period = period(clause, ctx.published);
        let mut valid = ctx.published.to_owned();
        // "In 2014, ILO estimated it to be ...": reported in 2014, about 2014.
        if let Some(c) = REPORTED_IN.captures(sentence) {
            valid = c["year"].to_owned();
            period = valid.clone();
        }
        // The label reads the clause from the sentence's start: "a supply that
        // generates" says more than "generates".
        let label = super::labels::statistic(sentence, (f.start, f.end), &f.unit, (0, end));
        let indicator = names::slug(
            &label
                .split_whitespace()
                .take(8)
                .collect::<Vec<_>>()
                .join(" "),
        );
        let mut payload = json!({
            "indicator": format!("indicator:{indicator}"),
            "label": label,
            "value": Value::Number(f.value.clone()),
            "unit": f.unit,
            "period": period,
        });
        if let Some(q) = f.qualifier {
            payload["qualifier"] = Value::from(q);
        }
        if let Some(r) = &who {
            payload["reported_by"] = Value::from(r.id.clone());
        }
        out.push(
            Draft::new(
                "figure-reported",
                "statistic.reported",
                &valid,
                payload,
                quote,
                format!("{indicator}-{}", valid.replace('/', "-")),
            )
            .registering([who.and_then(|r| r.new)]),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, quote, run};

    fn values(d: &[Draft]) -> Vec<(Value, String, Option<String>)> {
        d.iter()
            .map(|d| {
                (
                    d.payload["value"].clone(),
                    d.payload["unit"].as_str().unwrap().to_owned(),
                    d.payload["qualifier"].as_str().map(str::to_owned),
                )
            })
            .collect()
    }

    fn v(n: i64, unit: &str, q: Option<&str>) -> (Value, String, Option<String>) {
        (json!(n), unit.to_owned(), q.map(str::to_owned))
    }

    #[test]
    fn shares_in_words() {
        // 004
        let text =
            "Half of the detected victims of trafficking are women, and one third are children.";
        let d = run(figures_reported, text, "2020-12", &corpus());
        assert_eq!(values(&d), [v(1, "in 2", None), v(1, "in 3", None)]);
        assert_eq!(
            quote(text, &d[0]),
            "Half of the detected victims of trafficking are women"
        );
        assert_eq!(d[0].payload["period"], "2020-12");
        // 000
        let text = "It was noted during the discussion that children make up at least one in three internet users worldwide and that in 2022, approximately 59% of online child abuse material was hosted in Europe.";
        let d = run(figures_reported, text, "2023-07-18", &corpus());
        assert_eq!(
            values(&d),
            [
                v(1, "in 3", Some("at least")),
                v(59, "percent", Some("approximately"))
            ]
        );
        assert_eq!(
            quote(text, &d[0]),
            "children make up at least one in three internet users worldwide"
        );
        assert_eq!(
            (d[1].valid.as_str(), d[1].payload["period"].as_str()),
            ("2023-07-18", Some("2022"))
        );
    }

    #[test]
    fn counts_with_dates_and_what_is_not_a_figure() {
        // 004
        let text = "On 15 December 2020, during the ICAT Principals meeting more than 20 international organisations, including the CBSS, reinforced cooperation.";
        let d = run(figures_reported, text, "2020-12", &corpus());
        assert_eq!(values(&d), [v(20, "organisations", Some("more than"))]);
        assert_eq!(d[0].payload["period"], "2020-12-15");
        assert_eq!(
            quote(text, &d[0]),
            "On 15 December 2020, during the ICAT Principals meeting more than 20 international organisations"
        );
        // 002 and 001: counts of actions, years and strategy points are no figures.
        for text in [
            "ICAT members call upon all states to take 16 key actions to address prevention.",
            "which proposes 10 action points for States and relevant stakeholders.",
            "Santa Marta Group engages them in a 6 point strategy. It focuses on the 3 Ps.",
            "ICAT 2024 co-chairs met in 2023 under Directive (EU) 2024/1712, ages 18-45.",
        ] {
            assert!(
                run(figures_reported, text, "2024", &corpus()).is_empty(),
                "{text}"
            );
        }
    }

    #[test]
    fn who_reported_a_figure() {
        // 003
        let text = "Estimates from ILO and IOM indicate that forced labour and trafficking is a growing industry, exploiting 27.6 million children, women and men. In 2014, ILO estimated it to be an annual \\$150 billion illicit industry and indications are that it grew. If all 27.6 million victims were rescued today, more would follow.";
        let d = run(figures_reported, text, "2023-03-09", &corpus());
        assert_eq!(
            values(&d),
            [
                v(27_600_000, "children", None),
                v(150_000_000_000, "USD", None)
            ]
        );
        assert!(d[0].payload.get("reported_by").is_none());
        assert_eq!(d[1].payload["reported_by"], "org:ilo");
        assert_eq!(
            (d[1].valid.as_str(), d[1].payload["period"].as_str()),
            ("2014", Some("2014"))
        );
        // 001: a source the extractor cannot name leaves the figure out.
        let text = "According to the Global Report in Trafficking in Persons 2022, children comprise approximately 35 percent of detected victims of trafficking.";
        assert!(run(figures_reported, text, "2024-10-17", &corpus()).is_empty());
    }

    #[test]
    fn a_list_takes_the_source_its_introduction_names() {
        // 003
        let text = "Heather Fischer, Thomson Reuters--Senior Advisor.\nAnd on the topic of images, Thomson Reuters data indicated:\n\n- There are 3,000 websites where abusers upload images, predominantly of women;\n- 1 in 8 Americans have been victims of nonconsensual pornography;\n- In the U.K., the rate of image-based abuse doubled from 2019 to 2020, affecting 15% of Britons age 18-45.\n";
        let mut known = corpus();
        known.push(crate::extract::rules::test_support::known(
            "org:thomson-reuters",
            "Thomson Reuters",
            None,
        ));
        let d = run(figures_reported, text, "2023-03-09", &known);
        assert_eq!(
            values(&d),
            [
                v(3000, "websites", None),
                v(1, "in 8", None),
                v(2, "times", None),
                v(15, "percent", None)
            ]
        );
        assert!(
            d.iter()
                .all(|d| d.payload["reported_by"] == "org:thomson-reuters")
        );
        assert_eq!(
            quote(text, &d[0]),
            "Thomson Reuters data indicated: - There are 3,000 websites where abusers upload images"
        );
        assert_eq!(d[2].payload["period"], "2019/2020");
        // "a quarter of a million views as of late January, 2023": a total up to then.
        let text = "Ms. Fischer shared some data.\n- Views exploded, totaling a quarter of a million views as of late January, 2023.";
        let d = run(figures_reported, text, "2023-03-09", &known);
        assert_eq!(values(&d), [v(250_000, "views", None)]);
        assert_eq!(d[0].payload["period"], "../2023-01");
    }
}
