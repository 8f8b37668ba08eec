//! Re-anchoring 5,000 annotations on War and Peace (3.3 MB, CRLF, UTF-8 with
//! curly quotes and accents): once after a paragraph is inserted near the
//! start (every annotation `Moved`), once on the unchanged text (every
//! annotation `Exact`).

use criterion::{Criterion, criterion_group, criterion_main};
use marginote::core::anchor::{Anchor, place_all};
use marginote::core::annotation::{Annotation, Kind, Stamp};
use marginote::core::text::Article;

const BOOK: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/big/war-and-peace-gutenberg-2600.txt");
const COUNT: usize = 5000;
/// Short names that occur hundreds of times: every tenth annotation is one.
const NAMES: [&str; 6] = ["Pierre", "Natásha", "Andrew", "Moscow", "Rostóv", "Kutúzov"];
const INSERTED: &str = "Translator’s note: this edition keeps the French of the drawing rooms \
    and gives names in their Russian forms — “Natásha”, “Pierre”, “Kutúzov”.\r\n\r\n";

/// Byte ranges of the whitespace-separated words of `text` from byte `from` on.
fn words(text: &str, from: usize) -> Vec<std::ops::Range<usize>> {
    text[from..]
        .split_ascii_whitespace()
        .map(|w| {
            let s = w.as_ptr() as usize - text.as_ptr() as usize;
            s..s + w.len()
        })
        .collect()
}

/// 5,000 annotations spread over the book after byte `from`: spans of 3 to 20
/// words, and every tenth one the next occurrence of a short name.
fn annotations(art: &Article, from: usize) -> Vec<Annotation> {
    let stamp = Stamp { author: "bench".into(), now: "2026-11-28T10:15:00Z".into() };
    let text = art.text();
    let words = words(text, from);
    let every = words.len() / COUNT;
    (0..COUNT)
        .map(|i| {
            let first = words[i * every].clone();
            let name = NAMES[i / 10 % NAMES.len()];
            let bytes = match text[first.start..].find(name) {
                Some(at) if i % 10 == 0 => first.start + at..first.start + at + name.len(),
                _ => first.start..words[(i * every + 2 + i % 18).min(words.len() - 1)].end,
            };
            Annotation::new(art, bytes, Kind::Entity("Person".into()), &stamp)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string(BOOK).expect("the War and Peace corpus file");
    let original = Article::from_text(text.clone());
    let at = text.find("BOOK ONE: 1805").expect("the table of contents");
    let list = annotations(&original, at + 100);
    let changed = Article::from_text(format!("{}{INSERTED}{}", &text[..at], &text[at..]));

    let placed = place_all(&changed, &list);
    let shift = INSERTED.chars().count();
    for (a, p) in list.iter().zip(&placed) {
        assert_eq!(p.anchor, Anchor::Moved, "{:?}", a.exact);
        assert_eq!(changed.byte_to_char(p.bytes.clone().unwrap().start), a.start + shift);
    }
    assert!(place_all(&original, &list).iter().all(|p| p.anchor == Anchor::Exact));

    let mut group = c.benchmark_group("anchor");
    group.sample_size(10);
    group.bench_function("place_all 5000 after an insertion", |b| b.iter(|| place_all(&changed, &list)));
    group.bench_function("place_all 5000 unchanged", |b| b.iter(|| place_all(&original, &list)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
