//! The vocabulary of everything a user can do. Keys map to actions (see
//! `keymap`), the help screen lists them, and the user's keymap file names
//! them by their snake_case names.

use serde::{Deserialize, Serialize};

/// Where a key binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    /// Everywhere except while typing text.
    Global,
    /// The article pane (reading and selecting).
    Article,
    /// The annotation sidebar.
    Sidebar,
    /// The tag menu opened with `t`.
    TagMenu,
    /// Going through suggestions (after `x`).
    Suggestion,
}

impl Context {
    /// All contexts, in help-screen order.
    pub const ALL: [Context; 5] =
        [Context::Global, Context::Article, Context::Sidebar, Context::TagMenu, Context::Suggestion];

    /// The name used in the keymap file.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Article => "article",
            Context::Sidebar => "sidebar",
            Context::TagMenu => "tag_menu",
            Context::Suggestion => "suggestion",
        }
    }

    /// The heading on the help screen.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Article => "Article",
            Context::Sidebar => "Sidebar (an annotation is selected)",
            Context::TagMenu => "Tag menu (after t)",
            Context::Suggestion => "Suggestions (after x)",
        }
    }
}

macro_rules! actions {
    ($($variant:ident => $name:literal, $desc:literal;)*) => {
        /// Something the user can do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action { $($variant,)* }

        impl Action {
            /// Every action, in help-screen order.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The snake_case name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// One line for the help screen.
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $desc,)* }
            }

            /// The action called `name`.
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    Help => "help", "show this help";
    Quit => "quit", "save and quit";
    Save => "save", "save now (changes save automatically)";
    Redraw => "redraw", "draw the whole screen again";
    SaveAs => "save_as", "write the annotations to another file";
    Undo => "undo", "undo the last change to the annotations";
    Redo => "redo", "redo";
    FocusNext => "focus_next", "switch between the article and the sidebar";
    Review => "review", "review annotations after the article changed";
    Reattach => "reattach", "move the annotation being re-attached to the selection";
    ToggleNumbers => "toggle_numbers", "number convention: 1,234.5 or 1.234,5";
    MoveLeft => "move_left", "cursor left";
    MoveRight => "move_right", "cursor right";
    MoveUp => "move_up", "cursor up a row";
    MoveDown => "move_down", "cursor down a row";
    WordForward => "word_forward", "next word";
    WordBackward => "word_backward", "previous word";
    WordEnd => "word_end", "end of word";
    SentenceForward => "sentence_forward", "next sentence";
    SentenceBackward => "sentence_backward", "previous sentence";
    ParagraphForward => "paragraph_forward", "next paragraph";
    ParagraphBackward => "paragraph_backward", "previous paragraph";
    LineStart => "line_start", "start of the line";
    LineEnd => "line_end", "end of the line";
    PageDown => "page_down", "page down";
    PageUp => "page_up", "page up";
    ScrollDown => "scroll_down", "scroll down a row";
    ScrollUp => "scroll_up", "scroll up a row";
    GotoStart => "goto_start", "start of the article";
    GotoEnd => "goto_end", "end of the article";
    NextAnnotation => "next_annotation", "next annotation";
    PrevAnnotation => "prev_annotation", "previous annotation";
    Search => "search", "search forward (smart case, accents as typed or composed)";
    SearchNext => "search_next", "next match";
    SearchPrev => "search_prev", "previous match";
    Select => "select", "start a selection at the cursor (motions extend it)";
    Cancel => "cancel", "cancel the selection";
    Tag => "tag", "tag the selection (or re-tag the selected annotation)";
    SidebarDown => "sidebar_down", "next annotation in the list";
    SidebarUp => "sidebar_up", "previous annotation in the list";
    SidebarFirst => "sidebar_first", "first annotation";
    SidebarLast => "sidebar_last", "last annotation";
    Jump => "jump", "show the annotation in the article";
    Delete => "delete", "delete the annotation";
    EditNote => "edit_note", "add or edit a note";
    EditSpeaker => "edit_speaker", "set or change a quote's speaker";
    EditValue => "edit_value", "correct a statistic's value and unit, or an entity's type";
    EditSource => "edit_source", "add or edit a source";
    GrowStart => "grow_start", "move the start one word left";
    ShrinkStart => "shrink_start", "move the start one word right";
    GrowEnd => "grow_end", "move the end one word right";
    ShrinkEnd => "shrink_end", "move the end one word left";
    TagQuote => "tag_quote", "quote (then pick the speaker)";
    TagPerson => "tag_person", "person";
    TagOrganization => "tag_organization", "organisation";
    TagPlace => "tag_place", "place";
    TagOther => "tag_other", "other entity";
    TagStatistic => "tag_statistic", "statistic";
    NextSuggestion => "next_suggestion", "go to the next suggestion (quotes, names and numbers found in the text)";
    AcceptSuggestion => "accept_suggestion", "accept the suggestion as an annotation";
    AcceptAllSame => "accept_all_same", "accept every suggestion of this text and kind";
    RejectSuggestion => "reject_suggestion", "turn this suggestion down (it is not suggested here again)";
    RejectAllSame => "reject_all_same", "turn this text down as this kind everywhere";
    SkipSuggestion => "skip_suggestion", "leave it for now and go to the next one";
    AnnotateAll => "annotate_all", "suggest the selected annotation at every other occurrence of its text";
    CycleStatus => "cycle_status", "review status: unreviewed, verified, disputed, needs source (and the schema's)";
    FilterKind => "filter_kind", "list only quotes, entities, one entity type or statistics (again: the next)";
    FilterStatus => "filter_status", "list only one review status (again: the next)";
    FilterText => "filter_text", "list only annotations whose text, note or speaker match (fuzzy)";
    ClearFilter => "clear_filter", "list every annotation again";
    EntityIndex => "entity_index", "the index: each entity with its mentions, the quotes of each speaker";
    LinkEntity => "link_entity", "link the selected entity to another as the same one (again: unlink)";
    MarkReviewed => "mark_reviewed", "mark the article reviewed up to the cursor (again at the mark: remove it)";
    GotoReviewed => "goto_reviewed", "go to the reviewed-up-to-here mark";
    BackToList => "back_to_list", "save and go back to the folder's list (when marginote opened a folder)";
}

impl Action {
    /// Whether the action changes the annotations (refused while they are
    /// being re-anchored).
    pub fn changes_annotations(self) -> bool {
        use Action::*;
        matches!(
            self,
            Undo | Redo
                | Review
                | Reattach
                | ToggleNumbers
                | Tag
                | Delete
                | EditNote
                | EditSpeaker
                | EditValue
                | EditSource
                | GrowStart
                | ShrinkStart
                | GrowEnd
                | ShrinkEnd
                | TagQuote
                | TagPerson
                | TagOrganization
                | TagPlace
                | TagOther
                | TagStatistic
                | AcceptSuggestion
                | AcceptAllSame
                | RejectSuggestion
                | RejectAllSame
                | CycleStatus
                | LinkEntity
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for &a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert_eq!(ron::to_string(&a).unwrap(), a.name(), "serde and name() agree for {a:?}");
            assert_eq!(ron::from_str::<Action>(a.name()).unwrap(), a);
        }
    }
}
