//! Which rows go into the slice: seeded sampling, the downward walk from
//! restricted jobs to their children, and the upward closure to every parent
//! row the slice needs.

use crate::error::Result;
use crate::job::ImportJob;
use crate::keys::{Key, KeySet, Selection};
use crate::model::KeyKind;
use crate::plan::{Plan, Role, TableId};
use crate::source::{Found, Source};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The most parent keys a [`Selection::Referencing`] lists in its one COPY
/// statement (8 MB of SQL at most); beyond, its keys are selected in batches.
const MAX_REFERENCING: usize = 1_000_000;

/// Tuning for the selection.
#[derive(Debug, Clone, Copy)]
pub struct SelectOptions {
    /// The seed of every random choice.
    pub seed: u64,
    /// How many keys one query binds.
    pub batch_size: usize,
}

/// Selects the rows of every table of the plan. `selections[id]` is the
/// selection of `plan.tables[id]`.
pub fn select(
    source: &mut dyn Source,
    plan: &Plan,
    jobs: &[ImportJob],
    options: SelectOptions,
    mut progress: impl FnMut(&str),
) -> Result<Vec<Selection>> {
    let n = plan.tables.len();
    let mut selections: Vec<Option<Selection>> = vec![None; n];
    // Parents' keys read along with a table's own keys: (target, keys).
    let mut prefetched: Vec<Option<Vec<(TableId, KeySet)>>> = vec![None; n];
    // Downward: jobs in load order, so a job's restricting parents are
    // decided before it (within a cycle, the parents met first count).
    for &id in &plan.load_order {
        let table = &plan.tables[id];
        let Role::Job(job_index) = table.role else {
            selections[id] = Some(Selection::Keys(KeySet::new(table.model.key_kind())));
            continue;
        };
        let job = &jobs[job_index];
        progress(&format!("selecting {}", table.name()));
        let restricting: Vec<(&str, &KeySet)> = table
            .foreign_keys
            .iter()
            .filter(|&&(_, target)| {
                target != id && matches!(plan.tables[target].role, Role::Job(_))
            })
            .filter_map(|&(fk, target)| match &selections[target] {
                Some(Selection::Keys(keys)) => Some((fk.column, keys)),
                _ => None,
            })
            .collect();
        let filter = job.filter_ref();
        let sample = job.sample_size();
        let model = table.model;
        let referenced = plan
            .tables
            .iter()
            .any(|t| t.foreign_keys.iter().any(|&(_, target)| target == id));
        let selection = if let [(column, parents)] = restricting.as_slice()
            && filter.is_none()
            && sample.is_none()
            && !referenced
            && parents.len() <= MAX_REFERENCING
            && table.foreign_keys.iter().all(|&(fk, target)| {
                fk.optional
                    || fk.column == *column
                    || matches!(selections[target], Some(Selection::All))
            }) {
            // Nothing needs this table's keys and its other parents are
            // whole tables: copy its rows straight through the foreign key.
            Selection::Referencing {
                column,
                parents: (*parents).clone(),
            }
        } else if restricting.is_empty() {
            match (filter, sample) {
                (None, None) => Selection::All,
                (_, Some(n)) => Selection::Keys(sample_root(source, plan, id, job, n, options)?),
                (Some(_), None) => Selection::Keys(
                    source
                        .select_keys(model, filter, None, &[], options.batch_size)?
                        .keys,
                ),
            }
        } else {
            // Without a sample, every row found stays: read the parents'
            // keys in the same pass, sparing the closure a second look.
            let parents: Vec<(&str, KeyKind)> = match sample {
                Some(_) => Vec::new(),
                None => table
                    .foreign_keys
                    .iter()
                    .filter(|(fk, _)| !fk.optional)
                    .map(|&(fk, target)| (fk.column, plan.tables[target].model.key_kind()))
                    .collect(),
            };
            let mut found = Found::new(model.key_kind(), &parents);
            for (column, parent_keys) in restricting {
                let restrict = Some((column, parent_keys));
                found.merge(source.select_keys(
                    model,
                    filter,
                    restrict,
                    &parents,
                    options.batch_size,
                )?);
            }
            match sample {
                Some(n) => Selection::Keys(choose(
                    &found.keys,
                    n,
                    rng_for(options.seed, &table.name().to_string(), "sample"),
                )),
                None => {
                    let targets = table
                        .foreign_keys
                        .iter()
                        .filter(|(fk, _)| !fk.optional)
                        .map(|&(_, t)| t);
                    prefetched[id] = Some(targets.zip(found.parents).collect());
                    Selection::Keys(found.keys)
                }
            }
        };
        selections[id] = Some(selection);
    }
    let mut selections: Vec<Selection> = selections
        .into_iter()
        .map(|s| s.expect("every table was visited"))
        .collect();
    close_upward(
        source,
        plan,
        &mut selections,
        prefetched,
        options,
        &mut progress,
    )?;
    Ok(selections)
}

/// Adds every parent row that non-optional foreign keys of selected rows point
/// at, recursively, until nothing changes. Rows added here bring no children.
fn close_upward(
    source: &mut dyn Source,
    plan: &Plan,
    selections: &mut [Selection],
    prefetched: Vec<Option<Vec<(TableId, KeySet)>>>,
    options: SelectOptions,
    progress: &mut impl FnMut(&str),
) -> Result<()> {
    // The keys each table gained and whose parents are not looked up yet.
    let mut pending: Vec<Option<KeySet>> = selections
        .iter()
        .zip(&prefetched)
        .map(|(s, pre)| match (s, pre) {
            (Selection::All | Selection::Referencing { .. }, _) => None,
            (Selection::Keys(keys), None) => Some(keys.clone()),
            (Selection::Keys(keys), Some(_)) => Some(KeySet::new(keys.kind())),
        })
        .collect();
    for found in prefetched.into_iter().flatten() {
        add_parents(plan, selections, &mut pending, found);
    }
    // Whole tables: their parents are looked up once, over the whole table.
    for id in 0..plan.tables.len() {
        if selections[id] == Selection::All {
            let found = parents_of(source, plan, selections, id, None, options)?;
            add_parents(plan, selections, &mut pending, found);
        }
    }
    loop {
        let Some(id) =
            (0..pending.len()).find(|&i| pending[i].as_ref().is_some_and(|k| !k.is_empty()))
        else {
            return Ok(());
        };
        let delta = pending[id]
            .replace(KeySet::new(plan.tables[id].model.key_kind()))
            .expect("found above");
        progress(&format!("closing parents of {}", plan.tables[id].name()));
        let found = parents_of(source, plan, selections, id, Some(&delta), options)?;
        add_parents(plan, selections, &mut pending, found);
    }
}

/// The foreign keys of table `id` that pull parents in: not optional, and
/// pointing at a table that is not exported whole.
fn pulling_keys(plan: &Plan, selections: &[Selection], id: TableId) -> Vec<(usize, TableId)> {
    plan.tables[id]
        .foreign_keys
        .iter()
        .enumerate()
        .filter(|(_, (fk, target))| !fk.optional && selections[*target] != Selection::All)
        .map(|(i, &(_, target))| (i, target))
        .collect()
}

fn parents_of(
    source: &mut dyn Source,
    plan: &Plan,
    selections: &[Selection],
    id: TableId,
    keys: Option<&KeySet>,
    options: SelectOptions,
) -> Result<Vec<(TableId, KeySet)>> {
    let table = &plan.tables[id];
    let pulling = pulling_keys(plan, selections, id);
    let columns: Vec<(&str, KeyKind)> = pulling
        .iter()
        .map(|&(i, target)| {
            (
                table.foreign_keys[i].0.column,
                plan.tables[target].model.key_kind(),
            )
        })
        .collect();
    let values = source.foreign_key_values(table.model, &columns, keys, options.batch_size)?;
    Ok(pulling
        .iter()
        .map(|&(_, target)| target)
        .zip(values)
        .collect())
}

fn add_parents(
    plan: &Plan,
    selections: &mut [Selection],
    pending: &mut [Option<KeySet>],
    found: Vec<(TableId, KeySet)>,
) {
    for (target, keys) in found {
        if let Selection::Keys(selected) = &mut selections[target] {
            let added = selected.merge_new(keys);
            if !added.is_empty() {
                let slot = pending[target]
                    .get_or_insert_with(|| KeySet::new(plan.tables[target].model.key_kind()));
                slot.merge_new(added);
            }
        }
    }
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
fn sample_root(
    source: &mut dyn Source,
    plan: &Plan,
    id: TableId,
    job: &ImportJob,
    n: u64,
    options: SelectOptions,
) -> Result<KeySet> {
    let model = plan.tables[id].model;
    let name = model.table.to_string();
    let filter = job.filter_ref();
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
                    rng_for(options.seed, &name, "probe"),
                    options.batch_size,
                )? {
                    return Ok(keys);
                }
            }
        }
    }
    let all = source
        .select_keys(model, filter, None, &[], options.batch_size)?
        .keys;
    Ok(choose(&all, n, rng_for(options.seed, &name, "sample")))
}

/// Draws candidate keys until `n` hits or `budget` candidates; `None` when the
/// budget ran out first.
#[allow(clippy::too_many_arguments)]
fn probe(
    source: &mut dyn Source,
    model: &'static crate::model::Model,
    filter: Option<&crate::job::Filter>,
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
fn choose(keys: &KeySet, n: u64, mut rng: ChaCha8Rng) -> KeySet {
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
}
