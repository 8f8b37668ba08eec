//! The command line: open an article (or the bundled sample) in the TUI;
//! print its annotations (`list`, `suggest`), export and import them,
//! print shell completions. Only `import` writes the annotation file, and
//! only through the same locked, merged, atomic save the TUI uses.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::core::document::Document;
use crate::core::export;
use crate::core::paths;
use crate::core::places::{self, Place, Places};
use crate::core::store;
use crate::tui::app::{Start, restore_place};
use crate::tui::config::Config;
use crate::tui::folder::Folder;
use crate::tui::keymap::Keymap;
use crate::tui::model::{Level, Model};
use crate::tui::theme::{Theme, no_color_requested};

/// Read and annotate articles in the terminal.
#[derive(Debug, Parser)]
#[command(name = "marginote", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The article to open (UTF-8 text; .txt or .md), or a folder: a list of
    /// its articles. Without one, the bundled sample opens.
    pub article: Option<PathBuf>,
    /// Theme: dark, light, high-contrast, mono, or a file name in <config dir>/themes/.
    #[arg(long)]
    pub theme: Option<String>,
    /// Move an unreadable annotation file aside (to <file>.bad-<time>) and start with none.
    #[arg(long)]
    pub start_fresh: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print an article's saved annotations (never writes any file).
    List {
        /// The article whose annotations to print.
        article: PathBuf,
        /// Print a JSON array (for scripts).
        #[arg(long)]
        json: bool,
    },
    /// Print the quotes, names and numbers marginote finds in an article, not
    /// yet annotated (never writes any file).
    Suggest {
        /// The article to read.
        article: PathBuf,
        /// Print a JSON array with the fields of `list --json`.
        #[arg(long)]
        json: bool,
    },
    /// Write an article's annotations in another format (to standard output,
    /// or to a file with -o). Annotations are exported where they are in the
    /// article now; orphaned ones are left out, with a warning.
    Export {
        /// The article whose annotations to export.
        article: PathBuf,
        /// The format; without it, taken from the -o file's extension
        /// (.ann, .jsonld, .csv, .md, .json).
        #[arg(long, short)]
        format: Option<ExportFormat>,
        /// Write here instead of standard output (atomically).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Read annotations made by another tool into the article's annotation
    /// file. Refuses when the file already has annotations, unless --merge.
    Import {
        /// The article the annotations belong to (brat offsets count its code points).
        article: PathBuf,
        /// The file to import: a brat .ann, or W3C Web Annotation JSON(-LD).
        file: PathBuf,
        /// The format; without it, taken from the extension (.ann: brat; .json, .jsonld: w3c).
        #[arg(long, short)]
        format: Option<ImportFormat>,
        /// Add to the annotations already there (duplicates are skipped;
        /// fields they lack are filled in).
        #[arg(long)]
        merge: bool,
    },
    /// Check articles' annotations against the rules of their schema (the
    /// nearest marginote.ron up from each article's folder, else the
    /// built-in one): print each problem as FILE:LINE:COLUMN: message [rule].
    /// Exits 0 when there are none, 1 when there are, 2 when a file could
    /// not be read (the other articles are still checked). Writes nothing.
    Check {
        /// The articles to check (an article without an annotation file has no problems).
        #[arg(required = true)]
        articles: Vec<PathBuf>,
        /// Print a JSON array of the problems (article, line, column, rule, id, exact, message).
        #[arg(long)]
        json: bool,
    },
    /// Print a completion script for a shell, e.g.
    /// `marginote completions bash > ~/.local/share/bash-completion/completions/marginote`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// brat standoff (.ann) for the article as the .txt.
    Brat,
    /// W3C Web Annotation, one AnnotationCollection (JSON-LD).
    W3c,
    /// One row per annotation, with the sentence around it.
    Csv,
    /// A report: quotes by speaker, entity index, statistics, notes.
    Markdown,
    /// The records of `list --json`.
    Json,
}

/// What `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// brat standoff (.ann).
    Brat,
    /// W3C Web Annotation JSON-LD (an annotation, an array, a page or a collection).
    W3c,
}

impl ExportFormat {
    fn from_extension(path: &Path) -> Option<ExportFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "ann" => Some(ExportFormat::Brat),
            "jsonld" => Some(ExportFormat::W3c),
            "csv" => Some(ExportFormat::Csv),
            "md" | "markdown" => Some(ExportFormat::Markdown),
            "json" => Some(ExportFormat::Json),
            _ => None,
        }
    }
}

impl ImportFormat {
    fn from_extension(path: &Path) -> Option<ImportFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "ann" => Some(ImportFormat::Brat),
            "json" | "jsonld" => Some(ImportFormat::W3c),
            _ => None,
        }
    }
}

/// Run the command line; the exit code says whether it worked.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::List { article, json }) => list(article, *json),
        Some(Command::Suggest { article, json }) => suggest(article, *json),
        Some(Command::Export { article, format, output }) => export_to(article, *format, output.as_deref()),
        Some(Command::Import { article, file, format, merge }) => import_from(article, file, *format, *merge),
        Some(Command::Check { articles, json }) => return check(articles, *json),
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "marginote", &mut script);
            print_out(&String::from_utf8_lossy(&script))
        }
        None => open(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("marginote: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `marginote check`: the problems of every article on standard output (as
/// each is checked, or as one JSON array at the end), a summary and what
/// could not be read on standard error; exit code 2 when something could
/// not be read, else 1 when there are problems, else 0.
fn check(articles: &[PathBuf], json: bool) -> ExitCode {
    use crate::core::check::{check_file, summary};
    let (mut all, mut with_problems, mut unreadable) = (Vec::new(), 0, 0);
    let mut said = std::collections::HashSet::new();
    let mut out_error = None;
    for article in articles {
        match check_file(article) {
            Ok(found) => {
                with_problems += usize::from(!found.is_empty());
                let text: String = found.iter().map(|f| format!("{f}\n")).collect();
                if !json {
                    out_error = out_error.or(print_out(&text).err());
                }
                all.extend(found);
            }
            Err(e) => {
                unreadable += 1;
                // A schema shared by many articles is reported once.
                if said.insert(e.clone()) {
                    eprintln!("marginote: {e}");
                }
            }
        }
    }
    if json {
        let text = serde_json::to_string_pretty(&all).expect("findings always serialize") + "\n";
        out_error = print_out(&text).err();
    }
    eprintln!("marginote: {}", summary(all.len(), with_problems, articles.len(), unreadable));
    if let Some(e) = &out_error {
        eprintln!("marginote: {e}");
    }
    match (unreadable > 0 || out_error.is_some(), all.is_empty()) {
        (true, _) => ExitCode::from(2),
        (false, false) => ExitCode::FAILURE,
        (false, true) => ExitCode::SUCCESS,
    }
}

fn suggest(article: &Path, json: bool) -> Result<(), String> {
    let doc = Document::open(article)?;
    if let Some(e) = &doc.load_error {
        return Err(e.to_string());
    }
    let art = &doc.article;
    let file = doc.file();
    let found = crate::core::suggest::suggest(art, file.article.numbers, doc.annotations(), &file.rejected);
    let stamp = crate::core::annotation::Stamp::now(Some("marginote"));
    let as_annotations: Vec<crate::core::annotation::Annotation> = found
        .into_iter()
        .map(|s| crate::core::annotation::Annotation::new(art, s.bytes, s.kind, &stamp))
        .collect();
    // A speaker links to an annotation of the file, not to another suggestion.
    let records: Vec<export::Record> =
        as_annotations.iter().map(|a| export::record(a, doc.annotations(), None)).collect();
    if json {
        return print_out(&(serde_json::to_string_pretty(&records).map_err(|e| e.to_string())? + "\n"));
    }
    let mut out = String::new();
    for r in records {
        let detail = r.entity_type.or(r.speaker.map(|s| format!("speaker: {s}"))).unwrap_or_default();
        out += &format!("{:>6}-{:<6} {:<9} {:?} {detail}\n", r.start, r.end, r.kind, r.exact);
    }
    print_out(&out)
}

/// Write `text` to standard output. A reader that went away (`| head`) is
/// not an error: the output was wanted only that far.
fn print_out(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("standard output: {e}")),
        _ => Ok(()),
    }
}

/// The article as a `file://` IRI (what a W3C target's `source` names).
fn source_iri(article: &Path) -> String {
    let path = std::fs::canonicalize(article).unwrap_or_else(|_| article.to_owned());
    let mut iri = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => iri.push(b as char),
            _ => iri += &format!("%{b:02X}"),
        }
    }
    iri
}

/// An article's document, or the error that makes its annotation file unreadable.
fn readable(article: &Path) -> Result<Document, String> {
    let doc = Document::open(article)?;
    match &doc.load_error {
        Some(e) => Err(e.to_string()),
        None => Ok(doc),
    }
}

fn export_to(article: &Path, format: Option<ExportFormat>, output: Option<&Path>) -> Result<(), String> {
    let format = format.or_else(|| output.and_then(ExportFormat::from_extension)).ok_or_else(|| {
        "say which format with --format brat|w3c|csv|markdown|json (or give -o a file ending in .ann, .jsonld, .csv, .md or .json)"
            .to_owned()
    })?;
    let doc = readable(article)?;
    if let Some(out) = output {
        let same = |p: &Path| {
            std::fs::canonicalize(p).ok().is_some_and(|p| std::fs::canonicalize(out).ok() == Some(p))
        };
        if same(article) || same(&doc.ann_path) {
            return Err(format!("{}: will not overwrite the article or its annotation file", out.display()));
        }
    }
    let (file, orphans) = export::placed(&doc);
    for a in &orphans {
        eprintln!("marginote: left out (orphaned: the article changed and its text is gone): {:?}", a.exact);
    }
    let art = &doc.article;
    let text = match format {
        ExportFormat::Brat => {
            let out = crate::core::brat::export(art, &file);
            for w in &out.warnings {
                eprintln!("marginote: {w}");
            }
            out.text
        }
        ExportFormat::Json => {
            let (all, placements) = (doc.annotations(), doc.reanchor());
            export::to_json(all, placements.as_deref()) + "\n"
        }
        ExportFormat::W3c => crate::core::w3c::export(art, &file, &source_iri(article)) + "\n",
        ExportFormat::Csv => crate::core::report::csv(art, &file),
        ExportFormat::Markdown => crate::core::report::markdown(art, &file),
    };
    match output {
        None => print_out(&text),
        Some(out) => store::write_atomic(out, text.as_bytes()).map_err(|e| format!("{}: {e}", out.display())),
    }
}

fn import_from(article: &Path, from: &Path, format: Option<ImportFormat>, merge: bool) -> Result<(), String> {
    let format = format.or_else(|| ImportFormat::from_extension(from)).ok_or_else(|| {
        format!("{}: say which format with --format brat|w3c (the extension does not tell)", from.display())
    })?;
    let mut doc = readable(article)?;
    let existing = doc.annotations().len();
    if existing > 0 && !merge {
        return Err(format!(
            "{} already has {existing} annotations; nothing was written. Pass --merge to add the imported ones to them",
            doc.ann_path.display()
        ));
    }
    let input = std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
    let input = String::from_utf8(input).map_err(|e| {
        let (line, column) = crate::core::text::line_col(e.as_bytes(), e.utf8_error().valid_up_to());
        format!("{}:{line}:{column}: not valid UTF-8", from.display())
    })?;
    let stamp = crate::core::annotation::Stamp::now(None);
    let conv = doc.file().article.numbers;
    let (annotations, standoff, warnings) = match format {
        ImportFormat::Brat => {
            let got = crate::core::brat::import(&doc.article, &input, conv, &stamp);
            let warnings: Vec<String> = got
                .warnings
                .iter()
                .map(|w| match w.line {
                    0 => format!("{}: {}", from.display(), w.message),
                    n => format!("{}:{n}: {}", from.display(), w.message),
                })
                .collect();
            (got.annotations, got.standoff, warnings)
        }
        ImportFormat::W3c => {
            let got = crate::core::w3c::import(&doc.article, &input, from, conv, &stamp)?;
            (got.annotations, Vec::new(), got.warnings)
        }
    };
    for w in &warnings {
        eprintln!("marginote: {w}");
    }
    let mut added = None;
    doc.change(|f| added = Some(crate::core::import::add(f, annotations, standoff)));
    let added = added.expect("change runs its closure");
    for c in doc.save()? {
        eprintln!("marginote: {}", c.note);
    }
    let mut said = format!("imported {} annotations into {}", added.added, doc.ann_path.display());
    if added.duplicates > 0 {
        said +=
            &format!("; {} were already there ({} given fields they lacked)", added.duplicates, added.filled);
    }
    if added.lines > 0 {
        said += &format!("; {} other brat lines kept for export", added.lines);
    }
    if !warnings.is_empty() {
        said += &format!("; {} warnings above", warnings.len());
    }
    eprintln!("marginote: {said}");
    Ok(())
}

fn list(article: &Path, json: bool) -> Result<(), String> {
    let doc = Document::open(article)?;
    if let Some(e) = &doc.load_error {
        return Err(e.to_string());
    }
    let annotations = doc.annotations();
    let placements = doc.reanchor();
    let placements = placements.as_deref();
    if json {
        return print_out(&(export::to_json(annotations, placements) + "\n"));
    }
    let mut out = String::new();
    for (i, a) in annotations.iter().enumerate() {
        let r = export::record(a, annotations, placements.and_then(|p| p.get(i)));
        let detail = r.entity_type.or(r.speaker.map(|s| format!("speaker: {s}"))).unwrap_or_default();
        let anchor = if r.anchor == "exact" { String::new() } else { format!("  [{}]", r.anchor) };
        out += &format!(
            "{:>6}-{:<6} {:<9} {:<11} {:?} {detail}{anchor}\n",
            r.start, r.end, r.kind, r.status, r.exact
        );
    }
    print_out(&out)
}

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
    let Setup { path, start_fresh, mut notice, keymap, author } = setup;
    // Temp files left by a crash are ours to remove, never to load.
    let _ = crate::core::backup::remove_stale_temps(&store::annotations_path(&path));
    let mut doc = Document::open(&path)?;
    if start_fresh && let Some(e) = doc.load_error.take() {
        let aside = store::move_aside(&e.path).map_err(|err| format!("{}: {err}", e.path.display()))?;
        notice = Some(format!("Started fresh; the unreadable file was moved to {}", aside.display()));
        doc = Document::open(&path)?;
    }
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
        Ok(Start::Preview { preview, load: Box::new(move || load(setup)) })
    } else {
        Ok(Start::Ready(Box::new(load(setup)?)))
    }
}

fn open(cli: &Cli) -> Result<(), String> {
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
