//! Flat records of annotations for scripts: `marginote list --json`.

use serde::Serialize;

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
}

/// The speaker of a quote as a display name, resolving entity links in `all`.
pub fn speaker_name(speaker: &Speaker, all: &[Annotation]) -> String {
    match speaker {
        Speaker::Text(t) => t.clone(),
        Speaker::Entity(id) => {
            all.iter().find(|a| &a.id == id).map_or_else(|| format!("(missing {id})"), |a| a.exact.clone())
        }
    }
}

/// Flatten one annotation.
pub fn record(a: &Annotation, all: &[Annotation]) -> Record {
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
        id: a.id.clone(),
        kind: a.kind.name(),
        entity_type: a.kind.entity_type().map(str::to_owned),
        start: a.start,
        end: a.end,
        exact: a.exact.clone(),
        note: a.note.clone(),
        source: a.source.clone(),
        status: a.status.name().to_owned(),
        speaker,
        speaker_id,
        value,
        unit,
        author: a.author.clone(),
        created: a.created.clone(),
        modified: a.modified.clone(),
    }
}

/// All annotations as a pretty JSON array.
pub fn to_json(all: &[Annotation]) -> String {
    let records: Vec<Record> = all.iter().map(|a| record(a, all)).collect();
    serde_json::to_string_pretty(&records).expect("records always serialize")
}
