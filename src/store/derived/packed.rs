//! A period's entry as `key_periods` keeps it (schema 14): a format byte, then the entry's
//! JSON deflated (raw, no zlib header) with a preset dictionary of the entries' field
//! names. The names are most of an entry's bytes and repeat in every row, but a row is too
//! short for deflate to find them within itself: with the dictionary a bench entry of
//! 268 bytes keeps about 130 at deflate's fastest level (decision 0007 gives the levels
//! measured).
//!
//! A dictionary is part of the stored format: once a log holds rows packed with it, it
//! never changes. A new one takes a new format byte, and the old one stays readable.

use std::cell::RefCell;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::projection::Entry;

/// The format byte of rows packed with `DICTIONARY_1`.
const FORMAT_1: u8 = 1;

/// One skeleton of each entry kind, in serde's field order with its values blanked, and
/// the model's closed vocabularies once each. Frozen: see the module comment.
const DICTIONARY_1: &[u8] = include_bytes!("entry-dictionary-1.txt");

thread_local! {
    // A deflate state is tables of tens of kilobytes, slower to make than to reset: one per
    // thread, reset for each entry. Level 1 and a 4 KB window (the dictionary and an entry
    // fit): level 6 packed a sixth smaller at more than twice the time (decision 0007).
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new_with_window_bits(Compression::fast(), false, 12));
    static INFLATE: RefCell<Decompress> = RefCell::new(Decompress::new(false));
}

/// The stored bytes of an entry.
pub(crate) fn pack(entry: &Entry) -> Vec<u8> {
    let json = serde_json::to_vec(entry).expect("entries serialise");
    let mut out = Vec::with_capacity(json.len() / 2 + 16);
    out.push(FORMAT_1);
    DEFLATE.with_borrow_mut(|z| {
        z.reset();
        z.set_dictionary(DICTIONARY_1)
            .expect("a dictionary is taken before any input");
        loop {
            let read = z.total_in() as usize;
            out.reserve(json.len() - read + 64);
            let status = z
                .compress_vec(&json[read..], &mut out, FlushCompress::Finish)
                .expect("deflating into memory cannot fail");
            if status == Status::StreamEnd {
                break;
            }
        }
    });
    out
}

/// The entry stored as `bytes`; the error says what is wrong with them.
pub fn unpack(bytes: &[u8]) -> Result<Entry, String> {
    let Some((&format, deflated)) = bytes.split_first() else {
        return Err("the stored entry is empty".into());
    };
    if format != FORMAT_1 {
        return Err(format!(
            "the stored entry has format {format}, which this policylog does not know"
        ));
    }
    let json = INFLATE.with_borrow_mut(|z| -> Result<Vec<u8>, String> {
        z.reset(false);
        z.set_dictionary(DICTIONARY_1).map_err(|e| e.to_string())?;
        let mut json = Vec::with_capacity(deflated.len() * 4);
        loop {
            let read = z.total_in() as usize;
            json.reserve(deflated.len() * 2 + 64);
            let before = (z.total_in(), z.total_out());
            let status = z
                .decompress_vec(&deflated[read..], &mut json, FlushDecompress::Finish)
                .map_err(|e| format!("the stored entry does not inflate: {e}"))?;
            if status == Status::StreamEnd {
                return Ok(json);
            }
            if (z.total_in(), z.total_out()) == before {
                return Err("the stored entry is cut short".into());
            }
        }
    })?;
    serde_json::from_slice(&json).map_err(|e| format!("the stored entry is not an entry: {e}"))
}

/// An entry's JSON, for `verify --derived`, which compares entries by what they hold, not
/// by their deflated bytes (another deflate may pack the same entry otherwise).
pub(crate) fn unpacked_json(bytes: &[u8]) -> Result<String, String> {
    unpack(bytes).map(|entry| serde_json::to_string(&entry).expect("entries serialise"))
}

#[cfg(test)]
mod tests;
