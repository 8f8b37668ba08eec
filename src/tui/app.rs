//! The app loop: terminal setup and restore, events in, `update`, effects
//! (saving) out, drawing. The only place in the TUI that does I/O.
//!
//! The terminal is restored on every way out: normal quit, error, panic
//! (a panic hook), and SIGTERM/SIGHUP (a flag checked between events, then a
//! save and a clean exit). When the terminal itself is gone, crossterm's
//! event poll can spin on end-of-input and never return, so a watchdog
//! thread gives the loop a moment after the signal and then writes any
//! unsaved annotations and exits on its own.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use super::model::{Level, Model};
use super::render;
use super::theme::Theme;
use super::update::{Effect, Input, update};

/// Leave raw mode and the alternate screen; safe to call twice.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableBracketedPaste, DisableMouseCapture, LeaveAlternateScreen);
    let _ = execute!(io::stdout(), ratatui::crossterm::cursor::Show);
    let _ = io::stdout().flush();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
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

fn save(m: &mut Model) {
    if m.doc.read_only() {
        return;
    }
    match m.doc.save() {
        Ok(conflicts) => report_merge(m, &conflicts),
        Err(e) => m.message = Some((format!("{e} — W saves elsewhere"), Level::Error)),
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

/// Merge changes another program made to the annotation file meanwhile.
fn sync(m: &mut Model) {
    match m.doc.sync_from_disk() {
        None => {}
        Some(Ok(conflicts)) => {
            m.message = Some(("The annotation file changed on disk: merged".into(), Level::Info));
            report_merge(m, &conflicts);
            if m.doc.dirty {
                save(m);
            }
        }
        Some(Err(e)) => m.message = Some((e, Level::Error)),
    }
}

/// Annotations not yet written (path and RON text), for the watchdog.
type Pending = Arc<Mutex<Option<(PathBuf, String)>>>;

/// How long the loop has to notice a signal before the watchdog acts.
const GRACE: Duration = Duration::from_millis(1500);

/// On SIGTERM/SIGHUP: raise `flag`; if the loop has not finished (`done`)
/// after `GRACE`, write what is pending, restore the terminal and exit.
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
            if let Some((path, ron)) = pending.lock().ok().and_then(|mut p| p.take()) {
                let _ = crate::core::store::write_atomic(&path, ron.as_bytes());
            }
            restore_terminal();
            std::process::exit(128 + sig);
        }
    });
    Ok(())
}

/// Keep the watchdog's copy of unsaved annotations current.
fn track_pending(m: &Model, pending: &Pending) {
    let value = (m.doc.dirty && !m.doc.read_only()).then(|| (m.doc.ann_path.clone(), m.doc.to_ron()));
    if let Ok(mut p) = pending.lock() {
        *p = value;
    }
}

/// Run the app until the user quits or a signal arrives.
pub fn run(mut m: Model, theme: &Theme) -> io::Result<()> {
    let term_signal = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let pending: Pending = Arc::new(Mutex::new(None));
    start_watchdog(Arc::clone(&term_signal), Arc::clone(&done), Arc::clone(&pending))?;
    install_panic_hook();
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste) {
        restore_terminal();
        return Err(e);
    }
    let result = event_loop(&mut m, theme, &term_signal, &pending);
    if m.doc.dirty {
        save(&mut m);
    }
    restore_terminal();
    done.store(true, Ordering::SeqCst);
    if m.doc.dirty {
        let why = match &m.doc.load_error {
            Some(e) => format!("{} could not be read, so it was left as it was.", e.path.display()),
            None => m.message.as_ref().map_or_else(String::new, |(msg, _)| msg.clone()),
        };
        eprintln!("marginote: the last changes to the annotations were NOT saved. {why}");
    }
    result
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

fn event_loop(m: &mut Model, theme: &Theme, term_signal: &AtomicBool, pending: &Pending) -> io::Result<()> {
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = terminal.size()?;
    update(m, Input::Resize(size.width, size.height));
    loop {
        terminal.draw(|f| render::draw(f, m, theme))?;
        if m.quit || term_signal.load(Ordering::Relaxed) {
            return Ok(());
        }
        if !event::poll(Duration::from_millis(250))? {
            sync(m);
            continue;
        }
        let Some(input) = to_input(event::read()?) else { continue };
        let effect = update(m, input);
        run_effect(m, effect);
        // Drain what is already queued before drawing again (fast typing, resizes).
        while !m.quit && event::poll(Duration::ZERO)? {
            if let Some(input) = to_input(event::read()?) {
                let effect = update(m, input);
                run_effect(m, effect);
            }
        }
        track_pending(m, pending);
    }
}
