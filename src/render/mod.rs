//! Rendering for people: plain text for terminals (coloured only on a terminal, without
//! `NO_COLOR` and not with `TERM=dumb`), fitted to the terminal's width, and Markdown for
//! reports. JSON is serde's; no SQL here.

pub mod csv;
pub mod diff;
pub mod history;
pub mod layout;
pub mod state;

use std::io::IsTerminal;

use crate::projection::Landscape;

/// Colour only when writing to a terminal, `NO_COLOR` is unset and the terminal is not
/// `TERM=dumb` (which shows escapes as text).
pub fn use_color() -> bool {
    color_allowed(
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    ) && std::io::stdout().is_terminal()
}

fn color_allowed(no_color: Option<&std::ffi::OsStr>, term: Option<&std::ffi::OsStr>) -> bool {
    no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

/// ANSI styling that vanishes when colour is off, and the columns text is laid out for.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
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

/// A short human name for an id: an entity's acronym, else its name; for a meeting, call
/// or publication the landscape lists (a statistic's subject may be one), its title; else
/// the id.
pub fn name_of(land: &Landscape, id: &str) -> String {
    if let Some(e) = land.entities.get(id) {
        return e.acronym.clone().unwrap_or_else(|| e.name.clone());
    }
    let title = land
        .meetings
        .iter()
        .find(|m| m.meeting == id)
        .map(|m| &m.title)
        .or_else(|| land.calls.iter().find(|c| c.call == id).map(|c| &c.title))
        .or_else(|| {
            land.publications
                .iter()
                .find(|p| p.publication == id)
                .map(|p| &p.title)
        });
    title.cloned().unwrap_or_else(|| id.to_owned())
}

/// Stored text on one line, its runs of whitespace (line breaks in a quote) made one
/// space: the text renderers lay lines out themselves (`layout::fit`).
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    #[test]
    fn no_color_and_a_dumb_terminal_turn_colour_off() {
        let on = |n: Option<&str>, t: Option<&str>| {
            super::color_allowed(n.map(OsStr::new), t.map(OsStr::new))
        };
        assert!(on(None, None));
        assert!(on(None, Some("xterm-256color")));
        assert!(on(Some(""), None));
        assert!(!on(Some("1"), None));
        assert!(!on(None, Some("dumb")));
    }
}
