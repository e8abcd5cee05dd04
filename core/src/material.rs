//! Learning material from the service (the plan's `DocumentReference`s and
//! an activity's description) as plain blocks the screens build with text
//! nodes: headings, paragraphs, lists, strong and emphasised words. The
//! text is CommonMark read by `pulldown-cmark`; everything outside that
//! small subset — raw HTML, links, code, tables — is dropped or kept as
//! plain words, so nothing the server sends is ever rendered as HTML.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::locale::Text;

/// A run of words with its emphasis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strong: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub emphasis: bool,
}

/// One block of material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Block {
    /// A heading; `level` 2 or 3 (a `#` becomes 2: the screen has its own
    /// title).
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph {
        spans: Vec<Span>,
    },
    /// A list; each item its spans.
    List {
        ordered: bool,
        items: Vec<Vec<Span>>,
    },
}

/// A picture from the service, shown as a `data:` URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    /// The picture's bytes, base64 as the service sent them.
    pub data: String,
    /// What it shows, for screen readers.
    pub alt: Option<Text>,
}

/// One piece of learning material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    /// The id the plan refers to it by.
    pub id: String,
    pub title: Text,
    pub blocks: Text<Vec<Block>>,
    pub images: Vec<Image>,
}

/// Reads CommonMark into blocks. Nested lists are flattened into their
/// parent list; text inside links, code or HTML elements is kept as words,
/// the markup is not.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = vec![];
    let mut spans: Vec<Span> = vec![];
    let (mut strong, mut emphasis) = (0u32, 0u32);
    // The list being read: ordered, and its items so far.
    let mut list: Option<(bool, Vec<Vec<Span>>)> = None;
    let mut list_depth = 0u32;
    let push_text = |spans: &mut Vec<Span>, text: &str, strong: bool, emphasis: bool| {
        if text.is_empty() {
            return;
        }
        match spans.last_mut() {
            Some(last) if last.strong == strong && last.emphasis == emphasis => last.text.push_str(text),
            _ => spans.push(Span { text: text.to_string(), strong, emphasis }),
        }
    };
    let finish = |spans: &mut Vec<Span>| -> Vec<Span> {
        let mut taken = std::mem::take(spans);
        if let Some(first) = taken.first_mut() {
            first.text = first.text.trim_start().to_string();
        }
        if let Some(last) = taken.last_mut() {
            last.text = last.text.trim_end().to_string();
        }
        taken.retain(|s| !s.text.is_empty());
        taken
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::Emphasis) => emphasis += 1,
            Event::End(TagEnd::Emphasis) => emphasis = emphasis.saturating_sub(1),
            Event::Start(Tag::List(start)) => {
                list_depth += 1;
                if list_depth == 1 {
                    list = Some((start.is_some(), vec![]));
                } else if !spans.is_empty() {
                    // The parent item's words end where its sub-list starts.
                    let item = finish(&mut spans);
                    if let Some((_, items)) = list.as_mut() {
                        items.push(item);
                    }
                }
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    if let Some((ordered, items)) = list.take() {
                        let items: Vec<_> = items.into_iter().filter(|i| !i.is_empty()).collect();
                        if !items.is_empty() {
                            out.push(Block::List { ordered, items });
                        }
                    }
                }
            }
            Event::End(TagEnd::Item) => {
                let item = finish(&mut spans);
                if let Some((_, items)) = list.as_mut() {
                    items.push(item);
                }
            }
            Event::End(TagEnd::Heading(level)) => {
                let level = (level as u8).clamp(2, 3);
                let spans = finish(&mut spans);
                if !spans.is_empty() {
                    out.push(Block::Heading { level, spans });
                }
            }
            Event::End(TagEnd::Paragraph) if list.is_none() => {
                let spans = finish(&mut spans);
                if !spans.is_empty() {
                    out.push(Block::Paragraph { spans });
                }
            }
            Event::End(TagEnd::Paragraph) => push_text(&mut spans, " ", strong > 0, emphasis > 0),
            Event::End(TagEnd::CodeBlock | TagEnd::BlockQuote(_)) if list.is_none() => {
                let spans = finish(&mut spans);
                if !spans.is_empty() {
                    out.push(Block::Paragraph { spans });
                }
            }
            Event::Text(text) | Event::Code(text) => push_text(&mut spans, &text, strong > 0, emphasis > 0),
            Event::SoftBreak | Event::HardBreak => push_text(&mut spans, " ", strong > 0, emphasis > 0),
            // Raw HTML is never shown, not even as text.
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Span {
        Span { text: text.into(), strong: false, emphasis: false }
    }

    #[test]
    fn the_subset_reads_into_blocks() {
        let cases: &[(&str, Vec<Block>)] = &[
            (
                "# Pusteteknikk\n\nPust **rolig** inn\ngjennom nesen.",
                vec![
                    Block::Heading { level: 2, spans: vec![plain("Pusteteknikk")] },
                    Block::Paragraph {
                        spans: vec![
                            plain("Pust "),
                            Span { text: "rolig".into(), strong: true, emphasis: false },
                            plain(" inn gjennom nesen."),
                        ],
                    },
                ],
            ),
            (
                "1. Sitt\n2. Pust *ut*\n",
                vec![Block::List {
                    ordered: true,
                    items: vec![
                        vec![plain("Sitt")],
                        vec![plain("Pust "), Span { text: "ut".into(), strong: false, emphasis: true }],
                    ],
                }],
            ),
            (
                "- a\n  - b\n- c",
                vec![Block::List { ordered: false, items: vec![vec![plain("a")], vec![plain("b")], vec![plain("c")]] }],
            ),
            ("#### Liten", vec![Block::Heading { level: 3, spans: vec![plain("Liten")] }]),
        ];
        for (markdown, expected) in cases {
            assert_eq!(&blocks(markdown), expected, "{markdown:?}");
        }
    }

    /// What the server might try: HTML, scripts, links, images. Nothing of
    /// it survives as markup; the words of a link stay.
    #[test]
    fn html_and_links_never_come_through() {
        let hostile = "<script>alert(1)</script>\n\nSe <b onclick=x>her</b> og [nettsiden](javascript:alert(1)).\n\n\
                       ![bilde](https://evil.example/x.png)\n\n<img src=x onerror=alert(1)>";
        let shown = serde_json::to_string(&blocks(hostile)).unwrap();
        for bad in ["<", "script", "onclick", "javascript", "evil.example", "onerror"] {
            assert!(!shown.contains(bad), "{bad} in {shown}");
        }
        assert!(shown.contains("nettsiden"), "{shown}");
    }
}
