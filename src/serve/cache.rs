//! Rendered response bodies, keyed by route and normalised parameters, valid for one log
//! head. The log only grows, so the body for a given head never changes: when the head
//! moves every entry is dropped. The cache is bounded by bytes, not entries (512 entries
//! of 100 MB timelines held 4.7 GB): at most `CACHE_BYTES` in all, a body above
//! a quarter of that is not kept, and the least recently used go first.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use axum::body::Bytes;

/// What the cache may hold, keys and bookkeeping included. An entry may take a quarter of
/// it at most (16 MiB), so that one answer cannot empty it.
pub const CACHE_BYTES: usize = 64 << 20;
/// Bytes counted for each entry beyond its key and body: the hash map's and the recency
/// index's share (the key is held twice, once by each).
const ENTRY_OVERHEAD: usize = 128;

pub struct Cache {
    bound: usize,
    entries: Mutex<Entries>,
}

impl Default for Cache {
    fn default() -> Cache {
        Cache::with_bound(CACHE_BYTES)
    }
}

#[derive(Default)]
struct Entries {
    /// The hash of the head the bodies were computed at.
    head: String,
    bodies: HashMap<String, Entry>,
    /// Entries by when they were last used, oldest first.
    recency: BTreeMap<u64, String>,
    clock: u64,
    /// What `size` counts over every entry.
    bytes: usize,
}

struct Entry {
    body: Bytes,
    used: u64,
}

fn size(key: &str, body: &Bytes) -> usize {
    2 * key.len() + body.len() + ENTRY_OVERHEAD
}

impl Cache {
    pub fn with_bound(bound: usize) -> Cache {
        Cache {
            bound,
            entries: Mutex::new(Entries::default()),
        }
    }

    pub fn get(&self, head: &str, key: &str) -> Option<Bytes> {
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.head != head {
            return None;
        }
        entries.clock += 1;
        let now = entries.clock;
        let entry = entries.bodies.get_mut(key)?;
        let used = std::mem::replace(&mut entry.used, now);
        let body = entry.body.clone();
        let key = entries.recency.remove(&used).expect("indexed");
        entries.recency.insert(now, key);
        Some(body)
    }

    pub fn put(&self, head: &str, key: String, body: Bytes) {
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.head != head {
            *entries = Entries {
                head: head.to_owned(),
                ..Entries::default()
            };
        }
        entries.remove(&key);
        let needed = size(&key, &body);
        if needed > self.bound / 4 {
            return;
        }
        while entries.bytes + needed > self.bound {
            let Some((_, oldest)) = entries.recency.pop_first() else {
                break;
            };
            entries.remove_indexed(&oldest);
        }
        entries.clock += 1;
        let used = entries.clock;
        entries.recency.insert(used, key.clone());
        entries.bytes += needed;
        entries.bodies.insert(key, Entry { body, used });
    }

    /// Bytes held, as counted against the bound.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.entries.lock().unwrap().bytes
    }
}

impl Entries {
    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.bodies.get(key) {
            self.recency.remove(&entry.used);
            self.remove_indexed(&key.to_owned());
        }
    }

    /// Removes an entry whose recency index is already gone.
    fn remove_indexed(&mut self, key: &String) {
        if let Some(entry) = self.bodies.remove(key) {
            self.bytes -= size(key, &entry.body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_head_drops_every_body() {
        let cache = Cache::default();
        cache.put("h1", "state?as_of=2023-12-31".into(), Bytes::from("a"));
        assert_eq!(
            cache.get("h1", "state?as_of=2023-12-31"),
            Some(Bytes::from("a"))
        );
        assert_eq!(cache.get("h2", "state?as_of=2023-12-31"), None);
        cache.put("h2", "diff".into(), Bytes::from("b"));
        assert_eq!(cache.get("h1", "state?as_of=2023-12-31"), None);
        assert_eq!(cache.get("h2", "state?as_of=2023-12-31"), None);
        assert_eq!(cache.bytes(), size("diff", &Bytes::from("b")));
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bytes() {
        let bound = 1 << 20;
        let cache = Cache::with_bound(bound);
        // Bodies of every size up to the largest kept, some keys again and again.
        let mut held = HashMap::new();
        for i in 0..2_000usize {
            let key = format!("state?as_of={}", (i * 7919) % 600);
            let body = Bytes::from(vec![b'x'; (i * 104_729) % (bound / 4)]);
            cache.put("h", key.clone(), body.clone());
            held.insert(key, body);
            assert!(
                cache.bytes() <= bound,
                "{} > {bound} after {i}",
                cache.bytes()
            );
            let entries = cache.entries.lock().unwrap();
            let counted: usize = entries.bodies.iter().map(|(k, e)| size(k, &e.body)).sum();
            assert_eq!(counted, entries.bytes);
            assert_eq!(entries.recency.len(), entries.bodies.len());
            for (key, entry) in &entries.bodies {
                assert_eq!(&entry.body, &held[key], "a key holds its latest body");
            }
        }
    }

    #[test]
    fn a_body_above_a_quarter_of_the_cache_is_not_kept() {
        let cache = Cache::with_bound(4096);
        cache.put("h", "small".into(), Bytes::from(vec![0; 100]));
        cache.put("h", "timeline".into(), Bytes::from(vec![0; 1100]));
        assert_eq!(cache.get("h", "timeline"), None);
        assert!(
            cache.get("h", "small").is_some(),
            "nothing was evicted for it"
        );
    }

    #[test]
    fn the_least_recently_used_go_first() {
        let body = Bytes::from(vec![0; 1000]);
        let one = size("k0", &body);
        let cache = Cache::with_bound(4 * one);
        for k in ["k0", "k1", "k2", "k3"] {
            cache.put("h", k.into(), body.clone());
        }
        // k0 is read, so k1 is the oldest when k4 needs room.
        assert!(cache.get("h", "k0").is_some());
        cache.put("h", "k4".into(), body.clone());
        assert!(cache.get("h", "k1").is_none());
        for k in ["k0", "k2", "k3", "k4"] {
            assert!(cache.get("h", k).is_some(), "{k}");
        }
    }
}
