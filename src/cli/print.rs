//! The subcommands that print: `list`, `suggest` and `check`. None writes a file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::print_out;
use crate::core::document::Document;
use crate::core::export;

/// `marginote check`: the problems of every article on standard output (as
/// each is checked, or as one JSON array at the end), a summary and what
/// could not be read on standard error; exit code 2 when something could
/// not be read, else 1 when there are problems, else 0.
pub(super) fn check(articles: &[PathBuf], json: bool) -> ExitCode {
    use crate::core::check::{check_file, summary};
    let (mut all, mut with_problems, mut unreadable) = (Vec::new(), 0, 0);
    let mut said = std::collections::HashSet::new();
    let mut out_error = None;
    for article in articles {
        match check_file(article) {
            Ok(found) => {
                with_problems += usize::from(!found.is_empty());
                let text: String = found.iter().map(|f| format!("{f}\n")).collect();
                if !json {
                    out_error = out_error.or(print_out(&text).err());
                }
                all.extend(found);
            }
            Err(e) => {
                unreadable += 1;
                // A schema shared by many articles is reported once.
                if said.insert(e.clone()) {
                    eprintln!("marginote: {e}");
                }
            }
        }
    }
    if json {
        let text = serde_json::to_string_pretty(&all).expect("findings always serialize") + "\n";
        out_error = print_out(&text).err();
    }
    eprintln!("marginote: {}", summary(all.len(), with_problems, articles.len(), unreadable));
    if let Some(e) = &out_error {
        eprintln!("marginote: {e}");
    }
    match (unreadable > 0 || out_error.is_some(), all.is_empty()) {
        (true, _) => ExitCode::from(2),
        (false, false) => ExitCode::FAILURE,
        (false, true) => ExitCode::SUCCESS,
    }
}

pub(super) fn suggest(article: &Path, json: bool) -> Result<(), String> {
    let doc = Document::open(article)?;
    if let Some(e) = &doc.load_error {
        return Err(e.to_string());
    }
    let art = &doc.article;
    let found = crate::core::suggest::suggest(&doc);
    let stamp = crate::core::annotation::Stamp::now(Some("marginote"));
    let as_annotations: Vec<crate::core::annotation::Annotation> = found
        .into_iter()
        .map(|s| {
            crate::core::annotation::Annotation::new(
                art,
                s.bytes(),
                std::sync::Arc::unwrap_or_clone(s.kind),
                &stamp,
            )
        })
        .collect();
    // A speaker links to an annotation of the file, not to another suggestion.
    let records: Vec<export::Record> =
        as_annotations.iter().map(|a| export::record(a, doc.annotations(), None)).collect();
    if json {
        return print_out(&(serde_json::to_string_pretty(&records).map_err(|e| e.to_string())? + "\n"));
    }
    let mut out = String::new();
    for r in records {
        let detail = r.entity_type.or(r.speaker.map(|s| format!("speaker: {s}"))).unwrap_or_default();
        out += &format!("{:>6}-{:<6} {:<9} {:?} {detail}\n", r.start, r.end, r.kind, r.exact);
    }
    print_out(&out)
}

pub(super) fn list(article: &Path, json: bool) -> Result<(), String> {
    let doc = Document::open(article)?;
    if let Some(e) = &doc.load_error {
        return Err(e.to_string());
    }
    let annotations = doc.annotations();
    let placements = doc.reanchor();
    let placements = placements.as_deref();
    if json {
        return print_out(&(export::to_json(annotations, placements) + "\n"));
    }
    let mut out = String::new();
    for (i, a) in annotations.iter().enumerate() {
        let r = export::record(a, annotations, placements.and_then(|p| p.get(i)));
        let detail = r.entity_type.or(r.speaker.map(|s| format!("speaker: {s}"))).unwrap_or_default();
        let anchor = if r.anchor == "exact" { String::new() } else { format!("  [{}]", r.anchor) };
        out += &format!(
            "{:>6}-{:<6} {:<9} {:<11} {:?} {detail}{anchor}\n",
            r.start, r.end, r.kind, r.status, r.exact
        );
    }
    print_out(&out)
}
