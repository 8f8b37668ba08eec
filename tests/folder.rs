//! The folder view and the remembered reading position, in-process: which
//! files are listed, their counts, the list drawn at 80x24 (insta), keys,
//! an empty folder on the command line, and a place restored into a model.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Harness, SAMPLE, corpus, parse_keys};
use marginote::core::annotation::Status;
use marginote::core::places::Place;
use marginote::core::store::annotations_path;
use marginote::tui::app::{place_of, restore_place};
use marginote::tui::folder::{self, Annotations, Counts, Entry, Folder, Outcome};
use marginote::tui::model::Level;
use marginote::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const AIRASIA: &str = "news/en-reuters-airasia-qz8501.txt";

/// The screen's text, row by row, trailing blanks cut.
fn screen_text(list: &Folder) -> String {
    let (w, h) = list.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = Theme::builtin("dark").unwrap();
    term.draw(|f| folder::draw(f, list, &theme)).unwrap();
    let buf = term.backend().buffer();
    (0..h)
        .map(|y| {
            let row: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
            row.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Tag in the sample (as `sample.txt` of a harness): a quote, a person, an
/// organisation and two statistics, saved as the app saves. The first two
/// annotations are then marked verified in the file.
fn annotated_sample() -> Harness {
    let mut h = Harness::open(SAMPLE, (80, 24));
    h.keys("/bos Facebook Mark Zuckerberg dan eksekutif<Enter>tq<Esc>");
    h.keys("/Mark Zuckerberg dan<Enter>bhhtp");
    h.keys("g/Facebook<Enter>tog/60<Enter>tsg/8.000<Enter>ts<Esc>");
    let mut file = h.saved();
    for a in file.annotations.iter_mut().take(2) {
        a.status = Status::Verified;
    }
    std::fs::write(h.ron_path(), file.to_ron()).unwrap();
    h
}

/// A folder holding the annotated sample, the AirAsia article (no
/// annotations), an article whose annotation file is broken, and files that
/// are not articles.
fn news_folder() -> Harness {
    let h = annotated_sample();
    let dir = h.dir.path();
    std::fs::write(dir.join("airasia.txt"), corpus(AIRASIA)).unwrap();
    std::fs::write(dir.join("broken.md"), "# Broken\n\nSome text.\n").unwrap();
    std::fs::write(annotations_path(&dir.join("broken.md")), "(version: 1, article: oops").unwrap();
    std::fs::write(dir.join(".hidden.txt"), "hidden").unwrap();
    std::fs::write(dir.join("sample.txt.annotations.ron.bak"), "old").unwrap();
    std::fs::write(dir.join("notes.ron"), "()").unwrap();
    std::fs::create_dir(dir.join("sub.txt")).unwrap();
    h
}

fn names(list: &Folder) -> Vec<&str> {
    list.entries.iter().map(|e| e.name.as_str()).collect()
}

#[test]
fn only_articles_are_listed_sorted_by_name() {
    let h = news_folder();
    let list = Folder::read(h.dir.path(), (80, 24)).unwrap();
    assert_eq!(names(&list), ["airasia.txt", "broken.md", "sample.txt"]);
}

#[test]
fn each_row_counts_the_annotations_by_kind_and_the_verified_ones() {
    let h = news_folder();
    let list = Folder::read(h.dir.path(), (80, 24)).unwrap();
    let saved = h.saved();
    let verified = saved.annotations.iter().filter(|a| a.status == Status::Verified).count();
    let counts = Counts::of(&saved);
    assert_eq!(counts.total(), saved.annotations.len());
    assert_eq!((counts.quotes, counts.entities, counts.statistics, counts.verified), (1, 2, 2, verified));
    assert_eq!(verified, 2);
    assert_eq!(list.entries[2].annotations, Annotations::Counted(counts));
    assert_eq!(list.entries[0].annotations, Annotations::Missing);
    match &list.entries[1].annotations {
        Annotations::Unreadable(why) => assert!(why.starts_with("1:"), "line and column first: {why}"),
        other => panic!("broken.md's annotation file should be unreadable: {other:?}"),
    }
}

#[test]
fn listing_never_writes_an_unreadable_annotation_file() {
    let h = news_folder();
    let broken = annotations_path(&h.dir.path().join("broken.md"));
    let before = std::fs::read(&broken).unwrap();
    let mut list = Folder::read(h.dir.path(), (80, 24)).unwrap();
    list.refresh(&h.dir.path().join("broken.md"));
    assert_eq!(std::fs::read(&broken).unwrap(), before);
}

#[test]
fn the_list_at_80x24() {
    let h = news_folder();
    let mut list = Folder::read(h.dir.path(), (80, 24)).unwrap();
    list.dir = PathBuf::from("~/news");
    folder::key(&mut list, parse_keys("G")[0]);
    insta::assert_snapshot!(screen_text(&list));
}

#[test]
fn the_list_with_a_message_at_80x24() {
    let h = news_folder();
    let mut list = Folder::read(h.dir.path(), (80, 24)).unwrap();
    list.dir = PathBuf::from("~/news");
    list.message = Some(("broken.md: the file is empty: there is nothing to annotate".into(), Level::Error));
    insta::assert_snapshot!(screen_text(&list));
}

/// Type `keys` into the list; the outcome of the last.
fn type_keys(list: &mut Folder, keys: &str) -> Outcome {
    parse_keys(keys).into_iter().map(|k| folder::key(list, k)).last().unwrap()
}

#[test]
fn keys_move_the_selection_open_and_quit() {
    let h = news_folder();
    let dir = h.dir.path();
    let mut list = Folder::read(dir, (80, 24)).unwrap();
    assert_eq!(type_keys(&mut list, "<Enter>"), Outcome::Open(dir.join("airasia.txt")));
    assert_eq!(type_keys(&mut list, "jj<Enter>"), Outcome::Open(dir.join("sample.txt")));
    assert_eq!(type_keys(&mut list, "j<Enter>"), Outcome::Open(dir.join("sample.txt")), "stops at the end");
    assert_eq!(type_keys(&mut list, "k<Enter>"), Outcome::Open(dir.join("broken.md")));
    assert_eq!(type_keys(&mut list, "g<Down><Enter>"), Outcome::Open(dir.join("broken.md")));
    assert_eq!(type_keys(&mut list, "G<Up><Up><Up><Enter>"), Outcome::Open(dir.join("airasia.txt")));
    assert_eq!(type_keys(&mut list, "x"), Outcome::None, "other keys do nothing");
    assert_eq!(list.selected, 0);
    assert_eq!(type_keys(&mut list, "q"), Outcome::Quit);
    assert_eq!(type_keys(&mut list, "<C-c>"), Outcome::Quit);
}

#[test]
fn a_long_list_scrolls_to_keep_the_selection_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..10 {
        std::fs::write(dir.path().join(format!("a{i}.txt")), "text\n").unwrap();
    }
    // Six rows: title, heads, three entries, footer.
    let mut list = Folder::read(dir.path(), (80, 6)).unwrap();
    type_keys(&mut list, "jjjj");
    let screen = screen_text(&list);
    let rows: Vec<&str> = screen.lines().collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[2].contains("a2.txt") && rows[4].contains("▸ a4.txt"), "{screen}");
    type_keys(&mut list, "G");
    assert!(screen_text(&list).lines().nth(4).unwrap().contains("▸ a9.txt"));
    type_keys(&mut list, "g");
    let screen = screen_text(&list);
    assert!(screen.lines().nth(2).unwrap().contains("▸ a0.txt"), "{screen}");
}

#[test]
fn refresh_reads_the_counts_again() {
    let mut h = Harness::open(SAMPLE, (80, 24));
    let mut list = Folder::read(h.dir.path(), (80, 24)).unwrap();
    assert_eq!(list.entries[0].annotations, Annotations::Missing);
    h.keys("/Mark Zuckerberg<Enter>tp");
    list.refresh(&h.article);
    let Annotations::Counted(c) = list.entries[0].annotations else { panic!("counted after tagging") };
    assert_eq!((c.entities, c.total(), c.verified), (1, 1, 0));
}

#[test]
fn an_entry_reads_only_the_annotation_file() {
    let dir = tempfile::tempdir().unwrap();
    // Not UTF-8: opening it as an article fails, listing it does not.
    let path = dir.path().join("latin1.txt");
    std::fs::write(&path, b"caf\xe9\n").unwrap();
    let e = Entry::read(&path);
    assert_eq!((e.name.as_str(), &e.annotations), ("latin1.txt", &Annotations::Missing));
}

/// Run the real binary with `args` and a private home; (status, stdout, stderr).
fn run_cli(home: &Path, args: &[&Path]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_marginote"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_folder_without_articles_is_an_error_before_the_terminal_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (ok, stdout, stderr) = run_cli(dir.path(), &[&empty]);
    assert!(!ok, "exit status");
    assert_eq!(stdout, "", "nothing drawn");
    assert!(stderr.contains("no articles here") && stderr.contains("empty"), "{stderr}");
    std::fs::write(empty.join("notes.ron"), "()").unwrap();
    let (ok, _, stderr) = run_cli(dir.path(), &[&empty]);
    assert!(!ok && stderr.contains("no articles here"), "{stderr}");
}

#[test]
fn a_place_taken_from_a_model_restores_the_same_view() {
    let text = corpus(AIRASIA);
    let mut h = Harness::open(&text, (80, 24));
    h.keys("<PageDown><PageDown><PageDown>jj");
    assert!(h.m.top > 0);
    let place = place_of(&h.m).unwrap();
    let (top, cursor) = (h.m.top, h.m.cursor);
    let mut again = Harness::open(&text, (80, 24));
    assert_eq!(again.m.top, 0);
    assert!(!restore_place(&mut again.m, &place), "the same article");
    assert_eq!((again.m.top, again.m.cursor), (top, cursor));
    assert_eq!(again.m.visible_rows(), h.m.visible_rows());
}

#[test]
fn a_place_in_an_article_that_got_shorter_is_clamped_into_it() {
    let text = corpus(AIRASIA);
    let mut h = Harness::open(&text, (80, 24));
    h.keys("G");
    let mut place = place_of(&h.m).unwrap();
    place.reviewed_upto = Some(place.cursor);
    let short = Harness::open(&text[..text.len() / 3], (80, 24));
    let mut m = short.m;
    assert!(restore_place(&mut m, &place), "the article changed");
    let len = m.doc.article.text().len();
    assert!(m.cursor < len && m.top <= m.cursor, "inside the text: {} {} of {len}", m.top, m.cursor);
    assert_eq!(m.reviewed_upto, Some(len));
    assert!(m.visible_rows().iter().any(|r| r.start <= m.cursor && m.cursor <= r.end), "the cursor shows");
}

#[test]
fn a_preview_model_has_no_place_to_remember() {
    let mut h = Harness::open(SAMPLE, (80, 24));
    h.m.loading = true;
    assert_eq!(place_of(&h.m), None);
    h.m.loading = false;
    let p: Place = place_of(&h.m).unwrap();
    assert_eq!((p.top, p.cursor, p.reviewed_upto), (0, 0, None));
}
