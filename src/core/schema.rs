//! The schema: which entity types the tag menu offers (with their keys,
//! colours and badges), which statuses exist beyond the built-in four, and
//! which rules `marginote check` applies.
//!
//! A schema is a RON file named `marginote.ron`, found in the article's
//! folder or the nearest parent folder that has one ([`Schema::find`]);
//! without one the built-in schema ([`Schema::builtin`]) applies:
//!
//! ```ron
//! (
//!     entity_types: [
//!         (name: "Person", key: 'p', color: "cyan"),
//!         (name: "Organization", key: 'o', badge: "Org"),
//!         (name: "Law", key: 'w', color: "#d79921"),
//!     ],
//!     statuses: ["Checked by desk"],
//!     rules: (entity_types_known: true, note_required_for_disputed: true),
//! )
//! ```
//!
//! Every top-level field and every rule is optional (left out: the built-in
//! value). Unknown fields are errors, so a typo never passes silently; errors
//! read `path:line:column: message`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use unicode_width::UnicodeWidthStr;

use super::annotation::{ENTITY_TYPES, Status};

/// The schema file's name, looked for in the article's folder and its parents.
pub const FILE_NAME: &str = "marginote.ron";

/// Tag-menu keys of the kinds that are not entity types: `q` (quote) and
/// `s` (statistic). An entity type may not take them.
pub const RESERVED_KEYS: [(char, &str); 2] = [('q', "quote"), ('s', "statistic")];

/// The statuses every schema has.
pub const BUILTIN_STATUSES: [&str; 4] = ["Unreviewed", "Verified", "Disputed", "NeedsSource"];

/// Widest badge, in terminal columns.
pub const BADGE_MAX_WIDTH: usize = 3;

/// The tag set and the rules `marginote check` applies.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Schema {
    /// The entity types, in tag-menu order.
    pub entity_types: Vec<EntityType>,
    /// Statuses beyond Unreviewed, Verified, Disputed and NeedsSource.
    pub statuses: Vec<String>,
    /// Which rules `marginote check` applies.
    pub rules: Rules,
}

/// One entity type of the tag menu.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityType {
    /// The type's name, as stored in annotations (`Entity("Person")`).
    pub name: String,
    /// The tag-menu key (`'w'`; `"w"` is accepted too).
    #[serde(deserialize_with = "one_char")]
    pub key: char,
    /// A colour as theme files write it: an ANSI name, `#rrggbb` or `0`–`255`.
    #[serde(default)]
    pub color: Option<String>,
    /// A short label for the sidebar; none: the name's first letter.
    #[serde(default)]
    pub badge: Option<String>,
}

/// Which rules `marginote check` applies. The first three are on unless a
/// schema turns them off; the others are off unless a schema turns them on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// A quote must name its speaker (`quote-needs-speaker`).
    pub quote_needs_speaker: bool,
    /// A statistic must be `Verified` or give a `source`
    /// (`statistic-needs-verified-or-source`).
    pub statistic_needs_verified_or_source: bool,
    /// An annotation must still be found in the article (`no-orphans`).
    pub no_orphans: bool,
    /// An entity's type must be one of the schema's (`entity-type-known`).
    pub entity_types_known: bool,
    /// A status must be built in or one of the schema's (`status-known`).
    pub statuses_known: bool,
    /// A `Disputed` annotation must have a note saying why (`disputed-needs-note`).
    pub note_required_for_disputed: bool,
}

impl Default for Rules {
    /// The three rules every newsroom wants on; the stricter ones off.
    fn default() -> Rules {
        Rules {
            quote_needs_speaker: true,
            statistic_needs_verified_or_source: true,
            no_orphans: true,
            entity_types_known: false,
            statuses_known: false,
            note_required_for_disputed: false,
        }
    }
}

impl Default for Schema {
    /// The built-in schema: what a file leaves out is taken from it.
    fn default() -> Schema {
        Schema::builtin()
    }
}

impl EntityType {
    /// A type with no colour and the default badge.
    pub fn new(name: &str, key: char) -> EntityType {
        EntityType { name: name.to_owned(), key, color: None, badge: None }
    }

    /// The sidebar label: the badge, or the name's first letter.
    pub fn badge(&self) -> String {
        match &self.badge {
            Some(b) => b.clone(),
            None => self.name.chars().take(1).collect(),
        }
    }
}

impl Schema {
    /// Person `p`, Organization `o`, Place `l`, Other `m` (the tag menu's
    /// keys), no extra statuses, the default rules.
    pub fn builtin() -> Schema {
        let keys = ['p', 'o', 'l', 'm'];
        Schema {
            entity_types: ENTITY_TYPES
                .iter()
                .zip(keys)
                .map(|(name, key)| EntityType::new(name, key))
                .collect(),
            statuses: Vec::new(),
            rules: Rules::default(),
        }
    }

    /// The schema for `article`: the first `marginote.ron` in its folder or
    /// a parent folder, with that file's path; the built-in schema and
    /// `None` when there is none. Errors name the file (and the line and
    /// column, when it does not parse).
    pub fn find(article: &Path) -> Result<(Schema, Option<PathBuf>), String> {
        match find_file(article) {
            Some(path) => Schema::load(&path).map(|schema| (schema, Some(path))),
            None => Ok((Schema::builtin(), None)),
        }
    }

    /// Read and validate the schema file at `path`.
    pub fn load(path: &Path) -> Result<Schema, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let (line, column) = super::text::line_col(e.as_bytes(), e.utf8_error().valid_up_to());
            format!("{}:{line}:{column}: not valid UTF-8", path.display())
        })?;
        Schema::from_ron(&text, path)
    }

    /// Parse and validate schema text; `path` is only used in messages.
    pub fn from_ron(text: &str, path: &Path) -> Result<Schema, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let schema: Schema = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
            .map_err(|e| {
                format!("{}:{}:{}: {}", path.display(), e.span.start.line, e.span.start.col, e.code)
            })?;
        schema.validate().map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(schema)
    }

    /// The first problem that makes this schema unusable, if any: an entity
    /// type with an empty or repeated name, a reserved or repeated key, a
    /// colour or badge that cannot be shown; an empty, built-in or repeated
    /// status.
    pub fn validate(&self) -> Result<(), String> {
        for (i, t) in self.entity_types.iter().enumerate() {
            validate_entity_type(t)?;
            if let Some(earlier) =
                self.entity_types[..i].iter().find(|e| e.name.eq_ignore_ascii_case(&t.name))
            {
                return Err(format!("entity types {:?} and {:?}: the same name twice", earlier.name, t.name));
            }
            if let Some(earlier) = self.entity_types[..i].iter().find(|e| e.key == t.key) {
                return Err(format!(
                    "entity types {:?} and {:?}: both use the key {:?}; each needs its own",
                    earlier.name, t.name, t.key
                ));
            }
        }
        for (i, s) in self.statuses.iter().enumerate() {
            validate_status(s)?;
            if self.statuses[..i].contains(s) {
                return Err(format!("status {s:?} is listed twice"));
            }
        }
        Ok(())
    }

    /// The entity type called `name`.
    pub fn entity_type(&self, name: &str) -> Option<&EntityType> {
        self.entity_types.iter().find(|t| t.name == name)
    }

    /// The entity type whose tag-menu key is `key`.
    pub fn by_key(&self, key: char) -> Option<&EntityType> {
        self.entity_types.iter().find(|t| t.key == key)
    }

    /// Whether `status` is built in or one of this schema's.
    pub fn knows_status(&self, status: &Status) -> bool {
        match status {
            Status::Other(name) => self.statuses.iter().any(|s| s == name),
            _ => true,
        }
    }
}

/// `marginote.ron` in the folder of `article` or the nearest parent folder
/// that has one. The folder is resolved first (symlinks, `..`), so the
/// parents are the real ones.
fn find_file(article: &Path) -> Option<PathBuf> {
    let folder = article.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let folder = std::fs::canonicalize(folder).or_else(|_| std::path::absolute(folder)).ok()?;
    folder.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.exists())
}

/// Problems of one entity type on its own.
fn validate_entity_type(t: &EntityType) -> Result<(), String> {
    if t.name.trim().is_empty() {
        return Err("an entity type has an empty name".to_owned());
    }
    let name = &t.name;
    if let Some((_, kind)) = RESERVED_KEYS.iter().find(|(k, _)| *k == t.key) {
        return Err(format!(
            "entity type {name:?}: the key {:?} is the tag menu's key for a {kind}; pick another",
            t.key
        ));
    }
    if t.key.is_whitespace() || t.key.is_control() {
        return Err(format!("entity type {name:?}: the key {:?} cannot be typed in the tag menu", t.key));
    }
    if let Some(c) = t.color.as_deref().filter(|c| !is_colour(c)) {
        return Err(format!(
            "entity type {name:?}: unknown colour {c:?} (use an ANSI name such as \"cyan\", \"#rrggbb\" or 0-255)"
        ));
    }
    if let Some(b) = &t.badge {
        validate_badge(name, b)?;
    }
    Ok(())
}

/// A badge is 1 to [`BADGE_MAX_WIDTH`] columns of visible characters.
fn validate_badge(name: &str, badge: &str) -> Result<(), String> {
    let width = badge.width();
    if badge.chars().any(|c| c.is_whitespace() || c.is_control()) || width == 0 || width > BADGE_MAX_WIDTH {
        return Err(format!(
            "entity type {name:?}: the badge {badge:?} must be 1 to {BADGE_MAX_WIDTH} columns of visible characters"
        ));
    }
    Ok(())
}

/// An extra status must have a name that is not already a built-in one.
fn validate_status(s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err("a status has an empty name".to_owned());
    }
    if BUILTIN_STATUSES.contains(&s) {
        return Err(format!("status {s:?} is built in; list only extra statuses"));
    }
    Ok(())
}

/// A key written as a character (`'w'`) or a one-character string (`"w"`).
fn one_char<'de, D: serde::Deserializer<'de>>(d: D) -> Result<char, D::Error> {
    /// Accepts a char, or a string of exactly one char.
    struct OneChar;
    impl serde::de::Visitor<'_> for OneChar {
        type Value = char;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("one character, such as 'w'")
        }
        fn visit_char<E: serde::de::Error>(self, c: char) -> Result<char, E> {
            Ok(c)
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<char, E> {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(E::invalid_value(serde::de::Unexpected::Str(s), &self)),
            }
        }
    }
    d.deserialize_any(OneChar)
}

/// The 16 ANSI colour names and `reset`, as theme files accept them.
const COLOUR_NAMES: [&str; 17] = [
    "reset",
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "darkgray",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
];

/// Whether `s` is a colour a theme file accepts: an ANSI name (any case;
/// `grey`, `_`, `-` and spaces allowed), `reset`, `#rrggbb` or `0`–`255`.
pub fn is_colour(s: &str) -> bool {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        return hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<u8>().is_ok();
    }
    let name: String =
        s.chars().filter(|c| !matches!(c, '_' | '-' | ' ')).flat_map(char::to_lowercase).collect();
    COLOUR_NAMES.contains(&name.replace("grey", "gray").as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Schema, String> {
        Schema::from_ron(text, Path::new("marginote.ron"))
    }

    #[test]
    fn builtin_has_the_tag_menu_keys_and_default_rules() {
        let s = Schema::builtin();
        let pairs: Vec<(&str, char)> = s.entity_types.iter().map(|t| (t.name.as_str(), t.key)).collect();
        assert_eq!(pairs, [("Person", 'p'), ("Organization", 'o'), ("Place", 'l'), ("Other", 'm')]);
        assert!(s.statuses.is_empty());
        let r = s.rules;
        assert!(r.quote_needs_speaker && r.statistic_needs_verified_or_source && r.no_orphans);
        assert!(!r.entity_types_known && !r.statuses_known && !r.note_required_for_disputed);
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.by_key('l').map(|t| t.name.as_str()), Some("Place"));
    }

    #[test]
    fn a_file_sets_only_what_it_names() {
        let s = parse("(rules: (no_orphans: false, statuses_known: true), statuses: [\"Checked\"])").unwrap();
        assert_eq!(s.entity_types, Schema::builtin().entity_types, "left out: the built-in types");
        assert!(!s.rules.no_orphans && s.rules.statuses_known && s.rules.quote_needs_speaker);
        assert!(s.knows_status(&Status::Other("Checked".into())));
        assert!(!s.knows_status(&Status::Other("Checkd".into())));
        assert!(s.knows_status(&Status::Disputed));
        assert_eq!(parse("()").unwrap(), Schema::builtin());
    }

    #[test]
    fn entity_types_with_colours_and_badges() {
        let s = parse(
            "(entity_types: [(name: \"Law\", key: 'w', color: \"#D79921\", badge: \"§\"), \
             (name: \"Person\", key: 'P', color: Some(\"light_blue\"))])",
        )
        .unwrap();
        let law = s.entity_type("Law").unwrap();
        assert_eq!((law.key, law.color.as_deref(), law.badge()), ('w', Some("#D79921"), "§".to_owned()));
        assert_eq!(s.entity_type("Person").unwrap().badge(), "P", "the first letter by default");
        assert!(s.entity_type("Place").is_none(), "a list replaces the built-in types");
    }

    #[test]
    fn typos_are_refused_with_line_and_column() {
        let e = parse("(\n    rules: (\n        quote_needs_speakr: false,\n    ),\n)").unwrap_err();
        assert!(e.starts_with("marginote.ron:3:9: "), "{e}");
        assert!(e.contains("quote_needs_speakr"), "{e}");
        let e = parse("(entity_types: [(name: \"Law\", key: 'w', colour: \"red\")])").unwrap_err();
        assert!(e.starts_with("marginote.ron:1:") && e.contains("colour"), "{e}");
        let e = parse("(entity_types: [(name: \"Law\")])").unwrap_err();
        assert!(e.contains("key"), "a type needs a key: {e}");
    }

    #[test]
    fn reserved_and_repeated_keys_are_refused() {
        let e = parse("(entity_types: [(name: \"Quelle\", key: 'q')])").unwrap_err();
        assert!(e.starts_with("marginote.ron: entity type \"Quelle\"") && e.contains("quote"), "{e}");
        let e = parse("(entity_types: [(name: \"Source\", key: 's')])").unwrap_err();
        assert!(e.contains("statistic"), "{e}");
        let e = parse("(entity_types: [(name: \"A\", key: 'a'), (name: \"B\", key: 'a')])").unwrap_err();
        assert!(e.contains("\"A\" and \"B\": both use the key 'a'"), "{e}");
        let e = parse("(entity_types: [(name: \"A\", key: \"ab\")])").unwrap_err();
        assert!(e.starts_with("marginote.ron:1:") && e.contains("one character"), "{e}");
        assert_eq!(parse("(entity_types: [(name: \"A\", key: \"a\")])").unwrap().entity_types[0].key, 'a');
        let e = parse("(entity_types: [(name: \"A\", key: ' ')])").unwrap_err();
        assert!(e.contains("cannot be typed"), "{e}");
    }

    #[test]
    fn empty_and_repeated_names_are_refused() {
        let e = parse("(entity_types: [(name: \" \", key: 'a')])").unwrap_err();
        assert!(e.contains("empty name"), "{e}");
        let e = parse("(entity_types: [(name: \"Law\", key: 'a'), (name: \"law\", key: 'b')])").unwrap_err();
        assert!(e.contains("the same name twice"), "{e}");
        let e = parse("(statuses: [\"\"])").unwrap_err();
        assert!(e.contains("empty name"), "{e}");
        let e = parse("(statuses: [\"Checked\", \"Checked\"])").unwrap_err();
        assert!(e.contains("listed twice"), "{e}");
        let e = parse("(statuses: [\"Verified\"])").unwrap_err();
        assert!(e.contains("built in"), "{e}");
    }

    #[test]
    fn colours_follow_the_theme_syntax() {
        for good in ["cyan", "Dark_Grey", "light-blue", "reset", "#8ec07c", "0", "255"] {
            assert!(is_colour(good), "{good}");
        }
        for bad in ["cyn", "#8ec07", "#8ec07g", "256", "", "-1", "rgb(1,2,3)"] {
            assert!(!is_colour(bad), "{bad}");
        }
        let e = parse("(entity_types: [(name: \"Law\", key: 'w', color: \"purple\")])").unwrap_err();
        assert!(e.contains("unknown colour \"purple\""), "{e}");
    }

    #[test]
    fn badges_are_short_and_visible() {
        let e = parse("(entity_types: [(name: \"Law\", key: 'w', badge: \"LAWS\")])").unwrap_err();
        assert!(e.contains("badge \"LAWS\""), "{e}");
        assert!(parse("(entity_types: [(name: \"Law\", key: 'w', badge: \"\")])").is_err());
        assert!(parse("(entity_types: [(name: \"Law\", key: 'w', badge: \"L w\")])").is_err());
        assert!(parse("(entity_types: [(name: \"Law\", key: 'w', badge: \"法\")])").is_ok(), "two columns");
    }

    #[test]
    fn find_takes_the_nearest_file_up_the_tree() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let deep = root.join("course/week1");
        std::fs::create_dir_all(&deep).unwrap();
        let article = deep.join("a.txt");
        std::fs::write(root.join(FILE_NAME), "(rules: (no_orphans: false))").unwrap();
        let (s, path) = Schema::find(&article).unwrap();
        assert_eq!(path, Some(root.join(FILE_NAME)));
        assert!(!s.rules.no_orphans);
        std::fs::write(deep.join(FILE_NAME), "(statuses: [\"Checked\"])").unwrap();
        let (s, path) = Schema::find(&article).unwrap();
        assert_eq!(path, Some(deep.join(FILE_NAME)), "the nearest wins");
        assert!(s.rules.no_orphans, "files are not merged");
        std::fs::write(deep.join(FILE_NAME), "(statuses: [1])").unwrap();
        let e = Schema::find(&article).unwrap_err();
        assert!(e.starts_with(&format!("{}:1:", deep.join(FILE_NAME).display())), "{e}");
    }

    #[test]
    fn find_without_a_file_is_the_builtin() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        // A marginote.ron above the temp folder (in /tmp, say) would change
        // the answer; this test is meaningful only without one.
        let above = std::fs::canonicalize(dir.path())
            .unwrap()
            .ancestors()
            .skip(1)
            .any(|d| d.join(FILE_NAME).exists());
        if above {
            eprintln!("skipped: a {FILE_NAME} above the temp folder");
            return;
        }
        assert_eq!(Schema::find(&article).unwrap(), (Schema::builtin(), None));
    }
}
