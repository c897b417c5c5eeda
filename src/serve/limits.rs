//! Bounds on every request: no body at all (the server only reads), and an answer within
//! `REQUEST_TIMEOUT`. Header size and header read time are bounded in `listen.rs`.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, REQUEST_TIMEOUT};

pub async fn guard(request: Request, next: Next) -> Response {
    // Other methods go on to the router's 405, which says more; their bodies are never read.
    let reads = matches!(*request.method(), Method::GET | Method::HEAD);
    if reads && has_body(&request) {
        return ApiError::status(
            StatusCode::PAYLOAD_TOO_LARGE,
            "requests carry no body: the server is read-only",
        )
        .into_response();
    }
    let mut response = match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            return ApiError::status(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the answer took longer than {} s; retry, or ask for less",
                    REQUEST_TIMEOUT.as_secs()
                ),
            )
            .into_response();
        }
    };
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Whether the request announces a body: a non-zero length, or chunks.
fn has_body(request: &Request) -> bool {
    let headers = request.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.to_str().map_or(true, |v| v.trim() != "0"))
}
