//! The entities a draft can name: those already known (by name, acronym or alias, with
//! "the Group" read as the group the text is about), and new ones the text introduces —
//! a "Full Name (ACRONYM)", an instrument ("... Directive"), an organisation named with
//! its head word ("... Council"), or a person or organisation in a pattern's slot. A new
//! entity gets the id convention of docs/vocabulary.md: `org:` + acronym, else a slug.

mod definitions;

use super::KnownEntity;
use super::names;

/// Words that make a capitalised run name an organisation.
pub(super) const ORG_HEADS: &[&str] = &[
    "Group",
    "Council",
    "Commission",
    "Assembly",
    "Forum",
    "Secretariat",
    "Section",
    "Office",
    "Organization",
    "Organisation",
    "Agency",
    "Committee",
    "Centre",
    "Center",
    "Institute",
    "Foundation",
    "Fund",
    "Programme",
    "Bank",
    "Parliament",
    "Ministry",
    "Department",
];

/// Words that make a capitalised run name an instrument.
pub(super) const INSTRUMENT_HEADS: &[&str] = &[
    "Directive",
    "Regulation",
    "Protocol",
    "Convention",
    "Act",
    "Treaty",
    "Charter",
];

/// Organisation names longer than this are not given an id: the convention shortens
/// them by judgement (events/README.md), which the extractor leaves to the curator.
pub(super) const MAX_NAME_WORDS: usize = 7;

/// An entity the draft registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntity {
    pub id: String,
    pub entity_type: &'static str,
    pub name: String,
    pub acronym: Option<String>,
    /// The span naming it, for the registration's quote.
    pub quote: (usize, usize),
}

/// An entity a slot names: its id, and its registration when it is new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub id: String,
    pub new: Option<NewEntity>,
}

/// One mention of an entity in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub id: String,
}

#[derive(Debug, Clone)]
struct Surface {
    text: String,
    /// Names of several words are matched whatever their case ("Group Against").
    any_case: bool,
    entity: usize,
}

/// Known and newly registered entities, and where the text names them.
pub struct Registry<'t> {
    text: &'t str,
    entities: Vec<KnownEntity>,
    surfaces: Vec<Surface>,
    /// The entity "the Group" stands for.
    group: Option<usize>,
}

impl<'t> Registry<'t> {
    pub fn new(text: &'t str, known: &[KnownEntity]) -> Registry<'t> {
        let mut registry = Registry {
            text,
            entities: Vec::new(),
            surfaces: Vec::new(),
            group: None,
        };
        for entity in known {
            registry.insert(entity.clone());
        }
        registry
    }

    fn insert(&mut self, entity: KnownEntity) {
        let index = self.entities.len();
        let mut forms: Vec<String> = vec![entity.name.clone()];
        forms.extend(entity.aliases.iter().cloned());
        let mut surfaces = Vec::new();
        for form in forms {
            for variant in variants(&form) {
                let any_case = variant.split_whitespace().count() >= 2;
                surfaces.push(Surface {
                    text: variant,
                    any_case,
                    entity: index,
                });
            }
        }
        if let Some(acronym) = &entity.acronym {
            surfaces.push(Surface {
                text: acronym.clone(),
                any_case: false,
                entity: index,
            });
        }
        if entity.entity_type == "person" {
            surfaces.extend(person_forms(&entity.name).into_iter().map(|text| Surface {
                text,
                any_case: false,
                entity: index,
            }));
        }
        self.surfaces.extend(surfaces);
        // Longest first, so that "UNODC Liaison Office" wins over "UNODC".
        self.surfaces.sort_by(|a, b| {
            b.text
                .len()
                .cmp(&a.text.len())
                .then(a.entity.cmp(&b.entity))
        });
        self.entities.push(entity);
    }

    /// Adds an entity the draft registers, so that later sentences find it.
    pub fn add(&mut self, new: &NewEntity) {
        if self.knows(&new.id) {
            return;
        }
        self.insert(KnownEntity {
            id: new.id.clone(),
            entity_type: new.entity_type.to_owned(),
            name: new.name.clone(),
            acronym: new.acronym.clone(),
            aliases: Vec::new(),
        });
    }

    pub fn knows(&self, id: &str) -> bool {
        self.entities.iter().any(|e| e.id == id)
    }

    pub fn get(&self, id: &str) -> Option<&KnownEntity> {
        self.entities.iter().find(|e| e.id == id)
    }

    /// Known entities of a type (calls, meetings: to leave out what is recorded already).
    pub fn of_type<'a>(&'a self, entity_type: &'a str) -> impl Iterator<Item = &'a KnownEntity> {
        self.entities
            .iter()
            .filter(move |e| e.entity_type == entity_type)
    }

    /// Decides what "the Group" stands for: the group named most often in the text.
    pub fn settle_group(&mut self) {
        let mut best: Option<(usize, usize)> = None;
        for (i, e) in self.entities.iter().enumerate() {
            if e.entity_type != "org" || !e.name.contains(" Group") {
                continue;
            }
            let count = self
                .mentions(0, self.text.len())
                .iter()
                .filter(|m| m.id == e.id)
                .count();
            if count > 0 && best.is_none_or(|(_, c)| count > c) {
                best = Some((i, count));
            }
        }
        self.group = best.map(|(i, _)| i);
    }

    /// The group the text is about, if it names one.
    pub fn group(&self) -> Option<&str> {
        self.group.map(|i| self.entities[i].id.as_str())
    }

    /// Every entity mention in `[start, end)`, longest first, without overlaps, in order.
    pub fn mentions(&self, start: usize, end: usize) -> Vec<Mention> {
        let hay = &self.text[start..end];
        let lower = hay.to_ascii_lowercase();
        let mut taken: Vec<Mention> = Vec::new();
        let add = |s: usize, e: usize, id: &str, taken: &mut Vec<Mention>| {
            if !bounded(hay, s, e)
                || taken
                    .iter()
                    .any(|m| s < m.end - start && m.start - start < e)
            {
                return;
            }
            taken.push(Mention {
                start: start + s,
                end: start + e,
                id: id.to_owned(),
            });
        };
        for surface in &self.surfaces {
            let id = &self.entities[surface.entity].id;
            if surface.any_case {
                let needle = surface.text.to_ascii_lowercase();
                for (s, _) in lower.match_indices(&needle) {
                    add(s, s + needle.len(), id, &mut taken);
                }
            } else {
                for (s, _) in hay.match_indices(&surface.text) {
                    add(s, s + surface.text.len(), id, &mut taken);
                }
            }
        }
        if let Some(group) = self.group {
            for (s, m) in hay.match_indices("the Group") {
                add(s + 4, s + m.len(), &self.entities[group].id, &mut taken);
            }
        }
        taken.sort_by_key(|m| m.start);
        taken
    }

    /// The organisation a slot `[start, end)` names, known or new; `None` when the slot
    /// holds no name the extractor is sure of.
    pub fn org(&self, start: usize, end: usize) -> Option<Resolved> {
        self.resolve(start, end, "org")
    }

    /// The instrument a slot names.
    pub fn instrument(&self, start: usize, end: usize) -> Option<Resolved> {
        self.resolve(start, end, "instrument")
    }

    fn resolve(&self, start: usize, end: usize, entity_type: &'static str) -> Option<Resolved> {
        let (start, end) = self.trim(start, end);
        if start >= end {
            return None;
        }
        let span = &self.text[start..end];
        if let Some(id) = self.whole_mention(start, end) {
            return Some(Resolved { id, new: None });
        }
        // "the Interagency Coordination Group ... (ICAT)": the acronym decides.
        if let Some(open) = span.rfind(" (")
            && span.ends_with(')')
            && names::is_acronym(&span[open + 2..span.len() - 1])
            && let Some(id) = self.whole_mention(start + open + 2, end - 1)
            && names::runs(&span[..open]).len() == 1
            && match self.mentions(start, start + open).as_slice() {
                [] => true,
                [m] => m.id == id && m.start == start && m.end == start + open,
                _ => false,
            }
        {
            return Some(Resolved { id, new: None });
        }
        if names::is_acronym(span) {
            // A bare acronym: spelt out somewhere in the text, or registered as written
            // (events/README.md: "only the acronyms occur ... no expansion is guessed").
            let spelt = names::runs(self.text)
                .into_iter()
                .find(|r| names::initials_fit(span, &self.text[r.start..r.end]));
            let (name, quote) = match spelt {
                Some(r) => (self.text[r.start..r.end].to_owned(), (r.start, r.end)),
                None => (span.to_owned(), (start, end)),
            };
            let id = format!("{entity_type}:{}", names::slug(span));
            return Some(self.new_entity(id, entity_type, name, Some(span.to_owned()), quote));
        }
        let runs = names::runs(span);
        let [run] = runs.as_slice() else { return None };
        if run.start != 0 || run.end != span.len() || run.words.len() > MAX_NAME_WORDS {
            return None;
        }
        // "ICMPD and UNODC" is two names.
        if let Some((a, b)) = span.split_once(" and ") {
            let named = |part: &str, at: usize| {
                names::is_acronym(part) || self.whole_mention(at, at + part.len()).is_some()
            };
            if named(a, start) || named(b, end - b.len()) {
                return None;
            }
        }
        // A single capitalised word ("It", "She") is no name the extractor can be sure of.
        if names::looks_like_person(span) || run.words.len() < 2 {
            return None;
        }
        if entity_type == "instrument" && !is_instrument_name(span) {
            return None;
        }
        // The fullest form the text gives ("Order of Malta" → "Sovereign Order of Malta").
        let (name, quote) = self
            .fullest(span)
            .unwrap_or((span.to_owned(), (start, end)));
        if let Some(id) = self.whole_mention(quote.0, quote.1) {
            return Some(Resolved { id, new: None });
        }
        let acronym = self.acronym_for(&name);
        let id = format!(
            "{entity_type}:{}",
            names::slug(acronym.as_deref().unwrap_or(&name))
        );
        Some(self.new_entity(id, entity_type, name, acronym, quote))
    }

    /// The person a slot names, known or new.
    pub fn person(&self, start: usize, end: usize) -> Option<Resolved> {
        let (start, end) = self.trim(start, end);
        if start < end
            && let Some(id) = self.whole_mention(start, end)
        {
            return id
                .starts_with("person:")
                .then_some(Resolved { id, new: None });
        }
        let start = start + names::honorifics(&self.text[start..end]);
        if start >= end {
            return None;
        }
        if let Some(id) = self.whole_mention(start, end) {
            return id
                .starts_with("person:")
                .then_some(Resolved { id, new: None });
        }
        let name = &self.text[start..end];
        if !names::looks_like_person(name)
            || self
                .mentions(start, end)
                .iter()
                .any(|m| !m.id.starts_with("person:"))
        {
            return None;
        }
        let id = format!("person:{}", names::slug(name));
        Some(self.new_entity(id, "person", name.to_owned(), None, (start, end)))
    }

    fn new_entity(
        &self,
        id: String,
        entity_type: &'static str,
        name: String,
        acronym: Option<String>,
        quote: (usize, usize),
    ) -> Resolved {
        if self.knows(&id) {
            return Resolved { id, new: None };
        }
        Resolved {
            new: Some(NewEntity {
                id: id.clone(),
                entity_type,
                name,
                acronym,
                quote,
            }),
            id,
        }
    }

    /// The id of the entity named by exactly `[start, end)` (a name, or a name followed
    /// by its acronym in parentheses).
    fn whole_mention(&self, start: usize, end: usize) -> Option<String> {
        if let Some(group) = self.group
            && &self.text[start..end] == "Group"
            && self.text[..start].ends_with("the ")
        {
            return Some(self.entities[group].id.clone());
        }
        let found = self.mentions(start, end);
        match found.as_slice() {
            [m] if m.start == start && m.end == end => Some(m.id.clone()),
            [a, b] if a.id == b.id && a.start == start && b.end + 1 == end => {
                let between = &self.text[a.end..b.start];
                (between.trim() == "(" && self.text[b.end..end].starts_with(')'))
                    .then(|| a.id.clone())
            }
            _ => None,
        }
    }

    /// A span without the words around a name: "the", "its", a possessive, "members",
    /// punctuation.
    fn trim(&self, start: usize, end: usize) -> (usize, usize) {
        let span = &self.text[start..end];
        let lead = span.len() - span.trim_start().len();
        let mut s = start + lead;
        s += names::leading_noise(&self.text[s..end]);
        let mut e = s + self.text[s..end].trim_end().len();
        loop {
            let t = &self.text[s..e];
            let cut = t
                .strip_suffix(" members")
                .or_else(|| t.strip_suffix(" Members"))
                .map(str::len)
                .or_else(|| {
                    t.ends_with([',', '.', ';', ':', '-', '—'])
                        .then(|| t.len() - t.chars().last().map_or(0, char::len_utf8))
                })
                .or_else(|| {
                    let bare = names::without_possessive(t);
                    (bare.len() < t.len()).then_some(bare.len())
                });
            match cut {
                Some(n) if n < t.len() => e = s + t[..n].trim_end().len(),
                _ => break,
            }
        }
        (s, e)
    }

    /// A longer name of the text that ends with `name`, the shortest of them, and where
    /// it stands.
    fn fullest(&self, name: &str) -> Option<(String, (usize, usize))> {
        let suffix = format!(" {name}");
        names::runs(self.text)
            .into_iter()
            .filter(|r| {
                let run = &self.text[r.start..r.end];
                // One name, not a list ("IOM and Walk Free") nor one holding another.
                r.words.len() <= MAX_NAME_WORDS
                    && run.ends_with(&suffix)
                    && !run.contains(" and ")
                    && self.mentions(r.start, r.end).is_empty()
            })
            .min_by_key(|r| r.end - r.start)
            .map(|r| (self.text[r.start..r.end].to_owned(), (r.start, r.end)))
    }

    /// An acronym written somewhere in the text whose initials are those of `name`.
    fn acronym_for(&self, name: &str) -> Option<String> {
        names::words(self.text)
            .into_iter()
            .map(|w| &self.text[w.start..w.end])
            .find(|w| names::is_acronym(w) && names::initials_fit(w, name))
            .map(str::to_owned)
    }
}

/// Whether `[s, e)` of `hay` is a whole word or phrase.
fn bounded(hay: &str, s: usize, e: usize) -> bool {
    let before = hay[..s].chars().next_back();
    let after = hay[e..].chars().next();
    before.is_none_or(|c| !c.is_alphanumeric() && c != '-')
        && after.is_none_or(|c| !c.is_alphanumeric() && c != '-')
}

/// Spellings under which a name may appear: as registered, without "The", with "EU"
/// and "UN" spelt out or shortened.
fn variants(name: &str) -> Vec<String> {
    let mut out = vec![name.to_owned()];
    if let Some(rest) = name.strip_prefix("The ") {
        out.push(rest.to_owned());
    }
    for (long, short) in [
        ("European Union", "EU"),
        ("United Nations", "UN"),
        ("Co-operation", "Cooperation"),
    ] {
        for form in out.clone() {
            if form.contains(long) {
                out.push(form.replace(long, short));
            } else if form.split_whitespace().any(|w| w == short) {
                out.push(form.replacen(&format!("{short} "), &format!("{long} "), 1));
            }
        }
    }
    out.retain(|v| v.chars().count() >= 2);
    out.dedup();
    out
}

/// How a text refers again to a person already named: "Ms. Fischer", "Mr. Richey",
/// "Dr. M'jid", "V. Richey".
fn person_forms(name: &str) -> Vec<String> {
    let parts: Vec<&str> = name.split_whitespace().collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return Vec::new();
    };
    if parts.len() < 2 {
        return Vec::new();
    }
    let mut out: Vec<String> = ["Ms.", "Mr.", "Mrs.", "Dr.", "Ms", "Mr", "Mrs", "Dr"]
        .iter()
        .map(|h| format!("{h} {last}"))
        .collect();
    if let Some(initial) = first.chars().next() {
        out.push(format!("{initial}. {last}"));
    }
    out
}

fn is_instrument_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    words.iter().any(|w| INSTRUMENT_HEADS.contains(w))
        && !words.iter().any(|w| ORG_HEADS.contains(w))
}

#[cfg(test)]
mod tests;
