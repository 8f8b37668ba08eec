//! A harness for in-process tests: an article in a temp dir, a model, and
//! keys typed into `update` with the effects run as the app loop runs them.
#![allow(dead_code)]

use std::path::PathBuf;

use marginote::core::annotation::Stamp;
use marginote::core::document::Document;
use marginote::core::store::AnnotationFile;
use marginote::tui::app::run_effect;
use marginote::tui::keymap::Keymap;
use marginote::tui::model::Model;
use marginote::tui::update::{Input, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub const SAMPLE: &str = include_str!("../../assets/facebook-meta-nspcc-id.txt");

pub fn corpus(rel: &str) -> String {
    std::fs::read_to_string(format!("{}/../shared/corpus/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

pub struct Harness {
    pub m: Model,
    pub dir: tempfile::TempDir,
    pub article: PathBuf,
}

impl Harness {
    /// `text` saved as `sample.txt` in a fresh folder, opened at `size`.
    pub fn open(text: &str, size: (u16, u16)) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("sample.txt");
        std::fs::write(&article, text).unwrap();
        Harness::reopen(dir, article, size)
    }

    /// Open (again) an article that is already on disk.
    pub fn reopen(dir: tempfile::TempDir, article: PathBuf, size: (u16, u16)) -> Harness {
        let mut h = Harness::reopen_anchoring(dir, article, size);
        // What the app loop's background re-anchoring delivers.
        if let Some(placements) = h.m.doc.reanchor() {
            h.input(Input::Anchored(placements));
        }
        h
    }

    /// Open an article, leaving a re-anchoring (if one is due) under way.
    pub fn reopen_anchoring(dir: tempfile::TempDir, article: PathBuf, size: (u16, u16)) -> Harness {
        let doc = Document::open(&article).unwrap();
        let mut m = Model::new(doc, Keymap::default(), size);
        m.fixed_stamp = Some(Stamp { author: "tester".into(), now: "2026-11-28T10:15:00Z".into() });
        update(&mut m, Input::Resize(size.0, size.1));
        Harness { m, dir, article }
    }

    /// What the rules find for the annotations as they stand: what the
    /// app loop's background thread finds.
    pub fn found(&self) -> Vec<marginote::core::suggest::Suggestion> {
        use marginote::core::suggest::{by_rules, tagged_names};
        by_rules(
            &self.m.doc.article,
            self.m.doc.file().article.numbers,
            &tagged_names(self.m.doc.annotations()),
        )
    }

    /// Deliver the suggestions as the app loop's background thread does.
    pub fn suggest(&mut self) -> &mut Harness {
        let list = self.found();
        self.input(Input::Suggested(list));
        self
    }

    /// Count the pending suggestions as the app loop's counting thread does.
    pub fn count(&mut self) -> &mut Harness {
        let (revision, n) = self.m.pending.counter().run();
        self.input(Input::Counted(revision, n));
        self
    }

    /// Every suggestion pending now.
    pub fn pending(&self) -> Vec<marginote::core::suggest::Suggestion> {
        self.m.pending.all()
    }

    pub fn ron_path(&self) -> PathBuf {
        marginote::core::store::annotations_path(&self.article)
    }

    pub fn ron(&self) -> String {
        std::fs::read_to_string(self.ron_path()).unwrap_or_default()
    }

    pub fn saved(&self) -> AnnotationFile {
        AnnotationFile::from_ron(self.ron().as_bytes(), &self.ron_path()).unwrap()
    }

    pub fn input(&mut self, input: Input) {
        let effect = update(&mut self.m, input);
        run_effect(&mut self.m, effect);
        // What the app loop's search thread delivers.
        if let Some(q) = self.m.matching.clone() {
            let all = marginote::core::search::all_matches(self.m.doc.article.text(), &q);
            self.input(Input::Matched(q, all));
        }
    }

    /// Type keys: plain characters, and `<Enter>`, `<Esc>`, `<Tab>`, `<C-r>`,
    /// `<Down>`, `<PageDown>`… for the others.
    pub fn keys(&mut self, keys: &str) -> &mut Harness {
        for ev in parse_keys(keys) {
            self.input(Input::Key(ev));
        }
        self
    }

    /// The text under the cursor's grapheme onwards (for motion tests).
    pub fn at_cursor(&self, n: usize) -> String {
        self.m.doc.article.text()[self.m.cursor..].chars().take(n).collect()
    }
}

pub fn parse_keys(keys: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut chars = keys.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' && chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
            out.push(named(&name));
        } else {
            out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }
    out
}

fn named(name: &str) -> KeyEvent {
    if let Some(c) = name.strip_prefix("C-") {
        return KeyEvent::new(KeyCode::Char(c.chars().next().unwrap()), KeyModifiers::CONTROL);
    }
    let code = match name {
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "Tab" => KeyCode::Tab,
        "BS" => KeyCode::Backspace,
        "Up" => KeyCode::Up,
        "Down" => KeyCode::Down,
        "Left" => KeyCode::Left,
        "Right" => KeyCode::Right,
        "PageDown" => KeyCode::PageDown,
        "PageUp" => KeyCode::PageUp,
        "Space" => KeyCode::Char(' '),
        "lt" => KeyCode::Char('<'),
        other => panic!("unknown key <{other}>"),
    };
    KeyEvent::new(code, KeyModifiers::NONE)
}
