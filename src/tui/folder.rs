//! The folder view: `marginote DIR` lists the articles in a folder (files
//! ending `.txt` or `.md`, sorted by name) with their annotation counts by
//! kind and how many are verified. Enter opens one in the article view;
//! [`BACK_KEY_NAME`] (the `back_to_list` action) there comes back to the list, and `q` here quits.
//!
//! Building the list reads the folder and each article's annotation file
//! (never the articles themselves, which can be books); nothing here ever
//! writes. Keys ([`key`]) and drawing ([`folder_lines`]) are pure; the app
//! loop (`app::run_folder`) runs them.

use std::path::{Path, PathBuf};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::core::annotation::{Kind, Status};
use crate::core::store::{self, AnnotationFile};

use super::model::Level;
use super::theme::{Role, Theme};

/// The default key of the `back_to_list` action, which goes back from an
/// article to the folder list (the app loop takes it, in normal mode only),
/// as the footer names it.
pub const BACK_KEY_NAME: &str = "Backspace";

/// Annotations of one article, counted by kind and review state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub quotes: usize,
    pub entities: usize,
    pub statistics: usize,
    /// Annotations whose status is `Verified`.
    pub verified: usize,
}

impl Counts {
    /// Count the annotations of `file`.
    pub fn of(file: &AnnotationFile) -> Counts {
        let mut c = Counts::default();
        for a in &file.annotations {
            match a.kind {
                Kind::Quote { .. } => c.quotes += 1,
                Kind::Entity(_) => c.entities += 1,
                Kind::Statistic { .. } => c.statistics += 1,
            }
            c.verified += usize::from(a.status == Status::Verified);
        }
        c
    }

    /// All annotations.
    pub fn total(&self) -> usize {
        self.quotes + self.entities + self.statistics
    }
}

/// What an article's annotation file holds, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Annotations {
    /// There is no annotation file yet.
    Missing,
    /// The file was read: its counts.
    Counted(Counts),
    /// The file cannot be read: why (line, column, message; no path).
    Unreadable(String),
}

/// One article of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The article file.
    pub path: PathBuf,
    /// Its file name, as shown.
    pub name: String,
    pub annotations: Annotations,
}

impl Entry {
    /// The entry of the article at `path`: its name and what its annotation
    /// file holds (only that file is read).
    pub fn read(path: &Path) -> Entry {
        let name =
            path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into());
        let ann_path = store::annotations_path(path);
        let annotations = match std::fs::read(&ann_path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Annotations::Missing,
            Err(e) => Annotations::Unreadable(e.to_string()),
            Ok(bytes) => match AnnotationFile::from_ron(&bytes, &ann_path) {
                Ok(file) => Annotations::Counted(Counts::of(&file)),
                Err(e) => Annotations::Unreadable(format!("{}:{}: {}", e.line, e.column, e.message)),
            },
        };
        Entry { path: path.to_owned(), name, annotations }
    }
}

/// Whether `path` names an article for the list: a file (or a link to one)
/// ending `.txt` or `.md`, not hidden.
fn is_article(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    !name.starts_with('.')
        && (name.ends_with(".txt") || name.ends_with(".md"))
        && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The articles in `dir`, sorted by name.
pub fn articles(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut found: Vec<PathBuf> =
        read.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| is_article(p)).collect();
    found.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(found)
}

/// The folder list: its articles, the selected one, and the last message.
#[derive(Debug, Clone)]
pub struct Folder {
    pub dir: PathBuf,
    pub entries: Vec<Entry>,
    /// Index of the selected entry.
    pub selected: usize,
    /// First entry shown.
    pub top: usize,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Shown in the footer until the next key.
    pub message: Option<(String, Level)>,
}

/// What a key in the list asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing beyond the list itself.
    None,
    /// Open this article.
    Open(PathBuf),
    /// Quit marginote.
    Quit,
}

/// Rows above the list (title, column heads) and below it (footer).
const CHROME_ROWS: usize = 3;

impl Folder {
    /// The list of the articles in `dir`; an error when there are none (or
    /// the folder cannot be read), to be said before the terminal is taken.
    pub fn read(dir: &Path, size: (u16, u16)) -> Result<Folder, String> {
        let paths = articles(dir)?;
        if paths.is_empty() {
            return Err(format!(
                "{}: no articles here (marginote lists the .txt and .md files of a folder)",
                dir.display()
            ));
        }
        let entries = paths.iter().map(|p| Entry::read(p)).collect();
        Ok(Folder { dir: dir.to_owned(), entries, selected: 0, top: 0, size, message: None })
    }

    /// The selected article.
    pub fn selected_path(&self) -> Option<&Path> {
        self.entries.get(self.selected).map(|e| e.path.as_path())
    }

    /// Read the annotation file of the article at `path` again (after it was
    /// open, its counts may have changed).
    pub fn refresh(&mut self, path: &Path) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.path == path) {
            *e = Entry::read(path);
        }
    }

    /// Rows the list has on screen (at least one).
    pub fn rows(&self) -> usize {
        usize::from(self.size.1).saturating_sub(CHROME_ROWS).max(1)
    }

    /// Follow a new terminal size.
    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        self.scroll();
    }

    /// Select entry `i` (clamped) and keep it on screen.
    fn select(&mut self, i: usize) {
        self.selected = i.min(self.entries.len().saturating_sub(1));
        self.scroll();
    }

    /// Move `top` so that the selected entry is shown.
    fn scroll(&mut self) {
        let rows = self.rows();
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + rows {
            self.top = self.selected + 1 - rows;
        }
    }
}

/// Apply a key to the list: move (j/k, Up/Down, g/G, Home/End,
/// PageUp/PageDown), open (Enter), quit (q, Ctrl-C).
pub fn key(f: &mut Folder, ev: KeyEvent) -> Outcome {
    if ev.kind == KeyEventKind::Release {
        return Outcome::None;
    }
    f.message = None;
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let page = f.rows().saturating_sub(1).max(1);
    match ev.code {
        KeyCode::Char('c') if ctrl => return Outcome::Quit,
        KeyCode::Char('q') => return Outcome::Quit,
        KeyCode::Enter => return f.selected_path().map_or(Outcome::None, |p| Outcome::Open(p.to_owned())),
        KeyCode::Char('j') | KeyCode::Down => f.select(f.selected + 1),
        KeyCode::Char('k') | KeyCode::Up => f.select(f.selected.saturating_sub(1)),
        KeyCode::Char('g') | KeyCode::Home => f.select(0),
        KeyCode::Char('G') | KeyCode::End => f.select(usize::MAX),
        KeyCode::PageDown => f.select(f.selected + page),
        KeyCode::PageUp => f.select(f.selected.saturating_sub(page)),
        _ => {}
    }
    Outcome::None
}

/// The count columns: head and width (the head right-aligned, one space before it).
const COUNT_COLS: [(&str, usize); 3] = [("Quotes", 7), ("Entities", 9), ("Stats", 6)];
/// Width of the review column ("123 of 456 verified").
const REVIEW_W: usize = 19;

/// `s` cut to `width` columns, with `…` when it was longer.
fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + c.to_string().width() + 1 > width {
            break;
        }
        out.push(c);
    }
    out + "…"
}

/// `s` cut or padded to exactly `width` columns.
fn pad(s: &str, width: usize) -> String {
    let s = fit(s, width);
    let fill = width.saturating_sub(s.width());
    s + &" ".repeat(fill)
}

/// The review column: "12 of 31 verified", or why there is nothing to count.
fn review(c: &Counts) -> String {
    match c.total() {
        0 => "no annotations".to_owned(),
        n => format!("{} of {n} verified", c.verified),
    }
}

/// The counts and review columns of an entry (the part right of the name).
fn columns(entry: &Entry, width: usize, theme: &Theme) -> Vec<Span<'static>> {
    let meta = theme.style(Role::SidebarMeta);
    match &entry.annotations {
        Annotations::Unreadable(why) => {
            vec![Span::styled(pad(&format!("⚠ unreadable: {why}"), width), theme.style(Role::StatusError))]
        }
        Annotations::Missing => {
            let empty = right_aligned(["–"; 3]);
            vec![Span::styled(pad(&(empty + "not annotated"), width), meta)]
        }
        Annotations::Counted(c) => {
            let nums = right_aligned([c.quotes, c.entities, c.statistics].map(|n| n.to_string()));
            let done = c.total() > 0 && c.verified == c.total();
            let review_style = if done { theme.style(Role::StatusMessage) } else { meta };
            vec![
                Span::styled(nums, theme.style(Role::SidebarText)),
                Span::styled(pad(&review(c), REVIEW_W), review_style),
            ]
        }
    }
}

/// Three cells right-aligned in the count columns, and the gap after them.
fn right_aligned<S: AsRef<str>>(cells: [S; 3]) -> String {
    let mut out = String::new();
    for ((_, w), cell) in COUNT_COLS.iter().zip(cells) {
        out += &format!("{:>w$}", cell.as_ref());
    }
    out + "  "
}

/// Width of everything right of the name.
const RIGHT_W: usize = 7 + 9 + 6 + 2 + REVIEW_W;

/// One entry's row: a marker when selected, the name, the columns.
fn entry_line(entry: &Entry, selected: bool, width: usize, theme: &Theme) -> Line<'static> {
    let name_w = width.saturating_sub(RIGHT_W + 3).max(8);
    let mut spans = vec![
        Span::raw(if selected { " ▸ " } else { "   " }),
        Span::styled(pad(&entry.name, name_w), theme.style(Role::SidebarText)),
    ];
    spans.extend(columns(entry, width.saturating_sub(name_w + 3), theme));
    let line = Line::from(spans);
    if selected { line.patch_style(theme.style(Role::SidebarSelected)) } else { line }
}

/// The title row: the folder and how many articles it holds.
fn title_line(f: &Folder, width: usize, theme: &Theme) -> Line<'static> {
    let count = match f.entries.len() {
        1 => "1 article".to_owned(),
        n => format!("{n} articles"),
    };
    let dir = fit(&f.dir.display().to_string(), width.saturating_sub(count.width() + 4));
    let gap = width.saturating_sub(dir.width() + count.width() + 3);
    Line::styled(format!(" {dir}{}{count} ", " ".repeat(gap + 1)), theme.style(Role::Title))
}

/// The column heads.
fn head_line(width: usize, theme: &Theme) -> Line<'static> {
    let name_w = width.saturating_sub(RIGHT_W + 3).max(8);
    let heads = format!("   {}{}Review", pad("Article", name_w), right_aligned(COUNT_COLS.map(|(h, _)| h)));
    Line::styled(heads, theme.style(Role::SidebarMeta))
}

/// The footer: the message, or the keys.
fn footer_line(f: &Folder, theme: &Theme) -> Line<'static> {
    if let Some((msg, level)) = &f.message {
        let role = if *level == Level::Error { Role::StatusError } else { Role::StatusMessage };
        return Line::styled(format!(" {msg}"), theme.style(role));
    }
    let keys =
        [("Enter", "open"), ("j/k", "move"), ("q", "quit"), (BACK_KEY_NAME, "back here from an article")];
    let mut spans = vec![Span::styled(" FOLDER ", theme.style(Role::StatusMode))];
    for (k, what) in keys {
        spans.push(Span::styled(format!(" {k}"), theme.style(Role::StatusHint)));
        spans.push(Span::styled(format!(" {what} "), theme.style(Role::StatusBar)));
    }
    Line::from(spans).style(theme.style(Role::StatusBar))
}

/// The whole screen of the list, `height` lines of at most `width`
/// columns: title, column heads, the visible entries, blank rows, footer.
pub fn folder_lines(f: &Folder, theme: &Theme, width: usize, height: usize) -> Vec<Line<'static>> {
    let mut lines = vec![title_line(f, width, theme), head_line(width, theme)];
    let rows = height.saturating_sub(CHROME_ROWS);
    let shown = f.entries.iter().enumerate().skip(f.top).take(rows);
    lines.extend(shown.map(|(i, e)| entry_line(e, i == f.selected, width, theme)));
    while lines.len() + 1 < height {
        lines.push(Line::default());
    }
    lines.push(footer_line(f, theme));
    lines.truncate(height);
    lines
}

/// Draw the list over the whole frame.
pub fn draw(frame: &mut Frame, f: &Folder, theme: &Theme) {
    let area = frame.area();
    let lines = folder_lines(f, theme, usize::from(area.width), usize::from(area.height));
    super::render::put_lines(frame.buffer_mut(), area, &lines, theme.style(Role::ArticleText));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_an_ellipsis_by_columns() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("a-long-name.txt", 8), "a-long-…");
        assert_eq!(fit("香港香港", 5), "香港…");
        assert_eq!(pad("ab", 4), "ab  ");
    }

    #[test]
    fn the_review_column_counts_verified_of_all() {
        let c = Counts { quotes: 2, entities: 3, statistics: 1, verified: 4 };
        assert_eq!(review(&c), "4 of 6 verified");
        assert_eq!(review(&Counts::default()), "no annotations");
    }
}
