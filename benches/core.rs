//! Core operations on large documents: loading and indexing the text, saving
//! and loading 20,000 annotations, code point ↔ byte mapping, search
//! across 50 MB, and word-wrapping lines (what a resize does to the lines
//! on screen). Run with `cargo bench --bench core`.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use marginote::core::search::{AsciiSearch, ChunkSearch, Folded, fold_query};
use marginote::core::store::AnnotationFile;
use marginote::core::text::Article;
use marginote::core::wrap::wrap_line;

fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    let book = support::book().into_bytes();
    let big = support::fifty_mb().into_bytes();
    g.bench_function("article 3.3 MB (validate, index, sha256)", |b| {
        b.iter(|| Article::from_bytes(black_box(&book)).unwrap())
    });
    g.bench_function("article 50 MB (validate, index, sha256)", |b| {
        b.iter(|| Article::from_bytes(black_box(&big)).unwrap())
    });
    g.finish();
}

fn annotations(c: &mut Criterion) {
    let mut g = c.benchmark_group("annotations");
    g.sample_size(10);
    let art = Article::from_text(support::fifty_mb());
    let file = support::file(&art, 20_000);
    let ron = file.to_ron();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.txt.annotations.ron");
    g.bench_function("serialize 20,000", |b| b.iter(|| black_box(&file).to_ron()));
    g.bench_function("save 20,000 (serialize + atomic write)", |b| {
        b.iter(|| marginote::core::store::write_atomic(&path, file.to_ron().as_bytes()).unwrap())
    });
    g.bench_function("load 20,000 (parse)", |b| {
        b.iter(|| AnnotationFile::from_ron(black_box(ron.as_bytes()), Path::new("x")).unwrap())
    });
    // What opening costs before the first key works: the 50 MB article and
    // its 20,000 annotations read, parsed and indexed (the two in parallel).
    let article = dir.path().join("book.txt");
    std::fs::write(&article, art.text()).unwrap();
    std::fs::write(marginote::core::store::annotations_path(&article), &ron).unwrap();
    g.bench_function("open 50 MB + 20,000 annotations (Document::open)", |b| {
        b.iter(|| marginote::core::document::Document::open(black_box(&article)).unwrap())
    });
    // The whole save: lock, read the file back to see whether it changed,
    // serialize, write atomically, and keep its digest and merge base.
    let mut doc = marginote::core::document::Document::open(&article).unwrap();
    g.bench_function("Document::save 20,000 (lock, check, write, merge base)", |b| {
        b.iter(|| doc.save().unwrap())
    });
    g.bench_function("merge base of 20,000 (a fingerprint each)", |b| {
        b.iter(|| marginote::core::merge::Base::of(black_box(&file)))
    });
    g.finish();
}

fn mapping(c: &mut Criterion) {
    let mut g = c.benchmark_group("mapping");
    let art = Article::from_text(support::fifty_mb());
    let (len, chars) = (art.len(), art.chars());
    // Offsets spread over the whole text, the end included: no scan from the start.
    let bytes: Vec<usize> = (0..1000).map(|i| art.floor_char_boundary(i * (len / 1000) + 7)).collect();
    let cps: Vec<usize> = (0..1000).map(|i| i * (chars / 1000) + 7).collect();
    g.bench_function("byte -> code point, 1,000 offsets over 50 MB", |b| {
        b.iter(|| bytes.iter().map(|&x| art.byte_to_char(x)).sum::<usize>())
    });
    g.bench_function("code point -> byte, 1,000 offsets over 50 MB", |b| {
        b.iter(|| cps.iter().map(|&x| art.char_to_byte(x)).sum::<usize>())
    });
    g.finish();
}

fn search(c: &mut Criterion) {
    let mut g = c.benchmark_group("search");
    g.sample_size(10);
    let text = support::fifty_mb();
    // "volume 16" occurs once, 47 MB in; "natásha" thousands of times;
    // "zürich" nowhere.
    let last = fold_query("volume 16", true);
    let common = fold_query("natásha", true);
    let nowhere = fold_query("zürich", true);
    let far = text.len() * 47 / 50;
    g.bench_function("first match of a rare word, 50 MB, ASCII query", |b| {
        b.iter(|| AsciiSearch::new(&text, black_box(&last), true).find_from(0, false).unwrap())
    });
    g.bench_function("all matches of a common word, 50 MB, ASCII query", |b| {
        let the = fold_query("the", true);
        b.iter(|| AsciiSearch::new(&text, black_box(&the), true).find_all().len())
    });
    g.bench_function("next match of a non-ASCII word 47 MB in", |b| {
        b.iter(|| ChunkSearch::new(&text, black_box(&common), true).find_from(far, false).unwrap())
    });
    g.bench_function("a non-ASCII word found nowhere in 50 MB", |b| {
        b.iter(|| ChunkSearch::new(&text, black_box(&nowhere), true).find_from(far, false).is_none())
    });
    g.bench_function("all matches of a non-ASCII word, 50 MB", |b| {
        b.iter(|| ChunkSearch::new(&text, black_box(&common), true).find_all().len())
    });
    g.bench_function("fold all 50 MB at once (what the search did before chunks)", |b| {
        b.iter(|| Folded::new(black_box(&text), true))
    });
    g.finish();
}

fn wrapping(c: &mut Criterion) {
    let mut g = c.benchmark_group("wrap");
    let book = Article::from_text(support::book());
    // The first 2,000 lines of War and Peace (most of them printable ASCII),
    // and a Japanese article's, each line as one row of text.
    let ja = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/news/ja-afpbb-nigeria-boko-haram.txt"
    ))
    .unwrap();
    let ja = Article::from_text(ja);
    for (name, art, lines) in
        [("War and Peace, 2,000 lines", &book, 2_000), ("a Japanese article", &ja, usize::MAX)]
    {
        let lines: Vec<_> = (0..art.line_count().min(lines)).map(|li| art.line_content(li)).collect();
        g.bench_function(format!("{name} at 100 columns"), |b| {
            b.iter(|| {
                lines
                    .iter()
                    .map(|r| wrap_line(&art.text()[r.clone()], r.start, black_box(100)).len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, load, annotations, mapping, search, wrapping);
criterion_main!(benches);
