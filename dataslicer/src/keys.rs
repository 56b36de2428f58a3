//! Sets of primary key values, held compactly and in a stable order.

use crate::model::KeyKind;
use roaring::RoaringTreemap;
use std::collections::BTreeSet;

/// A set of integer keys, sorted: a compressed bitmap (roaring), about
/// 2 bytes a key where keys are dense (Django's serial ids) and at most
/// about 8 where they are sparse, against 20 to 40 in a `BTreeSet<i64>`.
#[derive(Clone, Default, PartialEq)]
pub struct IntKeys(RoaringTreemap);

/// `i64` to `u64` preserving order, so that the bitmap iterates in key order.
fn to_bits(k: i64) -> u64 {
    (k as u64) ^ (1 << 63)
}

fn from_bits(b: u64) -> i64 {
    (b ^ (1 << 63)) as i64
}

impl Eq for IntKeys {}

impl std::fmt::Debug for IntKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl IntKeys {
    /// Adds a key; returns whether it was new.
    pub fn insert(&mut self, k: i64) -> bool {
        self.0.insert(to_bits(k))
    }

    /// Whether the set holds `k`.
    pub fn contains(&self, k: &i64) -> bool {
        self.0.contains(to_bits(*k))
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.0.len() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys in order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        self.0.iter().map(from_bits)
    }
}

impl IntKeys {
    /// The keys as runs of consecutive integers, `(first, last)`, in order.
    pub fn runs(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        let mut keys = self.iter().peekable();
        std::iter::from_fn(move || {
            let first = keys.next()?;
            let mut last = first;
            while let Some(&next) = keys.peek() {
                if last.checked_add(1) != Some(next) {
                    break;
                }
                last = next;
                keys.next();
            }
            Some((first, last))
        })
    }
}

impl FromIterator<i64> for IntKeys {
    fn from_iter<I: IntoIterator<Item = i64>>(iter: I) -> Self {
        let mut keys = IntKeys::default();
        for k in iter {
            keys.insert(k);
        }
        keys
    }
}

/// One query's share of a [`KeySet`]: see [`KeySet::batches`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Batch {
    /// Every integer from the first to the second, both included.
    Range(i64, i64),
    /// These keys.
    Keys(KeySet),
}

/// A set of keys of one table: integers, text or UUIDs, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySet {
    /// `smallint`, `integer` and `bigint` keys.
    Int(IntKeys),
    /// Text keys.
    Text(BTreeSet<String>),
    /// UUID keys.
    Uuid(BTreeSet<u128>),
}

/// One key value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// An integer key.
    Int(i64),
    /// A text key.
    Text(String),
    /// A UUID key.
    Uuid(u128),
}

impl Key {
    /// Parses a key from its PostgreSQL text form.
    pub fn parse(kind: KeyKind, text: &str) -> Option<Key> {
        match kind {
            KeyKind::Int => text.parse().ok().map(Key::Int),
            KeyKind::Text => Some(Key::Text(text.to_string())),
            KeyKind::Uuid => parse_uuid(text).map(Key::Uuid),
        }
    }
}

impl KeySet {
    /// An empty set of this kind.
    pub fn new(kind: KeyKind) -> Self {
        match kind {
            KeyKind::Int => KeySet::Int(IntKeys::default()),
            KeyKind::Text => KeySet::Text(BTreeSet::new()),
            KeyKind::Uuid => KeySet::Uuid(BTreeSet::new()),
        }
    }

    /// A set of integer keys.
    pub fn from_ints(keys: impl IntoIterator<Item = i64>) -> Self {
        KeySet::Int(keys.into_iter().collect())
    }

    /// A set of text keys.
    pub fn from_texts<S: Into<String>>(keys: impl IntoIterator<Item = S>) -> Self {
        KeySet::Text(keys.into_iter().map(Into::into).collect())
    }

    /// The kind of keys held.
    pub fn kind(&self) -> KeyKind {
        match self {
            KeySet::Int(_) => KeyKind::Int,
            KeySet::Text(_) => KeyKind::Text,
            KeySet::Uuid(_) => KeyKind::Uuid,
        }
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        match self {
            KeySet::Int(s) => s.len(),
            KeySet::Text(s) => s.len(),
            KeySet::Uuid(s) => s.len(),
        }
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds a key; returns whether it was new. A key of another kind is
    /// ignored (the model's types are checked before any key is read).
    pub fn insert(&mut self, key: Key) -> bool {
        match (self, key) {
            (KeySet::Int(s), Key::Int(k)) => s.insert(k),
            (KeySet::Text(s), Key::Text(k)) => s.insert(k),
            (KeySet::Uuid(s), Key::Uuid(k)) => s.insert(k),
            _ => false,
        }
    }

    /// Whether the set holds the key.
    pub fn contains(&self, key: &Key) -> bool {
        match (self, key) {
            (KeySet::Int(s), Key::Int(k)) => s.contains(k),
            (KeySet::Text(s), Key::Text(k)) => s.contains(k),
            (KeySet::Uuid(s), Key::Uuid(k)) => s.contains(k),
            _ => false,
        }
    }

    /// Whether the set holds the key written as PostgreSQL prints it.
    pub fn contains_text(&self, text: &str) -> bool {
        match self {
            KeySet::Int(s) => text.parse().is_ok_and(|k| s.contains(&k)),
            KeySet::Text(s) => s.contains(text),
            KeySet::Uuid(s) => parse_uuid(text).is_some_and(|k| s.contains(&k)),
        }
    }

    /// The keys in order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = Key> + '_> {
        match self {
            KeySet::Int(s) => Box::new(s.iter().map(Key::Int)),
            KeySet::Text(s) => Box::new(s.iter().map(|k| Key::Text(k.clone()))),
            KeySet::Uuid(s) => Box::new(s.iter().map(|k| Key::Uuid(*k))),
        }
    }

    /// Calls `f(index, text)` for each key in order, with the key as
    /// PostgreSQL writes it.
    pub fn for_each_text(&self, mut f: impl FnMut(usize, &str)) {
        match self {
            KeySet::Int(s) => {
                let mut buf = String::new();
                for (i, k) in s.iter().enumerate() {
                    buf.clear();
                    use std::fmt::Write;
                    let _ = write!(buf, "{k}");
                    f(i, &buf);
                }
            }
            KeySet::Text(s) => s.iter().enumerate().for_each(|(i, k)| f(i, k)),
            KeySet::Uuid(s) => s
                .iter()
                .enumerate()
                .for_each(|(i, k)| f(i, &format_uuid(*k))),
        }
    }

    /// The keys in order, split into sets of at most `size`.
    pub fn chunks(&self, size: usize) -> Vec<KeySet> {
        let size = size.max(1);
        let mut out = Vec::new();
        let mut current = KeySet::new(self.kind());
        for key in self.iter() {
            current.insert(key);
            if current.len() == size {
                out.push(std::mem::replace(&mut current, KeySet::new(self.kind())));
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
        out
    }

    /// The keys in order, for queries: sets of at most `size` keys, except
    /// that a run of at least `size` consecutive integers is one
    /// [`Batch::Range`], however long (a whole table's keys are one range,
    /// and one query).
    pub fn batches(&self, size: usize) -> Vec<Batch> {
        let size = size.max(1);
        let KeySet::Int(ints) = self else {
            return self.chunks(size).into_iter().map(Batch::Keys).collect();
        };
        let mut out = Vec::new();
        let mut pending = KeySet::new(KeyKind::Int);
        let end_run = |out: &mut Vec<Batch>, pending: &mut KeySet, start: i64, end: i64| {
            if (end - start) as u128 + 1 >= size as u128 {
                if !pending.is_empty() {
                    out.push(Batch::Keys(std::mem::replace(
                        pending,
                        KeySet::new(KeyKind::Int),
                    )));
                }
                out.push(Batch::Range(start, end));
                return;
            }
            for k in start..=end {
                pending.insert(Key::Int(k));
                if pending.len() == size {
                    out.push(Batch::Keys(std::mem::replace(
                        pending,
                        KeySet::new(KeyKind::Int),
                    )));
                }
            }
        };
        for (start, end) in ints.runs() {
            end_run(&mut out, &mut pending, start, end);
        }
        if !pending.is_empty() {
            out.push(Batch::Keys(pending));
        }
        out
    }

    /// Adds every key of `other` that is new here, and returns those.
    pub fn merge_new(&mut self, other: KeySet) -> KeySet {
        if let (KeySet::Int(mine), KeySet::Int(theirs)) = (&mut *self, &other) {
            let added = &theirs.0 - &mine.0;
            mine.0 |= &added;
            return KeySet::Int(IntKeys(added));
        }
        let mut added = KeySet::new(self.kind());
        for key in other.iter() {
            if self.insert(key.clone()) {
                added.insert(key);
            }
        }
        added
    }

    /// The same keys held as another kind: integers as their text, text
    /// parsed as integers or UUIDs (what does not parse is left out).
    pub fn converted(&self, kind: KeyKind) -> KeySet {
        if kind == self.kind() {
            return self.clone();
        }
        let mut out = KeySet::new(kind);
        self.for_each_text(|_, text| {
            if let Some(key) = Key::parse(kind, text) {
                out.insert(key);
            }
        });
        out
    }

    /// Binds the keys as a query parameter (`bigint[]` or `text[]`).
    pub fn to_param(&self) -> Box<dyn postgres::types::ToSql + Sync + Send> {
        match self {
            KeySet::Int(s) => Box::new(s.iter().collect::<Vec<i64>>()),
            KeySet::Text(s) => Box::new(s.iter().cloned().collect::<Vec<String>>()),
            KeySet::Uuid(s) => Box::new(s.iter().map(|k| format_uuid(*k)).collect::<Vec<String>>()),
        }
    }
}

/// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (and the other spellings
/// PostgreSQL accepts without braces: with or without hyphens).
pub fn parse_uuid(text: &str) -> Option<u128> {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return None;
    }
    u128::from_str_radix(&hex, 16).ok()
}

/// Writes a UUID as PostgreSQL prints it.
pub fn format_uuid(v: u128) -> String {
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Which rows of one table are in the slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every row: a job that nothing restricts.
    All,
    /// The rows with these keys.
    Keys(KeySet),
    /// The rows whose foreign key `column` holds one of `parents`: a job
    /// restricted through that one key, with no filter and no sample, whose
    /// table nothing in the slice references. Its own keys are never needed,
    /// so they are never read: its rows are copied straight through the
    /// foreign key's index, in one pass.
    Referencing {
        /// The foreign key column.
        column: &'static str,
        /// The parent keys it must hold.
        parents: KeySet,
    },
}

impl Selection {
    /// The number of selected keys, when the selection is by key.
    pub fn key_count(&self) -> Option<usize> {
        match self {
            Selection::All | Selection::Referencing { .. } => None,
            Selection::Keys(keys) => Some(keys.len()),
        }
    }

    /// Whether the row with this primary key is selected. Only asked of
    /// tables other tables reference, which are never [`Selection::Referencing`].
    pub fn contains_text(&self, key: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Keys(keys) => keys.contains_text(key),
            Selection::Referencing { .. } => {
                debug_assert!(false, "a Referencing table is referenced by nothing");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_round_trip() {
        let text = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        assert_eq!(format_uuid(parse_uuid(text).unwrap()), text);
    }

    #[test]
    fn chunks_keep_order_and_size() {
        let set = KeySet::from_ints(1..=5);
        let chunks = set.chunks(2);
        assert_eq!(
            chunks,
            vec![
                KeySet::from_ints([1, 2]),
                KeySet::from_ints([3, 4]),
                KeySet::from_ints([5])
            ]
        );
    }

    #[test]
    fn integer_keys_iterate_in_numeric_order_negative_first() {
        let set = KeySet::from_ints([5, -3, i64::MAX, 0, i64::MIN, 5]);
        let keys: Vec<Key> = set.iter().collect();
        let expected = [i64::MIN, -3, 0, 5, i64::MAX].map(Key::Int);
        assert_eq!(keys, expected);
        assert_eq!(set.len(), 5);
        assert!(set.contains_text("-3") && !set.contains_text("4"));
    }

    #[test]
    fn merge_new_returns_only_new_keys() {
        let mut set = KeySet::from_ints([1, 2]);
        let added = set.merge_new(KeySet::from_ints([2, 3]));
        assert_eq!(added, KeySet::from_ints([3]));
        assert_eq!(set, KeySet::from_ints([1, 2, 3]));
    }

    #[test]
    fn long_runs_of_integers_are_one_range_and_the_rest_sets_in_order() {
        let keys = KeySet::from_ints((1..=10).chain([12, 14]).chain(20..=22).chain(30..=41));
        let batches = keys.batches(4);
        let ints = |v: &[i64]| Batch::Keys(KeySet::from_ints(v.iter().copied()));
        assert_eq!(
            batches,
            [
                Batch::Range(1, 10),
                ints(&[12, 14, 20, 21]),
                ints(&[22]),
                Batch::Range(30, 41),
            ]
        );
        // Every key once, in order.
        let mut seen = Vec::new();
        for batch in &batches {
            match batch {
                Batch::Range(a, b) => seen.extend(*a..=*b),
                Batch::Keys(k) => seen.extend(k.iter().map(|k| match k {
                    Key::Int(i) => i,
                    _ => unreachable!(),
                })),
            }
        }
        assert_eq!(
            seen,
            keys.iter()
                .map(|k| match k {
                    Key::Int(i) => i,
                    _ => 0,
                })
                .collect::<Vec<_>>()
        );
        let texts = KeySet::from_texts(["a", "b", "c"]);
        assert_eq!(texts.batches(2).len(), 2);
    }
}
