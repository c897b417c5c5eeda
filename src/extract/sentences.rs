//! A document's text cut into blocks (lines: headings and captions, paragraphs, list
//! items) and sentences, each with its byte offsets in the text, so that every proposal
//! can quote a verbatim span.

/// What a block of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A line without closing punctuation: a title, a heading or a caption.
    Line,
    /// Running text.
    Paragraph,
    /// A line marked `- `, `* `, `1.` or `1)`.
    ListItem,
}

/// One block: usually one line of the text; a paragraph broken by blank lines in the
/// middle of a sentence is joined again.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// Byte offsets of the block in the text, trimmed.
    pub start: usize,
    pub end: usize,
    /// Where the text proper starts, after a list marker.
    pub body: usize,
    /// The block's sentences, as a range of indices into `Text::sentences`.
    pub sentences: std::ops::Range<usize>,
}

/// One sentence (or a whole heading, caption or list item that has none inside).
#[derive(Debug, Clone)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub block: usize,
}

/// The text, with its blocks and sentences.
pub struct Text<'a> {
    pub text: &'a str,
    pub blocks: Vec<Block>,
    pub sentences: Vec<Sentence>,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str) -> Text<'a> {
        let mut blocks: Vec<Block> = Vec::new();
        for (start, end) in lines(text) {
            let line = &text[start..end];
            if let Some(last) = blocks.last_mut()
                && last.kind != BlockKind::ListItem
                && continues(&text[last.start..last.end], line)
            {
                last.end = end;
                last.kind = BlockKind::Paragraph;
                continue;
            }
            let marker = list_marker(line);
            let kind = if marker > 0 {
                BlockKind::ListItem
            } else if ends_sentence(line) {
                BlockKind::Paragraph
            } else {
                BlockKind::Line
            };
            blocks.push(Block {
                kind,
                start,
                end,
                body: start + marker,
                sentences: 0..0,
            });
        }
        let mut sentences = Vec::new();
        for (i, block) in blocks.iter_mut().enumerate() {
            let first = sentences.len();
            for (start, end) in split_sentences(text, block.body, block.end) {
                sentences.push(Sentence {
                    start,
                    end,
                    block: i,
                });
            }
            block.sentences = first..sentences.len();
        }
        Text {
            text,
            blocks,
            sentences,
        }
    }

    pub fn sentence_text(&self, i: usize) -> &'a str {
        let s = &self.sentences[i];
        &self.text[s.start..s.end]
    }

    pub fn block_text(&self, i: usize) -> &'a str {
        let b = &self.blocks[i];
        &self.text[b.body..b.end]
    }

    /// The list items that follow block `i` directly (a list it introduces).
    pub fn list_after(&self, i: usize) -> Vec<usize> {
        (i + 1..self.blocks.len())
            .take_while(|&j| self.blocks[j].kind == BlockKind::ListItem)
            .collect()
    }

    /// The block before the list that item `i` belongs to: the list's introduction.
    pub fn list_intro(&self, i: usize) -> Option<usize> {
        (0..i)
            .rev()
            .find(|&j| self.blocks[j].kind != BlockKind::ListItem)
    }
}

/// The non-empty lines of `text` as trimmed byte ranges.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed_start = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let start = at + trimmed_start;
            out.push((start, start + trimmed.len()));
        }
        at += line.len();
    }
    out
}

/// Whether `next` goes on with the sentence `previous` left open: a paragraph broken by
/// blank lines ("... procurement and\n\nall elements ...").
fn continues(previous: &str, next: &str) -> bool {
    !ends_sentence(previous)
        && !previous.ends_with(':')
        && next.chars().next().is_some_and(char::is_lowercase)
}

/// Whether a line ends as a sentence does (or introduces a list).
fn ends_sentence(line: &str) -> bool {
    let last = line
        .trim_end_matches(['*', '”', '"', '’', '\'', ')', ']'])
        .chars()
        .last();
    matches!(last, Some('.' | '!' | '?' | ':' | ';'))
}

/// The length of a list marker at the start of `line` (`- `, `* `, `• `, `1. `, `1) `,
/// `- 1) `), or 0.
fn list_marker(line: &str) -> usize {
    let mut at = 0;
    for bullet in ["- ", "* ", "• "] {
        if line.starts_with(bullet) && !line.starts_with("**") {
            at = bullet.len();
            break;
        }
    }
    let rest = &line[at..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) && matches!(rest.as_bytes().get(digits), Some(b'.' | b')')) {
        let after = &rest[digits + 1..];
        if after.starts_with(' ') {
            at += digits + 1 + (after.len() - after.trim_start().len());
        }
    }
    at
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Ms", "Mr", "Mrs", "Dr", "Prof", "St", "No", "Jr", "Sr", "vs", "e.g", "i.e", "ie", "etc",
    "U.K", "U.S", "U.N", "H.E", "al", "Inc", "Ltd", "Co", "Art", "para",
];

/// Sentence spans within `[start, end)` of `text`.
fn split_sentences(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let block = &text[start..end];
    let mut out = Vec::new();
    let mut from = 0;
    let chars: Vec<(usize, char)> = block.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if matches!(c, '.' | '!' | '?') {
            // Closing quotes, emphasis and brackets belong to the sentence.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '”' | '"' | '’' | '\'' | '*' | ')' | ']')
            {
                j += 1;
            }
            let close = chars.get(j).map_or(block.len(), |(o, _)| *o);
            let followed_by_space = chars.get(j).is_some_and(|(_, c)| c.is_whitespace());
            let next_word = chars[j..]
                .iter()
                .find(|(_, c)| !c.is_whitespace())
                .map(|(_, c)| *c);
            let starts_new = next_word.is_some_and(|n| {
                n.is_uppercase() || n.is_ascii_digit() || matches!(n, '“' | '"' | '*' | '[' | '‘')
            });
            if followed_by_space && starts_new && !(c == '.' && abbreviation_before(block, at)) {
                out.push((start + from, start + close));
                from = chars[j..]
                    .iter()
                    .find(|(_, c)| !c.is_whitespace())
                    .map_or(block.len(), |(o, _)| *o);
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if from < block.len() {
        let rest = block[from..].trim_end();
        if !rest.is_empty() {
            out.push((start + from, start + from + rest.len()));
        }
    }
    out
}

/// Whether the full stop at `dot` closes an abbreviation or an initial ("Ms.", "V.").
fn abbreviation_before(block: &str, dot: usize) -> bool {
    let before = &block[..dot];
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let mut letters = word.chars();
    let single_initial =
        matches!((letters.next(), letters.next()), (Some(c), None) if c.is_uppercase());
    single_initial || ABBREVIATIONS.contains(&word)
}

/// Collapses runs of whitespace to one space, as quotes are written; a lone no-break
/// space is kept as the text has it (the tool's quote check accepts either).
pub fn quote_text(span: &str) -> String {
    let mut out = String::with_capacity(span.len());
    let mut pending = false;
    for c in span.trim().chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            pending = true;
            continue;
        }
        if pending {
            out.push(' ');
            pending = false;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_lines_list_items_and_headings() {
        let text = "Year 2024 in Focus\nICAT’s work is guided by two workstreams:\n- fostering partnerships;\n- exploring links.\nDone.";
        let t = Text::new(text);
        let kinds: Vec<_> = t.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Line,
                BlockKind::Paragraph,
                BlockKind::ListItem,
                BlockKind::ListItem,
                BlockKind::Paragraph
            ]
        );
        assert_eq!(t.block_text(2), "fostering partnerships;");
        assert_eq!(t.list_after(1), vec![2, 3]);
        assert_eq!(t.list_intro(3), Some(1));
    }

    #[test]
    fn numbered_items_lose_their_markers() {
        let t = Text::new(
            "  1. Building the evidence base\n- 2) Stop buying goods. Corporations must act.",
        );
        assert_eq!(t.block_text(0), "Building the evidence base");
        assert_eq!(t.block_text(1), "Stop buying goods. Corporations must act.");
        assert_eq!(t.blocks[1].sentences.len(), 2);
    }

    #[test]
    fn sentences_skip_abbreviations_and_initials() {
        // 004 and 001: "V. Richey added", "Ms. Komenda said".
        let text = "“ICAT has shown it can lead,” V. Richey added. Ms. Heather Komenda, at the IOM, spoke. In the U.K., it doubled.";
        let t = Text::new(text);
        let got: Vec<_> = (0..t.sentences.len()).map(|i| t.sentence_text(i)).collect();
        assert_eq!(
            got,
            [
                "“ICAT has shown it can lead,” V. Richey added.",
                "Ms. Heather Komenda, at the IOM, spoke.",
                "In the U.K., it doubled."
            ]
        );
    }

    #[test]
    fn a_sentence_broken_by_blank_lines_is_one_block() {
        // 003: "... in their purchasing, selling, procurement and\n\nall elements of ...".
        let text = "It works on procurement and\n\nall elements of their business.\nNext.";
        let t = Text::new(text);
        assert_eq!(t.blocks.len(), 2);
        assert_eq!(
            quote_text(t.sentence_text(0)),
            "It works on procurement and all elements of their business."
        );
    }

    #[test]
    fn quotes_collapse_whitespace_but_keep_a_no_break_space() {
        assert_eq!(
            quote_text(" the ICAT\u{a0}Principals\n\n meeting "),
            "the ICAT\u{a0}Principals meeting"
        );
    }
}
