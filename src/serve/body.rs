//! JSON bodies as the CLI prints them (pretty, final newline), held in exactly as many
//! bytes as they have: the cache counts `len()`, and a `String` grown by doubling holds up
//! to twice that (a 78 MB timeline sat in 128 MB), copying itself as it grows. A small body
//! is written once; a large one is measured first, then written into a buffer of its
//! size. Both passes stop when the request is cancelled.

use std::io::{self, Write};

use axum::body::Bytes;
use serde::Serialize;

use super::ApiError;
use super::cancel::Cancel;

/// Bodies up to this size are written in one pass (the slack is at most this much).
const ONE_PASS: usize = 256 * 1024;

pub fn pretty<T: Serialize + ?Sized>(value: &T, cancel: &Cancel) -> Result<Bytes, ApiError> {
    render(value, cancel).map(Bytes::from)
}

/// The body in a buffer whose capacity is its length.
fn render<T: Serialize + ?Sized>(value: &T, cancel: &Cancel) -> Result<Vec<u8>, ApiError> {
    let mut small = Bounded {
        out: Vec::new(),
        bound: ONE_PASS,
        cancel,
    };
    match serde_json::to_writer_pretty(&mut small, value) {
        Ok(()) => {
            // Copied into a buffer of its size: cheap at this size, and exact.
            let mut exact = Vec::with_capacity(small.out.len() + 1);
            exact.extend_from_slice(&small.out);
            exact.push(b'\n');
            Ok(exact)
        }
        Err(_) if cancel.is_cancelled() => Err(Cancel::error()),
        Err(_) => {
            let mut counting = Bounded {
                out: Counted(0),
                bound: usize::MAX,
                cancel,
            };
            write(&mut counting, value, cancel)?;
            let mut exact = Bounded {
                out: Vec::with_capacity(counting.out.0 + 1),
                bound: usize::MAX,
                cancel,
            };
            write(&mut exact, value, cancel)?;
            exact.out.push(b'\n');
            Ok(exact.out)
        }
    }
}

fn write<W: Write, T: Serialize + ?Sized>(
    out: &mut W,
    value: &T,
    cancel: &Cancel,
) -> Result<(), ApiError> {
    serde_json::to_writer_pretty(out, value).map_err(|e| {
        if cancel.is_cancelled() {
            Cancel::error()
        } else {
            // Our values always serialise; only the writer fails, and only when cancelled.
            panic!("a body failed to serialise: {e}")
        }
    })
}

/// Counts the bytes written to it.
struct Counted(usize);

/// A writer that refuses to go past `bound` bytes, or on once the request is cancelled.
struct Bounded<'c, W> {
    out: W,
    bound: usize,
    cancel: &'c Cancel,
}

impl<W: Sink> Write for Bounded<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.cancel.is_cancelled() {
            return Err(io::Error::other("cancelled"));
        }
        if self.out.len() + bytes.len() > self.bound {
            return Err(io::Error::other("larger than one pass"));
        }
        self.out.take(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Where `Bounded` puts what it lets through.
trait Sink {
    fn len(&self) -> usize;
    fn take(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn take(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for Counted {
    fn len(&self) -> usize {
        self.0
    }

    fn take(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_the_cli_json_held_in_their_own_size() {
        let cancel = Cancel::default();
        let small = serde_json::json!({"b": [1, 2], "a": "x"});
        let large: Vec<String> = (0..40_000).map(|i| format!("entry {i}")).collect();
        let large = serde_json::json!(large);
        assert!(serde_json::to_string_pretty(&large).unwrap().len() > ONE_PASS);
        for value in [small, large] {
            let body = render(&value, &cancel).unwrap();
            let mut expected = serde_json::to_string_pretty(&value).unwrap();
            expected.push('\n');
            assert_eq!(body, expected.as_bytes());
            assert_eq!(body.capacity(), body.len());
            assert_eq!(pretty(&value, &cancel).unwrap(), expected.as_bytes());
        }
    }

    #[test]
    fn a_cancelled_request_stops_writing() {
        let cancel = Cancel::default();
        cancel.cancel();
        for value in [vec![1u64], (0..100_000).collect()] {
            let e = pretty(&value, &cancel).unwrap_err();
            assert_eq!(e, Cancel::error());
        }
    }
}
