//! Where marginote keeps its own files, found with `directories`: the
//! bundled sample's copy (data dir), themes and config (config dir).

use std::path::PathBuf;

use directories::ProjectDirs;

/// File name of the bundled sample article.
pub const SAMPLE_NAME: &str = "facebook-meta-nspcc-id.txt";

/// The bundled sample article (Indonesian news), built into the binary so it
/// works wherever marginote is installed.
pub const SAMPLE_TEXT: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/facebook-meta-nspcc-id.txt"));

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "marginote")
}

/// The user's data directory for marginote (e.g. `~/.local/share/marginote`).
pub fn data_dir() -> Option<PathBuf> {
    dirs().map(|d| d.data_dir().to_owned())
}

/// The user's config directory for marginote (e.g. `~/.config/marginote`).
pub fn config_dir() -> Option<PathBuf> {
    dirs().map(|d| d.config_dir().to_owned())
}

/// Copy the sample into the data directory once; returns its path and
/// whether it was copied now. An existing copy (and its annotations) is kept.
pub fn ensure_sample() -> Result<(PathBuf, bool), String> {
    let dir = data_dir().ok_or("no home directory: cannot find a data directory for the sample")?;
    let path = dir.join(SAMPLE_NAME);
    if path.exists() {
        return Ok((path, false));
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    super::store::write_atomic(&path, SAMPLE_TEXT.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path, true))
}
