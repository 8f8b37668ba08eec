//! The matches of a search, kept small: a common word has hundreds of
//! thousands in a book ("the": 757,680 in the 50 MB test text), and they
//! are kept while the search stands (highlighted, counted, walked with
//! `n`). Each is 8 bytes, not a 16-byte `Range`: the start in the high 40
//! bits, the length in the low 24. Should one not fit (a text over 1 TiB, a
//! match over 16 MiB), all are kept as ranges instead.

use std::ops::Range;

/// Bits for a match's length.
const LEN_BITS: u32 = 24;

/// Matches in text order, each starting at or after the end of the one
/// before (see [`Matches::apart`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matches(Store);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Store {
    Packed(Vec<u64>),
    Ranges(Vec<Range<usize>>),
}

impl Default for Matches {
    fn default() -> Matches {
        Matches(Store::Packed(Vec::new()))
    }
}

fn pack(r: &Range<usize>) -> Option<u64> {
    let (start, len) = (u64::try_from(r.start).ok()?, u64::try_from(r.len()).ok()?);
    (start < 1 << (64 - LEN_BITS) && len < 1 << LEN_BITS).then_some(start << LEN_BITS | len)
}

fn unpack(p: u64) -> Range<usize> {
    // Only what `pack` made: both parts fit the usize they came from.
    let start = (p >> LEN_BITS) as usize;
    start..start + (p & ((1 << LEN_BITS) - 1)) as usize
}

impl Matches {
    /// The matches of `all` (in text order) that start after the one
    /// before ends, at their size.
    pub fn apart(all: impl IntoIterator<Item = Range<usize>>) -> Matches {
        let mut m = Matches::default();
        m.extend(all);
        m
    }

    /// Add `more` (in text order, after what is here) as [`Matches::apart`]
    /// does, and give back the room left over.
    pub fn extend(&mut self, more: impl IntoIterator<Item = Range<usize>>) {
        for r in more {
            self.push(r);
        }
        match &mut self.0 {
            Store::Packed(v) => v.shrink_to_fit(),
            Store::Ranges(v) => v.shrink_to_fit(),
        }
    }

    /// Add `r` unless it starts before the last one ends.
    fn push(&mut self, r: Range<usize>) {
        if self.len().checked_sub(1).and_then(|i| self.get(i)).is_some_and(|last| r.start < last.end) {
            return;
        }
        match &mut self.0 {
            Store::Packed(v) => match pack(&r) {
                Some(p) => v.push(p),
                None => {
                    let mut ranges: Vec<Range<usize>> = v.iter().map(|&p| unpack(p)).collect();
                    ranges.push(r);
                    self.0 = Store::Ranges(ranges);
                }
            },
            Store::Ranges(v) => v.push(r),
        }
    }

    /// How many.
    pub fn len(&self) -> usize {
        match &self.0 {
            Store::Packed(v) => v.len(),
            Store::Ranges(v) => v.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th match.
    pub fn get(&self, i: usize) -> Option<Range<usize>> {
        match &self.0 {
            Store::Packed(v) => v.get(i).map(|&p| unpack(p)),
            Store::Ranges(v) => v.get(i).cloned(),
        }
    }

    /// The index of the first match for which `pred` is false, `pred`
    /// being true for a first part of the list (binary search, as
    /// [`slice::partition_point`]).
    pub fn partition_point(&self, pred: impl Fn(&Range<usize>) -> bool) -> usize {
        match &self.0 {
            Store::Packed(v) => v.partition_point(|&p| pred(&unpack(p))),
            Store::Ranges(v) => v.partition_point(pred),
        }
    }

    /// The matches with indices in `which`, in order.
    pub fn range(&self, which: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
        which.map_while(|i| self.get(i))
    }

    /// All of them, in order.
    pub fn iter(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.range(0..self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_starts_after_the_one_before_ends_in_eight_bytes_each() {
        let m = Matches::apart([0..3, 2..5, 3..6, 5..9, 6..7, 40..41]);
        assert_eq!(m.iter().collect::<Vec<_>>(), [0..3, 3..6, 6..7, 40..41]);
        assert!(matches!(&m.0, Store::Packed(v) if v.len() == 4 && v.capacity() == 4));
        assert_eq!(m.partition_point(|r| r.end <= 6), 2);
        assert_eq!(m.range(1..3).collect::<Vec<_>>(), [3..6, 6..7]);
        assert_eq!(m.get(4), None);
        assert!(Matches::default().is_empty());
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn one_that_does_not_fit_turns_all_into_ranges() {
        let long = 10..10 + (1 << LEN_BITS);
        let m = Matches::apart([0..3, long.clone(), usize::MAX - 1..usize::MAX]);
        assert!(matches!(m.0, Store::Ranges(_)));
        assert_eq!(m.iter().collect::<Vec<_>>(), [0..3, long, usize::MAX - 1..usize::MAX]);
        let far = 1usize << 41;
        let mut m = Matches::apart(std::iter::once(far..far + 2));
        m.extend([far + 1..far + 4, far + 2..far + 4]);
        assert_eq!(m.iter().collect::<Vec<_>>(), [far..far + 2, far + 2..far + 4]);
    }

    proptest::proptest! {
        #[test]
        fn packed_and_plain_agree(gaps in proptest::collection::vec((0usize..1 << 30, 0usize..1 << 25), 0..60)) {
            let mut at = 0;
            let ranges: Vec<Range<usize>> = gaps
                .iter()
                .map(|&(gap, len)| {
                    at += gap;
                    at..at + len
                })
                .collect();
            let mut kept: Vec<Range<usize>> = ranges.clone();
            kept.dedup_by(|r, before| r.start < before.end);
            let m = Matches::apart(ranges);
            proptest::prop_assert_eq!(m.iter().collect::<Vec<_>>(), kept.clone());
            for probe in [0, 1 << 20, 1 << 30, 1 << 34] {
                proptest::prop_assert_eq!(
                    m.partition_point(|r| r.start < probe),
                    kept.partition_point(|r| r.start < probe)
                );
            }
        }
    }
}
