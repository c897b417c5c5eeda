//! One entity's story as text.

use std::fmt::Write;

use super::{Style, flat};
use crate::query::History;

pub fn text(history: &History, style: Style) -> String {
    let mut o = String::new();
    let title = match &history.name {
        Some(name) => format!("{} ({})", name, history.entity),
        None => history.entity.clone(),
    };
    let _ = writeln!(o, "{}", style.bold(&format!("History of {title}")));
    for e in &history.events {
        let status = match &e.status {
            Some(s) => style.changed(&format!(" [{s}]")),
            None => String::new(),
        };
        let _ = writeln!(
            o,
            "\n{} {} {}{}",
            style.bold(&e.valid),
            e.kind,
            e.id,
            status
        );
        let _ = writeln!(
            o,
            "  recorded {} by {} (seq {})",
            e.recorded_at, e.recorded_by, e.seq
        );
        if let Some(summary) = &e.summary {
            let _ = writeln!(o, "  {}", flat(summary));
        }
        if let Some(source) = &e.source {
            let _ = writeln!(
                o,
                "  source {} {}",
                &source.sha256[..12],
                flat(&source.title)
            );
        }
        if let Some(quote) = &e.quote {
            let _ = writeln!(o, "  “{}”", flat(quote));
        }
    }
    if history.events.is_empty() {
        let _ = writeln!(o, "\nno events name it");
    }
    o
}
