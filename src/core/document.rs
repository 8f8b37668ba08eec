//! A document: an article, its annotation file, and the undo history.
//!
//! Every change to the annotations goes through [`Document::change`], which
//! records an undo snapshot and keeps the list in document order. Nothing
//! here writes to disk except [`Document::save`], which the app loop calls.

use std::path::{Path, PathBuf};

use super::annotation::{Annotation, sort};
use super::history::History;
use super::numbers::infer_convention;
use super::store::{self, AnnotationFile, LoadError};
use super::text::Article;

/// Undo steps kept per session.
const UNDO_LIMIT: usize = 1000;

/// An open article with its annotations.
#[derive(Debug, Clone)]
pub struct Document {
    /// The article file.
    pub path: PathBuf,
    /// Its annotation file (`<article>.annotations.ron`).
    pub ann_path: PathBuf,
    /// The article text.
    pub article: Article,
    file: AnnotationFile,
    history: History<AnnotationFile>,
    /// Why saving is refused (the annotation file could not be read), if it is.
    pub load_error: Option<LoadError>,
    /// Whether there are changes not yet written.
    pub dirty: bool,
}

impl Document {
    /// Open an article and its annotation file. A bad annotation file does not
    /// stop the article from opening: the document is then read-only.
    pub fn open(path: &Path) -> Result<Document, String> {
        let article = Article::open(path)?;
        let ann_path = store::annotations_path(path);
        let (file, load_error) = match store::load(&ann_path) {
            Ok(Some(file)) => (file, None),
            Ok(None) => (AnnotationFile::new(path, &article, infer_convention(article.text())), None),
            Err(e) => (AnnotationFile::new(path, &article, infer_convention(article.text())), Some(e)),
        };
        Ok(Document::from_parts(path.to_owned(), ann_path, article, file, load_error))
    }

    /// Build a document from parts already in memory (tests, benchmarks).
    pub fn from_parts(
        path: PathBuf,
        ann_path: PathBuf,
        article: Article,
        mut file: AnnotationFile,
        load_error: Option<LoadError>,
    ) -> Document {
        sort(&mut file.annotations);
        Document {
            path,
            ann_path,
            article,
            file,
            history: History::new(UNDO_LIMIT),
            load_error,
            dirty: false,
        }
    }

    /// A document over text in memory, with no annotations (tests).
    pub fn scratch(name: &str, text: &str) -> Document {
        let path = PathBuf::from(name);
        let article = Article::from_text(text);
        let file = AnnotationFile::new(&path, &article, infer_convention(text));
        Document::from_parts(path.clone(), store::annotations_path(&path), article, file, None)
    }

    /// The annotation file as it stands.
    pub fn file(&self) -> &AnnotationFile {
        &self.file
    }

    /// The annotations in document order.
    pub fn annotations(&self) -> &[Annotation] {
        &self.file.annotations
    }

    /// Whether saving is refused.
    pub fn read_only(&self) -> bool {
        self.load_error.is_some()
    }

    /// Apply a change to the annotation file, with an undo step. The list is
    /// re-sorted afterwards.
    pub fn change(&mut self, f: impl FnOnce(&mut AnnotationFile)) {
        let before = self.file.clone();
        f(&mut self.file);
        sort(&mut self.file.annotations);
        if self.file != before {
            self.history.record(before);
            self.dirty = true;
        }
    }

    /// Undo the last change; false when there is none.
    pub fn undo(&mut self) -> bool {
        match self.history.undo(self.file.clone()) {
            Some(prev) => {
                self.file = prev;
                self.dirty = true;
                true
            }
            None => false,
        }
    }

    /// Redo the last undone change; false when there is none.
    pub fn redo(&mut self) -> bool {
        match self.history.redo(self.file.clone()) {
            Some(next) => {
                self.file = next;
                self.dirty = true;
                true
            }
            None => false,
        }
    }

    /// Index of the annotation with `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.file.annotations.iter().position(|a| a.id == id)
    }

    /// How many annotations no longer match the text at their offsets.
    pub fn mismatched(&self) -> usize {
        self.file.annotations.iter().filter(|a| !a.matches(&self.article)).count()
    }

    /// The RON text that [`Document::save`] writes.
    pub fn to_ron(&self) -> String {
        self.file.to_ron()
    }

    /// Write the annotation file atomically. Refused when the file on disk
    /// could not be read (it would be lost).
    pub fn save(&mut self) -> Result<(), String> {
        if let Some(e) = &self.load_error {
            return Err(format!("not saved: {e} (read-only; see README: start fresh)"));
        }
        store::write_atomic(&self.ann_path, self.to_ron().as_bytes())
            .map_err(|e| format!("not saved: {}: {e}", self.ann_path.display()))?;
        self.dirty = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::{Kind, Stamp};

    #[test]
    fn change_undo_redo_round_trip() {
        let mut doc = Document::scratch("a.txt", "Meta and Facebook");
        let original = doc.to_ron();
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        let art = doc.article.clone();
        doc.change(|f| {
            f.annotations.push(Annotation::new(&art, 9..17, Kind::Entity("Organization".into()), &stamp))
        });
        doc.change(|f| {
            f.annotations.push(Annotation::new(&art, 0..4, Kind::Entity("Organization".into()), &stamp))
        });
        assert_eq!(doc.annotations()[0].exact, "Meta", "kept in document order");
        assert!(doc.undo());
        assert!(doc.undo());
        assert!(!doc.undo());
        assert_eq!(doc.to_ron(), original);
        assert!(doc.redo());
        assert_eq!(doc.annotations().len(), 1);
    }

    #[test]
    fn a_change_that_changes_nothing_is_not_an_undo_step() {
        let mut doc = Document::scratch("a.txt", "x");
        doc.change(|_| {});
        assert!(!doc.undo());
        assert!(!doc.dirty);
    }
}
