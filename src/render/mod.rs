//! Rendering for people: plain text for terminals (coloured only on a terminal and
//! without `NO_COLOR`) and Markdown for reports. JSON is serde's; no SQL here.

pub mod csv;
pub mod diff;
pub mod history;
pub mod state;

use std::io::IsTerminal;

use crate::projection::Landscape;

/// Colour only when writing to a terminal and `NO_COLOR` is unset.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// ANSI styling that vanishes when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            // Two escape characters, counted so that stored text cannot pass one off as a
            // colour (`terminal::escape`).
            crate::terminal::painted(2);
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    pub fn added(&self, text: &str) -> String {
        self.paint("32", text)
    }
    pub fn removed(&self, text: &str) -> String {
        self.paint("31", text)
    }
    pub fn changed(&self, text: &str) -> String {
        self.paint("33", text)
    }
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// A short human name for an entity id: its acronym, else its name, else the id.
pub fn name_of(land: &Landscape, id: &str) -> String {
    match land.entities.get(id) {
        Some(e) => e.acronym.clone().unwrap_or_else(|| e.name.clone()),
        None => id.to_owned(),
    }
}

/// Wraps `text` at `width` columns, indenting continuation lines by `indent` spaces.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut column = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if column > indent && column + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            column = indent;
        } else if column > 0 && !out.ends_with(' ') && !out.ends_with('\n') {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out
}
