//! Reading a column whatever its bytes: a value made invalid UTF-8 behind the tool's back
//! comes out with replacement characters, so that `verify`'s hash checks name its row
//! instead of the read failing.

use std::borrow::Cow;

use rusqlite::Row;
use rusqlite::types::ValueRef;

/// A text column whatever its bytes; `std::str::from_utf8` first because it is much faster
/// than the lossy decoder on the valid text that nearly every row holds.
pub(super) fn lenient_text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<Cow<'r, str>>> {
    Ok(match r.get_ref(i)? {
        ValueRef::Null => None,
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => Some(match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        }),
        ValueRef::Integer(n) => Some(Cow::Owned(n.to_string())),
        ValueRef::Real(x) => Some(Cow::Owned(x.to_string())),
    })
}
