//! Indexes over the annotations of a file: every entity's mentions under one
//! name (the same type and the same text, case-folded and with white space
//! collapsed), and the quotes of each speaker. The TUI's index view and the
//! Markdown report both read them.

use std::collections::HashMap;

use super::annotation::{Annotation, Kind};

/// Case-folded, white space collapsed: the key two spellings of a name share.
pub fn normalise(s: &str) -> String {
    collapse(s).to_lowercase()
}

/// White space runs folded into one space, ends trimmed.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The marked text: the fragments of a discontinuous span joined by one
/// space (cut from `exact`, which holds the whole span), else `exact`.
pub fn marked_text(a: &Annotation) -> String {
    if a.fragments().is_empty() || a.exact.chars().count() != a.end.saturating_sub(a.start) {
        return a.exact.to_string();
    }
    let pieces: Vec<String> = a
        .fragments()
        .iter()
        .map(|&(s, e)| {
            let skip = s.saturating_sub(a.start);
            a.exact.chars().skip(skip).take(e.saturating_sub(s.max(a.start))).collect()
        })
        .collect();
    pieces.join(" ")
}

/// One entity and all its mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityGroup {
    /// The entity type.
    pub entity_type: String,
    /// The most frequent spelling (the first one on a tie), white space collapsed.
    pub spelling: String,
    /// The other spellings, in order of first mention.
    pub others: Vec<String>,
    /// Indexes of the mentions in the list, in document order.
    pub members: Vec<usize>,
}

/// The entities of `all`, most mentioned first, then by name.
pub fn entity_groups(all: &[Annotation]) -> Vec<EntityGroup> {
    // Per (type, key): the spellings with their counts, and the members.
    struct Draft {
        entity_type: String,
        key: String,
        spellings: Vec<(String, usize)>,
        members: Vec<usize>,
    }
    let mut groups: Vec<Draft> = Vec::new();
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    for (i, a) in all.iter().enumerate() {
        let Some(t) = a.kind.entity_type() else { continue };
        let spelling = collapse(&marked_text(a));
        let key = normalise(&spelling);
        let g = *at.entry((t.to_owned(), key.clone())).or_insert_with(|| {
            groups.push(Draft { entity_type: t.to_owned(), key, spellings: Vec::new(), members: Vec::new() });
            groups.len() - 1
        });
        let Draft { spellings, members, .. } = &mut groups[g];
        members.push(i);
        match spellings.iter_mut().find(|(s, _)| *s == spelling) {
            Some((_, n)) => *n += 1,
            None => spellings.push((spelling, 1)),
        }
    }
    // Groups the user linked (an entity `same_as` another) become one: the
    // group of the linked-to entity takes in the other.
    let group_of: HashMap<usize, usize> =
        groups.iter().enumerate().flat_map(|(g, d)| d.members.iter().map(move |&i| (i, g))).collect();
    let by_id: HashMap<&str, usize> = all.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let mut parent: Vec<usize> = (0..groups.len()).collect();
    fn root(parent: &mut [usize], mut g: usize) -> usize {
        while parent[g] != g {
            parent[g] = parent[parent[g]];
            g = parent[g];
        }
        g
    }
    for (i, a) in all.iter().enumerate() {
        let (Some(&from), Some(to)) = (group_of.get(&i), a.same_as().and_then(|id| by_id.get(id))) else {
            continue;
        };
        let Some(&to) = group_of.get(to) else { continue };
        let (rf, rt) = (root(&mut parent, from), root(&mut parent, to));
        if rf != rt {
            parent[rf] = rt;
        }
    }
    let mut merged: Vec<Draft> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for (g, d) in groups.into_iter().enumerate() {
        let r = root(&mut parent, g);
        match slot.get(&r) {
            None => {
                slot.insert(r, merged.len());
                merged.push(d);
            }
            Some(&k) => {
                let m = &mut merged[k];
                m.members.extend(d.members);
                for (s, n) in d.spellings {
                    match m.spellings.iter_mut().find(|(t, _)| *t == s) {
                        Some((_, c)) => *c += n,
                        None => m.spellings.push((s, n)),
                    }
                }
            }
        }
    }
    let mut out: Vec<(String, EntityGroup)> = merged
        .into_iter()
        .map(|Draft { entity_type, key, spellings, mut members }| {
            members.sort_unstable();
            let top = spellings
                .iter()
                .enumerate()
                .max_by_key(|(i, (_, n))| (*n, usize::MAX - i))
                .map_or(0, |p| p.0);
            let spelling = spellings[top].0.clone();
            let others = spellings.into_iter().map(|(s, _)| s).filter(|s| *s != spelling).collect();
            (key, EntityGroup { entity_type, spelling, others, members })
        })
        .collect();
    out.sort_by(|(ka, a), (kb, b)| b.members.len().cmp(&a.members.len()).then_with(|| ka.cmp(kb)));
    out.into_iter().map(|(_, g)| g).collect()
}

/// The quotes of one speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerGroup {
    /// The speaker's name as first written; `None`: quotes without a speaker.
    pub name: Option<String>,
    /// Indexes of the quotes in the list, in document order.
    pub members: Vec<usize>,
}

/// The quotes of `all` grouped by speaker (a linked entity and free text of
/// the same name are one speaker), in order of first quote, those without
/// a speaker last.
pub fn speaker_groups(all: &[Annotation]) -> Vec<SpeakerGroup> {
    let mut groups: Vec<SpeakerGroup> = Vec::new();
    let mut at: HashMap<Option<String>, usize> = HashMap::new();
    // Entity speakers by id: a scan per quote would grow with the square of
    // the list (this runs at every frame of the index view).
    // (The first of a repeated id, as a scan would find.)
    let mut by_id: HashMap<&str, &Annotation> = HashMap::new();
    for a in all {
        by_id.entry(a.id.as_str()).or_insert(a);
    }
    for (i, a) in all.iter().enumerate() {
        let Kind::Quote { speaker } = &a.kind else { continue };
        let name = speaker.as_ref().map(|s| collapse(&s.name(|id| by_id.get(id).copied())));
        let g = *at.entry(name.as_deref().map(normalise)).or_insert_with(|| {
            groups.push(SpeakerGroup { name, members: Vec::new() });
            groups.len() - 1
        });
        groups[g].members.push(i);
    }
    groups.sort_by_key(|g| g.name.is_none());
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::{Speaker, Stamp};
    use crate::core::text::Article;

    #[test]
    fn mentions_group_by_type_and_folded_text_and_quotes_by_speaker() {
        let text = "Meta said. META  agreed; meta again. Meta (the place). \"A\" \"B\" \"C\"";
        let art = Article::from_text(text);
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        let at = |s: &str, n: usize| {
            let b = text.match_indices(s).nth(n).unwrap().0;
            b..b + s.len()
        };
        let mut all = vec![
            Annotation::new(&art, at("Meta", 0), Kind::Entity("Organization".into()), &stamp),
            Annotation::new(
                &art,
                at("META  agreed", 0).start..at("META", 0).end,
                Kind::Entity("Organization".into()),
                &stamp,
            ),
            Annotation::new(&art, at("meta", 0), Kind::Entity("Organization".into()), &stamp),
            Annotation::new(&art, at("Meta", 1), Kind::Entity("Place".into()), &stamp),
        ];
        let meta = all[0].id.to_string();
        all.push(Annotation::new(
            &art,
            at("\"A\"", 0),
            Kind::Quote { speaker: Some(Speaker::Entity(meta)) },
            &stamp,
        ));
        all.push(Annotation::new(&art, at("\"B\"", 0), Kind::Quote { speaker: None }, &stamp));
        all.push(Annotation::new(
            &art,
            at("\"C\"", 0),
            Kind::Quote { speaker: Some(Speaker::Text("meta".into())) },
            &stamp,
        ));
        let groups = entity_groups(&all);
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0].spelling.as_str(), groups[0].members.as_slice()), ("Meta", &[0, 1, 2][..]));
        assert_eq!(groups[0].others, ["META", "meta"]);
        assert_eq!((groups[1].entity_type.as_str(), groups[1].members.as_slice()), ("Place", &[3][..]));
        let speakers = speaker_groups(&all);
        assert_eq!(speakers.len(), 2, "the linked Meta and the free-text meta are one speaker");
        assert_eq!(
            (speakers[0].name.as_deref(), speakers[0].members.as_slice()),
            (Some("Meta"), &[4, 6][..])
        );
        assert_eq!((speakers[1].name.as_deref(), speakers[1].members.as_slice()), (None, &[5][..]));
    }

    #[test]
    fn entities_the_user_linked_count_as_one() {
        let text = "Nick Clegg spoke. Clegg left. Meta stayed. Nick Clegg returned.";
        let art = Article::from_text(text);
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        let at = |s: &str, n: usize| {
            let b = text.match_indices(s).nth(n).unwrap().0;
            b..b + s.len()
        };
        let person = || Kind::Entity("Person".into());
        let mut all = vec![
            Annotation::new(&art, at("Nick Clegg", 0), person(), &stamp),
            Annotation::new(&art, at("Clegg", 1), person(), &stamp),
            Annotation::new(&art, at("Meta", 0), Kind::Entity("Organization".into()), &stamp),
            Annotation::new(&art, at("Nick Clegg", 1), person(), &stamp),
        ];
        assert_eq!(entity_groups(&all).len(), 3);
        let target = all[3].id.to_string();
        all[1].set_same_as(Some(target));
        let groups = entity_groups(&all);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            (groups[0].spelling.as_str(), groups[0].members.as_slice()),
            ("Nick Clegg", &[0, 1, 3][..])
        );
        assert_eq!(groups[0].others, ["Clegg"]);
        all[1].set_same_as(Some("no such id".into()));
        assert_eq!(entity_groups(&all).len(), 3, "a link to nothing links nothing");
    }
}
