//! What each SQL view of the log is for, in words a tool shows beside it (Datasette's
//! titles, descriptions and suggested facets): kept here, beside the SQL of `sql/`, so
//! that a view and its description change together. `docs/sql.md` says the same at
//! length. And the log's objects as they are, read from `sqlite_schema`, so that a table
//! a later schema adds is told apart from the views without a list of names to update.

use super::Store;
use crate::error::Result;

/// A column a reader narrows a view's rows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    /// One value per row.
    Column(&'static str),
    /// A JSON array of values per row (schema 13): each value counts on its own.
    Array(&'static str),
}

impl Facet {
    pub fn column(self) -> &'static str {
        match self {
            Facet::Column(c) | Facet::Array(c) => c,
        }
    }
}

/// One view, described.
#[derive(Debug)]
pub struct ViewGuide {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub facets: &'static [Facet],
    /// What a column means, for the columns of this view only (`COMMON_COLUMNS` has the
    /// ones many views share).
    pub columns: &'static [(&'static str, &'static str)],
}

/// The columns whose values are JSON arrays of ids (schema 13, `0013_view_lists.sql`).
pub const LIST_COLUMNS: &[(&str, &str)] = &[
    ("calls", "issuers"),
    ("calls", "addressees"),
    ("instrument_status", "amends"),
    ("meetings", "organisers"),
    ("meetings", "participants"),
];

/// Columns several views share, meaning the same in each (docs/sql.md, "Conventions").
pub const COMMON_COLUMNS: &[(&str, &str)] = &[
    (
        "event",
        "the event id, for `policylog history` or `policylog log`",
    ),
    ("source", "the sha256 of the source document"),
    ("source_title", "the title of the source document"),
    ("quote", "the words of the source that say it"),
    (
        "certainty",
        "certain, possible or attested (stated at its date, start not given)",
    ),
    (
        "certainty_from",
        "first day it is certain (ISO; NULL: never certain)",
    ),
    (
        "certainty_to",
        "last day it is certain (ISO; NULL: open or never certain)",
    ),
    ("valid_from", "first day it may hold (ISO; NULL: open)"),
    ("valid_to", "last day it may hold (ISO; NULL: open)"),
    (
        "attested",
        "1: a source states it at its date without dating its start",
    ),
    (
        "superseded_from",
        "first day a later record takes over (exclusive; NULL: still in force)",
    ),
    ("superseded_by", "the event that takes over"),
];

/// Every view of the current schema, in the order a reader meets them.
pub const VIEW_GUIDES: &[ViewGuide] = &[
    ViewGuide {
        name: "memberships",
        title: "Memberships",
        description: "One row per membership.joined: who joined which group, from when, \
                      until the first later membership.left, with its certainty and evidence.",
        facets: &[Facet::Column("group_name"), Facet::Column("certainty")],
        columns: &[
            ("joined", "the join date as the source gives it (EDTF)"),
            (
                "departed",
                "the date of the membership.left that ended it (EDTF)",
            ),
        ],
    },
    ViewGuide {
        name: "roles",
        title: "Roles",
        description: "One row per role.assigned: who held which role in which group, over \
                      which days, cut short by the first later role.ended.",
        facets: &[
            Facet::Column("group_name"),
            Facet::Column("role"),
            Facet::Column("certainty"),
        ],
        columns: &[
            ("term", "the term as the source gives it (EDTF)"),
            (
                "representative_name",
                "the person the source names in the seat",
            ),
            ("decided", "when the term was endorsed or announced (EDTF)"),
        ],
    },
    ViewGuide {
        name: "calls",
        title: "Calls and joint statements",
        description: "One row per call.issued: its issuers and addressees (JSON arrays of \
                      ids), the actions it lists and when it was issued.",
        facets: &[Facet::Array("issuers"), Facet::Array("addressees")],
        columns: &[
            ("issuers", "who issued it: a JSON array of entity ids"),
            ("addressees", "whom it addresses: a JSON array"),
            ("actions", "the actions the text lists: a JSON array"),
            ("issued", "the date it was issued (EDTF)"),
        ],
    },
    ViewGuide {
        name: "commitment_items",
        title: "Commitment items",
        description: "One row per item of each commitment.set, by revision and position: \
                      what an owner committed to, in force until the next version.",
        facets: &[Facet::Column("owner_name"), Facet::Column("commitment_id")],
        columns: &[
            ("revision", "1 for the first version, in valid-time order"),
            ("position", "the item's place in its version (1, 2, ...)"),
        ],
    },
    ViewGuide {
        name: "instrument_status",
        title: "Instrument statuses",
        description: "One row per instrument.status: where a law or instrument stood (proposed, \
                      adopted, in force, under revision, ...) from when until the next status.",
        facets: &[Facet::Column("instrument_name"), Facet::Column("status")],
        columns: &[
            ("since", "the date of the status (EDTF)"),
            ("amends", "the instruments it amends: a JSON array of ids"),
            ("transposition_deadline", "EDTF"),
        ],
    },
    ViewGuide {
        name: "statistics",
        title: "Statistics",
        description: "One row per statistic.reported: a figure about a period, who reported it \
                      and when; the latest report per indicator has no superseded_from.",
        facets: &[
            Facet::Column("indicator_id"),
            Facet::Column("unit"),
            Facet::Column("reported_by_name"),
        ],
        columns: &[
            ("period", "what the figure is about (EDTF)"),
            ("reported", "when it was reported (EDTF)"),
        ],
    },
    ViewGuide {
        name: "meetings",
        title: "Meetings",
        description: "One row per meeting.held: its organisers and participants (JSON arrays \
                      of ids), place and date.",
        facets: &[
            Facet::Array("organisers"),
            Facet::Array("participants"),
            Facet::Column("place"),
        ],
        columns: &[
            ("organisers", "a JSON array of entity ids"),
            ("participants", "a JSON array of entity ids"),
            ("held", "the date it was held (EDTF)"),
        ],
    },
    ViewGuide {
        name: "publications",
        title: "Publications",
        description: "One row per publication.released: what was published, by whom, when.",
        facets: &[Facet::Column("publisher_name")],
        columns: &[("released", "the release date (EDTF)")],
    },
    ViewGuide {
        name: "representatives",
        title: "Representatives",
        description: "One row per person.represents: who spoke for which organisation, with \
                      what title, when attested.",
        facets: &[Facet::Column("org_name")],
        columns: &[("attested", "the date the source attests it at (EDTF)")],
    },
    ViewGuide {
        name: "names",
        title: "Entities",
        description: "Every registered entity by id, with its name now, acronym, label and \
                      aliases (a JSON array).",
        facets: &[Facet::Column("type")],
        columns: &[("label", "the acronym, else the name")],
    },
    ViewGuide {
        name: "name_periods",
        title: "Names over time",
        description: "What each renamed entity was called, from which day to which.",
        facets: &[],
        columns: &[],
    },
    ViewGuide {
        name: "live_facts",
        title: "Facts that count",
        description: "Every fact that counts (retractions and corrections applied), with its \
                      days: the base of the other views.",
        facets: &[Facet::Column("kind")],
        columns: &[("payload", "the event's payload (JSON)")],
    },
];

/// The guide of the view `name`, if the binary describes it.
pub fn view_guide(name: &str) -> Option<&'static ViewGuide> {
    VIEW_GUIDES.iter().find(|g| g.name == name)
}

/// The log's tables and views as `sqlite_schema` holds them.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// Every table: the log's own, the derived ones, an R*Tree's shadow tables and
    /// SQLite's. Internal: a reader asks the views.
    pub tables: Vec<String>,
    /// Every view with its columns, in their order.
    pub views: Vec<(String, Vec<String>)>,
}

impl Store {
    /// The tables and views of the log, each set in name order.
    pub fn catalogue(&self) -> Result<Catalogue> {
        self.read(|| {
            let names = |kind: &str| -> Result<Vec<String>> {
                let mut stmt = self
                    .conn
                    .prepare("SELECT name FROM sqlite_schema WHERE type = ? ORDER BY name")?;
                let rows = stmt.query_map([kind], |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            };
            let mut columns = self
                .conn
                .prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid")?;
            let mut views = Vec::new();
            for view in names("view")? {
                let rows = columns.query_map([&view], |r| r.get(0))?;
                views.push((view, rows.collect::<rusqlite::Result<_>>()?));
            }
            Ok(Catalogue {
                tables: names("table")?,
                views,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every view the schema makes is described, and each guide names only columns its
    /// view has: a view added or a column renamed without its words fails here.
    #[test]
    fn every_view_has_a_guide_naming_its_own_columns() {
        let store = Store::in_memory().unwrap();
        let catalogue = store.catalogue().unwrap();
        assert_eq!(catalogue.views.len(), VIEW_GUIDES.len());
        for (view, columns) in &catalogue.views {
            let guide = view_guide(view).unwrap_or_else(|| panic!("no guide for {view}"));
            let named = guide
                .facets
                .iter()
                .map(|f| f.column())
                .chain(guide.columns.iter().map(|c| c.0));
            for column in named {
                assert!(columns.iter().any(|c| c == column), "{view}.{column}");
            }
        }
        for (view, column) in LIST_COLUMNS {
            let (_, columns) = catalogue.views.iter().find(|v| v.0 == *view).unwrap();
            assert!(columns.iter().any(|c| c == column), "{view}.{column}");
        }
        assert!(catalogue.tables.iter().any(|t| t == "events"));
        assert!(!catalogue.tables.iter().any(|t| t == "calls"));
    }
}
