//! Key-sequence tests: keys in, model and saved RON out.

mod common;

use common::{Harness, SAMPLE};
use marginote::core::annotation::{Kind, Speaker, Status};
use marginote::tui::model::{Focus, Mode};
use marginote::tui::update::Input;
use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

fn sample() -> Harness {
    Harness::open(SAMPLE, (100, 30))
}

#[test]
fn search_selects_and_tag_person_saves_the_contract_shape() {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>");
    assert_eq!(h.m.selection().map(|r| &SAMPLE[r]), Some("Mark Zuckerberg"));
    h.keys("tp");
    let file = h.saved();
    assert_eq!(file.version, 1);
    assert_eq!(file.article.file, "sample.txt");
    assert_eq!(file.article.chars, SAMPLE.chars().count());
    assert_eq!(format!("{:?}", file.article.numbers), "DotThousands");
    let a = &file.annotations[0];
    assert_eq!((a.kind.clone(), a.start, a.end), (Kind::Entity("Person".into()), 382, 397));
    assert_eq!(a.exact, "Mark Zuckerberg");
    assert!(a.prefix().ends_with("Anak\u{a0}\n\n"), "{:?}", a.prefix());
    assert_eq!(a.suffix(), ", (Foto: AP/The Sun)\n\nWow siap.c");
    assert_eq!((a.author.as_str(), a.status.clone()), ("tester", Status::Unreviewed));
    assert!(h.m.anchor.is_none(), "tagging ends the selection");
    let ron = h.ron();
    for field in ["kind: Entity(\"Person\")", "start: 382", "end: 397", "note: None", "status: Unreviewed"] {
        assert!(ron.contains(field), "{field} missing in\n{ron}");
    }
}

#[test]
fn quote_speaker_picker_takes_the_nearest_tagged_entity() {
    let mut h = sample();
    h.keys("/NSPCC<Enter>to/Mark Zuckerberg<Enter>tp");
    h.keys("/dalam penyangkalan<Enter>tq");
    let Mode::Speaker(p) = &h.m.mode else { panic!("speaker picker expected, got {:?}", h.m.mode) };
    let names: Vec<&str> = p.candidates.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(names, ["NSPCC", "Mark Zuckerberg"], "nearest first");
    h.keys("<Enter>");
    let file = h.saved();
    let nspcc = file.annotations.iter().find(|a| a.exact == "NSPCC").unwrap();
    let quote = file.annotations.iter().find(|a| a.exact == "dalam penyangkalan").unwrap();
    assert_eq!(quote.kind, Kind::Quote { speaker: Some(Speaker::Entity(nspcc.id.to_string())) });
}

#[test]
fn quote_speaker_can_be_free_text_or_none() {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>tp/dalam penyangkalan<Enter>tqSeorang juru bicara Meta<Enter>");
    let q = h.saved().annotations.into_iter().find(|a| a.exact == "dalam penyangkalan").unwrap();
    assert_eq!(q.kind, Kind::Quote { speaker: Some(Speaker::Text("Seorang juru bicara Meta".into())) });
    h.keys("/Penyimpangan Internet<Enter>tq<Esc>");
    let q = h.saved().annotations.into_iter().find(|a| a.exact == "Penyimpangan Internet").unwrap();
    assert_eq!(q.kind, Kind::Quote { speaker: None });
}

#[test]
fn typed_name_of_a_tagged_entity_links_to_it() {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>tp/dalam penyangkalan<Enter>tqmark zuckerberg<Enter>");
    let file = h.saved();
    let mark = file.annotations.iter().find(|a| a.exact == "Mark Zuckerberg").unwrap();
    let q = file.annotations.iter().find(|a| a.exact == "dalam penyangkalan").unwrap();
    assert_eq!(q.kind, Kind::Quote { speaker: Some(Speaker::Entity(mark.id.to_string())) });
}

#[test]
fn statistic_reads_the_article_convention_and_the_counted_thing() {
    let mut h = sample();
    h.keys("/8.000<Enter>ts");
    let a = &h.saved().annotations[0];
    assert_eq!(a.kind, Kind::Statistic { value: Some(8000.0), unit: Some("Kejahatan".into()) });
    // The user overrides the convention: 8.000 becomes eight, and that is saved.
    h.keys("#");
    let file = h.saved();
    assert_eq!(format!("{:?}", file.article.numbers), "CommaThousands");
    assert_eq!(
        file.annotations[0].kind,
        Kind::Statistic { value: Some(8.0), unit: Some("Kejahatan".into()) }
    );
}

#[test]
fn tagging_the_same_span_twice_does_not_duplicate_it() {
    let mut h = sample();
    h.keys("/Meta<Enter>to/Meta<Enter>NtpNto");
    let file = h.saved();
    let metas: Vec<_> = file.annotations.iter().filter(|a| a.exact == "Meta").collect();
    assert_eq!(metas.len(), 1, "{metas:#?}");
    assert_eq!(metas[0].kind, Kind::Entity("Organization".into()));
}

#[test]
fn english_article_reads_3_500_as_three_and_a_half() {
    let text = "The rate rose to 3.500 percent while 1,234,567 people voted.\n";
    let mut h = Harness::open(text, (100, 30));
    h.keys("/3.500 percent<Enter>ts/1,234,567<Enter>ts");
    let file = h.saved();
    assert_eq!(file.annotations[0].kind, Kind::Statistic { value: Some(3.5), unit: Some("%".into()) });
    assert_eq!(
        file.annotations[1].kind,
        Kind::Statistic { value: Some(1234567.0), unit: Some("people".into()) }
    );
}

#[test]
fn sidebar_edits_note_source_retag_value_and_delete() {
    let mut h = sample();
    h.keys("/Meta<Enter>tm/8.000<Enter>ts<Tab>");
    assert_eq!(h.m.focus, Focus::Sidebar);
    // The list is in document order: 8.000 comes first.
    h.keys("g");
    assert_eq!(h.m.selected_annotation().unwrap().exact, "8.000");
    h.keys("e<C-u>8001<Enter><C-u>cases<Enter>");
    assert_eq!(
        h.saved().annotations[0].kind,
        Kind::Statistic { value: Some(8001.0), unit: Some("cases".into()) }
    );
    h.keys("aneeds a second source<Enter>SThe Sun, 17/1/2022<Enter>");
    let a = &h.saved().annotations[0];
    assert_eq!(a.note(), Some("needs a second source"));
    assert_eq!(a.source(), Some("The Sun, 17/1/2022"));
    h.keys("jto");
    let meta = h.saved().annotations.into_iter().find(|a| a.exact == "Meta").unwrap();
    assert_eq!(meta.kind, Kind::Entity("Organization".into()));
    h.keys("e<C-u>Company<Enter>");
    let meta = h.saved().annotations.into_iter().find(|a| a.exact == "Meta").unwrap();
    assert_eq!(meta.kind, Kind::Entity("Company".into()), "any type name is kept verbatim");
    h.keys("d");
    assert_eq!(h.saved().annotations.len(), 1);
    assert_eq!(h.m.selected_annotation().unwrap().exact, "8.000", "selection moves to a neighbour");
}

#[test]
fn span_edges_move_by_words() {
    let mut h = sample();
    h.keys("/Zuckerberg<Enter>tp<Tab>");
    h.keys("<lt>");
    assert_eq!(h.saved().annotations[0].exact, "Mark Zuckerberg");
    h.keys(">");
    assert_eq!(h.saved().annotations[0].exact, "Mark Zuckerberg, (Foto");
    h.keys(".,");
    assert_eq!(h.saved().annotations[0].exact, "Zuckerberg");
    let a = &h.saved().annotations[0];
    assert_eq!((a.start, a.end), (387, 397));
}

#[test]
fn undo_everything_gives_back_the_original_file_byte_for_byte() {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>tp/8.000<Enter>ts");
    let original = h.ron();
    let (dir, article) = (h.dir, h.article);
    let mut h = Harness::reopen(dir, article, (100, 30));
    h.keys("/NSPCC<Enter>to/dalam penyangkalan<Enter>tq<Enter>");
    h.keys("<Tab>gaa note<Enter>jto><Down>d#");
    assert_ne!(h.ron(), original);
    for _ in 0..7 {
        h.keys("u");
    }
    assert_eq!(h.ron(), original);
    h.keys("u");
    assert_eq!(h.m.message.as_ref().map(|(s, _)| s.as_str()), Some("Nothing to undo"));
    h.keys("<C-r><C-r>");
    let redone = h.saved();
    assert_eq!(redone.annotations.len(), 4, "redo brings back NSPCC and the quote");
}

#[test]
fn motions_move_by_words_sentences_and_paragraphs() {
    let mut h = sample();
    h.keys("w");
    assert_eq!(h.at_cursor(8), "Internet");
    h.keys("e");
    assert_eq!(h.at_cursor(2), "t,");
    h.keys("b");
    assert_eq!(h.at_cursor(8), "Internet");
    h.keys("}");
    assert_eq!(h.at_cursor(10), "Para ahli ");
    h.keys(")");
    assert_eq!(h.at_cursor(9), "Sementara");
    h.keys("(");
    assert_eq!(h.at_cursor(10), "Para ahli ");
    h.keys("{");
    assert_eq!(h.m.cursor, 0);
    h.keys("G");
    assert!(h.m.cursor > SAMPLE.len() - 5);
    h.keys("g");
    assert_eq!(h.m.cursor, 0);
    h.keys("$");
    assert_eq!(h.at_cursor(1), "\u{a0}");
    h.keys("0jjj");
    assert_eq!(h.at_cursor(10), "Para ahli ");
}

#[test]
fn visual_selection_extends_with_motions_and_esc_cancels() {
    let mut h = sample();
    h.keys("vw");
    assert_eq!(h.m.selection().map(|r| &SAMPLE[r]), Some("Penyimpangan I"));
    h.keys("e");
    assert_eq!(h.m.selection().map(|r| &SAMPLE[r]), Some("Penyimpangan Internet"));
    h.keys("<Esc>");
    assert_eq!(h.m.selection(), None);
    h.keys("gvetm");
    let a = &h.saved().annotations[0];
    assert_eq!(a.exact, "Penyimpangan");
    assert_eq!(a.kind, Kind::Entity("Other".into()));
}

#[test]
fn next_and_previous_annotation_and_search_matches() {
    let mut h = sample();
    h.keys("/Facebook<Enter>");
    let first = h.m.anchor.unwrap();
    h.keys("n");
    assert!(h.m.anchor.unwrap() > first);
    h.keys("N");
    assert_eq!(h.m.anchor, Some(first));
    assert_eq!(h.m.matches.len(), SAMPLE.matches("Facebook").count());
    h.keys("to<Esc>g/Meta<Enter>tog]");
    assert_eq!(h.at_cursor(8), "Facebook");
    h.keys("]");
    assert_eq!(h.at_cursor(4), "Meta");
    h.keys("[");
    assert_eq!(h.at_cursor(8), "Facebook");
}

#[test]
fn search_ignores_normalisation_and_is_smart_case() {
    let text = "Presiden Jose\u{301} Ramos-Horta bertemu JOSÉ lagi.\n";
    let mut h = Harness::open(text, (80, 24));
    h.keys("/José<Enter>");
    assert_eq!(h.m.selection().map(|r| &text[r]), Some("Jose\u{301}"));
    h.keys("<Esc>g/josé<Enter>n");
    assert_eq!(h.m.selection().map(|r| &text[r]), Some("JOSÉ"), "lower-case query ignores case");
    h.keys("<Esc>g/Nobody<Enter>");
    assert_eq!(h.m.selection(), None);
    assert!(h.m.message.as_ref().unwrap().0.contains("Not found"));
}

#[test]
fn escape_in_search_returns_to_where_it_started() {
    let mut h = sample();
    h.keys("}/Clegg");
    assert_eq!(h.at_cursor(5), "Clegg", "incremental search moves as you type");
    h.keys("<Esc>");
    assert_eq!(h.at_cursor(10), "Para ahli ");
}

#[test]
fn mouse_click_places_the_cursor_and_drag_selects() {
    let mut h = sample();
    let area = h.m.panes().article.unwrap();
    let click = |kind, column, row| MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE };
    // Row 0 is "Penyimpangan Internet, …": drag over "Penyimpangan".
    h.input(Input::Mouse(click(MouseEventKind::Down(MouseButton::Left), area.x, area.y)));
    h.input(Input::Mouse(click(MouseEventKind::Drag(MouseButton::Left), area.x + 11, area.y)));
    h.input(Input::Mouse(click(MouseEventKind::Up(MouseButton::Left), area.x + 11, area.y)));
    assert_eq!(h.m.selection().map(|r| &SAMPLE[r]), Some("Penyimpangan"));
    h.keys("tl");
    assert_eq!(h.saved().annotations[0].kind, Kind::Entity("Place".into()));
    // A click in the sidebar selects the annotation there.
    h.keys("/Meta<Enter>to");
    let side = h.m.panes().sidebar.unwrap();
    h.input(Input::Mouse(click(MouseEventKind::Down(MouseButton::Left), side.x + 3, side.y + 1)));
    assert_eq!(h.m.focus, Focus::Sidebar);
    assert_eq!(h.m.selected_annotation().unwrap().exact, "Penyimpangan");
    // The wheel scrolls the article.
    h.input(Input::Mouse(click(MouseEventKind::ScrollDown, area.x, area.y)));
    assert!(h.m.top > 0);
}

#[test]
fn unreadable_annotation_file_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("sample.txt");
    std::fs::write(&article, SAMPLE).unwrap();
    let bad = "(\n    version: 1,\n    article: oops,\n)";
    let ron = marginote::core::store::annotations_path(&article);
    std::fs::write(&ron, bad).unwrap();
    let mut h = Harness::reopen(dir, article, (100, 30));
    let banner = h.m.banner().unwrap();
    assert!(banner.contains("READ-ONLY") && banner.contains("sample.txt.annotations.ron:3:14"), "{banner}");
    h.keys("/Meta<Enter>to");
    assert_eq!(h.m.doc.annotations().len(), 1, "the annotation lives in memory");
    h.keys("q");
    assert_eq!(std::fs::read_to_string(&ron).unwrap(), bad);
}

#[test]
fn quit_saves_and_q_with_a_selection_only_cancels_it() {
    let mut h = sample();
    h.keys("v");
    h.keys("q");
    assert!(!h.m.quit);
    assert!(h.m.anchor.is_none());
    h.keys("q");
    assert!(h.m.quit);
    let mut h = sample();
    h.keys("<C-c>");
    assert!(h.m.quit);
}

#[test]
fn tiny_and_odd_terminal_sizes_never_panic() {
    let mut h = sample();
    h.keys("/Meta<Enter>to");
    for (w, hgt) in [(1, 1), (2, 1), (0, 0), (10, 3), (59, 10), (61, 5), (300, 100), (80, 24)] {
        h.input(Input::Resize(w, hgt));
        h.keys("jjjGg}<PageDown><PageUp><Tab>jk<Tab>");
        let backend = ratatui::backend::TestBackend::new(w, hgt);
        let mut term = ratatui::Terminal::new(backend).unwrap();
        let theme = marginote::tui::theme::Theme::builtin("dark").unwrap();
        term.draw(|f| marginote::tui::render::draw(f, &h.m, &theme)).unwrap();
    }
}

#[test]
fn paging_reaches_the_end_and_comes_back() {
    let mut h = Harness::open(&common::corpus("news/en-cnn-thanksgiving-storm.txt"), (80, 24));
    for _ in 0..50 {
        h.keys("<PageDown>");
    }
    let end = h.m.cursor;
    assert!(end > h.m.doc.article.len() - 200, "cursor near the end: {end}");
    for _ in 0..50 {
        h.keys("<PageUp>");
    }
    assert_eq!(h.m.top, 0);
    assert_eq!(h.m.cursor, 0);
}

#[test]
fn a_failed_save_keeps_everything_offers_save_as_and_retries() {
    let mut h = sample();
    // The annotation file's path is taken by a directory: saving must fail.
    std::fs::create_dir(h.ron_path()).unwrap();
    h.keys("/Meta<Enter>to");
    let (msg, _) = h.m.message.clone().unwrap();
    assert!(msg.starts_with("not saved:") && msg.contains("W saves elsewhere"), "{msg}");
    assert!(h.m.doc.dirty);
    assert_eq!(h.m.doc.annotations().len(), 1, "kept in memory");
    let elsewhere = h.dir.path().join("rescue.ron");
    h.keys("W<C-u>");
    for c in elsewhere.to_str().unwrap().chars() {
        h.keys(&c.to_string());
    }
    h.keys("<Enter>");
    let rescued = std::fs::read_to_string(&elsewhere).unwrap();
    assert!(rescued.contains("exact: \"Meta\""), "{rescued}");
    // Quit is refused once (the real file is not written), then the cause is fixed and a retry works.
    h.keys("q");
    assert!(!h.m.quit);
    std::fs::remove_dir(h.ron_path()).unwrap();
    h.keys("<C-s>");
    assert!(!h.m.doc.dirty);
    assert_eq!(h.saved().annotations.len(), 1);
}

/// The sample annotated, then the article edited on disk: a paragraph added
/// at the start, a name changed, a quote rewritten.
fn changed_article() -> Harness {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>tp/Nick Clegg<Enter>tp/dalam penyangkalan<Enter>tq<Enter>");
    let edited = format!(
        "BERITA TERBARU: paragraf baru.\n\n{}",
        SAMPLE.replace("Nick Clegg", "Nicholas Clegg").replace("\"dalam penyangkalan\"", "\"tidak peduli\"")
    );
    std::fs::write(&h.article, edited).unwrap();
    let (dir, article) = (h.dir, h.article);
    Harness::reopen(dir, article, (100, 30))
}

#[test]
fn while_re_anchoring_reading_works_and_changes_wait() {
    let h = changed_article();
    let (dir, article) = (h.dir, h.article);
    let mut h = Harness::reopen_anchoring(dir, article, (100, 30));
    let before = h.ron();
    assert_eq!(h.m.anchoring, Some((0, 3)));
    h.input(Input::Anchoring(2));
    let banner = h.m.banner().unwrap();
    assert!(banner.contains("re-anchoring 2 of 3 annotations"), "{banner}");
    // Reading and searching work; tagging, deleting and review wait.
    h.keys("jjw/Meta<Enter>");
    assert!(h.m.cursor > 0);
    h.keys("vetp<Tab>dR");
    assert!(matches!(h.m.mode, Mode::Normal), "{:?}", h.m.mode);
    assert_eq!(h.m.doc.annotations().len(), 3);
    assert!(h.m.message.as_ref().unwrap().0.contains("Wait: re-anchoring"));
    assert_eq!(h.ron(), before);
    // The result arrives: the review list fills and changes are allowed again.
    let placements = h.m.doc.reanchor().unwrap();
    h.input(Input::Anchored(placements));
    assert_eq!(h.m.anchoring, None);
    assert_eq!(h.m.message.as_ref().unwrap().0, "Re-anchoring done: changes are possible again");
    assert!(h.m.banner().unwrap().contains("1 moved, 1 changed, 1 orphaned"));
    h.keys("R");
    assert!(matches!(h.m.mode, Mode::Review { index: 0 }));
}

#[test]
fn after_the_article_changed_nothing_moves_until_reviewed() {
    let mut h = changed_article();
    let before = h.ron();
    let banner = h.m.banner().unwrap();
    assert!(banner.contains("1 moved, 1 changed, 1 orphaned"), "{banner}");
    h.keys("jjw");
    assert_eq!(h.ron(), before, "reading does not rewrite offsets");
    h.keys("R");
    assert!(matches!(h.m.mode, Mode::Review { index: 0 }));
    assert_eq!(h.m.review.len(), 3);
    // Accept the moved name: its offsets shift by the inserted paragraph.
    h.keys("a");
    let shift = "BERITA TERBARU: paragraf baru.\n\n".chars().count();
    let mark = h.saved().annotations.into_iter().find(|a| a.exact == "Mark Zuckerberg").unwrap();
    assert_eq!((mark.start, mark.end), (382 + shift, 397 + shift));
    assert_eq!(h.m.review.len(), 2);
    // The orphaned quote is kept unchanged until the user decides.
    let quote = h.saved().annotations.into_iter().find(|a| matches!(a.kind, Kind::Quote { .. })).unwrap();
    assert_eq!(quote.exact, "dalam penyangkalan");
}

#[test]
fn review_accept_all_and_reattach_an_orphan() {
    let mut h = changed_article();
    h.keys("RA");
    let file = h.saved();
    let clegg = file.annotations.iter().find(|a| a.exact.contains("Clegg")).unwrap();
    assert_eq!(clegg.exact, "Nicholas Clegg", "the fuzzy match snaps to the whole word");
    assert_eq!(h.m.review.len(), 1, "only the orphan is left");
    assert_ne!(file.article.sha256, h.m.doc.article.sha256(), "the orphan does not fit the new article yet");
    // Re-attach the orphaned quote to its new wording.
    h.keys("r/tidak peduli<Enter><Enter>");
    let quote = h.saved().annotations.into_iter().find(|a| matches!(a.kind, Kind::Quote { .. })).unwrap();
    assert_eq!(quote.exact, "tidak peduli");
    assert!(h.m.review.is_empty());
    assert!(h.m.banner().is_none());
    // Every annotation fits the new article: the file now records its checksum.
    assert_eq!(h.saved().article.sha256, h.m.doc.article.sha256());
}

#[test]
fn review_delete_is_undoable() {
    let mut h = changed_article();
    h.keys("Rjjd");
    assert_eq!(h.saved().annotations.len(), 2);
    h.keys("<Esc>u");
    assert_eq!(h.saved().annotations.len(), 3);
    assert_eq!(h.m.review.len(), 3);
}

#[test]
fn the_backup_holds_the_file_as_the_session_found_it() {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>tp/Meta<Enter>to");
    let bak = marginote::core::backup::backup_path(&h.ron_path());
    assert!(!bak.exists(), "no file at the start of the session: nothing to back up");
    h.keys("u");
    let at_start = h.ron();
    let (dir, article) = (h.dir, h.article);
    let mut h = Harness::reopen(dir, article, (100, 30));
    // Another program (a second marginote, a git pull) adds an annotation
    // before this session's first save.
    let mut other = Harness::reopen(tempfile::tempdir().unwrap(), h.article.clone(), (100, 30));
    other.keys("/Nick Clegg<Enter>tp");
    assert_ne!(h.ron(), at_start);
    h.keys("/Meta<Enter>to");
    assert_eq!(h.saved().annotations.len(), 3, "merged: nothing lost");
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), at_start, "the backup is the session's start");
    h.keys("/Facebook<Enter>to");
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), at_start, "written once, not one keystroke old");
}

/// A large article's preview (its start, 64 KB of whole lines, nothing in
/// it saved) after `keys`, answered as the app answers them while the
/// article loads: those that move about it, until the first that does not,
/// which is returned with the ones after it (the model's to answer).
fn typed_on_a_preview(text: &str, keys: &str) -> (marginote::tui::model::Model, Vec<Input>) {
    use marginote::core::document::Document;
    use marginote::tui::app::answered_by_preview;
    use marginote::tui::update::update;
    let head = &text[..text[..64 << 10].rfind('\n').unwrap() + 1];
    let doc = Document::scratch("big.txt", head);
    let mut preview = marginote::tui::model::Model::new(doc, Default::default(), (100, 30));
    update(&mut preview, Input::Resize(100, 30));
    let mut typed: Vec<Input> = common::parse_keys(keys).into_iter().map(Input::Key).collect();
    let answered = typed.iter().take_while(|i| answered_by_preview(&preview, i)).count();
    for input in typed.drain(..answered) {
        update(&mut preview, input);
    }
    (preview, typed)
}

#[test]
fn a_large_articles_preview_moves_with_the_keys_and_the_article_opens_where_it_was_left() {
    use marginote::tui::app::follow_preview;
    let text = SAMPLE.repeat((256 << 10) / SAMPLE.len() + 1);
    // Page and line moves are answered; a search waits for the article.
    let (preview, rest) = typed_on_a_preview(&text, "<PageDown><PageDown>jjw/Meta<Enter>to");
    assert!(preview.top > 0 && preview.doc.annotations().is_empty());
    assert_eq!(rest.len(), 8, "from the search on: / M e t a Enter t o");
    let mut h = Harness::open(&text, (100, 30));
    follow_preview(&mut h.m, &preview);
    assert_eq!((h.m.top, h.m.cursor), (preview.top, preview.cursor));
    for input in rest {
        h.input(input);
    }
    // The search ran from where the preview was left, on the article.
    let saved = h.saved();
    assert_eq!(saved.annotations.len(), 1);
    let meta = saved.annotations[0].bytes(&h.m.doc.article).start;
    assert_eq!(meta, preview.cursor + text[preview.cursor..].find("Meta").unwrap());
}

#[test]
fn a_preview_answers_only_moves_in_the_article_and_not_the_jump_to_the_end() {
    use marginote::tui::app::answered_by_preview;
    let text = SAMPLE.repeat((256 << 10) / SAMPLE.len() + 1);
    for keys in ["G", "<Tab>", "v", "t", "d", "u", "]", "/", "q", ":"] {
        let (preview, rest) = typed_on_a_preview(&text, keys);
        assert_eq!((preview.top, preview.cursor, rest.len()), (0, 0, 1), "{keys} waits for the article");
    }
    let (preview, rest) = typed_on_a_preview(&text, "<PageDown><C-e>gg");
    assert!(rest.is_empty() && preview.cursor == 0);
    // Out of normal mode (which the keys it answers never leave), nothing is.
    let (mut preview, _) = typed_on_a_preview(&text, "");
    preview.mode = marginote::tui::model::Mode::Help { scroll: 0 };
    let pd = common::parse_keys("<PageDown>").remove(0);
    assert!(!answered_by_preview(&preview, &Input::Key(pd)));
}

/// Type `keys` as the app loop does, leaving their saves to a job on a
/// thread: whether a save is due.
fn keys_leaving_the_save(h: &mut Harness, keys: &str) -> bool {
    use marginote::tui::update::{Effect, update};
    let mut due = false;
    for ev in common::parse_keys(keys) {
        match update(&mut h.m, Input::Key(ev)) {
            Effect::Save => due = true,
            effect => marginote::tui::app::run_effect(&mut h.m, effect),
        }
    }
    due
}

/// A save as the app loop runs it: a job on a thread, taken in after.
fn save_on_a_thread(h: &mut Harness) -> Vec<marginote::core::merge::Conflict> {
    let job = h.m.doc.save_job().unwrap();
    let done = std::thread::spawn(move || job.run()).join().unwrap();
    h.m.doc.finish_save(done).unwrap()
}

#[test]
fn a_save_on_a_thread_writes_the_change_and_one_made_meanwhile_waits_for_the_next() {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>");
    assert!(keys_leaving_the_save(&mut h, "tp"));
    let job = h.m.doc.save_job().unwrap();
    // Another tag while the job writes.
    h.keys("/Meta<Enter>");
    assert!(keys_leaving_the_save(&mut h, "to"));
    h.m.doc.finish_save(std::thread::spawn(move || job.run()).join().unwrap()).unwrap();
    assert!(h.m.doc.dirty, "the tag made meanwhile is not on disk yet");
    assert_eq!(h.saved().annotations.len(), 1);
    assert!(save_on_a_thread(&mut h).is_empty());
    assert!(!h.m.doc.dirty);
    assert_eq!(h.ron(), h.m.doc.to_ron());
    assert_eq!(h.saved().annotations.len(), 2);
    // What a save on the UI thread writes: the same bytes.
    let on_thread = h.ron();
    h.m.doc.dirty = true;
    h.m.doc.save().unwrap();
    assert_eq!(h.ron(), on_thread);
}

#[test]
fn a_save_on_a_thread_writes_nothing_over_a_file_changed_on_disk_and_merges_it_after() {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>tp");
    // Another program adds an annotation.
    let mut other = Harness::reopen(tempfile::tempdir().unwrap(), h.article.clone(), (100, 30));
    other.keys("/Nick Clegg<Enter>tp");
    let theirs = h.ron();
    h.keys("/Meta<Enter>");
    assert!(keys_leaving_the_save(&mut h, "to"));
    let job = h.m.doc.save_job().unwrap();
    let done = std::thread::spawn(move || job.run()).join().unwrap();
    assert_eq!(h.ron(), theirs, "the job saw the change and wrote nothing");
    assert!(h.m.doc.finish_save(done).unwrap().is_empty());
    assert!(!h.m.doc.dirty);
    let saved: Vec<String> = h.saved().annotations.iter().map(|a| a.exact.to_string()).collect();
    assert_eq!(saved, ["Mark Zuckerberg", "Meta", "Nick Clegg"], "merged: nothing lost");
}

#[test]
fn a_save_on_a_thread_backs_up_the_file_as_the_session_found_it() {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>tp");
    let at_start = h.ron();
    let (dir, article) = (h.dir, h.article);
    let mut h = Harness::reopen(dir, article, (100, 30));
    let bak = marginote::core::backup::backup_path(&h.ron_path());
    h.keys("/Meta<Enter>");
    assert!(keys_leaving_the_save(&mut h, "to"));
    save_on_a_thread(&mut h);
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), at_start);
    h.keys("/Facebook<Enter>");
    assert!(keys_leaving_the_save(&mut h, "to"));
    save_on_a_thread(&mut h);
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), at_start, "written once");
    assert_eq!(h.saved().annotations.len(), 3);
}

#[test]
fn with_no_backup_of_the_sessions_start_the_first_save_backs_up_what_it_replaces() {
    let mut h = sample();
    h.keys("/Mark Zuckerberg<Enter>tp");
    let (dir, article) = (h.dir, h.article);
    let mut h = Harness::reopen(dir, article, (100, 30));
    let bak = marginote::core::backup::backup_path(&h.ron_path());
    assert!(!bak.exists());
    // A text editor, which makes no backup, writes a note before this
    // session's first save: the file this session found is gone.
    let by_hand = h.ron().replacen("note: None", "note: Some(\"by hand\")", 1);
    assert_ne!(by_hand, h.ron());
    std::fs::write(h.ron_path(), &by_hand).unwrap();
    h.keys("/Meta<Enter>to");
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), by_hand, "what the first save replaced");
    let saved = h.saved();
    assert_eq!(saved.annotations.len(), 2, "merged: nothing lost");
    assert!(saved.annotations.iter().any(|a| a.note() == Some("by hand")));
}

#[test]
fn search_counts_matches_and_n_and_shift_n_walk_them() {
    let mut h = sample();
    let total = SAMPLE.to_lowercase().matches("meta").count();
    assert!(total >= 3, "the sample names Meta several times");
    h.keys("/meta<Enter>");
    assert_eq!(h.m.message.as_ref().unwrap().0, format!("/meta  match 1 of {total}"));
    h.keys("n");
    assert_eq!(h.m.message.as_ref().unwrap().0, format!("/meta  match 2 of {total}"));
    h.keys("NN");
    assert_eq!(h.m.message.as_ref().unwrap().0, format!("/meta  match {total} of {total}"), "wraps back");
    // A new query finds its own matches.
    h.keys("/Clegg<Enter>");
    assert_eq!(
        h.m.message.as_ref().unwrap().0,
        format!("/Clegg  match 1 of {}", SAMPLE.matches("Clegg").count())
    );
}

#[test]
fn a_search_shows_its_first_match_before_all_are_counted() {
    let mut h = sample();
    // Keys straight to update: nothing delivers the matches meanwhile.
    let type_keys = |h: &mut Harness, keys: &str| {
        for ev in common::parse_keys(keys) {
            marginote::tui::update::update(&mut h.m, Input::Key(ev));
        }
    };
    type_keys(&mut h, "/meta<Enter>");
    let first = SAMPLE.to_lowercase().find("meta").unwrap();
    assert_eq!(h.m.selection().map(|r| r.start), Some(first), "the first match is selected at once");
    assert_eq!(h.m.message.as_ref().unwrap().0, "/meta  counting the matches…");
    assert_eq!(h.m.matching.as_deref(), Some("meta"));
    assert!(h.m.matches.is_empty());
    type_keys(&mut h, "n");
    assert_eq!(h.m.matching.as_deref(), Some("meta"), "still the same query: not looked for again");
    // What another query's thread finds is not this one's.
    let others = marginote::core::search::all_matches(h.m.doc.article.text(), "Clegg");
    marginote::tui::update::update(&mut h.m, Input::Matched("Clegg".into(), others));
    assert!(h.m.matches.is_empty());
    let all = marginote::core::search::all_matches(h.m.doc.article.text(), "meta");
    let total = all.len();
    marginote::tui::update::update(&mut h.m, Input::Matched("meta".into(), all));
    assert_eq!(h.m.matching, None);
    assert_eq!(h.m.matches.len(), total);
    assert_eq!(h.m.message.as_ref().unwrap().0, format!("/meta  match 2 of {total}"), "counted where n went");
    // Escape gives the search up: matches that come late are dropped.
    type_keys(&mut h, "/Clegg<Enter><Esc>");
    assert_eq!(h.m.matching, None);
    let late = marginote::core::search::all_matches(h.m.doc.article.text(), "Clegg");
    marginote::tui::update::update(&mut h.m, Input::Matched("Clegg".into(), late));
    assert!(h.m.matches.is_empty() && h.m.matches_of.is_none());
}

#[test]
fn suggestions_are_accepted_turned_down_and_remembered() {
    let mut h = sample();
    h.keys("x");
    assert_eq!(h.m.message.as_ref().unwrap().0, "Still looking for suggestions: try again in a moment");
    assert!(matches!(h.m.mode, Mode::Normal));
    h.suggest();
    assert!(!h.pending().is_empty());
    // The first suggestion after the cursor: the headline's 8.000.
    h.keys("x");
    assert!(matches!(h.m.mode, Mode::Suggestion { .. }), "{:?}", h.m.mode);
    assert_eq!(h.m.selection().map(|r| &SAMPLE[r]), Some("8.000"));
    assert!(h.m.message.as_ref().unwrap().0.starts_with("Suggested statistic = 8000 Kejahatan: 8.000"));
    h.keys("y");
    assert_eq!(h.m.message.as_ref().unwrap().0, "Accepted 1 (u undoes)");
    // As the message says: u undoes it (back to reading); redo brings it back.
    h.keys("u");
    assert!(matches!(h.m.mode, Mode::Normal), "{:?}", h.m.mode);
    assert!(h.saved().annotations.is_empty());
    h.keys("<C-r>");
    let saved = h.saved();
    assert_eq!(saved.annotations.len(), 1);
    assert_eq!(saved.annotations[0].exact, "8.000");
    assert!(matches!(saved.annotations[0].kind, Kind::Statistic { value: Some(v), .. } if v == 8000.0));
    // Skip to Facebook and accept every Facebook at once.
    while h.m.selection().map(|r| &SAMPLE[r]) != Some("Facebook") {
        h.keys("x");
    }
    h.keys("Y");
    let facebooks = h.saved().annotations.iter().filter(|a| a.exact == "Facebook").count();
    assert_eq!(facebooks, h.m.doc.annotations().iter().filter(|a| a.exact == "Facebook").count());
    assert!(facebooks >= 4, "{facebooks}");
    assert!(
        h.pending().iter().all(|s| &SAMPLE[s.bytes()] != "Facebook" || !matches!(*s.kind, Kind::Entity(_)))
    );
    // Turn down "AP": it is remembered in the file and not suggested again.
    while h.m.selection().map(|r| &SAMPLE[r]) != Some("AP") {
        h.keys("x");
    }
    h.keys("n");
    assert!(h.ron().contains("rejected: ["), "{}", h.ron());
    assert!(h.saved().rejected.iter().any(|r| r.exact == "AP" && r.kind == "entity"));
    h.keys("<Esc>");
    assert!(matches!(h.m.mode, Mode::Normal));
    let (dir, article) = (h.dir, h.article);
    let mut h = Harness::reopen(dir, article, (100, 30));
    h.suggest();
    assert!(h.pending().iter().all(|s| &SAMPLE[s.bytes()] != "AP"));
    assert!(
        h.pending().iter().all(|s| &SAMPLE[s.bytes()] != "Facebook" || !matches!(*s.kind, Kind::Entity(_)))
    );
}

#[test]
fn annotate_all_occurrences_of_a_tagged_name() {
    let mut h = sample();
    let metas = SAMPLE
        .match_indices("Meta")
        .filter(|(i, _)| !SAMPLE[i + 4..].starts_with(char::is_alphanumeric))
        .count();
    assert!(metas >= 4);
    h.keys("/Meta<Enter>to*");
    assert!(matches!(h.m.mode, Mode::Suggestion { .. }), "{:?}", h.m.mode);
    let msg = h.m.message.as_ref().unwrap().0.clone();
    assert!(msg.starts_with(&format!("{} other occurrence(s) of “Meta”", metas - 1)), "{msg}");
    // Take the next one, turn the one after down, then take all the rest.
    h.keys("yn");
    assert_eq!(h.saved().annotations.iter().filter(|a| a.exact == "Meta").count(), 2);
    h.keys("*");
    h.keys("Y");
    let tagged = h.saved().annotations.iter().filter(|a| a.exact == "Meta").count();
    assert_eq!(tagged, metas - 1, "all but the one turned down");
    let kinds: Vec<Kind> =
        h.saved().annotations.into_iter().filter(|a| a.exact == "Meta").map(|a| a.kind).collect();
    assert!(
        kinds.iter().all(|k| *k == Kind::Entity("Organization".into())),
        "the type tagged, not the one guessed: {kinds:?}"
    );
    assert!(h.pending().iter().all(|s| &SAMPLE[s.bytes()] != "Meta"));
    // N turns a text down everywhere.
    h.keys("/Facebook<Enter>to*N");
    assert!(h.saved().rejected.iter().any(|r| r.exact == "Facebook" && r.start.is_none()));
    assert!(h.pending().iter().all(|s| &SAMPLE[s.bytes()] != "Facebook"));
}

/// The sample with two mentions of Facebook (one spelt in capitals in a
/// note-free way), Clegg, a quote by him and a statistic, sidebar focused.
fn workflow_sample() -> Harness {
    let mut h = sample();
    h.keys("/Nick Clegg<Enter>tp");
    h.keys("g/Facebook<Enter>to/Facebook<Enter>to");
    h.keys("g/8.000<Enter>ts");
    h.keys("/dalam penyangkalan<Enter>tqNick Clegg<Enter>");
    h.keys("<Tab>g");
    h
}

fn listed_texts(h: &Harness) -> Vec<String> {
    let all = h.m.doc.annotations();
    match h.m.listed() {
        None => all.iter().map(|a| a.exact.to_string()).collect(),
        Some(l) => l.iter().map(|&i| all[i].exact.to_string()).collect(),
    }
}

#[test]
fn c_cycles_the_review_status_and_the_status_line_counts_the_verified() {
    let mut h = workflow_sample();
    let n = h.m.doc.annotations().len();
    assert_eq!(n, 5);
    let first = h.m.selected.clone().unwrap();
    h.keys("c");
    let saved = h.saved();
    let a = saved.annotations.iter().find(|a| a.id == first).unwrap();
    assert_eq!((a.status.clone(), a.modified.as_str()), (Status::Verified, "2026-11-28T10:15:00Z"));
    let (status, _) = marginote::tui::render::status::status_line(
        &h.m,
        &marginote::tui::theme::Theme::builtin("dark").unwrap(),
        120,
    );
    assert!(status.to_string().contains(&format!("1 of {n} verified")), "{status}");
    h.keys("c");
    assert_eq!(h.m.selected_annotation().unwrap().status, Status::Disputed);
    h.keys("c");
    assert_eq!(h.m.selected_annotation().unwrap().status, Status::NeedsSource);
    h.keys("c");
    assert_eq!(h.saved().annotations.iter().find(|a| a.id == first).unwrap().status, Status::Unreviewed);
    h.keys("u");
    assert_eq!(h.m.selected_annotation().unwrap().status, Status::NeedsSource, "one undo step per press");
}

#[test]
fn filters_by_kind_type_status_and_text_narrow_the_list_and_the_article() {
    let mut h = workflow_sample();
    h.keys("f");
    assert_eq!(listed_texts(&h), ["dalam penyangkalan"], "quotes");
    assert_eq!(h.m.selected_annotation().unwrap().exact, "dalam penyangkalan", "the selection follows");
    h.keys("ff");
    assert_eq!(listed_texts(&h), ["Facebook", "Facebook"], "entities of the first type, Organization");
    h.keys("f");
    assert_eq!(listed_texts(&h), ["Nick Clegg"], "then Person");
    // The article highlights only what is listed.
    let theme = marginote::tui::theme::Theme::builtin("dark").unwrap();
    let frame = marginote::tui::render::article::article_frame(&h.m, &theme);
    let entity = theme.style(marginote::tui::theme::Role::AnnotationEntity);
    let styled: Vec<String> = frame
        .lines
        .iter()
        .flat_map(|l| l.spans.iter())
        .filter(|s| s.style.fg == entity.fg && s.style.fg.is_some())
        .map(|s| s.content.to_string())
        .collect();
    assert!(styled.iter().all(|s| !s.contains("Facebook")), "{styled:?}");
    h.keys("X");
    assert_eq!(h.m.listed(), None);
    h.keys("/clg<Enter>");
    assert_eq!(listed_texts(&h), ["Nick Clegg", "dalam penyangkalan"], "fuzzy, and the quote by its speaker");
    h.keys("X<Down>c");
    h.keys("F");
    assert_eq!(h.m.filter.status, Some(Status::Unreviewed));
    assert_eq!(listed_texts(&h).len(), 4);
    h.keys("F");
    assert_eq!(listed_texts(&h).len(), 1, "verified");
    h.keys("/zzz<Esc>");
    assert_eq!(h.m.filter.text, "", "Esc drops the text filter");
    h.keys("ff/qq<Enter>");
    assert_eq!(h.m.listed().as_deref(), Some(&[][..]));
    assert_eq!(h.m.selected, None, "nothing listed, nothing selected");
    h.keys("jGc");
    assert_eq!(h.m.selected, None, "moving and cycling in an empty list do nothing");
}

/// `]` and `[` go from annotation to annotation in the article's order,
/// past those the sidebar's filter hides, and say so at either end.
#[test]
fn next_and_previous_annotation_skip_what_the_filter_hides() {
    let mut h = workflow_sample();
    let starts = |h: &Harness, exact: &str| -> Vec<usize> {
        let art = &h.m.doc.article;
        h.m.doc.annotations().iter().filter(|a| a.exact == exact).map(|a| a.bytes(art).start).collect()
    };
    let facebooks = starts(&h, "Facebook");
    assert_eq!(facebooks.len(), 2);
    // Organisations only; back to the article, at its start.
    h.keys("fff");
    assert_eq!(listed_texts(&h), ["Facebook", "Facebook"]);
    h.keys("<Tab>gg");
    let mut seen = Vec::new();
    for _ in 0..3 {
        h.keys("]");
        seen.push(h.m.cursor);
    }
    assert_eq!(seen, [facebooks[0], facebooks[1], facebooks[1]], "the last stays");
    assert!(h.m.message.as_ref().unwrap().0.contains("No annotation after"));
    h.keys("[");
    assert_eq!(h.m.cursor, facebooks[0]);
    h.keys("[");
    assert_eq!(h.m.cursor, facebooks[0]);
    assert!(h.m.message.as_ref().unwrap().0.contains("No annotation before"));
    // With no filter, the next is the next in the text, whatever its kind.
    h.keys("<Tab>X<Tab>");
    h.keys("]");
    let after: Vec<usize> = h.m.doc.annotations().iter().map(|a| a.bytes(&h.m.doc.article).start).collect();
    assert_eq!(Some(h.m.cursor), after.iter().copied().find(|&b| b > facebooks[0]));
}

#[test]
fn the_index_groups_mentions_and_enter_walks_through_them() {
    let mut h = workflow_sample();
    h.keys("i");
    let Mode::Index { index: 0, link: None } = h.m.mode else { panic!("{:?}", h.m.mode) };
    let entries = marginote::tui::index::entries(&h.m);
    let first = match &entries[0] {
        marginote::tui::index::Entry::Entity(g) => (g.spelling.clone(), g.members.len()),
        other => panic!("{other:?}"),
    };
    assert_eq!(first, ("Facebook".to_owned(), 2), "most mentioned first");
    assert!(
        matches!(&entries.last().unwrap(), marginote::tui::index::Entry::Speaker(g) if g.name.as_deref() == Some("Nick Clegg"))
    );
    h.keys("<Enter>");
    assert_eq!(h.m.mode, Mode::Normal);
    assert_eq!(h.m.focus, Focus::Sidebar);
    assert_eq!(listed_texts(&h), ["Facebook", "Facebook"]);
    let first_at = h.m.cursor;
    h.keys("j");
    assert!(h.m.cursor > first_at, "the next mention");
    assert_eq!(&SAMPLE[h.m.cursor..h.m.cursor + 8], "Facebook");
    h.keys("iG<Enter>");
    assert_eq!(listed_texts(&h), ["dalam penyangkalan"], "the quotes of Nick Clegg");
    h.keys("X");
    assert_eq!(listed_texts(&h).len(), 5);
}

#[test]
fn the_reviewed_mark_is_set_shown_and_jumped_to() {
    let mut h = sample();
    h.keys("/Nick Clegg<Enter><Esc>M");
    // A search leaves the cursor on the last grapheme of the match.
    let at = SAMPLE.find("Nick Clegg").unwrap() + "Nick Cleg".len();
    assert_eq!(h.m.reviewed_upto, Some(at));
    h.keys("gG'");
    assert_eq!(h.m.cursor, at);
    let theme = marginote::tui::theme::Theme::builtin("dark").unwrap();
    let (status, _) = marginote::tui::render::status::status_line(&h.m, &theme, 120);
    assert!(status.to_string().contains(&format!("reviewed {}%", at * 100 / SAMPLE.len())), "{status}");
    let frame = marginote::tui::render::article::article_frame(&h.m, &theme);
    let mark = theme.style(marginote::tui::theme::Role::ArticleReviewed);
    let marked: Vec<String> = frame
        .lines
        .iter()
        .flat_map(|l| l.spans.iter())
        .filter(|s| s.style.bg == mark.bg)
        .map(|s| s.content.to_string())
        .collect();
    assert_eq!(marked, ["g"], "the mark is on the grapheme at the cursor");
    h.keys("M");
    assert_eq!(h.m.reviewed_upto, None, "M on the mark removes it");
}

#[test]
fn a_schema_sets_the_tag_menu_badges_colours_and_statuses() {
    let mut h = sample();
    let schema = r##"(
        entity_types: [
            (name: "Person", key: 'p'),
            (name: "Law", key: 'w', color: "#d79921", badge: "§"),
        ],
        statuses: ["Checked by desk"],
    )"##;
    h.m.schema =
        marginote::core::schema::Schema::from_ron(schema, std::path::Path::new("marginote.ron")).unwrap();
    h.keys("/NSPCC<Enter>t");
    let theme = marginote::tui::theme::Theme::builtin("dark").unwrap();
    let menu: Vec<String> =
        marginote::tui::render::popup::tag_menu_lines(&h.m, &theme).iter().map(|l| l.to_string()).collect();
    assert_eq!(
        menu,
        [" q quote (then pick the speaker)", " p Person", " w Law", " s statistic"],
        "the schema's types, no built-in organisation or place"
    );
    h.keys("w");
    let law = h.saved().annotations.into_iter().find(|a| a.exact == "NSPCC").unwrap();
    assert_eq!(law.kind, Kind::Entity("Law".into()));
    h.keys("/Meta<Enter>to");
    assert!(matches!(h.m.mode, Mode::Tag(_)), "o is no key of this schema: the menu stays");
    h.keys("<Esc><Tab>g");
    let lines =
        marginote::tui::render::sidebar::sidebar_lines(&h.m, &theme, h.m.listed().as_deref(), (40, 5));
    let first = &lines[0];
    assert!(first.to_string().starts_with(" § "), "{first}");
    assert_eq!(first.spans[0].style.fg, Some(ratatui::style::Color::Rgb(0xd7, 0x99, 0x21)));
    h.keys("cccc");
    assert_eq!(h.saved().annotations[0].status, Status::Other("Checked by desk".into()));
}

#[test]
fn the_reviewed_mark_and_the_place_come_back_through_the_places_file() {
    use marginote::core::places::Places;
    use marginote::tui::app::{place_of, restore_place};
    let mut h = sample();
    h.keys("/Koalisi<Enter><Esc>M<C-f>");
    let (mark, top, cursor) = (h.m.reviewed_upto, h.m.top, h.m.cursor);
    assert!(mark.is_some() && top > 0);
    let store = h.dir.path().join("places.ron");
    let mut places = Places::load(&store);
    places.set(&h.article, place_of(&h.m).unwrap());
    places.save().unwrap();
    // A fresh start of the same text.
    let again = Harness::open(SAMPLE, (100, 30));
    let mut m = again.m;
    let place = Places::load(&store).get(&h.article).expect("the place was stored");
    assert!(!restore_place(&mut m, &place), "the article did not change");
    assert_eq!((m.reviewed_upto, m.top, m.cursor), (mark, top, cursor));
}

#[test]
fn equals_links_an_entity_to_another_and_the_index_counts_them_together() {
    let mut h = sample();
    h.keys("/Facebook<Enter>tog/Meta<Enter>to");
    let names: Vec<String> = h.m.doc.annotations().iter().map(|a| a.exact.to_string()).collect();
    assert_eq!(names, ["Facebook", "Meta"]);
    h.keys("<Tab>G=");
    let Mode::Index { link: Some(_), .. } = &h.m.mode else { panic!("{:?}", h.m.mode) };
    // Its own entry cannot be picked; Facebook's can.
    let entries = marginote::tui::index::entries(&h.m);
    let own = entries
        .iter()
        .position(|e| matches!(e, marginote::tui::index::Entry::Entity(g) if g.spelling == "Meta"))
        .unwrap();
    let facebook = 1 - own;
    h.keys(if own == 0 { "<Enter>" } else { "j<Enter>" });
    assert!(matches!(h.m.mode, Mode::Index { .. }), "its own entry: still picking");
    h.keys(if facebook == 0 { "k<Enter>" } else { "j<Enter>" });
    assert_eq!(h.m.mode, Mode::Normal);
    let saved = h.saved();
    let fb = saved.annotations.iter().find(|a| a.exact == "Facebook").unwrap();
    let meta = saved.annotations.iter().find(|a| a.exact == "Meta").unwrap();
    assert_eq!(meta.same_as(), Some(fb.id.as_str()));
    assert!(h.ron().contains("same_as: Some("), "{}", h.ron());
    let entries = marginote::tui::index::entries(&h.m);
    let marginote::tui::index::Entry::Entity(g) = &entries[0] else { panic!() };
    assert_eq!((g.members.len(), g.others.len()), (2, 1), "one entity, two mentions, two spellings");
    h.keys("=");
    assert_eq!(
        h.saved().annotations.iter().find(|a| a.exact == "Meta").unwrap().same_as(),
        None,
        "= again unlinks"
    );
}

#[test]
fn deleting_in_a_filtered_list_selects_the_next_listed_one_never_a_hidden_one() {
    let mut h = sample();
    h.keys("/NSPCC<Enter>tog/Mark Zuckerberg<Enter>tpg/8.000<Enter>tsg/24 anak<Enter>ts");
    h.keys("<Tab>fffff");
    assert_eq!(listed_texts(&h), ["8.000", "24 anak"], "statistics");
    h.keys("gd");
    assert_eq!(h.m.selected_annotation().map(|a| a.exact.as_str()), Some("24 anak"));
    h.keys("d");
    assert_eq!(h.m.selected, None, "nothing listed is left: nothing selected");
    h.keys("d");
    let left: Vec<String> = h.saved().annotations.into_iter().map(|a| a.exact.into_string()).collect();
    assert_eq!(left, ["Mark Zuckerberg", "NSPCC"], "the hidden ones are untouched");
}

#[test]
fn back_to_list_quits_for_the_list_only_when_a_folder_opened_the_article() {
    let mut h = sample();
    h.keys("<BS>");
    assert!(!h.m.quit, "no list to go back to");
    h.m.from_folder = true;
    h.keys("/Metaa<BS>");
    assert!(!h.m.quit, "in the search prompt Backspace edits the query");
    assert!(matches!(&h.m.mode, Mode::Search { input, .. } if input.text == "Meta"));
    h.keys("<Esc><BS>");
    assert!(h.m.quit && h.m.going_back);
}

/// Suggestions are found on a snapshot of the annotations. What is tagged
/// or turned down after that snapshot, and what is undone, is settled
/// against the annotations of the moment.
#[test]
fn suggestions_follow_the_annotations_as_they_are_now() {
    let mut h = sample();
    let found = h.found();
    let statistic = |list: &[marginote::core::suggest::Suggestion]| {
        list.iter()
            .filter(|s| &SAMPLE[s.bytes()] == "8.000" && matches!(*s.kind, Kind::Statistic { .. }))
            .count()
    };
    assert!(statistic(&found) >= 2, "8.000 is suggested in the headline and the text");
    // Meanwhile the user tags the headline's 8.000 as a statistic.
    h.keys("/8.000<Enter>ts");
    assert_eq!(h.m.doc.annotations().len(), 1);
    h.input(Input::Suggested(found.clone()));
    assert_eq!(statistic(&h.pending()), statistic(&found) - 1, "the tagged one is no longer suggested");
    // Undone, it is suggested again.
    h.keys("u");
    assert_eq!(h.m.doc.annotations().len(), 0);
    assert_eq!(statistic(&h.pending()), statistic(&found));
    // A name tagged makes its other mentions suggestions of its type, and
    // the rules' guess for them gives way.
    h.keys("/Facebook<Enter>to");
    let facebooks: Vec<_> = h.pending().into_iter().filter(|s| &SAMPLE[s.bytes()] == "Facebook").collect();
    let whole = marginote::core::mentions::occurrences(SAMPLE, "Facebook").count();
    assert_eq!(facebooks.len(), whole - 1, "every other whole-word Facebook, once each");
    assert!(facebooks.iter().all(|s| *s.kind == Kind::Entity("Organization".into())), "{facebooks:?}");
}

/// The count in the list of suggestions is made away from the UI thread,
/// and says "Counting" until a count of the suggestions as they stand
/// arrives.
#[test]
fn the_count_of_suggestions_follows_each_change() {
    let mut h = sample();
    h.suggest();
    h.keys("x");
    assert_eq!(h.m.pending.count(), None);
    h.count();
    assert_eq!(h.m.pending.count(), Some(h.pending().len()));
    let before = h.pending().len();
    h.keys("y");
    assert_eq!(h.m.pending.count(), None, "a change makes the count stale");
    h.count();
    assert_eq!(h.m.pending.count(), Some(before - 1));
    // A count made before a change is not taken after it.
    let (stale, n) = h.m.pending.counter().run();
    h.keys("n");
    h.input(Input::Counted(stale, n));
    assert_eq!(h.m.pending.count(), None);
}

/// The filtered list is kept between keys, and follows every change to the
/// annotations: a status cycled under a status filter, undone, a deletion.
#[test]
fn the_filtered_list_follows_changes_to_the_annotations() {
    let mut h = workflow_sample();
    h.keys("F");
    assert_eq!(h.m.filter.status, Some(Status::Unreviewed));
    let all = listed_texts(&h);
    h.keys("c");
    assert_eq!(listed_texts(&h).len(), all.len() - 1, "verified: no longer listed");
    h.keys("u");
    assert_eq!(listed_texts(&h), all, "undone");
    h.keys("d");
    assert_eq!(listed_texts(&h).len(), all.len() - 1, "deleted");
}
