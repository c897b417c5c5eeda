//! The one table of patterns: each has a name, the sentence shape it recognises, what it
//! proposes, and the function that reads it (in `rules/`). `propose` runs every pattern
//! on every sentence, in this order; the first proposal of a fact wins.

use super::proposal::Draft;
use super::rules::{self, Ctx};

/// One pattern of the table.
pub struct Pattern {
    pub name: &'static str,
    /// The sentence shape, with an example from the corpus.
    pub shape: &'static str,
    /// The kind it proposes.
    pub proposes: &'static str,
    pub find: fn(&Ctx, usize) -> Vec<Draft>,
}

pub const PATTERNS: &[Pattern] = &[
    Pattern {
        name: "co-chairs-in-year",
        shape: "In YEAR, X (and Y) co-chair(s) [, along with Z,] G / In YEAR, G is co-chaired by X and Y",
        proposes: "role.assigned co-chair, valid YEAR",
        find: rules::roles::in_year,
    },
    Pattern {
        name: "one-of-the-co-chairs",
        shape: "PERSON from ORG, one of G’s two co-chairs in YEAR / one of the two YEAR G co-chairs",
        proposes: "role.assigned co-chair with representative, valid YEAR (else attested)",
        find: rules::roles::one_of_the_co_chairs,
    },
    Pattern {
        name: "titled-co-chair",
        shape: "G YEAR – YEAR co-chair, TITLE on ORG, PERSON / G co-chair YEAR, PERSON (ORG)",
        proposes: "role.assigned co-chair with representative, valid the term",
        find: rules::roles::titled_co_chair,
    },
    Pattern {
        name: "endorsed-for-a-later-year",
        shape: "X and Y were endorsed on DATE as co-chairs (of G) for YEAR",
        proposes: "role.assigned, valid YEAR, decided DATE (v2)",
        find: rules::roles::endorsed_for_a_later_year,
    },
    Pattern {
        name: "present-role",
        shape: "X is the (permanent) coordinator of G / G, which is coordinated by X / X chairs G",
        proposes: "role.assigned coordinator or chair, attested at the document's date (v2)",
        find: rules::roles::present_role,
    },
    Pattern {
        name: "joined",
        shape: "X joined G in DATE",
        proposes: "membership.joined, valid DATE",
        find: rules::memberships::joined,
    },
    Pattern {
        name: "is-a-member",
        shape: "X is a member of G",
        proposes: "membership.joined attested at the document's date (v2)",
        find: rules::memberships::is_a_member,
    },
    Pattern {
        name: "held-its",
        shape: "On DATE, G held its TITLE with X[, PERSON]. [The TITLE was attended by A, B and C.]",
        proposes: "meeting.held, organiser G, participants X, A, B, C",
        find: rules::meetings::held_its,
    },
    Pattern {
        name: "was-held",
        shape: "The TITLE was held on DATE [in PLACE]. [It was moderated by PERSON, TITLE of ORG]",
        proposes: "meeting.held, organisers named in the title, the moderator's organisation taking part",
        find: rules::meetings::was_held,
    },
    Pattern {
        name: "during-the-meeting",
        shape: "On DATE, during the TITLE meeting ..., including X,",
        proposes: "meeting.held, organisers named in the title, participants X",
        find: rules::meetings::during_the_meeting,
    },
    Pattern {
        name: "met-since",
        shape: "X and Y have met since YEAR",
        proposes: "meeting.held in YEAR, participants X and Y, no organiser",
        find: rules::meetings::met_since,
    },
    Pattern {
        name: "event-heading",
        shape: "a heading naming an event (Side Event, Conference, ...) and its DATE",
        proposes: "meeting.held on DATE, no organiser",
        find: rules::meetings::event_heading,
    },
    Pattern {
        name: "call-upon",
        shape: "G (members) call upon ADDRESSEES to take N (key) actions ... Among these actions are: - ... [the G Joint Statement on ..., DATE]",
        proposes: "call.issued with addressees, action count, listed actions, title and date",
        find: rules::calls::call_upon,
    },
    Pattern {
        name: "joins-the-call",
        shape: "X joins the call",
        proposes: "call.issued: X as an issuer of the document's call",
        find: rules::calls::joins_the_call,
    },
    Pattern {
        name: "call-prepared",
        shape: "G ... preparing a Call for TITLE (by YEAR) in YEAR, which proposes N action points for A and B",
        proposes: "call.issued, valid YEAR/document date, target, action count, addressees",
        find: rules::calls::call_prepared,
    },
    Pattern {
        name: "joint-statements-in-years",
        shape: "Two joint statements ... in Y1 and Y2 ... (under \"Key G publications\")",
        proposes: "call.issued per year the log does not already record",
        find: rules::calls::joint_statements_in_years,
    },
    Pattern {
        name: "listed-commitment",
        shape: "G recommends N priority areas: / G’s work in YEAR is guided by N workstreams: / X presented a N-point strategy ... — followed by N list items",
        proposes: "commitment.set with the items (attested when present tense, v2)",
        find: rules::commitments::listed_commitment,
    },
    Pattern {
        name: "instrument-status",
        shape: "the ongoing revision of INSTRUMENT / INSTRUMENT was adopted on DATE / entered into force on DATE / was revised, repealed, proposed, published in the Official Journal",
        proposes: "instrument.status (with amends, transposition_deadline, published_in: v2)",
        find: rules::instruments::status,
    },
    Pattern {
        name: "figure-reported",
        shape: "[According to X, | X estimated | X data indicated: -] (qualifier) NUMBER (multiplier) UNIT / half / one in three / doubled",
        proposes: "statistic.reported with value, unit, qualifier, period, reported_by",
        find: rules::statistics::figures_reported,
    },
    Pattern {
        name: "listed-with-year",
        shape: "under \"Key G publications:\", TITLE (YEAR)",
        proposes: "publication.released in YEAR by G",
        find: rules::publications::listed_with_year,
    },
    Pattern {
        name: "released",
        shape: "ORG (today) released the TITLE (a Report, Brief, Study, ...)",
        proposes: "publication.released by ORG, on the document's date or the date given",
        find: rules::publications::released,
    },
    Pattern {
        name: "issued-by",
        shape: "An analytical paper issued by G ...",
        proposes: "publication.released by G, on or before the document's date",
        find: rules::publications::issued_by,
    },
    Pattern {
        name: "its-report",
        shape: "ORG ... . In its report on \"TITLE\" ...",
        proposes: "publication.released by ORG, on or before the document's date",
        find: rules::publications::its_report,
    },
    Pattern {
        name: "new-version",
        shape: "A child-friendly version of the Call to Action has been published",
        proposes: "publication.released by the call's issuer, dated as the call",
        find: rules::publications::new_version,
    },
    Pattern {
        name: "speaker-line",
        shape: "a paragraph opening \"PERSON, ORG- TITLE—\" or \"PERSON, TITLE of ORG, TITLE for ORG--\"",
        proposes: "person.represents with title (or only the person's registration)",
        find: rules::speakers::speaker_line,
    },
    Pattern {
        name: "name-title-at-org",
        shape: "Ms. PERSON, TITLE at the ORG / PERSON, the OFFICE,",
        proposes: "person.represents with title",
        find: rules::speakers::name_title_at_org,
    },
    Pattern {
        name: "org-title-name",
        shape: "ORG TITLE PERSON said|highlighted ...",
        proposes: "person.represents with title",
        find: rules::people::org_title_name,
    },
    Pattern {
        name: "title-of-org-name",
        shape: "The TITLE of the ORG, PERSON, ... / TITLE on ORG, PERSON emphasised",
        proposes: "person.represents with title, dated by the meeting named",
        find: rules::people::title_of_org_name,
    },
    Pattern {
        name: "name-org-title",
        shape: "PERSON, ORG (ACR) TITLE remarked",
        proposes: "person.represents with title",
        find: rules::people::name_org_title,
    },
    Pattern {
        name: "name-from-org",
        shape: "PERSON from the ORG / PERSON (ORG)",
        proposes: "person.represents",
        find: rules::people::name_from_org,
    },
    Pattern {
        name: "org-comma-name",
        shape: "the OFFICE (ACR), PERSON.",
        proposes: "person.represents, the office's name as title",
        find: rules::people::org_comma_name,
    },
    Pattern {
        name: "named-as-such",
        shape: "organizations such as X and Y / is partnering with X / the joint effort of X and Y",
        proposes: "entity.registered for each organisation not yet known",
        find: rules::organisations::named_as_such,
    },
];

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};
    use std::path::Path;

    use super::PATTERNS;
    use crate::extract::rules::test_support::run;
    use crate::extract::{Input, propose};

    /// The five curated documents and the two texts of tests/fixtures/add, with the
    /// date each speaks from.
    fn texts() -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for entry in std::fs::read_dir(root.join("events")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "jsonl") {
                let header: serde_json::Value = serde_json::from_str(
                    std::fs::read_to_string(&path)
                        .unwrap()
                        .lines()
                        .next()
                        .unwrap(),
                )
                .unwrap();
                let doc = &header["document"];
                let text = std::fs::read_to_string(
                    root.join("events").join(doc["file"].as_str().unwrap()),
                )
                .unwrap();
                out.push((text, doc["published"].as_str().unwrap().to_owned()));
            }
        }
        for (file, published) in [
            ("annual-report-2021.txt", "2022-03"),
            ("directive-2024-1712.txt", "2024-07"),
        ] {
            out.push((
                std::fs::read_to_string(root.join("tests/fixtures/add").join(file)).unwrap(),
                published.to_owned(),
            ));
        }
        out
    }

    #[test]
    fn every_pattern_of_the_table_reads_some_text_and_every_proposal_names_its_pattern() {
        let names: Vec<&str> = PATTERNS.iter().map(|p| p.name).collect();
        let unique: HashSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "pattern names are unique");
        let mut fired = BTreeSet::new();
        for (text, published) in texts() {
            let taken = |_: &str| false;
            for p in propose(&Input {
                text: &text,
                published: &published,
                known: &[],
                taken: &taken,
            }) {
                assert!(
                    p.pattern == "definition" || unique.contains(p.pattern),
                    "{}: {}",
                    p.id,
                    p.pattern
                );
                p.check(&text).unwrap_or_else(|e| panic!("{}: {e}", p.id));
                fired.insert(p.pattern);
            }
            // And each pattern on its own: a fact another pattern states first counts.
            for pattern in PATTERNS {
                if !run(pattern.find, &text, &published, &[]).is_empty() {
                    fired.insert(pattern.name);
                }
            }
        }
        let silent: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !fired.contains(n))
            .collect();
        assert!(
            silent.is_empty(),
            "patterns that read none of the texts: {silent:?}"
        );
    }
}
