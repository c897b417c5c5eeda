//! The sections of a landscape: what `state` lists (one table each in `--format csv`),
//! what `diff` compares, and the first part of every fold key. One type for all of them;
//! the names and numbers below are what users, the JSON contracts and stored logs read.

use crate::event::Event;

/// A section of the landscape, in the order `state` lists them (and fold keys sort).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Members,
    Roles,
    Representatives,
    Calls,
    Commitments,
    Instruments,
    Statistics,
    Meetings,
    Publications,
}

impl Section {
    /// Every section, in the order `state` lists them.
    pub const ALL: [Section; 9] = [
        Section::Members,
        Section::Roles,
        Section::Representatives,
        Section::Calls,
        Section::Commitments,
        Section::Instruments,
        Section::Statistics,
        Section::Meetings,
        Section::Publications,
    ];

    /// The sections `diff` compares, in its fixed order (MODEL.md §6): all but the
    /// representatives, whose attestations are not changes of the landscape.
    pub const COMPARED: [Section; 8] = [
        Section::Members,
        Section::Roles,
        Section::Calls,
        Section::Commitments,
        Section::Instruments,
        Section::Statistics,
        Section::Meetings,
        Section::Publications,
    ];

    /// The section's name: `state --format csv --section NAME`, its table's file name.
    pub fn name(self) -> &'static str {
        match self {
            Section::Members => "members",
            Section::Roles => "roles",
            Section::Representatives => "representatives",
            Section::Calls => "calls",
            Section::Commitments => "commitments",
            Section::Instruments => "instruments",
            Section::Statistics => "statistics",
            Section::Meetings => "meetings",
            Section::Publications => "publications",
        }
    }

    pub fn parse(text: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.name() == text)
    }

    /// Its name in a diff (`diff --section NAME`, the `name` of a diff's section in JSON):
    /// the members' changes are the `membership`'s.
    pub fn diff_name(self) -> &'static str {
        match self {
            Section::Members => "membership",
            other => other.name(),
        }
    }

    /// The compared section of this diff name.
    pub fn parse_diff_name(text: &str) -> Option<Section> {
        Section::COMPARED
            .into_iter()
            .find(|s| s.diff_name() == text)
    }

    /// The number a log keeps for the section in `fact_keys`: frozen, as the rows are.
    pub fn number(self) -> u8 {
        self as u8
    }
}

impl std::fmt::Display for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The section a fact belongs to and the key it is folded under: a membership pair, a role
/// holder, a representation, a call, ... (none for registrations and retractions or
/// corrections, which no section shows).
pub fn fold_key(event: &Event) -> Option<(Section, String)> {
    Some(match event {
        Event::MembershipJoined(m) | Event::MembershipLeft(m) => {
            (Section::Members, format!("{}\u{0}{}", m.group, m.member))
        }
        Event::RoleAssigned(r) => (
            Section::Roles,
            format!("{}\u{0}{}\u{0}{}", r.group, r.role, r.holder),
        ),
        Event::RoleEnded(r) => (
            Section::Roles,
            format!("{}\u{0}{}\u{0}{}", r.group, r.role, r.holder),
        ),
        Event::PersonRepresents(p) => (
            Section::Representatives,
            format!(
                "{}\u{0}{}\u{0}{}",
                p.person,
                p.org,
                p.title.as_deref().unwrap_or("")
            ),
        ),
        Event::CallIssued(c) => (Section::Calls, c.call.to_string()),
        Event::CommitmentSet(c) => (Section::Commitments, c.commitment.to_string()),
        Event::CommitmentWithdrawn(c) => (Section::Commitments, c.commitment.to_string()),
        Event::InstrumentStatus(i) => (Section::Instruments, i.instrument.to_string()),
        Event::StatisticReported(s) => (Section::Statistics, s.indicator.to_string()),
        Event::MeetingHeld(m) => (Section::Meetings, m.meeting.to_string()),
        Event::PublicationReleased(p) => (Section::Publications, p.publication.to_string()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_numbers_are_the_order_of_the_sections() {
        // Logs keep these numbers in `fact_keys.section`: they may never change.
        let numbers: Vec<u8> = Section::ALL.iter().map(|s| s.number()).collect();
        assert_eq!(numbers, (0..9).collect::<Vec<u8>>());
    }

    #[test]
    fn names_read_back_and_diff_names_are_the_compared_sections() {
        for s in Section::ALL {
            assert_eq!(Section::parse(s.name()), Some(s));
        }
        let names: Vec<&str> = Section::COMPARED.map(Section::diff_name).to_vec();
        assert_eq!(
            names,
            [
                "membership",
                "roles",
                "calls",
                "commitments",
                "instruments",
                "statistics",
                "meetings",
                "publications"
            ]
        );
        assert_eq!(Section::parse_diff_name("representatives"), None);
        assert_eq!(Section::parse_diff_name("members"), None);
    }
}
