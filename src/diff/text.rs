//! Item lists compared line by line, and a changed item word by word, with `similar`.

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

/// One line of an item-list diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// `equal`, `added`, `removed` or `changed`.
    pub op: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
    /// For a changed item: the words, each `equal`, `added` or `removed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub op: &'static str,
    pub text: String,
}

/// Diffs two item lists. A replaced run of items is paired up item by item so that a
/// reworded item shows as changed (with its word diff) rather than removed and added.
pub fn diff_items(before: &[String], after: &[String]) -> Vec<ItemChange> {
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, before, after) {
        match op {
            DiffOp::Equal { old_index, len, .. } => {
                for item in &before[old_index..old_index + len] {
                    out.push(ItemChange {
                        op: "equal",
                        before: Some(item.clone()),
                        after: Some(item.clone()),
                        words: vec![],
                    });
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for item in &before[old_index..old_index + old_len] {
                    out.push(ItemChange {
                        op: "removed",
                        before: Some(item.clone()),
                        after: None,
                        words: vec![],
                    });
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for item in &after[new_index..new_index + new_len] {
                    out.push(ItemChange {
                        op: "added",
                        before: None,
                        after: Some(item.clone()),
                        words: vec![],
                    });
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let old = &before[old_index..old_index + old_len];
                let new = &after[new_index..new_index + new_len];
                for i in 0..old_len.max(new_len) {
                    match (old.get(i), new.get(i)) {
                        (Some(o), Some(n)) if similar_enough(o, n) => out.push(ItemChange {
                            op: "changed",
                            before: Some(o.clone()),
                            after: Some(n.clone()),
                            words: diff_words(o, n),
                        }),
                        (o, n) => {
                            if let Some(o) = o {
                                out.push(ItemChange {
                                    op: "removed",
                                    before: Some(o.clone()),
                                    after: None,
                                    words: vec![],
                                });
                            }
                            if let Some(n) = n {
                                out.push(ItemChange {
                                    op: "added",
                                    before: None,
                                    after: Some(n.clone()),
                                    words: vec![],
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// The word diff of one item.
pub fn diff_words(before: &str, after: &str) -> Vec<Segment> {
    let diff = TextDiff::from_words(before, after);
    let mut out: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Delete => "removed",
            ChangeTag::Insert => "added",
        };
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => out.push(Segment {
                op,
                text: change.value().to_owned(),
            }),
        }
    }
    out
}

/// A reworded item shares at least half its words with the original.
fn similar_enough(a: &str, b: &str) -> bool {
    TextDiff::from_words(a, b).ratio() >= 0.5
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn items_added_removed_and_reworded() {
        let before = items(&[
            "Building the evidence base",
            "Addressing the core drivers",
            "Discouraging demand",
        ]);
        let after = items(&[
            "Building the evidence base",
            "Addressing the root drivers",
            "Climate and trafficking",
        ]);
        let d = diff_items(&before, &after);
        let ops: Vec<&str> = d.iter().map(|c| c.op).collect();
        assert_eq!(ops, ["equal", "changed", "removed", "added"]);
        let words = &d[1].words;
        assert!(
            words
                .iter()
                .any(|s| s.op == "removed" && s.text.contains("core"))
        );
        assert!(
            words
                .iter()
                .any(|s| s.op == "added" && s.text.contains("root"))
        );
    }

    #[test]
    fn identical_lists_are_all_equal() {
        let l = items(&["a", "b"]);
        assert!(diff_items(&l, &l).iter().all(|c| c.op == "equal"));
    }
}
