//! W3C Web Annotation (JSON-LD): import and export.
