//! The app loop: terminal setup and restore, events in, `update`, effects
//! (saving) out, drawing. The only place in the TUI that does I/O.
//!
//! The terminal is restored on every way out: normal quit, error, panic
//! (a panic hook), and SIGTERM/SIGHUP (flags checked between events, then a
//! save and a clean exit).

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
        Effect::Quit => {
            if !m.doc.dirty || m.quit_armed {
                m.quit = true;
                return;
            }
            match m.doc.save() {
                Ok(()) => m.quit = true,
                Err(e) => {
                    m.quit_armed = true;
                    m.message = Some((format!("{e} — quit again to leave WITHOUT saving"), Level::Error));
                }
            }
        }
    }
}

fn save(m: &mut Model) {
    if m.doc.read_only() {
        return;
    }
    if let Err(e) = m.doc.save() {
        m.message = Some((e, Level::Error));
    }
}

/// Run the app until the user quits or a signal arrives.
pub fn run(mut m: Model, theme: &Theme) -> io::Result<()> {
    let term_signal = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&term_signal))?;
    }
    install_panic_hook();
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste) {
        restore_terminal();
        return Err(e);
    }
    let result = event_loop(&mut m, theme, &term_signal);
    if m.doc.dirty {
        save(&mut m);
    }
    restore_terminal();
    if let Some((msg, Level::Error)) = &m.message
        && m.doc.dirty
    {
        eprintln!("marginote: {msg}");
    }
    result
}

fn event_loop(m: &mut Model, theme: &Theme, term_signal: &AtomicBool) -> io::Result<()> {
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = terminal.size()?;
    update(m, Input::Resize(size.width, size.height));
    loop {
        terminal.draw(|f| render::draw(f, m, theme))?;
        if m.quit || term_signal.load(Ordering::Relaxed) {
            return Ok(());
        }
        if !event::poll(Duration::from_millis(250))? {
            continue;
        }
        let input = match event::read()? {
            Event::Key(k) => Input::Key(k),
            Event::Mouse(ev) => Input::Mouse(ev),
            Event::Resize(w, h) => Input::Resize(w, h),
            Event::Paste(s) => Input::Paste(s),
            _ => continue,
        };
        let effect = update(m, input);
        run_effect(m, effect);
        // Drain what is already queued before drawing again (fast typing, resizes).
        while !m.quit && event::poll(Duration::ZERO)? {
            let input = match event::read()? {
                Event::Key(k) => Input::Key(k),
                Event::Mouse(ev) => Input::Mouse(ev),
                Event::Resize(w, h) => Input::Resize(w, h),
                Event::Paste(s) => Input::Paste(s),
                _ => continue,
            };
            let effect = update(m, input);
            run_effect(m, effect);
        }
    }
}
