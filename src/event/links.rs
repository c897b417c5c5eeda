//! What an event points at: the entity it brings into being, every entity its payload
//! names (with the field it sits in), and the event it retracts or corrects. The write
//! path resolves these against the log and the batch; the fold follows them.

use super::Event;
use crate::entity::{EntityId, EntityType, EventId};

/// A reference from a payload to an entity, with the field it sits in.
pub struct Reference<'a> {
    pub field: &'static str,
    pub id: &'a EntityId,
}

impl Event {
    /// The entity this event creates: registered by name, or declared by the event that
    /// brings the thing into being (a call by its issuing, a meeting by being held, ...).
    pub fn declares(&self) -> Option<(&EntityId, EntityType)> {
        match self {
            Event::EntityRegistered(e) => Some((&e.id, e.entity_type)),
            Event::CallIssued(e) => Some((&e.call, EntityType::Call)),
            Event::CommitmentSet(e) => Some((&e.commitment, EntityType::Commitment)),
            Event::MeetingHeld(e) => Some((&e.meeting, EntityType::Meeting)),
            Event::PublicationReleased(e) => Some((&e.publication, EntityType::Publication)),
            Event::StatisticReported(e) => Some((&e.indicator, EntityType::Indicator)),
            Event::EventCorrected(e) => e.replacement.event.declares(),
            _ => None,
        }
    }

    /// Every entity the payload refers to (including the one it declares).
    pub fn references(&self) -> Vec<Reference<'_>> {
        let mut refs = Vec::new();
        self.collect_references(&mut refs);
        refs
    }

    fn collect_references<'a>(&'a self, refs: &mut Vec<Reference<'a>>) {
        let mut add = |field: &'static str, id: &'a EntityId| refs.push(Reference { field, id });
        match self {
            Event::EntityRegistered(e) => add("id", &e.id),
            Event::MembershipJoined(e) | Event::MembershipLeft(e) => {
                add("member", &e.member);
                add("group", &e.group);
            }
            Event::RoleAssigned(e) => {
                add("group", &e.group);
                add("holder", &e.holder);
                if let Some(p) = &e.representative {
                    add("representative", p);
                }
            }
            Event::RoleEnded(e) => {
                add("group", &e.group);
                add("holder", &e.holder);
            }
            Event::PersonRepresents(e) => {
                add("person", &e.person);
                add("org", &e.org);
            }
            Event::CallIssued(e) => {
                add("call", &e.call);
                e.issuers.iter().for_each(|i| add("issuers", i));
            }
            Event::CommitmentSet(e) => {
                add("commitment", &e.commitment);
                add("owner", &e.owner);
            }
            Event::CommitmentWithdrawn(e) => add("commitment", &e.commitment),
            Event::InstrumentStatus(e) => {
                add("instrument", &e.instrument);
                e.amends.iter().for_each(|i| add("amends", i));
            }
            Event::MeetingHeld(e) => {
                add("meeting", &e.meeting);
                e.organisers.iter().for_each(|i| add("organisers", i));
                e.participants.iter().for_each(|i| add("participants", i));
            }
            Event::PublicationReleased(e) => {
                add("publication", &e.publication);
                add("publisher", &e.publisher);
            }
            Event::StatisticReported(e) => {
                add("indicator", &e.indicator);
                if let Some(r) = &e.reported_by {
                    add("reported_by", r);
                }
                if let Some(s) = &e.subject {
                    add("subject", s);
                }
            }
            Event::EntityRenamed(e) => add("id", &e.id),
            Event::EntityAliased(e) => add("id", &e.id),
            Event::EventRetracted(_) => {}
            Event::EventCorrected(e) => e.replacement.event.collect_references(refs),
        }
    }

    /// The event this one retracts or corrects.
    pub fn target(&self) -> Option<&EventId> {
        match self {
            Event::EventRetracted(e) => Some(&e.target),
            Event::EventCorrected(e) => Some(&e.target),
            _ => None,
        }
    }
}
