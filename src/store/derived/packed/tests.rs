use sha2::{Digest, Sha256};

use super::*;
use crate::store::curated_log::corrected;

/// Every entry the corrected curated log shows at some time, one per stored period.
fn stored_entries() -> Vec<Entry> {
    let dir = tempfile::tempdir().unwrap();
    let store = corrected(&dir);
    let mut entries = Vec::new();
    let days: Vec<i32> = store
        .connection()
        .prepare("SELECT DISTINCT from_day FROM key_periods")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for day in days {
        store
            .each_entry_at(day, None, |e| entries.push(e.entry))
            .unwrap();
    }
    assert!(entries.len() > 100, "{} entries", entries.len());
    entries
}

#[test]
fn every_stored_entry_unpacks_to_itself_in_less_than_half_its_json() {
    let entries = stored_entries();
    let (mut json, mut packed) = (0, 0);
    for entry in &entries {
        let bytes = pack(entry);
        assert_eq!(bytes[0], FORMAT_1);
        assert_eq!(&unpack(&bytes).unwrap(), entry);
        json += serde_json::to_vec(entry).unwrap().len();
        packed += bytes.len();
    }
    // Without the dictionary deflate keeps about 60% of these entries; with it, 43%.
    assert!(packed * 2 < json, "{packed} bytes packed of {json}");
}

#[test]
fn an_endorsement_which_the_curated_log_lacks_unpacks_too() {
    let entry: Entry = serde_json::from_str(
        r#"{"Endorsed":["org:icat",null,[{"role":"co-chair","holder":"org:unodc",
            "term":"2027","decided":"2026-11-20","representative":null,
            "certainty":"certain","evidence":["e1"]}]]}"#,
    )
    .unwrap();
    assert_eq!(unpack(&pack(&entry)).unwrap(), entry);
}

/// Logs hold rows packed with dictionary 1: changing a byte of it makes them unreadable.
#[test]
fn dictionary_1_is_frozen() {
    let digest: String = Sha256::digest(DICTIONARY_1)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        digest, DICTIONARY_1_SHA256,
        "dictionary 1 changed: put it back, and give a new dictionary a new format byte"
    );
}

const DICTIONARY_1_SHA256: &str =
    "2b4ab14cf2c15ace98520c8c02a2f5d1be38c501512e37900cc4e733fd6c0005";

#[test]
fn bytes_that_are_not_a_packed_entry_say_so() {
    let entry = stored_entries().swap_remove(0);
    let good = pack(&entry);
    let mut other_format = good.clone();
    other_format[0] = 2;
    let cut = &good[..good.len() / 2];
    let mut garbage = vec![FORMAT_1];
    garbage.extend([0xff; 40]);
    let not_an_entry = {
        let mut z = Compress::new(Compression::default(), false);
        z.set_dictionary(DICTIONARY_1).unwrap();
        let mut out = vec![FORMAT_1];
        out.reserve(64);
        z.compress_vec(b"{\"Member\":1}", &mut out, FlushCompress::Finish)
            .unwrap();
        out
    };
    for (bytes, says) in [
        (&[][..], "empty"),
        (&other_format[..], "format 2"),
        (cut, "cut short"),
        (&garbage[..], "does not inflate"),
        (&not_an_entry[..], "not an entry"),
    ] {
        let error = unpack(bytes).expect_err(says);
        assert!(error.contains(says), "{error}");
    }
    // The state survives a failure: the next entry unpacks.
    assert_eq!(unpack(&good).unwrap(), entry);
}
