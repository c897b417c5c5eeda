//! The vocabulary, version 2: one variant per `noun.verb`, one payload struct each.
//!
//! Frozen once written: events already in a log are hashed with these field names. A new
//! field or kind is a new vocabulary version plus an upcaster (`upcast.rs`), never an edit.
//! Version 2 only added optional fields, statuses and kinds (docs/vocabulary.md): every
//! version-1 payload is a version-2 payload that uses none of them, and serialises to the
//! same canonical bytes, so that the chain of a version-1 log does not change.
//! `Event::vocabulary_needed` says which version a payload's fields belong to.

use serde::{Deserialize, Serialize};
use serde_json::Number;

use crate::entity::{EntityId, EntityType, EventId};

/// The current vocabulary version: the newest a line may say it is written in. A line is
/// stored with the version it says (none means 1), never with this one in its place.
pub const VOCABULARY_VERSION: u32 = 2;

/// `skip_serializing_if` for the flags of vocabulary 2: a flag left out is false, so a
/// payload without it keeps the canonical bytes it had in vocabulary 1.
fn is_false(flag: &bool) -> bool {
    !*flag
}

/// Reads a flag of vocabulary 2 that is `true` or left out (`attested`): `false` would be
/// a second way of writing "left out", and two spellings of one payload two hashes.
fn only_true<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match bool::deserialize(d)? {
        true => Ok(true),
        false => Err(serde::de::Error::custom(
            "is either `true` or left out (leave it out for a fact whose start the source gives)",
        )),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", deny_unknown_fields)]
pub enum Event {
    /// Names a thing. As of a date: the entity is known from then on.
    #[serde(rename = "entity.registered")]
    EntityRegistered(EntityRegistered),
    /// `member` belongs to `group` from `valid` on; `attested` (v2): the source says it is
    /// a member at `valid`, not that it joined then (decision 0006).
    #[serde(rename = "membership.joined")]
    MembershipJoined(Membership),
    /// `member` no longer belongs to `group` from `valid` on.
    #[serde(rename = "membership.left")]
    MembershipLeft(Membership),
    /// `holder` holds `role` in `group` for the term `valid`; `decided` (v2): the term was
    /// endorsed or announced then, before it began; `attested` (v2): the source says the
    /// role is held at `valid`, with no start or end (decision 0006).
    #[serde(rename = "role.assigned")]
    RoleAssigned(RoleAssigned),
    /// The term of `holder` as `role` ends at `valid`.
    #[serde(rename = "role.ended")]
    RoleEnded(RoleEnded),
    /// `person` speaks for `org` at `valid`.
    #[serde(rename = "person.represents")]
    PersonRepresents(PersonRepresents),
    /// A call to action or joint statement stands from `valid` on.
    #[serde(rename = "call.issued")]
    CallIssued(CallIssued),
    /// A set of items in force from `valid` on; setting it again is a revision. `attested`
    /// (v2): stated in force at `valid`, adoption not dated.
    #[serde(rename = "commitment.set")]
    CommitmentSet(CommitmentSet),
    /// The commitment is no longer in force from `valid` on.
    #[serde(rename = "commitment.withdrawn")]
    CommitmentWithdrawn(CommitmentWithdrawn),
    /// The instrument's status as of `valid`; `attested` (v2): the status is stated at
    /// `valid`, not begun then.
    #[serde(rename = "instrument.status")]
    InstrumentStatus(InstrumentStatus),
    /// A meeting held at `valid`.
    #[serde(rename = "meeting.held")]
    MeetingHeld(MeetingHeld),
    /// A publication released at `valid`; `attested` (v2): it exists at `valid`, release
    /// not dated (nothing is claimed before `valid`).
    #[serde(rename = "publication.released")]
    PublicationReleased(PublicationReleased),
    /// A figure reported at `valid` about `period`; the latest report per indicator counts.
    /// `subject` (v2): the entity the figure is about.
    #[serde(rename = "statistic.reported")]
    StatisticReported(StatisticReported),
    /// (v2) From `valid` on the entity is called `name` (and `acronym`, if given); earlier
    /// dates keep the earlier name.
    #[serde(rename = "entity.renamed")]
    EntityRenamed(EntityRenamed),
    /// (v2) More spellings of an entity's name, at every date; its name does not change.
    #[serde(rename = "entity.aliased")]
    EntityAliased(EntityAliased),
    /// The target stops counting from this event's transaction time on.
    #[serde(rename = "event.retracted")]
    EventRetracted(EventRetracted),
    /// The replacement counts instead of the target from this event's transaction time on.
    #[serde(rename = "event.corrected")]
    EventCorrected(EventCorrected),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRegistered {
    pub id: EntityId,
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub member: EntityId,
    pub group: EntityId,
    /// (v2, `membership.joined` only) a member at `valid`, join date unknown.
    #[serde(
        default,
        skip_serializing_if = "is_false",
        deserialize_with = "only_true"
    )]
    pub attested: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleAssigned {
    pub group: EntityId,
    pub holder: EntityId,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<EntityId>,
    /// (v2) Held at `valid`, start and end unknown.
    #[serde(
        default,
        skip_serializing_if = "is_false",
        deserialize_with = "only_true"
    )]
    pub attested: bool,
    /// (v2) EDTF: when the term was endorsed or announced, before it began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleEnded {
    pub group: EntityId,
    pub holder: EntityId,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRepresents {
    pub person: EntityId,
    pub org: EntityId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallIssued {
    pub call: EntityId,
    pub title: String,
    pub issuers: Vec<EntityId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addressees: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentSet {
    pub commitment: EntityId,
    pub owner: EntityId,
    pub title: String,
    pub items: Vec<String>,
    /// (v2) In force at `valid`, adoption date unknown.
    #[serde(
        default,
        skip_serializing_if = "is_false",
        deserialize_with = "only_true"
    )]
    pub attested: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentWithdrawn {
    pub commitment: EntityId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Where an instrument stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Proposed,
    Adopted,
    /// (v2) Published (in `published_in`, when given).
    Published,
    /// Entered into force.
    InForce,
    UnderRevision,
    /// (v2) Its revision has concluded (the revised text is adopted).
    RevisionConcluded,
    Revised,
    Repealed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Adopted => "adopted",
            Status::Published => "published",
            Status::InForce => "in_force",
            Status::UnderRevision => "under_revision",
            Status::RevisionConcluded => "revision_concluded",
            Status::Revised => "revised",
            Status::Repealed => "repealed",
        }
    }

    /// The vocabulary version that introduced the status.
    fn vocabulary(self) -> u32 {
        match self {
            Status::Published | Status::RevisionConcluded => 2,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentStatus {
    pub instrument: EntityId,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// (v2) Where it was published: "Official Journal of the European Union".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_in: Option<String>,
    /// (v2) The instruments it amends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amends: Vec<EntityId>,
    /// (v2) EDTF: the date by which it must be transposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transposition_deadline: Option<String>,
    /// (v2) The status is stated at `valid`, not begun then.
    #[serde(
        default,
        skip_serializing_if = "is_false",
        deserialize_with = "only_true"
    )]
    pub attested: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingHeld {
    pub meeting: EntityId,
    pub title: String,
    pub organisers: Vec<EntityId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<EntityId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicationReleased {
    pub publication: EntityId,
    pub title: String,
    pub publisher: EntityId,
    /// (v2) It exists at `valid`; when it was released is not known.
    #[serde(
        default,
        skip_serializing_if = "is_false",
        deserialize_with = "only_true"
    )]
    pub attested: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatisticReported {
    pub indicator: EntityId,
    pub label: String,
    pub value: Number,
    /// How the source qualifies the value: `approximately`, `at least`, `more than`,
    /// `up to`, `nearly`. Absent means the source gives the value as exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    pub unit: String,
    pub period: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<EntityId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// (v2) The entity the figure is about ("ICAT counts 30 members": `org:icat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<EntityId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRenamed {
    pub id: EntityId,
    pub name: String,
    /// The acronym from then on; left out, the entity has none from then on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityAliased {
    pub id: EntityId,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRetracted {
    pub target: EventId,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCorrected {
    pub target: EventId,
    pub replacement: Replacement,
    pub reason: String,
}

/// The event that counts in place of a corrected one. Its evidence is the correction's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    pub valid: String,
    #[serde(flatten)]
    pub event: Box<Event>,
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::EntityRegistered(_) => "entity.registered",
            Event::MembershipJoined(_) => "membership.joined",
            Event::MembershipLeft(_) => "membership.left",
            Event::RoleAssigned(_) => "role.assigned",
            Event::RoleEnded(_) => "role.ended",
            Event::PersonRepresents(_) => "person.represents",
            Event::CallIssued(_) => "call.issued",
            Event::CommitmentSet(_) => "commitment.set",
            Event::CommitmentWithdrawn(_) => "commitment.withdrawn",
            Event::InstrumentStatus(_) => "instrument.status",
            Event::MeetingHeld(_) => "meeting.held",
            Event::PublicationReleased(_) => "publication.released",
            Event::StatisticReported(_) => "statistic.reported",
            Event::EntityRenamed(_) => "entity.renamed",
            Event::EntityAliased(_) => "entity.aliased",
            Event::EventRetracted(_) => "event.retracted",
            Event::EventCorrected(_) => "event.corrected",
        }
    }

    /// Every kind name, for error messages and `--kind` validation.
    pub const KINDS: [&'static str; 17] = [
        "entity.registered",
        "membership.joined",
        "membership.left",
        "role.assigned",
        "role.ended",
        "person.represents",
        "call.issued",
        "commitment.set",
        "commitment.withdrawn",
        "instrument.status",
        "meeting.held",
        "publication.released",
        "statistic.reported",
        "entity.renamed",
        "entity.aliased",
        "event.retracted",
        "event.corrected",
    ];

    /// The payload as canonical JSON, exactly as stored and hashed.
    pub fn canonical_payload(&self) -> String {
        use crate::canonical::to_string;
        match self {
            Event::EntityRegistered(p) => to_string(p),
            Event::MembershipJoined(p) | Event::MembershipLeft(p) => to_string(p),
            Event::RoleAssigned(p) => to_string(p),
            Event::RoleEnded(p) => to_string(p),
            Event::PersonRepresents(p) => to_string(p),
            Event::CallIssued(p) => to_string(p),
            Event::CommitmentSet(p) => to_string(p),
            Event::CommitmentWithdrawn(p) => to_string(p),
            Event::InstrumentStatus(p) => to_string(p),
            Event::MeetingHeld(p) => to_string(p),
            Event::PublicationReleased(p) => to_string(p),
            Event::StatisticReported(p) => to_string(p),
            Event::EntityRenamed(p) => to_string(p),
            Event::EntityAliased(p) => to_string(p),
            Event::EventRetracted(p) => to_string(p),
            Event::EventCorrected(p) => to_string(p),
        }
    }

    /// Reads the payload of a `kind` straight into its variant. `None` for a kind not in
    /// the vocabulary. Only a JSON object is accepted, as `validate::check` demands.
    pub fn payload_from<'de, D: serde::Deserializer<'de>>(
        kind: &str,
        payload: D,
    ) -> Option<Result<Event, D::Error>> {
        fn object<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
            d: D,
        ) -> Result<T, D::Error> {
            d.deserialize_map(Object(std::marker::PhantomData))
        }
        /// Hands a map, and only a map, to `T`'s own `Deserialize` (which would also take
        /// an array for a struct).
        struct Object<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Object<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        let d = payload;
        Some(match kind {
            "entity.registered" => object(d).map(Event::EntityRegistered),
            "membership.joined" => object(d).map(Event::MembershipJoined),
            "membership.left" => object(d).map(Event::MembershipLeft),
            "role.assigned" => object(d).map(Event::RoleAssigned),
            "role.ended" => object(d).map(Event::RoleEnded),
            "person.represents" => object(d).map(Event::PersonRepresents),
            "call.issued" => object(d).map(Event::CallIssued),
            "commitment.set" => object(d).map(Event::CommitmentSet),
            "commitment.withdrawn" => object(d).map(Event::CommitmentWithdrawn),
            "instrument.status" => object(d).map(Event::InstrumentStatus),
            "meeting.held" => object(d).map(Event::MeetingHeld),
            "publication.released" => object(d).map(Event::PublicationReleased),
            "statistic.reported" => object(d).map(Event::StatisticReported),
            "entity.renamed" => object(d).map(Event::EntityRenamed),
            "entity.aliased" => object(d).map(Event::EntityAliased),
            "event.retracted" => object(d).map(Event::EventRetracted),
            "event.corrected" => object(d).map(Event::EventCorrected),
            _ => return None,
        })
    }

    /// The payload as its own JSON value (the `payload` field of an event line).
    pub fn payload_value(&self) -> serde_json::Value {
        let mut tagged = serde_json::to_value(self).expect("vocabulary serialises");
        tagged
            .as_object_mut()
            .and_then(|o| o.remove("payload"))
            .expect("adjacently tagged")
    }

    /// The vocabulary version whose fields, statuses or kind the payload uses, and the name
    /// of the first such thing: `(1, None)` for a payload version 1 could write. A line
    /// must say at least this version (`validate::check`); a correction's replacement is
    /// read in its correction's version.
    pub fn vocabulary_needed(&self) -> (u32, Option<&'static str>) {
        let v2 = |used: bool, what: &'static str| if used { (2, Some(what)) } else { (1, None) };
        match self {
            Event::MembershipJoined(m) | Event::MembershipLeft(m) => v2(m.attested, "`attested`"),
            Event::RoleAssigned(r) if r.attested => (2, Some("`attested`")),
            Event::RoleAssigned(r) => v2(r.decided.is_some(), "`decided`"),
            Event::CommitmentSet(c) => v2(c.attested, "`attested`"),
            Event::InstrumentStatus(s) => {
                if s.status.vocabulary() > 1 {
                    (
                        2,
                        Some(if s.status == Status::Published {
                            "the status `published`"
                        } else {
                            "the status `revision_concluded`"
                        }),
                    )
                } else if s.attested {
                    (2, Some("`attested`"))
                } else if s.published_in.is_some() {
                    (2, Some("`published_in`"))
                } else if !s.amends.is_empty() {
                    (2, Some("`amends`"))
                } else {
                    v2(
                        s.transposition_deadline.is_some(),
                        "`transposition_deadline`",
                    )
                }
            }
            Event::PublicationReleased(p) => v2(p.attested, "`attested`"),
            Event::StatisticReported(s) => v2(s.subject.is_some(), "`subject`"),
            Event::EntityRenamed(_) => (2, Some("the kind `entity.renamed`")),
            Event::EntityAliased(_) => (2, Some("the kind `entity.aliased`")),
            Event::EventCorrected(c) => c.replacement.event.vocabulary_needed(),
            _ => (1, None),
        }
    }

    /// Whether the fact is attested at its date rather than begun then (decision 0006).
    pub fn is_attested(&self) -> bool {
        match self {
            Event::MembershipJoined(m) => m.attested,
            Event::RoleAssigned(r) => r.attested,
            Event::CommitmentSet(c) => c.attested,
            Event::InstrumentStatus(s) => s.attested,
            Event::PublicationReleased(p) => p.attested,
            _ => false,
        }
    }

    /// Retractions and corrections speak about the log, not the world.
    pub fn is_meta(&self) -> bool {
        matches!(self, Event::EventRetracted(_) | Event::EventCorrected(_))
    }

    /// Other EDTF strings inside the payload, with their field names, to be validated.
    pub fn payload_dates(&self) -> Vec<(&'static str, &str)> {
        match self {
            Event::CallIssued(CallIssued {
                target: Some(t), ..
            }) => vec![("target", t.as_str())],
            Event::StatisticReported(s) => vec![("period", s.period.as_str())],
            Event::RoleAssigned(RoleAssigned {
                decided: Some(d), ..
            }) => vec![("decided", d.as_str())],
            Event::InstrumentStatus(InstrumentStatus {
                transposition_deadline: Some(t),
                ..
            }) => vec![("transposition_deadline", t.as_str())],
            Event::EventCorrected(c) => {
                let mut dates = vec![("replacement.valid", c.replacement.valid.as_str())];
                dates.extend(c.replacement.event.payload_dates());
                dates
            }
            _ => vec![],
        }
    }
}
