//! The JSON routes. Each checks its parameters into typed values, then reads the store on
//! a blocking thread; bodies are byte for byte what the CLI prints with `--format json`.
//! `state`, `diff` and `timeline` are folds of the whole log, so their bodies are cached
//! for the log head they were computed at.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::body::pretty;
use super::cancel::Cancel;
use super::params::Params;
use super::{ApiError, App, HEAVY_AT_ONCE, HEAVY_RETRY_AFTER, HEAVY_WAIT};
use crate::date::{ValidTime, day_string, today};
use crate::event::Event;
use crate::projection::Section;
use crate::query::nearest_ids;
use crate::store::{EventFilter, Store};
use crate::suggest::did_you_mean;

/// `/api/log` pages: this many events unless `limit` says otherwise, and never more than
/// `MAX_LOG_LIMIT`.
pub const DEFAULT_LOG_LIMIT: i64 = 1000;
pub const MAX_LOG_LIMIT: i64 = 10_000;

/// `GET /api/health`: the log head, as `policylog head --json` prints it.
pub async fn health(State(app): State<App>, params: Params) -> Result<Response, ApiError> {
    params.only(&[])?;
    let head = app.inner.pool.read(|store, _| Ok(store.head()?)).await?;
    Ok(json(format!(
        "{}\n",
        serde_json::json!({"seq": head.seq, "hash": head.hash})
    )))
}

/// `GET /api/state?as_of=&known_at=&reported_by=&group=`: `policylog state --format json`.
pub async fn state(State(app): State<App>, params: Params) -> Result<Response, ApiError> {
    params.only(&["as_of", "known_at", "reported_by", "group"])?;
    let day = params.day("as_of")?.unwrap_or_else(today);
    let knowledge = params.knowledge()?;
    let group = params.one("group")?.map(str::to_owned);
    let key = format!(
        "state?as_of={}&{}&group={}",
        day_string(day),
        knowledge.key(),
        group.as_deref().unwrap_or("")
    );
    cached(&app, key, move |store, cancel| {
        let knowledge = knowledge.resolve(store)?;
        if let Some(group) = &group
            && !store.entity_known(group)?
        {
            return Err(ApiError::bad(
                "group",
                format!(
                    "no group `{group}` in the log{} (ids look like org:icat)",
                    did_you_mean(&nearest_ids(store, group)?)
                ),
            ));
        }
        let land = crate::query::state_at(store, day, knowledge, group.as_deref())?;
        pretty(&land, cancel)
    })
    .await
}

/// `GET /api/diff?from=&to=&section=&known_at=&reported_by=`: `policylog diff --format json`.
pub async fn diff(State(app): State<App>, params: Params) -> Result<Response, ApiError> {
    params.only(&["from", "to", "section", "known_at", "reported_by"])?;
    let from = params.required_day("from")?;
    let to = params.required_day("to")?;
    if from > to {
        return Err(ApiError::bad(
            "from",
            format!(
                "{} is after to ({}); give the earlier date as from",
                day_string(from),
                day_string(to)
            ),
        ));
    }
    let section = params.one("section")?.map(str::to_owned);
    let only = section.as_deref().map(Section::parse_diff_name);
    if let (Some(s), Some(None)) = (&section, only) {
        return Err(ApiError::bad(
            "section",
            format!(
                "`{s}` is not a section; one of {}",
                Section::COMPARED.map(Section::diff_name).join(", ")
            ),
        ));
    }
    let only = only.flatten();
    let knowledge = params.knowledge()?;
    let key = format!(
        "diff?from={}&to={}&section={}&{}",
        day_string(from),
        day_string(to),
        section.as_deref().unwrap_or(""),
        knowledge.key()
    );
    cached(&app, key, move |store, cancel| {
        let knowledge = knowledge.resolve(store)?;
        let diff = crate::query::diff_at(store, from, to, knowledge, only)?;
        pretty(&diff, cancel)
    })
    .await
}

/// `GET /api/log?kind=&entity=&source=&from=&to=&limit=&after=`: `policylog log --format
/// json`, one page at a time (the next page starts `after` the last seq).
pub async fn log(State(app): State<App>, params: Params) -> Result<Response, ApiError> {
    params.only(&["kind", "entity", "source", "from", "to", "limit", "after"])?;
    let kinds = params.all("kind");
    if let Some(kind) = kinds.iter().find(|k| !Event::KINDS.contains(&k.as_str())) {
        return Err(ApiError::bad(
            "kind",
            format!("`{kind}` is not a kind; one of {}", Event::KINDS.join(", ")),
        ));
    }
    // `from` is a valid time whose first day starts the range, `to` a date read as its
    // last day (`from=2023&to=2023` is the whole year): a range that ends before it
    // begins is a mistake, not a question whose answer is nothing.
    let from = params
        .one("from")?
        .map(|t| ValidTime::parse(t).map_err(|e| ApiError::bad("from", e)))
        .transpose()?
        .and_then(|v| v.from());
    let to = params.day("to")?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(ApiError::bad(
            "from",
            format!(
                "{} is after to ({}); give the earlier date as from",
                day_string(from),
                day_string(to)
            ),
        ));
    }
    let valid_from = from.map(day_string);
    let valid_to = to.map(day_string);
    let filter = EventFilter {
        kinds,
        entity: params.one("entity")?.map(str::to_owned),
        source: params.one("source")?.map(str::to_owned),
        valid_from,
        valid_to,
        after: params.number("after", 0, i64::MAX)?,
        upto: None,
        limit: Some(
            params
                .number("limit", 1, MAX_LOG_LIMIT)?
                .unwrap_or(DEFAULT_LOG_LIMIT),
        ),
    };
    let body = app
        .inner
        .pool
        .read(move |store, cancel| {
            let mut filter = filter;
            if let Some(entity) = &filter.entity
                && !store.entity_known(entity)?
            {
                return Err(ApiError::bad(
                    "entity",
                    format!(
                        "no entity `{entity}` in the log{} (ids look like org:iom)",
                        did_you_mean(&nearest_ids(store, entity)?)
                    ),
                ));
            }
            if let Some(prefix) = filter.source.take() {
                filter.source = Some(source(store, &prefix)?);
            }
            let mut events = Vec::new();
            store.for_each_event(&filter, |e| {
                events.push(e.to_json());
                Ok(())
            })?;
            pretty(&events, cancel)
        })
        .await?;
    Ok(json(body))
}

/// A document named by its sha256 or a unique prefix of it.
fn source(store: &Store, prefix: &str) -> Result<String, ApiError> {
    match store.documents_by_prefix(prefix)?.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(ApiError::bad(
            "source",
            format!("no document with a sha256 starting with `{prefix}`"),
        )),
        _ => Err(ApiError::bad(
            "source",
            format!("`{prefix}` matches several documents; give more digits"),
        )),
    }
}

/// `GET /api/entities/{id}`: `policylog history ID --json`.
pub async fn entity(
    State(app): State<App>,
    Path(id): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let body = app
        .inner
        .pool
        .read(move |store, cancel| pretty(&crate::query::history(store, &id)?, cancel))
        .await?;
    Ok(json(body))
}

/// `GET /api/documents/{sha256}`: a document's metadata, as `policylog documents --format
/// json` lists it, and its text (quote offsets in events count characters of it). The
/// path takes the sha256 or a prefix of it that names one document, as the CLI does.
pub async fn document(
    State(app): State<App>,
    Path(given): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
    if given.is_empty() || given.len() > 64 || !given.chars().all(hex) {
        return Err(ApiError::bad(
            "sha256",
            format!("`{given}` is not a sha256 or a prefix of one (1 to 64 lower-case hex digits)"),
        ));
    }
    let body = app
        .inner
        .pool
        .read(move |store, cancel| {
            let sha = match store.documents_by_prefix(&given)?.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(ApiError::not_found(format!(
                        "no document in the log has a sha256 starting with {given}"
                    )));
                }
                // The store looks for two: enough to know the prefix is ambiguous.
                [first, second, ..] => {
                    return Err(ApiError::bad(
                        "sha256",
                        format!(
                            "`{given}` starts the sha256 of more than one document, among them \
                             {first} and {second}; give more digits"
                        ),
                    ));
                }
            };
            let doc = store.document(sha.as_str())?.ok_or_else(|| {
                ApiError::not_found(format!("no document with sha256 {sha} in the log"))
            })?;
            let mut value = serde_json::to_value(&doc).expect("serialises");
            value["text"] = doc.text.into();
            pretty(&value, cancel)
        })
        .await?;
    Ok(json(body))
}

/// `GET /api/timeline?known_at=&reported_by=`: every fact that counts, with its valid-time
/// span, for the page to draw.
pub async fn timeline(State(app): State<App>, params: Params) -> Result<Response, ApiError> {
    params.only(&["known_at", "reported_by"])?;
    let knowledge = params.knowledge()?;
    let key = format!("timeline?{}", knowledge.key());
    cached(&app, key, move |store, cancel| {
        let knowledge = knowledge.resolve(store)?;
        pretty(&super::timeline::timeline(store, knowledge)?, cancel)
    })
    .await
}

pub async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "no route {method} {}; the API is under /api (see docs/serve.md)",
        uri.path()
    ))
}

pub async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let mut response = ApiError::status(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} {}: the server is read-only; use GET", uri.path()),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
    response
}

/// Answers from the cache when the log head has not moved since the body was computed;
/// otherwise waits (at most `HEAVY_WAIT`) for one of the `HEAVY_AT_ONCE` turns to compute
/// it, and is a 503 with `Retry-After` when none comes.
async fn cached<F>(app: &App, key: String, compute: F) -> Result<Response, ApiError>
where
    F: FnOnce(&Store, &Cancel) -> Result<Bytes, ApiError> + Send + 'static,
{
    let lookup = (app.clone(), key.clone());
    let hit = app
        .inner
        .pool
        .read(move |store, _| {
            let (app, key) = lookup;
            Ok(app.inner.cache.get(&store.head()?.hash, &key))
        })
        .await?;
    if let Some(body) = hit {
        return Ok(json(body));
    }
    let turn = tokio::time::timeout(HEAVY_WAIT, app.inner.heavy.clone().acquire_owned())
        .await
        .map_err(|_| {
            ApiError::busy(
                format!(
                    "the server is computing {HEAVY_AT_ONCE} answers already; retry in \
                     {HEAVY_RETRY_AFTER} s"
                ),
                HEAVY_RETRY_AFTER,
            )
        })?
        .map_err(|_| ApiError::status(StatusCode::SERVICE_UNAVAILABLE, "shutting down"))?;
    let shared = app.clone();
    let body = app
        .inner
        .pool
        .read(move |store, cancel| {
            // Held by the computation itself, so that a request given up cannot free its
            // turn while its work still runs.
            let _turn = turn;
            let head = store.head()?;
            let cache = &shared.inner.cache;
            // Another request may have computed it while this one waited.
            if let Some(body) = cache.get(&head.hash, &key) {
                return Ok(body);
            }
            let body = compute(store, cancel)?;
            cache.put(&head.hash, key, body.clone());
            Ok(body)
        })
        .await?;
    Ok(json(body))
}

fn json(body: impl Into<Bytes>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body.into(),
    )
        .into_response()
}
