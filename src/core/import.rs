//! Adding imported annotations to an annotation file: duplicates of what
//! is there are dropped (links to them follow the one kept), and kept brat
//! lines whose ids are taken get fresh ones.

use std::collections::{HashMap, HashSet};

use super::annotation::{Annotation, Kind, Speaker, sort};
use super::brat::{Field, Standoff};
use super::store::AnnotationFile;

/// What [`add`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    /// Annotations added.
    pub added: usize,
    /// Imported annotations already in the file (same kind, type and span).
    pub duplicates: usize,
    /// Of those, how many gave the one in the file a field it did not have
    /// (a status, note, source or speaker; what the file has is never replaced).
    pub filled: usize,
    /// brat lines kept for export.
    pub lines: usize,
}

/// What makes two annotations the same mark: kind, entity type and span.
#[derive(PartialEq, Eq, Hash)]
struct Identity<'a> {
    kind: &'static str,
    entity_type: Option<&'a str>,
    span: (usize, usize),
    fragments: &'a [(usize, usize)],
}

fn identity(a: &Annotation) -> Identity<'_> {
    Identity {
        kind: a.kind.name(),
        entity_type: a.kind.entity_type(),
        span: (a.start, a.end),
        fragments: a.fragments(),
    }
}

/// Add `annotations` and `standoff` (from one import) to `file`.
pub fn add(file: &mut AnnotationFile, annotations: Vec<Annotation>, mut standoff: Vec<Standoff>) -> Added {
    let existing: HashMap<_, usize> =
        file.annotations.iter().enumerate().map(|(i, a)| (identity(a), i)).collect();
    // Imported ids that duplicate an annotation already there: links follow that one.
    let mut twin_of: HashMap<String, String> = HashMap::new();
    let mut fresh = Vec::new();
    let mut twins = Vec::new();
    for a in annotations {
        match existing.get(&identity(&a)) {
            Some(&i) => {
                twin_of.insert(a.id.to_string(), file.annotations[i].id.to_string());
                twins.push((i, a));
            }
            None => fresh.push(a),
        }
    }
    let duplicates = twins.len();
    for a in fresh.iter_mut().chain(twins.iter_mut().map(|(_, a)| a)) {
        if let Kind::Quote { speaker: Some(Speaker::Entity(id)) } = &mut a.kind
            && let Some(kept) = twin_of.get(id)
        {
            *id = kept.clone();
        }
        if let Some(kept) = a.same_as().and_then(|id| twin_of.get(id)) {
            a.set_same_as(Some(kept.clone()));
        }
    }
    let filled = twins.into_iter().filter(|(i, a)| fill(&mut file.annotations[*i], a)).count();
    for line in &mut standoff {
        for f in &mut line.fields {
            if let Field::Annotation(_, id) = f
                && let Some(kept) = twin_of.get(id)
            {
                *id = kept.clone();
            }
        }
    }
    let (mut standoff, known) = drop_known(&file.standoff, standoff);
    let renamed = renumber(&file.standoff, &mut standoff);
    // A reference to a line dropped as known follows the line already there;
    // one to a renamed line, its new id (each decided on the id as imported).
    for line in &mut standoff {
        for f in &mut line.fields {
            if let Field::Line(_, id) = f
                && let Some(new) = known.get(id).or_else(|| renamed.get(id))
            {
                *id = new.clone();
            }
        }
    }
    let added = Added { added: fresh.len(), duplicates, filled, lines: standoff.len() };
    file.annotations.extend(fresh);
    sort(&mut file.annotations);
    file.standoff.extend(standoff);
    added
}

/// Give `to` the fields it lacks that `from` has; whether any was given.
fn fill(to: &mut Annotation, from: &Annotation) -> bool {
    let mut changed = false;
    if to.status == Default::default() && from.status != Default::default() {
        to.status = from.status.clone();
        changed = true;
    }
    if to.note().is_none() && from.note().is_some() {
        to.set_note(from.note().map(str::to_owned));
        changed = true;
    }
    if to.source().is_none() && from.source().is_some() {
        to.set_source(from.source().map(str::to_owned));
        changed = true;
    }
    if let (Kind::Quote { speaker: mine @ None }, Kind::Quote { speaker: Some(s) }) =
        (&mut to.kind, &from.kind)
    {
        *mine = Some(s.clone());
        changed = true;
    }
    changed
}

/// The letter of a line's id (`E` of `E12`; none for a hand-edited empty id).
fn letter(id: &str) -> Option<char> {
    id.chars().next()
}

/// `incoming` without the lines `existing` already has (the same words,
/// references and text under another id, as when the same file is imported
/// twice), its references as imported; and which incoming id is which line
/// already there.
fn drop_known(
    existing: &[Standoff],
    mut incoming: Vec<Standoff>,
) -> (Vec<Standoff>, HashMap<String, String>) {
    let mut same: HashMap<String, String> = HashMap::new();
    let follow = |line: &Standoff, same: &HashMap<String, String>| -> Standoff {
        let mut l = line.clone();
        for f in &mut l.fields {
            if let Field::Line(_, id) = f
                && let Some(kept) = same.get(id)
            {
                *id = kept.clone();
            }
        }
        l
    };
    loop {
        let before = incoming.len();
        incoming.retain(|line| {
            let l = follow(line, &same);
            let twin = existing
                .iter()
                .find(|e| letter(&e.id) == letter(&l.id) && e.fields == l.fields && e.text == l.text);
            if let Some(twin) = twin {
                same.insert(line.id.clone(), twin.id.clone());
            }
            twin.is_none()
        });
        if incoming.len() == before {
            return (incoming, same);
        }
    }
}

/// Give `incoming` lines whose ids `existing` uses the next free number of
/// their letter; the new id of each renamed one (references are the caller's).
fn renumber(existing: &[Standoff], incoming: &mut [Standoff]) -> HashMap<String, String> {
    let taken: HashSet<&str> = existing.iter().map(|l| l.id.as_str()).collect();
    let mut all: HashSet<String> = existing.iter().chain(incoming.iter()).map(|l| l.id.clone()).collect();
    let mut renamed: HashMap<String, String> = HashMap::new();
    for line in incoming.iter_mut() {
        if line.id == "*" || !taken.contains(line.id.as_str()) {
            continue;
        }
        let prefix = letter(&line.id).unwrap_or('X');
        let new = (1..).map(|n| format!("{prefix}{n}")).find(|id| !all.contains(id)).expect("a free id");
        all.insert(new.clone());
        renamed.insert(std::mem::replace(&mut line.id, new.clone()), new);
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::Stamp;
    use crate::core::numbers::NumberConvention;
    use crate::core::text::Article;
    use std::path::Path;

    fn brat(art: &Article, ann: &str) -> crate::core::brat::Imported {
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        crate::core::brat::import(art, ann, NumberConvention::CommaThousands, &stamp)
    }

    #[test]
    fn a_second_import_adds_only_what_is_new_and_keeps_ids_unique() {
        let art = Article::from_text("John said \"yes\" at home");
        let first = brat(&art, "T1\tPerson 0 4\tJohn\nT2\tQuote 10 15\t\"yes\"\nE1\tSay:T2 Agent:T1\n");
        let mut file = AnnotationFile::new(Path::new("a.txt"), &art, NumberConvention::CommaThousands);
        let one = add(&mut file, first.annotations, first.standoff);
        assert_eq!(one, Added { added: 2, duplicates: 0, filled: 0, lines: 1 });
        let john = file.annotations[0].id.to_string();
        let second = brat(
            &art,
            "T1\tPerson 0 4\tJohn\nT2\tQuote 10 15\t\"yes\"\nT3\tPlace 19 23\thome\nR1\tSpeaker Arg1:T2 Arg2:T1\nE1\tAt:T3 Agent:T1\nA1\tSure E1\n",
        );
        let two = add(&mut file, second.annotations, second.standoff);
        assert_eq!(two, Added { added: 1, duplicates: 2, filled: 1, lines: 2 });
        assert_eq!(file.annotations.len(), 3);
        assert_eq!(
            file.annotations[1].kind,
            Kind::Quote { speaker: Some(Speaker::Entity(john.clone())) },
            "the quote already there takes the speaker the import gives it"
        );
        let ids: Vec<&str> = file.standoff.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["E1", "E2", "A1"]);
        assert_eq!(file.standoff[1].fields[1], Field::Annotation(Some("Agent".into()), john));
        assert_eq!(file.standoff[2].fields[1], Field::Line(None, "E2".into()), "A1 follows E1's new id");
        let before = file.clone();
        let again = brat(
            &art,
            "T1\tPerson 0 4\tJohn\nT2\tQuote 10 15\t\"yes\"\nT3\tPlace 19 23\thome\nE1\tAt:T3 Agent:T1\nA1\tSure E1\nA2\tSure E1\n",
        );
        let three = add(&mut file, again.annotations, again.standoff);
        assert_eq!(
            three,
            Added { added: 0, duplicates: 3, filled: 0, lines: 0 },
            "the same lines again add nothing"
        );
        assert_eq!(file, before);
    }

    #[test]
    fn a_merge_keeps_references_to_the_line_already_there_apart_from_renamed_ones() {
        let art = Article::from_text("John went home");
        let mut file = AnnotationFile::new(Path::new("a.txt"), &art, NumberConvention::CommaThousands);
        let first =
            brat(&art, "T1\tPerson 0 4\tJohn\nT2\tPlace 10 14\thome\nE1\tGo:T1\nE2\tStay:T2\nE3\tRun:T1\n");
        add(&mut file, first.annotations, first.standoff);
        // Its E1 is the file's E3 ("Run"); its E3 ("Jump") is new and takes E4.
        let second =
            brat(&art, "T1\tPerson 0 4\tJohn\nT2\tPlace 10 14\thome\nE1\tRun:T1\nE3\tJump:T2\nA1\tSure E1\n");
        add(&mut file, second.annotations, second.standoff);
        let line = |id: &str| file.standoff.iter().find(|l| l.id == id).unwrap();
        assert!(matches!(&line("E4").fields[0], Field::Annotation(Some(r), _) if r == "Jump"));
        assert_eq!(line("A1").fields[1], Field::Line(None, "E3".into()), "Sure stays on Run");
    }

    #[test]
    fn a_merge_keeps_an_equivalence_to_an_entity_already_there() {
        let art = Article::from_text("John Smith met Smith at home.");
        let mut file = AnnotationFile::new(Path::new("a.txt"), &art, NumberConvention::CommaThousands);
        let first = brat(&art, "T1\tPerson 0 10\tJohn Smith\n");
        add(&mut file, first.annotations, first.standoff);
        let second = brat(&art, "T1\tPerson 0 10\tJohn Smith\nT2\tPerson 15 20\tSmith\n*\tEquiv T1 T2\n");
        add(&mut file, second.annotations, second.standoff);
        let john = file.annotations.iter().find(|a| a.exact == "John Smith").unwrap();
        let smith = file.annotations.iter().find(|a| a.exact == "Smith").unwrap();
        assert_eq!(smith.same_as(), Some(john.id.as_str()));
    }

    #[test]
    fn hand_edited_line_ids_do_not_break_a_merge() {
        let art = Article::from_text("John went home");
        let mut file = AnnotationFile::new(Path::new("a.txt"), &art, NumberConvention::CommaThousands);
        file.standoff = vec![
            Standoff { id: String::new(), fields: vec![Field::Word("X".into())], text: None },
            Standoff { id: "É1".into(), fields: vec![Field::Word("Y".into())], text: None },
        ];
        let incoming = brat(&art, "T1\tPerson 0 4\tJohn\nE1\tGo:T1\n");
        let added = add(&mut file, incoming.annotations, incoming.standoff);
        assert_eq!((added.added, added.lines), (1, 1));
    }
}
