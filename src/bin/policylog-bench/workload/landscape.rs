//! The world being generated, one event at a time: who is registered, who is a member of
//! which group, whose term it is, what each commitment lists, which instrument stands
//! where. Each step appends one event (after the registrations it needs).

use std::collections::{HashSet, VecDeque};

use chrono::{Datelike, Days, NaiveDate};
use serde_json::{Value, json};

use super::rng::{Rng, mix};
use super::source::{BODIES, SourceDoc, Topic, title_case};
use super::{POOL, Shape};

/// An event line, ready to write.
pub struct Line {
    pub kind: &'static str,
    pub value: Value,
}

const FIRST: i32 = 0;
/// 1990-01-01 .. 2025-12-31 as day offsets.
const LAST: i32 = 13_148;

fn date(day: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1990, 1, 1)
        .expect("a date")
        .checked_add_days(Days::new(day.clamp(FIRST, LAST) as u64))
        .expect("in range")
}

/// A `valid` value for a point fact on `day`, at any precision the log accepts.
fn point(day: i32, rng: &mut Rng) -> String {
    let d = date(day);
    let r = rng.unit();
    if r < 0.55 {
        d.format("%Y-%m-%d").to_string()
    } else if r < 0.80 {
        d.format("%Y-%m").to_string()
    } else if r < 0.90 {
        d.format("%Y").to_string()
    } else if r < 0.94 {
        d.format("%Y-%m~").to_string()
    } else if r < 0.96 {
        d.format("%Y~").to_string()
    } else if r < 0.98 {
        d.format("%Y-%m-%d?").to_string()
    } else {
        format!("{}/{}", d.year() - 1, d.year())
    }
}

#[derive(Clone, Copy, Default)]
struct Pair {
    member: bool,
    /// Day of the pair's last event (0 = none yet).
    cursor: i32,
}

struct Commitment {
    owner: usize,
    items: Vec<String>,
    cursor: i32,
    withdrawn: bool,
}

/// The world being generated: who is registered, who is a member, what stands.
pub struct Landscape {
    shape: Shape,
    rng: Rng,
    next_id: usize,
    registered: HashSet<String>,
    pairs: Vec<Pair>,
    cochairs: usize,
    coordinators: Vec<Option<(usize, i32)>>,
    instruments: Vec<(usize, i32)>,
    indicators: Vec<i32>,
    calls: Vec<(String, usize)>,
    commitments: Vec<Commitment>,
    meetings: usize,
    publications: usize,
    /// Recent world events (id, kind, payload), the targets of retractions and corrections.
    recent: VecDeque<(String, &'static str, Value)>,
    targeted: HashSet<String>,
}

/// Of every 10,000 events (the rest are joins and departures).
const WEIGHTS: [(Choice, usize); 12] = [
    (Choice::CoChair, 300),
    (Choice::Coordinator, 60),
    (Choice::Represents, 500),
    (Choice::Call, 400),
    (Choice::CommitmentSet, 700),
    (Choice::CommitmentWithdrawn, 30),
    (Choice::Instrument, 400),
    (Choice::Statistic, 1100),
    (Choice::Meeting, 700),
    (Choice::Publication, 500),
    (Choice::Retract, 5),
    (Choice::Correct, 5),
];

#[derive(Clone, Copy)]
enum Choice {
    Membership,
    CoChair,
    Coordinator,
    Represents,
    Call,
    CommitmentSet,
    CommitmentWithdrawn,
    Instrument,
    Statistic,
    Meeting,
    Publication,
    Retract,
    Correct,
}

const STATUSES: [&str; 6] = [
    "proposed",
    "adopted",
    "in_force",
    "under_revision",
    "revised",
    "in_force",
];

const ITEMS: [&str; 12] = [
    "Building the evidence base",
    "Addressing the core drivers of trafficking",
    "Protecting and assisting victims",
    "Strengthening criminal justice responses",
    "Engaging survivors in policy making",
    "Preventing trafficking in supply chains",
    "Improving identification at borders",
    "Countering online recruitment",
    "Ensuring access to remedies",
    "Coordinating data collection across agencies",
    "Training labour inspectors",
    "Supporting child victims",
];

impl Landscape {
    pub fn new(shape: Shape, rng: Rng) -> Landscape {
        Landscape {
            shape,
            rng,
            next_id: 0,
            registered: HashSet::new(),
            pairs: vec![Pair::default(); shape.groups * POOL],
            cochairs: 0,
            coordinators: vec![None; shape.groups],
            instruments: vec![(0, 0); shape.instruments],
            indicators: vec![0; shape.indicators],
            calls: Vec::new(),
            commitments: Vec::new(),
            meetings: 0,
            publications: 0,
            recent: VecDeque::new(),
            targeted: HashSet::new(),
        }
    }

    /// Appends the next event to `out`, preceded by the registrations it needs.
    pub fn step(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) {
        let mut roll = self.rng.below(10_000);
        let mut choice = Choice::Membership;
        for (c, w) in WEIGHTS {
            if roll < w {
                choice = c;
                break;
            }
            roll -= w;
        }
        let made = match choice {
            Choice::Membership => false,
            Choice::CoChair => self.cochair(doc, out).is_some(),
            Choice::Coordinator => self.coordinator(doc, out),
            Choice::Represents => self.represents(doc, out),
            Choice::Call => self.call(doc, out),
            Choice::CommitmentSet => self.commitment(doc, out),
            Choice::CommitmentWithdrawn => self.withdraw(doc, out).is_some(),
            Choice::Instrument => self.instrument(doc, out),
            Choice::Statistic => self.statistic(doc, out),
            Choice::Meeting => self.meeting(doc, out),
            Choice::Publication => self.publication(doc, out),
            Choice::Retract => self.retract(out).is_some(),
            Choice::Correct => self.correct(doc, out).is_some(),
        };
        if !made {
            self.membership(doc, out);
        }
    }

    fn event(
        &mut self,
        kind: &'static str,
        valid: String,
        payload: Value,
        quote: Option<String>,
    ) -> Line {
        let id = format!("e{:08}", self.next_id);
        self.next_id += 1;
        let mut value = json!({"id": id, "kind": kind, "valid": valid, "payload": payload});
        if let Some(q) = quote {
            value["quote"] = Value::String(q);
        }
        if !matches!(
            kind,
            "entity.registered" | "event.retracted" | "event.corrected"
        ) {
            self.recent.push_back((id, kind, value["payload"].clone()));
            if self.recent.len() > 2000 {
                self.recent.pop_front();
            }
        }
        Line { kind, value }
    }

    /// The id, registering it first (into `out`) if this is its first use.
    fn known(&mut self, id: String, doc: &SourceDoc, out: &mut Vec<Line>) -> String {
        if self.registered.insert(id.clone()) {
            let (kind, slug) = id.split_once(':').expect("type:slug");
            let digits: String = slug.chars().filter(char::is_ascii_digit).collect();
            let number: usize = digits.parse().unwrap_or(0);
            let mut payload = match kind {
                "org" if slug.starts_with("grp") => json!({
                    "name": format!("{} {number}", title_case(BODIES[number % BODIES.len()])),
                    "acronym": format!("GRP-{number}"),
                }),
                "org" => json!({"name": format!("Organisation {number}")}),
                "person" => json!({"name": format!("Delegate {number}")}),
                _ => json!({"name": format!("Instrument {number} on trafficking in persons")}),
            };
            payload["id"] = json!(id);
            payload["type"] = json!(kind);
            if self.rng.chance(0.1) {
                payload["aliases"] = json!([format!("{kind} {number}")]);
            }
            let quote = doc.quote(Topic::Registration, &mut self.rng);
            let line = self.event(
                "entity.registered",
                doc.published.clone(),
                payload,
                Some(quote),
            );
            out.push(line);
        }
        id
    }

    fn group(&mut self, g: usize, doc: &SourceDoc, out: &mut Vec<Line>) -> String {
        self.known(Shape::group_id(g), doc, out)
    }

    fn org(&mut self, o: usize, doc: &SourceDoc, out: &mut Vec<Line>) -> String {
        self.known(format!("org:org-{o:05}"), doc, out)
    }

    /// The `slot`-th organisation of group `g`'s pool.
    fn pool_org(&self, g: usize, slot: usize) -> usize {
        (mix((g * POOL + slot) as u64) % self.shape.orgs as u64) as usize
    }

    fn random_day(&mut self) -> i32 {
        self.rng.below(LAST as usize + 1) as i32
    }

    /// The day after `cursor` by about `mean` days (a random day if none yet or past the end).
    fn after(&mut self, cursor: i32, mean: usize) -> i32 {
        let day = if cursor == 0 {
            self.rng.below(3650) as i32
        } else {
            cursor + 1 + self.rng.below(2 * mean) as i32
        };
        if day > LAST { self.random_day() } else { day }
    }

    fn membership(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) {
        let (g, slot) = (self.rng.below(self.shape.groups), self.rng.below(POOL));
        let o = self.pool_org(g, slot);
        let pair = self.pairs[g * POOL + slot];
        let day = self.after(pair.cursor, 740);
        let leaving = pair.member && self.rng.chance(0.85);
        self.pairs[g * POOL + slot] = Pair {
            member: !leaving,
            cursor: day,
        };
        let group = self.group(g, doc, out);
        let member = self.org(o, doc, out);
        let kind = if leaving {
            "membership.left"
        } else {
            "membership.joined"
        };
        let valid = point(day, &mut self.rng);
        let quote = doc.quote(Topic::Membership, &mut self.rng);
        let line = self.event(
            kind,
            valid,
            json!({"group": group, "member": member}),
            Some(quote),
        );
        out.push(line);
    }

    /// Two co-chairs a year per group, from its founding year on, round-robin over groups.
    fn cochair(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> Option<()> {
        let k = self.cochairs / 2;
        let g = k % self.shape.groups;
        let year = 1990 + (mix(g as u64) % 12) as usize + k / self.shape.groups;
        if year > 2025 {
            return None;
        }
        self.cochairs += 1;
        let group = self.group(g, doc, out);
        let slot = self.rng.below(POOL);
        let holder = self.org(self.pool_org(g, slot), doc, out);
        let mut payload = json!({"group": group, "holder": holder, "role": "co-chair"});
        if self.rng.chance(0.2) {
            let p = self.rng.below(self.shape.persons);
            payload["representative"] = json!(self.known(format!("person:p-{p:05}"), doc, out));
        }
        let quote = doc.quote(Topic::Role, &mut self.rng);
        let line = self.event("role.assigned", year.to_string(), payload, Some(quote));
        out.push(line);
        Some(())
    }

    /// An open coordinator term (`YYYY-MM/..`), or the end of the current one.
    fn coordinator(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> bool {
        let g = self.rng.below(self.shape.groups);
        let group = self.group(g, doc, out);
        let quote = doc.quote(Topic::Role, &mut self.rng);
        let line = match self.coordinators[g] {
            Some((o, start)) => {
                let end = self.after(start, 1500).max(start + 31);
                self.coordinators[g] = None;
                let holder = self.org(o, doc, out);
                let valid = date(end).format("%Y-%m").to_string();
                self.event(
                    "role.ended",
                    valid,
                    json!({"group": group, "holder": holder, "role": "coordinator"}),
                    Some(quote),
                )
            }
            None => {
                let slot = self.rng.below(POOL);
                let o = self.pool_org(g, slot);
                let start = self.random_day().min(LAST - 400);
                self.coordinators[g] = Some((o, start));
                let holder = self.org(o, doc, out);
                let valid = format!("{}/..", date(start).format("%Y-%m"));
                self.event(
                    "role.assigned",
                    valid,
                    json!({"group": group, "holder": holder, "role": "coordinator"}),
                    Some(quote),
                )
            }
        };
        out.push(line);
        true
    }

    fn represents(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> bool {
        let p = self.rng.below(self.shape.persons);
        let o = self.rng.below(self.shape.orgs);
        let person = self.known(format!("person:p-{p:05}"), doc, out);
        let org = self.org(o, doc, out);
        let mut payload = json!({"person": person, "org": org});
        if self.rng.chance(0.5) {
            payload["title"] =
                json!(
                    self.rng
                        .pick(&["Head of Delegation", "Special Envoy", "Focal Point"])
                );
        }
        let day = self.random_day();
        let valid = point(day, &mut self.rng);
        let quote = doc.quote(Topic::Representation, &mut self.rng);
        let line = self.event("person.represents", valid, payload, Some(quote));
        out.push(line);
        true
    }

    fn call(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> bool {
        let g = self.rng.below(self.shape.groups);
        // Some calls are reported again by a later document (same id, maybe another date).
        let (call, title) = if !self.calls.is_empty() && self.rng.chance(0.15) {
            let (call, _) = self.calls[self.rng.below(self.calls.len())].clone();
            let title = format!("Call to action {}", &call[7..]);
            (call, title)
        } else {
            let call = format!("call:c-{:06}", self.calls.len());
            self.calls.push((call.clone(), g));
            let title = format!("Call to action {}", &call[7..]);
            (call, title)
        };
        let mut issuers = vec![self.group(g, doc, out)];
        if self.rng.chance(0.4) {
            let o = self.rng.below(self.shape.orgs);
            issuers.push(self.org(o, doc, out));
        }
        let n = 3 + self.rng.below(4);
        let actions: Vec<&str> = (0..n).map(|_| *self.rng.pick(&ITEMS)).collect();
        let mut payload = json!({
            "call": call, "title": title, "issuers": issuers,
            "action_count": n + self.rng.below(3), "actions": actions,
        });
        if self.rng.chance(0.5) {
            payload["target"] = json!((2025 + self.rng.below(6)).to_string());
        }
        if self.rng.chance(0.3) {
            payload["addressees"] = json!(["member states", "the private sector"]);
        }
        let day = self.random_day();
        let valid = point(day, &mut self.rng);
        let quote = doc.quote(Topic::Call, &mut self.rng);
        let line = self.event("call.issued", valid, payload, Some(quote));
        out.push(line);
        true
    }

    /// A new commitment, or a revision of one (same id, its item list changed).
    fn commitment(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> bool {
        let revise = !self.commitments.is_empty() && self.rng.chance(0.65);
        let c = if revise {
            let c = self.rng.below(self.commitments.len());
            let day = self.after(self.commitments[c].cursor, 900);
            let items = &mut self.commitments[c].items;
            let changed = self.rng.below(items.len());
            items[changed] = format!("{} (revised)", ITEMS[self.rng.below(ITEMS.len())]);
            if items.len() > 3 && self.rng.chance(0.3) {
                items.remove(self.rng.below(items.len()));
            } else if self.rng.chance(0.4) {
                items.push(ITEMS[self.rng.below(ITEMS.len())].to_owned());
            }
            self.commitments[c].cursor = day;
            self.commitments[c].withdrawn = false;
            c
        } else {
            let owner = self.rng.below(self.shape.groups);
            let n = 3 + self.rng.below(4);
            let items = (0..n)
                .map(|_| ITEMS[self.rng.below(ITEMS.len())].to_owned())
                .collect();
            let cursor = self.random_day();
            self.commitments.push(Commitment {
                owner,
                items,
                cursor,
                withdrawn: false,
            });
            self.commitments.len() - 1
        };
        let owner = self.group(self.commitments[c].owner, doc, out);
        let payload = json!({
            "commitment": format!("commitment:cm-{c:06}"),
            "owner": owner,
            "title": format!("Priority areas {c}"),
            "items": self.commitments[c].items,
        });
        let valid = point(self.commitments[c].cursor, &mut self.rng);
        let quote = doc.quote(Topic::Commitment, &mut self.rng);
        let line = self.event("commitment.set", valid, payload, Some(quote));
        out.push(line);
        true
    }

    fn withdraw(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> Option<()> {
        if self.commitments.is_empty() {
            return None;
        }
        let c = self.rng.below(self.commitments.len());
        if self.commitments[c].withdrawn {
            return None;
        }
        let day = self.after(self.commitments[c].cursor, 900);
        self.commitments[c].withdrawn = true;
        self.commitments[c].cursor = day;
        let valid = point(day, &mut self.rng);
        let quote = doc.quote(Topic::Commitment, &mut self.rng);
        let line = self.event(
            "commitment.withdrawn",
            valid,
            json!({"commitment": format!("commitment:cm-{c:06}"), "reason": "superseded by a new strategy"}),
            Some(quote),
        );
        out.push(line);
        Some(())
    }

    /// The instrument's status moves one step along its life cycle.
    fn instrument(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> bool {
        let i = self.rng.below(self.shape.instruments);
        let (step, cursor) = self.instruments[i];
        let day = self.after(cursor, 1200);
        self.instruments[i] = (step + 1, day);
        let id = self.known(format!("instrument:ins-{i:04}"), doc, out);
        let mut payload = json!({"instrument": id, "status": STATUSES[step % STATUSES.len()]});
        if self.rng.chance(0.3) {
            payload["note"] = json!("following the review conference");
        }
        let valid = point(day, &mut self.rng);
        let quote = doc.quote(Topic::Instrument, &mut self.rng);
        let line = self.event("instrument.status", valid, payload, Some(quote));
        out.push(line);
        true
    }

    fn statistic(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> bool {
        let i = self.rng.below(self.shape.indicators);
        let day = self.after(self.indicators[i], 400);
        self.indicators[i] = day;
        let year = date(day).year();
        let period = match self.rng.below(10) {
            0 => format!("{}/{}", year - 3, year - 1),
            1 => format!("{}-{:02}", year - 1, 1 + self.rng.below(12)),
            _ => (year - 1).to_string(),
        };
        let g = self.rng.below(self.shape.groups);
        let mut payload = json!({
            "indicator": format!("indicator:ind-{i:04}"),
            "label": format!("Detected victims, indicator {i}"),
            "value": self.rng.below(100_000),
            "unit": *self.rng.pick(&["persons", "cases", "percent"]),
            "period": period,
            "reported_by": self.group(g, doc, out),
        });
        if self.rng.chance(0.2) {
            payload["qualifier"] = json!(*self.rng.pick(&["approximately", "at least", "nearly"]));
        }
        if self.rng.chance(0.15) {
            payload["scope"] = json!("global");
        }
        let valid = point(day, &mut self.rng);
        let quote = doc.quote(Topic::Statistic, &mut self.rng);
        let line = self.event("statistic.reported", valid, payload, Some(quote));
        out.push(line);
        true
    }

    fn meeting(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> bool {
        let m = self.meetings;
        self.meetings += 1;
        let g = self.rng.below(self.shape.groups);
        let organisers = vec![self.group(g, doc, out)];
        let participants: Vec<String> = (0..2 + self.rng.below(4))
            .map(|_| {
                let slot = self.rng.below(POOL);
                let o = self.pool_org(g, slot);
                self.org(o, doc, out)
            })
            .collect();
        let mut payload = json!({
            "meeting": format!("meeting:m-{m:06}"),
            "title": format!("Plenary meeting {m}"),
            "organisers": organisers,
            "participants": participants,
        });
        if self.rng.chance(0.6) {
            payload["place"] = json!(*self.rng.pick(&["Vienna", "Geneva", "New York", "Brussels"]));
        }
        let day = self.random_day();
        let valid = point(day, &mut self.rng);
        let quote = doc.quote(Topic::Meeting, &mut self.rng);
        let line = self.event("meeting.held", valid, payload, Some(quote));
        out.push(line);
        true
    }

    fn publication(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> bool {
        let p = self.publications;
        self.publications += 1;
        let g = self.rng.below(self.shape.groups);
        let payload = json!({
            "publication": format!("publication:pub-{p:06}"),
            "title": format!("Issue brief {p} on trafficking in persons"),
            "publisher": self.group(g, doc, out),
        });
        let day = self.random_day();
        let valid = point(day, &mut self.rng);
        let quote = doc.quote(Topic::Publication, &mut self.rng);
        let line = self.event("publication.released", valid, payload, Some(quote));
        out.push(line);
        true
    }

    /// A recent world event not yet retracted or corrected.
    fn target(&mut self) -> Option<(String, &'static str, Value)> {
        for _ in 0..8 {
            if self.recent.is_empty() {
                return None;
            }
            let i = self.rng.below(self.recent.len());
            let (id, kind, payload) = self.recent[i].clone();
            if self.targeted.insert(id.clone()) {
                return Some((id, kind, payload));
            }
        }
        None
    }

    fn retract(&mut self, out: &mut Vec<Line>) -> Option<()> {
        let (target, _, _) = self.target()?;
        let day = self.random_day();
        let valid = date(day).format("%Y-%m-%d").to_string();
        let line = self.event(
            "event.retracted",
            valid,
            json!({"target": target, "reason": "the source was misread"}),
            None,
        );
        out.push(line);
        Some(())
    }

    /// Corrects the date of a recent event, keeping its payload.
    fn correct(&mut self, doc: &SourceDoc, out: &mut Vec<Line>) -> Option<()> {
        let (target, kind, payload) = self.target()?;
        let day = self.random_day();
        let replacement_valid = if kind == "role.assigned" {
            date(day).format("%Y").to_string()
        } else {
            point(day, &mut self.rng)
        };
        let quote = doc.quote(Topic::Correction, &mut self.rng);
        let line = self.event(
            "event.corrected",
            doc.published.clone(),
            json!({
                "target": target,
                "replacement": {"kind": kind, "valid": replacement_valid, "payload": payload},
                "reason": "a later report gives another date",
            }),
            Some(quote),
        );
        out.push(line);
        Some(())
    }
}
