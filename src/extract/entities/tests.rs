//! The registry's tests: resolving known names and proposing new ones.

use super::*;

fn known(id: &str, name: &str, acronym: Option<&str>, aliases: &[&str]) -> KnownEntity {
    KnownEntity {
        id: id.to_owned(),
        entity_type: id.split(':').next().unwrap().to_owned(),
        name: name.to_owned(),
        acronym: acronym.map(str::to_owned),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    }
}

fn icat() -> KnownEntity {
    known(
        "org:icat",
        "Inter-Agency Coordination Group against Trafficking in Persons",
        Some("ICAT"),
        &[],
    )
}

#[test]
fn known_names_acronyms_and_the_group_are_found() {
    // 002: "In 2022, ICMPD and UNODC co-chair the Group."
    let text = "ICAT is a policy forum. In 2022, ICMPD and UNODC co-chair the Group.";
    let mut r = Registry::new(text, &[icat()]);
    r.settle_group();
    let ids: Vec<_> = r
        .mentions(0, text.len())
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, ["org:icat", "org:icat"]);
}

#[test]
fn a_new_acronym_is_spelt_out_from_the_text() {
    // 004: the CBSS is named in full once and by its acronym elsewhere.
    let text = "The CBSS becomes part. The Council of the Baltic Sea States joined the ICAT.";
    let r = Registry::new(text, &[icat()]);
    let at = text.find("CBSS").unwrap();
    let got = r.org(at, at + 4).unwrap();
    let new = got.new.unwrap();
    assert_eq!(got.id, "org:cbss");
    assert_eq!(new.name, "Council of the Baltic Sea States");
    let at = text.find("The Council").unwrap();
    assert_eq!(
        r.org(at, at + "The Council of the Baltic Sea States".len())
            .unwrap()
            .id,
        "org:cbss"
    );
}

#[test]
fn an_acronym_nowhere_spelt_out_is_its_own_name() {
    // 002: "ICMPD joins the call".
    let text = "ICMPD joins the call.";
    let r = Registry::new(text, &[]);
    let got = r.org(0, 5).unwrap().new.unwrap();
    assert_eq!((got.id.as_str(), got.name.as_str()), ("org:icmpd", "ICMPD"));
}

#[test]
fn persons_known_by_surname_and_new_ones() {
    let text = "Mr. Richey presented a strategy. Heather Fischer, Thomson Reuters.";
    let r = Registry::new(
        text,
        &[known("person:valiant-richey", "Valiant Richey", None, &[])],
    );
    assert_eq!(r.person(0, 10).unwrap().id, "person:valiant-richey");
    let at = text.find("Heather").unwrap();
    let got = r.person(at, at + "Heather Fischer".len()).unwrap();
    assert_eq!(got.id, "person:heather-fischer");
    assert!(got.new.is_some());
    let at = text.find("Thomson").unwrap();
    assert!(r.person(at, at + "Thomson Reuters".len()).is_none());
    assert_eq!(
        r.org(at, at + "Thomson Reuters".len()).unwrap().id,
        "org:thomson-reuters"
    );
}

#[test]
fn a_long_name_is_left_to_the_curator() {
    let text = "Permanent Mission of the Sovereign Order of Malta to the UN in New York";
    let r = Registry::new(text, &[]);
    assert!(r.org(0, text.len()).is_none());
}
