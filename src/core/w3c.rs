//! W3C Web Annotation (JSON-LD): import and export.
//!
//! [`export`] writes one `AnnotationCollection` whose `first` page holds every
//! annotation of a file; [`import`] reads that back, and also what other tools
//! write (a single `Annotation`, an array of them, an `AnnotationPage`, a
//! collection with embedded pages). See
//! <https://www.w3.org/TR/annotation-model/>.
//!
//! Mapping (offsets are code points, as in marginote and in the model):
//!
//! | marginote | W3C Web Annotation |
//! |---|---|
//! | `id` | `id`: `urn:marginote:<id>` (read back as `<id>`; any other id gets a fresh ULID) |
//! | `start`, `end` | `target.selector`: `TextPositionSelector` |
//! | `exact`, `prefix`, `suffix` | `target.selector`: `TextQuoteSelector` (prefix and suffix only when not empty) |
//! | the article | `target.source`: the `source` given to [`export`] |
//! | `fragments` | `target."marginote:fragments"`: a list of `TextPositionSelector`s |
//! | kind | a `TextualBody`, `purpose` `tagging`, value `Quote`, `Statistic` or the entity type (`Person`, …), as in brat |
//! | statistic value / unit | `"marginote:value"` / `"marginote:unit"` on the tagging body: the stored ones, `null` when unset but the text would give one; absent: parsed from the text on import |
//! | `note` | a `TextualBody`, `purpose` `commenting` |
//! | `status` | a `TextualBody`, `purpose` `assessing`, value the status name (none for `Unreviewed`) |
//! | `source` | a `TextualBody`, `purpose` `describing`, `"marginote:role": "source"` |
//! | speaker, free text | a `TextualBody`, `purpose` `describing`, `"marginote:role": "speaker"` |
//! | speaker, an entity | a `SpecificResource` body, `source` the entity's `urn:marginote:` id, `purpose` `describing`, `"marginote:role": "speaker"` |
//! | `author` | `creator`: `{"type": "Person", "nickname": …}` (read: a string, or `name`, `nickname`, `id`) |
//! | `created`, `modified` | `created`, `modified` |
//! | `same_as` (an entity linked to another) | `"marginote:sameAs"`: the other's `urn:marginote:` id |
//!
//! `motivation` lists the purposes of the bodies. The prefix `marginote:` is
//! declared in the collection's `@context` as [`NAMESPACE`].
//!
//! Import also takes, from other tools:
//! - targets as an object, an array (the first with a text selector is used,
//!   the others are reported) or a bare IRI (skipped: no text to anchor);
//! - selectors as an object or an array; a `FragmentSelector` `refinedBy` a
//!   text selector uses the refinement. An RFC 5147 fragment (`char=10,20`)
//!   is a position in a plain text; inside any other fragment a position is
//!   relative to something a plain-text article does not have, so only the
//!   quote is used;
//! - bodies as an object, an array, a string IRI, `bodyValue`, or a `Choice`
//!   (its first item with a text value). A `TextualBody` without `purpose`
//!   takes the annotation's `motivation`: `tagging` makes a tag, anything else
//!   a note. External bodies (an IRI) are kept in the note as the IRI. The
//!   first tag gives the kind; further tags are added to the note. No tag at
//!   all: an entity of type `Other`.
//!
//! Anchoring: a position whose text equals the quote is used as is; a
//! position that disagrees with the quote, or lies outside the article, gives
//! way to the quote (exact, prefix and suffix, found with
//! [`super::anchor::place`]) with a warning; a quote alone is
//! found the same way; a position alone is used when it fits the article.
//! An annotation that cannot be placed is skipped with a warning.

use compact_str::CompactString;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::anchor::{self, Anchor};
use super::annotation::{Annotation, Context, Kind, More, Speaker, Stamp, Status, statistic_kind};
use super::numbers::NumberConvention;
use super::store::AnnotationFile;
use super::text::Article;

/// The Web Annotation JSON-LD context.
pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The IRI the `marginote:` prefix stands for in exported files.
pub const NAMESPACE: &str = "urn:marginote:vocab#";
/// Annotation ids are exported as this prefix followed by marginote's id.
pub const ID_PREFIX: &str = "urn:marginote:";
/// The key of an entity's link to the entity it is the same as.
const SAME_AS: &str = "marginote:sameAs";

const FRAGMENTS: &str = "marginote:fragments";
const VALUE: &str = "marginote:value";
const UNIT: &str = "marginote:unit";
const ROLE: &str = "marginote:role";

/// What [`import`] made of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The annotations placed in the article, in the file's order.
    pub annotations: Vec<Annotation>,
    /// What was skipped or adjusted, one sentence each, naming the file and
    /// the annotation.
    pub warnings: Vec<String>,
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

/// The whole file as one pretty-printed `AnnotationCollection` targeting
/// `source` (the article's IRI or path).
pub fn export(art: &Article, file: &AnnotationFile, source: &str) -> String {
    let conv = file.article.numbers;
    let items: Vec<Value> = file.annotations.iter().map(|a| annotation_json(art, a, source, conv)).collect();
    let id = format!("{ID_PREFIX}collection:{}", art.sha256());
    let collection = json!({
        "@context": [ANNO_CONTEXT, { "marginote": NAMESPACE }],
        "id": id,
        "type": "AnnotationCollection",
        "label": format!("marginote annotations of {}", file.article.file),
        "total": items.len(),
        "first": {
            "id": format!("{id}:page1"),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    });
    serde_json::to_string_pretty(&collection).expect("JSON values always serialize")
}

/// One annotation as a W3C `Annotation` (without `@context`, which the
/// collection carries).
fn annotation_json(art: &Article, a: &Annotation, source: &str, conv: NumberConvention) -> Value {
    let body = bodies(art, a, conv);
    let mut purposes: Vec<Value> = Vec::new();
    for b in &body {
        if !purposes.contains(&b["purpose"]) {
            purposes.push(b["purpose"].clone());
        }
    }
    let motivation = if purposes.len() == 1 { purposes.remove(0) } else { Value::Array(purposes) };
    let mut out = Map::new();
    out.insert("id".into(), format!("{ID_PREFIX}{}", a.id).into());
    out.insert("type".into(), "Annotation".into());
    out.insert("motivation".into(), motivation);
    if let Some(other) = a.same_as() {
        out.insert(SAME_AS.into(), format!("{ID_PREFIX}{other}").into());
    }
    if !a.author.is_empty() {
        out.insert("creator".into(), json!({ "type": "Person", "nickname": a.author }));
    }
    for (key, value) in [("created", &a.created), ("modified", &a.modified)] {
        if !value.is_empty() {
            out.insert(key.into(), value.as_str().into());
        }
    }
    out.insert("body".into(), Value::Array(body));
    out.insert("target".into(), target_json(a, source));
    Value::Object(out)
}

/// The target: the article with a quote and a position selector, and the
/// fragments of a discontinuous span.
fn target_json(a: &Annotation, source: &str) -> Value {
    let mut quote = json!({ "type": "TextQuoteSelector", "exact": a.exact });
    for (key, value) in [("prefix", a.prefix()), ("suffix", a.suffix())] {
        if !value.is_empty() {
            quote[key] = value.into();
        }
    }
    let mut target = json!({
        "source": source,
        "selector": [quote, position_json(a.start, a.end)],
    });
    if !a.fragments().is_empty() {
        let list: Vec<Value> = a.fragments().iter().map(|&(s, e)| position_json(s, e)).collect();
        target[FRAGMENTS] = Value::Array(list);
    }
    target
}

/// A `TextPositionSelector`.
fn position_json(start: usize, end: usize) -> Value {
    json!({ "type": "TextPositionSelector", "start": start, "end": end })
}

/// A `TextualBody` with a purpose.
fn textual(purpose: &str, value: &str) -> Value {
    json!({ "type": "TextualBody", "purpose": purpose, "value": value })
}

/// The bodies of an annotation: its kind, then note, status, source, speaker.
fn bodies(art: &Article, a: &Annotation, conv: NumberConvention) -> Vec<Value> {
    let mut out = vec![kind_body(art, a, conv)];
    if let Some(note) = a.note() {
        out.push(textual("commenting", note));
    }
    if a.status != Status::Unreviewed {
        out.push(textual("assessing", a.status.name()));
    }
    if let Some(source) = a.source() {
        let mut b = textual("describing", source);
        b[ROLE] = "source".into();
        out.push(b);
    }
    if let Kind::Quote { speaker: Some(s) } = &a.kind {
        out.push(speaker_body(s));
    }
    out
}

/// The tagging body; for a statistic, its value and unit where the text
/// alone would not give them back.
fn kind_body(art: &Article, a: &Annotation, conv: NumberConvention) -> Value {
    match &a.kind {
        Kind::Quote { .. } => textual("tagging", "Quote"),
        Kind::Entity(t) => textual("tagging", t),
        Kind::Statistic { value, unit } => {
            let mut b = textual("tagging", "Statistic");
            let Kind::Statistic { value: parsed_value, unit: parsed_unit } =
                statistic_kind(art, a.bytes(art), conv)
            else {
                unreachable!("statistic_kind makes statistics")
            };
            if value.is_some() || parsed_value.is_some() {
                b[VALUE] = value.and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number);
            }
            if unit.is_some() || parsed_unit.is_some() {
                b[UNIT] = unit.clone().map_or(Value::Null, Value::String);
            }
            b
        }
    }
}

/// The speaker body: a link to the entity, or the free text.
fn speaker_body(s: &Speaker) -> Value {
    let mut b = match s {
        Speaker::Entity(id) => json!({
            "type": "SpecificResource",
            "purpose": "describing",
            "source": format!("{ID_PREFIX}{id}"),
        }),
        Speaker::Text(t) => textual("describing", t),
    };
    b[ROLE] = "speaker".into();
    b
}

// ---------------------------------------------------------------------------
// Import: containers
// ---------------------------------------------------------------------------

/// Read W3C annotations from `json` (the text of `path`, named in errors and
/// warnings) and place them in `art`. Statistics without a stored value are
/// parsed in `conv`; `stamp` stands in for a missing creator or date.
/// Invalid JSON, or JSON that holds no annotations at all, is an error.
pub fn import(
    art: &Article,
    json: &str,
    path: &Path,
    conv: NumberConvention,
    stamp: &Stamp,
) -> Result<Imported, String> {
    let root: Value = serde_json::from_str(json.strip_prefix('\u{feff}').unwrap_or(json))
        .map_err(|e| format!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))?;
    let mut warnings = Vec::new();
    let items = items(&root, &mut warnings).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut warnings: Vec<String> =
        warnings.into_iter().map(|w| format!("{}: {w}", path.display())).collect();
    let mut state = ImportState::default();
    for (i, item) in items.iter().enumerate() {
        let ctx = Ctx { file: path.display().to_string(), index: i + 1, id: text_of(&item["id"]) };
        match read_annotation(art, item, &ctx, Env { conv, stamp }) {
            Ok(read) => state.add(read, &ctx, &mut warnings),
            Err(why) => {
                warnings.push(ctx.say(&format!("{why}; skipped")));
                state.skipped(&ctx);
            }
        }
    }
    state.link_speakers(&mut warnings);
    state.link_same();
    Ok(Imported { annotations: state.annotations, warnings })
}

/// The annotations held by the JSON root: itself, the elements of an array,
/// a page's items, a collection's embedded pages. Problems that do not stop
/// the import go to `warnings`.
fn items<'a>(root: &'a Value, warnings: &mut Vec<String>) -> Result<Vec<&'a Value>, String> {
    match root {
        Value::Array(list) => {
            let mut out = Vec::new();
            for (i, v) in list.iter().enumerate() {
                if is_annotation(v) {
                    out.push(v);
                } else {
                    warnings.push(format!("element {} of the array is not an annotation; skipped", i + 1));
                }
            }
            Ok(out)
        }
        Value::Object(_) if has_type(root, "AnnotationCollection") || root.get("first").is_some() => {
            collection_items(root, warnings)
        }
        Value::Object(_) if has_type(root, "AnnotationPage") || root.get("items").is_some() => {
            Ok(page_items(root, warnings))
        }
        Value::Object(_) if is_annotation(root) => Ok(vec![root]),
        _ => Err("not a W3C Annotation, AnnotationPage or AnnotationCollection".into()),
    }
}

/// The items of a collection's pages, following embedded `next` pages.
fn collection_items<'a>(root: &'a Value, warnings: &mut Vec<String>) -> Result<Vec<&'a Value>, String> {
    let first = &root["first"];
    if !first.is_object() {
        let at = text_of(first).unwrap_or_else(|| "nowhere".into());
        return Err(format!(
            "the collection's first page ({at}) is not in the file; import the pages themselves"
        ));
    }
    let out = page_items(first, warnings);
    if let Some(total) = root["total"].as_u64().filter(|&t| t != out.len() as u64) {
        warnings
            .push(format!("the collection says it holds {total} annotations, the file has {}", out.len()));
    }
    Ok(out)
}

/// The items of a page and of the embedded pages after it.
fn page_items<'a>(page: &'a Value, warnings: &mut Vec<String>) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let mut page = page;
    loop {
        match &page["items"] {
            Value::Array(list) => out.extend(list.iter()),
            Value::Null => {}
            other => out.push(other),
        }
        match &page["next"] {
            next @ Value::Object(_) => page = next,
            Value::String(iri) => {
                warnings
                    .push(format!("the next page ({iri}) is not in the file; its annotations are missing"));
                return out;
            }
            _ => return out,
        }
    }
}

/// Whether `v` looks like an annotation: typed so, or with a target.
fn is_annotation(v: &Value) -> bool {
    v.is_object() && (has_type(v, "Annotation") || v.get("target").is_some())
}

/// Whether `v`'s `type` is `name` or a list holding it (with or without
/// the `oa:` prefix).
fn has_type(v: &Value, name: &str) -> bool {
    let is = |t: &Value| t.as_str().is_some_and(|t| t == name || t.strip_prefix("oa:") == Some(name));
    match &v["type"] {
        Value::Array(list) => list.iter().any(is),
        t => is(t),
    }
}

/// A string, or the `id` of an object: how JSON-LD names a resource.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// A value as a list: arrays as they are, `null` as nothing, anything else alone.
fn as_list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(list) => list.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

// ---------------------------------------------------------------------------
// Import: one annotation
// ---------------------------------------------------------------------------

/// Which annotation of which file a warning is about.
struct Ctx {
    file: String,
    /// 1-based, in the file's order.
    index: usize,
    /// The annotation's `id`, when it has one.
    id: Option<String>,
}

impl Ctx {
    /// `file: annotation 3 (id): message`.
    fn say(&self, message: &str) -> String {
        match &self.id {
            Some(id) => format!("{}: annotation {} ({id}): {message}", self.file, self.index),
            None => format!("{}: annotation {}: {message}", self.file, self.index),
        }
    }
}

/// What import needs besides the article: the number convention and stamp.
#[derive(Clone, Copy)]
struct Env<'a> {
    conv: NumberConvention,
    stamp: &'a Stamp,
}

/// An annotation read from the file, before ids and speakers are settled.
struct Read {
    annotation: Annotation,
    /// The speaker's IRI, when the speaker is a linked resource.
    speaker_link: Option<String>,
    /// The IRI of the entity this one is the same as (`marginote:sameAs`).
    same_as: Option<String>,
    warnings: Vec<String>,
}

/// Read, place and describe one annotation; `Err` says why it was skipped.
fn read_annotation(art: &Article, item: &Value, ctx: &Ctx, env: Env) -> Result<Read, String> {
    let mut warnings = Vec::new();
    let selection = choose_target(&item["target"], &mut warnings)?;
    let mut annotation = selection.seed(env.stamp);
    let bytes = place(art, &selection, &annotation, &mut warnings)?;
    annotation.set_span(art, bytes.clone());
    let (start, end) = (annotation.start, annotation.end);
    let fits = annotation.fragments().iter().all(|&(s, e)| start <= s && s <= e && e <= end);
    if !selection.fragments.is_empty() && (annotation.fragments().is_empty() || !fits) {
        annotation.set_fragments(Vec::new());
        warnings.push("its fragments do not fit the span found; imported as one continuous span".into());
    }
    let found = read_bodies(item, &mut warnings);
    let speaker_link = found.apply(&mut annotation, art, bytes, env.conv, &mut warnings);
    annotation.author =
        creator(&item["creator"]).map_or_else(|| env.stamp.author.clone(), CompactString::from);
    if let Some(created) = item["created"].as_str() {
        annotation.created = created.into();
        annotation.modified = created.into();
    }
    if let Some(modified) = item["modified"].as_str() {
        annotation.modified = modified.into();
    }
    let warnings = warnings.iter().map(|w| ctx.say(w)).collect();
    let same_as = item[SAME_AS].as_str().map(str::to_owned);
    Ok(Read { annotation, speaker_link, same_as, warnings })
}

/// The author named by a `creator`: a string, or an object's `name`,
/// `nickname` or `id` (the first of a list).
fn creator(v: &Value) -> Option<String> {
    let first = as_list(v).into_iter().next()?;
    match first {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => ["name", "nickname", "id"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::to_owned),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Import: targets and selectors
// ---------------------------------------------------------------------------

/// A quote as a `TextQuoteSelector` gives it.
#[derive(Debug, Clone, PartialEq, Default)]
struct Quote {
    exact: String,
    prefix: String,
    suffix: String,
}

/// What a target's selectors say about where the annotation is.
#[derive(Debug, Clone, PartialEq, Default)]
struct Selection {
    quote: Option<Quote>,
    /// Code points, end exclusive.
    position: Option<(usize, usize)>,
    /// The fragments of a discontinuous span (marginote's extension).
    fragments: Vec<(usize, usize)>,
    /// A fragment the text selectors refine that a plain text cannot resolve.
    inside: Option<String>,
}

impl Selection {
    /// Whether there is anything to anchor by.
    fn is_empty(&self) -> bool {
        self.quote.is_none() && self.position.is_none()
    }

    /// An entity of type `Other` carrying the quote, position and fragments,
    /// ready to be placed.
    fn seed(&self, stamp: &Stamp) -> Annotation {
        let quote = self.quote.clone().unwrap_or_default();
        let (start, end) = self.position.unwrap_or((0, 0));
        Annotation {
            start,
            end,
            more: More::of(self.fragments.clone(), None, None, None),
            exact: quote.exact.into(),
            context: Context::from_parts(quote.prefix, &quote.suffix),
            ..Annotation::unplaced(Kind::Entity("Other".into()), stamp)
        }
    }
}

/// The first target with a text selector; the others are reported.
fn choose_target(target: &Value, warnings: &mut Vec<String>) -> Result<Selection, String> {
    let targets = as_list(target);
    if targets.is_empty() {
        return Err("no target".into());
    }
    let mut chosen: Option<Selection> = None;
    let mut notes = Vec::new();
    let mut inside = None;
    for (i, t) in targets.iter().enumerate() {
        let mut mine = Vec::new();
        let s = selection(t, &mut mine);
        if s.is_empty() {
            inside = inside.or(s.inside);
            continue;
        }
        if chosen.is_none() {
            chosen = Some(s);
            notes = mine;
        } else {
            warnings.push(format!("target {} ignored: an annotation marks one place in the article", i + 1));
        }
    }
    warnings.extend(notes);
    chosen.ok_or_else(|| {
        if let Some(fragment) = inside {
            return format!(
                "its text position is inside the fragment {fragment:?}, which a plain-text article does not have"
            );
        }
        let names: Vec<String> = targets.iter().filter_map(|t| text_of(t)).collect();
        if names.is_empty() {
            "no target has a text selector".to_owned()
        } else {
            format!("no target has a text selector (targets: {})", names.join(", "))
        }
    })
}

/// What one target's selectors say. A bare IRI says nothing.
fn selection(target: &Value, warnings: &mut Vec<String>) -> Selection {
    let mut out = Selection::default();
    if !target.is_object() {
        return out;
    }
    for s in as_list(&target["selector"]) {
        read_selector(s, &mut out, &Base::Article, warnings);
    }
    for f in as_list(&target[FRAGMENTS]) {
        match position_of(f) {
            Some(p) => out.fragments.push(p),
            None => warnings.push("a fragment that is not a TextPositionSelector was ignored".into()),
        }
    }
    out
}

/// Where a selector's positions count from.
#[derive(Debug, Clone, PartialEq)]
enum Base {
    /// The start of the article.
    Article,
    /// A code point of the article (an RFC 5147 fragment's start).
    At(usize),
    /// A fragment a plain text does not have (an element id, an XPath…).
    Unknown(String),
}

/// Add what selector `s` says to `out`; its positions count from `base`.
fn read_selector(s: &Value, out: &mut Selection, base: &Base, warnings: &mut Vec<String>) {
    let kind = s["type"].as_str().unwrap_or_default();
    match kind {
        "TextQuoteSelector" => match quote_of(s) {
            Some(q) => {
                out.quote.get_or_insert(q);
            }
            None => warnings.push("a TextQuoteSelector without `exact` was ignored".into()),
        },
        "TextPositionSelector" => match (position_of(s), base) {
            (Some(_), Base::Unknown(fragment)) => {
                out.inside.get_or_insert_with(|| fragment.clone());
            }
            (Some((start, end)), Base::At(at)) => {
                out.position.get_or_insert((start + at, end + at));
            }
            (Some(p), Base::Article) => {
                out.position.get_or_insert(p);
            }
            (None, _) => {
                warnings.push("a TextPositionSelector without a valid `start` and `end` was ignored".into())
            }
        },
        "FragmentSelector" => read_fragment(s, out, warnings),
        _ => {
            let base = Base::Unknown(s["value"].as_str().unwrap_or(kind).to_owned());
            for r in as_list(&s["refinedBy"]) {
                read_selector(r, out, &base, warnings);
            }
        }
    }
}

/// A `FragmentSelector`: an RFC 5147 `char=` range is a position (its
/// refinements count from its start); any other fragment only lends its
/// refinements' quotes.
fn read_fragment(s: &Value, out: &mut Selection, warnings: &mut Vec<String>) {
    let value = s["value"].as_str().unwrap_or_default();
    let refinements = as_list(&s["refinedBy"]);
    let base = match rfc5147_chars(value) {
        Some(range) if refinements.is_empty() => {
            out.position.get_or_insert(range);
            return;
        }
        Some((start, _)) => Base::At(start),
        None => Base::Unknown(value.to_owned()),
    };
    for r in refinements {
        read_selector(r, out, &base, warnings);
    }
}

/// The code point range of an RFC 5147 `char=start,end` fragment.
fn rfc5147_chars(value: &str) -> Option<(usize, usize)> {
    let range = value.strip_prefix("char=")?;
    let range = range.split(';').next()?;
    let (start, end) = range.split_once(',')?;
    let (start, end) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
    (start <= end).then_some((start, end))
}

/// The quote of a `TextQuoteSelector`; `None` without `exact`.
fn quote_of(s: &Value) -> Option<Quote> {
    let exact = s["exact"].as_str().filter(|e| !e.is_empty())?;
    let side = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
    Some(Quote { exact: exact.to_owned(), prefix: side("prefix"), suffix: side("suffix") })
}

/// The range of a `TextPositionSelector`: whole numbers, start ≤ end.
fn position_of(s: &Value) -> Option<(usize, usize)> {
    if !has_type(s, "TextPositionSelector") {
        return None;
    }
    let number = |k: &str| -> Option<usize> {
        match &s[k] {
            Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
            Value::String(t) => t.trim().parse().ok(),
            _ => None,
        }
    };
    let (start, end) = (number("start")?, number("end")?);
    (start <= end).then_some((start, end))
}

// ---------------------------------------------------------------------------
// Import: anchoring
// ---------------------------------------------------------------------------

/// Where `seed` (carrying the selection's quote and position) lands in `art`,
/// as a byte range; `Err` when it has no place there.
fn place(
    art: &Article,
    selection: &Selection,
    seed: &Annotation,
    warnings: &mut Vec<String>,
) -> Result<Range<usize>, String> {
    let in_range = selection.position.filter(|&(_, end)| end <= art.chars());
    match (&selection.quote, selection.position, in_range) {
        (None, None, _) => Err("no text selector".into()),
        (None, Some((start, end)), None) => {
            Err(format!("position {start}–{end} is outside the article ({} code points)", art.chars()))
        }
        (None, _, Some((start, end))) if start == end => Err(format!("position {start}–{end} is empty")),
        (None, _, Some((start, end))) => Ok(art.char_range_to_bytes(start, end)),
        (Some(q), _, Some((start, end))) => {
            let bytes = art.char_range_to_bytes(start, end);
            let there = &art.text()[bytes.clone()];
            if there == q.exact {
                return Ok(bytes);
            }
            warnings.push(format!(
                "position {start}–{end} says {there:?} but the quote is {:?}; anchored by the quote",
                q.exact
            ));
            by_quote(art, seed, warnings)
        }
        (Some(_), Some((start, end)), None) => {
            warnings.push(format!(
                "position {start}–{end} is outside the article ({} code points); anchored by the quote",
                art.chars()
            ));
            by_quote(art, seed, warnings)
        }
        (Some(_), None, None) => by_quote(art, seed, warnings),
    }
}

/// Find the seed's quote (with its context) in the article.
fn by_quote(art: &Article, seed: &Annotation, warnings: &mut Vec<String>) -> Result<Range<usize>, String> {
    let placement = anchor::place(art, seed, 0);
    match (placement.anchor, placement.bytes) {
        (Anchor::Fuzzy(score), Some(bytes)) => {
            warnings.push(format!(
                "the quote {:?} was found only approximately, as {:?} (score {score:.2})",
                seed.exact,
                &art.text()[bytes.clone()]
            ));
            Ok(bytes)
        }
        (_, Some(bytes)) => Ok(bytes),
        (_, None) => Err(format!("the quote {:?} is not in the article", seed.exact)),
    }
}

// ---------------------------------------------------------------------------
// Import: bodies
// ---------------------------------------------------------------------------

/// What an annotation's bodies say, sorted by meaning.
#[derive(Debug, Default)]
struct Bodies<'a> {
    /// Tag values with their body (for the statistic extension).
    tags: Vec<(String, &'a Value)>,
    notes: Vec<String>,
    statuses: Vec<String>,
    sources: Vec<String>,
    speaker_text: Option<String>,
    speaker_link: Option<String>,
}

/// Sort the bodies of `item` (`body`, `bodyValue`) by purpose.
fn read_bodies<'a>(item: &'a Value, warnings: &mut Vec<String>) -> Bodies<'a> {
    let motivation = as_list(&item["motivation"]).first().and_then(|m| m.as_str()).unwrap_or_default();
    let mut out = Bodies::default();
    if let Some(text) = item["bodyValue"].as_str() {
        out.add_text(motivation, text, &item["bodyValue"]);
    }
    for body in as_list(&item["body"]) {
        out.add(body, motivation, warnings);
    }
    out
}

impl<'a> Bodies<'a> {
    /// Add one body; `motivation` stands in for a missing `purpose`.
    fn add(&mut self, body: &'a Value, motivation: &str, warnings: &mut Vec<String>) {
        if has_type(body, "Choice") {
            let items = as_list(&body["items"]);
            let pick = items.iter().find(|i| i["value"].is_string()).or(items.first());
            if let Some(pick) = pick {
                self.add(pick, motivation, warnings);
            }
            return;
        }
        let purpose =
            body["purpose"].as_str().or_else(|| as_list(&body["purpose"]).first().and_then(|p| p.as_str()));
        let purpose = purpose.unwrap_or(motivation);
        let role = body[ROLE].as_str();
        match (body, role) {
            (Value::Object(o), Some("speaker")) if !o.contains_key("value") => {
                self.speaker_link = text_of(&body["source"]).or_else(|| text_of(body));
            }
            (Value::Object(o), _) if o.contains_key("value") => match body["value"].as_str() {
                Some(text) if role == Some("speaker") => self.speaker_text = Some(text.to_owned()),
                Some(text) if role == Some("source") => self.sources.push(text.to_owned()),
                Some(text) => self.add_text(purpose, text, body),
                None => warnings.push("a body whose value is not text was ignored".into()),
            },
            _ => match text_of(body).or_else(|| text_of(&body["source"])) {
                Some(iri) => self.notes.push(iri),
                None => warnings.push("a body with neither a value nor an IRI was ignored".into()),
            },
        }
    }

    /// A text body with `purpose`: a tag, a status, or else a note.
    fn add_text(&mut self, purpose: &str, text: &str, body: &'a Value) {
        match purpose {
            "tagging" | "classifying" => self.tags.push((text.to_owned(), body)),
            "assessing" => self.statuses.push(text.to_owned()),
            _ => self.notes.push(text.to_owned()),
        }
    }

    /// Give `a` its kind, note, status, source and free-text speaker;
    /// return the speaker link, to be resolved once all ids are known.
    fn apply(
        self,
        a: &mut Annotation,
        art: &Article,
        bytes: Range<usize>,
        conv: NumberConvention,
        warnings: &mut Vec<String>,
    ) -> Option<String> {
        let mut notes = self.notes;
        let mut tags = self.tags.into_iter();
        let first = tags.next();
        a.kind = match &first {
            Some((tag, body)) => kind_of(tag, body, art, bytes, conv),
            None => Kind::Entity("Other".into()),
        };
        let extra: Vec<String> = tags.map(|(t, _)| t).collect();
        if let (Some((tag, _)), false) = (&first, extra.is_empty()) {
            warnings.push(format!(
                "more than one tag: the kind is {tag:?}; {} kept in the note",
                extra.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(", ")
            ));
            notes.push(format!("Tags: {}", extra.join(", ")));
        }
        a.set_note((!notes.is_empty()).then(|| notes.join("\n\n")));
        a.set_source((!self.sources.is_empty()).then(|| self.sources.join("\n\n")));
        a.status = self.statuses.first().map_or(Status::Unreviewed, |s| Status::named(s));
        if self.statuses.len() > 1 {
            warnings.push(format!("more than one status; kept {:?}", self.statuses[0]));
        }
        let speaker_wanted = self.speaker_text.is_some() || self.speaker_link.is_some();
        if let Kind::Quote { speaker } = &mut a.kind {
            *speaker = self.speaker_text.map(Speaker::Text);
            return self.speaker_link;
        }
        if speaker_wanted {
            warnings.push("a speaker on something that is not a quote was ignored".into());
        }
        None
    }
}

/// The kind a tag names: `Quote`, `Statistic` (with the extension's value and
/// unit, or what the text at `bytes` says), or an entity of that type.
fn kind_of(tag: &str, body: &Value, art: &Article, bytes: Range<usize>, conv: NumberConvention) -> Kind {
    if tag.eq_ignore_ascii_case("quote") {
        return Kind::Quote { speaker: None };
    }
    if !tag.eq_ignore_ascii_case("statistic") {
        return Kind::Entity(tag.into());
    }
    let Kind::Statistic { value, unit } = statistic_kind(art, bytes, conv) else {
        unreachable!("statistic_kind makes statistics")
    };
    let value = body.get(VALUE).map_or(value, Value::as_f64);
    let unit = body.get(UNIT).map_or(unit, |u| u.as_str().map(str::to_owned));
    Kind::Statistic { value, unit }
}

// ---------------------------------------------------------------------------
// Import: ids and speaker links
// ---------------------------------------------------------------------------

/// The annotations imported so far, with what settles ids and speakers.
#[derive(Default)]
struct ImportState {
    annotations: Vec<Annotation>,
    /// The file's id of each annotation → the id it got.
    ids: HashMap<String, String>,
    used: HashSet<String>,
    /// Skipped annotations' file ids, to explain a dangling speaker.
    skipped: HashSet<String>,
    /// (index in `annotations`, speaker IRI, the annotation's context).
    links: Vec<(usize, String, String)>,
    /// (index in `annotations`, the IRI of the entity it is the same as).
    same: Vec<(usize, String)>,
}

impl ImportState {
    /// Keep `read`, settling its id: `urn:marginote:<id>` keeps `<id>` unless
    /// taken; anything else gets the fresh ULID it was made with.
    fn add(&mut self, read: Read, ctx: &Ctx, warnings: &mut Vec<String>) {
        let mut a = read.annotation;
        warnings.extend(read.warnings);
        if let Some(file_id) = &ctx.id {
            let own = file_id
                .strip_prefix(ID_PREFIX)
                .filter(|id| !id.is_empty() && !id.contains(char::is_whitespace));
            match own {
                Some(id) if !self.used.contains(id) => a.id = id.into(),
                Some(_) => warnings.push(ctx.say(&format!("the id is used twice; this one is now {}", a.id))),
                None => {}
            }
            self.ids.entry(file_id.clone()).or_insert_with(|| a.id.to_string());
        }
        self.used.insert(a.id.to_string());
        if let Some(link) = read.speaker_link {
            self.links.push((self.annotations.len(), link, ctx.say("")));
        }
        if let Some(other) = read.same_as {
            self.same.push((self.annotations.len(), other));
        }
        self.annotations.push(a);
    }

    /// Remember a skipped annotation's id.
    fn skipped(&mut self, ctx: &Ctx) {
        if let Some(id) = &ctx.id {
            self.skipped.insert(id.clone());
        }
    }

    /// Link each entity to the imported one its `marginote:sameAs` names
    /// (by our own `urn:` id when that one is not in the file).
    fn link_same(&mut self) {
        for (i, iri) in std::mem::take(&mut self.same) {
            let id = self.ids.get(&iri).cloned().or_else(|| iri.strip_prefix(ID_PREFIX).map(str::to_owned));
            self.annotations[i].set_same_as(id);
        }
    }

    /// Point each linked speaker at the imported annotation it names.
    fn link_speakers(&mut self, warnings: &mut Vec<String>) {
        for (i, iri, who) in std::mem::take(&mut self.links) {
            let (speaker, problem) = match self.ids.get(&iri) {
                Some(id) => (Speaker::Entity(id.clone()), None),
                None if self.skipped.contains(&iri) => {
                    (Speaker::Text(iri.clone()), Some(format!("the speaker {iri} was skipped; kept as text")))
                }
                None => match iri.strip_prefix(ID_PREFIX) {
                    Some(id) => (
                        Speaker::Entity(id.to_owned()),
                        Some(format!("the speaker {iri} is not in this file; linked by id")),
                    ),
                    None => (
                        Speaker::Text(iri.clone()),
                        Some(format!("the speaker {iri} is unknown; kept as text")),
                    ),
                },
            };
            if let Some(p) = problem {
                warnings.push(format!("{who}{p}"));
            }
            if let Kind::Quote { speaker: s } = &mut self.annotations[i].kind {
                *s = Some(speaker);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp() -> Stamp {
        Stamp { author: "importer".into(), now: "2026-11-28T10:15:00Z".into() }
    }

    /// Import `json` into an article of `text`.
    fn run(text: &str, json: &str) -> Imported {
        import(
            &Article::from_text(text),
            json,
            Path::new("in.json"),
            NumberConvention::CommaThousands,
            &stamp(),
        )
        .expect("imports")
    }

    /// The selection a target makes, with its warnings.
    fn select(target: Value) -> (Selection, Vec<String>) {
        let mut warnings = Vec::new();
        (selection(&target, &mut warnings), warnings)
    }

    #[test]
    fn a_selector_may_be_an_object_or_an_array() {
        let one = json!({"selector": {"type": "TextQuoteSelector", "exact": "Troy", "prefix": "of "}});
        let (s, _) = select(one);
        assert_eq!(
            s.quote,
            Some(Quote { exact: "Troy".into(), prefix: "of ".into(), suffix: String::new() })
        );
        assert_eq!(s.position, None);
        let both = json!({"selector": [
            {"type": "TextPositionSelector", "start": 3, "end": "7"},
            {"type": "TextQuoteSelector", "exact": "Troy"},
        ]});
        let (s, _) = select(both);
        assert_eq!(s.position, Some((3, 7)), "a number written as a string is still a number");
        assert_eq!(s.quote.map(|q| q.exact), Some("Troy".into()));
    }

    #[test]
    fn broken_selectors_are_reported_not_used() {
        let (s, w) = select(json!({"selector": [
            {"type": "TextPositionSelector", "start": 9, "end": 4},
            {"type": "TextPositionSelector", "start": -1, "end": 4},
            {"type": "TextQuoteSelector", "prefix": "no exact"},
        ]}));
        assert!(s.is_empty());
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("TextPositionSelector"));
        assert!(w[2].contains("TextQuoteSelector"));
    }

    #[test]
    fn a_fragment_refined_by_a_quote_uses_the_quote() {
        let (s, _) = select(json!({"selector": {
            "type": "FragmentSelector", "value": "para5",
            "refinedBy": {"type": "TextQuoteSelector", "exact": "Selected Text"},
        }}));
        assert_eq!(s.quote.map(|q| q.exact), Some("Selected Text".into()));
        assert_eq!(s.position, None);
    }

    #[test]
    fn a_position_inside_an_unknown_fragment_is_not_taken_as_absolute() {
        let (s, _) = select(json!({"selector": {
            "type": "FragmentSelector", "value": "xpointer(/doc/p[1])",
            "refinedBy": {"type": "TextPositionSelector", "start": 6, "end": 27},
        }}));
        assert_eq!(s.position, None);
        assert_eq!(s.inside.as_deref(), Some("xpointer(/doc/p[1])"));
        let mut w = Vec::new();
        let err = choose_target(
            &json!({"selector": {
                "type": "FragmentSelector", "value": "xpointer(/doc/p[1])",
                "refinedBy": {"type": "TextPositionSelector", "start": 6, "end": 27},
            }}),
            &mut w,
        )
        .unwrap_err();
        assert!(err.contains("xpointer(/doc/p[1])"), "{err}");
    }

    #[test]
    fn an_rfc5147_fragment_is_a_position_and_refinements_count_from_it() {
        let (s, _) = select(json!({"selector": {"type": "FragmentSelector", "value": "char=10,20"}}));
        assert_eq!(s.position, Some((10, 20)));
        let (s, _) = select(json!({"selector": {
            "type": "FragmentSelector", "value": "char=10,40",
            "refinedBy": {"type": "TextPositionSelector", "start": 2, "end": 5},
        }}));
        assert_eq!(s.position, Some((12, 15)));
        assert_eq!(rfc5147_chars("char=5,3"), None);
        assert_eq!(rfc5147_chars("line=1,2"), None);
    }

    #[test]
    fn the_first_target_with_a_text_selector_wins_and_others_are_reported() {
        let mut w = Vec::new();
        let targets = json!([
            "http://example.org/page1",
            {"source": "a", "selector": {"type": "TextQuoteSelector", "exact": "one"}},
            {"source": "b", "selector": {"type": "TextQuoteSelector", "exact": "two"}},
        ]);
        let s = choose_target(&targets, &mut w).unwrap();
        assert_eq!(s.quote.map(|q| q.exact), Some("one".into()));
        assert_eq!(w, vec!["target 3 ignored: an annotation marks one place in the article".to_owned()]);
        let err = choose_target(&json!([{"id": "#a"}, {"id": "#b"}]), &mut w).unwrap_err();
        assert_eq!(err, "no target has a text selector (targets: #a, #b)");
    }

    #[test]
    fn bodies_are_sorted_by_purpose_or_motivation() {
        let item = json!({
            "motivation": "tagging",
            "body": [
                {"type": "TextualBody", "value": "Person"},
                {"type": "TextualBody", "value": "Place", "purpose": "tagging"},
                {"type": "TextualBody", "value": "looks right", "purpose": "commenting"},
                {"type": "TextualBody", "value": "Verified", "purpose": "assessing"},
                "http://example.org/comment1",
                {"type": "Choice", "items": [
                    {"type": "SpecificResource", "source": "http://example.org/audio"},
                    {"type": "TextualBody", "value": "in words", "purpose": "describing"},
                ]},
            ],
        });
        let mut w = Vec::new();
        let b = read_bodies(&item, &mut w);
        let tags: Vec<&str> = b.tags.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(tags, ["Person", "Place"], "a body without purpose takes the motivation");
        assert_eq!(b.notes, ["looks right", "http://example.org/comment1", "in words"]);
        assert_eq!(b.statuses, ["Verified"]);
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn a_body_value_without_motivation_is_a_note() {
        let r = run(
            "the Troy text",
            r#"{"type": "Annotation", "bodyValue": "a comment",
            "target": {"selector": {"type": "TextQuoteSelector", "exact": "Troy"}}}"#,
        );
        assert_eq!(r.annotations.len(), 1);
        let a = &r.annotations[0];
        assert_eq!(a.note(), Some("a comment"));
        assert_eq!(a.kind, Kind::Entity("Other".into()), "no tag: an entity of type Other");
        assert_eq!((a.start, a.end, a.exact.as_str()), (4, 8, "Troy"));
        assert_eq!((a.author.as_str(), a.created.as_str()), ("importer", "2026-11-28T10:15:00Z"));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn extra_tags_go_to_the_note_with_a_warning() {
        let r = run(
            "in Ithaca now",
            r#"{"type": "Annotation", "id": "x1",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Place"},
                     {"type": "TextualBody", "purpose": "tagging", "value": "Island"}],
            "target": {"selector": {"type": "TextQuoteSelector", "exact": "Ithaca"}}}"#,
        );
        let a = &r.annotations[0];
        assert_eq!(a.kind, Kind::Entity("Place".into()));
        assert_eq!(a.note(), Some("Tags: Island"));
        assert_eq!(
            r.warnings,
            [
                "in.json: annotation 1 (x1): more than one tag: the kind is \"Place\"; \"Island\" kept in the note"
            ]
        );
    }

    #[test]
    fn a_position_that_disagrees_with_the_quote_gives_way_to_it() {
        let text = "Ithaca and Ithaca again";
        let r = run(
            text,
            r##"[{"id": "#i", "type": "Annotation", "target": {"selector": [
            {"type": "TextQuoteSelector", "exact": "Ithaca", "prefix": "and "},
            {"type": "TextPositionSelector", "start": 11, "end": 18}]}}]"##,
        );
        let a = &r.annotations[0];
        assert_eq!((a.start, a.end, a.exact.as_str()), (11, 17, "Ithaca"));
        assert_eq!(
            r.warnings,
            [
                "in.json: annotation 1 (#i): position 11–18 says \"Ithaca \" but the quote is \"Ithaca\"; anchored by the quote"
            ]
        );
    }

    #[test]
    fn a_position_outside_the_article_is_skipped_or_replaced_by_the_quote() {
        let r = run(
            "short text",
            r#"[
            {"type": "Annotation", "target": {"selector": {"type": "TextPositionSelector", "start": 5, "end": 50}}},
            {"type": "Annotation", "target": {"selector": [{"type": "TextPositionSelector", "start": 5, "end": 50},
                                                           {"type": "TextQuoteSelector", "exact": "text"}]}}]"#,
        );
        assert_eq!(r.annotations.len(), 1);
        assert_eq!((r.annotations[0].start, r.annotations[0].exact.as_str()), (6, "text"));
        assert_eq!(
            r.warnings,
            [
                "in.json: annotation 1: position 5–50 is outside the article (10 code points); skipped",
                "in.json: annotation 2: position 5–50 is outside the article (10 code points); anchored by the quote",
            ]
        );
    }

    #[test]
    fn a_quote_missing_from_the_article_is_skipped_with_a_warning() {
        let r = run(
            "nothing relevant here at all",
            r#"{"type": "Annotation", "id": "q",
            "target": {"selector": {"type": "TextQuoteSelector", "exact": "Penelope weaving"}}}"#,
        );
        assert!(r.annotations.is_empty());
        assert_eq!(
            r.warnings,
            ["in.json: annotation 1 (q): the quote \"Penelope weaving\" is not in the article; skipped"]
        );
    }

    #[test]
    fn an_iri_target_is_skipped_with_a_warning() {
        let r = run("text", r#"{"type": "Annotation", "id": "a1", "target": "http://example.com/page1"}"#);
        assert!(r.annotations.is_empty());
        assert_eq!(
            r.warnings,
            [
                "in.json: annotation 1 (a1): no target has a text selector (targets: http://example.com/page1); skipped"
            ]
        );
    }

    #[test]
    fn invalid_json_names_the_file_line_and_column() {
        let art = Article::from_text("text");
        let err = import(
            &art,
            "[\n  {\"id\": }\n]",
            Path::new("bad.json"),
            NumberConvention::CommaThousands,
            &stamp(),
        )
        .unwrap_err();
        assert!(err.starts_with("bad.json:2:10: "), "{err}");
        let err =
            import(&art, "42", Path::new("n.json"), NumberConvention::CommaThousands, &stamp()).unwrap_err();
        assert_eq!(err, "n.json: not a W3C Annotation, AnnotationPage or AnnotationCollection");
    }

    #[test]
    fn a_collection_whose_page_is_elsewhere_is_an_error() {
        let art = Article::from_text("text");
        let json = r#"{"type": "AnnotationCollection", "first": "http://example.org/page1"}"#;
        let err =
            import(&art, json, Path::new("c.json"), NumberConvention::CommaThousands, &stamp()).unwrap_err();
        assert!(err.contains("http://example.org/page1"), "{err}");
    }

    #[test]
    fn creators_come_as_strings_or_objects() {
        assert_eq!(creator(&json!("ann")), Some("ann".into()));
        assert_eq!(creator(&json!({"id": "u1", "nickname": "nick"})), Some("nick".into()));
        assert_eq!(
            creator(&json!({"id": "u1", "name": "A. Person", "nickname": "nick"})),
            Some("A. Person".into())
        );
        assert_eq!(creator(&json!([{"id": "u1"}])), Some("u1".into()));
        assert_eq!(creator(&Value::Null), None);
    }

    #[test]
    fn a_statistic_keeps_a_cleared_value_through_export() {
        let text = "menuduh 8.000 kejahatan seks";
        let art = Article::from_text(text);
        let s = text.find("8.000").unwrap();
        let mut a = Annotation::new(
            &art,
            s..s + 5,
            Kind::Statistic { value: None, unit: Some("kasus".into()) },
            &stamp(),
        );
        a.author = "t".into();
        let body = kind_body(&art, &a, NumberConvention::DotThousands);
        assert_eq!(body[VALUE], Value::Null, "the text says 8000, so the cleared value is written as null");
        assert_eq!(body[UNIT], "kasus");
        let derived = kind_of("Statistic", &json!({}), &art, s..s + 5, NumberConvention::DotThousands);
        assert_eq!(derived, Kind::Statistic { value: Some(8000.0), unit: Some("kejahatan".into()) });
        let kept = kind_of("Statistic", &body, &art, s..s + 5, NumberConvention::DotThousands);
        assert_eq!(kept, a.kind);
    }

    #[test]
    fn a_speaker_link_to_an_annotation_of_the_same_file_is_resolved() {
        let text = "Clegg said \"no\" today";
        let json = r##"[
            {"id": "#quote", "type": "Annotation",
             "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Quote"},
                      {"type": "SpecificResource", "purpose": "describing", "source": "#who", "marginote:role": "speaker"}],
             "target": {"selector": {"type": "TextQuoteSelector", "exact": "\"no\""}}},
            {"id": "#who", "type": "Annotation",
             "body": {"type": "TextualBody", "purpose": "tagging", "value": "Person"},
             "target": {"selector": {"type": "TextQuoteSelector", "exact": "Clegg"}}}]"##;
        let r = run(text, json);
        assert_eq!(r.annotations.len(), 2);
        assert_eq!(
            r.annotations[0].kind,
            Kind::Quote { speaker: Some(Speaker::Entity(r.annotations[1].id.to_string())) }
        );
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }
}
