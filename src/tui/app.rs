//! The app loop: terminal setup and restore, events in, `update`, effects
//! (saving) out, drawing. The only place in the TUI that does I/O.
//!
//! The terminal is restored on every way out: normal quit, error, panic
//! (a panic hook), and SIGTERM/SIGHUP (a flag checked between events, then a
//! save and a clean exit). When the terminal itself is gone, crossterm's
//! event poll can spin on end-of-input and never return, so a watchdog
//! thread gives the loop a moment after the signal and then exits on its own.
//!
//! `marginote DIR` runs a folder's list ([`super::folder`]) in the same
//! terminal session: Enter runs an article's loop, the `back_to_list` action (Backspace)
//! (in normal mode) ends it as quitting would and shows the list again.
//! Whenever an article's loop ends, where the user was in it is remembered
//! ([`crate::core::places`]).
//!
//! Changes save as they are made, so unsaved ones exist only when a save
//! failed. A change's save runs on a thread of its own once the change is
//! on screen ([`crate::core::document::SaveJob`]), so keys typed meanwhile
//! do not wait for it; anything else that writes the file (quitting, a
//! restore, a change on disk merged in) waits for that save first.
//! Whatever way the process ends, unsaved annotations are written to a
//! recovery file ([`crate::core::recovery`]) that the next start offers to
//! restore: the panic hook and the watchdog read them from a copy the loop
//! keeps current.

use std::cell::RefCell;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::backend::FrameBackend;
use super::painter::{Bytes, Painter};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use crate::core::document::SaveDone;
use crate::core::matches::Matches;
use crate::core::places::{self, Place};
use crate::core::reanchor::{Job, Poll};
use crate::core::store::AnnotationFile;

use super::action::Action;
use super::folder::{self, Folder};
use super::model::{Level, Mode, Model};
use super::render;
use super::theme::Theme;
use super::update::{Effect, Input, go_to, update};

/// Leave raw mode and the alternate screen; safe to call twice.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableBracketedPaste, DisableMouseCapture, LeaveAlternateScreen);
    let _ = execute!(io::stdout(), ratatui::crossterm::cursor::Show);
    let _ = io::stdout().flush();
}

fn install_panic_hook(pending: Pending) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
        rescue(&pending);
    }));
}

/// Write the unsaved annotations in `pending` to their recovery file and
/// say where (stderr). For the panic hook and the watchdog.
fn rescue(pending: &Pending) {
    let Some(p) = pending.try_lock().ok().and_then(|mut p| p.take()) else { return };
    let said = keep_for_recovery(p.dir.as_deref(), &p.ann_path, &p.file);
    // The terminal may be gone: a failed write must not stop the caller.
    let _ = writeln!(io::stderr(), "marginote: {said}");
}

/// Write unsaved annotations to the recovery file; what to tell the user.
fn keep_for_recovery(dir: Option<&Path>, ann_path: &Path, file: &AnnotationFile) -> String {
    let Some(dir) = dir else {
        return "unsaved annotations are lost: no data directory for a recovery file".into();
    };
    match crate::core::recovery::write(dir, ann_path, file) {
        Ok(path) => format!(
            "unsaved annotations were kept in {}; the next start on this article offers to restore them",
            path.display()
        ),
        Err(e) => {
            format!("unsaved annotations are lost: cannot write a recovery file in {}: {e}", dir.display())
        }
    }
}

/// Run the effect an update asked for.
pub fn run_effect(m: &mut Model, effect: Effect) {
    match effect {
        Effect::None => {}
        Effect::Save => save(m),
        Effect::SaveAs(path) => {
            m.message = Some(match crate::core::store::write_atomic(&path, m.doc.to_ron().as_bytes()) {
                Ok(()) => (format!("Annotations written to {}", path.display()), Level::Info),
                Err(e) => (format!("not saved: {}: {e}", path.display()), Level::Error),
            });
        }
        Effect::Restored => {
            save(m);
            if !m.doc.dirty {
                retire_recovery(m);
            }
        }
        Effect::DiscardRecovery => retire_recovery(m),
        // The app loop repaints the screen; nothing to do to the model.
        Effect::Redraw => {}
        Effect::Quit => {
            if !m.doc.dirty || m.quit_armed {
                m.quit = true;
                return;
            }
            match m.doc.save() {
                Ok(_) => m.quit = true,
                Err(e) => {
                    m.quit_armed = true;
                    m.message = Some((
                        format!("{e} — W saves elsewhere; quit again to leave WITHOUT saving"),
                        Level::Error,
                    ));
                }
            }
        }
    }
}

fn retire_recovery(m: &mut Model) {
    let Some(dir) = m.recovery_dir.clone() else { return };
    if let Err(e) = crate::core::recovery::retire(&dir, &m.doc.ann_path) {
        m.message =
            Some((format!("cannot retire the recovery file in {}: {e}", dir.display()), Level::Error));
    }
}

fn save(m: &mut Model) {
    if m.doc.read_only() {
        return;
    }
    let saved = m.doc.save();
    report_save(m, saved);
}

/// Tell the user what a save could not do alone, or why it failed.
fn report_save(m: &mut Model, saved: Result<Vec<crate::core::merge::Conflict>, String>) {
    match saved {
        Ok(conflicts) => report_merge(m, &conflicts),
        Err(e) => m.message = Some((format!("{e} — W saves elsewhere"), Level::Error)),
    }
}

/// Start saving the annotations on a thread (not a read-only document's).
/// Once they are written, the copy kept for a crash is dropped if it is
/// still them: the loop may not get to it (a closed terminal can leave it
/// waiting for input until the watchdog acts).
fn start_saving(m: &mut Model, pending: &Pending) -> Option<Receiver<SaveDone>> {
    if m.doc.read_only() {
        return None;
    }
    let job = m.doc.save_job();
    // The job's annotations, which recording the article in them may have
    // copied, are the ones kept for a crash.
    track_pending(m, pending);
    let pending = Arc::clone(pending);
    match job {
        Ok(job) => Some(on_thread(move || {
            let done = job.run();
            if let (Some(file), Ok(mut kept)) = (done.written(), pending.lock())
                && kept.as_ref().is_some_and(|u| Arc::ptr_eq(&u.file, file))
            {
                *kept = None;
            }
            done
        })),
        Err(e) => {
            report_save(m, Err(e));
            None
        }
    }
}

/// Take in a save done on its thread (which saves here instead when the
/// file on disk changed meanwhile).
fn finish_saving(m: &mut Model, done: SaveDone) {
    let saved = m.doc.finish_save(done);
    report_save(m, saved);
}

/// Wait for the save running on its thread, if one is, and take it in: what
/// writes the file next starts from what it wrote. (Its thread gone without
/// a word, a panic, the annotations are saved here.)
fn settle(m: &mut Model, saving: &mut Option<Receiver<SaveDone>>) {
    if let Some(rx) = saving.take() {
        match rx.recv() {
            Ok(done) => finish_saving(m, done),
            Err(_) => save(m),
        }
    }
}

/// Tell the user what a merge with the file on disk could not decide alone.
fn report_merge(m: &mut Model, conflicts: &[crate::core::merge::Conflict]) {
    if let Some(first) = conflicts.first() {
        let more =
            if conflicts.len() > 1 { format!(" (+{} more)", conflicts.len() - 1) } else { String::new() };
        m.message = Some((format!("Merged with changes on disk: {}{more}", first.note), Level::Error));
    }
}

/// Merge changes another program made to the annotation file meanwhile;
/// whether anything changed.
fn sync(m: &mut Model) -> bool {
    match m.doc.sync_from_disk() {
        None => return false,
        Some(Ok(conflicts)) => {
            m.message = Some(("The annotation file changed on disk: merged".into(), Level::Info));
            report_merge(m, &conflicts);
            if m.doc.dirty {
                save(m);
            }
        }
        Some(Err(e)) => m.message = Some((e, Level::Error)),
    }
    true
}

/// Annotations not yet written, for the panic hook and the watchdog.
struct Unsaved {
    dir: Option<PathBuf>,
    ann_path: PathBuf,
    /// Shared with the document until its next change.
    file: Arc<AnnotationFile>,
}

type Pending = Arc<Mutex<Option<Unsaved>>>;

/// How long the loop has to notice a signal before the watchdog acts.
const GRACE: Duration = Duration::from_millis(1500);

/// On SIGTERM/SIGHUP: raise `flag`; if the loop has not finished (`done`)
/// after `GRACE`, keep what is pending for recovery, restore the terminal
/// and exit.
fn start_watchdog(flag: Arc<AtomicBool>, done: Arc<AtomicBool>, pending: Pending) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            flag.store(true, Ordering::SeqCst);
            std::thread::sleep(GRACE);
            if done.load(Ordering::SeqCst) {
                return;
            }
            restore_terminal();
            rescue(&pending);
            std::process::exit(128 + sig);
        }
    });
    Ok(())
}

/// Keep the unsaved annotations where the panic hook and the watchdog find
/// them: the document's file, shared (a change is saved after its frame,
/// and the file is only copied if another change comes first).
fn track_pending(m: &Model, pending: &Pending) {
    let value = (m.doc.dirty && !m.doc.read_only()).then(|| Unsaved {
        dir: m.recovery_dir.clone(),
        ann_path: m.doc.ann_path.clone(),
        file: m.doc.shared_file(),
    });
    if let Ok(mut p) = pending.lock() {
        *p = value;
    }
}

/// How the app gets its model.
pub enum Start {
    /// Loaded already.
    Ready(Box<Model>),
    /// A large file: draw `preview` (its first screens) at once and answer
    /// keys on it while `load` reads the file; the keys are then applied to
    /// the model in turn.
    Preview { preview: Box<Model>, load: Loader },
}

/// How a large article loads: `read` on a thread of its own, then `model`
/// on the UI thread from what it read.
pub struct Loader {
    pub read: Box<dyn FnOnce() -> Result<Loaded, String> + Send>,
    pub model: Box<dyn FnOnce(Loaded) -> Result<Model, String>>,
}

/// What [`Loader::read`] read: the document, and what to tell the user first.
pub struct Loaded {
    pub doc: crate::core::document::Document,
    pub notice: Option<String>,
}

/// Opens an article of a folder the way `marginote ARTICLE` opens one.
pub type Opener<'a> = &'a dyn Fn(&Path) -> Result<Start, String>;

/// How an article's event loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// The user quit.
    Quit,
    /// The user went back to the folder list (the `back_to_list` action).
    Back,
    /// SIGTERM or SIGHUP arrived.
    Signal,
}

/// The terminal, taken over, with what every way out needs: the signal
/// flag, the flag that tells the watchdog the loop finished, and the copy of
/// unsaved annotations.
struct App<'a> {
    screen: Screen,
    theme: &'a Theme,
    term_signal: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
    pending: Pending,
    /// An input typed while a large article loaded that its preview could
    /// not answer: the model's first.
    held: Option<Input>,
}

impl<'a> App<'a> {
    /// Start the watchdog and the panic hook, then take the terminal (raw
    /// mode, alternate screen, mouse); restored again if that fails halfway.
    fn start(theme: &'a Theme) -> Result<App<'a>, String> {
        let terminal_error = |e: io::Error| format!("terminal: {e}");
        let term_signal = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicBool::new(false));
        let pending: Pending = Arc::new(Mutex::new(None));
        start_watchdog(Arc::clone(&term_signal), Arc::clone(&done), Arc::clone(&pending))
            .map_err(terminal_error)?;
        install_panic_hook(Arc::clone(&pending));
        enable_raw_mode().map_err(terminal_error)?;
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste) {
            restore_terminal();
            return Err(terminal_error(e));
        }
        let mut screen = Screen::new(FrameWriter::new());
        screen.measure();
        Ok(App { screen, theme, term_signal, done, pending, held: None })
    }

    /// Give the terminal back and tell the watchdog the loop is over.
    fn leave(&self) {
        restore_terminal();
        self.done.store(true, Ordering::SeqCst);
    }

    /// The model to run: loaded already, or loaded now with a preview on screen.
    fn ready(&mut self, start: Start) -> Result<Model, String> {
        match start {
            Start::Ready(m) => Ok(*m),
            Start::Preview { preview, load } => {
                let model = self.while_loading(*preview, load);
                if model.is_err() {
                    // Typed for an article that did not open.
                    self.held = None;
                }
                model
            }
        }
    }

    /// Draw the preview while the article is read on a thread, and answer
    /// on it the keys that only move about it ([`answered_by_preview`]);
    /// then the model, where the preview was moved to. The first other
    /// input is kept for the model (`held`), and no more are read until it
    /// has loaded: they are the model's, as typed ahead.
    fn while_loading(&mut self, mut preview: Model, load: Loader) -> Result<Model, String> {
        let terminal = |e: io::Error| format!("terminal: {e}");
        let (w, h) = self.screen.size();
        update(&mut preview, Input::Resize(w, h));
        let opened_at = (preview.top, preview.cursor);
        // On screen first: reading the article keeps both cores busy.
        let _ = self.screen.draw(&preview, self.theme);
        let read = on_thread(load.read);
        let mut redraw = false;
        let loaded = loop {
            if redraw {
                // A terminal gone is the article's loop to report.
                let _ = self.screen.draw(&preview, self.theme);
            }
            let wait = Duration::from_millis(5);
            // With an input held, no more are read: only the article is waited for.
            match read.recv_timeout(if self.held.is_some() { wait } else { Duration::ZERO }) {
                Ok(loaded) => break loaded?,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err("the article could not be read (its thread stopped)".into());
                }
            }
            if self.held.is_some() {
                redraw = false;
                continue;
            }
            redraw = event::poll(wait).map_err(terminal)?;
            if redraw && let Some(input) = to_input(event::read().map_err(terminal)?) {
                self.screen.follow(&input);
                if answered_by_preview(&preview, &input) {
                    update(&mut preview, input);
                } else {
                    self.held = Some(input);
                }
            }
        };
        let mut m = (load.model)(loaded)?;
        let (w, h) = self.screen.size();
        update(&mut m, Input::Resize(w, h));
        if (preview.top, preview.cursor) != opened_at {
            follow_preview(&mut m, &preview);
        }
        Ok(m)
    }

    /// Run an article until the user quits (or goes back, when `back` is
    /// allowed) or a signal arrives; then save what is unsaved and remember
    /// where the user was. What to tell the user comes back with the exit.
    fn article(&mut self, mut m: Model, back: bool) -> (io::Result<Exit>, Ending) {
        m.from_folder = back;
        let exit = event_loop(&mut m, self);
        if m.doc.dirty {
            save(&mut m);
        }
        let place = remember(&m).err();
        (exit, Ending { model: m, place })
    }
}

/// What is left to say after an article's loop: unsaved annotations (in
/// the model) and a reading position that could not be saved.
struct Ending {
    model: Model,
    place: Option<String>,
}

impl Ending {
    /// The lines to tell the user; writes unsaved annotations to a recovery
    /// file first (see [`keep_for_recovery`]).
    fn said(&self) -> Vec<String> {
        let mut lines: Vec<String> = unsaved_warning(&self.model).into_iter().collect();
        lines.extend(self.place.iter().map(|e| format!("the reading position was not remembered: {e}")));
        lines
    }
}

/// Run the app on one article until the user quits or a signal arrives.
pub fn run(start: Start, theme: &Theme) -> Result<(), String> {
    let mut app = App::start(theme)?;
    let m = match app.ready(start) {
        Ok(m) => m,
        Err(e) => {
            app.leave();
            return Err(e);
        }
    };
    let (exit, ending) = app.article(m, false);
    app.leave();
    for line in ending.said() {
        // The terminal may be gone: a failed write must not stop the exit.
        let _ = writeln!(io::stderr(), "marginote: {line}");
    }
    exit.map(|_| ()).map_err(|e| format!("terminal: {e}"))
}

/// Run the app on a folder's list of articles until the user quits there
/// (or in an article) or a signal arrives. `open` opens the article chosen.
pub fn run_folder(mut list: Folder, open: Opener, theme: &Theme) -> Result<(), String> {
    let mut app = App::start(theme)?;
    let result = folder_loop(&mut app, &mut list, open);
    app.leave();
    if let Some((msg, Level::Error)) = &list.message {
        let _ = writeln!(io::stderr(), "marginote: {msg}");
    }
    result.map_err(|e| format!("terminal: {e}"))
}

/// The folder list's loop: draw, keys, open an article and come back.
fn folder_loop(app: &mut App, list: &mut Folder, open: Opener) -> io::Result<()> {
    let (w, h) = app.screen.size();
    list.resize(w, h);
    let mut redraw = true;
    loop {
        if redraw {
            app.screen.draw_folder(list, app.theme)?;
        }
        if app.term_signal.load(Ordering::Relaxed) {
            return Ok(());
        }
        redraw = event::poll(Duration::from_millis(250))?;
        if !redraw {
            continue;
        }
        let outcome = match to_input(event::read()?) {
            Some(Input::Key(k)) => folder::key(list, k),
            Some(input @ Input::Resize(w, h)) => {
                app.screen.follow(&input);
                list.resize(w, h);
                folder::Outcome::None
            }
            _ => folder::Outcome::None,
        };
        match outcome {
            folder::Outcome::None => {}
            folder::Outcome::Quit => return Ok(()),
            folder::Outcome::Open(path) => {
                if open_from_folder(app, list, &path, open)? != Exit::Back {
                    return Ok(());
                }
            }
        }
    }
}

/// Open `path` from the list and run it; back in the list, refresh its
/// row and say what went wrong, if anything did. How the article ended (an
/// article that cannot be opened counts as going back).
fn open_from_folder(app: &mut App, list: &mut Folder, path: &Path, open: Opener) -> io::Result<Exit> {
    let m = match open(path).and_then(|start| app.ready(start)) {
        Ok(m) => m,
        Err(e) => {
            list.message = Some((e, Level::Error));
            return Ok(Exit::Back);
        }
    };
    let (exit, ending) = app.article(m, true);
    // Unsaved annotations are now in a recovery file (or said to be lost):
    // the watchdog and the panic hook must not write them again.
    let said = ending.said();
    if let Ok(mut p) = app.pending.lock() {
        *p = None;
    }
    list.refresh(path);
    let said = said.join(" ").replace("\nmarginote: ", " — ");
    list.message = (!said.is_empty()).then_some((said, Level::Error));
    let (w, h) = app.screen.size();
    list.resize(w, h);
    exit
}

/// Why the last changes to the annotations are not saved, when they are
/// not: written to a recovery file (if the file could be read at all).
fn unsaved_warning(m: &Model) -> Option<String> {
    if !m.doc.dirty {
        return None;
    }
    let why = match &m.doc.load_error {
        Some(e) => format!("{} could not be read, so it was left as it was.", e.path.display()),
        None => {
            let msg = m.message.as_ref().map_or_else(String::new, |(msg, _)| msg.clone());
            let kept = keep_for_recovery(m.recovery_dir.as_deref(), &m.doc.ann_path, m.doc.file());
            format!("{msg}\nmarginote: {kept}")
        }
    };
    Some(format!("the last changes to the annotations were NOT saved. {why}"))
}

/// Whether a large article's preview answers `input` while the article
/// loads: a resize, and in normal mode in the article the keys and wheel
/// steps that move about the text (not to its end, which the preview does
/// not hold). Anything else waits for the article.
pub fn answered_by_preview(preview: &Model, input: &Input) -> bool {
    use Action::*;
    use ratatui::crossterm::event::MouseEventKind;
    let moves = |a: Action| {
        matches!(
            a,
            MoveLeft
                | MoveRight
                | MoveUp
                | MoveDown
                | WordForward
                | WordBackward
                | WordEnd
                | SentenceForward
                | SentenceBackward
                | ParagraphForward
                | ParagraphBackward
                | LineStart
                | LineEnd
                | PageDown
                | PageUp
                | ScrollDown
                | ScrollUp
                | GotoStart
        )
    };
    let reading = preview.mode == Mode::Normal && preview.focus == super::model::Focus::Article;
    match input {
        Input::Resize(..) => true,
        Input::Key(k) if reading && k.kind != event::KeyEventKind::Release => {
            preview.keymap.lookup(super::action::Context::Article, k).is_some_and(moves)
        }
        Input::Mouse(ev) => {
            reading && matches!(ev.kind, MouseEventKind::ScrollDown | MouseEventKind::ScrollUp)
        }
        _ => false,
    }
}

/// Put `m`, the model of an article just loaded, where its preview was
/// moved to (the preview's text is the start of the article's: the same
/// offsets).
pub fn follow_preview(m: &mut Model, preview: &Model) {
    m.top = m.viewport().row_at(preview.top.min(m.doc.article.len())).start;
    go_to(m, preview.cursor);
}

/// Where the user is in `m`'s article, to remember (`None` for a preview,
/// which is not the article).
pub fn place_of(m: &Model) -> Option<Place> {
    (!m.loading).then(|| Place::at(&m.doc.article, m.top, m.cursor, m.reviewed_upto))
}

/// Show `place` in `m`: its top row at the top of the view (at the current
/// width), the cursor there, the review marker set; offsets outside the
/// article are clamped to it. Whether the article changed since the place
/// was recorded (the same offsets may then show other words).
pub fn restore_place(m: &mut Model, place: &Place) -> bool {
    let r = place.in_article(&m.doc.article);
    m.top = m.viewport().row_at(r.top).start;
    go_to(m, r.cursor);
    m.reviewed_upto = r.reviewed_upto;
    r.changed
}

/// Remember where the user is in `m`'s article, in the user's data directory.
fn remember(m: &Model) -> Result<(), String> {
    let (Some(place), Some(store)) = (place_of(m), places::default_path()) else { return Ok(()) };
    places::record(&store, &m.doc.path, place)
}

/// What a step leaves to the app loop.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Due {
    /// A save, to run once the change is on screen.
    save: bool,
    /// The whole screen painted again.
    repaint: bool,
}

/// One input: update, then its effect (after the save on its thread, if
/// one runs), except a save or a repaint, which are left to the loop. The
/// copy of unsaved annotations is taken before the effect runs too, since a
/// save can block (on another instance's lock) or fail while a signal or a
/// panic arrives.
fn step(m: &mut Model, input: Input, pending: &Pending, saving: &mut Option<Receiver<SaveDone>>) -> Due {
    #[cfg(debug_assertions)]
    panic_for_tests(&input);
    let was_dirty = m.doc.dirty;
    let effect = update(m, input);
    let touched = was_dirty || m.doc.dirty;
    if touched {
        track_pending(m, pending);
    }
    match effect {
        Effect::Save => return Due { save: true, repaint: false },
        Effect::Redraw => return Due { save: false, repaint: true },
        Effect::None => {}
        effect => {
            settle(m, saving);
            run_effect(m, effect);
        }
    }
    if touched || m.doc.dirty {
        track_pending(m, pending);
    }
    Due::default()
}

/// Debug builds only: `MARGINOTE_TEST_PANIC_KEY=X` makes the key `X` panic,
/// so that the end-to-end tests can take the real binary down the panic path.
#[cfg(debug_assertions)]
fn panic_for_tests(input: &Input) {
    use ratatui::crossterm::event::KeyCode;
    let Ok(key) = std::env::var("MARGINOTE_TEST_PANIC_KEY") else { return };
    if let Input::Key(k) = input
        && let KeyCode::Char(c) = k.code
        && key.chars().eq([c])
    {
        panic!("MARGINOTE_TEST_PANIC_KEY pressed");
    }
}

fn to_input(ev: Event) -> Option<Input> {
    match ev {
        Event::Key(k) => Some(Input::Key(k)),
        Event::Mouse(ev) => Some(Input::Mouse(ev)),
        Event::Resize(w, h) => Some(Input::Resize(w, h)),
        Event::Paste(s) => Some(Input::Paste(s)),
        _ => None,
    }
}

/// How long the first frame waits for re-anchoring: small jobs finish
/// within it and never show a progress indicator.
const FIRST_FRAME_WAIT: Duration = Duration::from_millis(30);

/// Start re-anchoring in the background when the article changed.
fn start_anchoring(m: &mut Model) -> Option<Job> {
    m.anchoring?;
    let job = Job::start(Arc::clone(&m.doc.article), m.doc.annotations().to_vec());
    let first = job.wait(FIRST_FRAME_WAIT);
    finish_anchoring(m, first).then_some(job)
}

/// Find what the rules suggest on a thread of their own (a book takes a
/// fraction of a second); it arrives as [`Input::Suggested`].
fn start_suggesting(m: &Model) -> Receiver<Vec<crate::core::suggest::Suggestion>> {
    let article = Arc::clone(&m.doc.article);
    let conv = m.doc.file().article.numbers;
    // Only the names of tagged entities (for speakers), not a copy of the
    // annotations: what they settle is settled when the list is asked.
    let names = crate::core::suggest::tagged_names(m.doc.annotations());
    on_thread(move || crate::core::suggest::by_rules(&article, conv, &names))
}

/// Find every match of `query` on a thread of its own; they arrive as
/// [`Input::Matched`].
fn start_matching(m: &Model, query: &str) -> Receiver<Matches> {
    let (article, query) = (Arc::clone(&m.doc.article), query.to_owned());
    on_thread(move || crate::core::search::all_matches(article.text(), &query))
}

/// Count the pending suggestions on a thread of their own, for the list of
/// suggestions; the count arrives as [`Input::Counted`].
fn start_counting(m: &Model) -> Receiver<(u64, usize)> {
    let counter = m.pending.counter();
    on_thread(move || counter.run())
}

/// Run `job` on a thread of its own; its result arrives on the receiver
/// (which reports the thread gone if it panics).
fn on_thread<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Receiver<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(job());
    });
    rx
}

/// What a background thread sent, if it has: `Err(())` once it is gone.
fn poll<T>(rx: &Receiver<T>) -> Result<Option<T>, ()> {
    match rx.try_recv() {
        Ok(v) => Ok(Some(v)),
        Err(TryRecvError::Empty) => Ok(None),
        Err(TryRecvError::Disconnected) => Err(()),
    }
}

/// Pass a job's progress or result to the model; true while it runs.
fn finish_anchoring(m: &mut Model, poll: Poll) -> bool {
    match poll {
        Poll::Running(done) => {
            update(m, Input::Anchoring(done));
            true
        }
        Poll::Done(placements) => {
            update(m, Input::Anchored(placements));
            false
        }
    }
}

type Term = Terminal<FrameBackend<FrameWriter>>;

/// Stdout for frames: buffered, and written out only by `FrameWriter::send`
/// (on a clone), so a frame, the cursor's position and its visibility leave
/// in one write (ratatui flushes after each of them; stdout alone would
/// flush every kilobyte).
#[derive(Clone)]
pub struct FrameWriter(Rc<RefCell<io::BufWriter<io::Stdout>>>);

impl FrameWriter {
    fn new() -> FrameWriter {
        FrameWriter(Rc::new(RefCell::new(io::BufWriter::with_capacity(1 << 16, io::stdout()))))
    }

    /// Write out what the last frame produced.
    fn send(&self) -> io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

impl Write for FrameWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The terminal and the writer its frames go through. An article's frames
/// without a popup are painted row by row ([`Painter`]); the others are
/// drawn by ratatui, and each is told when the other drew.
struct Screen {
    /// ratatui's terminal, while its frames are on screen (a popup, the
    /// folder list): made for such a frame and dropped when the painter
    /// draws, with its two buffers of cells (460 KB at 120x40).
    terminal: Option<Term>,
    /// The terminal's size.
    area: Rect,
    out: FrameWriter,
    painter: Painter,
    /// The painter's bytes, kept for their capacity.
    bytes: Vec<u8>,
    /// What the last composed frame can lend the next.
    memo: render::Memo,
}

impl Screen {
    fn new(out: FrameWriter) -> Screen {
        Screen {
            terminal: None,
            area: Rect::new(0, 0, 80, 24),
            out,
            painter: Painter::default(),
            bytes: Vec::new(),
            memo: render::Memo::default(),
        }
    }

    /// The terminal's size, width and height.
    fn size(&self) -> (u16, u16) {
        (self.area.width, self.area.height)
    }

    /// Ask the terminal its size (80x24 if it will not say).
    fn measure(&mut self) {
        let (w, h) = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
        self.follow(&Input::Resize(w, h));
    }

    /// Draw a frame and send it.
    fn draw(&mut self, m: &Model, theme: &Theme) -> io::Result<()> {
        if render::overlaid(m) {
            return self.draw_with(|f| render::draw(f, m, theme));
        }
        let mut bytes = Bytes::new(std::mem::take(&mut self.bytes));
        self.painter.paint(render::compose_with(m, theme, &mut self.memo), &mut bytes);
        self.terminal = None;
        self.out.write_all(&bytes.out)?;
        self.bytes = bytes.out;
        self.out.send()
    }

    /// Draw the folder list and send it.
    fn draw_folder(&mut self, list: &Folder, theme: &Theme) -> io::Result<()> {
        self.draw_with(|f| folder::draw(f, list, theme))
    }

    /// Draw through ratatui (clearing what the painter left) and send it.
    fn draw_with(&mut self, render: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
        let terminal = match &mut self.terminal {
            Some(terminal) => terminal,
            None => {
                // A fixed viewport, replaced on resize events: ratatui would
                // otherwise ask the terminal for its size at every frame
                // (crossterm opens /dev/tty).
                let options = TerminalOptions { viewport: Viewport::Fixed(self.area) };
                let mut terminal = Terminal::with_options(FrameBackend::new(self.out.clone()), options)?;
                // Resizing to the same size clears the screen, as `clear`
                // does without asking the terminal where its cursor is.
                terminal.resize(self.area)?;
                self.terminal.insert(terminal)
            }
        };
        self.painter.invalidate();
        terminal.draw(render)?;
        self.out.send()
    }

    /// Follow the terminal's size: both ways of drawing start afresh when
    /// it changed. (A terminal may report the same size twice for one
    /// resize; `C-l` repaints on demand.)
    fn follow(&mut self, input: &Input) {
        if let Input::Resize(w, h) = *input
            && Rect::new(0, 0, w, h) != self.area
        {
            self.area = Rect::new(0, 0, w, h);
            self.repaint();
        }
    }

    /// Paint the whole screen at the next frame, not only what changed.
    fn repaint(&mut self) {
        self.terminal = None;
        self.painter.invalidate();
    }
}

/// Run an article's events until it quits, goes back, or a signal arrives;
/// a save still running on its thread is finished before this returns.
fn event_loop(m: &mut Model, app: &mut App) -> io::Result<Exit> {
    let mut saving = None;
    let exit = run_events(m, app, &mut saving);
    settle(m, &mut saving);
    track_pending(m, &app.pending);
    exit
}

fn run_events(m: &mut Model, app: &mut App, saving: &mut Option<Receiver<SaveDone>>) -> io::Result<Exit> {
    let App { screen, theme, term_signal, pending, held, .. } = app;
    let theme: &Theme = theme;
    screen.measure();
    let (w, h) = screen.size();
    update(m, Input::Resize(w, h));
    let mut job = start_anchoring(m);
    let mut suggesting = Some(start_suggesting(m));
    let mut counting: Option<Receiver<(u64, usize)>> = None;
    // A search's matches being found, for this query.
    let mut searching: Option<(String, Receiver<Matches>)> = None;
    // A change waits to be saved until it is on screen.
    let mut save_due = false;
    // Whether memory freed since the last idle moment may still be held.
    let mut untrimmed = true;
    // Drawn only when something may have changed: an idle tick that finds
    // nothing new writes nothing to the terminal.
    let mut redraw = true;
    loop {
        if redraw {
            let drawn = screen.draw(m, theme);
            if save_due && saving.is_none() {
                // The change is on screen: now its save, on a thread (tens
                // of milliseconds for 20,000 annotations; finished before
                // the loop returns, even when the terminal is gone).
                // Changes made meanwhile are saved after it.
                save_due = false;
                *saving = start_saving(m, pending);
            }
            drawn?;
            if let Some(q) = &m.matching
                && searching.as_ref().is_none_or(|(s, _)| s != q)
            {
                searching = Some((q.clone(), start_matching(m, q)));
            }
            if !event::poll(Duration::ZERO)? {
                m.prepare();
            }
        }
        if term_signal.load(Ordering::Relaxed) {
            return Ok(Exit::Signal);
        }
        if m.quit {
            return Ok(if m.going_back { Exit::Back } else { Exit::Quit });
        }
        // Redraw often while a job reports progress; otherwise wake only to
        // look for changes on disk.
        let busy = job.is_some() || suggesting.is_some() || counting.is_some();
        let tick = match (searching.is_some() || saving.is_some(), busy) {
            // The highlights and the count of a search soon after they are
            // found; the end of a save (and the next one) soon after it.
            (true, _) => Duration::from_millis(10),
            (false, true) => Duration::from_millis(50),
            (false, false) => Duration::from_millis(250),
        };
        let ready = held.is_some() || event::poll(tick)?;
        redraw = ready || job.is_some();
        if let Some(rx) = saving.as_ref() {
            let done = match poll(rx) {
                Ok(None) => false,
                Ok(Some(done)) => {
                    finish_saving(m, done);
                    true
                }
                // Its thread is gone (a panic): saved here.
                Err(()) => {
                    save(m);
                    true
                }
            };
            if done {
                *saving = None;
                track_pending(m, pending);
                redraw = true;
            }
        }
        if let Some(rx) = &suggesting {
            match poll(rx) {
                Ok(Some(list)) => {
                    update(m, Input::Suggested(list));
                    suggesting = None;
                    redraw = true;
                    untrimmed = true;
                }
                Ok(None) => {}
                Err(()) => suggesting = None,
            }
        }
        if let Some((q, rx)) = &searching {
            match poll(rx) {
                Ok(Some(list)) => {
                    update(m, Input::Matched(q.clone(), list));
                    searching = None;
                    redraw = true;
                    untrimmed = true;
                }
                Ok(None) => {}
                Err(()) => {
                    // The thread is gone without them (it panicked): not again.
                    m.matching = None;
                    searching = None;
                }
            }
        }
        if let Some(rx) = &counting {
            match poll(rx) {
                Ok(Some((revision, n))) => {
                    update(m, Input::Counted(revision, n));
                    counting = None;
                    redraw = true;
                }
                Ok(None) => {}
                Err(()) => counting = None,
            }
        }
        // The list of suggestions says how many are left: counted again
        // after each change, while the list is open.
        if counting.is_none()
            && suggesting.is_none()
            && matches!(m.mode, Mode::Suggestion { .. })
            && m.pending.count().is_none()
        {
            counting = Some(start_counting(m));
        }
        match &job {
            Some(j) if !finish_anchoring(m, j.poll()) => job = None,
            Some(_) => {}
            // Changes on disk are merged when idle, not while re-anchoring (its
            // result pairs with the list as it was). What another program
            // added or removed is settled against the pending suggestions as
            // they are asked for, like the user's own changes.
            // Not while a save runs: its write is no change from elsewhere.
            None if !ready && saving.is_none() && sync(m) => redraw = true,
            None => {}
        }
        if !ready {
            // Not before the frame that shows what arrived: drawing it
            // frees what it replaces.
            if !redraw && std::mem::take(&mut untrimmed) {
                super::memory::give_back_freed_memory();
            }
            continue;
        }
        untrimmed = true;
        let mut handle = |m: &mut Model, input: Input| {
            screen.follow(&input);
            let due = step(m, input, pending, saving);
            if due.repaint {
                screen.repaint();
            }
            save_due |= due.save;
        };
        let input = match held.take() {
            Some(input) => input,
            None => match to_input(event::read()?) {
                Some(input) => input,
                None => continue,
            },
        };
        handle(m, input);
        // Drain what is already queued before drawing again (fast typing,
        // resizes); the changes they make are saved once.
        while !m.quit && event::poll(Duration::ZERO)? {
            if let Some(input) = to_input(event::read()?) {
                handle(m, input);
            }
        }
    }
}
