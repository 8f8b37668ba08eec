//! Re-anchoring 5,000 annotations on War and Peace (3.3 MB, CRLF, UTF-8 with
//! curly quotes and accents):
//!
//! - after a paragraph is inserted near the start (every annotation `Moved`);
//! - on the unchanged text (every annotation `Exact`);
//! - after one word inside every tenth annotation is replaced by another of
//!   the same length (those `Fuzzy` over the edited words, the rest `Exact`
//!   or `Moved`);
//! - after the text of every fiftieth annotation is deleted from the book
//!   (those `Orphaned`: the worst case, since a failed search ends with the
//!   whole book).

use std::ops::Range;

use criterion::{Criterion, criterion_group, criterion_main};
use marginote::core::anchor::{Anchor, Placement, place_all};
use marginote::core::annotation::{Annotation, Kind, Stamp};
use marginote::core::text::Article;

const BOOK: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/big/war-and-peace-gutenberg-2600.txt");
const COUNT: usize = 5000;
/// Short names that occur hundreds of times: every tenth annotation is one.
const NAMES: [&str; 6] = ["Pierre", "Natásha", "Andrew", "Moscow", "Rostóv", "Kutúzov"];
const INSERTED: &str = "Translator’s note: this edition keeps the French of the drawing rooms \
    and gives names in their Russian forms — “Natásha”, “Pierre”, “Kutúzov”.\r\n\r\n";
/// Words put in place of one word of every tenth annotation, by length in
/// chars (one to ten).
const REPLACEMENTS: [&str; 10] =
    ["a", "an", "the", "were", "which", "little", "brought", "whatever", "something", "themselves"];

/// A different word of the same length as `word` (ten chars for longer ones).
fn replacement(word: &str) -> &'static str {
    let n = word.chars().count().clamp(1, REPLACEMENTS.len());
    match REPLACEMENTS[n - 1] {
        same if same == word => REPLACEMENTS[n % REPLACEMENTS.len()],
        other => other,
    }
}

/// Byte ranges of the whitespace-separated words of `text` from byte `from` on.
fn words(text: &str, from: usize) -> Vec<Range<usize>> {
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

/// `text` with each byte range of `edits` (sorted, disjoint) replaced by its
/// string, and where each replacement landed.
fn apply(text: &str, edits: &[(Range<usize>, &str)]) -> (String, Vec<Range<usize>>) {
    let mut out = String::with_capacity(text.len());
    let mut landed = Vec::new();
    let mut from = 0;
    for (r, with) in edits {
        out.push_str(&text[from..r.start]);
        landed.push(out.len()..out.len() + with.len());
        out.push_str(with);
        from = r.end;
    }
    out.push_str(&text[from..]);
    (out, landed)
}

/// Whether `quote` occurs only once in `text` (a repeated quote, such as a
/// run of chapter titles in a table of contents, rightly moves to another
/// occurrence when its own is edited).
fn unique(text: &str, quote: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), quote.as_bytes()).nth(1).is_none()
}

/// Whether `r` overlaps any annotation other than `own`.
fn overlaps_another(spans: &[Range<usize>], own: usize, r: &Range<usize>) -> bool {
    spans.iter().enumerate().any(|(j, s)| j != own && s.start < r.end && r.start < s.end)
}

/// Every `Exact` or `Moved` placement holds its quote.
fn assert_identical(art: &Article, a: &Annotation, p: &Placement) {
    assert!(matches!(p.anchor, Anchor::Exact | Anchor::Moved), "{:?}: {p:?}", a.exact);
    assert_eq!(art.text()[p.bytes.clone().unwrap()], a.exact);
}

/// The book with one word near the middle of every tenth span annotation
/// (whose quote occurs only once) replaced, and the byte range each edited annotation should now cover.
fn word_changed(original: &Article, list: &[Annotation]) -> (Article, Vec<(usize, Range<usize>)>) {
    let text = original.text();
    let spans: Vec<Range<usize>> = list.iter().map(|a| a.bytes(original)).collect();
    let mut edits = Vec::new();
    let candidates = spans.iter().enumerate().filter(|(i, _)| i % 10 == 5);
    for (i, span) in candidates.filter(|(i, _)| unique(text, &list[*i].exact)) {
        let inner = words(&text[..span.end], span.start);
        let word = inner[inner.len() / 2].clone();
        assert!(!overlaps_another(&spans, i, &word), "{:?}", list[i].exact);
        edits.push((i, word));
    }
    let replaced: Vec<(Range<usize>, &str)> =
        edits.iter().map(|(_, w)| (w.clone(), replacement(&text[w.clone()]))).collect();
    let (changed, landed) = apply(text, &replaced);
    let changed = Article::from_text(changed);
    let expected = edits
        .iter()
        .zip(&landed)
        .map(|((i, word), new)| {
            let span = &spans[*i];
            let start = new.start - (word.start - span.start);
            (*i, start..new.end + (span.end - word.end))
        })
        .collect();
    (changed, expected)
}

/// The book without the text of every fiftieth span annotation (whose quote
/// occurs only once), and which
/// annotations were deleted.
fn quotes_deleted(original: &Article, list: &[Annotation]) -> (Article, Vec<usize>) {
    let spans: Vec<Range<usize>> = list.iter().map(|a| a.bytes(original)).collect();
    let gone: Vec<usize> =
        (25..list.len()).step_by(50).filter(|&i| unique(original.text(), &list[i].exact)).collect();
    for &i in &gone {
        assert!(!overlaps_another(&spans, i, &spans[i]), "{:?}", list[i].exact);
    }
    let cuts: Vec<(Range<usize>, &str)> = gone.iter().map(|&i| (spans[i].clone(), "")).collect();
    (Article::from_text(apply(original.text(), &cuts).0), gone)
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

    let (edited, expected) = word_changed(&original, &list);
    let mut placed: Vec<Option<Placement>> = place_all(&edited, &list).into_iter().map(Some).collect();
    for (i, span) in &expected {
        let p = placed[*i].take().unwrap();
        let a = &list[*i];
        assert!(matches!(p.anchor, Anchor::Fuzzy(_)), "{:?}: {p:?}", a.exact);
        let got = p.bytes.unwrap();
        assert_eq!(&edited.text()[got], &edited.text()[span.clone()], "{:?}", a.exact);
    }
    for (a, p) in list.iter().zip(&placed) {
        if let Some(p) = p {
            assert_identical(&edited, a, p);
        }
    }

    let (deleted, gone) = quotes_deleted(&original, &list);
    let placed = place_all(&deleted, &list);
    for (i, (a, p)) in list.iter().zip(&placed).enumerate() {
        if gone.contains(&i) {
            assert_eq!(
                p.anchor,
                Anchor::Orphaned,
                "{:?}: {:?}",
                a.exact,
                p.bytes.clone().map(|r| &deleted.text()[r])
            );
        } else {
            assert_identical(&deleted, a, p);
        }
    }

    eprintln!("{} quotes with a word changed, {} deleted", expected.len(), gone.len());

    let mut group = c.benchmark_group("anchor");
    group.sample_size(10);
    group.bench_function("place_all 5000 after an insertion", |b| b.iter(|| place_all(&changed, &list)));
    group.bench_function("place_all 5000 unchanged", |b| b.iter(|| place_all(&original, &list)));
    group.bench_function("place_all 5000, a word changed in every 10th", |b| {
        b.iter(|| place_all(&edited, &list))
    });
    group.bench_function("place_all 5000, every 50th deleted", |b| b.iter(|| place_all(&deleted, &list)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
