//! Workloads shared by the benchmarks: War and Peace (3.3 MB, CRLF) and a
//! 50 MB text made of sixteen numbered copies of it, each with annotations
//! spread evenly over the words (5,000 and 20,000).
#![allow(dead_code)]

use marginote::core::annotation::{Annotation, Kind, Stamp};
use marginote::core::numbers::NumberConvention;
use marginote::core::store::AnnotationFile;
use marginote::core::text::Article;
use std::path::Path;

pub const BOOK: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/big/war-and-peace-gutenberg-2600.txt");

/// The book's text.
pub fn book() -> String {
    std::fs::read_to_string(BOOK).expect("the War and Peace corpus file")
}

/// About 50 MB: sixteen copies of the book, each headed `VOLUME n`.
pub fn fifty_mb() -> String {
    let book = book();
    (1..=16).map(|n| format!("VOLUME {n}\r\n\r\n{book}")).collect()
}

/// `count` annotations over `art`, spans of 1 to 6 words, evenly spread.
pub fn annotations(art: &Article, count: usize) -> Vec<Annotation> {
    let stamp = Stamp { author: "bench".into(), now: "2026-11-28T10:15:00Z".into() };
    let text = art.text();
    let words: Vec<(usize, usize)> = text
        .split_ascii_whitespace()
        .map(|w| {
            let s = w.as_ptr() as usize - text.as_ptr() as usize;
            (s, s + w.len())
        })
        .collect();
    let every = words.len() / count;
    (0..count)
        .map(|i| {
            let first = words[i * every];
            let last = words[(i * every + i % 6).min(words.len() - 1)];
            let kind = match i % 3 {
                0 => Kind::Entity("Person".into()),
                1 => Kind::Quote { speaker: None },
                _ => Kind::Statistic { value: Some(i as f64), unit: Some("versts".into()) },
            };
            Annotation::new(art, first.0..last.1, kind, &stamp)
        })
        .collect()
}

/// An annotation file for `art` holding `count` annotations.
pub fn file(art: &Article, count: usize) -> AnnotationFile {
    let mut f = AnnotationFile::new(Path::new("book.txt"), art, NumberConvention::CommaThousands);
    f.annotations = annotations(art, count);
    f
}
