//! Flat records of annotations for scripts: `marginote list --json`.

use serde::Serialize;

use super::anchor::{Anchor, Placement};
use super::annotation::{Annotation, Kind, Speaker};

/// One annotation as `list --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub id: String,
    /// `"quote"`, `"entity"` or `"statistic"`.
    pub kind: &'static str,
    /// The entity type as written in the file, or null.
    #[serde(rename = "type")]
    pub entity_type: Option<String>,
    pub start: usize,
    pub end: usize,
    pub exact: String,
    pub note: Option<String>,
    pub source: Option<String>,
    pub status: String,
    /// The speaker's name: the linked entity's text, or the free text.
    pub speaker: Option<String>,
    /// The id of the linked speaker entity, when the speaker is one.
    pub speaker_id: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub author: String,
    pub created: String,
    pub modified: String,
    /// How the annotation fits the article now: `"exact"`, `"moved"`, `"fuzzy"` or `"orphaned"`.
    pub anchor: &'static str,
    /// For `"fuzzy"`: the match score (0–1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// The speaker of a quote as a display name, resolving entity links in `all`.
/// A scan of `all`: for one name; many go through an index
/// ([`Document::speaker_name`](super::document::Document::speaker_name)).
pub fn speaker_name(speaker: &Speaker, all: &[Annotation]) -> String {
    speaker.name(|id| all.iter().find(|a| a.id == id))
}

/// Flatten one annotation; `placement` says where it landed when the
/// article changed (`None`: it did not, the annotation is exact).
pub fn record(a: &Annotation, all: &[Annotation], placement: Option<&Placement>) -> Record {
    let anchor = placement.map_or(Anchor::Exact, |p| p.anchor.clone());
    let (speaker, speaker_id, value, unit) = match &a.kind {
        Kind::Quote { speaker: Some(s) } => {
            let id = match s {
                Speaker::Entity(id) => Some(id.clone()),
                Speaker::Text(_) => None,
            };
            (Some(speaker_name(s, all)), id, None, None)
        }
        Kind::Statistic { value, unit } => (None, None, *value, unit.clone()),
        _ => (None, None, None, None),
    };
    Record {
        id: a.id.to_string(),
        kind: a.kind.name(),
        entity_type: a.kind.entity_type().map(str::to_owned),
        start: a.start,
        end: a.end,
        exact: a.exact.to_string(),
        note: a.note().map(str::to_owned),
        source: a.source().map(str::to_owned),
        status: a.status.name().to_owned(),
        speaker,
        speaker_id,
        value,
        unit,
        author: a.author.to_string(),
        created: a.created.to_string(),
        modified: a.modified.to_string(),
        anchor: anchor.name(),
        score: match anchor {
            Anchor::Fuzzy(s) => Some(s),
            _ => None,
        },
    }
}

/// All annotations as a pretty JSON array, with their anchor states.
pub fn to_json(all: &[Annotation], placements: Option<&[Placement]>) -> String {
    let records: Vec<Record> =
        all.iter().enumerate().map(|(i, a)| record(a, all, placements.and_then(|p| p.get(i)))).collect();
    serde_json::to_string_pretty(&records).expect("records always serialize")
}

/// The annotation file with every annotation where it lands in the article
/// now (moved and fuzzy ones at their new place), for exports; orphaned
/// annotations are left out and returned.
pub fn placed(doc: &super::document::Document) -> (super::store::AnnotationFile, Vec<Annotation>) {
    let mut file = doc.file().clone();
    let Some(placements) = doc.reanchor() else { return (file, Vec::new()) };
    let mut orphans = Vec::new();
    let mut kept = Vec::with_capacity(file.annotations.len());
    for (mut a, p) in file.annotations.into_iter().zip(placements) {
        match p.bytes {
            Some(bytes) => {
                a.set_span(&doc.article, bytes);
                kept.push(a);
            }
            None => orphans.push(a),
        }
    }
    super::annotation::sort(&mut kept);
    file.annotations = kept;
    (file, orphans)
}
