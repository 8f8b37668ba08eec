//! Opening an article (or the bundled sample, or a folder's list) in the
//! TUI: the config, the theme, the schema and the stored place; a preview
//! first for large files.

use std::path::{Path, PathBuf};

use super::Cli;
use crate::core::document::Document;
use crate::core::paths;
use crate::core::places::{self, Place, Places};
use crate::core::store;
use crate::tui::app::{Loaded, Loader, Start, restore_place};
use crate::tui::config::Config;
use crate::tui::folder::Folder;
use crate::tui::keymap::Keymap;
use crate::tui::model::{Level, Model};
use crate::tui::theme::{Theme, no_color_requested};

/// Files larger than this open with a preview of their start drawn at once,
/// before the whole file is read, validated and indexed.
const PREVIEW_ABOVE: u64 = 1 << 20;
/// How much of a large file the preview shows.
const PREVIEW_BYTES: u64 = 64 << 10;

/// What opening an article needs besides the terminal.
struct Setup {
    path: PathBuf,
    start_fresh: bool,
    notice: Option<String>,
    keymap: Keymap,
    author: Option<String>,
}

/// What every article opened in one run shares: the config's keymap and
/// author, and `--start-fresh`.
struct Opening {
    start_fresh: bool,
    keymap: Keymap,
    author: Option<String>,
}

impl Opening {
    /// The setup for opening `path`, with `notice` to show first.
    fn setup(&self, path: &Path, notice: Option<String>) -> Setup {
        Setup {
            path: path.to_owned(),
            start_fresh: self.start_fresh,
            notice,
            keymap: self.keymap.clone(),
            author: self.author.clone(),
        }
    }
}

/// Read the article and its annotations: the model the app runs on, shown
/// where the user stopped last time.
fn load(setup: Setup) -> Result<Model, String> {
    let read = read(&setup.path, setup.start_fresh)?;
    model_of(read, setup)
}

/// Read the article and its annotations (what takes long for a book; a
/// large file's is done on a thread of its own while its preview is drawn),
/// and what to tell the user first.
fn read(path: &Path, start_fresh: bool) -> Result<Loaded, String> {
    // Temp files left by a crash are ours to remove, never to load.
    let _ = crate::core::backup::remove_stale_temps(&store::annotations_path(path));
    let mut doc = Document::open(path)?;
    let mut notice = None;
    if start_fresh && let Some(e) = doc.load_error.take() {
        let aside = store::move_aside(&e.path).map_err(|err| format!("{}: {err}", e.path.display()))?;
        notice = Some(format!("Started fresh; the unreadable file was moved to {}", aside.display()));
        doc = Document::open(path)?;
    }
    Ok(Loaded { doc, notice })
}

/// The model the app runs on, from what [`read`] read: the schema, the
/// place where the user stopped, a recovery to offer.
fn model_of(read: Loaded, setup: Setup) -> Result<Model, String> {
    let Setup { path, notice, keymap, author, .. } = setup;
    let Loaded { doc, notice: fresh } = read;
    let notice = fresh.or(notice);
    let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
    let mut model = Model::new(doc, keymap, size);
    model.message = notice.map(|n| (n, Level::Info));
    // The tag set of the nearest marginote.ron; a bad one is named, and the built-in set used.
    match crate::core::schema::Schema::find(&path) {
        Ok((schema, _)) => model.schema = schema,
        Err(e) => model.message = Some((format!("{e} (using the built-in tag set)"), Level::Error)),
    }
    match stored_place(&path) {
        Ok(Some(place)) => {
            if restore_place(&mut model, &place) && model.message.is_none() {
                let said = "The article changed since you last read it: it opens near where you were";
                model.message = Some((said.into(), Level::Info));
            }
        }
        Ok(None) => {}
        Err(e) if model.message.is_none() => model.message = Some((e, Level::Error)),
        Err(_) => {}
    }
    model.recovery_dir = paths::data_dir().map(|d| d.join("recovery"));
    if let Some(dir) = &model.recovery_dir {
        let found = crate::core::recovery::find(dir, &model.doc.ann_path);
        crate::tui::recover::offer(&mut model, found);
    }
    model.author = author;
    Ok(model)
}

/// Where the user stopped in `article` last time (from the user's data
/// directory); an error when the file of places cannot be read.
fn stored_place(article: &Path) -> Result<Option<Place>, String> {
    let Some(store) = places::default_path() else { return Ok(None) };
    let places = Places::load(&store);
    match places.error() {
        Some(e) => Err(format!("Reading positions are not remembered (the file is left as it is): {e}")),
        None => Ok(places.get(article)),
    }
}

/// A model over the first [`PREVIEW_BYTES`] of a large article, to draw
/// while the whole of it loads. Only drawn: nothing in it is ever saved.
/// It shows where the user stopped when that is within it.
fn preview(setup: &Setup) -> Result<Model, String> {
    use std::io::Read;
    let path = &setup.path;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(PREVIEW_BYTES).read_to_end(&mut head))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    // Cut at the last whole line (and so never inside a character).
    let upto = memchr::memrchr(b'\n', head).map_or(head.len(), |i| i + 1);
    let text = String::from_utf8_lossy(&head[..upto]).into_owned();
    let mut m = Model::new(Document::scratch(&path.to_string_lossy(), &text), setup.keymap.clone(), (80, 24));
    if let Ok(Some(place)) = stored_place(path)
        && place.cursor < m.doc.article.chars()
    {
        restore_place(&mut m, &place);
    }
    m.loading = true;
    let mb = std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6);
    m.message = Some((format!("Loading {} ({mb:.1} MB)…", path.display()), Level::Info));
    Ok(m)
}

/// How the app starts on `setup.path`: a large file shows a preview while
/// it loads; any other is loaded first. `marginote ARTICLE` and the folder
/// list both open articles through here.
fn start(setup: Setup) -> Result<Start, String> {
    if std::fs::metadata(&setup.path).is_ok_and(|m| m.is_file() && m.len() > PREVIEW_ABOVE) {
        let preview = Box::new(preview(&setup)?);
        let (path, start_fresh) = (setup.path.clone(), setup.start_fresh);
        let load = Loader {
            read: Box::new(move || read(&path, start_fresh)),
            model: Box::new(move |read| model_of(read, setup)),
        };
        Ok(Start::Preview { preview, load })
    } else {
        Ok(Start::Ready(Box::new(load(setup)?)))
    }
}

pub(super) fn open(cli: &Cli) -> Result<(), String> {
    crate::tui::memory::keep_large_blocks_apart();
    // A folder without articles is said before anything else happens.
    let folder = match &cli.article {
        Some(p) if p.is_dir() => {
            let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
            Some(Folder::read(p, size)?)
        }
        _ => None,
    };
    let config_dir = paths::config_dir();
    let config_path = config_dir.as_ref().map(|d| d.join("config.ron"));
    let config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let keymap = config.keymap(config_path.as_deref().unwrap_or(Path::new("config.ron")))?;
    let theme_dir = config_dir.as_ref().map(|d| d.join("themes"));
    let theme = Theme::load(
        cli.theme.as_deref().or(config.theme.as_deref()),
        theme_dir.as_deref(),
        no_color_requested(),
    )
    .map_err(|e| e.to_string())?;
    let opening = Opening { start_fresh: cli.start_fresh, keymap, author: config.author };
    if let Some(list) = folder {
        return crate::tui::app::run_folder(list, &|path| start(opening.setup(path, None)), &theme);
    }
    let (path, notice) = match &cli.article {
        Some(p) => (p.clone(), None),
        None => {
            let (p, copied) = paths::ensure_sample()?;
            let what = if copied { "Sample article copied to" } else { "Sample article:" };
            (p.clone(), Some(format!("{what} {}", p.display())))
        }
    };
    crate::tui::app::run(start(opening.setup(&path, notice))?, &theme)?;
    if cli.article.is_none() {
        println!("The sample article is {}; its annotations are beside it.", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_is_whole_lines_of_the_start_and_marked_loading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        // Three-byte characters, so the preview's byte limit falls inside one.
        let line = "香港".repeat(100) + "\n";
        std::fs::write(&path, format!("\u{feff}{}", line.repeat(1000))).unwrap();
        let setup = Setup { path, start_fresh: false, notice: None, keymap: Keymap::default(), author: None };
        let m = preview(&setup).unwrap();
        assert!(m.loading);
        let text = m.doc.article.text();
        assert!(!text.is_empty() && text.len() <= PREVIEW_BYTES as usize);
        assert!(text.ends_with('\n') && text.starts_with('香'), "no BOM, whole lines");
        assert_eq!(text.len() % line.len(), 0);
    }
}
