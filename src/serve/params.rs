//! Query parameters into typed values before any SQL runs: every route names the
//! parameters it takes, and an unknown, repeated or malformed one is a 400 naming it.
//! An empty value (`as_of=`) counts as absent, so a form can send every field.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;

use super::ApiError;
use crate::date::{Day, parse_query_day};
use crate::query::{Knowledge, resolve_known_at};
use crate::store::Store;

/// The decoded `name=value` pairs of a request's query string.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Params, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad("query", e.body_text()))?;
        Ok(Params { pairs })
    }
}

impl Params {
    #[cfg(test)]
    fn of(pairs: &[(&str, &str)]) -> Params {
        Params {
            pairs: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// Refuses any parameter not in `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self
            .pairs
            .iter()
            .find(|(k, _)| !allowed.contains(&k.as_str()))
        {
            Some((k, _)) => Err(ApiError::bad(
                k,
                format!("unknown parameter; this route takes {}", allowed.join(", ")),
            )),
            None => Ok(()),
        }
    }

    /// The value of a parameter given at most once.
    pub fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.values(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(ApiError::bad(name, "given more than once"));
        }
        Ok(first)
    }

    /// Every value of a parameter that may repeat (`kind=a&kind=b`, or `kind=a,b`).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.values(name)
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + use<'a> {
        let name = name.to_owned();
        self.pairs
            .iter()
            .filter(move |(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// A single date; a month or year means its last day.
    pub fn day(&self, name: &str) -> Result<Option<Day>, ApiError> {
        self.one(name)?
            .map(|text| {
                parse_query_day(text)
                    .map(|(day, _)| day)
                    .map_err(|e| ApiError::bad(name, e))
            })
            .transpose()
    }

    /// A required single date.
    pub fn required_day(&self, name: &str) -> Result<Day, ApiError> {
        self.day(name)?
            .ok_or_else(|| ApiError::bad(name, "missing; give a date such as 2023-12-31"))
    }

    /// A whole number from `min` to `max`.
    pub fn number(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        self.one(name)?
            .map(|text| match text.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::bad(
                    name,
                    format!("`{text}` is not a whole number from {min} to {max}"),
                )),
            })
            .transpose()
    }

    /// `known_at` and `reported_by`, checked now and resolved against the store later.
    pub fn knowledge(&self) -> Result<KnowledgeQuery, ApiError> {
        let known_at = self.one("known_at")?.map(str::to_owned);
        if let Some(text) = &known_at
            && text.parse::<i64>().is_err()
            && crate::clock::parse(text).is_err()
        {
            return Err(ApiError::bad(
                "known_at",
                format!("`{text}` is neither a seq nor an RFC 3339 time"),
            ));
        }
        Ok(KnowledgeQuery {
            known_at,
            reported_by: self.day("reported_by")?,
        })
    }
}

/// The record-time parameters shared by `state`, `diff` and `timeline`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KnowledgeQuery {
    known_at: Option<String>,
    reported_by: Option<Day>,
}

impl KnowledgeQuery {
    pub fn resolve(&self, store: &Store) -> Result<Knowledge, ApiError> {
        let known_at = self
            .known_at
            .as_deref()
            .map(|k| resolve_known_at(store, k))
            .transpose()
            .map_err(|e| ApiError::from_library(e, Some("known_at")))?;
        Ok(Knowledge {
            known_at,
            reported_by: self.reported_by,
        })
    }

    /// A stable text for cache keys.
    pub fn key(&self) -> String {
        format!(
            "known_at={}&reported_by={}",
            self.known_at.as_deref().unwrap_or(""),
            self.reported_by
                .map(crate::date::day_string)
                .unwrap_or_default()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_parameters_are_named() {
        let p = Params::of(&[("as_of", "2023"), ("asof", "2024")]);
        let e = p.only(&["as_of"]).unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("asof"));
        let p = Params::of(&[("as_of", "2023"), ("as_of", "2024")]);
        assert_eq!(
            p.one("as_of").unwrap_err().parameter.as_deref(),
            Some("as_of")
        );
    }

    #[test]
    fn empty_values_count_as_absent() {
        let p = Params::of(&[
            ("as_of", ""),
            ("kind", ""),
            ("kind", "call.issued,meeting.held"),
        ]);
        assert_eq!(p.day("as_of").unwrap(), None);
        assert_eq!(p.all("kind"), ["call.issued", "meeting.held"]);
    }

    #[test]
    fn days_widen_and_bad_days_are_named() {
        let p = Params::of(&[("as_of", "2023"), ("to", "2023-02-30")]);
        assert_eq!(p.day("as_of").unwrap().unwrap().to_string(), "2023-12-31");
        let e = p.day("to").unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("to"));
        assert!(e.message.starts_with("to: "), "{}", e.message);
        assert!(p.required_day("from").is_err());
    }

    #[test]
    fn numbers_are_bounded() {
        let p = Params::of(&[("limit", "0"), ("after", "-1"), ("n", "7"), ("x", "1e3")]);
        assert!(p.number("limit", 1, 10).is_err());
        assert!(p.number("after", 0, i64::MAX).is_err());
        assert_eq!(p.number("n", 1, 10).unwrap(), Some(7));
        assert!(p.number("x", 0, 10_000).is_err());
    }

    #[test]
    fn known_at_takes_a_seq_or_a_time() {
        assert!(Params::of(&[("known_at", "12")]).knowledge().is_ok());
        assert!(
            Params::of(&[("known_at", "2026-11-23T14:00:00Z")])
                .knowledge()
                .is_ok()
        );
        let e = Params::of(&[("known_at", "yesterday")])
            .knowledge()
            .unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("known_at"));
    }
}
