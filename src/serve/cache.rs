//! Rendered response bodies, keyed by route and normalised parameters, valid for one log
//! head. The log only grows, so the state for a given head never changes: when the head
//! moves every entry is dropped, and a full cache is emptied rather than grown.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// Entries kept for one head; keys come from user input, so they are bounded.
const CAPACITY: usize = 512;

#[derive(Default)]
pub struct Cache {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// The hash of the head the bodies were computed at.
    head: String,
    bodies: HashMap<String, Bytes>,
}

impl Cache {
    pub fn get(&self, head: &str, key: &str) -> Option<Bytes> {
        let entries = self.entries.lock().expect("cache lock");
        if entries.head != head {
            return None;
        }
        entries.bodies.get(key).cloned()
    }

    pub fn put(&self, head: &str, key: String, body: Bytes) {
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.head != head {
            entries.head = head.to_owned();
            entries.bodies.clear();
        }
        if entries.bodies.len() >= CAPACITY {
            entries.bodies.clear();
        }
        entries.bodies.insert(key, body);
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
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = Cache::default();
        for i in 0..CAPACITY * 3 {
            cache.put("h", format!("k{i}"), Bytes::new());
        }
        assert!(cache.entries.lock().unwrap().bodies.len() <= CAPACITY);
    }
}
