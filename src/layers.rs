//! The one-way flow of the crate, held by a test that reads its sources: files → validate
//! → store → fold → query → render. Each rule names a folder or file and the modules of
//! the crate it may not name; a `use` or a path in code that breaks one fails the test,
//! with the file and line.

use std::path::{Path, PathBuf};

/// (where, what it may not name, why). `where` is a path under `src/`: a folder covers
/// every file below it.
const RULES: &[(&str, &[&str], &str)] = &[
    (
        "projection",
        &["store", "query", "render", "cli", "serve", "rusqlite"],
        "the fold is pure: no SQL, no query, no rendering",
    ),
    (
        "diff",
        &["store", "query", "render", "cli", "serve", "rusqlite"],
        "comparing two landscapes is pure: no SQL, no query, no rendering",
    ),
    (
        "store",
        &["query", "render", "cli", "serve"],
        "the store may run the fold to keep its tables, but asks no query",
    ),
    (
        "error.rs",
        &[
            "event",
            "store",
            "projection",
            "query",
            "diff",
            "render",
            "cli",
        ],
        "the error type is the bottom of the crate: it names no module above it",
    ),
    ("render", &["store", "rusqlite"], "rendering touches no SQL"),
];

/// Where SQL may be written: the store, and the error type that words SQLite's errors.
const SQL_LIVES_IN: &[&str] = &["store", "error.rs", "bin"];

/// The modules of the crate (or `rusqlite`) a source names, with the line of each:
/// `crate::store::Store`, `use crate::{store::Store, query}` and `rusqlite::Connection`
/// alike. Comments and the text of strings are skipped.
fn named_modules(source: &str) -> Vec<(usize, String)> {
    let mut named = Vec::new();
    for (n, code) in code_of(source).lines().enumerate() {
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                // Top-level names of a group, at brace depth 0.
                let mut depth = 0;
                let mut item = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            named.push((n + 1, first_name(&item)));
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    if depth == 0 {
                        item.push(c);
                    }
                }
                named.push((n + 1, first_name(&item)));
            } else {
                named.push((n + 1, first_name(after)));
            }
            rest = after;
        }
        if code
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .any(|word| word == "rusqlite" || word.starts_with("rusqlite::"))
        {
            named.push((n + 1, "rusqlite".to_owned()));
        }
    }
    named.retain(|(_, name)| !name.is_empty());
    named
}

/// The source with comments dropped and the text of string literals blanked (their
/// quotes kept), line breaks where they were: what remains is code.
fn code_of(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let (mut in_string, mut in_comment) = (false, false);
    while let Some(c) = chars.next() {
        if c == '\n' {
            in_comment = false;
            out.push(c);
            continue;
        }
        if in_comment {
            continue;
        }
        if in_string {
            match c {
                // An escaped character; an escaped line break still ends the line.
                '\\' if chars.next() == Some('\n') => out.push('\n'),
                '"' => {
                    in_string = false;
                    out.push(c);
                }
                _ => {}
            }
            continue;
        }
        let after_word = out.ends_with(|p: char| p.is_alphanumeric() || p == '_');
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            // A raw string, `r"…"` or `r#"…"#`: blanked to its closing quote and hashes.
            'r' if !after_word && matches!(chars.peek(), Some('#' | '"')) => {
                let mut hashes = 0;
                while chars.next_if_eq(&'#').is_some() {
                    hashes += 1;
                }
                if chars.next_if_eq(&'"').is_none() {
                    // `r#ident`, a raw identifier.
                    out.push('r');
                    continue;
                }
                out.push('"');
                let closing: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let mut text = String::new();
                for t in chars.by_ref() {
                    if t == '\n' {
                        out.push('\n');
                    }
                    text.push(t);
                    if text.ends_with(&closing) {
                        break;
                    }
                }
                out.push('"');
            }
            '/' if chars.peek() == Some(&'/') => in_comment = true,
            '\'' => {
                // A char literal (`'"'`, `'\\'`) is copied whole, so that its quote opens no
                // string; a lifetime (`'a`) is just a quote.
                let ahead: Vec<char> = chars.clone().take(3).collect();
                let length = match ahead.as_slice() {
                    ['\\', _, '\'', ..] => 3,
                    [_, '\'', ..] => 2,
                    _ => 0,
                };
                out.push(c);
                for _ in 0..length {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The first identifier of a path: `store` of ` store::Store`.
fn first_name(path: &str) -> String {
    path.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn sources(under: &Path) -> Vec<PathBuf> {
    if under.is_file() {
        return vec![under.to_owned()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(under).expect("src/ is readable") {
        let path = entry.expect("src/ is readable").path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Every place a rule is broken, as `file:line: names X (why)`.
fn broken(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for (place, forbidden, why) in RULES {
        let files = sources(&src.join(place));
        assert!(!files.is_empty(), "no sources under src/{place}");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("sources are UTF-8");
            for (line, name) in named_modules(&text) {
                if forbidden.contains(&name.as_str()) {
                    found.push(format!("{}:{line}: names {name} ({why})", file.display()));
                }
            }
        }
    }
    for file in sources(src) {
        let relative = file.strip_prefix(src).expect("under src/");
        if SQL_LIVES_IN.iter().any(|p| relative.starts_with(p)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("sources are UTF-8");
        for (line, name) in named_modules(&text) {
            if name == "rusqlite" {
                found.push(format!(
                    "{}:{line}: names rusqlite (all SQL lives in store/)",
                    file.display()
                ));
            }
        }
    }
    found
}

#[test]
fn the_data_flows_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let broken = broken(&src);
    assert!(
        broken.is_empty(),
        "import rules broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn grouped_imports_and_paths_in_code_are_seen_and_comments_are_not() {
    let source = "use crate::{date::Day, store::{Store, Head}, query};\n\
                  // crate::render is only mentioned here\n\
                  let s = crate::cli::run(x); // and crate::serve here\n\
                  fn f(c: &rusqlite::Connection) {}\n\
                  let q = (\"crate::store in a string\n rusqlite\", '\"', crate::diff::x);\n\
                  let r = (r#\"crate::\"query\"\"#, crate::event::Event);\n";
    let names: Vec<(usize, String)> = named_modules(source);
    let names: Vec<(usize, &str)> = names.iter().map(|(l, n)| (*l, n.as_str())).collect();
    assert_eq!(
        names,
        [
            (1, "date"),
            (1, "store"),
            (1, "query"),
            (3, "cli"),
            (4, "rusqlite"),
            (6, "diff"),
            (7, "event")
        ]
    );
}
