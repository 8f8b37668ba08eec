//! The suggestions still pending in a document: those the rules found
//! (kept as they were found, in the background) and the [`Mentions`] of
//! tagged texts (found where they are asked for), less what the annotations
//! and the turned-down list settle as they are now.
//!
//! Nothing here is kept up to date by hand: every question is answered
//! against the annotations of the moment, so an undo brings back what it
//! undoes. A book's suggestions are asked for a page, or the next few after
//! a place, at a time; only [`Counter`] goes through them all, on a thread
//! of its own.
//!
//! What a stretch around the page holds can be asked for ahead of time
//! ([`Pending::prepare`], at an idle moment): the next page drawn is then
//! taken from it instead of looked up while a key waits.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use super::annotation::Kind;
use super::document::Document;
use super::mentions::{self, Mentions};
use super::store::Rejected;
use super::suggest::{Suggestion, is_rejected};
use super::text::Article;

/// Where the pending suggestions come from, and what they have been
/// counted at.
#[derive(Debug, Clone)]
pub struct Pending {
    article: Arc<Article>,
    /// What the rules found, by (start, end); `None` until it arrives.
    found: Option<Arc<Found>>,
    /// Texts the user asked to find everywhere this session, with their kind.
    extra: Vec<(String, Arc<Kind>)>,
    mentions: Arc<Mentions>,
    settled: Arc<Settled>,
    /// The document's [`shape`](Document::shape) `mentions` and `settled`
    /// are for.
    doc_shape: u64,
    /// A fresh [`revision`](super::revision) whenever any of these changes.
    revision: u64,
    /// How many are pending, and the revision they were counted at.
    count: Option<(u64, usize)>,
    /// What [`Pending::prepare`] looked up ahead.
    window: Window,
}

/// The pending suggestions that reach into stretches of the text, for one
/// [`Pending::revision`]: one around the view, one at the start of the
/// text and one at its end (where `gg` and `G` go). A copy of a `Pending`
/// starts without them (a thread's copy has no page to draw).
#[derive(Debug, Default)]
struct Window(Mutex<[Option<Kept>; 3]>);

/// Which of a [`Window`]'s stretches.
#[derive(Debug, Clone, Copy)]
enum Stretch {
    View = 0,
    Start = 1,
    End = 2,
}

/// What a [`Window`] holds.
#[derive(Debug)]
struct Kept {
    revision: u64,
    covers: Range<usize>,
    list: Arc<[Suggestion]>,
}

impl Clone for Window {
    fn clone(&self) -> Window {
        Window::default()
    }
}

impl Window {
    /// A list kept for `revision` that covers `region`.
    fn covering(&self, revision: u64, region: &Range<usize>) -> Option<Arc<[Suggestion]>> {
        let kept = self.0.lock().ok()?;
        kept.iter().flatten().find_map(|Kept { revision: r, covers, list }| {
            (*r == revision && covers.start <= region.start && region.end <= covers.end)
                .then(|| Arc::clone(list))
        })
    }

    fn keep(&self, stretch: Stretch, revision: u64, covers: Range<usize>, list: Vec<Suggestion>) {
        if let Ok(mut kept) = self.0.lock() {
            kept[stretch as usize] = Some(Kept { revision, covers, list: list.into() });
        }
    }
}

/// Whether `s` reaches into `region` (an empty one at its start counts).
fn reaches(s: &Suggestion, region: &Range<usize>) -> bool {
    s.bytes().start < region.end && (s.bytes().end > region.start || s.bytes().start >= region.start)
}

/// What the rules found, in their order: 12 bytes a suggestion instead of
/// 16, the range and the kind's place in a table of the kinds (each
/// shared by many: a book's quotes of one speaker, its names of one type).
/// War and Peace has 32,000 of them, the 50 MB text half a million.
#[derive(Debug, Default)]
struct Found {
    /// (start, end, kind) of each, the kind as a place in `kinds`.
    list: Vec<(u32, u32, u32)>,
    kinds: Vec<Arc<Kind>>,
}

impl Found {
    /// `found` as they came (sorted by start), each kind once however many
    /// share it.
    fn of(found: Vec<Suggestion>) -> Found {
        let mut places: HashMap<*const Kind, u32> = HashMap::new();
        let mut out = Found { list: Vec::with_capacity(found.len()), kinds: Vec::new() };
        for s in &found {
            let place = *places.entry(Arc::as_ptr(&s.kind)).or_insert_with(|| {
                out.kinds.push(Arc::clone(&s.kind));
                out.kinds.len() as u32 - 1
            });
            out.list.push((s.bytes().start as u32, s.bytes().end as u32, place));
        }
        out.kinds.shrink_to_fit();
        out
    }

    fn get(&self, &(start, end, kind): &(u32, u32, u32)) -> Suggestion {
        Suggestion::new(start as usize..end as usize, Arc::clone(&self.kinds[kind as usize]))
    }

    /// Those that start in `starts`, in order.
    fn starting_in(&self, starts: Range<usize>) -> impl Iterator<Item = Suggestion> + '_ {
        let lo = self.list.partition_point(|s| (s.0 as usize) < starts.start);
        let hi = self.list.partition_point(|s| (s.0 as usize) < starts.end).max(lo);
        self.list[lo..hi].iter().map(|s| self.get(s))
    }

    /// Every one, in order.
    fn all(&self) -> impl Iterator<Item = Suggestion> + '_ {
        self.list.iter().map(|s| self.get(s))
    }

    /// Those whose range and kind `keep` takes, in order: made into
    /// suggestions only once taken (the 50 MB text has half a million).
    fn taken_by<'a>(
        &'a self,
        keep: impl Fn(Range<usize>, &Kind) -> bool + 'a,
    ) -> impl Iterator<Item = Suggestion> + 'a {
        self.list
            .iter()
            .filter(move |&&(start, end, kind)| {
                keep(start as usize..end as usize, &self.kinds[kind as usize])
            })
            .map(|s| self.get(s))
    }
}

/// The order suggestions go in: by start, then end, then kind.
pub type Key = (usize, usize, &'static str);

/// `s`'s place in the order.
pub fn key(s: &Suggestion) -> Key {
    (s.bytes().start, s.bytes().end, s.kind.name())
}

/// What the annotations cover and what was turned down, as code point
/// spans by start: a snapshot a thread can take.
#[derive(Debug, Clone)]
pub struct Settled {
    article: Arc<Article>,
    /// (start, end, [`kind_tag`]) of every annotation, by start, in code
    /// points: 12 bytes each, not 32 (20,000 annotations, a copy each
    /// time they change shape).
    spans: Vec<(u32, u32, u8)>,
    longest: usize,
    rejected: Vec<Rejected>,
}

impl Settled {
    fn of(doc: &Document) -> Settled {
        // An article's code points fit u32 (it is at most MAX_BYTES); an
        // offset past that (a hand-edited file) stays past every text, in
        // order, rather than wrapping onto one.
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let spans: Vec<(u32, u32, u8)> =
            doc.annotations().iter().map(|a| (at(a.start), at(a.end), kind_tag(&a.kind))).collect();
        let longest = spans.iter().map(|(s, e, _)| e.saturating_sub(*s) as usize).max().unwrap_or(0);
        Settled { article: Arc::clone(&doc.article), spans, longest, rejected: doc.file().rejected.clone() }
    }

    /// Whether `s` is neither annotated (an annotation of its kind overlaps
    /// it) nor turned down.
    pub fn open(&self, s: &Suggestion) -> bool {
        let art = &self.article;
        let cs = art.byte_to_char(s.bytes().start);
        self.open_at(s, cs)
    }

    /// Keep those of `list` (sorted by start) that are [open](Settled::open),
    /// finding where each starts in code points by counting on from the
    /// one before: a page has hundreds of suggestions.
    pub fn retain_open(&self, list: &mut Vec<Suggestion>) {
        let text = self.article.text();
        let (mut at, mut chars) = (usize::MAX, 0);
        list.retain(|s| {
            if at == usize::MAX || s.bytes().start < at || s.bytes().start - at > 4096 {
                (at, chars) = (s.bytes().start, self.article.byte_to_char(s.bytes().start));
            } else {
                chars += count_chars(&text[at..s.bytes().start]);
                at = s.bytes().start;
            }
            self.open_at(s, chars)
        });
    }

    /// [`Settled::open`] for `s` starting at code point `cs`.
    fn open_at(&self, s: &Suggestion, cs: usize) -> bool {
        let art = &self.article;
        let ce = cs + count_chars(&art.text()[s.bytes()]);
        let from = cs.saturating_sub(self.longest);
        let lo = self.spans.partition_point(|x| (x.0 as usize) < from);
        let hi = self.spans.partition_point(|x| x.0 as usize <= ce).max(lo);
        let tag = kind_tag(&s.kind);
        let taken =
            self.spans[lo..hi].iter().any(|&(a, b, k)| k == tag && (a as usize) < ce && cs < b as usize);
        !taken && !is_rejected(art, s, &self.rejected)
    }
}

/// Which of the three kinds `k` is, as a number.
fn kind_tag(k: &Kind) -> u8 {
    match k {
        Kind::Quote { .. } => 0,
        Kind::Entity(_) => 1,
        Kind::Statistic { .. } => 2,
    }
}

/// Code points in `s` (its bytes that do not continue one).
fn count_chars(s: &str) -> usize {
    s.bytes().filter(|&b| (b as i8) >= -0x40).count()
}

/// How far before a region a suggestion the rules found can start and
/// still reach into it (a long quote).
const FOUND_REACH: usize = 8 * 1024;

/// How much text the first look for the next suggestion covers; it doubles
/// until one is found.
const FIRST_WINDOW: usize = 16 * 1024;

impl Pending {
    /// Nothing found yet, and the mentions of `doc`'s tagged texts.
    pub fn new(doc: &Document) -> Pending {
        Pending {
            article: Arc::clone(&doc.article),
            found: None,
            extra: Vec::new(),
            mentions: Arc::new(Mentions::new(&mentions::patterns(doc.annotations(), &[]))),
            settled: Arc::new(Settled::of(doc)),
            doc_shape: doc.shape(),
            revision: super::revision::next(),
            count: None,
            window: Window::default(),
        }
    }

    /// Take what the rules found (for this article, by (start, end)).
    pub fn arrived(&mut self, found: Vec<Suggestion>) {
        self.found = Some(Arc::new(Found::of(found)));
        self.changed();
    }

    /// Whether what the rules found has arrived.
    pub fn is_found(&self) -> bool {
        self.found.is_some()
    }

    /// Follow `doc`'s annotations after a change (cheap when none).
    pub fn refresh(&mut self, doc: &Document) {
        // A status, a note or a source changes nothing pending (looking at
        // the tagged texts again took a third of such an edit's update with
        // 20,000 annotations).
        if doc.shape() != self.doc_shape {
            self.rebuild(doc);
        }
    }

    fn rebuild(&mut self, doc: &Document) {
        self.doc_shape = doc.shape();
        self.settled = Arc::new(Settled::of(doc));
        let patterns = mentions::patterns(doc.annotations(), &self.extra);
        if !self.mentions.is_for(&patterns) {
            self.mentions = Arc::new(Mentions::new(&patterns));
        }
        self.changed();
    }

    fn changed(&mut self) {
        self.revision = super::revision::next();
    }

    /// A fresh number whenever what is pending may have changed.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Suggest `kind` at every whole-word occurrence of `exact` from now on
    /// (this session).
    pub fn find_everywhere(&mut self, doc: &Document, exact: &str, kind: Arc<Kind>) {
        if exact.trim().is_empty() || self.mentions.covers(exact, &kind) {
            return;
        }
        self.extra.push((exact.to_owned(), kind));
        self.rebuild(doc);
    }

    /// Whether `s` is one the rules found that gives way to a mention of
    /// the same text and kind.
    fn covered(&self, s: &Suggestion) -> bool {
        !self.mentions.is_empty() && self.mentions.covers(&self.article.text()[s.bytes()], &s.kind)
    }

    /// The pending suggestions that start in `starts`, in order.
    pub fn starting_in(&self, starts: Range<usize>) -> Vec<Suggestion> {
        self.gather(starts.clone(), starts, |_| true)
    }

    /// The pending suggestions that reach into `region`, in order, one at a
    /// time: taken from what [`Pending::prepare`] kept when that covers
    /// `region`. (A page holds hundreds: making a list of them each frame
    /// was about 6% of a key's time under perf, growing it and glibc tidying
    /// its free lists for one that large.)
    pub fn each_overlapping(&self, region: Range<usize>, f: impl FnMut(&Suggestion)) {
        match self.window.covering(self.revision, &region) {
            Some(list) => {
                // Nothing that starts further back than a lookup reaches
                // can reach into `region` (the list is by start).
                let back = region.start.saturating_sub(FOUND_REACH.max(self.mentions.longest()));
                let lo = list.partition_point(|s| s.bytes().start < back);
                let hi = list.partition_point(|s| s.bytes().start < region.end).max(lo);
                list[lo..hi].iter().filter(|s| reaches(s, &region)).for_each(f);
            }
            None => self.look_up(region).iter().for_each(f),
        }
    }

    /// Look up ahead what the next pages around `view` will ask for, so
    /// that [`Pending::each_overlapping`] answers from memory: what reaches into
    /// twice `view`'s length of text on each side of it, and into twice
    /// that length at the start and at the end of the text. Nothing is
    /// looked up again while what is kept reaches `view`'s length past it
    /// on both sides (scrolling a line at a time looks up once a page),
    /// nor at either end while a view's length there is covered.
    pub fn prepare(&self, view: Range<usize>) {
        let (span, len) = (view.len(), self.article.len());
        let around = |n: usize| view.start.saturating_sub(n * span)..(view.end + n * span).min(len);
        let stretches = [
            (Stretch::View, around(1), around(2)),
            (Stretch::Start, 0..span.min(len), 0..(2 * span).min(len)),
            (Stretch::End, len.saturating_sub(span)..len, len.saturating_sub(2 * span)..len),
        ];
        for (stretch, needed, kept) in stretches {
            if self.window.covering(self.revision, &needed).is_none() {
                self.window.keep(stretch, self.revision, kept.clone(), self.look_up(kept));
            }
        }
    }

    fn look_up(&self, region: Range<usize>) -> Vec<Suggestion> {
        let found = region.start.saturating_sub(FOUND_REACH)..region.end;
        let mentions = region.start.saturating_sub(self.mentions.longest())..region.end;
        self.gather(found, mentions, |s| reaches(s, &region))
    }

    /// Those `keep` takes of the rules' suggestions that start in `found`
    /// and the mentions that start in `mentions`, in order, settled.
    fn gather(
        &self,
        found: Range<usize>,
        mentions: Range<usize>,
        keep: impl Fn(&Suggestion) -> bool,
    ) -> Vec<Suggestion> {
        let mut out: Vec<Suggestion> = Vec::new();
        if let Some(list) = &self.found {
            out.extend(list.starting_in(found).filter(|s| keep(s) && !self.covered(s)));
        }
        self.mentions.each_starting_in(self.article.text(), mentions, |bytes, kind| {
            let s = Suggestion::new(bytes, Arc::clone(kind));
            if keep(&s) {
                out.push(s);
            }
        });
        self.settle(out)
    }

    /// `list` in order, without those settled or found twice.
    fn settle(&self, mut list: Vec<Suggestion>) -> Vec<Suggestion> {
        list.sort_by_key(key);
        list.dedup_by_key(|s| key(s));
        self.settled.retain_open(&mut list);
        list
    }

    /// Up to `n` pending suggestions after `after` (by [`key`]), in order,
    /// not wrapping round.
    pub fn after(&self, after: Key, n: usize) -> Vec<Suggestion> {
        let len = self.article.len();
        let mut out = Vec::new();
        let (mut lo, mut width) = (after.0, FIRST_WINDOW);
        while out.len() < n && lo < len {
            let hi = lo.saturating_add(width).min(len);
            out.extend(self.starting_in(lo..hi).into_iter().filter(|s| key(s) > after));
            (lo, width) = (hi, width.saturating_mul(2));
        }
        out.truncate(n);
        out
    }

    /// Up to `n` pending suggestions before `before` (by [`key`]), in order.
    pub fn before(&self, before: Key, n: usize) -> Vec<Suggestion> {
        let mut out: Vec<Suggestion> = Vec::new();
        let (mut hi, mut width) = ((before.0 + 1).min(self.article.len()), FIRST_WINDOW);
        while out.len() < n && hi > 0 {
            let lo = hi.saturating_sub(width);
            let mut got: Vec<Suggestion> =
                self.starting_in(lo..hi).into_iter().filter(|s| key(s) < before).collect();
            got.append(&mut out);
            out = got;
            (hi, width) = (lo, width.saturating_mul(2));
        }
        let skip = out.len().saturating_sub(n);
        out.drain(..skip);
        out
    }

    /// The first pending suggestion after `after` (by [`key`]), or the
    /// first of all when none is (wrapping round).
    pub fn next_after(&self, after: Key) -> Option<Suggestion> {
        let first = |k: Key| self.after(k, 1).into_iter().next();
        first(after).or_else(|| first((0, 0, "")))
    }

    /// The first pending suggestion that starts at `at` or after, or the
    /// first of all when none does.
    pub fn first_from(&self, at: usize) -> Option<Suggestion> {
        self.next_after((at, 0, ""))
    }

    /// Every pending suggestion of `s`'s text and kind, in order.
    pub fn same_as(&self, s: &Suggestion) -> Vec<Suggestion> {
        let text = self.article.text();
        let exact = &text[s.bytes()];
        let mut out = match &self.found {
            Some(found) if !self.covered(s) => {
                found.taken_by(|bytes, kind| kind.name() == s.kind.name() && &text[bytes] == exact).collect()
            }
            _ => self.mentions.of(text, exact, &s.kind),
        };
        out.retain(|o| self.settled.open(o));
        out
    }

    /// Every pending suggestion, in order (the command line; tests).
    pub fn all(&self) -> Vec<Suggestion> {
        self.starting_in(0..self.article.len())
    }

    /// How many are pending, when counted since the last change.
    pub fn count(&self) -> Option<usize> {
        self.count.filter(|(r, _)| *r == self.revision).map(|(_, n)| n)
    }

    /// Take a count made by [`Counter::run`] (ignored when out of date).
    pub fn counted(&mut self, revision: u64, n: usize) {
        if revision == self.revision {
            self.count = Some((revision, n));
        }
    }

    /// What counting them takes, to run on another thread.
    pub fn counter(&self) -> Counter {
        Counter(self.clone())
    }
}

/// A count of the pending suggestions, made away from the UI thread: a
/// tagged word can be mentioned a hundred thousand times in a book. (A
/// copy of [`Pending`]: its lists are shared, not copied.)
#[derive(Debug)]
pub struct Counter(Pending);

impl Counter {
    /// (the revision counted at, how many are pending).
    pub fn run(self) -> (u64, usize) {
        let p = &self.0;
        let mut n =
            p.found.as_ref().map_or(0, |f| f.all().filter(|s| !p.covered(s) && p.settled.open(s)).count());
        // The mentions a megabyte at a time, each chunk's settled together
        // (a mention that starts in a chunk may end past it).
        let art = &p.article;
        let step = 1 << 20;
        let mut at = 0;
        while at < art.len() {
            let end = art.floor_char_boundary((at + step).min(art.len()));
            let end = if end <= at { art.len() } else { end };
            n += p.gather(0..0, at..end, |_| true).len();
            at = end;
        }
        (p.revision, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::{Annotation, Stamp};
    use crate::core::store::AnnotationFile;
    use std::path::PathBuf;

    fn doc(text: &str) -> Document {
        let art = Article::from_text(text);
        let file = AnnotationFile::new(std::path::Path::new("a.txt"), &art, Default::default());
        Document::from_parts(PathBuf::from("a.txt"), PathBuf::from("a.txt.annotations.ron"), art, file, None)
    }

    fn tag(d: &mut Document, exact: &str, nth: usize, kind: Kind) {
        let at = d.article.text().match_indices(exact).nth(nth).unwrap().0;
        let a = Annotation::new(
            &d.article,
            at..at + exact.len(),
            kind,
            &Stamp { author: "t".into(), now: "n".into() },
        );
        d.change(|f| f.annotations.push(a));
    }

    /// [`Pending::each_overlapping`] as a list.
    fn overlapping(p: &Pending, region: Range<usize>) -> Vec<Suggestion> {
        let mut out = Vec::new();
        p.each_overlapping(region, |s| out.push(s.clone()));
        out
    }

    fn texts<'a>(text: &'a str, list: &[Suggestion]) -> Vec<&'a str> {
        list.iter().map(|s| &text[s.bytes()]).collect()
    }

    #[test]
    fn mentions_follow_the_annotations_and_undo() {
        let text = "Meta said no. The Metaverse is Meta's. Ask Meta.";
        let mut d = doc(text);
        let mut p = Pending::new(&d);
        p.arrived(Vec::new());
        assert!(p.all().is_empty());
        tag(&mut d, "Meta", 0, Kind::Entity("Organization".into()));
        p.refresh(&d);
        assert_eq!(texts(text, &p.all()), ["Meta", "Meta"], "the others, not Metaverse nor the tagged one");
        assert!(p.all().iter().all(|s| *s.kind == Kind::Entity("Organization".into())));
        d.undo();
        p.refresh(&d);
        assert!(p.all().is_empty());
    }

    #[test]
    fn what_the_rules_found_is_kept_compact_and_given_back_as_found() {
        let person = Arc::new(Kind::Entity("Person".into()));
        let quote = Arc::new(Kind::Quote { speaker: None });
        let list: Vec<Suggestion> = (0..6u32)
            .map(|i| {
                let kind = match i % 3 {
                    0 => Arc::clone(&person),
                    1 => Arc::clone(&quote),
                    _ => Arc::new(Kind::Statistic { value: Some(f64::from(i)), unit: None }),
                };
                Suggestion::new(i as usize * 10..i as usize * 10 + 4, kind)
            })
            .collect();
        let found = Found::of(list.clone());
        assert_eq!(found.kinds.len(), 4, "the person and the quote once, each statistic its own");
        assert_eq!(found.all().collect::<Vec<_>>(), list);
        assert!(found.all().step_by(3).all(|s| Arc::ptr_eq(&s.kind, &person)), "shared, not copied");
        let from_20: Vec<Suggestion> = found.starting_in(20..41).collect();
        assert_eq!(from_20, list[2..5]);
        let people: Vec<Suggestion> =
            found.taken_by(|bytes, kind| kind.name() == "entity" && bytes.start > 0).collect();
        assert_eq!(people, [list[3].clone()]);
    }

    #[test]
    fn an_annotation_settles_suggestions_of_its_own_kind_only() {
        let text = "Sales rose 12 percent and 40 percent.";
        let mut d = doc(text);
        let mut p = Pending::new(&d);
        let stat = |n: &str| {
            let at = text.find(n).unwrap();
            Suggestion::new(at..at + n.len(), Arc::new(Kind::Statistic { value: None, unit: None }))
        };
        p.arrived(vec![stat("12 percent"), stat("40 percent")]);
        tag(&mut d, "12", 0, Kind::Entity("Other".into()));
        tag(&mut d, "rose 12", 0, Kind::Quote { speaker: None });
        p.refresh(&d);
        assert_eq!(texts(text, &p.all()), ["12 percent", "40 percent"], "an entity or a quote over it");
        tag(&mut d, "40", 0, Kind::Statistic { value: Some(40.0), unit: None });
        p.refresh(&d);
        assert_eq!(texts(text, &p.all()), ["12 percent"], "a statistic overlapping it");
        // Offsets past any text (a hand-edited file) settle nothing, even
        // where they would wrap onto the number as u32.
        let twelve = text.find("12").unwrap() as u64;
        d.change(|f| {
            let a = f.annotations.iter_mut().find(|a| a.exact == "40").unwrap();
            (a.start, a.end) = ((twelve + (1 << 32)) as usize, (twelve + 2 + (1 << 32)) as usize);
        });
        p.refresh(&d);
        assert_eq!(texts(text, &p.all()), ["12 percent", "40 percent"]);
    }

    #[test]
    fn a_mention_replaces_the_rules_guess_and_counts_once() {
        let text = "Acme sells. Acme buys. Acme is Acme.";
        let mut d = doc(text);
        let mut p = Pending::new(&d);
        let guess = |at: usize| Suggestion::new(at..at + 4, Arc::new(Kind::Entity("Other".into())));
        p.arrived(text.match_indices("Acme").map(|(i, _)| guess(i)).collect());
        assert_eq!(p.all().len(), 4);
        tag(&mut d, "Acme", 1, Kind::Entity("Organization".into()));
        tag(&mut d, "Acme", 2, Kind::Entity("Person".into()));
        p.refresh(&d);
        let all = p.all();
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(all.iter().all(|s| *s.kind == Kind::Entity("Organization".into())), "{all:?}");
        assert_eq!(p.count(), None);
        let (rev, n) = p.counter().run();
        p.counted(rev, n);
        assert_eq!(p.count(), Some(2));
        tag(&mut d, "Acme", 0, Kind::Entity("Organization".into()));
        p.refresh(&d);
        assert_eq!(p.count(), None, "a count is of one revision");
        let (rev, n) = p.counter().run();
        assert_eq!(n, p.all().len());
        p.counted(rev, n);
        assert_eq!(p.count(), Some(1));
    }

    #[test]
    fn a_status_or_a_note_leaves_what_is_pending_and_a_kind_does_not() {
        let text = "Acme sells. Acme buys. Acme is Acme.";
        let mut d = doc(text);
        tag(&mut d, "Acme", 0, Kind::Entity("Organization".into()));
        let mut p = Pending::new(&d);
        let (rev, all) = (p.revision(), p.all());
        assert_eq!(all.len(), 3, "{all:?}");
        d.edit(0, |a| a.status = crate::core::annotation::Status::Verified);
        d.edit(0, |a| a.set_note(Some("checked".into())));
        p.refresh(&d);
        assert_eq!((p.revision(), p.all()), (rev, all), "nothing pending changed");
        d.edit(0, |a| a.kind = Kind::Entity("Person".into()));
        p.refresh(&d);
        assert_ne!(p.revision(), rev);
        assert!(p.all().iter().all(|s| *s.kind == Kind::Entity("Person".into())), "{:?}", p.all());
        // An undo is a new list: looked at again.
        let rev = p.revision();
        d.undo();
        p.refresh(&d);
        assert_ne!(p.revision(), rev);
        assert!(p.all().iter().all(|s| *s.kind == Kind::Entity("Organization".into())));
    }

    #[test]
    fn next_and_previous_wrap_and_cross_windows() {
        // Statistics far apart: the look for the next one widens its window.
        let filler = "word ".repeat(10_000);
        let text = format!("1 {filler} 2 {filler} 3 {filler}");
        let d = doc(&text);
        let mut p = Pending::new(&d);
        let stat = |n: &str| {
            let at = text.find(&format!(" {n} ")).map_or(0, |i| i + 1);
            Suggestion::new(at..at + 1, Arc::new(Kind::Statistic { value: None, unit: None }))
        };
        p.arrived(vec![stat("1"), stat("2"), stat("3")]);
        let two = stat("2");
        assert_eq!(texts(&text, &p.after(key(&two), 5)), ["3"]);
        assert_eq!(texts(&text, &p.before(key(&two), 5)), ["1"]);
        assert_eq!(texts(&text, &p.before(key(&stat("3")), 1)), ["2"]);
        assert_eq!(p.first_from(two.bytes().start).map(|s| s.bytes()), Some(two.bytes()));
        assert_eq!(p.first_from(text.len() - 1).map(|s| s.bytes().start), Some(0), "wraps round");
        assert_eq!(p.same_as(&two).len(), 1);
    }

    #[test]
    fn counting_on_agrees_with_each_lookup() {
        // Multi-byte text, suggestions near and far apart, some annotated.
        let text = format!("Ödön és Ádám {} Ödön Ádám {} Ödön.", "ő ".repeat(3000), "é".repeat(10));
        let mut d = doc(&text);
        tag(&mut d, "Ödön", 1, Kind::Entity("Person".into()));
        tag(&mut d, "Ádám", 0, Kind::Entity("Person".into()));
        let p = Pending::new(&d);
        let mut list: Vec<Suggestion> = ["Ödön", "Ádám", "és"]
            .iter()
            .flat_map(|w| text.match_indices(w).map(|(i, w)| i..i + w.len()))
            .map(|bytes| Suggestion::new(bytes, Arc::new(Kind::Entity("Person".into()))))
            .collect();
        list.sort_by_key(key);
        let each: Vec<Suggestion> = list.iter().filter(|s| p.settled.open(s)).cloned().collect();
        assert!(each.len() < list.len() && !each.is_empty());
        p.settled.retain_open(&mut list);
        assert_eq!(list, each);
    }

    #[test]
    fn a_prepared_stretch_answers_as_a_lookup_does_and_only_for_its_revision() {
        let text = "Acme said \"Acme and Bolt will merge\" on 3 May. Bolt and Acme. ".repeat(40);
        let mut d = doc(&text);
        tag(&mut d, "Acme", 0, Kind::Entity("Organization".into()));
        tag(&mut d, "Bolt and Acme", 2, Kind::Entity("Other".into()));
        let mut p = Pending::new(&d);
        // A long quote from before most regions, a short statistic in each sentence.
        let mut found: Vec<Suggestion> = text
            .match_indices('"')
            .step_by(2)
            .map(|(i, _)| {
                Suggestion::new(i..(i + 400).min(text.len()), Arc::new(Kind::Quote { speaker: None }))
            })
            .chain(text.match_indices("3 May").map(|(i, w)| {
                Suggestion::new(i..i + w.len(), Arc::new(Kind::Statistic { value: Some(3.0), unit: None }))
            }))
            .collect();
        found.sort_by_key(key);
        p.arrived(found);
        p.prepare(1000..1300);
        assert!(p.window.covering(p.revision, &(400..1900)).is_some(), "twice the view on each side");
        assert!(p.window.covering(p.revision, &(399..1900)).is_none());
        let len = text.len();
        assert!(p.window.covering(p.revision, &(0..600)).is_some(), "the start, for gg");
        assert!(p.window.covering(p.revision, &(len - 600..len)).is_some(), "the end, for G");
        for r in [0..250, len - 250..len] {
            assert_eq!(overlapping(&p, r.clone()), p.look_up(r.clone()), "{r:?}");
        }
        let window = 700..1900;
        let fresh = |p: &Pending, r: Range<usize>| p.look_up(r);
        for start in (window.start..window.end).step_by(37) {
            for end in [start, start + 1, start + 90, window.end] {
                let r = start..end.min(window.end);
                assert_eq!(overlapping(&p, r.clone()), fresh(&p, r.clone()), "{r:?}");
            }
        }
        assert!(!overlapping(&p, window.clone()).is_empty());
        // A change: the kept stretch is of the revision before.
        let before = overlapping(&p, window.clone());
        tag(&mut d, "Bolt", 0, Kind::Entity("Organization".into()));
        p.refresh(&d);
        let after = overlapping(&p, window.clone());
        assert_ne!(after, before, "Bolt is now mentioned everywhere");
        assert_eq!(after, fresh(&p, window.clone()));
        // Outside it, or in a copy, a lookup.
        p.prepare(1000..1300);
        assert_eq!(overlapping(&p, 0..2000), fresh(&p, 0..2000));
        assert!(p.clone().window.covering(p.revision, &window).is_none());
        assert!(p.window.covering(p.revision, &window).is_some());
    }
}
