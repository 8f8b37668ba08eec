//! The command line: open an article (or the bundled sample) in the TUI;
//! print its annotations (`list`, `suggest`), export and import them,
//! print shell completions. Only `import` writes the annotation file, and
//! only through the same locked, merged, atomic save the TUI uses.
//!
//! `open` opens articles and folders in the TUI; `print` prints (`list`,
//! `suggest`, `check`); `exchange` exports and imports.

// The doc comments of the command line's arguments are its `--help` text,
// read in a terminal: `<file>` and `[rule]` there are words, not HTML or links.
#![allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::core::document::Document;

mod exchange;
mod open;
mod print;

use exchange::{export_to, import_from};
use open::open;
use print::{check, list, suggest};

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

/// Write `text` to standard output. A reader that went away (`| head`) is
/// not an error: the output was wanted only that far.
pub(crate) fn print_out(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("standard output: {e}")),
        _ => Ok(()),
    }
}

/// An article's document, or the error that makes its annotation file unreadable.
pub(crate) fn readable(article: &Path) -> Result<Document, String> {
    let doc = Document::open(article)?;
    match &doc.load_error {
        Some(e) => Err(e.to_string()),
        None => Ok(doc),
    }
}
