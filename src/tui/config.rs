//! The user's config file, `config.ron` in the config directory:
//!
//! ```ron
//! (
//!     theme: Some("light"),
//!     author: Some("Siti Rahma"),
//!     keys: { article: { "x": "tag", "j": "none" } },
//! )
//! ```
//!
//! Every field is optional. Keys are merged over the defaults.

use std::path::Path;

use serde::Deserialize;

use super::keymap::{Keymap, UserKeymap};

/// The parsed config file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Theme name (built-in or a file in `<config dir>/themes/`).
    pub theme: Option<String>,
    /// Author name recorded in new annotations (default: `$USER`).
    pub author: Option<String>,
    /// Key bindings merged over the defaults.
    pub keys: UserKeymap,
}

impl Config {
    /// Read `path`; a missing file is the default config. Errors name the
    /// file, line and column.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
            .map_err(|e| format!("{}:{}:{}: {}", path.display(), e.span.start.line, e.span.start.col, e.code))
    }

    /// The keymap this config asks for.
    pub fn keymap(&self, path: &Path) -> Result<Keymap, String> {
        Keymap::with_user(&self.keys).map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_default_and_errors_have_positions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.ron");
        assert_eq!(Config::load(&p).unwrap(), Config::default());
        std::fs::write(&p, "(\n  theme: \"light\",\n  colour: 1,\n)").unwrap();
        let e = Config::load(&p).unwrap_err();
        assert!(e.contains("config.ron:3:"), "{e}");
        std::fs::write(&p, "(theme: \"light\", keys: { article: { \"x\": \"tag\" } })").unwrap();
        let c = Config::load(&p).unwrap();
        assert_eq!(c.theme.as_deref(), Some("light"));
        assert!(c.keymap(&p).is_ok());
    }
}
