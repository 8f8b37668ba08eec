//! Three-way merge of annotation files, by annotation id.
//!
//! The annotation file can change on disk while marginote has it open (another
//! program, a `git pull`, a second marginote). Saving then must not overwrite
//! those changes: [`merge`] combines `base` (what was loaded or last saved),
//! `ours` (in memory) and `theirs` (on disk now) so that no annotation is lost:
//!
//! * additions from either side survive;
//! * a deletion on one side with no edit on the other deletes;
//! * an edit wins over a deletion (the edited annotation is kept, and reported);
//! * different edits of the same annotation keep both: ours keeps its id, and
//!   theirs' copy gets a new id (`<id>-theirs`), reported as a [`Conflict`];
//! * the same edit on both sides gives one copy and no conflict.
//!
//! The article meta and the format version come from ours unless only theirs
//! changed them. Annotations are matched by id; should a file hold the same id
//! twice, the n-th occurrence is matched with the n-th occurrence in the other
//! versions, so duplicates are never collapsed.
//!
//! The base is only ever compared, never copied into the result, so a
//! [`Base`] keeps a 128-bit fingerprint per annotation instead of the
//! annotations: an open book need not hold its annotation file twice.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use super::annotation::{Annotation, Kind, Speaker, Status, sort};
use super::store::{AnnotationFile, ArticleMeta};

/// What a merge needs of the base version: its format version, its article
/// meta, and a fingerprint of each annotation by (id, occurrence).
#[derive(Debug, Clone, PartialEq)]
pub struct Base {
    version: u32,
    article: ArticleMeta,
    /// (fingerprint of the key, fingerprint of the annotation), sorted.
    annotations: Vec<(u128, u128)>,
}

impl Base {
    /// The base that `file` is.
    pub fn of(file: &AnnotationFile) -> Base {
        let mut annotations: Vec<(u128, u128)> =
            occurrences(file).map(|(id, n, a)| (key_print(id, n), fingerprint(a))).collect();
        annotations.sort_unstable();
        Base { version: file.version, article: file.article.clone(), annotations }
    }

    /// A base with `file`'s version and meta and no annotations: what a file
    /// created since is merged against.
    pub fn empty_like(file: &AnnotationFile) -> Base {
        Base { version: file.version, article: file.article.clone(), annotations: Vec::new() }
    }

    /// The fingerprint of the annotation with this key, if the base has one.
    fn get(&self, key: &Key) -> Option<u128> {
        let k = key_print(&key.0, key.1);
        let i = self.annotations.partition_point(|(x, _)| *x < k);
        self.annotations.get(i).filter(|(x, _)| *x == k).map(|(_, f)| *f)
    }
}

/// Fields laid out as bytes by their `Hash` impls (strings end in `0xff`,
/// which UTF-8 never holds; lists start with their length), then hashed in
/// one go with the 128-bit XXH3: one call per annotation, not one per field.
struct Print(Vec<u8>);

impl Hasher for Print {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    /// Unused: [`Print::finish`] gives the 128 bits.
    fn finish(&self) -> u64 {
        self.print() as u64
    }
}

impl Print {
    fn new() -> Print {
        Print(Vec::with_capacity(256))
    }

    fn add(&mut self, x: impl Hash) {
        x.hash(self);
    }

    fn print(&self) -> u128 {
        xxhash_rust::xxh3::xxh3_128(&self.0)
    }
}

fn key_print(id: &str, n: usize) -> u128 {
    let mut p = Print::new();
    p.add((id, n));
    p.print()
}

/// A fingerprint of every field of `a` (destructured in full, so a new field
/// is a compile error here). Numbers compare by their bits: `0.0` and `-0.0`
/// differ, which at worst reports an edit that is none.
fn fingerprint(a: &Annotation) -> u128 {
    let Annotation { id, kind, start, end, exact, context, status, author, created, modified, more: _ } = a;
    let (fragments, same_as, note, source) = a.more_fields();
    let mut p = Print::new();
    p.add((id, start, end, fragments, same_as, exact, context.prefix(), context.suffix()));
    p.add((note, source, author, created, modified));
    match kind {
        Kind::Quote { speaker } => {
            p.add(0u8);
            match speaker {
                None => p.add(0u8),
                Some(Speaker::Entity(id)) => p.add((1u8, id)),
                Some(Speaker::Text(t)) => p.add((2u8, t)),
            }
        }
        Kind::Entity(t) => p.add((1u8, t)),
        Kind::Statistic { value, unit } => p.add((2u8, value.map(f64::to_bits), unit)),
    }
    match status {
        Status::Unreviewed => p.add(0u8),
        Status::Verified => p.add(1u8),
        Status::Disputed => p.add(2u8),
        Status::NeedsSource => p.add(3u8),
        Status::Other(s) => p.add((4u8, s)),
    }
    p.print()
}

/// The result of a merge.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The merged file, annotations in document order.
    pub file: AnnotationFile,
    /// What the user should be told about, in document order; the article meta last.
    pub conflicts: Vec<Conflict>,
}

/// Something the merge could not decide silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The annotation concerned (its id in ours); empty for the article meta.
    pub id: String,
    /// A sentence for humans: what happened and what was kept.
    pub note: String,
}

/// An annotation's identity within one version: its id and which occurrence of that id.
type Key = (String, usize);

/// Merge `ours` and `theirs`, both derived from `base`. See the module docs for the rules.
pub fn merge(base: &AnnotationFile, ours: &AnnotationFile, theirs: &AnnotationFile) -> Merged {
    merge_onto(&Base::of(base), ours, theirs)
}

/// [`merge`] with the base as a [`Base`].
pub fn merge_onto(base: &Base, ours: &AnnotationFile, theirs: &AnnotationFile) -> Merged {
    let (o, t) = (index(ours), index(theirs));
    // Ids a copy must not take: those of both sides. An id only the base
    // has was deleted on both sides, and is free again.
    let mut taken: HashSet<String> =
        [ours, theirs].iter().flat_map(|f| f.annotations.iter().map(|a| a.id.to_string())).collect();
    let mut annotations = Vec::new();
    let mut conflicts = Vec::new();
    for key in keys(ours, theirs) {
        let outcome = merge_one(base.get(&key), o.get(&key).copied(), t.get(&key).copied());
        apply(outcome, &mut taken, &mut annotations, &mut conflicts);
    }
    sort(&mut annotations);
    conflicts.sort_by_key(|c| annotations.iter().position(|a| a.id == c.id));
    let (file, meta_conflict) = merge_meta(base, ours, theirs, annotations);
    conflicts.extend(meta_conflict);
    Merged { file, conflicts }
}

/// What to do with one annotation.
#[derive(Debug, PartialEq)]
enum Outcome<'a> {
    /// Keep this one, silently.
    Keep(&'a Annotation),
    /// Keep this one and tell the user why.
    KeepReported(&'a Annotation, String),
    /// Keep ours, and theirs under a new id; tell the user.
    KeepBoth { ours: &'a Annotation, theirs: &'a Annotation, why: &'static str },
    /// Gone from the result.
    Drop,
}

/// One annotation's outcome; `base` is its fingerprint in the base.
fn merge_one<'a>(
    base: Option<u128>,
    ours: Option<&'a Annotation>,
    theirs: Option<&'a Annotation>,
) -> Outcome<'a> {
    let unchanged = |a: &Annotation| base == Some(fingerprint(a));
    match (base, ours, theirs) {
        (_, Some(o), Some(t)) if o == t => Outcome::Keep(o),
        (Some(_), Some(o), Some(t)) if unchanged(o) => Outcome::Keep(t),
        (Some(_), Some(o), Some(t)) if unchanged(t) => Outcome::Keep(o),
        (Some(_), Some(o), Some(t)) => Outcome::KeepBoth { ours: o, theirs: t, why: "edited" },
        (None, Some(o), Some(t)) => Outcome::KeepBoth { ours: o, theirs: t, why: "added" },
        (Some(_), None, Some(t)) if unchanged(t) => Outcome::Drop,
        (Some(_), Some(o), None) if unchanged(o) => Outcome::Drop,
        (Some(_), None, Some(t)) => Outcome::KeepReported(
            t,
            format!("{}: deleted here but edited on disk; kept the edited one", label(t)),
        ),
        (Some(_), Some(o), None) => Outcome::KeepReported(
            o,
            format!("{}: edited here but deleted on disk; kept the edited one", label(o)),
        ),
        (None, Some(a), None) | (None, None, Some(a)) => Outcome::Keep(a),
        (_, None, None) => Outcome::Drop,
    }
}

fn apply(
    outcome: Outcome<'_>,
    taken: &mut HashSet<String>,
    annotations: &mut Vec<Annotation>,
    conflicts: &mut Vec<Conflict>,
) {
    match outcome {
        Outcome::Keep(a) => annotations.push(a.clone()),
        Outcome::KeepReported(a, note) => {
            conflicts.push(Conflict { id: a.id.to_string(), note });
            annotations.push(a.clone());
        }
        Outcome::KeepBoth { ours, theirs, why } => {
            let mut copy = theirs.clone();
            copy.id = fresh_id(&theirs.id, taken).into();
            let note = format!(
                "{}: {why} both here and on disk, differently; kept both: this session's as {}, the one on disk as {}",
                label(ours),
                ours.id,
                copy.id
            );
            conflicts.push(Conflict { id: ours.id.to_string(), note });
            annotations.push(ours.clone());
            annotations.push(copy);
        }
        Outcome::Drop => {}
    }
}

/// `"Meta" (entity)`, for conflict notes.
fn label(a: &Annotation) -> String {
    let mut exact: String = a.exact.chars().take(40).collect();
    if exact.len() < a.exact.len() {
        exact.push('…');
    }
    format!("{exact:?} ({})", a.kind.name())
}

/// `<id>-theirs`, or `<id>-theirs-2`, … when that is taken; the result is marked taken.
fn fresh_id(id: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = format!("{id}-theirs");
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{id}-theirs-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// Every annotation of `file` by (id, occurrence).
fn index(file: &AnnotationFile) -> HashMap<Key, &Annotation> {
    occurrences(file).map(|(id, n, a)| ((id.to_owned(), n), a)).collect()
}

/// Every annotation of `file` with its key: its id, and how many before it had that id.
fn occurrences(file: &AnnotationFile) -> impl Iterator<Item = (&str, usize, &Annotation)> {
    // Room for every id at once: growing rehashed each id about twice.
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(file.annotations.len());
    file.annotations.iter().map(move |a| {
        let n = seen.entry(&a.id).or_default();
        *n += 1;
        (a.id.as_str(), *n - 1, a)
    })
}

/// The keys of ours, then those only in theirs, each once. Keys only in base
/// were deleted on both sides and need no visit.
fn keys(ours: &AnnotationFile, theirs: &AnnotationFile) -> Vec<Key> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for file in [ours, theirs] {
        for (id, n, _) in occurrences(file) {
            if seen.insert((id, n)) {
                out.push((id.to_owned(), n));
            }
        }
    }
    out
}

/// The result's version and article meta: ours, unless only theirs changed them.
fn merge_meta(
    base: &Base,
    ours: &AnnotationFile,
    theirs: &AnnotationFile,
    annotations: Vec<Annotation>,
) -> (AnnotationFile, Option<Conflict>) {
    let article_from_theirs = ours.article == base.article && theirs.article != base.article;
    let version_from_theirs = ours.version == base.version && theirs.version != base.version;
    let both_changed = ours.article != base.article && theirs.article != base.article;
    let conflict = (both_changed && ours.article != theirs.article).then(|| Conflict {
        id: String::new(),
        note: "the article details (file, checksum or number convention) changed both here and on disk; \
                   kept this session's"
            .into(),
    });
    // Suggestions turned down on either side stay turned down.
    let mut rejected = ours.rejected.clone();
    rejected.extend(theirs.rejected.iter().filter(|r| !ours.rejected.contains(r)).cloned());
    // Kept brat lines: those of this session, then any only on disk.
    let mut standoff = ours.standoff.clone();
    standoff.extend(theirs.standoff.iter().filter(|l| !ours.standoff.contains(l)).cloned());
    let file = AnnotationFile {
        version: if version_from_theirs { theirs.version } else { ours.version },
        article: if article_from_theirs { theirs.article.clone() } else { ours.article.clone() },
        rejected,
        standoff,
        annotations,
    };
    (file, conflict)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::core::annotation::{Context, Kind, Stamp, Status};
    use crate::core::numbers::NumberConvention;
    use crate::core::text::Article;

    const TEXT: &str = "Meta and Facebook met Siti Rahma in Jakarta on Monday.";

    fn article() -> Article {
        Article::from_text(TEXT)
    }

    fn ann(id: &str, word: &str) -> Annotation {
        let stamp = Stamp { author: "t".into(), now: "2026-01-01T00:00:00Z".into() };
        let s = TEXT.find(word).unwrap();
        let mut a = Annotation::new(&article(), s..s + word.len(), Kind::Entity("Other".into()), &stamp);
        a.id = id.into();
        a
    }

    fn edited(a: &Annotation, note: &str) -> Annotation {
        let mut a = a.clone();
        a.set_note(Some(note.into()));
        a.modified = "2026-01-02T00:00:00Z".into();
        a
    }

    fn file(list: &[&Annotation]) -> AnnotationFile {
        let mut f = AnnotationFile::new(Path::new("a.txt"), &article(), NumberConvention::CommaThousands);
        f.annotations = list.iter().map(|a| (*a).clone()).collect();
        sort(&mut f.annotations);
        f
    }

    fn ids(m: &Merged) -> Vec<&str> {
        m.file.annotations.iter().map(|a| a.id.as_str()).collect()
    }

    #[test]
    fn additions_from_both_sides_survive_in_document_order() {
        let (meta, siti, jakarta) = (ann("m", "Meta"), ann("s", "Siti"), ann("j", "Jakarta"));
        let base = file(&[&siti]);
        let m = merge(&base, &file(&[&siti, &jakarta]), &file(&[&meta, &siti]));
        assert_eq!(ids(&m), ["m", "s", "j"]);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn an_unedited_annotation_deleted_on_either_side_is_deleted() {
        let (meta, siti) = (ann("m", "Meta"), ann("s", "Siti"));
        let base = file(&[&meta, &siti]);
        let m = merge(&base, &file(&[&siti]), &base);
        assert_eq!(ids(&m), ["s"]);
        let m = merge(&base, &base, &file(&[&meta]));
        assert_eq!(ids(&m), ["m"]);
        let m = merge(&base, &file(&[&meta]), &file(&[&siti]));
        assert!(ids(&m).is_empty(), "both deleted one each");
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn an_edit_wins_over_a_delete_and_is_reported() {
        let meta = ann("m", "Meta");
        let base = file(&[&meta]);
        let ours_edit = edited(&meta, "ours");
        let m = merge(&base, &file(&[&ours_edit]), &file(&[]));
        assert_eq!(m.file.annotations, [ours_edit]);
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].id, "m");
        assert!(m.conflicts[0].note.contains("deleted on disk"), "{}", m.conflicts[0].note);

        let theirs_edit = edited(&meta, "theirs");
        let m = merge(&base, &file(&[]), &file(&[&theirs_edit]));
        assert_eq!(m.file.annotations, [theirs_edit]);
        assert!(m.conflicts[0].note.contains("deleted here but edited on disk"), "{:?}", m.conflicts);
    }

    #[test]
    fn an_edit_on_one_side_is_taken() {
        let (meta, siti) = (ann("m", "Meta"), ann("s", "Siti"));
        let base = file(&[&meta, &siti]);
        let (m2, s2) = (edited(&meta, "ours"), edited(&siti, "theirs"));
        let m = merge(&base, &file(&[&m2, &siti]), &file(&[&meta, &s2]));
        assert_eq!(m.file.annotations, [m2, s2]);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn different_edits_keep_both_and_report_a_conflict() {
        let meta = ann("m", "Meta");
        let base = file(&[&meta]);
        let (ours, theirs) = (edited(&meta, "ours"), edited(&meta, "theirs"));
        let m = merge(&base, &file(&[&ours]), &file(&[&theirs]));
        assert_eq!(ids(&m), ["m", "m-theirs"]);
        assert_eq!(m.file.annotations[0], ours);
        assert_eq!(m.file.annotations[1].note(), Some("theirs"));
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].id, "m");
        assert!(m.conflicts[0].note.contains("\"Meta\" (entity)"), "{}", m.conflicts[0].note);
        assert!(m.conflicts[0].note.contains("m-theirs"), "{}", m.conflicts[0].note);
    }

    #[test]
    fn the_new_id_does_not_clash_with_an_existing_one() {
        let meta = ann("m", "Meta");
        let taken = ann("m-theirs", "Siti");
        let base = file(&[&meta, &taken]);
        let (ours, theirs) = (edited(&meta, "ours"), edited(&meta, "theirs"));
        let m = merge(&base, &file(&[&ours, &taken]), &file(&[&theirs, &taken]));
        assert_eq!(ids(&m), ["m", "m-theirs-2", "m-theirs"]);
    }

    #[test]
    fn the_same_id_added_on_both_sides_differently_keeps_both() {
        let (ours, theirs) = (ann("x", "Meta"), ann("x", "Jakarta"));
        let m = merge(&file(&[]), &file(&[&ours]), &file(&[&theirs]));
        assert_eq!(ids(&m), ["x", "x-theirs"]);
        assert!(m.conflicts[0].note.contains("added both"), "{}", m.conflicts[0].note);
    }

    #[test]
    fn the_same_edit_on_both_sides_gives_one_copy() {
        let meta = ann("m", "Meta");
        let both = edited(&meta, "same");
        let m = merge(&file(&[&meta]), &file(&[&both]), &file(&[&both]));
        assert_eq!(m.file.annotations, [both]);
        assert!(m.conflicts.is_empty());
        let new = ann("n", "Monday");
        let m = merge(&file(&[]), &file(&[&new]), &file(&[&new]));
        assert_eq!(ids(&m), ["n"], "the same addition on both sides");
    }

    #[test]
    fn duplicate_ids_are_never_collapsed() {
        let (a, b) = (ann("d", "Meta"), ann("d", "Siti"));
        let base = file(&[&a, &b]);
        let m = merge(&base, &base, &base);
        assert_eq!(m.file.annotations.len(), 2);
    }

    #[test]
    fn article_meta_comes_from_ours_unless_only_theirs_changed_it() {
        let base = file(&[]);
        let mut changed = base.clone();
        changed.article.numbers = NumberConvention::DotThousands;
        let m = merge(&base, &base, &changed);
        assert_eq!(m.file.article.numbers, NumberConvention::DotThousands, "only theirs changed");
        let m = merge(&base, &changed, &base);
        assert_eq!(m.file.article.numbers, NumberConvention::DotThousands, "only ours changed");
        let mut other = base.clone();
        other.article.sha256 = "other".into();
        let m = merge(&base, &changed, &other);
        assert_eq!(m.file.article, changed.article, "both changed: ours");
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].id, "");
        assert!(m.conflicts.iter().all(|c| !c.note.is_empty()));
    }

    #[test]
    fn an_unchanged_merge_is_the_identity() {
        let mut meta = ann("m", "Meta");
        meta.status = Status::Verified;
        let base = file(&[&meta, &ann("s", "Siti")]);
        assert_eq!(merge(&base, &base, &base), Merged { file: base.clone(), conflicts: vec![] });
    }

    #[test]
    fn the_base_fingerprint_sees_an_edit_of_every_field() {
        let a = ann("m", "Meta");
        type Edit = fn(&mut Annotation);
        let edits: Vec<(&str, Edit)> = vec![
            ("kind", |a| a.kind = Kind::Entity("Person".into())),
            ("speaker", |a| a.kind = Kind::Quote { speaker: Some(Speaker::Text("x".into())) }),
            ("value", |a| a.kind = Kind::Statistic { value: Some(-0.0), unit: None }),
            ("unit", |a| a.kind = Kind::Statistic { value: Some(0.0), unit: Some("%".into()) }),
            ("start", |a| a.start += 1),
            ("end", |a| a.end += 1),
            ("fragments", |a| a.set_fragments(vec![(0, 1)])),
            ("same_as", |a| a.set_same_as(Some("s".into()))),
            ("exact", |a| a.exact.push('x')),
            ("prefix", |a| a.context = Context::new(&format!("{}x", a.prefix()), a.suffix())),
            ("suffix", |a| a.context = Context::new(a.prefix(), &format!("{}x", a.suffix()))),
            ("context split elsewhere", |a| {
                let both = format!("{}{}", a.prefix(), a.suffix());
                a.context = Context::new(&both[..1], &both[1..]);
            }),
            ("note", |a| a.set_note(Some(String::new()))),
            ("source", |a| a.set_source(Some(String::new()))),
            ("status", |a| a.status = Status::Other("Verified".into())),
            ("author", |a| a.author.push('x')),
            ("created", |a| a.created.push('x')),
            ("modified", |a| a.modified.push('x')),
        ];
        let mut prints = vec![fingerprint(&a)];
        for (field, edit) in edits {
            let mut e = a.clone();
            edit(&mut e);
            prints.push(fingerprint(&e));
            // Edited here, untouched on disk: a base that missed the edit
            // would take the disk's copy and lose it.
            let m = merge(&file(&[&a]), &file(&[&e]), &file(&[&a]));
            assert_eq!(m.file.annotations, [e.clone()], "{field}");
            let m = merge(&file(&[&a]), &file(&[&a]), &file(&[&e]));
            assert_eq!(m.file.annotations, [e], "{field}");
        }
        let n = prints.len();
        prints.sort_unstable();
        prints.dedup();
        assert_eq!(prints.len(), n, "every edit its own fingerprint");
        assert_eq!(fingerprint(&a.clone()), fingerprint(&a), "a copy is the same");
    }

    #[test]
    fn a_base_matches_the_nth_copy_of_an_id_with_the_nth() {
        let (first, second) = (ann("d", "Meta"), ann("d", "Siti"));
        let base = file(&[&first, &second]);
        let moved = edited(&second, "x");
        let m = merge(&base, &file(&[&first, &moved]), &base);
        assert_eq!(m.file.annotations, [first, moved]);
        assert!(m.conflicts.is_empty());
    }
}
