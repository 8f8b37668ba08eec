//! What the sidebar lists and the article highlights: annotations of a
//! kind or entity type (or the mentions of one entity, or the quotes of one
//! speaker, picked in the index), of a review status, and matching a fuzzy
//! text over the quoted text, the note and the speaker.

use crate::core::annotation::{Annotation, Kind, Speaker, Status};

/// Which annotations, by what they are.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Scope {
    #[default]
    All,
    Quotes,
    Entities,
    /// Entities of one type.
    EntityType(String),
    Statistics,
    /// A set picked in the index (an entity's mentions, a speaker's quotes):
    /// their ids, sorted, and what to call them.
    Picked {
        ids: Vec<String>,
        label: String,
    },
}

/// The sidebar's filter; the default lets everything through.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub scope: Scope,
    pub status: Option<Status>,
    /// Words each found, in order, in the text, note or speaker (case
    /// ignored; the letters of a word need not be next to each other).
    pub text: String,
}

impl Filter {
    /// Whether it hides anything at all.
    pub fn is_active(&self) -> bool {
        *self != Filter::default()
    }

    /// Whether `a` passes; `speaker` names a quote's speaker
    /// ([`Document::speaker_name`](crate::core::document::Document::speaker_name)).
    pub fn passes(&self, a: &Annotation, speaker: impl Fn(&Speaker) -> String) -> bool {
        let scope = match &self.scope {
            Scope::All => true,
            Scope::Quotes => matches!(a.kind, Kind::Quote { .. }),
            Scope::Entities => matches!(a.kind, Kind::Entity(_)),
            Scope::EntityType(t) => a.kind.entity_type() == Some(t),
            Scope::Statistics => matches!(a.kind, Kind::Statistic { .. }),
            Scope::Picked { ids, .. } => ids.binary_search_by(|id| id.as_str().cmp(&a.id)).is_ok(),
        };
        scope && self.status.as_ref().is_none_or(|s| *s == a.status) && self.text_passes(a, speaker)
    }

    fn text_passes(&self, a: &Annotation, speaker: impl Fn(&Speaker) -> String) -> bool {
        if self.text.trim().is_empty() {
            return true;
        }
        let speaker = match &a.kind {
            Kind::Quote { speaker: Some(s) } => speaker(s),
            _ => String::new(),
        };
        let hay = format!("{} {} {speaker}", a.exact, a.note().unwrap_or(""));
        fuzzy(&self.text, &hay)
    }

    /// What the filter shows, for the sidebar's title: `quotes · Verified · "clegg"`.
    pub fn label(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match &self.scope {
            Scope::All => {}
            Scope::Quotes => parts.push("quotes".into()),
            Scope::Entities => parts.push("entities".into()),
            Scope::EntityType(t) => parts.push(t.clone()),
            Scope::Statistics => parts.push("statistics".into()),
            Scope::Picked { label, .. } => parts.push(label.clone()),
        }
        if let Some(s) = &self.status {
            parts.push(s.name().to_owned());
        }
        if !self.text.trim().is_empty() {
            parts.push(format!("\"{}\"", self.text.trim()));
        }
        parts.join(" · ")
    }
}

/// Whether every word of `needle` is found in `hay`, its characters in
/// order though not necessarily together (`clg` finds `Clegg`), case ignored.
pub fn fuzzy(needle: &str, hay: &str) -> bool {
    let hay: Vec<char> = hay.chars().flat_map(char::to_lowercase).collect();
    needle.split_whitespace().all(|word| {
        let mut rest = hay.iter();
        word.chars().flat_map(char::to_lowercase).all(|c| rest.any(|&h| h == c))
    })
}

/// The scope after `current` when cycling: everything, quotes, entities,
/// each entity type `all` uses, statistics, everything again.
pub fn next_scope(current: &Scope, all: &[Annotation]) -> Scope {
    let mut types: Vec<&str> = all.iter().filter_map(|a| a.kind.entity_type()).collect();
    types.sort_unstable();
    types.dedup();
    let mut cycle = vec![Scope::All, Scope::Quotes, Scope::Entities];
    cycle.extend(types.into_iter().map(|t| Scope::EntityType(t.to_owned())));
    cycle.push(Scope::Statistics);
    let at = cycle.iter().position(|s| s == current);
    at.map_or(Scope::All, |i| cycle[(i + 1) % cycle.len()].clone())
}

/// The review statuses in the order a key cycles them: the four built-in
/// ones, then `extra` (a schema's).
pub fn statuses(extra: &[String]) -> Vec<Status> {
    let mut out = vec![Status::Unreviewed, Status::Verified, Status::Disputed, Status::NeedsSource];
    out.extend(extra.iter().map(|s| Status::Other(s.clone())));
    out
}

/// The status after `s` in [`statuses`] (an unknown one goes back to the first).
pub fn next_status(s: &Status, extra: &[String]) -> Status {
    let all = statuses(extra);
    let at = all.iter().position(|x| x == s);
    at.map_or(Status::Unreviewed, |i| all[(i + 1) % all.len()].clone())
}

/// The status filter after `current`: none, then each status, then none.
pub fn next_status_filter(current: &Option<Status>, extra: &[String]) -> Option<Status> {
    let all = statuses(extra);
    match current {
        None => all.first().cloned(),
        Some(s) => all.iter().position(|x| x == s).and_then(|i| all.get(i + 1).cloned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::{Speaker, Stamp};
    use crate::core::export::speaker_name;
    use crate::core::text::Article;

    #[test]
    fn fuzzy_words_need_their_letters_in_order() {
        assert!(fuzzy("clg", "Nick Clegg"));
        assert!(fuzzy("NICK clegg", "Nick Clegg said"));
        assert!(!fuzzy("gelc", "Nick Clegg"));
        assert!(fuzzy("", "anything"));
        assert!(fuzzy("zuck", "Mark Zuckerberg"));
        assert!(fuzzy("şirket", "ŞİRKET"), "case folded beyond ASCII");
    }

    #[test]
    fn scope_status_and_text_combine() {
        let text = "Nick Clegg said \"no\" about 24 anak.";
        let art = Article::from_text(text);
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        let clegg = Annotation::new(&art, 0..10, Kind::Entity("Person".into()), &stamp);
        let mut quote = Annotation::new(
            &art,
            16..20,
            Kind::Quote { speaker: Some(Speaker::Entity(clegg.id.to_string())) },
            &stamp,
        );
        quote.status = Status::Verified;
        let stat = Annotation::new(&art, 27..34, Kind::Statistic { value: Some(24.0), unit: None }, &stamp);
        let all = vec![clegg, quote, stat];
        let shown = |f: &Filter| -> Vec<usize> {
            (0..3).filter(|&i| f.passes(&all[i], |s| speaker_name(s, &all))).collect()
        };
        assert_eq!(shown(&Filter::default()), [0, 1, 2]);
        let by_speaker = Filter { text: "clegg".into(), ..Filter::default() };
        assert_eq!(shown(&by_speaker), [0, 1], "the quote passes by its speaker's name");
        let verified_quotes =
            Filter { scope: Scope::Quotes, status: Some(Status::Verified), ..Filter::default() };
        assert_eq!(shown(&verified_quotes), [1]);
        assert_eq!(verified_quotes.label(), "quotes · Verified");
        let person = Filter { scope: Scope::EntityType("Person".into()), ..Filter::default() };
        assert_eq!(shown(&person), [0]);
        let mut cycle = vec![Scope::All];
        for _ in 0..5 {
            cycle.push(next_scope(cycle.last().unwrap(), &all));
        }
        assert_eq!(
            cycle,
            [
                Scope::All,
                Scope::Quotes,
                Scope::Entities,
                Scope::EntityType("Person".into()),
                Scope::Statistics,
                Scope::All
            ]
        );
        assert_eq!(next_status(&Status::NeedsSource, &[]), Status::Unreviewed);
        assert_eq!(next_status(&Status::NeedsSource, &["Checked".into()]), Status::Other("Checked".into()));
        assert_eq!(next_status_filter(&Some(Status::NeedsSource), &[]), None);
    }
}
