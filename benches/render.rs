//! Drawing one 120x40 frame of the 50 MB text with 20,000 annotations, at its
//! start, middle and end (the cost must not grow with the position), and
//! the keystrokes that move the view (PageDown then PageUp, a frame after
//! each), drawn through ratatui's buffers (a `TestBackend`) and through the
//! painter the app uses; and the update of a change (a tag or a status,
//! then undo).
//! Run with `cargo bench --bench render`.

#[path = "support/mod.rs"]
mod support;

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use marginote::core::document::Document;
use marginote::core::text::Article;
use marginote::tui::keymap::Keymap;
use marginote::tui::model::Model;
use marginote::tui::painter::{Bytes, Painter};
use marginote::tui::render;
use marginote::tui::theme::Theme;
use marginote::tui::update::{Input, go_to, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SIZE: (u16, u16) = (120, 40);

fn model() -> Model {
    let art = Article::from_text(support::fifty_mb());
    let file = support::file(&art, 20_000);
    let path = PathBuf::from("book.txt");
    let doc = Document::from_parts(path.clone(), PathBuf::from("book.txt.annotations.ron"), art, file, None);
    let mut m = Model::new(doc, Keymap::default(), SIZE);
    update(&mut m, Input::Resize(SIZE.0, SIZE.1));
    m
}

fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn frames(c: &mut Criterion) {
    let mut m = model();
    let theme = Theme::builtin("dark").unwrap();
    let mut term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    let len = m.doc.article.len();
    let mut g = c.benchmark_group("frame 120x40, 50 MB, 20,000 annotations");
    for (name, at) in [("start", 0), ("middle", len / 2), ("end", len - 1)] {
        let b = m.doc.article.floor_char_boundary(at);
        go_to(&mut m, b);
        g.bench_function(format!("draw at the {name}"), |b| {
            b.iter(|| term.draw(|f| render::draw(f, &m, &theme)).unwrap().area)
        });
    }
    for (name, at) in [("start", 0), ("middle", len / 2), ("end", len - 1)] {
        let b = m.doc.article.floor_char_boundary(at);
        go_to(&mut m, b);
        g.bench_function(format!("PageDown, draw, PageUp, draw at the {name}"), |b| {
            b.iter(|| {
                update(&mut m, key(KeyCode::PageDown));
                term.draw(|f| render::draw(f, &m, &theme)).unwrap();
                update(&mut m, key(KeyCode::PageUp));
                term.draw(|f| render::draw(f, &m, &theme)).unwrap().area
            })
        });
    }
    // What the app does for a frame without a popup: the lines composed
    // (the sidebar kept by the memo while it does not change) and only the
    // rows that changed written, as terminal bytes.
    let mut painter = Painter::default();
    let mut memo = render::Memo::default();
    let mut frame = |m: &Model| {
        let mut out = Bytes::new(Vec::new());
        painter.paint(render::compose_with(m, &theme, &mut memo), &mut out);
        out.out.len()
    };
    for (name, at) in [("start", 0), ("middle", len / 2), ("end", len - 1)] {
        let b = m.doc.article.floor_char_boundary(at);
        go_to(&mut m, b);
        g.bench_function(format!("PageDown, compose + paint, PageUp, compose + paint at the {name}"), |b| {
            b.iter(|| {
                update(&mut m, key(KeyCode::PageDown));
                frame(&m);
                update(&mut m, key(KeyCode::PageUp));
                frame(&m)
            })
        });
    }
    // A row down and back: every row but one was on screen the frame
    // before (kept by the memo while what it is drawn from stays).
    let ctrl = |c| Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    for (name, at) in [("start", 0), ("middle", len / 2), ("end", len - 1)] {
        let b = m.doc.article.floor_char_boundary(at);
        go_to(&mut m, b);
        update(&mut m, key(KeyCode::PageUp));
        g.bench_function(format!("C-e, compose + paint, C-y, compose + paint at the {name}"), |b| {
            b.iter(|| {
                update(&mut m, ctrl('e'));
                frame(&m);
                update(&mut m, ctrl('y'));
                frame(&m)
            })
        });
    }
    // A resize as the app draws it: every row composed at the new width
    // and painted on a cleared screen.
    let (mut painter, mut memo) = (Painter::default(), render::Memo::default());
    let mut whole = |m: &Model| {
        painter.invalidate();
        let mut out = Bytes::new(Vec::new());
        painter.paint(render::compose_with(m, &theme, &mut memo), &mut out);
        out.out.len()
    };
    g.bench_function("resize 120x40 -> 100x30 -> 120x40, compose + paint each", |b| {
        b.iter(|| {
            update(&mut m, Input::Resize(100, 30));
            let small = whole(&m);
            update(&mut m, Input::Resize(SIZE.0, SIZE.1));
            small + whole(&m)
        })
    });
    g.bench_function("G (jump to the end) + draw", |b| {
        b.iter(|| {
            update(&mut m, key(KeyCode::Char('g')));
            update(&mut m, key(KeyCode::Char('G')));
            term.draw(|f| render::draw(f, &m, &theme)).unwrap().area
        })
    });
    g.bench_function("resize 120x40 -> 100x30 -> 120x40 + draw", |b| {
        b.iter(|| {
            update(&mut m, Input::Resize(100, 30));
            update(&mut m, Input::Resize(SIZE.0, SIZE.1));
            term.draw(|f| render::draw(f, &m, &theme)).unwrap().area
        })
    });
    g.finish();
}

/// A change's update (no frame): the annotation list, its undo step and
/// the tables that find tagged texts' mentions are what grow with it.
fn edits(c: &mut Criterion) {
    let mut m = model();
    let text = m.doc.article.text();
    // A word in the middle of the book, not annotated.
    let mid = m.doc.article.floor_char_boundary(text.len() / 2);
    let at = mid + text[mid..].find(" the ").expect("a \"the\" after the middle") + 1;
    let keys = |m: &mut Model, keys: &str| {
        for c in keys.chars() {
            update(m, key(KeyCode::Char(c)));
        }
    };
    let mut g = c.benchmark_group("edits, 50 MB, 20,000 annotations");
    g.bench_function("tag a word as a person, then undo (update only)", |b| {
        b.iter(|| {
            go_to(&mut m, at);
            keys(&mut m, "vetp");
            let tagged = m.doc.annotations().len();
            keys(&mut m, "u");
            assert_eq!(tagged, m.doc.annotations().len() + 1);
            tagged
        })
    });
    // The sidebar on an annotation in the middle; `c` moves it to the next status.
    let i = m.doc.annotations().len() / 2;
    m.selected = Some(m.doc.annotations()[i].id.to_string());
    m.focus = marginote::tui::model::Focus::Sidebar;
    g.bench_function("set the next status (update only)", |b| {
        b.iter(|| {
            keys(&mut m, "c");
            m.doc.verified()
        })
    });
    g.bench_function("set the next status, then undo (update only)", |b| {
        b.iter(|| {
            keys(&mut m, "c");
            let status = m.doc.annotations()[i].status.clone();
            keys(&mut m, "u");
            assert_ne!(status, m.doc.annotations()[i].status);
            status
        })
    });
    g.finish();
}

criterion_group!(benches, frames, edits);
criterion_main!(benches);
