//! Which rows go into the slice: the downward walk from the jobs' rows to
//! the rows below them, then the upward closure to every row those need.
//!
//! Downward, tables are visited parents first (by the walk's edges); tables
//! whose edges form a cycle (a self-reference, a ring of tables) are walked
//! together until nothing new is found. Upward, every selected row gets its
//! parents, generic relation targets, tree ancestors and subclass rows, to a
//! fixpoint. Rows added upward never bring their own children.

use crate::error::Result;
use crate::job::{Filter, ImportJob};
use crate::keys::{Key, KeySet, Selection};
use crate::model::{GenericRelation, KeyKind, Model, TableName};
use crate::plan::{self, Down, Plan, Reason, Resolved, TableId};
use crate::sample;
use crate::source::{KeyQuery, Source};
use std::collections::{BTreeMap, HashMap};

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

/// What the selection found.
#[derive(Debug)]
pub struct Selected {
    /// `selections[id]` is the selection of `plan.tables[id]`.
    pub selections: Vec<Selection>,
    /// Generic references the slice cannot satisfy, counted.
    pub unresolved: Vec<Unresolved>,
}

/// Generic references of one relation that point at no modelled table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The referencing table.
    pub table: TableName,
    /// Its object id column.
    pub column: &'static str,
    /// The content type, as `app_label.model` (or its id, when the content
    /// type table has no such row).
    pub content_type: String,
    /// How many distinct objects are referenced.
    pub references: u64,
    /// Why they cannot be satisfied.
    pub why: String,
}

/// Selects the rows of every table of the plan, adding the tables generic
/// relations turn out to point at.
pub fn select(
    source: &mut dyn Source,
    plan: &mut Plan,
    jobs: &[ImportJob],
    options: SelectOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<Selected> {
    let n = plan.tables.len();
    let kinds: Vec<KeyKind> = plan.tables.iter().map(|t| t.model.key_kind()).collect();
    let plan_kind = |id: TableId| kinds[id];
    let mut walker = Walker {
        source,
        plan,
        jobs,
        options,
        progress,
        selections: (0..n)
            .map(|id| Selection::Keys(KeySet::new(plan_kind(id))))
            .collect(),
        prefetched: Vec::new(),
        parents_read: (0..n).map(|_| None).collect(),
        content_types: HashMap::new(),
        resolved: HashMap::new(),
        unresolved: BTreeMap::new(),
        unresolved_seen: Default::default(),
    };
    walker.downward()?;
    walker.close_upward()?;
    let unresolved = walker
        .unresolved
        .into_iter()
        .map(
            |((table, column, content_type), (references, why))| Unresolved {
                table,
                column,
                content_type,
                references,
                why,
            },
        )
        .collect();
    Ok(Selected {
        selections: walker.selections,
        unresolved,
    })
}

struct Walker<'a, 'p> {
    source: &'a mut dyn Source,
    plan: &'p mut Plan,
    jobs: &'a [ImportJob],
    options: SelectOptions,
    progress: &'a mut dyn FnMut(&str),
    selections: Vec<Selection>,
    /// Parent keys read along with the downward walk's keys: (target, keys),
    /// added when the closure starts (before, they would bring children).
    prefetched: Vec<(TableId, KeySet)>,
    /// Per table, the keys whose foreign keys were read during the walk.
    parents_read: Vec<Option<KeySet>>,
    /// Per content type table: id -> (app_label, model).
    content_types: HashMap<TableId, HashMap<i64, (String, String)>>,
    /// (content type table, content type id) -> the table it is, or why not.
    resolved: HashMap<(TableId, i64), std::result::Result<TableId, (String, String)>>,
    /// (table, column, content type) -> (references, why).
    unresolved: BTreeMap<(TableName, &'static str, String), (u64, String)>,
    /// The objects counted there, each once.
    unresolved_seen: std::collections::HashSet<(TableName, &'static str, String, String)>,
}

impl<'a> Walker<'a, '_> {
    fn filter(&self, id: TableId) -> Option<&'a Filter> {
        let jobs: &'a [ImportJob] = self.jobs;
        self.plan.tables[id].job.and_then(|j| jobs[j].filter_ref())
    }

    fn sample(&self, id: TableId) -> Option<u64> {
        self.plan.tables[id]
            .job
            .and_then(|j| self.jobs[j].sample_size())
    }

    /// The downward walk, component by component, parents first.
    fn downward(&mut self) -> Result<()> {
        let edges: Vec<Vec<TableId>> = self
            .plan
            .tables
            .iter()
            .map(|t| t.down.iter().map(Down::parent).collect())
            .collect();
        for component in plan::strongly_connected(&edges) {
            let walked: Vec<TableId> = component
                .into_iter()
                .filter(|&id| self.plan.tables[id].is_walked())
                .collect();
            if !walked.is_empty() {
                self.walk_component(&walked)?;
            }
        }
        Ok(())
    }

    /// The edges that restrict table `id`: every edge of the descendants
    /// walk, and edges between explicit jobs whose parent is restricted.
    fn edges(&self, id: TableId) -> Vec<Down> {
        self.plan.tables[id]
            .down
            .iter()
            .copied()
            .filter(|edge| match *edge {
                Down::Key {
                    walk: false,
                    parent,
                    ..
                } => matches!(self.selections[parent], Selection::Keys(_)),
                _ => true,
            })
            .collect()
    }

    fn walk_component(&mut self, component: &[TableId]) -> Result<()> {
        let mut done: Vec<TableId> = Vec::new();
        // Seeds: roots, and jobs nothing restricts.
        for &id in component {
            let table = &self.plan.tables[id];
            if table.is_root() || self.edges(id).is_empty() {
                (self.progress)(&format!("selecting {}", table.name()));
                let selection = self.seed(id)?;
                if selection == Selection::All {
                    done.push(id);
                }
                self.selections[id] = selection;
            }
        }
        // A walked table below a whole table is whole (within its filter).
        loop {
            let next = component.iter().copied().find(|&id| {
                !done.contains(&id)
                    && !self.plan.tables[id].is_root()
                    && self.edges(id).iter().any(|e| {
                        matches!(e, Down::Key { walk: true, .. } | Down::Generic { .. })
                            && self.selections[e.parent()] == Selection::All
                    })
            });
            let Some(id) = next else { break };
            let selection = match self.filter(id) {
                None => Selection::All,
                Some(_) => self.seed_filtered(id)?,
            };
            self.selections[id] = selection;
            done.push(id);
        }
        if component.len() == 1 && !done.contains(&component[0]) {
            let id = component[0];
            if let Some(selection) = self.referencing(id) {
                self.selections[id] = selection;
                return Ok(());
            }
        }
        // The walk: follow every edge from what each parent holds, then from
        // what each table of the component gains, until nothing is new.
        let mut work: Vec<(TableId, Down, KeySet)> = Vec::new();
        for &id in component {
            if done.contains(&id) {
                continue;
            }
            for edge in self.edges(id) {
                if let Selection::Keys(keys) = &self.selections[edge.parent()]
                    && !keys.is_empty()
                {
                    work.push((id, edge, keys.clone()));
                }
            }
        }
        work.reverse();
        while let Some((id, edge, delta)) = work.pop() {
            (self.progress)(&format!("selecting {}", self.plan.tables[id].name()));
            let found = self.follow(id, edge, &delta)?;
            let Selection::Keys(keys) = &mut self.selections[id] else {
                continue;
            };
            let new = keys.merge_new(found);
            if new.is_empty() {
                continue;
            }
            for &child in component {
                if done.contains(&child) {
                    continue;
                }
                for child_edge in self.edges(child) {
                    if child_edge.parent() == id {
                        work.push((child, child_edge, new.clone()));
                    }
                }
            }
        }
        // Samples of tables below others are taken from what the walk found.
        for &id in component {
            if self.plan.tables[id].is_root() || done.contains(&id) {
                continue;
            }
            if let (Some(n), Selection::Keys(keys)) = (self.sample(id), &self.selections[id])
                && (keys.len() as u64) > n
            {
                let name = self.plan.tables[id].name().to_string();
                let chosen =
                    sample::choose(keys, n, sample::rng_for(self.options.seed, &name, "sample"));
                // (Nothing was prefetched for this table: its rows do not all stay.)
                self.selections[id] = Selection::Keys(chosen);
            }
        }
        Ok(())
    }

    /// A root's or unrestricted job's own rows: its filter and sample.
    fn seed(&mut self, id: TableId) -> Result<Selection> {
        let model = self.plan.tables[id].model;
        let filter = self.filter(id);
        Ok(match (filter, self.sample(id)) {
            (None, None) => Selection::All,
            (_, Some(n)) => Selection::Keys(sample::sample_root(
                self.source,
                model,
                filter,
                n,
                self.options.seed,
                self.options.batch_size,
            )?),
            (Some(_), None) => self.seed_filtered(id)?,
        })
    }

    fn seed_filtered(&mut self, id: TableId) -> Result<Selection> {
        let model = self.plan.tables[id].model;
        let query = KeyQuery {
            filter: self.filter(id),
            ..KeyQuery::default()
        };
        let keys = self
            .source
            .select_keys(model, &query, self.options.batch_size)?
            .keys;
        Ok(Selection::Keys(match self.sample(id) {
            Some(n) => {
                let name = model.table.to_string();
                sample::choose(
                    &keys,
                    n,
                    sample::rng_for(self.options.seed, &name, "sample"),
                )
            }
            None => keys,
        }))
    }

    /// A table whose rows are copied straight through its one restricting
    /// foreign key, when nothing needs its keys: no filter, sample or cap,
    /// nothing referencing it, no relation or tree of its own, and every
    /// other key of it optional or pointing at a whole table.
    fn referencing(&self, id: TableId) -> Option<Selection> {
        let table = &self.plan.tables[id];
        let edges = self.edges(id);
        let [
            Down::Key {
                fk,
                parent,
                cap: None,
                ..
            },
        ] = edges.as_slice()
        else {
            return None;
        };
        let Selection::Keys(parents) = &self.selections[*parent] else {
            return None;
        };
        // Referenced by a foreign key, or a parent of the downward walk (a
        // generic relation's rows below this table's need its keys).
        let referenced = self.plan.tables.iter().any(|t| {
            t.foreign_keys.iter().any(|&(_, target)| target == id)
                || t.down.iter().any(|d| d.parent() == id)
        });
        let plain = table.model.generic_relations.is_empty()
            && table.model.tree.is_none()
            && table.subclasses.is_empty()
            && !table.is_root()
            && self.filter(id).is_none()
            && self.sample(id).is_none()
            && fk.targets_primary_key()
            && *parent != id;
        let others_free = table.foreign_keys.iter().all(|&(other, target)| {
            other.optional || other.column == fk.column || self.selections[target] == Selection::All
        });
        (plain && !referenced && others_free && parents.len() <= MAX_REFERENCING).then(|| {
            Selection::Referencing {
                column: fk.column,
                parents: parents.clone(),
            }
        })
    }

    /// The rows of `id` that `edge` reaches from the parent rows `delta`.
    fn follow(&mut self, id: TableId, edge: Down, delta: &KeySet) -> Result<KeySet> {
        let table = &self.plan.tables[id];
        let model = table.model;
        let filter = if table.is_root() {
            None
        } else {
            self.filter(id)
        };
        let stays = table.is_root() || self.sample(id).is_none();
        match edge {
            Down::Key {
                fk, parent, cap, ..
            } => {
                let values = if fk.targets_primary_key() {
                    delta.clone()
                } else {
                    let parent_model = self.plan.tables[parent].model;
                    let columns = [(fk.target_key, fk.key_kind())];
                    self.source
                        .foreign_key_values(
                            parent_model,
                            &columns,
                            Some(delta),
                            self.options.batch_size,
                        )?
                        .remove(0)
                };
                let pulling = self.pulling_columns(id, stays && cap.is_none());
                let columns: Vec<(&str, KeyKind)> =
                    pulling.iter().map(|&(c, k, _)| (c, k)).collect();
                let query = KeyQuery {
                    filter,
                    restrict: Some((fk.column, &values)),
                    parents: &columns,
                    pairs: cap.is_some(),
                    ..KeyQuery::default()
                };
                let found = self
                    .source
                    .select_keys(model, &query, self.options.batch_size)?;
                let keys = match cap {
                    Some(max) => sample::cap_children(
                        found.pairs,
                        model.key_kind(),
                        max,
                        self.options.seed,
                        &model.table.to_string(),
                        fk.column,
                    ),
                    None => {
                        self.note_prefetched(id, &found.keys, &pulling, found.parents);
                        found.keys
                    }
                };
                Ok(keys)
            }
            Down::Generic { relation, parent } => {
                let Some(content_type) = self.content_type_of(id, relation, parent)? else {
                    return Ok(KeySet::new(model.key_kind()));
                };
                let kind = object_id_kind(model, relation);
                let values = delta.converted(kind);
                let pulling = self.pulling_columns(id, stays);
                let columns: Vec<(&str, KeyKind)> =
                    pulling.iter().map(|&(c, k, _)| (c, k)).collect();
                let query = KeyQuery {
                    filter,
                    restrict: Some((relation.object_id, &values)),
                    equal: Some((relation.content_type, content_type)),
                    parents: &columns,
                    ..KeyQuery::default()
                };
                let found = self
                    .source
                    .select_keys(model, &query, self.options.batch_size)?;
                self.note_prefetched(id, &found.keys, &pulling, found.parents);
                Ok(found.keys)
            }
        }
    }

    /// The foreign keys of `id` whose values the walk can read in the same
    /// pass (when the rows it finds all stay): (column, kind, target).
    fn pulling_columns(
        &self,
        id: TableId,
        prefetch: bool,
    ) -> Vec<(&'static str, KeyKind, TableId)> {
        if !prefetch {
            return Vec::new();
        }
        self.plan.tables[id]
            .foreign_keys
            .iter()
            .filter(|(fk, _)| !fk.optional && fk.targets_primary_key())
            .map(|&(fk, target)| (fk.column, fk.key_kind(), target))
            .collect()
    }

    fn note_prefetched(
        &mut self,
        id: TableId,
        keys: &KeySet,
        pulling: &[(&'static str, KeyKind, TableId)],
        parents: Vec<KeySet>,
    ) {
        if pulling.is_empty()
            || pulling.len()
                != self.plan.tables[id]
                    .foreign_keys
                    .iter()
                    .filter(|(fk, _)| !fk.optional)
                    .count()
        {
            return;
        }
        let read = self.parents_read[id].get_or_insert_with(|| KeySet::new(keys.kind()));
        read.merge_new(keys.clone());
        for (&(_, _, target), values) in pulling.iter().zip(parents) {
            self.prefetched.push((target, values));
        }
    }

    /// The content type id of table `parent`'s model, read from the content
    /// type table of `relation` (the target of its content type column).
    fn content_type_of(
        &mut self,
        id: TableId,
        relation: &GenericRelation,
        parent: TableId,
    ) -> Result<Option<i64>> {
        let Some(ct_table) = self.content_type_table(id, relation) else {
            return Ok(None);
        };
        self.load_content_types(ct_table)?;
        let model = self.plan.tables[parent].model;
        Ok(self.content_types[&ct_table]
            .iter()
            .filter(|(_, (app, name))| model.has_content_type(app, name))
            .map(|(&ct, _)| ct)
            .min())
    }

    /// The table holding the content types that `relation` of table `id`
    /// refers to.
    fn content_type_table(&self, id: TableId, relation: &GenericRelation) -> Option<TableId> {
        self.plan.tables[id]
            .foreign_keys
            .iter()
            .find(|(fk, _)| fk.column == relation.content_type)
            .map(|&(_, target)| target)
    }

    fn load_content_types(&mut self, ct_table: TableId) -> Result<()> {
        if !self.content_types.contains_key(&ct_table) {
            let model = self.plan.tables[ct_table].model;
            let rows = self.source.content_types(model)?;
            let map = rows
                .into_iter()
                .map(|ct| (ct.id, (ct.app_label, ct.model)))
                .collect();
            self.content_types.insert(ct_table, map);
        }
        Ok(())
    }

    /// The upward closure, to a fixpoint.
    fn close_upward(&mut self) -> Result<()> {
        // Keys whose parents (fk) and whose other needs (generic relations,
        // tree ancestors, subclass rows) are still to be looked up.
        let n = self.plan.tables.len();
        let mut pending_fk: Vec<Option<KeySet>> = Vec::with_capacity(n);
        let mut pending_other: Vec<Option<KeySet>> = Vec::with_capacity(n);
        for id in 0..n {
            let (fk, other) = match &self.selections[id] {
                Selection::Keys(keys) => {
                    let fk = match &self.parents_read[id] {
                        Some(read) => difference(keys, read),
                        None => keys.clone(),
                    };
                    (Some(fk), Some(keys.clone()))
                }
                _ => (None, None),
            };
            pending_fk.push(fk);
            pending_other.push(other);
        }
        let mut state = Pending {
            fk: pending_fk,
            other: pending_other,
        };
        for (target, keys) in std::mem::take(&mut self.prefetched) {
            self.add(&mut state, target, keys)?;
        }
        // (Tables these make whole are closed as they become whole.)
        let whole: Vec<TableId> = (0..n)
            .filter(|&id| self.selections[id] == Selection::All)
            .collect();
        for id in whole {
            self.whole(&mut state, id)?;
        }
        loop {
            let next = (0..self.plan.tables.len()).find(|&i| {
                state.fk[i].as_ref().is_some_and(|k| !k.is_empty())
                    || state.other[i].as_ref().is_some_and(|k| !k.is_empty())
            });
            let Some(id) = next else { return Ok(()) };
            let kind = self.plan.tables[id].model.key_kind();
            let fk_delta = state.fk[id]
                .replace(KeySet::new(kind))
                .expect("found above");
            let other_delta = state.other[id]
                .replace(KeySet::new(kind))
                .expect("kept with fk");
            (self.progress)(&format!(
                "closing parents of {}",
                self.plan.tables[id].name()
            ));
            if !fk_delta.is_empty() {
                self.parents(&mut state, id, Some(&fk_delta))?;
            }
            if !other_delta.is_empty() {
                self.needs(&mut state, id, Some(&other_delta))?;
            }
        }
    }

    /// A whole table: its parents, generic targets and subclass rows over
    /// every row.
    fn whole(&mut self, state: &mut Pending, id: TableId) -> Result<()> {
        self.parents(state, id, None)?;
        self.needs(state, id, None)
    }

    /// Adds the parents that table `id`'s non-optional foreign keys point at
    /// from the rows with `keys` (every row when `None`).
    fn parents(&mut self, state: &mut Pending, id: TableId, keys: Option<&KeySet>) -> Result<()> {
        let table = &self.plan.tables[id];
        let model = table.model;
        let mut pulling: Vec<(&'static crate::model::ForeignKey, TableId)> = table
            .foreign_keys
            .iter()
            .filter(|(fk, target)| !fk.optional && self.selections[*target] != Selection::All)
            .copied()
            .collect();
        if keys.is_none() {
            // A whole table that references every row of a parent needs the
            // parent whole: the server tells, and no key travels.
            let mut rest = Vec::new();
            for (fk, target) in pulling {
                if self.selections[target] == Selection::All {
                    continue;
                }
                let parent = self.plan.tables[target].model;
                if self
                    .source
                    .references_every_row(model, fk.column, parent, fk.target_key)?
                {
                    self.make_whole(state, target)?;
                } else {
                    rest.push((fk, target));
                }
            }
            pulling = rest;
        }
        if pulling.is_empty() {
            return Ok(());
        }
        let columns: Vec<(&str, KeyKind)> = pulling
            .iter()
            .map(|(fk, _)| (fk.column, fk.key_kind()))
            .collect();
        let values =
            self.source
                .foreign_key_values(model, &columns, keys, self.options.batch_size)?;
        for ((fk, target), values) in pulling.into_iter().zip(values) {
            let keys = if fk.targets_primary_key() {
                values
            } else {
                self.keys_where(target, fk.target_key, &values)?
            };
            self.add(state, target, keys)?;
        }
        Ok(())
    }

    /// The keys of `table`'s rows whose `column` holds one of `values`.
    fn keys_where(&mut self, table: TableId, column: &str, values: &KeySet) -> Result<KeySet> {
        if values.is_empty() {
            return Ok(KeySet::new(self.plan.tables[table].model.key_kind()));
        }
        let query = KeyQuery {
            restrict: Some((column, values)),
            ..KeyQuery::default()
        };
        let model = self.plan.tables[table].model;
        Ok(self
            .source
            .select_keys(model, &query, self.options.batch_size)?
            .keys)
    }

    /// Generic relation targets, tree ancestors and subclass rows of the
    /// rows with `keys` (every row when `None`).
    fn needs(&mut self, state: &mut Pending, id: TableId, keys: Option<&KeySet>) -> Result<()> {
        let model = self.plan.tables[id].model;
        for relation in model.generic_relations {
            self.generic_targets(state, id, relation, keys)?;
        }
        if let (Some(tree), Some(keys)) = (model.tree, keys) {
            let paths = self
                .source
                .foreign_key_values(
                    model,
                    &[(tree.path, KeyKind::Text)],
                    Some(keys),
                    self.options.batch_size,
                )?
                .remove(0);
            let mut ancestors = KeySet::new(KeyKind::Text);
            for path in paths.iter() {
                if let Key::Text(path) = path {
                    for ancestor in tree.ancestors(&path) {
                        ancestors.insert(Key::Text(ancestor));
                    }
                }
            }
            let found = self.keys_where(id, tree.path, &ancestors)?;
            self.add(state, id, found)?;
        }
        for sub in self.plan.tables[id].subclasses.clone() {
            match keys {
                None => self.make_whole(state, sub)?,
                Some(keys) => {
                    let sub_model = self.plan.tables[sub].model;
                    let found = self.keys_where(sub, sub_model.primary_key, keys)?;
                    self.add(state, sub, found)?;
                }
            }
        }
        Ok(())
    }

    fn make_whole(&mut self, state: &mut Pending, id: TableId) -> Result<()> {
        if self.selections[id] != Selection::All {
            self.selections[id] = Selection::All;
            state.fk[id] = None;
            state.other[id] = None;
            self.whole(state, id)?;
        }
        Ok(())
    }

    /// Adds the rows a generic relation of table `id` points at, adding
    /// their tables to the plan where needed; counts what points nowhere.
    fn generic_targets(
        &mut self,
        state: &mut Pending,
        id: TableId,
        relation: &'static GenericRelation,
        keys: Option<&KeySet>,
    ) -> Result<()> {
        let model = self.plan.tables[id].model;
        let refs = self
            .source
            .generic_refs(model, relation, keys, self.options.batch_size)?;
        if refs.is_empty() {
            return Ok(());
        }
        let Some(ct_table) = self.content_type_table(id, relation) else {
            return Ok(());
        };
        self.load_content_types(ct_table)?;
        let mut by_type: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for (ct, object) in refs {
            by_type.entry(ct).or_default().push(object);
        }
        for (ct, objects) in by_type {
            let target = match self.resolved.get(&(ct_table, ct)) {
                Some(found) => found.clone(),
                None => {
                    let found = self.resolve(ct_table, ct, id, relation)?;
                    self.resolved.insert((ct_table, ct), found.clone());
                    found
                }
            };
            let target = match target {
                Ok(target) => target,
                Err((label, why)) => {
                    self.count_unresolved(model.table, relation.object_id, label, objects, why);
                    continue;
                }
            };
            let target_model = self.plan.tables[target].model;
            let kind = target_model.key_kind();
            let mut found = KeySet::new(kind);
            let mut bad = Vec::new();
            for object in objects {
                match Key::parse(kind, &object) {
                    Some(key) => {
                        found.insert(key);
                    }
                    None => bad.push(object),
                }
            }
            let label = self.content_type_label(ct_table, ct);
            if !bad.is_empty() {
                let why = format!(
                    "object ids that are not keys of {} ({})",
                    target_model.table, target_model.primary_key
                );
                self.count_unresolved(model.table, relation.object_id, label.clone(), bad, why);
            }
            // Objects deleted since (no foreign key keeps a generic
            // reference valid): counted, as the source holds them too.
            let existing = self.keys_where(target, target_model.primary_key, &found)?;
            if existing.len() < found.len() {
                let gone: Vec<String> = difference(&found, &existing)
                    .iter()
                    .map(|k| match k {
                        Key::Int(v) => v.to_string(),
                        Key::Text(t) => t,
                        Key::Uuid(u) => crate::keys::format_uuid(u),
                    })
                    .collect();
                let why = format!(
                    "objects that no row of {} holds (deleted)",
                    target_model.table
                );
                self.count_unresolved(model.table, relation.object_id, label, gone, why);
            }
            self.add(state, target, existing)?;
        }
        Ok(())
    }

    fn content_type_label(&self, ct_table: TableId, ct: i64) -> String {
        match self.content_types[&ct_table].get(&ct) {
            Some((app, name)) => format!("{app}.{name}"),
            None => format!("id {ct}"),
        }
    }

    fn count_unresolved(
        &mut self,
        table: TableName,
        column: &'static str,
        label: String,
        objects: Vec<String>,
        why: String,
    ) {
        let mut new = 0;
        for object in objects {
            if self
                .unresolved_seen
                .insert((table, column, label.clone(), object))
            {
                new += 1;
            }
        }
        let entry = self
            .unresolved
            .entry((table, column, label))
            .or_insert((0, why));
        entry.0 += new;
    }

    /// The table of content type `ct`, adding it to the plan when a model
    /// has that content type; or (label, why not).
    fn resolve(
        &mut self,
        ct_table: TableId,
        ct: i64,
        child: TableId,
        relation: &'static GenericRelation,
    ) -> Result<std::result::Result<TableId, (String, String)>> {
        let label = self.content_type_label(ct_table, ct);
        let Some((app, name)) = self.content_types[&ct_table].get(&ct).cloned() else {
            return Ok(Err((
                label,
                format!(
                    "no row of {} has this id",
                    self.plan.tables[ct_table].name()
                ),
            )));
        };
        Ok(match self.plan.resolve_content_type(&app, &name) {
            // The table is in the plan already (maybe through another
            // model of it): its rows are the same rows.
            Resolved::Model(model) if self.plan.find(&model.table).is_some() => {
                let id = self.plan.find(&model.table).expect("checked");
                let reason = Reason::GenericTarget {
                    child,
                    column: relation.object_id,
                };
                if !self.plan.tables[id].reasons.contains(&reason) {
                    self.plan.tables[id].reasons.push(reason);
                }
                Ok(id)
            }
            Resolved::Model(model) => {
                let reason = Reason::GenericTarget {
                    child,
                    column: relation.object_id,
                };
                let before = self.plan.tables.len();
                let id = self.plan.add_parent(model, reason)?;
                for added in before..self.plan.tables.len() {
                    let kind = self.plan.tables[added].model.key_kind();
                    self.selections.push(Selection::Keys(KeySet::new(kind)));
                    self.parents_read.push(None);
                }
                Ok(id)
            }
            Resolved::Unmodelled => Err((label, format!("no model has content type {app}.{name}"))),
            Resolved::Ambiguous(models) => Err((
                label,
                format!(
                    "several models have content type {app}.{name}: {}",
                    models.join(", ")
                ),
            )),
        })
    }

    /// Adds `keys` to table `target`'s selection; what is new becomes
    /// pending.
    fn add(&mut self, state: &mut Pending, target: TableId, keys: KeySet) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        while state.fk.len() < self.plan.tables.len() {
            let kind = self.plan.tables[state.fk.len()].model.key_kind();
            state.fk.push(Some(KeySet::new(kind)));
            state.other.push(Some(KeySet::new(kind)));
        }
        if let Selection::Referencing { column, parents } = &self.selections[target] {
            // A table copied through its foreign key turns out to be needed
            // as a parent: it is selected by key after all.
            let (column, parents) = (*column, parents.clone());
            let all = self.keys_where(target, column, &parents)?;
            state.fk[target] = Some(all.clone());
            state.other[target] = Some(all.clone());
            self.selections[target] = Selection::Keys(all);
        }
        if let Selection::Keys(selected) = &mut self.selections[target] {
            let added = selected.merge_new(keys);
            if !added.is_empty() {
                let kind = added.kind();
                state.fk[target]
                    .get_or_insert_with(|| KeySet::new(kind))
                    .merge_new(added.clone());
                state.other[target]
                    .get_or_insert_with(|| KeySet::new(kind))
                    .merge_new(added);
            }
        }
        Ok(())
    }
}

/// What the closure has still to look up, per table.
struct Pending {
    fk: Vec<Option<KeySet>>,
    other: Vec<Option<KeySet>>,
}

/// The key kind a generic relation's object ids are compared as.
fn object_id_kind(model: &Model, relation: &GenericRelation) -> KeyKind {
    model
        .column(relation.object_id)
        .and_then(|c| c.sql_type.key_kind())
        .unwrap_or(KeyKind::Text)
}

fn difference(keys: &KeySet, minus: &KeySet) -> KeySet {
    let mut out = KeySet::new(keys.kind());
    for key in keys.iter() {
        if !minus.contains(&key) {
            out.insert(key);
        }
    }
    out
}
