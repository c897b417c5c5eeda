//! Proposed events for a new document: read the text sentence by sentence, recognise the
//! shapes of `patterns::PATTERNS`, and propose complete event lines whose quotes are
//! verbatim spans of the text and whose dates are those the text gives. Pure: no store,
//! no files; `cli/add.rs` gives it the text, its date and the entities already known.
//! What it is unsure of it leaves out.

mod entities;
pub mod measure;
mod names;
pub mod patterns;
mod proposal;
mod rules;
mod sentences;

use std::collections::HashSet;

pub use names::slug;
pub use proposal::Proposal;

use entities::Registry;
use proposal::Draft;
use rules::Ctx;
use sentences::Text;

/// An entity the log (or the events folder) already knows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KnownEntity {
    pub id: String,
    /// `org`, `person`, `instrument`, `call`, ...
    #[serde(rename = "type")]
    pub entity_type: String,
    /// Its name; for a call, meeting or publication, its title.
    pub name: String,
    pub acronym: Option<String>,
    pub aliases: Vec<String>,
}

/// What a draft is made from.
pub struct Input<'a> {
    pub text: &'a str,
    /// The date the document speaks from (EDTF).
    pub published: &'a str,
    pub known: &'a [KnownEntity],
    /// Whether an event id is already taken (in the log, or in the events folder).
    pub taken: &'a dyn Fn(&str) -> bool,
}

/// The proposals for a document: registrations of the entities it introduces first,
/// then its facts in the order of the text.
pub fn propose(input: &Input) -> Vec<Proposal> {
    let doc = Text::new(input.text);
    let mut registry = Registry::new(input.text, input.known);
    let mut registrations: Vec<Draft> = registry
        .define()
        .iter()
        .map(|n| Draft::registration(n, input.published))
        .collect();
    registry.settle_group();
    let mut facts: Vec<Draft> = Vec::new();
    for i in 0..doc.sentences.len() {
        let found: Vec<Draft> = {
            let ctx = Ctx {
                doc: &doc,
                entities: &registry,
                published: input.published,
                earlier: &facts,
            };
            patterns::PATTERNS
                .iter()
                .flat_map(|p| (p.find)(&ctx, i))
                .collect()
        };
        for draft in found {
            // One event per fact per document (events/README.md, rule 3): the fullest
            // statement of it (a term with its representative) stands.
            let same = facts.iter().position(|f| f.same_fact(&draft));
            if same.is_some_and(|at| !draft.fuller_than(&facts[at])) {
                continue;
            }
            for new in &draft.new {
                if !registry.knows(&new.id) {
                    registry.add(new);
                    // Registered because this pattern's fact names it.
                    let mut registration = Draft::registration(new, input.published);
                    registration.pattern = draft.pattern;
                    registrations.push(registration);
                }
            }
            if let Some(at) = same {
                facts[at] = draft;
                continue;
            }
            // A pattern may only register (a speaker whose organisation is unsure).
            if draft.kind != "entity.registered" {
                facts.push(draft);
            }
        }
    }
    drop_restated_attestations(&mut facts);
    let mut used: HashSet<String> = HashSet::new();
    registrations
        .into_iter()
        .chain(facts)
        .map(|d| {
            let id = unique_id(&d.id_hint, input.published, input.taken, &mut used);
            Proposal::from_draft(d, id, input.text)
        })
        .collect()
}

/// A fact the text dates ("joined the ICAT in April 2020") makes its present-tense
/// restatement in the same text ("and is the newest member") nothing more to record.
fn drop_restated_attestations(facts: &mut Vec<Draft>) {
    let dated: Vec<measure::Key> = facts
        .iter()
        .filter(|f| f.payload.get("attested").is_none())
        .map(|f| measure::Key {
            valid: String::new(),
            ..f.key()
        })
        .collect();
    facts.retain(|f| {
        f.payload.get("attested").is_none()
            || !dated.contains(&measure::Key {
                valid: String::new(),
                ..f.key()
            })
    });
}

/// An event id from `hint` that no other event has: the document's date, then a
/// number, appended when it is taken.
fn unique_id(
    hint: &str,
    published: &str,
    taken: &dyn Fn(&str) -> bool,
    used: &mut HashSet<String>,
) -> String {
    let base = names::slug(hint);
    let dated = format!("{base}-{}", names::slug(published));
    let numbered = (2..).map(|n| format!("{dated}-{n}"));
    let id = [base.clone(), dated.clone()]
        .into_iter()
        .chain(numbered)
        .find(|c| !used.contains(c) && !taken(c))
        .expect("an unused id");
    used.insert(id.clone());
    id
}
