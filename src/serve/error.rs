//! Errors as HTTP answers: `{"error": "...", "parameter": "as_of"}` with 400 for a bad
//! parameter, 404 for an unknown id or route, 503 when the log cannot be read.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// The query parameter or path segment at fault.
    pub parameter: Option<String>,
    /// Seconds after which a retry may succeed (`Retry-After`), for a server too busy now.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// A bad parameter: 400, naming it.
    pub fn bad(parameter: &str, message: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: format!("{parameter}: {message}"),
            parameter: Some(parameter.to_owned()),
            retry_after: None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::status(StatusCode::NOT_FOUND, message)
    }

    pub fn status(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            parameter: None,
            retry_after: None,
        }
    }

    /// 503 with `Retry-After`: the server is busy now, and may not be in `seconds`.
    pub fn busy(message: impl Into<String>, seconds: u64) -> ApiError {
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::status(StatusCode::SERVICE_UNAVAILABLE, message)
        }
    }

    /// A library error met while answering for `parameter` (when one is to blame).
    pub fn from_library(error: Error, parameter: Option<&str>) -> ApiError {
        let status = match &error {
            Error::Usage(_) | Error::Input { .. } | Error::Refused(_) => StatusCode::BAD_REQUEST,
            Error::NotFound(_) => match parameter {
                // An unknown id in a query parameter is a bad parameter; in the path, a 404.
                Some(_) => StatusCode::BAD_REQUEST,
                None => StatusCode::NOT_FOUND,
            },
            Error::Sqlite(_)
            | Error::Io { .. }
            | Error::NewerSchema { .. }
            | Error::Schema { .. }
            | Error::NotALog { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::HeadMoved { .. } | Error::VerifyFailed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = error.to_string();
        match (status, parameter) {
            (StatusCode::BAD_REQUEST, Some(p)) if !message.starts_with(p) => {
                ApiError::bad(p, message)
            }
            (StatusCode::BAD_REQUEST, p) => ApiError {
                parameter: p.map(str::to_owned),
                ..ApiError::status(status, message)
            },
            _ => ApiError::status(status, message),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        let mut body = serde_json::json!({ "error": self.message, "status": self.status.as_u16() });
        if let Some(p) = &self.parameter {
            body["parameter"] = p.as_str().into();
        }
        body
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        ApiError::from_library(error, None)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = format!("{}\n", self.to_json());
        let mut response = (
            self.status,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_parameter_is_named_in_message_and_field() {
        let e = ApiError::bad("as_of", "`x` is not a date");
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            e.to_json(),
            serde_json::json!({"error": "as_of: `x` is not a date", "status": 400, "parameter": "as_of"})
        );
    }

    #[test]
    fn library_errors_map_to_statuses() {
        let cases = [
            (Error::Usage("u".into()), Some("known_at"), 400),
            (Error::NotFound("n".into()), Some("group"), 400),
            (Error::NotFound("n".into()), None, 404),
            (Error::VerifyFailed("v".into()), None, 500),
            (
                Error::io("x", std::io::Error::other("disk")),
                Some("as_of"),
                503,
            ),
        ];
        for (error, parameter, status) in cases {
            let e = ApiError::from_library(error, parameter);
            assert_eq!(e.status.as_u16(), status, "{e:?}");
            if status == 400 {
                assert_eq!(e.parameter.as_deref(), parameter);
            } else {
                assert_eq!(e.parameter, None);
            }
        }
    }
}
