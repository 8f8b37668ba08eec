//! The command line: open an article (or the bundled sample) in the TUI, or
//! print its annotations with `list`. Read-only subcommands never write.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::core::document::Document;
use crate::core::export;
use crate::core::paths;
use crate::core::store;
use crate::tui::config::Config;
use crate::tui::model::{Level, Model};
use crate::tui::theme::{Theme, no_color_requested};

/// Read and annotate articles in the terminal.
#[derive(Debug, Parser)]
#[command(name = "marginote", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The article to open (UTF-8 text; .txt or .md). Without one, the bundled sample opens.
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
}

/// Run the command line; the exit code says whether it worked.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::List { article, json }) => list(article, *json),
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

fn list(article: &Path, json: bool) -> Result<(), String> {
    let doc = Document::open(article)?;
    if let Some(e) = &doc.load_error {
        return Err(e.to_string());
    }
    let annotations = doc.annotations();
    let placements = doc.reanchor();
    let placements = placements.as_deref();
    if json {
        println!("{}", export::to_json(annotations, placements));
        return Ok(());
    }
    for (i, a) in annotations.iter().enumerate() {
        let r = export::record(a, annotations, placements.and_then(|p| p.get(i)));
        let detail = r.entity_type.or(r.speaker.map(|s| format!("speaker: {s}"))).unwrap_or_default();
        let anchor = if r.anchor == "exact" { String::new() } else { format!("  [{}]", r.anchor) };
        println!("{:>6}-{:<6} {:<9} {:<11} {:?} {detail}{anchor}", r.start, r.end, r.kind, r.status, r.exact);
    }
    Ok(())
}

fn open(cli: &Cli) -> Result<(), String> {
    let (path, mut notice) = match &cli.article {
        Some(p) => (p.clone(), None),
        None => {
            let (p, copied) = paths::ensure_sample()?;
            let what = if copied { "Sample article copied to" } else { "Sample article:" };
            (p.clone(), Some(format!("{what} {}", p.display())))
        }
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
    // Temp files left by a crash are ours to remove, never to load.
    let _ = crate::core::backup::remove_stale_temps(&store::annotations_path(&path));
    let mut doc = Document::open(&path)?;
    if cli.start_fresh
        && let Some(e) = doc.load_error.take()
    {
        let aside = store::move_aside(&e.path).map_err(|err| format!("{}: {err}", e.path.display()))?;
        notice = Some(format!("Started fresh; the unreadable file was moved to {}", aside.display()));
        doc = Document::open(&path)?;
    }
    let is_sample = cli.article.is_none();
    let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
    let mut model = Model::new(doc, keymap, size);
    model.message = notice.map(|n| (n, Level::Info));
    model.recovery_dir = paths::data_dir().map(|d| d.join("recovery"));
    if let Some(dir) = &model.recovery_dir {
        let found = crate::core::recovery::find(dir, &model.doc.ann_path);
        crate::tui::recover::offer(&mut model, found);
    }
    model.author = config.author.clone();
    crate::tui::app::run(model, &theme).map_err(|e| format!("terminal: {e}"))?;
    if is_sample {
        println!("The sample article is {}; its annotations are beside it.", path.display());
    }
    Ok(())
}
