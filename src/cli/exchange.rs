//! `marginote export` and `marginote import`: other formats out and in.

use std::path::Path;

use super::{ExportFormat, ImportFormat, print_out, readable};
use crate::core::export;
use crate::core::store;

/// The article as a `file://` IRI (what a W3C target's `source` names).
fn source_iri(article: &Path) -> String {
    let path = std::fs::canonicalize(article).unwrap_or_else(|_| article.to_owned());
    let mut iri = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => iri.push(b as char),
            _ => iri += &format!("%{b:02X}"),
        }
    }
    iri
}

pub(super) fn export_to(
    article: &Path,
    format: Option<ExportFormat>,
    output: Option<&Path>,
) -> Result<(), String> {
    let format = format.or_else(|| output.and_then(ExportFormat::from_extension)).ok_or_else(|| {
        "say which format with --format brat|w3c|csv|markdown|json (or give -o a file ending in .ann, .jsonld, .csv, .md or .json)"
            .to_owned()
    })?;
    let doc = readable(article)?;
    if let Some(out) = output {
        let same = |p: &Path| {
            std::fs::canonicalize(p).ok().is_some_and(|p| std::fs::canonicalize(out).ok() == Some(p))
        };
        if same(article) || same(&doc.ann_path) {
            return Err(format!("{}: will not overwrite the article or its annotation file", out.display()));
        }
    }
    let (file, orphans) = export::placed(&doc);
    for a in &orphans {
        eprintln!("marginote: left out (orphaned: the article changed and its text is gone): {:?}", a.exact);
    }
    let art = &doc.article;
    let text = match format {
        ExportFormat::Brat => {
            let out = crate::core::brat::export(art, &file);
            for w in &out.warnings {
                eprintln!("marginote: {w}");
            }
            out.text
        }
        ExportFormat::Json => {
            let (all, placements) = (doc.annotations(), doc.reanchor());
            export::to_json(all, placements.as_deref()) + "\n"
        }
        ExportFormat::W3c => crate::core::w3c::export(art, &file, &source_iri(article)) + "\n",
        ExportFormat::Csv => crate::core::report::csv(art, &file),
        ExportFormat::Markdown => crate::core::report::markdown(art, &file),
    };
    match output {
        None => print_out(&text),
        Some(out) => store::write_atomic(out, text.as_bytes()).map_err(|e| format!("{}: {e}", out.display())),
    }
}

pub(super) fn import_from(
    article: &Path,
    from: &Path,
    format: Option<ImportFormat>,
    merge: bool,
) -> Result<(), String> {
    let format = format.or_else(|| ImportFormat::from_extension(from)).ok_or_else(|| {
        format!("{}: say which format with --format brat|w3c (the extension does not tell)", from.display())
    })?;
    let mut doc = readable(article)?;
    let existing = doc.annotations().len();
    if existing > 0 && !merge {
        return Err(format!(
            "{} already has {existing} annotations; nothing was written. Pass --merge to add the imported ones to them",
            doc.ann_path.display()
        ));
    }
    let input = std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
    let input = String::from_utf8(input).map_err(|e| {
        let (line, column) = crate::core::text::line_col(e.as_bytes(), e.utf8_error().valid_up_to());
        format!("{}:{line}:{column}: not valid UTF-8", from.display())
    })?;
    let stamp = crate::core::annotation::Stamp::now(None);
    let conv = doc.file().article.numbers;
    let (annotations, standoff, warnings) = match format {
        ImportFormat::Brat => {
            let got = crate::core::brat::import(&doc.article, &input, conv, &stamp);
            let warnings: Vec<String> = got
                .warnings
                .iter()
                .map(|w| match w.line {
                    0 => format!("{}: {}", from.display(), w.message),
                    n => format!("{}:{n}: {}", from.display(), w.message),
                })
                .collect();
            (got.annotations, got.standoff, warnings)
        }
        ImportFormat::W3c => {
            let got = crate::core::w3c::import(&doc.article, &input, from, conv, &stamp)?;
            (got.annotations, Vec::new(), got.warnings)
        }
    };
    for w in &warnings {
        eprintln!("marginote: {w}");
    }
    let mut added = None;
    doc.change(|f| added = Some(crate::core::import::add(f, annotations, standoff)));
    let added = added.expect("change runs its closure");
    for c in doc.save()? {
        eprintln!("marginote: {}", c.note);
    }
    let mut said = format!("imported {} annotations into {}", added.added, doc.ann_path.display());
    if added.duplicates > 0 {
        said +=
            &format!("; {} were already there ({} given fields they lacked)", added.duplicates, added.filled);
    }
    if added.lines > 0 {
        said += &format!("; {} other brat lines kept for export", added.lines);
    }
    if !warnings.is_empty() {
        said += &format!("; {} warnings above", warnings.len());
    }
    eprintln!("marginote: {said}");
    Ok(())
}
