//! Seeded random choices: sampling a root table, and choosing which children
//! a capped parent keeps. Every choice depends only on the seed and the data.

use crate::error::Result;
use crate::job::Filter;
use crate::keys::{Key, KeySet};
use crate::model::{KeyKind, Model};
use crate::source::{KeyQuery, Source};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};

/// At most `max` children per parent: `pairs` are (child key, parent key);
/// each parent's children are chosen uniformly, seeded by the run's seed,
/// the table, the column and the parent key, so the choice does not depend
/// on how the parents were batched.
pub fn cap_children(
    pairs: Vec<(Key, Key)>,
    kind: KeyKind,
    max: u64,
    seed: u64,
    table: &str,
    column: &str,
) -> KeySet {
    let mut by_parent: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
    for (child, parent) in pairs {
        by_parent.entry(parent).or_default().push(child);
    }
    let mut out = KeySet::new(kind);
    for (parent, mut children) in by_parent {
        children.sort();
        children.dedup();
        let purpose = format!("cap {column} {parent:?}");
        let mut set = KeySet::new(kind);
        for child in &children {
            set.insert(child.clone());
        }
        out.merge_new(choose(&set, max, rng_for(seed, table, &purpose)));
    }
    out
}

/// Samples `n` rows of a table no other job restricts.
///
/// With an integer key, it probes: random keys between the smallest and the
/// largest, drawn without repetition from a seeded stream, are looked up by
/// the primary key index (with the filter) until `n` are found. The first
/// `n` hits of the stream are a uniform sample, and which rows they are
/// depends only on the seed and the data, not on batch sizes or statistics.
/// When keys are too sparse or the filter too selective for probing to pay,
/// and for text and UUID keys, it reads every matching key (not the rows)
/// and chooses among them.
pub fn sample_root(
    source: &mut dyn Source,
    model: &'static Model,
    filter: Option<&Filter>,
    n: u64,
    seed: u64,
    batch_size: usize,
) -> Result<KeySet> {
    let name = model.table.to_string();
    if n == 0 {
        return Ok(KeySet::new(model.key_kind()));
    }
    if model.key_kind() == KeyKind::Int
        && let Some((min, max)) = source.key_range(model)?
    {
        {
            let span = (max as i128 - min as i128 + 1) as u128;
            // Probing pays when the key range is much larger than the sample.
            if span > 4 * n as u128 {
                let budget = 16 * n + 4096;
                if let Some(keys) = probe(
                    source,
                    model,
                    filter,
                    n,
                    min,
                    span,
                    budget,
                    rng_for(seed, &name, "probe"),
                    batch_size,
                )? {
                    return Ok(keys);
                }
            }
        }
    }
    let query = KeyQuery {
        filter,
        ..KeyQuery::default()
    };
    let all = source.select_keys(model, &query, batch_size)?.keys;
    Ok(choose(&all, n, rng_for(seed, &name, "sample")))
}

/// Draws candidate keys until `n` hits or `budget` candidates; `None` when the
/// budget ran out first.
#[allow(clippy::too_many_arguments)]
fn probe(
    source: &mut dyn Source,
    model: &'static Model,
    filter: Option<&Filter>,
    n: u64,
    min: i64,
    span: u128,
    budget: u64,
    mut rng: ChaCha8Rng,
    batch_size: usize,
) -> Result<Option<KeySet>> {
    let mut drawn: HashSet<i64> = HashSet::new();
    let mut hits = KeySet::new(KeyKind::Int);
    while (hits.len() as u64) < n {
        let left = budget.saturating_sub(drawn.len() as u64);
        if left == 0 || drawn.len() as u128 >= span / 2 {
            return Ok(None);
        }
        // Never ask for more new keys than the range has left before the
        // half-way mark, or drawing them would never end.
        let room = (span / 2 - drawn.len() as u128).min(u128::from(u64::MAX)) as u64;
        let want = ((n - hits.len() as u64) * 2 + 64)
            .min(left)
            .min(room)
            .min(batch_size as u64);
        let mut batch: Vec<i64> = Vec::with_capacity(want as usize);
        while (batch.len() as u64) < want {
            let offset = rng.random_range(0..span);
            let key = (min as i128 + offset as i128) as i64;
            if drawn.insert(key) {
                batch.push(key);
            }
        }
        let found = source.probe_keys(model, filter, &KeySet::from_ints(batch.iter().copied()))?;
        for key in batch {
            if (hits.len() as u64) < n && found.contains(&Key::Int(key)) {
                hits.insert(Key::Int(key));
            }
        }
    }
    Ok(Some(hits))
}

/// `n` keys chosen uniformly from `keys` (all of them when there are fewer),
/// by a partial Fisher–Yates shuffle over the sorted keys.
pub fn choose(keys: &KeySet, n: u64, mut rng: ChaCha8Rng) -> KeySet {
    if keys.len() as u64 <= n {
        return keys.clone();
    }
    let mut all: Vec<Key> = keys.iter().collect();
    let n = n as usize;
    for i in 0..n {
        let j = rng.random_range(i..all.len());
        all.swap(i, j);
    }
    let mut out = KeySet::new(keys.kind());
    for key in all.into_iter().take(n) {
        out.insert(key);
    }
    out
}

/// A generator seeded from the run's seed, a table and a purpose.
pub fn rng_for(seed: u64, table: &str, purpose: &str) -> ChaCha8Rng {
    let mut hash = Sha256::new();
    hash.update(seed.to_le_bytes());
    for part in [table, purpose] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    ChaCha8Rng::from_seed(hash.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choose_is_deterministic_and_seed_dependent() {
        let keys = KeySet::from_ints(1..=1000);
        let a = choose(&keys, 10, rng_for(1, "t", "sample"));
        let b = choose(&keys, 10, rng_for(1, "t", "sample"));
        let c = choose(&keys, 10, rng_for(2, "t", "sample"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 10);
    }

    #[test]
    fn choose_takes_everything_when_asked_for_more() {
        let keys = KeySet::from_ints(1..=5);
        assert_eq!(choose(&keys, 10, rng_for(1, "t", "sample")), keys);
    }

    #[test]
    fn caps_keep_at_most_max_children_per_parent_whatever_the_order() {
        let pairs: Vec<(Key, Key)> = (1..=30).map(|c| (Key::Int(c), Key::Int(c % 3))).collect();
        let mut reversed = pairs.clone();
        reversed.reverse();
        let a = cap_children(pairs, KeyKind::Int, 4, 7, "t", "p");
        let b = cap_children(reversed, KeyKind::Int, 4, 7, "t", "p");
        assert_eq!(a, b);
        assert_eq!(a.len(), 12);
        for parent in 0..3 {
            let kept = a
                .iter()
                .filter(|k| matches!(k, Key::Int(c) if c % 3 == parent))
                .count();
            assert_eq!(kept, 4);
        }
    }
}
