//! Calls to action and joint statements: who issues them, to whom, how many actions and
//! which the text lists, the title and the date, and who joins them.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::{Ctx, NAME, bare, count, shape, span, whole};
use crate::date::phrase;
use crate::extract::entities::Resolved;
use crate::extract::names;
use crate::extract::proposal::Draft;

/// A call's id from its title: its first significant words and its year.
fn call_id(title: &str, valid: &str) -> String {
    let words: Vec<&str> = title
        .split_whitespace()
        .filter(|w| !names::CONNECTORS.contains(w) && w.parse::<u32>().is_err())
        .take(7)
        .collect();
    let slug = names::slug(&words.join(" "));
    let year = valid.get(..4).unwrap_or(valid);
    if slug.ends_with(year) {
        slug
    } else {
        format!("{slug}-{year}")
    }
}

/// The title a text gives its joint statement or call ("the ICAT Joint Statement on
/// the World Day against Trafficking in Persons, 30 July 2022"), the date in it, and
/// where the mention ends.
struct Titled {
    title: String,
    date: Option<String>,
    end: usize,
}

fn statement_title(ctx: &Ctx) -> Option<Titled> {
    let text = ctx.text();
    let mut best: Option<Titled> = None;
    for run in names::runs(text) {
        let name = &text[run.start..run.end];
        if !(name.contains("Joint Statement") || name.contains("Call to Action")) {
            continue;
        }
        let mut end = run.end;
        let mut date = None;
        if let Some(rest) = text[run.end..].strip_prefix(", ")
            && let Some(d) = phrase::find(rest).first()
            && d.start == 0
            && !d.is_year()
        {
            date = Some(d.edtf.clone());
            end = run.end + 2 + d.end;
        }
        if best
            .as_ref()
            .is_none_or(|b| end - run.start > b.title.len())
        {
            best = Some(Titled {
                title: text[run.start..end].to_owned(),
                date,
                end,
            });
        }
    }
    best
}

static CALL_UPON: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<issuer>{NAME})(?: members)? (?:call|calls|called) (?:up)?on (?P<addr>.+?) to (?:take|adopt|implement) (?P<n>\w+) (?:key |concrete |specific )?actions\b"
    ))
    .expect("compiles")
});

/// The document's call, as its "X call upon Y to take N actions" sentence gives it.
struct DocCall {
    sentence: usize,
    issuer: Resolved,
    addressees: Vec<String>,
    count: Option<u32>,
    actions: Vec<String>,
    title: String,
    valid: String,
    quote: (usize, usize),
}

fn doc_call(ctx: &Ctx) -> Option<DocCall> {
    let doc = ctx.doc;
    for i in 0..doc.sentences.len() {
        let (base, sentence) = ctx.sentence(i);
        let Some(caps) = CALL_UPON.captures(sentence) else {
            continue;
        };
        let issuer = ctx.org(span(base, &caps, "issuer")?)?;
        let block = doc.sentences[i].block;
        // "Among these actions are:" and the list under it.
        let items = doc.list_after(block);
        let listed = doc.block_text(block).trim_end().ends_with(':');
        let actions: Vec<String> = if listed {
            items
                .iter()
                .map(|&b| crate::extract::sentences::quote_text(doc.block_text(b)))
                .collect()
        } else {
            Vec::new()
        };
        let mut quote = (base + caps.get(0)?.start(), base + sentence.len());
        if listed && let Some(&last) = items.last() {
            quote.1 = doc.blocks[last].end;
        }
        let titled = statement_title(ctx);
        let (title, valid) = match &titled {
            Some(t) => (
                t.title.clone(),
                t.date.clone().unwrap_or_else(|| ctx.published.to_owned()),
            ),
            None => (
                format!("Call upon {} by {}", &caps["addr"], &caps["issuer"]),
                ctx.published.to_owned(),
            ),
        };
        if let Some(t) = &titled
            && t.end > quote.1
            && t.end - quote.1 < 600
        {
            quote.1 = t.end;
        }
        return Some(DocCall {
            sentence: i,
            issuer,
            addressees: vec![caps["addr"].to_owned()],
            count: count(&caps["n"]),
            actions,
            title,
            valid,
            quote,
        });
    }
    None
}

/// "ICAT members call upon all states to take 16 key actions ... Among these actions
/// are: - ... The full text of the ICAT Joint Statement ..., 30 July 2022" → the call,
/// with its addressees, count, listed actions, title and date.
pub fn call_upon(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let Some(call) = doc_call(ctx).filter(|c| c.sentence == i) else {
        return Vec::new();
    };
    let mut payload = json!({
        "call": format!("call:{}", call_id(&call.title, &call.valid)),
        "title": call.title,
        "issuers": [call.issuer.id.clone()],
        "addressees": call.addressees,
    });
    if let Some(n) = call.count {
        payload["action_count"] = Value::from(n);
    }
    if !call.actions.is_empty() {
        payload["actions"] = Value::from(call.actions);
    }
    vec![
        Draft::new(
            "call-upon",
            "call.issued",
            &call.valid,
            payload,
            call.quote,
            call_id(&call.title, &call.valid),
        )
        .registering([call.issuer.new]),
    ]
}

static JOINS: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"^(?P<org>{NAME}) (?:joins|joined|signs|signed|endorses|endorsed) the (?:call|joint statement|Joint Statement|statement)\b"
    ))
    .expect("compiles")
});

/// "ICMPD joins the call" → ICMPD as an issuer of the document's call.
pub fn joins_the_call(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = JOINS.captures(sentence) else {
        return Vec::new();
    };
    let (Some(org), Some(call)) = (
        span(base, &caps, "org").and_then(|s| ctx.org(s)),
        doc_call(ctx),
    ) else {
        return Vec::new();
    };
    if org.id == call.issuer.id {
        return Vec::new();
    }
    let id = call_id(&call.title, &call.valid);
    vec![
        Draft::new(
            "joins-the-call",
            "call.issued",
            &call.valid,
            json!({"call": format!("call:{id}"), "title": call.title, "issuers": [org.id.clone()]}),
            whole(base, &caps),
            format!("{}-joins-{id}", bare(&org.id)),
        )
        .registering([org.new]),
    ]
}

static PREPARED: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?P<issuer>{NAME}) (?:to )?(?P<verb>preparing|prepare|prepared|issued|issue|issuing|launched|launch|launching|adopted|adopting|published) (?:a|an|the) (?P<title>Call (?:for|to) .+?)(?: in (?P<year>\d{{4}}))?, which (?:proposes|sets out|lists|contains|includes) (?P<n>\w+) (?:action points|actions|recommendations|points)(?: for (?P<addr>[^.]+?))?\s*\.?$"
    ))
    .expect("compiles")
});

/// "This realization led ICAT to preparing a Call for Accelerated Action by 2025 to
/// prevent and end child trafficking in 2023, which proposes 10 action points for States
/// and relevant stakeholders." → the call, its target year and addressees. Prepared in
/// a year, it was issued between then and the document's date.
pub fn call_prepared(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = PREPARED.captures(sentence) else {
        return Vec::new();
    };
    let Some(issuer) = span(base, &caps, "issuer").and_then(|s| ctx.org(s)) else {
        return Vec::new();
    };
    let title = caps["title"].to_owned();
    let valid = match caps.name("year") {
        Some(y) if caps["verb"].starts_with("prepar") => {
            format!("{}/{}", y.as_str(), ctx.published)
        }
        Some(y) => y.as_str().to_owned(),
        None => ctx.published.to_owned(),
    };
    let mut payload = json!({
        "call": format!("call:{}", call_id(&title, &valid)),
        "title": title,
        "issuers": [issuer.id.clone()],
    });
    if let Some(n) = count(&caps["n"]) {
        payload["action_count"] = Value::from(n);
    }
    if let Some(addr) = caps.name("addr") {
        let list: Vec<&str> = addr
            .as_str()
            .split([',', ';'])
            .flat_map(|p| p.split(" and "))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        payload["addressees"] = Value::from(list);
    }
    if let Some(target) = title
        .split(" by ")
        .nth(1)
        .and_then(|t| t.get(..4))
        .filter(|t| t.parse::<u32>().is_ok())
    {
        payload["target"] = Value::from(target);
    }
    let start = base + caps.name("issuer").expect("issuer").start();
    vec![
        Draft::new(
            "call-prepared",
            "call.issued",
            &valid,
            payload,
            (start, base + sentence.len()),
            call_id(&title, &valid),
        )
        .registering([issuer.new]),
    ]
}

static STATEMENTS: LazyLock<Regex> = LazyLock::new(|| {
    shape(r"^(?P<n>\w+) joint statements? (?P<rest>.+?)\s*\.?$").expect("compiles")
});
static PUBLISHER_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    shape(&format!(
        r"(?:Key |Selected )?(?P<org>{NAME}) (?:publications|statements)\b"
    ))
    .expect("compiles")
});

/// "Two joint statements during the World Day ... in 2019 and 2022 on ..." under "Key
/// ICAT publications on:" → one call per year, ICAT's; a year whose statement the log
/// already records (with its day) is not proposed again (events/README.md, rule 3).
pub fn joint_statements_in_years(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let Some(caps) = STATEMENTS.captures(sentence) else {
        return Vec::new();
    };
    let years = phrase::find(&caps["rest"]);
    if years.iter().any(|d| !d.is_year()) || count(&caps["n"]) != Some(years.len() as u32) {
        return Vec::new();
    }
    // The issuer: the organisation the list's heading names, else the text's group.
    let block = ctx.doc.sentences[i].block;
    let heading = (0..block)
        .rev()
        .find(|&b| ctx.doc.block_text(b).ends_with(':'));
    let issuer = heading
        .and_then(|b| {
            let h = ctx.doc.block_text(b);
            let at = ctx.doc.blocks[b].body;
            PUBLISHER_HEADING
                .captures(h)
                .and_then(|c| span(at, &c, "org"))
                .and_then(|s| ctx.org(s))
        })
        .or_else(|| {
            ctx.group().map(|g| Resolved {
                id: g.to_owned(),
                new: None,
            })
        });
    let Some(issuer) = issuer else {
        return Vec::new();
    };
    let mut topic = caps["rest"].to_owned();
    if let (Some(first), Some(last)) = (years.first(), years.last()) {
        let lead = first.lead.as_deref().map_or(0, |l| l.len() + 1);
        topic.replace_range(first.start.saturating_sub(lead)..last.end, "");
    }
    let topic = names::without_possessive(
        topic
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
    )
    .to_owned();
    let short = ctx
        .entities
        .get(&issuer.id)
        .and_then(|e| e.acronym.clone())
        .unwrap_or_else(|| issuer.id.clone());
    let recorded = |year: &str| {
        ctx.entities
            .of_type("call")
            .any(|c| c.name.contains(year) && c.name.to_lowercase().contains("joint statement"))
    };
    years
        .iter()
        .filter(|y| !recorded(&y.edtf))
        .map(|y| {
            let title = format!("{short} joint statement {topic} ({})", y.edtf);
            Draft::new(
                "joint-statements-in-years",
                "call.issued",
                &y.edtf,
                json!({"call": format!("call:{}", call_id(&title, &y.edtf)), "title": title, "issuers": [issuer.id.clone()]}),
                (base, base + sentence.len()),
                call_id(&title, &y.edtf),
            )
            .registering([issuer.new.clone()])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::KnownEntity;
    use crate::extract::rules::test_support::{corpus, known, quote, run};

    const STATEMENT: &str = "ICMPD joins the call highlighting that technology requires attention. The Joint Statement is derived from the need to respond.\nTherefore, ICAT members call upon all states to take 16 key actions to address and improve prevention. Among these actions are:\n- Ensuring that national legislation is enhanced.\n- Fostering cooperation with other States.\nThe full text of the ICAT Joint Statement on the World Day against Trafficking in Persons, 30 July 2022 and all 16 key actions can be found on ICAT website.";

    #[test]
    fn a_call_upon_states_with_its_listed_actions_and_title() {
        // 002
        let d = run(call_upon, STATEMENT, "2022-07-30", &corpus());
        assert_eq!(d.len(), 1);
        let p = &d[0].payload;
        assert_eq!(d[0].valid, "2022-07-30");
        assert_eq!(p["issuers"], json!(["org:icat"]));
        assert_eq!(p["addressees"], json!(["all states"]));
        assert_eq!(p["action_count"], 16);
        assert_eq!(
            p["actions"],
            json!([
                "Ensuring that national legislation is enhanced.",
                "Fostering cooperation with other States."
            ])
        );
        assert_eq!(
            p["title"],
            "ICAT Joint Statement on the World Day against Trafficking in Persons, 30 July 2022"
        );
        assert!(quote(STATEMENT, &d[0]).starts_with("ICAT members call upon all states"));
    }

    #[test]
    fn joining_the_call() {
        // 002
        let d = run(joins_the_call, STATEMENT, "2022-07-30", &corpus());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].payload["issuers"], json!(["org:icmpd"]));
        assert_eq!(d[0].valid, "2022-07-30");
        assert_eq!(quote(STATEMENT, &d[0]), "ICMPD joins the call");
        let upon = run(call_upon, STATEMENT, "2022-07-30", &corpus());
        assert_eq!(d[0].payload["call"], upon[0].payload["call"]);
    }

    #[test]
    fn a_call_prepared_in_a_year() {
        // 001
        let text = "This realization led ICAT to preparing a Call for Accelerated Action by 2025 to prevent and end child trafficking in 2023, which proposes 10 action points for States and relevant stakeholders.";
        let d = run(call_prepared, text, "2024-10-17", &corpus());
        let p = &d[0].payload;
        assert_eq!(d[0].valid, "2023/2024-10-17");
        assert_eq!(
            p["title"],
            "Call for Accelerated Action by 2025 to prevent and end child trafficking"
        );
        assert_eq!(
            (p["action_count"].clone(), p["target"].clone()),
            (json!(10), json!("2025"))
        );
        assert_eq!(p["addressees"], json!(["States", "relevant stakeholders"]));
        assert!(quote(text, &d[0]).starts_with("ICAT to preparing a Call"));
    }

    #[test]
    fn joint_statements_of_years_not_yet_recorded() {
        // 000, with 002's statement of 30 July 2022 in the log.
        let text = "Key ICAT publications on:\nTwo joint statements during the World Day against Trafficking in Persons in 2019 and 2022 on Human Trafficking and Technology.";
        let mut known = corpus();
        let d = run(joint_statements_in_years, text, "2023-07-18", &known);
        assert_eq!(
            d.iter().map(|d| d.valid.as_str()).collect::<Vec<_>>(),
            ["2019", "2022"]
        );
        known.push(KnownEntity {
            entity_type: "call".into(),
            ..known_call()
        });
        let d = run(joint_statements_in_years, text, "2023-07-18", &known);
        assert_eq!(
            d.iter().map(|d| d.valid.as_str()).collect::<Vec<_>>(),
            ["2019"]
        );
        assert_eq!(d[0].payload["issuers"], json!(["org:icat"]));
    }

    fn known_call() -> KnownEntity {
        known(
            "call:icat-joint-statement-world-day-2022",
            "ICAT Joint Statement on the World Day against Trafficking in Persons, 30 July 2022",
            None,
        )
    }
}
