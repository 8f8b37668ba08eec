//! brat standoff (`.ann` beside a `.txt`): import into annotations and
//! export back, losing nothing.
//!
//! Mapping (offsets are code points, as in marginote):
//!
//! | brat | marginote |
//! |---|---|
//! | `T` with type `Quote` / `Statistic` | a quote / a statistic |
//! | `T` with any other type (`Person`, `Organization`, `Place`, `Other`, `Protein`, …) | an entity of that type, kept verbatim |
//! | `T` fragments `0 6;19 26` | [`Annotation::fragments`], in the order given |
//! | `A Status T1 Verified` | the review status (`Unreviewed` writes nothing) |
//! | `A Value T1 12.5`, `#1 Unit T1\tpersen` | a statistic's value and unit, when they differ from what the text says |
//! | `#1 AnnotatorNotes T1\ttext` | the note, one line per note line |
//! | `#1 Source T1\ttext` | the source |
//! | `R1 Speaker Arg1:T1 Arg2:T2` | the quote T1 was said by the entity T2 |
//! | `#1 Speaker T1\ttext` | the quote T1 was said by someone not tagged |
//! | every other line (`E`, `N`, `*`, other `R`, `A`, `M`, `#`) | a [`Standoff`] line kept in the file and written back |

use serde::{Deserialize, Serialize};

/// A brat line marginote has no kind for (an event, a relation, a
/// normalisation, an equivalence, an attribute or a note on one of those),
/// kept in the annotation file so that an export gives it back. References
/// to annotations are by annotation id, so they survive edits; a line whose
/// annotation was deleted is left out of the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standoff {
    /// Its brat id (`E1`, `R3`, `N2`, `#4`, or `*` for equivalences).
    pub id: String,
    /// The second column, word by word.
    pub fields: Vec<Field>,
    /// The third column (a note's text, a normalisation's name), if any.
    pub text: Option<String>,
}

/// One word of a [`Standoff`] line's second column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// A type, an attribute value, a database key: written as is.
    Word(String),
    /// An annotation, by id, with its role (`Arg1`, `Theme`) if it has one.
    Annotation(Option<String>, String),
    /// Another kept line, by brat id, with its role if it has one.
    Line(Option<String>, String),
}
