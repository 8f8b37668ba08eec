//! Keys → actions, per context. The defaults live here in code; a user's
//! keymap (from the config file) is merged over them, never replacing them
//! wholesale: a user binding replaces only the binding of that same key.
//!
//! Keys are written as in the help screen: `j`, `G`, `?`, `C-r` (Ctrl),
//! `A-x` (Alt), `Enter`, `Esc`, `Tab`, `BackTab`, `Space`, `Up`, `Down`,
//! `Left`, `Right`, `Home`, `End`, `PageUp`, `PageDown`, `Backspace`,
//! `Delete`, `F1`…`F12`. An action name of `"none"` unbinds a key.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Context};

/// A key with its modifiers, normalised (Shift is folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCodeOrd,
    ctrl: bool,
    alt: bool,
}

/// `KeyCode` with an order, so keymaps print sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeOrd {
    Char(char),
    Named(u8),
    F(u8),
}

const NAMED: [(&str, KeyCode); 15] = [
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PageUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Insert", KeyCode::Insert),
];

impl Key {
    /// The key of a terminal key event, if it is one marginote can bind.
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            other => KeyCodeOrd::Named(NAMED.iter().position(|(_, k)| *k == other)? as u8),
        };
        Some(Key { code, ctrl, alt })
    }

    /// Parse `C-r`, `G`, `PageDown`, `Space`….
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut rest = s;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = rest.strip_prefix("C-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("A-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeOrd::Char(c),
            _ if rest == "Space" => KeyCodeOrd::Char(' '),
            _ => {
                if let Some(i) = NAMED.iter().position(|(n, _)| n.eq_ignore_ascii_case(rest)) {
                    KeyCodeOrd::Named(i as u8)
                } else if let Some(n) = rest.strip_prefix('F').and_then(|n| n.parse::<u8>().ok()) {
                    KeyCodeOrd::F(n)
                } else {
                    return Err(format!(
                        "unknown key {s:?} (examples: j, G, C-r, A-x, Enter, PageDown, Space, F1)"
                    ));
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("C-")?;
        }
        if self.alt {
            f.write_str("A-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("Space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::Named(i) => f.write_str(NAMED[i as usize].0),
            KeyCodeOrd::F(n) => write!(f, "F{n}"),
        }
    }
}

/// The defaults: (context, key, action).
const DEFAULTS: &[(Context, &str, Action)] = {
    use Action::*;
    use Context::*;
    &[
        (Global, "?", Help),
        (Global, "F1", Help),
        (Global, "C-c", Quit),
        (Global, "C-s", Save),
        (Global, "C-l", Redraw),
        (Global, "W", SaveAs),
        (Global, "u", Undo),
        (Global, "C-r", Redo),
        (Global, "Tab", FocusNext),
        (Global, "BackTab", FocusNext),
        (Global, "#", ToggleNumbers),
        (Global, "R", Review),
        (Article, "Enter", Reattach),
        (Article, "q", Quit),
        (Article, "h", MoveLeft),
        (Article, "Left", MoveLeft),
        (Article, "l", MoveRight),
        (Article, "Right", MoveRight),
        (Article, "k", MoveUp),
        (Article, "Up", MoveUp),
        (Article, "j", MoveDown),
        (Article, "Down", MoveDown),
        (Article, "w", WordForward),
        (Article, "b", WordBackward),
        (Article, "e", WordEnd),
        (Article, ")", SentenceForward),
        (Article, "(", SentenceBackward),
        (Article, "}", ParagraphForward),
        (Article, "{", ParagraphBackward),
        (Article, "0", LineStart),
        (Article, "Home", LineStart),
        (Article, "$", LineEnd),
        (Article, "End", LineEnd),
        (Article, "PageDown", PageDown),
        (Article, "C-f", PageDown),
        (Article, "Space", PageDown),
        (Article, "PageUp", PageUp),
        (Article, "C-b", PageUp),
        (Article, "C-e", ScrollDown),
        (Article, "C-y", ScrollUp),
        (Article, "g", GotoStart),
        (Article, "G", GotoEnd),
        (Article, "]", NextAnnotation),
        (Article, "[", PrevAnnotation),
        (Article, "/", Search),
        (Article, "n", SearchNext),
        (Article, "N", SearchPrev),
        (Article, "v", Select),
        (Article, "Esc", Cancel),
        (Article, "t", Tag),
        (Sidebar, "q", Quit),
        (Sidebar, "j", SidebarDown),
        (Sidebar, "Down", SidebarDown),
        (Sidebar, "k", SidebarUp),
        (Sidebar, "Up", SidebarUp),
        (Sidebar, "g", SidebarFirst),
        (Sidebar, "Home", SidebarFirst),
        (Sidebar, "G", SidebarLast),
        (Sidebar, "End", SidebarLast),
        (Sidebar, "Enter", Jump),
        (Sidebar, "Esc", FocusNext),
        (Sidebar, "d", Delete),
        (Sidebar, "Delete", Delete),
        (Sidebar, "a", EditNote),
        (Sidebar, "t", Tag),
        (Sidebar, "s", EditSpeaker),
        (Sidebar, "e", EditValue),
        (Sidebar, "S", EditSource),
        (Sidebar, "<", GrowStart),
        (Sidebar, ",", ShrinkStart),
        (Sidebar, ">", GrowEnd),
        (Sidebar, ".", ShrinkEnd),
        (Sidebar, "PageDown", PageDown),
        (Sidebar, "PageUp", PageUp),
        (TagMenu, "q", TagQuote),
        (TagMenu, "p", TagPerson),
        (TagMenu, "o", TagOrganization),
        (TagMenu, "l", TagPlace),
        (TagMenu, "m", TagOther),
        (TagMenu, "s", TagStatistic),
        (TagMenu, "Esc", Cancel),
        (Article, "x", NextSuggestion),
        (Article, "*", AnnotateAll),
        (Sidebar, "*", AnnotateAll),
        (Suggestion, "y", AcceptSuggestion),
        (Suggestion, "Enter", AcceptSuggestion),
        (Suggestion, "Y", AcceptAllSame),
        (Suggestion, "n", RejectSuggestion),
        (Suggestion, "N", RejectAllSame),
        (Suggestion, "x", SkipSuggestion),
        (Suggestion, "Space", SkipSuggestion),
        (Suggestion, "Esc", Cancel),
        (Sidebar, "c", CycleStatus),
        (Sidebar, "f", FilterKind),
        (Sidebar, "F", FilterStatus),
        (Sidebar, "/", FilterText),
        (Sidebar, "X", ClearFilter),
        (Sidebar, "=", LinkEntity),
        (Global, "i", EntityIndex),
        (Article, "M", MarkReviewed),
        (Article, "'", GotoReviewed),
        (Global, "Backspace", BackToList),
    ]
};

/// Bindings per context.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: BTreeMap<(Context, Key), Action>,
    /// The hint lines made so far ([`Keymap::hint_line`]), by the address
    /// and length of their static list: the status line shows one at every
    /// frame, and making it again (five keys looked up, ten strings) was
    /// 8 µs of a PageDown's 150 in the app.
    hint_lines: RefCell<Vec<((usize, usize), String)>>,
}

/// Two keymaps are equal when their bindings are (whatever hints each has made).
impl PartialEq for Keymap {
    fn eq(&self, other: &Keymap) -> bool {
        self.map == other.map
    }
}

impl Eq for Keymap {}

/// One hint of a status line: the key bound to an action, or a fixed key.
#[derive(Debug, Clone, Copy)]
pub enum Hint {
    /// The first key of the action in the context (else a global one).
    Bound(Context, Action),
    /// A key the mode handles itself.
    Fixed(&'static str),
}

/// A user's keymap as written in the config file:
/// `{ "article": { "x": "delete", "j": "none" } }`.
pub type UserKeymap = BTreeMap<Context, BTreeMap<String, String>>;

impl Default for Keymap {
    fn default() -> Keymap {
        let map = DEFAULTS
            .iter()
            .map(|&(ctx, k, a)| ((ctx, Key::parse(k).expect("default keys parse")), a))
            .collect();
        Keymap::of(map)
    }
}

impl Keymap {
    /// The defaults with the user's bindings merged over them.
    pub fn with_user(user: &UserKeymap) -> Result<Keymap, String> {
        let mut km = Keymap::default().map;
        for (&ctx, binds) in user {
            for (key, action) in binds {
                let k = Key::parse(key).map_err(|e| format!("keys.{}: {e}", ctx.name()))?;
                if action == "none" {
                    km.remove(&(ctx, k));
                    continue;
                }
                let a = Action::from_name(action).ok_or_else(|| {
                    format!(
                        "keys.{}.{key:?}: unknown action {action:?} (see `?` in the app for names)",
                        ctx.name()
                    )
                })?;
                km.insert((ctx, k), a);
            }
        }
        Ok(Keymap::of(km))
    }

    fn of(map: BTreeMap<(Context, Key), Action>) -> Keymap {
        Keymap { map, hint_lines: RefCell::default() }
    }

    /// The action for `ev` in `ctx`, falling back to global bindings (not in the tag menu).
    pub fn lookup(&self, ctx: Context, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev)?;
        self.map.get(&(ctx, key)).copied().or_else(|| {
            (ctx != Context::TagMenu).then(|| self.map.get(&(Context::Global, key)).copied()).flatten()
        })
    }

    /// Keys bound to `action` in `ctx`, in key order.
    pub fn keys_for(&self, ctx: Context, action: Action) -> Vec<Key> {
        self.map.iter().filter(|((c, _), a)| *c == ctx && **a == action).map(|((_, k), _)| *k).collect()
    }

    /// The first key bound to `action` in `ctx` (or globally), for hints.
    pub fn hint(&self, ctx: Context, action: Action) -> Option<String> {
        // The status line asks for several at every frame: no lists built.
        let first = |ctx| self.map.iter().find(|((c, _), a)| *c == ctx && **a == action).map(|((_, k), _)| k);
        first(ctx).or_else(|| first(Context::Global)).map(Key::to_string)
    }

    /// `hints` as one line, `key what  key what`: made once per list (a
    /// `static` list has one address for the life of the program; the
    /// bindings never change after the keymap is made).
    pub fn hint_line(&self, hints: &'static [(Hint, &'static str)]) -> String {
        let at = (hints.as_ptr() as usize, hints.len());
        if let Some((_, line)) = self.hint_lines.borrow().iter().find(|(a, _)| *a == at) {
            return line.clone();
        }
        let mut line = String::new();
        for (hint, what) in hints {
            let key = match *hint {
                Hint::Bound(ctx, action) => self.hint(ctx, action).unwrap_or_else(|| "?".into()),
                Hint::Fixed(key) => key.to_owned(),
            };
            let gap = if line.is_empty() { "" } else { "  " };
            let _ = write!(line, "{gap}{key} {what}");
        }
        self.hint_lines.borrow_mut().push((at, line.clone()));
        line
    }

    /// Every (context, action, keys) with at least one key, in help order.
    pub fn bindings(&self) -> Vec<(Context, Action, Vec<Key>)> {
        let mut out = Vec::new();
        for ctx in Context::ALL {
            for &a in Action::ALL {
                let keys = self.keys_for(ctx, a);
                if !keys.is_empty() {
                    out.push((ctx, a, keys));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn keys_parse_and_print_back() {
        for s in ["j", "G", "?", "C-r", "A-x", "Enter", "PageDown", "Space", "F1", "<", "C-A-k"] {
            assert_eq!(Key::parse(s).unwrap().to_string(), s);
        }
        assert!(Key::parse("Hyper-x").is_err());
    }

    #[test]
    fn shift_is_folded_into_the_character() {
        let km = Keymap::default();
        assert_eq!(
            km.lookup(Context::Article, &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::GotoEnd)
        );
        assert_eq!(
            km.lookup(Context::Article, &ev(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Action::Redo)
        );
    }

    #[test]
    fn user_bindings_merge_over_defaults() {
        let user: UserKeymap = ron::from_str(r#"{ article: { "x": "tag", "j": "none" } }"#).unwrap();
        let km = Keymap::with_user(&user).unwrap();
        let none = KeyModifiers::NONE;
        assert_eq!(km.lookup(Context::Article, &ev(KeyCode::Char('x'), none)), Some(Action::Tag));
        assert_eq!(
            km.lookup(Context::Article, &ev(KeyCode::Char('t'), none)),
            Some(Action::Tag),
            "default kept"
        );
        assert_eq!(km.lookup(Context::Article, &ev(KeyCode::Char('j'), none)), None);
        assert_eq!(km.lookup(Context::Article, &ev(KeyCode::Down, none)), Some(Action::MoveDown));
        let bad: UserKeymap = ron::from_str(r#"{ article: { "x": "fly" } }"#).unwrap();
        assert!(Keymap::with_user(&bad).unwrap_err().contains("unknown action \"fly\""));
    }

    #[test]
    fn hints_give_the_first_key_in_the_context_or_else_a_global_one() {
        // Unbinding `t` (Tag's first key in the article) and binding `a`
        // to Tag moves its hint; `?` (Help) is bound globally only.
        let user: UserKeymap =
            ron::from_str(r#"{ article: { "t": "none", "a": "tag" }, sidebar: { "z": "help" } }"#).unwrap();
        for km in [Keymap::default(), Keymap::with_user(&user).unwrap()] {
            let keys = |ctx, a| km.keys_for(ctx, a).first().map(Key::to_string);
            for ctx in Context::ALL {
                for &a in Action::ALL {
                    let want = keys(ctx, a).or_else(|| keys(Context::Global, a));
                    assert_eq!(km.hint(ctx, a), want, "{ctx:?} {a:?}");
                }
            }
        }
        let km = Keymap::with_user(&user).unwrap();
        assert_eq!(km.hint(Context::Article, Action::Tag).as_deref(), Some("a"));
        assert_eq!(km.hint(Context::Sidebar, Action::Help).as_deref(), Some("z"));
        assert_eq!(km.hint(Context::Article, Action::Help).as_deref(), Some("?"));
    }

    #[test]
    fn hint_lines_are_made_once_per_list_from_the_keymap() {
        static TAGGING: &[(Hint, &str)] =
            &[(Hint::Bound(Context::Article, Action::Tag), "tag"), (Hint::Fixed("Esc"), "cancel")];
        static HELPING: &[(Hint, &str)] = &[(Hint::Bound(Context::Sidebar, Action::Help), "help")];
        let km = Keymap::default();
        for _ in 0..2 {
            assert_eq!(km.hint_line(TAGGING), "t tag  Esc cancel");
            assert_eq!(km.hint_line(HELPING), "? help");
        }
        let user: UserKeymap = ron::from_str(r#"{ article: { "t": "none", "a": "tag" } }"#).unwrap();
        let km = Keymap::with_user(&user).unwrap();
        assert_eq!(km.hint_line(TAGGING), "a tag  Esc cancel");
        assert_eq!(km.clone().hint_line(TAGGING), "a tag  Esc cancel");
        assert_eq!(km, Keymap::with_user(&user).unwrap(), "equal whatever hints each has made");
    }

    #[test]
    fn every_action_has_a_default_key() {
        let km = Keymap::default();
        let bound: Vec<Action> = km.bindings().into_iter().map(|(_, a, _)| a).collect();
        for a in Action::ALL {
            assert!(bound.contains(a), "{a:?} has no default key");
        }
    }
}
