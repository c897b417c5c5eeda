//! Every problem of a batch, not only the first: a refused line is reported and skipped,
//! and a later line that needs it (an entity it registers, the event a retraction names)
//! is told so once — "depends on line N" — instead of failing for a reason that is not
//! its own. Only input problems are collected; the environment failing ends the batch.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::error::{Error, Location, Problem, Refusals, Result};

/// The problems of a batch so far, and what refused lines would have declared.
#[derive(Debug)]
pub(super) struct Problems {
    found: Vec<Error>,
    limit: usize,
    /// Event ids of refused (or unchecked) lines, with where they are.
    events: HashMap<String, Refused>,
    /// Entity ids those lines declare.
    entities: HashMap<String, Refused>,
    /// Event lines not checked, their file's header being refused.
    unchecked: usize,
    /// (line, line it depends on) already told: an event that needs a refused line
    /// through two fields is told once.
    told: HashSet<(String, String)>,
}

/// A line later lines may depend on, and why it is not in the batch.
#[derive(Debug, Clone)]
struct Refused {
    at: Location,
    /// Not checked at all (its file's header is refused), rather than refused itself.
    unchecked: bool,
}

/// What can be read from a line that was not taken, without trusting it: its id, the
/// entity it declares, the event it retracts or corrects.
#[derive(Debug, Default)]
pub(super) struct Glimpse {
    pub id: Option<String>,
    declares: Option<String>,
    target: Option<String>,
}

impl Glimpse {
    /// Reads what it can of a line's text; nothing when it is not a JSON object.
    pub fn of(text: &str) -> Glimpse {
        let Ok(Value::Object(line)) = serde_json::from_str::<Value>(text) else {
            return Glimpse::default();
        };
        let text_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let payload = line.get("payload");
        let kind = line.get("kind").and_then(Value::as_str).unwrap_or("");
        let declares = if kind == "entity.registered" {
            text_of(payload.and_then(|p| p.get("id")))
        } else {
            // The field that declares an entity differs by kind: the vocabulary knows it.
            let version = line.get("version").and_then(Value::as_u64).unwrap_or(1);
            payload
                .cloned()
                .and_then(|p| crate::event::upcast::from_value(kind, version as u32, p).ok())
                .and_then(|e| e.declares().map(|(id, _)| id.to_string()))
        };
        Glimpse {
            id: text_of(line.get("id")),
            declares,
            target: text_of(payload.and_then(|p| p.get("target"))),
        }
    }
}

impl Problems {
    pub fn new(limit: usize) -> Problems {
        Problems {
            found: Vec::new(),
            limit: limit.max(1),
            events: HashMap::new(),
            entities: HashMap::new(),
            unchecked: 0,
            told: HashSet::new(),
        }
    }

    /// Notes a problem of the input; any other error (the environment) is returned, and
    /// ends the batch.
    pub fn note(&mut self, error: Error) -> Result<()> {
        match error {
            Error::Input { .. } => {
                if !self.is_full() {
                    self.found.push(error);
                }
                Ok(())
            }
            other => Err(other),
        }
    }

    /// Notes the problem of a line that was not taken, and remembers what the line would
    /// have declared, so that lines needing it are told why they fail. A retraction or
    /// correction whose target is itself refused is told so instead.
    pub fn refuse_line(&mut self, error: Error, glimpse: &Glimpse) -> Result<()> {
        let Error::Input { at, problem } = error else {
            return Err(error);
        };
        let at = match &glimpse.id {
            Some(id) => at.with_event(id),
            None => *at,
        };
        let problem = match (&*problem, &glimpse.target) {
            (Problem::UnknownTarget(_), Some(target)) => match self.events.get(target) {
                Some(on) => Problem::DependsOn {
                    on: on.at.clone(),
                    reference: format!("`target` `{target}` is the event of that line"),
                    unchecked: on.unchecked,
                },
                None => *problem,
            },
            _ => *problem,
        };
        self.remember(&at, glimpse, false);
        self.note(Error::input(at, problem))
    }

    /// Remembers a line of a file whose header is refused: it is not checked, but lines
    /// elsewhere may need it.
    pub fn unchecked_line(&mut self, at: Location, glimpse: &Glimpse) {
        self.unchecked += 1;
        let at = match &glimpse.id {
            Some(id) => at.with_event(id),
            None => at,
        };
        self.remember(&at, glimpse, true);
    }

    fn remember(&mut self, at: &Location, glimpse: &Glimpse, unchecked: bool) {
        let refused = Refused {
            at: at.clone(),
            unchecked,
        };
        if let Some(id) = &glimpse.id {
            self.events
                .entry(id.clone())
                .or_insert_with(|| refused.clone());
        }
        if let Some(entity) = &glimpse.declares {
            self.entities.entry(entity.clone()).or_insert(refused);
        }
    }

    /// A reference that did not resolve: refused as it is, or, when a refused line
    /// declares the entity, as depending on that line.
    pub fn unresolved(&mut self, error: Error) -> Result<()> {
        let error = match error {
            Error::Input { at, problem } => match *problem {
                Problem::UnknownEntity { field, entity, .. }
                    if self.entities.contains_key(&entity) =>
                {
                    let on = &self.entities[&entity];
                    if !self.told.insert((at.to_string(), on.at.to_string())) {
                        return Ok(());
                    }
                    Error::input(
                        *at,
                        Problem::DependsOn {
                            on: on.at.clone(),
                            reference: format!(
                                "`{field}` refers to `{entity}`, which that line registers"
                            ),
                            unchecked: on.unchecked,
                        },
                    )
                }
                problem => Error::Input {
                    at,
                    problem: Box::new(problem),
                },
            },
            other => other,
        };
        self.note(error)
    }

    pub fn is_full(&self) -> bool {
        self.found.len() >= self.limit
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The refusal of the whole batch.
    pub fn into_error(self) -> Error {
        let truncated = self.is_full();
        Error::Refused(Box::new(Refusals::new(
            self.found,
            truncated,
            self.unchecked,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize) -> Location {
        Location::Line {
            file: "a.jsonl".into(),
            line,
            event: None,
        }
    }

    #[test]
    fn a_glimpse_reads_the_id_what_it_declares_and_its_target() {
        let g = Glimpse::of(
            r#"{"id":"reg-x","kind":"entity.registered","valid":"2020","payload":{"id":"org:x","type":"bogus"}}"#,
        );
        assert_eq!(
            (g.id.as_deref(), g.declares.as_deref()),
            (Some("reg-x"), Some("org:x"))
        );
        let g = Glimpse::of(
            r#"{"id":"r","kind":"event.retracted","valid":"2020","payload":{"target":"reg-x","reason":"x"}}"#,
        );
        assert_eq!(g.target.as_deref(), Some("reg-x"));
        let g = Glimpse::of(r#"{"id":"x","kind":"#);
        assert!(g.id.is_none() && g.declares.is_none());
    }

    #[test]
    fn a_reference_to_what_a_refused_line_registers_depends_on_it() {
        let mut p = Problems::new(50);
        let glimpse = Glimpse::of(
            r#"{"id":"reg-x","kind":"entity.registered","valid":"2020","payload":{"id":"org:x"}}"#,
        );
        p.refuse_line(
            Error::input(at(2), Problem::BadField("bad".into())),
            &glimpse,
        )
        .unwrap();
        p.unresolved(Error::input(
            at(5).with_event("x-joins"),
            Problem::UnknownEntity {
                field: "member",
                entity: "org:x".into(),
                nearest: vec![],
            },
        ))
        .unwrap();
        let Error::Refused(r) = p.into_error() else {
            panic!("a refusal")
        };
        let said: Vec<String> = r.problems().iter().map(ToString::to_string).collect();
        assert_eq!(said[0], "a.jsonl:2 (event `reg-x`): bad");
        assert_eq!(
            said[1],
            "a.jsonl:5 (event `x-joins`): depends on a.jsonl:2 (event `reg-x`): `member` refers to `org:x`, which that line registers, and that line is refused; fix it first"
        );
        assert_eq!(
            r.to_string(),
            "2 problems in 1 events file (1 of them only because a line they depend on is refused); nothing was written"
        );
    }

    #[test]
    fn the_limit_stops_the_collection_and_says_so() {
        let mut p = Problems::new(2);
        for line in 1..=5 {
            p.note(Error::input(at(line), Problem::BadField("bad".into())))
                .unwrap();
        }
        assert!(p.is_full());
        let Error::Refused(r) = p.into_error() else {
            panic!("a refusal")
        };
        assert_eq!(r.problems().len(), 2);
        assert!(r.to_string().contains("stopped at 2, there may be more"));
    }

    #[test]
    fn the_environment_failing_is_not_collected() {
        let mut p = Problems::new(50);
        let io = Error::io("x", std::io::Error::other("disk"));
        assert!(p.note(io).is_err());
        assert!(p.is_empty());
    }
}
