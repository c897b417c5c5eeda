//! `append`, `retract` and `correct`: one event each, validated exactly like `ingest`.

use std::io::{IsTerminal, Read};
use std::path::Path;

use serde_json::{Value, json};

use crate::error::{Error, Location, Problem, Result};
use crate::event::EventLine;
use crate::event::pairs::payload_from_pairs;
use crate::event::validate::parse_line;
use crate::ingest::{Added, Session};
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The event line as JSON (`-` reads standard input, as does giving neither --json
    /// nor --kind).
    #[arg(long, conflicts_with_all = ["kind", "id", "valid", "quote", "set"])]
    json: Option<String>,
    /// Event kind, e.g. membership.joined.
    #[arg(long)]
    kind: Option<String>,
    /// Event id (derived from the content when omitted).
    #[arg(long)]
    id: Option<String>,
    /// Valid time, EDTF: 2020-04, 2023, 2019/2020, 2020-12/..
    #[arg(long)]
    valid: Option<String>,
    /// Source document: its sha256 or a unique prefix of it.
    #[arg(long)]
    source: Option<String>,
    /// The verbatim sentence of the source that supports the event.
    #[arg(long)]
    quote: Option<String>,
    /// A payload field, key=value (repeat, each field once). The value is taken as text,
    /// as string, id and date fields need it (`period=2022` is the string "2022"); only a
    /// field that needs a number, a list, an object or true/false reads it as JSON
    /// (`value=35`, `issuers='["org:icat"]'`). A value written as a JSON string
    /// (`period='"2022"'`) is that string.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Refuse to append unless the log head hash is this, or starts with these digits (at
    /// least 12; optimistic concurrency).
    #[arg(long, value_name = "HASH")]
    expect_head: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RetractArgs {
    /// The id of the event to retract.
    target: String,
    /// Why (kept in the log).
    #[arg(long)]
    reason: String,
    /// Id of the retraction event (derived when omitted).
    #[arg(long)]
    id: Option<String>,
    /// Optional evidence: a source document (sha256 or prefix) ...
    #[arg(long, requires = "quote")]
    source: Option<String>,
    /// ... and the sentence of it that shows the target was wrong.
    #[arg(long, requires = "source")]
    quote: Option<String>,
    #[arg(long, value_name = "HASH")]
    expect_head: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CorrectArgs {
    /// The id of the event to correct.
    target: String,
    /// The replacement as JSON: any of `kind`, `valid`, `payload`, `source`, `quote`;
    /// what is left out is taken from the target.
    #[arg(long)]
    json: String,
    /// Why (kept in the log).
    #[arg(long)]
    reason: String,
    /// Id of the correction event (derived when omitted).
    #[arg(long)]
    id: Option<String>,
    #[arg(long, value_name = "HASH")]
    expect_head: Option<String>,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let what = if args.json.is_some() {
        "--json"
    } else if args.kind.is_some() {
        "flags"
    } else {
        "standard input"
    };
    let at = Location::Argument { what, event: None };
    let line = match (&args.json, &args.kind) {
        (Some(json), _) if json != "-" => {
            parse_line(json).map_err(|p| Error::input(at.clone(), p))?
        }
        (None, Some(kind)) => {
            let payload = payload_from_pairs(kind, &args.set).map_err(Error::Usage)?;
            EventLine {
                id: args.id.clone(),
                kind: kind.clone(),
                // The line is the tool's, not the user's: it says the version its fields need.
                version: version_needed(kind, &payload),
                valid: args
                    .valid
                    .clone()
                    .ok_or_else(|| Error::Usage("--valid is required with --kind".into()))?,
                payload,
                source: args.source.clone(),
                quote: args.quote.clone(),
                recorded_at: None,
                recorded_by: None,
            }
        }
        _ => {
            if std::io::stdin().is_terminal() {
                return Err(Error::Usage(
                    "give the event as --json '{...}', as flags (--kind, --valid, ...), or on standard input".into(),
                ));
            }
            // One event line: anything longer is refused, so that `append < /dev/zero`
            // ends instead of filling memory.
            let limit = crate::event::validate::MAX_LINE_BYTES as u64;
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(limit + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io("standard input", e))?;
            if bytes.len() as u64 > limit {
                return Err(Error::input(
                    at.clone(),
                    Problem::MalformedJson(format!(
                        "the input is longer than {limit} bytes; give one event line"
                    )),
                ));
            }
            let text = String::from_utf8(bytes).map_err(|e| {
                Error::input(
                    at.clone(),
                    Problem::MalformedJson(format!("the input is not UTF-8 ({e})")),
                )
            })?;
            parse_line(text.trim()).map_err(|p| Error::input(at.clone(), p))?
        }
    };
    if line.recorded_at.is_some() || line.recorded_by.is_some() {
        let at = match &line.id {
            Some(id) => at.with_event(id),
            None => at,
        };
        return Err(Error::input(
            at,
            Problem::RecordedAt(
                "`append` stamps `recorded_at`/`recorded_by` itself; remove them from the line"
                    .into(),
            ),
        ));
    }
    let mut line = line;
    if args.json.is_some() && args.source.is_some() {
        line.source = args.source.clone();
    }
    append_line(db, line, at, args.expect_head.as_deref())
}

pub fn retract(db: &Path, args: RetractArgs) -> Result<()> {
    let line = EventLine {
        id: args.id,
        kind: "event.retracted".into(),
        version: None,
        valid: crate::date::day_string(crate::date::today()),
        payload: json!({"target": args.target, "reason": args.reason}),
        source: args.source,
        quote: args.quote,
        recorded_at: None,
        recorded_by: None,
    };
    append_line(
        db,
        line,
        Location::Argument {
            what: "retract",
            event: None,
        },
        args.expect_head.as_deref(),
    )
}

pub fn correct(db: &Path, args: CorrectArgs) -> Result<()> {
    let at = Location::Argument {
        what: "--json",
        event: None,
    };
    let replacement: Value = serde_json::from_str(&args.json)
        .map_err(|e| Error::input(at.clone(), Problem::MalformedJson(e.to_string())))?;
    crate::event::json_text::check(&args.json)
        .map_err(|e| Error::input(at.clone(), Problem::BadField(e)))?;
    let Value::Object(mut fields) = replacement else {
        return Err(Error::input(
            at,
            Problem::MalformedJson("the replacement must be a JSON object".into()),
        ));
    };
    if let Some(extra) = fields
        .keys()
        .find(|k| !["kind", "valid", "payload", "source", "quote"].contains(&k.as_str()))
    {
        return Err(Error::input(
            at,
            Problem::BadField(format!("unknown replacement field `{extra}`")),
        ));
    }
    let target = super::open_read(db)?.event(&args.target)?.ok_or_else(|| {
        Error::NotFound(format!(
            "no event `{}` in the log; `policylog log` lists them",
            args.target
        ))
    })?;
    let mut take = |key: &str, default: Value| fields.remove(key).unwrap_or(default);
    let kind = take("kind", json!(target.kind));
    let valid = take("valid", json!(target.valid));
    let payload = take(
        "payload",
        serde_json::from_str(&target.payload).unwrap_or(Value::Null),
    );
    let source = take("source", json!(target.source));
    let quote = take("quote", json!(target.quote));
    let as_string = |v: &Value, name: &str| -> Result<Option<String>> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(Error::input(
                Location::Argument {
                    what: "--json",
                    event: None,
                },
                Problem::BadField(format!("`{name}` must be a string")),
            )),
        }
    };
    let payload = json!({
        "target": args.target,
        "replacement": {"kind": kind, "valid": valid, "payload": payload},
        "reason": args.reason,
    });
    let line = EventLine {
        id: args.id,
        kind: "event.corrected".into(),
        // The correction says the version its replacement needs (a correction's version
        // is its replacement's): the target's fields it keeps, and those given.
        version: version_needed("event.corrected", &payload),
        valid: as_string(&valid, "valid")?.unwrap_or_default(),
        payload,
        source: as_string(&source, "source")?,
        quote: as_string(&quote, "quote")?,
        recorded_at: None,
        recorded_by: None,
    };
    append_line(
        db,
        line,
        Location::Argument {
            what: "correct",
            event: None,
        },
        args.expect_head.as_deref(),
    )
}

/// The vocabulary version a line the tool writes needs, when it is later than 1 (`None`:
/// the line says none, which is 1). A payload that does not read is left to validation,
/// which names what is wrong.
fn version_needed(kind: &str, payload: &Value) -> Option<u32> {
    let event =
        crate::event::upcast::from_value(kind, crate::event::VOCABULARY_VERSION, payload.clone())
            .ok()?;
    let (needed, _) = event.vocabulary_needed();
    (needed > 1).then_some(needed)
}

fn append_line(
    db: &Path,
    mut line: EventLine,
    at: Location,
    expect_head: Option<&str>,
) -> Result<()> {
    let mut store = super::open_write(db)?;
    if let Some(given) = line.source.take() {
        line.source = Some(resolve_source(&store, &given, &at)?);
    }
    let added = {
        let mut session = Session::begin(&mut store, crate::clock::recorder())?;
        if let Some(expected) = expect_head {
            check_expected_head(expected, &session.head().hash)?;
        }
        let added = session.add(line, None, &at)?;
        session.commit()?;
        added
    };
    match added {
        Added::New(e) => super::out(&format!(
            "appended seq {} id {} hash {}\n",
            e.seq, e.id, e.hash
        )),
        Added::Present(e) => super::out(&format!(
            "already in the log: seq {} id {} hash {} (nothing appended)\n",
            e.seq, e.id, e.hash
        )),
    }
}

/// Digits of the head hash `--expect-head` needs at least: the prefix `verify
/// --expect-head` takes too, and what a 12-digit `head` abbreviation gives.
const MIN_HEAD_PREFIX: usize = 12;

/// `--expect-head`: the head hash, or a prefix of it of at least 12 hex digits (one head,
/// so any such prefix is unambiguous).
fn check_expected_head(expected: &str, head: &str) -> Result<()> {
    let given = expected.trim().to_ascii_lowercase();
    if given.is_empty() || given.len() > 64 || !given.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::Usage(format!(
            "--expect-head `{expected}` is not a hash: give the hex digits `policylog head` prints"
        )));
    }
    if given.len() < MIN_HEAD_PREFIX {
        return Err(Error::Usage(format!(
            "--expect-head `{expected}` is too short: give at least {MIN_HEAD_PREFIX} hex digits of the head hash (`policylog head` prints it)"
        )));
    }
    if !head.starts_with(&given) {
        return Err(Error::HeadMoved {
            expected: expected.to_owned(),
            actual: head.to_owned(),
        });
    }
    Ok(())
}

/// A full sha256 or a unique prefix of one.
fn resolve_source(store: &Store, given: &str, at: &Location) -> Result<String> {
    let bad = |msg: String| Error::input(at.clone(), Problem::UnknownDocument(msg));
    if given.len() < 6 {
        return Err(bad(format!(
            "`source` `{given}` is too short: give at least 6 hex digits of the sha256"
        )));
    }
    let found = store.documents_by_prefix(given)?;
    match found.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(bad(format!(
            "no document in the log has a sha256 starting with `{given}`; `policylog documents` lists them"
        ))),
        _ => Err(bad(format!(
            "`{given}` matches more than one document; give more digits"
        ))),
    }
}
