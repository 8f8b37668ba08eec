//! Colour themes: every styled place in the UI is a semantic [`Role`], and a
//! [`Theme`] maps each role to a ratatui [`Style`].
//!
//! # Built-in themes
//!
//! - `dark` (the default): for dark terminal backgrounds.
//! - `light`: for light terminal backgrounds.
//! - `high-contrast`: bright colours on solid black or white, bold where it helps.
//! - `mono`: no colours at all, only bold / dim / italic / underlined /
//!   reversed. Chosen automatically when `NO_COLOR` is set.
//!
//! In every built-in theme the annotation kinds differ by more than colour:
//! quotes are italic, entities underlined and statistics bold.
//!
//! # Which theme is used
//!
//! [`Theme::load`] picks, in order:
//!
//! 1. the theme named by `--theme` or the config file, if any;
//! 2. `mono` when the `NO_COLOR` environment variable is set and non-empty
//!    (<https://no-color.org>);
//! 3. `dark`.
//!
//! A name is looked up first as `<theme dir>/<name>.ron` and then among the
//! built-ins, so a user file `dark.ron` replaces the built-in `dark`.
//! An unknown name is an error that lists the available themes.
//!
//! # Theme files
//!
//! A theme is a RON file:
//!
//! ```ron
//! (
//!     name: "dusk",
//!     extends: Some("dark"),   // or None to start from plain text everywhere
//!     styles: {
//!         "article.text": (),
//!         "annotation.quote": (fg: Some("yellow"), modifiers: ["italic"]),
//!         "sidebar.selected": (fg: Some("black"), bg: Some("#8ec07c"), modifiers: ["bold"]),
//!     },
//! )
//! ```
//!
//! - `name` is informational; a theme loaded by name takes the name it was
//!   loaded by (the file stem).
//! - `extends` starts from another theme's styles. A user theme may extend a
//!   built-in or another user theme; a user file that extends its own name
//!   (`dark.ron` with `extends: Some("dark")`) extends the built-in of that
//!   name. Cycles are an error.
//! - `styles` maps role names (listed below) to styles. A role listed here
//!   replaces the inherited style for that role as a whole; roles that are
//!   neither listed nor inherited are unstyled.
//!
//! Every field of a style is optional:
//!
//! - `fg`, `bg`: `Some("<colour>")` or `None`. `Some` may be left out
//!   (`fg: "red"`). A colour is one of the 16 ANSI names `black`, `red`,
//!   `green`, `yellow`, `blue`, `magenta`, `cyan`, `gray`, `darkgray`,
//!   `lightred`, `lightgreen`, `lightyellow`, `lightblue`, `lightmagenta`,
//!   `lightcyan`, `white` (case-insensitive; `grey`, `dark_gray`, `dark-grey`
//!   are accepted too), `reset` (the terminal's default), `#rrggbb`, or a
//!   256-colour index `"0"` to `"255"`.
//! - `modifiers`: a list of `bold`, `dim`, `italic`, `underlined` (or
//!   `underline`), `reversed` (or `reverse`), `crossed_out`.
//!
//! Unknown fields, role names, colours and modifiers are errors, so typos do
//! not pass silently; errors name the file and, for syntax errors, the
//! line and column.
//!
//! # Roles
//!
//! | role | where |
//! |------|-------|
//! | `article.text` | article body text |
//! | `article.control` | control characters shown as visible symbols such as `␛` |
//! | `selection` | text selected in the article |
//! | `search.match` | search matches in the article |
//! | `annotation.quote` | text annotated as a quote |
//! | `annotation.entity` | text annotated as an entity |
//! | `annotation.statistic` | text annotated as a statistic |
//! | `annotation.selected` | the annotation selected in the sidebar, patched over its kind style |
//! | `sidebar.text` | annotation sidebar text |
//! | `sidebar.selected` | the selected sidebar entry |
//! | `sidebar.meta` | entity type, speaker, note marker |
//! | `badge.quote`, `badge.entity`, `badge.statistic` | kind badges in the sidebar |
//! | `review.verified`, `review.disputed`, `review.needs_source` | review status marks in the sidebar (`✓`, `✗`, `?`) |
//! | `article.reviewed` | the "reviewed up to here" mark in the article |
//! | `border`, `border.focused` | pane borders, unfocused and focused |
//! | `title` | pane titles |
//! | `status.bar` | the status line |
//! | `status.mode` | the mode indicator |
//! | `status.hint` | key hints |
//! | `status.message` | informational messages |
//! | `status.error` | error messages |
//! | `banner.error` | the read-only warning line |
//! | `popup` | popup body (tag menu, speaker picker, text input, help) |
//! | `popup.title` | popup titles |
//! | `popup.selected` | the selected popup entry |
//! | `popup.key` | key letters in menus |
//! | `help.key` | keys in the help popup |
//! | `help.section` | section headings in the help popup |
//! | `input` | text being typed |

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// A place in the UI that the theme styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Article body text.
    ArticleText,
    /// Control characters shown as visible symbols such as `␛`.
    ArticleControl,
    /// Text selected in the article.
    Selection,
    /// Search matches in the article.
    SearchMatch,
    /// Text annotated as a quote.
    AnnotationQuote,
    /// Text annotated as an entity.
    AnnotationEntity,
    /// Text annotated as a statistic.
    AnnotationStatistic,
    /// Emphasis of the annotation selected in the sidebar, patched over the kind style.
    AnnotationSelected,
    /// Text suggested for an annotation (a quote, name or number found).
    AnnotationSuggested,
    /// Annotation sidebar text.
    SidebarText,
    /// The selected sidebar entry.
    SidebarSelected,
    /// Entity type, speaker and note marker in the sidebar.
    SidebarMeta,
    /// Quote badge in the sidebar.
    BadgeQuote,
    /// Entity badge in the sidebar.
    BadgeEntity,
    /// Statistic badge in the sidebar.
    BadgeStatistic,
    /// The `✓` of a verified annotation in the sidebar.
    ReviewVerified,
    /// The `✗` of a disputed annotation in the sidebar.
    ReviewDisputed,
    /// The `?` of an annotation that needs a source, in the sidebar.
    ReviewNeedsSource,
    /// The "reviewed up to here" mark in the article.
    ArticleReviewed,
    /// Border of an unfocused pane.
    Border,
    /// Border of the focused pane.
    BorderFocused,
    /// Pane titles.
    Title,
    /// The status line.
    StatusBar,
    /// The mode indicator in the status line.
    StatusMode,
    /// Key hints in the status line.
    StatusHint,
    /// Informational messages in the status line.
    StatusMessage,
    /// Error messages in the status line.
    StatusError,
    /// The read-only warning line.
    BannerError,
    /// Popup body.
    Popup,
    /// Popup titles.
    PopupTitle,
    /// The selected popup entry.
    PopupSelected,
    /// Key letters in menus.
    PopupKey,
    /// Keys in the help popup.
    HelpKey,
    /// Section headings in the help popup.
    HelpSection,
    /// Text being typed.
    Input,
}

impl Role {
    /// Every role, in declaration order (`Role::ALL[r as usize] == r`).
    pub const ALL: [Role; 35] = [
        Role::ArticleText,
        Role::ArticleControl,
        Role::Selection,
        Role::SearchMatch,
        Role::AnnotationQuote,
        Role::AnnotationEntity,
        Role::AnnotationStatistic,
        Role::AnnotationSelected,
        Role::AnnotationSuggested,
        Role::SidebarText,
        Role::SidebarSelected,
        Role::SidebarMeta,
        Role::BadgeQuote,
        Role::BadgeEntity,
        Role::BadgeStatistic,
        Role::ReviewVerified,
        Role::ReviewDisputed,
        Role::ReviewNeedsSource,
        Role::ArticleReviewed,
        Role::Border,
        Role::BorderFocused,
        Role::Title,
        Role::StatusBar,
        Role::StatusMode,
        Role::StatusHint,
        Role::StatusMessage,
        Role::StatusError,
        Role::BannerError,
        Role::Popup,
        Role::PopupTitle,
        Role::PopupSelected,
        Role::PopupKey,
        Role::HelpKey,
        Role::HelpSection,
        Role::Input,
    ];

    /// The dotted name used in theme files, e.g. `"annotation.quote"`.
    pub fn name(self) -> &'static str {
        match self {
            Role::ArticleText => "article.text",
            Role::ArticleControl => "article.control",
            Role::Selection => "selection",
            Role::SearchMatch => "search.match",
            Role::AnnotationQuote => "annotation.quote",
            Role::AnnotationEntity => "annotation.entity",
            Role::AnnotationStatistic => "annotation.statistic",
            Role::AnnotationSelected => "annotation.selected",
            Role::AnnotationSuggested => "annotation.suggested",
            Role::SidebarText => "sidebar.text",
            Role::SidebarSelected => "sidebar.selected",
            Role::SidebarMeta => "sidebar.meta",
            Role::BadgeQuote => "badge.quote",
            Role::BadgeEntity => "badge.entity",
            Role::BadgeStatistic => "badge.statistic",
            Role::ReviewVerified => "review.verified",
            Role::ReviewDisputed => "review.disputed",
            Role::ReviewNeedsSource => "review.needs_source",
            Role::ArticleReviewed => "article.reviewed",
            Role::Border => "border",
            Role::BorderFocused => "border.focused",
            Role::Title => "title",
            Role::StatusBar => "status.bar",
            Role::StatusMode => "status.mode",
            Role::StatusHint => "status.hint",
            Role::StatusMessage => "status.message",
            Role::StatusError => "status.error",
            Role::BannerError => "banner.error",
            Role::Popup => "popup",
            Role::PopupTitle => "popup.title",
            Role::PopupSelected => "popup.selected",
            Role::PopupKey => "popup.key",
            Role::HelpKey => "help.key",
            Role::HelpSection => "help.section",
            Role::Input => "input",
        }
    }

    /// The role with the given dotted name, if there is one (exact match).
    pub fn from_name(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == s)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A resolved style for every [`Role`].
type Styles = [Style; Role::ALL.len()];

/// A theme: a name and a resolved [`Style`] for every [`Role`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    name: String,
    styles: Styles,
}

/// Names of the built-in themes, in the order they are listed to users.
const BUILTIN_NAMES: [&str; 4] = ["dark", "light", "high-contrast", "mono"];

/// The theme used when none is requested and colour is allowed.
const DEFAULT_THEME: &str = "dark";

/// The theme used when none is requested and `NO_COLOR` is set.
const NO_COLOR_THEME: &str = "mono";

/// The embedded RON source of a built-in theme.
fn builtin_source(name: &str) -> Option<&'static str> {
    match name {
        "dark" => Some(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/dark.ron"))),
        "light" => Some(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/light.ron"))),
        "high-contrast" => {
            Some(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/high-contrast.ron")))
        }
        "mono" => Some(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/mono.ron"))),
        _ => None,
    }
}

/// How a built-in theme is named in error messages.
fn builtin_origin(name: &str) -> String {
    format!("built-in theme {name}")
}

impl Theme {
    /// The theme's name: the name it was loaded by, or for [`Theme::from_ron`]
    /// the file's `name` field (the origin if that is empty).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The style for `role`; roles the theme leaves out are `Style::default()`.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role.index()]
    }

    /// Names of the built-in themes: `["dark", "light", "high-contrast", "mono"]`.
    pub fn builtin_names() -> &'static [&'static str] {
        &BUILTIN_NAMES
    }

    /// The built-in theme called `name`, or `None` if there is no such built-in.
    ///
    /// # Panics
    ///
    /// Panics if the embedded theme file is invalid; the tests parse every built-in.
    pub fn builtin(name: &str) -> Option<Theme> {
        let source = builtin_source(name)?;
        let theme = Theme::from_ron(source, &builtin_origin(name))
            .unwrap_or_else(|err| panic!("embedded theme is invalid: {err}"));
        Some(theme.renamed(name))
    }

    /// Resolve which theme to use.
    ///
    /// Order: `requested` (from `--theme` or the config file) if `Some`; else
    /// `"mono"` when `no_color` is true; else `"dark"`.
    ///
    /// A user theme file `<user_dir>/<name>.ron` overrides a built-in of the
    /// same name; user themes may `extends` built-ins or other user themes.
    /// An unknown name is an error listing the available names (built-ins
    /// plus user files).
    pub fn load(
        requested: Option<&str>,
        user_dir: Option<&Path>,
        no_color: bool,
    ) -> Result<Theme, ThemeError> {
        let name = requested.unwrap_or(if no_color { NO_COLOR_THEME } else { DEFAULT_THEME });
        let lookup = |wanted: &str| lookup_theme(wanted, user_dir);
        let Some(source) = lookup(name)?.into_iter().next() else {
            return Err(ThemeError::UnknownTheme {
                name: name.to_owned(),
                available: available_names(user_dir),
            });
        };
        let styles = resolve(&source, &lookup, &mut Vec::new())?;
        Ok(Theme { name: name.to_owned(), styles })
    }

    /// Parse a theme from RON source on its own; `origin` (a file path or a
    /// description) is used in error messages. `extends` may name only
    /// built-in themes.
    pub fn from_ron(src: &str, origin: &str) -> Result<Theme, ThemeError> {
        let file = parse_file(src, origin)?;
        let lookup = |wanted: &str| Ok(builtin_candidates(wanted));
        let styles = resolve_file(&file, origin, &lookup, &mut Vec::new())?;
        let name = if file.name.is_empty() { origin.to_owned() } else { file.name };
        Ok(Theme { name, styles })
    }

    fn renamed(mut self, name: &str) -> Theme {
        name.clone_into(&mut self.name);
        self
    }
}

/// Whether the user asked for no colour: the `NO_COLOR` environment variable
/// is set and non-empty (<https://no-color.org>).
pub fn no_color_requested() -> bool {
    no_color_value_requests(std::env::var_os("NO_COLOR").as_deref())
}

fn no_color_value_requests(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// Why a theme could not be loaded.
#[derive(Debug)]
#[non_exhaustive]
pub enum ThemeError {
    /// The RON text could not be parsed (syntax error, unknown field, wrong type).
    Syntax {
        /// File path or built-in theme description.
        origin: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        col: usize,
        /// What the parser expected or found.
        message: String,
    },
    /// A style was given for a role that does not exist.
    UnknownRole {
        /// File path or built-in theme description.
        origin: String,
        /// The unrecognised role name.
        role: String,
    },
    /// A colour value was not recognised.
    BadColour {
        /// File path or built-in theme description.
        origin: String,
        /// The role whose style contains the colour.
        role: String,
        /// `"fg"` or `"bg"`.
        field: &'static str,
        /// The unrecognised colour.
        value: String,
    },
    /// A modifier name was not recognised.
    BadModifier {
        /// File path or built-in theme description.
        origin: String,
        /// The role whose style contains the modifier.
        role: String,
        /// The unrecognised modifier.
        value: String,
    },
    /// No built-in or user theme has the requested name.
    UnknownTheme {
        /// The requested name.
        name: String,
        /// Built-in and user theme names.
        available: Vec<String>,
    },
    /// A theme `extends` a theme that does not exist.
    UnknownParent {
        /// The theme that names the parent.
        origin: String,
        /// The missing parent's name.
        parent: String,
    },
    /// Themes extend each other in a cycle.
    Cycle {
        /// Origins along the cycle; the last one repeats an earlier one.
        chain: Vec<String>,
    },
    /// A user theme file could not be read.
    Io {
        /// The file path.
        origin: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl fmt::Display for ThemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThemeError::Syntax { origin, line, col, message } => {
                write!(f, "{origin}:{line}:{col}: {message}")
            }
            ThemeError::UnknownRole { origin, role } => write!(
                f,
                "{origin}: unknown role \"{role}\" (known roles: {})",
                Role::ALL.map(Role::name).join(", ")
            ),
            ThemeError::BadColour { origin, role, field, value } => write!(
                f,
                "{origin}: role \"{role}\": invalid {field} colour \"{value}\" \
                 (expected an ANSI colour name, \"reset\", \"#rrggbb\" or 0-255)"
            ),
            ThemeError::BadModifier { origin, role, value } => write!(
                f,
                "{origin}: role \"{role}\": unknown modifier \"{value}\" \
                 (expected bold, dim, italic, underlined, reversed or crossed_out)"
            ),
            ThemeError::UnknownTheme { name, available } => {
                write!(f, "unknown theme \"{name}\" (available: {})", available.join(", "))
            }
            ThemeError::UnknownParent { origin, parent } => {
                write!(f, "{origin}: extends unknown theme \"{parent}\"")
            }
            ThemeError::Cycle { chain } => {
                write!(f, "themes extend each other in a cycle: {}", chain.join(" -> "))
            }
            ThemeError::Io { origin, source } => write!(f, "{origin}: {source}"),
        }
    }
}

impl std::error::Error for ThemeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ThemeError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A theme file as written.
#[derive(Debug, Deserialize)]
#[serde(rename = "theme", deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    name: String,
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    styles: BTreeMap<String, StyleEntry>,
}

/// One role's style as written in a theme file.
#[derive(Debug, Default, Deserialize)]
#[serde(rename = "style", default, deny_unknown_fields)]
struct StyleEntry {
    fg: Option<String>,
    bg: Option<String>,
    modifiers: Vec<String>,
}

fn parse_file(src: &str, origin: &str) -> Result<ThemeFile, ThemeError> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(src)
        .map_err(|err| ThemeError::Syntax {
            origin: origin.to_owned(),
            line: err.span.start.line,
            col: err.span.start.col,
            message: err.code.to_string(),
        })
}

/// Theme source text together with where it came from.
struct Source<'a> {
    text: Cow<'a, str>,
    origin: String,
}

/// Finds the candidate sources for a theme name, highest priority first.
type Lookup<'l, 'a> = dyn Fn(&str) -> Result<Vec<Source<'a>>, ThemeError> + 'l;

/// Resolve `source` into styles, following `extends`. `stack` holds the
/// origins currently being resolved, to detect cycles.
fn resolve(
    source: &Source<'_>,
    lookup: &Lookup<'_, '_>,
    stack: &mut Vec<String>,
) -> Result<Styles, ThemeError> {
    let file = parse_file(&source.text, &source.origin)?;
    resolve_file(&file, &source.origin, lookup, stack)
}

/// Resolve an already parsed theme file that came from `origin`.
fn resolve_file(
    file: &ThemeFile,
    origin: &str,
    lookup: &Lookup<'_, '_>,
    stack: &mut Vec<String>,
) -> Result<Styles, ThemeError> {
    let own = convert_styles(&file.styles, origin)?;
    stack.push(origin.to_owned());
    let base = match &file.extends {
        None => Ok([Style::default(); Role::ALL.len()]),
        Some(parent) => resolve_parent(parent, origin, lookup, stack),
    };
    stack.pop();
    let mut styles = base?;
    for (role, style) in own {
        styles[role.index()] = style;
    }
    Ok(styles)
}

/// Resolve the theme that `child_origin` extends: the highest-priority
/// candidate not already being resolved.
fn resolve_parent(
    parent: &str,
    child_origin: &str,
    lookup: &Lookup<'_, '_>,
    stack: &mut Vec<String>,
) -> Result<Styles, ThemeError> {
    let candidates = lookup(parent)?;
    let Some(first) = candidates.first() else {
        return Err(ThemeError::UnknownParent { origin: child_origin.to_owned(), parent: parent.to_owned() });
    };
    match candidates.iter().find(|c| !stack.contains(&c.origin)) {
        Some(source) => resolve(source, lookup, stack),
        None => {
            let mut chain = stack.clone();
            chain.push(first.origin.clone());
            Err(ThemeError::Cycle { chain })
        }
    }
}

fn builtin_candidates(name: &str) -> Vec<Source<'static>> {
    builtin_source(name)
        .map(|text| Source { text: Cow::Borrowed(text), origin: builtin_origin(name) })
        .into_iter()
        .collect()
}

/// Candidates for `name`: the user file `<user_dir>/<name>.ron` if it exists,
/// then the built-in of that name.
fn lookup_theme(name: &str, user_dir: Option<&Path>) -> Result<Vec<Source<'static>>, ThemeError> {
    let mut candidates = Vec::new();
    if let Some(source) = user_dir.map(|dir| user_source(dir, name)).transpose()? {
        candidates.extend(source);
    }
    candidates.extend(builtin_candidates(name));
    Ok(candidates)
}

/// Read `<dir>/<name>.ron` if `name` is a plain file name and the file exists.
fn user_source(dir: &Path, name: &str) -> Result<Option<Source<'static>>, ThemeError> {
    if !is_plain_name(name) {
        return Ok(None);
    }
    let path = dir.join(format!("{name}.ron"));
    if !path.is_file() {
        return Ok(None);
    }
    let origin = path.display().to_string();
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(Source { text: Cow::Owned(text), origin })),
        Err(source) => Err(ThemeError::Io { origin, source }),
    }
}

/// A theme name that can be used as a file stem without leaving the directory.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\'])
}

/// Built-in names, then user theme names (sorted) not already listed.
fn available_names(user_dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN_NAMES.iter().map(|&n| n.to_owned()).collect();
    let mut user = user_dir.map(user_theme_names).unwrap_or_default();
    user.sort();
    for name in user {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Stems of the `*.ron` files in `dir`; an unreadable directory has none.
fn user_theme_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension() == Some(OsStr::new("ron")) && path.is_file())
        .filter_map(|path| path.file_stem()?.to_str().map(str::to_owned))
        .filter(|stem| is_plain_name(stem))
        .collect()
}

fn convert_styles(
    entries: &BTreeMap<String, StyleEntry>,
    origin: &str,
) -> Result<Vec<(Role, Style)>, ThemeError> {
    entries
        .iter()
        .map(|(name, entry)| {
            let role = Role::from_name(name)
                .ok_or_else(|| ThemeError::UnknownRole { origin: origin.to_owned(), role: name.clone() })?;
            Ok((role, convert_style(entry, role, origin)?))
        })
        .collect()
}

fn convert_style(entry: &StyleEntry, role: Role, origin: &str) -> Result<Style, ThemeError> {
    let colour = |field: &'static str, value: &Option<String>| {
        value
            .as_deref()
            .map(|v| {
                parse_colour(v).ok_or_else(|| ThemeError::BadColour {
                    origin: origin.to_owned(),
                    role: role.name().to_owned(),
                    field,
                    value: v.to_owned(),
                })
            })
            .transpose()
    };
    let mut style = Style { fg: colour("fg", &entry.fg)?, bg: colour("bg", &entry.bg)?, ..Style::default() };
    for name in &entry.modifiers {
        let modifier = parse_modifier(name).ok_or_else(|| ThemeError::BadModifier {
            origin: origin.to_owned(),
            role: role.name().to_owned(),
            value: name.clone(),
        })?;
        style = style.add_modifier(modifier);
    }
    Ok(style)
}

/// Lower-case `s` and drop `_`, `-` and spaces, so `Dark_Gray` matches `darkgray`.
fn normalise(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '_' | '-' | ' ')).flat_map(char::to_lowercase).collect()
}

/// `style` in the colour a schema gives entity type `t` (written as theme
/// files write colours), when it gives one.
pub fn in_type_colour(style: Style, t: Option<&crate::core::schema::EntityType>) -> Style {
    match t.and_then(|t| t.color.as_deref()).and_then(parse_colour) {
        Some(c) => style.fg(c),
        None => style,
    }
}

/// Parse a colour: an ANSI name, `reset`, `#rrggbb` or an index `0`-`255`.
fn parse_colour(s: &str) -> Option<Color> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        return parse_hex(hex);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().map(Color::Indexed);
    }
    named_colour(&normalise(s).replace("grey", "gray"))
}

fn parse_hex(hex: &str) -> Option<Color> {
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Color::Rgb(channel(0)?, channel(2)?, channel(4)?))
}

fn named_colour(name: &str) -> Option<Color> {
    let colour = match name {
        "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" => Color::Gray,
        "darkgray" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    };
    Some(colour)
}

fn parse_modifier(s: &str) -> Option<Modifier> {
    let modifier = match normalise(s.trim()).as_str() {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" | "underline" => Modifier::UNDERLINED,
        "reversed" | "reverse" => Modifier::REVERSED,
        "crossedout" => Modifier::CROSSED_OUT,
        _ => return None,
    };
    Some(modifier)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(files: &[(&str, &str)]) -> TempDir {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("marginote-theme-test-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            for (name, text) in files {
                std::fs::write(dir.join(name), text).unwrap();
            }
            TempDir(dir)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn builtin(name: &str) -> Theme {
        Theme::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"))
    }

    fn err_text(result: Result<Theme, ThemeError>) -> String {
        result.expect_err("expected an error").to_string()
    }

    #[test]
    fn builtins_parse_and_define_every_role() {
        for &name in Theme::builtin_names() {
            let src = builtin_source(name).unwrap();
            let file = parse_file(src, name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(file.name, name);
            assert_eq!(file.extends, None, "{name}");
            for role in Role::ALL {
                assert!(file.styles.contains_key(role.name()), "{name} lacks {role}");
            }
            assert_eq!(file.styles.len(), Role::ALL.len(), "{name}");
            assert_eq!(builtin(name).name(), name);
        }
    }

    #[test]
    fn unknown_builtin_is_none() {
        assert!(Theme::builtin("solarized").is_none());
    }

    #[test]
    fn mono_has_no_colours() {
        let mono = builtin("mono");
        for role in Role::ALL {
            let style = mono.style(role);
            assert_eq!((style.fg, style.bg), (None, None), "{role}");
        }
        for role in [Role::Selection, Role::SidebarSelected, Role::StatusBar] {
            assert!(mono.style(role).add_modifier.contains(Modifier::REVERSED), "{role}");
        }
        assert_ne!(mono.style(Role::SearchMatch), mono.style(Role::Selection));
    }

    #[test]
    fn kinds_carry_modifiers_in_every_theme() {
        for &name in Theme::builtin_names() {
            let theme = builtin(name);
            let has = |role, m| theme.style(role).add_modifier.contains(m);
            assert!(has(Role::AnnotationQuote, Modifier::ITALIC), "{name}");
            assert!(has(Role::AnnotationEntity, Modifier::UNDERLINED), "{name}");
            assert!(has(Role::AnnotationStatistic, Modifier::BOLD), "{name}");
        }
    }

    #[test]
    fn selection_search_and_kinds_are_distinct_in_every_theme() {
        for &name in Theme::builtin_names() {
            let theme = builtin(name);
            let distinct = [
                Role::Selection,
                Role::SearchMatch,
                Role::AnnotationQuote,
                Role::AnnotationEntity,
                Role::AnnotationStatistic,
            ]
            .map(|role| theme.style(role));
            for (i, a) in distinct.iter().enumerate() {
                for b in &distinct[i + 1..] {
                    assert_ne!(a, b, "{name}");
                }
            }
        }
    }

    #[test]
    fn role_names_round_trip() {
        for (i, role) in Role::ALL.into_iter().enumerate() {
            assert_eq!(role.index(), i);
            assert_eq!(Role::from_name(role.name()), Some(role));
            assert_eq!(role.to_string(), role.name());
        }
        assert_eq!(Role::from_name("article.cursor_line"), None);
        assert_eq!(Role::from_name("Article.Text"), None);
    }

    #[test]
    fn colours_parse() {
        assert_eq!(parse_colour("Yellow"), Some(Color::Yellow));
        assert_eq!(parse_colour("grey"), Some(Color::Gray));
        assert_eq!(parse_colour("dark_gray"), Some(Color::DarkGray));
        assert_eq!(parse_colour("Dark-Grey"), Some(Color::DarkGray));
        assert_eq!(parse_colour("LIGHTCYAN"), Some(Color::LightCyan));
        assert_eq!(parse_colour("reset"), Some(Color::Reset));
        assert_eq!(parse_colour("#8ec07c"), Some(Color::Rgb(0x8e, 0xc0, 0x7c)));
        assert_eq!(parse_colour("#8EC07C"), Some(Color::Rgb(0x8e, 0xc0, 0x7c)));
        assert_eq!(parse_colour("0"), Some(Color::Indexed(0)));
        assert_eq!(parse_colour("255"), Some(Color::Indexed(255)));
        for bad in ["256", "-1", "", "#8ec07", "#8ec07cc", "#gggggg", "purple", "#é1234"] {
            assert_eq!(parse_colour(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn modifiers_parse() {
        assert_eq!(parse_modifier("Bold"), Some(Modifier::BOLD));
        assert_eq!(parse_modifier("underline"), Some(Modifier::UNDERLINED));
        assert_eq!(parse_modifier("underlined"), Some(Modifier::UNDERLINED));
        assert_eq!(parse_modifier("reverse"), Some(Modifier::REVERSED));
        assert_eq!(parse_modifier("crossed_out"), Some(Modifier::CROSSED_OUT));
        assert_eq!(parse_modifier("slow_blink"), None);
    }

    #[test]
    fn from_ron_accepts_implicit_some_and_replaces_whole_role() {
        let src = r##"(
            name: "tweak",
            extends: "dark",
            styles: { "annotation.quote": (fg: "red"), "title": (bg: Some("#102030")) },
        )"##;
        let theme = Theme::from_ron(src, "tweak.ron").unwrap();
        let dark = builtin("dark");
        assert_eq!(theme.name(), "tweak");
        assert_eq!(theme.style(Role::AnnotationQuote), Style::new().fg(Color::Red));
        assert_eq!(theme.style(Role::Title), Style::new().bg(Color::Rgb(0x10, 0x20, 0x30)));
        assert_eq!(theme.style(Role::Selection), dark.style(Role::Selection));
    }

    #[test]
    fn missing_roles_are_unstyled() {
        let theme = Theme::from_ron("(styles: {})", "empty").unwrap();
        assert_eq!(theme.name(), "empty");
        for role in Role::ALL {
            assert_eq!(theme.style(role), Style::default());
        }
    }

    #[test]
    fn user_theme_overrides_builtin() {
        let dir = TempDir::new(&[("dark.ron", r#"(name: "dark", styles: { "title": (fg: Some("red")) })"#)]);
        let theme = Theme::load(Some("dark"), Some(dir.path()), false).unwrap();
        assert_eq!(theme.name(), "dark");
        assert_eq!(theme.style(Role::Title), Style::new().fg(Color::Red));
        assert_eq!(theme.style(Role::Selection), Style::default());
        // The default theme comes from the user dir too.
        assert_eq!(Theme::load(None, Some(dir.path()), false).unwrap(), theme);
    }

    #[test]
    fn user_theme_extending_builtin_inherits_unspecified_roles() {
        let dir = TempDir::new(&[(
            "dusk.ron",
            r#"(name: "dusk", extends: Some("dark"), styles: { "title": (fg: Some("red")) })"#,
        )]);
        let theme = Theme::load(Some("dusk"), Some(dir.path()), false).unwrap();
        let dark = builtin("dark");
        assert_eq!(theme.name(), "dusk");
        assert_eq!(theme.style(Role::Title), Style::new().fg(Color::Red));
        for role in Role::ALL.into_iter().filter(|&r| r != Role::Title) {
            assert_eq!(theme.style(role), dark.style(role), "{role}");
        }
    }

    #[test]
    fn user_theme_extending_its_own_name_extends_the_builtin() {
        let dir = TempDir::new(&[(
            "dark.ron",
            r#"(extends: Some("dark"), styles: { "title": (fg: Some("red")) })"#,
        )]);
        let theme = Theme::load(Some("dark"), Some(dir.path()), false).unwrap();
        let dark = builtin("dark");
        assert_eq!(theme.style(Role::Title), Style::new().fg(Color::Red));
        assert_eq!(theme.style(Role::Selection), dark.style(Role::Selection));
    }

    #[test]
    fn user_themes_extend_each_other() {
        let dir = TempDir::new(&[
            ("base.ron", r#"(extends: Some("light"), styles: { "title": (fg: "red") })"#),
            ("top.ron", r#"(extends: Some("base"), styles: { "border": (fg: "blue") })"#),
        ]);
        let theme = Theme::load(Some("top"), Some(dir.path()), false).unwrap();
        assert_eq!(theme.style(Role::Title), Style::new().fg(Color::Red));
        assert_eq!(theme.style(Role::Border), Style::new().fg(Color::Blue));
        assert_eq!(theme.style(Role::Input), builtin("light").style(Role::Input));
    }

    #[test]
    fn unknown_theme_error_lists_names() {
        let dir = TempDir::new(&[("dusk.ron", "(styles: {})"), ("notes.txt", "")]);
        let err = Theme::load(Some("solarized"), Some(dir.path()), false).unwrap_err();
        let ThemeError::UnknownTheme { available, .. } = &err else {
            panic!("unexpected error {err}");
        };
        assert_eq!(available, &["dark", "light", "high-contrast", "mono", "dusk"]);
        let text = err.to_string();
        assert!(text.contains("\"solarized\""), "{text}");
        assert!(text.contains("dark, light, high-contrast, mono, dusk"), "{text}");
    }

    #[test]
    fn path_like_names_are_not_read() {
        let dir = TempDir::new(&[("x.ron", "(styles: {})")]);
        let sub = dir.path().join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        let err = err_text(Theme::load(Some("../x"), Some(&sub), false));
        assert!(err.contains("unknown theme"), "{err}");
    }

    #[test]
    fn syntax_error_names_origin_and_position() {
        let src = "(\n    name: \"x\",\n    styles: { \"title\": (fg: Some(\"red\") }\n)";
        let err = err_text(Theme::from_ron(src, "/home/u/themes/x.ron"));
        assert!(err.starts_with("/home/u/themes/x.ron:3:"), "{err}");
    }

    #[test]
    fn syntax_error_in_user_file_names_path() {
        let dir = TempDir::new(&[("bad.ron", "(styles: {\n\"title\": (colour: \"red\")})")]);
        let err = Theme::load(Some("bad"), Some(dir.path()), false).unwrap_err();
        let ThemeError::Syntax { origin, line, .. } = &err else {
            panic!("unexpected error {err}");
        };
        assert!(origin.ends_with("bad.ron"), "{origin}");
        assert_eq!(*line, 2);
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn unknown_role_is_an_error() {
        let err = err_text(Theme::from_ron(r#"(styles: { "article.txt": () })"#, "t.ron"));
        assert!(err.starts_with("t.ron: unknown role \"article.txt\""), "{err}");
    }

    #[test]
    fn bad_colour_is_an_error() {
        let src = r#"(styles: { "title": (bg: Some("purpl")) })"#;
        let err = err_text(Theme::from_ron(src, "t.ron"));
        assert!(err.contains("\"title\""), "{err}");
        assert!(err.contains("bg colour \"purpl\""), "{err}");
    }

    #[test]
    fn bad_modifier_is_an_error() {
        let src = r#"(styles: { "title": (modifiers: ["blink"]) })"#;
        let err = err_text(Theme::from_ron(src, "t.ron"));
        assert!(err.contains("\"title\"") && err.contains("\"blink\""), "{err}");
    }

    #[test]
    fn unknown_parent_is_an_error() {
        let err = err_text(Theme::from_ron(r#"(extends: Some("nope"))"#, "t.ron"));
        assert_eq!(err, "t.ron: extends unknown theme \"nope\"");
    }

    #[test]
    fn extends_cycle_is_an_error() {
        let dir = TempDir::new(&[
            ("a.ron", r#"(extends: Some("b"))"#),
            ("b.ron", r#"(extends: Some("a"))"#),
            ("c.ron", r#"(extends: Some("c"))"#),
        ]);
        for name in ["a", "c"] {
            let err = Theme::load(Some(name), Some(dir.path()), false).unwrap_err();
            assert!(matches!(err, ThemeError::Cycle { .. }), "{err}");
            assert!(err.to_string().contains("cycle"), "{err}");
        }
    }

    #[test]
    fn load_defaults() {
        assert_eq!(Theme::load(None, None, true).unwrap(), builtin("mono"));
        assert_eq!(Theme::load(None, None, false).unwrap(), builtin("dark"));
        let requested = Theme::load(Some("light"), None, true).unwrap();
        assert_eq!(requested, builtin("light"));
        let missing_dir = std::env::temp_dir().join("marginote-theme-test-no-such-dir");
        assert_eq!(
            Theme::load(Some("high-contrast"), Some(&missing_dir), false).unwrap(),
            builtin("high-contrast")
        );
    }

    #[test]
    fn no_color_needs_a_non_empty_value() {
        assert!(!no_color_value_requests(None));
        assert!(!no_color_value_requests(Some(OsStr::new(""))));
        assert!(no_color_value_requests(Some(OsStr::new("1"))));
    }
}
