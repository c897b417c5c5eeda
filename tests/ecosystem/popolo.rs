//! `export --popolo`: the whole history as Popolo JSON.

use serde_json::Value;

use crate::harness::*;

fn popolo(log: &Test) -> Value {
    let text = log.run(["export", "--popolo", "-"]).success().stdout;
    serde_json::from_str(&text).expect("Popolo JSON")
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> Vec<&'a Value> {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|m| m[key] == value)
        .collect()
}

#[test]
fn organizations_carry_their_acronyms_and_aliases() {
    let doc = popolo(&Test::curated());
    let icat = find(&doc["organizations"], "id", "org:icat");
    assert_eq!(icat.len(), 1);
    assert_eq!(
        icat[0]["name"],
        "Inter-Agency Coordination Group against Trafficking in Persons"
    );
    assert_eq!(icat[0]["classification"], "group");
    let others: Vec<&str> = icat[0]["other_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert!(others.contains(&"ICAT"));
    assert!(find(&doc["persons"], "id", "person:ghada-waly").len() == 1);
}

#[test]
fn memberships_have_dates_and_sources() {
    let doc = popolo(&Test::curated());
    let memberships = &doc["memberships"];
    let cbss = find(memberships, "member_id", "org:cbss");
    let joined: Vec<_> = cbss.iter().filter(|m| m["role"] == "member").collect();
    assert_eq!(joined.len(), 1);
    let m = joined[0];
    assert_eq!(m["organization_id"], "org:icat");
    assert_eq!(m["member"]["@type"], "Organization");
    assert_eq!(m["start_date"], "2020-04");
    assert!(m.get("end_date").is_none());
    assert_eq!(
        m["sources"][0]["quote"],
        "The Council of the Baltic Sea States joined the ICAT in April 2020"
    );
    assert!(
        m["sources"][0]["note"]
            .as_str()
            .unwrap()
            .contains("CBSS becomes part")
    );
    assert_eq!(m["sources"][0]["sha256"].as_str().unwrap().len(), 64);
    let sha = m["sources"][0]["sha256"].as_str().unwrap();
    assert_eq!(m["sources"][0]["url"], format!("urn:sha256:{sha}"));
    // The permanent coordinator is attested, not a term: no start and no end date,
    // which a Popolo tool would read as the day it began or stopped.
    let coordinator: Vec<_> = find(memberships, "post_id", "org:icat/coordinator");
    assert!(!coordinator.is_empty());
    for c in coordinator {
        assert!(c.get("end_date").is_none(), "{c}");
        assert!(c.get("start_date").is_none(), "{c}");
    }
    // No non-standard `attested` list is left.
    assert!(
        memberships
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m.get("attested").is_none())
    );
}

#[test]
fn posts_are_held_through_memberships() {
    let doc = popolo(&Test::curated());
    let posts = find(&doc["posts"], "id", "org:icat/co-chair");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["label"], "ICAT co-chair");
    let held = find(&doc["memberships"], "post_id", "org:icat/co-chair");
    // The seat's terms that `member` began in `year` (other documents may add terms of
    // other years).
    let terms = |member: &str, year: &str| -> Vec<&Value> {
        held.iter()
            .filter(|m| m["member_id"] == member && m["start_date"] == year)
            .copied()
            .collect()
    };
    let un_women = terms("org:un-women", "2019");
    assert_eq!(un_women.len(), 1);
    assert_eq!(un_women[0]["end_date"], "2020");
    // Two documents attest IOM's 2023 term: one membership with both sources.
    let iom = terms("org:iom", "2023");
    assert_eq!(iom.len(), 1);
    assert_eq!(iom[0]["sources"].as_array().unwrap().len(), 2);
    // Its representative holds the seat on IOM's behalf.
    let todorova = find(&doc["memberships"], "person_id", "person:irina-todorova");
    let seat: Vec<_> = todorova
        .iter()
        .filter(|m| m["post_id"] == "org:icat/co-chair" && m["start_date"] == "2023")
        .collect();
    assert_eq!(seat.len(), 1);
    assert_eq!(seat[0]["on_behalf_of_id"], "org:iom");
}

#[test]
fn open_terms_end_when_an_ended_event_says_so() {
    let log = Test::curated();
    log.open_icmpd_term();
    let icmpd = |doc: &Value| -> Value { find(&doc["memberships"], "id", "open-icmpd")[0].clone() };
    let open = icmpd(&popolo(&log));
    assert_eq!(open["start_date"], "2021-06");
    assert!(open.get("end_date").is_none());
    log.end_icmpd_term_and_cbss_membership();
    let doc = popolo(&log);
    assert_eq!(icmpd(&doc)["end_date"], "2024-03");
    assert_eq!(icmpd(&doc)["sources"].as_array().unwrap().len(), 2);
    let cbss = find(&doc["memberships"], "id", "cbss-joins-icat");
    assert_eq!(cbss[0]["end_date"], "2024-06");
}

#[test]
fn a_bare_popolo_flag_writes_into_out() {
    let log = Test::curated();
    let dir = log.path("civic");
    let said = log
        .run(["export", "--popolo", "--out", dir.to_str().unwrap()])
        .success()
        .stdout;
    assert!(said.contains("memberships"), "{said}");
    let text = std::fs::read_to_string(dir.join("popolo.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(doc["memberships"].as_array().unwrap().len() > 10);
}

/// The vendored official schemas (tests/fixtures/popolo, draft-03) as draft 4: each
/// property's `"required": true` moved into its object's `required` list. Panics if a
/// draft-03-only keyword is left that draft 4 would silently ignore.
fn draft4(mut schema: Value) -> Value {
    fn walk(v: &mut Value, at: &str) {
        match v {
            Value::Object(o) => {
                for k in ["extends", "disallow", "divisibleBy"] {
                    assert!(!o.contains_key(k), "draft-03 `{k}` at {at}");
                }
                assert!(
                    o.get("type") != Some(&Value::from("any")),
                    "type any at {at}"
                );
                if o.get("$schema").is_some() {
                    o.insert(
                        "$schema".into(),
                        "http://json-schema.org/draft-04/schema#".into(),
                    );
                }
                let mut required = Vec::new();
                if let Some(Value::Object(props)) = o.get_mut("properties") {
                    for (name, p) in props.iter_mut() {
                        if let Some(r) = p.as_object_mut().and_then(|p| p.remove("required")) {
                            assert!(r.is_boolean(), "required {r} at {at}/{name}");
                            if r == true {
                                required.push(Value::from(name.as_str()));
                            }
                        }
                    }
                }
                if !required.is_empty() {
                    o.insert("required".into(), Value::Array(required));
                }
                for (k, child) in o.iter_mut() {
                    walk(child, &format!("{at}/{k}"));
                }
                if let Some(r) = o.get("required") {
                    assert!(r.is_array(), "required-as-boolean left at {at}");
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, at)),
            _ => {}
        }
    }
    walk(&mut schema, "#");
    schema
}

const POPOLO_SCHEMAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/popolo");

fn vendored(name: &str) -> Value {
    let path = format!("{POPOLO_SCHEMAS}/{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    draft4(serde_json::from_str(&text).unwrap())
}

/// Serves `http://www.popoloproject.com/schemas/X.json` from the vendored copy; any other
/// reference fails (no network).
struct Vendored;

impl jsonschema::Retrieve for Vendored {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        match uri.strip_prefix("http://www.popoloproject.com/schemas/") {
            Some(name) if !name.contains('/') => Ok(vendored(name)),
            _ => Err(format!("not a vendored Popolo schema: {uri}").into()),
        }
    }
}

fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_retriever(Vendored)
        .build(&vendored(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every object of the export against its official schema; the errors, one a line.
fn schema_errors(doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    for (list, schema) in [
        ("memberships", "membership.json"),
        ("organizations", "organization.json"),
        ("persons", "person.json"),
        ("posts", "post.json"),
    ] {
        let v = validator(schema);
        let items = doc[list].as_array().unwrap();
        assert!(!items.is_empty(), "no {list}");
        for item in items {
            for e in v.iter_errors(item) {
                errors.push(format!(
                    "{list} {}: {e} at {}",
                    item["id"],
                    e.instance_path()
                ));
            }
        }
    }
    errors
}

#[test]
fn the_vendored_schemas_catch_what_the_issue_found() {
    // A source without `url` and a date that is not ISO are refused: the validator bites.
    let bad = serde_json::json!({
        "organizations": [{"id": "org:x", "name": "X", "sources": [{"note": "no url"}]}],
        "persons": [{"id": "person:y", "name": "Y", "birth_date": "20th century"}],
        "posts": [{"id": "p", "label": "P", "organization_id": "org:x", "sources": [{"url": 3}]}],
        "memberships": [{"id": "m", "organization_id": "org:x", "start_date": "2020~",
            "sources": [{"note": "no url"}]}],
    });
    let errors = schema_errors(&bad);
    assert_eq!(errors.len(), 5, "{errors:#?}");
}

#[test]
fn the_export_is_valid_against_the_official_popolo_schemas() {
    let doc = popolo(&Test::curated());
    let errors = schema_errors(&doc);
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    // Every object cites the documents it comes from.
    for list in ["memberships", "organizations", "persons", "posts"] {
        for item in doc[list].as_array().unwrap() {
            let sources = item["sources"].as_array();
            assert!(
                sources.is_some_and(|s| !s.is_empty()),
                "{list} {} has no sources",
                item["id"]
            );
        }
    }
}
