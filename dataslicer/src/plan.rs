//! The plan: every table a slice can hold, why each is there, how the
//! downward walk reaches it, and an order in which the slice can be loaded.
//!
//! Tables come in from the jobs, from the downward walk below roots that take
//! their descendants, as parents (foreign keys of tables already in), as
//! subclass rows of Django's multi-table inheritance, and, while the rows
//! are selected, as targets of generic relations ([`Plan::add_parent`]).

use crate::error::{Error, Result};
use crate::job::ImportJob;
use crate::model::{self, ForeignKey, GenericRelation, Model, TableName};
use crate::walk::Walk;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Index of a table in a [`Plan`].
pub type TableId = usize;

/// Why a table is in the slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A job taking its descendants (the index into the jobs).
    Root(usize),
    /// A job (the index into the jobs).
    Job(usize),
    /// Below `parent` in the downward walk, through foreign key `column`.
    Descendant {
        /// The parent table.
        parent: TableId,
        /// This table's foreign key column.
        column: &'static str,
    },
    /// Below `parent` through the generic relation whose object id is `column`.
    GenericChild {
        /// The parent table.
        parent: TableId,
        /// This table's object id column.
        column: &'static str,
    },
    /// Holds the rows that `child`'s foreign key `column` points at.
    Parent {
        /// The referencing table.
        child: TableId,
        /// Its foreign key column.
        column: &'static str,
    },
    /// Holds rows that `child`'s generic relation `column` points at.
    GenericTarget {
        /// The referencing table.
        child: TableId,
        /// Its object id column.
        column: &'static str,
    },
    /// Subclass rows (Django multi-table inheritance) of `base`'s rows.
    Subclass {
        /// The base table.
        base: TableId,
    },
}

/// How the downward walk reaches a table's rows from a parent's.
#[derive(Debug, Clone, Copy)]
pub enum Down {
    /// Rows whose foreign key points at a selected parent row.
    Key {
        /// The foreign key (of the child table).
        fk: &'static ForeignKey,
        /// The parent table.
        parent: TableId,
        /// At most this many children per parent row.
        cap: Option<u64>,
        /// An edge of the descendants walk (`true`), or between explicit
        /// jobs (`false`: a parent exported whole restricts nothing, as
        /// before descendants existed).
        walk: bool,
    },
    /// Rows whose generic relation points at a selected parent row.
    Generic {
        /// The relation (of the child table).
        relation: &'static GenericRelation,
        /// The parent table.
        parent: TableId,
    },
}

impl Down {
    /// The parent table.
    pub fn parent(&self) -> TableId {
        match *self {
            Down::Key { parent, .. } | Down::Generic { parent, .. } => parent,
        }
    }
}

/// One table of the plan.
#[derive(Debug)]
pub struct Table {
    /// The model.
    pub model: &'static Model,
    /// The job for this table, if there is one.
    pub job: Option<usize>,
    /// Why it is in the slice: every way it was reached.
    pub reasons: Vec<Reason>,
    /// The foreign keys, each with the table it points at.
    pub foreign_keys: Vec<(&'static ForeignKey, TableId)>,
    /// How the downward walk reaches its rows.
    pub down: Vec<Down>,
    /// Tables whose primary key is a foreign key to this table's
    /// (multi-table inheritance): their rows come with this table's.
    pub subclasses: Vec<TableId>,
    /// When the walk limits keep this table out of the downward walk but it
    /// is in the slice all the same (it holds parents): the limit.
    pub kept_out: Option<String>,
}

impl Table {
    /// The table's name.
    pub fn name(&self) -> TableName {
        self.model.table
    }

    /// Whether a job makes this table a root taking its descendants.
    pub fn is_root(&self) -> bool {
        self.reasons.iter().any(|r| matches!(r, Reason::Root(_)))
    }

    /// Whether the downward walk selects its rows (a job or a descendant),
    /// rather than only the parents other rows need.
    pub fn is_walked(&self) -> bool {
        self.job.is_some() || !self.down.is_empty()
    }
}

/// A modelled table that references a table of the slice but whose rows the
/// slice will not hold (except as parents), with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The referencing table.
    pub table: TableName,
    /// Its foreign key column.
    pub column: &'static str,
    /// The table of the slice it references.
    pub references: TableName,
    /// Why the walk does not descend into it.
    pub why: String,
}

/// What a content type resolves to among the models.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// One model.
    Model(&'static Model),
    /// No model has this content type.
    Unmodelled,
    /// Several models do (named).
    Ambiguous(Vec<String>),
}

/// Every table the slice can hold, and a load order.
#[derive(Debug)]
pub struct Plan {
    /// The tables: jobs first, in job order, then the others as found.
    pub tables: Vec<Table>,
    /// A valid load order: parents before children, except along the edges
    /// of cycles (see [`Plan::cycle_edges`]).
    pub load_order: Vec<TableId>,
    /// Modelled tables that reference the slice but are not walked into.
    pub left_out: Vec<LeftOut>,
    /// Every model of the program.
    universe: Vec<&'static Model>,
    /// The models connected to the jobs' by foreign keys: where names are
    /// looked up first.
    scope: Vec<&'static Model>,
    walk: Walk,
}

impl Plan {
    /// Builds the plan of `jobs` within the limits of `walk`, over every
    /// model of the program ([`model::all_models`]).
    pub fn new(jobs: &[ImportJob], walk: &Walk) -> Result<Plan> {
        Plan::with_models(jobs, walk, model::all_models())
    }

    /// Builds the plan over the given models only.
    pub fn with_models(
        jobs: &[ImportJob],
        walk: &Walk,
        mut universe: Vec<&'static Model>,
    ) -> Result<Plan> {
        for job in jobs {
            add_model_once(&mut universe, job.model());
        }
        let scope = connected(&universe, jobs.iter().map(|j| j.model()));
        let mut plan = Plan {
            tables: Vec::new(),
            load_order: Vec::new(),
            left_out: Vec::new(),
            universe,
            scope,
            walk: walk.clone(),
        };
        for (i, job) in jobs.iter().enumerate() {
            let model = job.model();
            if let Some(first) = plan.find_model(model) {
                let first_job = plan.tables[first].job.expect("only jobs so far");
                return Err(Error::Jobs(format!(
                    "jobs {} and {} both export table {}: merge them into one job",
                    first_job + 1,
                    i + 1,
                    model.table
                )));
            }
            plan.check_one_model_per_table(model)?;
            let reason = if job.takes_descendants() {
                Reason::Root(i)
            } else {
                Reason::Job(i)
            };
            plan.tables.push(Table {
                model,
                job: Some(i),
                reasons: vec![reason],
                foreign_keys: Vec::new(),
                down: Vec::new(),
                subclasses: Vec::new(),
                kept_out: None,
            });
        }
        plan.descend(jobs)?;
        plan.close()?;
        plan.link_jobs(jobs);
        plan.note_kept_out();
        plan.left_out = plan.find_left_out();
        Ok(plan)
    }

    /// The table mirrored by this model.
    fn find_model(&self, model: &Model) -> Option<TableId> {
        self.tables.iter().position(|t| t.model.is(model))
    }

    /// The table with this name.
    pub fn find(&self, name: &TableName) -> Option<TableId> {
        self.tables.iter().position(|t| t.name() == *name)
    }

    fn check_one_model_per_table(&self, model: &'static Model) -> Result<()> {
        match self.tables.iter().find(|t| t.name() == model.table) {
            Some(other) if !other.model.is(model) => Err(Error::Jobs(format!(
                "table {} is mirrored by two models, {} ({}) and {} ({})",
                model.table,
                other.model.rust_name,
                other.model.module,
                model.rust_name,
                model.module
            ))),
            _ => Ok(()),
        }
    }

    /// The table of `model`, added with `reason` when it is not in the plan
    /// yet; the bool says whether it was added.
    fn table_for(&mut self, model: &'static Model, reason: Reason) -> Result<(TableId, bool)> {
        if let Some(id) = self.find_model(model) {
            if !self.tables[id].reasons.contains(&reason) {
                self.tables[id].reasons.push(reason);
            }
            return Ok((id, false));
        }
        self.check_one_model_per_table(model)?;
        self.tables.push(Table {
            model,
            job: None,
            reasons: vec![reason],
            foreign_keys: Vec::new(),
            down: Vec::new(),
            subclasses: Vec::new(),
            kept_out: None,
        });
        Ok((self.tables.len() - 1, true))
    }

    /// The downward walk below every root: tables with a foreign key (or a
    /// generic relation that descends) into the walked set, transitively.
    fn descend(&mut self, jobs: &[ImportJob]) -> Result<()> {
        let mut queue: Vec<TableId> = (0..self.tables.len())
            .filter(|&id| self.tables[id].is_root())
            .collect();
        let mut walked: Vec<bool> = vec![false; self.tables.len()];
        for &id in &queue {
            walked[id] = true;
        }
        let universe = self.universe.clone();
        while let Some(parent) = queue.pop() {
            let parent_model = self.tables[parent].model;
            for &child in &universe {
                let keys = child
                    .foreign_keys
                    .iter()
                    .filter(|fk| fk.descend && (fk.target)().is(parent_model));
                // A generic relation may point at any model, so only the
                // models connected to the jobs' (the application's, not
                // every model the binary holds) descend through one.
                let in_scope = self.scope.iter().any(|m| m.is(child));
                let generics = child.generic_relations.iter().filter(|g| {
                    in_scope && (g.descend || self.walk.descends_generic(&child.table, g.object_id))
                });
                let edges: Vec<Result<&'static ForeignKey, &'static GenericRelation>> =
                    keys.map(Ok).chain(generics.map(Err)).collect();
                if edges.is_empty() {
                    continue;
                }
                let existing = self.find_model(child);
                let is_job = existing.is_some_and(|id| self.tables[id].job.is_some());
                if existing.is_none_or(|id| !self.tables[id].is_root())
                    && !is_job
                    && let Some(why) = self.walk.keeps_out(&child.table)
                {
                    if let Some(id) = existing {
                        self.tables[id].kept_out = Some(why);
                    }
                    continue;
                }
                for edge in edges {
                    let (reason, down) = match edge {
                        Ok(fk) => (
                            Reason::Descendant {
                                parent,
                                column: fk.column,
                            },
                            Down::Key {
                                fk,
                                parent,
                                cap: self.cap(jobs, child, fk.column),
                                walk: true,
                            },
                        ),
                        Err(relation) => (
                            Reason::GenericChild {
                                parent,
                                column: relation.object_id,
                            },
                            Down::Generic { relation, parent },
                        ),
                    };
                    let (id, _) = self.table_for(child, reason)?;
                    if walked.len() <= id {
                        walked.resize(id + 1, false);
                    }
                    self.tables[id].down.push(down);
                    if !walked[id] {
                        walked[id] = true;
                        queue.push(id);
                    }
                }
            }
        }
        Ok(())
    }

    fn cap(&self, jobs: &[ImportJob], model: &'static Model, column: &str) -> Option<u64> {
        let from_job = jobs
            .iter()
            .filter(|j| j.model().is(model))
            .flat_map(|j| j.caps())
            .filter(|(c, _)| *c == column)
            .map(|&(_, max)| max);
        from_job.chain(self.walk.cap(&model.table, column)).min()
    }

    /// Adds every table the plan's tables need: the targets of their foreign
    /// keys and their subclass tables, to a fixpoint; then the load order.
    fn close(&mut self) -> Result<()> {
        let mut next = 0;
        while next < self.tables.len() {
            self.link(next)?;
            next += 1;
        }
        self.load_order = load_order(&self.tables);
        Ok(())
    }

    /// Fills in table `id`'s foreign keys and subclasses, adding the tables
    /// they lead to.
    fn link(&mut self, id: TableId) -> Result<()> {
        let model = self.tables[id].model;
        let mut fks = Vec::new();
        for fk in model.foreign_keys {
            let reason = Reason::Parent {
                child: id,
                column: fk.column,
            };
            let (target, _) = self.table_for((fk.target)(), reason)?;
            fks.push((fk, target));
        }
        self.tables[id].foreign_keys = fks;
        let universe = self.universe.clone();
        for sub in universe {
            if sub
                .parent_link()
                .is_some_and(|link| (link.target)().is(model))
            {
                let (sub_id, _) = self.table_for(sub, Reason::Subclass { base: id })?;
                if !self.tables[id].subclasses.contains(&sub_id) {
                    self.tables[id].subclasses.push(sub_id);
                }
            }
        }
        Ok(())
    }

    /// Adds a table the selection found it needs (a generic relation's
    /// target), with its parents and subclasses; returns its id. The load
    /// order is recomputed.
    pub fn add_parent(&mut self, model: &'static Model, reason: Reason) -> Result<TableId> {
        let (id, added) = self.table_for(model, reason)?;
        if added {
            let mut next = id;
            while next < self.tables.len() {
                self.link(next)?;
                next += 1;
            }
            self.load_order = load_order(&self.tables);
        }
        Ok(id)
    }

    /// Explicit jobs outside the descendants walk are restricted by the jobs
    /// they reference that load before them, as they always were.
    fn link_jobs(&mut self, jobs: &[ImportJob]) {
        let position: HashMap<TableId, usize> = self
            .load_order
            .iter()
            .enumerate()
            .map(|(pos, &id)| (id, pos))
            .collect();
        for id in 0..self.tables.len() {
            let table = &self.tables[id];
            if table.job.is_none() || !table.down.is_empty() || table.is_root() {
                continue;
            }
            let edges: Vec<Down> = table
                .foreign_keys
                .iter()
                .filter(|&&(fk, target)| {
                    fk.descend
                        && target != id
                        && self.tables[target].job.is_some()
                        && position[&target] < position[&id]
                })
                .map(|&(fk, target)| Down::Key {
                    fk,
                    parent: target,
                    cap: self.cap(jobs, table.model, fk.column),
                    walk: false,
                })
                .collect();
            self.tables[id].down = edges;
        }
    }

    /// Tables in the slice only as parents that the walk would have entered
    /// but for its limits: `plan` says they still contribute parents.
    fn note_kept_out(&mut self) {
        for id in 0..self.tables.len() {
            let table = &self.tables[id];
            if table.is_walked() || table.kept_out.is_some() {
                continue;
            }
            let below_walk = table.model.foreign_keys.iter().any(|fk| {
                fk.descend
                    && self
                        .find_model((fk.target)())
                        .is_some_and(|t| self.tables[t].is_walked() && t != id)
            });
            if below_walk && let Some(why) = self.walk.keeps_out(&table.model.table) {
                self.tables[id].kept_out = Some(why);
            }
        }
    }

    /// Modelled tables that reference a table of the slice through a
    /// foreign key, but that the walk does not enter.
    fn find_left_out(&self) -> Vec<LeftOut> {
        let mut out = Vec::new();
        for &model in &self.scope {
            let inside = self.find_model(model);
            if inside.is_some_and(|id| self.tables[id].is_walked()) {
                continue;
            }
            for fk in model.foreign_keys {
                let target = (fk.target)();
                let Some(target_id) = self.find_model(target) else {
                    continue;
                };
                if !self.tables[target_id].is_walked() || model.is(target) {
                    continue;
                }
                let why = if let Some(why) = self.walk.keeps_out(&model.table) {
                    why
                } else if !fk.descend {
                    "its key is marked no_descend".to_string()
                } else if self.tables.iter().any(|t| t.is_root()) {
                    format!("{} is not below a root", target.table)
                } else {
                    "no job names it and no job takes its descendants".to_string()
                };
                out.push(LeftOut {
                    table: model.table,
                    column: fk.column,
                    references: target.table,
                    why,
                });
            }
        }
        out
    }

    /// Whether a model connected to the jobs' mirrors the table `name`
    /// (`table`, or `schema.table`).
    pub fn models_table(&self, name: &str) -> bool {
        self.scope
            .iter()
            .any(|m| crate::walk::names_table(name, &m.table))
    }

    /// The model with this content type: among the plan's tables first, then
    /// the models connected to the jobs, then every model of the program.
    pub fn resolve_content_type(&self, app_label: &str, model_name: &str) -> Resolved {
        let in_plan: Vec<&'static Model> = self.tables.iter().map(|t| t.model).collect();
        for tier in [&in_plan, &self.scope, &self.universe] {
            let found: Vec<&'static Model> = tier
                .iter()
                .copied()
                .filter(|m| m.has_content_type(app_label, model_name))
                .collect();
            match found.as_slice() {
                [] => continue,
                [one] => return Resolved::Model(one),
                several => {
                    return Resolved::Ambiguous(
                        several
                            .iter()
                            .map(|m| format!("{} ({})", m.rust_name, m.module))
                            .collect(),
                    );
                }
            }
        }
        Resolved::Unmodelled
    }

    /// Foreign keys that point from a table to one loaded at the same time or
    /// later (self-references and cycles): loading needs deferred
    /// constraints, or NULL first and an update after, for these.
    pub fn cycle_edges(&self) -> Vec<(TableId, &'static ForeignKey)> {
        let position: HashMap<TableId, usize> = self
            .load_order
            .iter()
            .enumerate()
            .map(|(pos, &id)| (id, pos))
            .collect();
        let mut out = Vec::new();
        for (id, table) in self.tables.iter().enumerate() {
            for &(fk, target) in &table.foreign_keys {
                if position[&target] >= position[&id] {
                    out.push((id, fk));
                }
            }
        }
        out
    }

    /// Why table `id` is in the slice, in words.
    pub fn reasons(&self, id: TableId) -> Vec<String> {
        let name = |id: TableId| self.tables[id].name().to_string();
        self.tables[id]
            .reasons
            .iter()
            .map(|reason| match *reason {
                Reason::Root(_) => "root, with its descendants".to_string(),
                Reason::Job(_) => "job".to_string(),
                Reason::Descendant { parent, column } if parent == id => {
                    format!("below its own rows through {column}")
                }
                Reason::Descendant { parent, column } => {
                    format!("below {} through {column}", name(parent))
                }
                Reason::GenericChild { parent, column } => {
                    format!("below {} through generic relation {column}", name(parent))
                }
                Reason::Parent { child, column } if child == id => {
                    format!("parents of its own rows through {column}")
                }
                Reason::Parent { child, column } => {
                    format!("parents of {} through {column}", name(child))
                }
                Reason::GenericTarget { child, column } => {
                    format!("targets of {}'s generic relation {column}", name(child))
                }
                Reason::Subclass { base } => {
                    format!("subclass rows of {} (multi-table inheritance)", name(base))
                }
            })
            .collect()
    }
}

/// The model named `name` (`table` or `schema.table`): a job's, else one
/// connected to the jobs' models, else any model of the program; an error
/// that lists the modelled tables when there is none, or names the models
/// when several mirror it.
pub fn model_named(jobs: &[ImportJob], name: &str) -> std::result::Result<&'static Model, String> {
    let universe = model::all_models();
    let job_models: Vec<&'static Model> = jobs.iter().map(|j| j.model()).collect();
    let scope = connected(&universe, job_models.iter().copied());
    for tier in [&job_models, &scope, &universe] {
        let found: Vec<&'static Model> = tier
            .iter()
            .copied()
            .filter(|m| crate::walk::names_table(name, &m.table))
            .collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(one),
            several => {
                let names: Vec<String> = several
                    .iter()
                    .map(|m| format!("{} ({})", m.rust_name, m.module))
                    .collect();
                return Err(format!(
                    "table {name} is mirrored by several models: {}",
                    names.join(", ")
                ));
            }
        }
    }
    let mut names: Vec<String> = scope.iter().map(|m| m.table.to_string()).collect();
    names.sort();
    names.dedup();
    Err(format!(
        "no model mirrors table {name}; the modelled tables are: {}",
        names.join(", ")
    ))
}

fn add_model_once(models: &mut Vec<&'static Model>, model: &'static Model) {
    if !models.iter().any(|m| m.is(model)) {
        models.push(model);
    }
}

/// The models connected to `start` through foreign keys, either way.
fn connected(
    universe: &[&'static Model],
    start: impl Iterator<Item = &'static Model>,
) -> Vec<&'static Model> {
    let mut out: Vec<&'static Model> = Vec::new();
    for model in start {
        add_model_once(&mut out, model);
    }
    let mut next = 0;
    while next < out.len() {
        let model = out[next];
        for fk in model.foreign_keys {
            add_model_once(&mut out, (fk.target)());
        }
        for &other in universe {
            if other.foreign_keys.iter().any(|fk| (fk.target)().is(model)) {
                add_model_once(&mut out, other);
            }
        }
        next += 1;
    }
    out
}

/// Parents before children. Strongly connected components (cycles) are
/// ordered as units; inside one, edges of nullable foreign keys are dropped
/// first, since those are the ones a loader can fill in afterwards.
fn load_order(tables: &[Table]) -> Vec<TableId> {
    let edges: Vec<Vec<TableId>> = tables
        .iter()
        .map(|t| t.foreign_keys.iter().map(|&(_, to)| to).collect())
        .collect();
    let components = strongly_connected(&edges);
    let mut component_of = vec![0; tables.len()];
    for (c, members) in components.iter().enumerate() {
        for &m in members {
            component_of[m] = c;
        }
    }
    // Tarjan yields components children-last in reverse topological order of
    // the "points at" relation: a component comes after every component it
    // points at. That is exactly parents first.
    let mut order = Vec::with_capacity(tables.len());
    for members in &components {
        order.extend(order_within(tables, members));
    }
    order
}

/// Orders the members of one strongly connected component: Kahn's algorithm
/// over the edges inside it, ignoring nullable foreign keys, and where that
/// still leaves a cycle, taking the member that comes first in the plan.
fn order_within(tables: &[Table], members: &[TableId]) -> Vec<TableId> {
    if members.len() == 1 {
        return members.to_vec();
    }
    let inside: BTreeMap<TableId, ()> = members.iter().map(|&m| (m, ())).collect();
    let hard_parents = |id: TableId| -> Vec<TableId> {
        tables[id]
            .foreign_keys
            .iter()
            .filter(|(fk, target)| {
                *target != id
                    && inside.contains_key(target)
                    && !tables[id]
                        .model
                        .column(fk.column)
                        .is_some_and(|c| c.nullable)
            })
            .map(|&(_, target)| target)
            .collect()
    };
    let mut placed: Vec<TableId> = Vec::new();
    let mut remaining: Vec<TableId> = members.to_vec();
    remaining.sort_unstable();
    while !remaining.is_empty() {
        let ready = remaining
            .iter()
            .position(|&id| hard_parents(id).iter().all(|p| placed.contains(p)))
            .unwrap_or(0);
        placed.push(remaining.remove(ready));
    }
    placed
}

/// Tarjan's algorithm, iterative, over `edges[v]` (what table `v` points
/// at); components come out with every component a table points at before
/// it.
pub fn strongly_connected(edges: &[Vec<TableId>]) -> Vec<Vec<TableId>> {
    struct State {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<TableId>,
        next: usize,
        out: Vec<Vec<TableId>>,
    }
    let n = edges.len();
    let mut s = State {
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for root in 0..n {
        if s.index[root].is_some() {
            continue;
        }
        // (node, next edge to look at)
        let mut work: Vec<(TableId, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if *edge == 0 && s.index[v].is_none() {
                s.index[v] = Some(s.next);
                s.low[v] = s.next;
                s.next += 1;
                s.stack.push(v);
                s.on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*edge) {
                *edge += 1;
                match s.index[w] {
                    None => work.push((w, 0)),
                    Some(wi) if s.on_stack[w] => s.low[v] = s.low[v].min(wi),
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                s.low[parent] = s.low[parent].min(s.low[v]);
            }
            if Some(s.low[v]) == s.index[v] {
                let mut component = Vec::new();
                loop {
                    let w = s.stack.pop().expect("v is on the stack");
                    s.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                s.out.push(component);
            }
        }
    }
    s.out
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &id in &self.load_order {
            let table = &self.tables[id];
            writeln!(f, "{} ({})", table.name(), self.reasons(id).join("; "))?;
            if let Some(why) = &table.kept_out {
                writeln!(
                    f,
                    "  kept out of the walk ({why}), but holds parents the slice needs"
                )?;
            }
            if let Some(tree) = table.model.tree {
                writeln!(
                    f,
                    "  tree on {} (step {}): every row's ancestors come along",
                    tree.path, tree.step
                )?;
            }
            for (fk, target) in &table.foreign_keys {
                let mut how = String::new();
                if fk.optional {
                    how.push_str(", optional");
                }
                if !fk.descend {
                    how.push_str(", no_descend");
                }
                if let Some(cap) = table.down.iter().find_map(|d| match d {
                    Down::Key { fk: down, cap, .. } if down.column == fk.column => *cap,
                    _ => None,
                }) {
                    how.push_str(&format!(", at most {cap} per parent"));
                }
                writeln!(
                    f,
                    "  {} -> {}.{}{how}",
                    fk.column,
                    self.tables[*target].name(),
                    fk.target_key
                )?;
            }
            for relation in table.model.generic_relations {
                let down = if table
                    .down
                    .iter()
                    .any(|d| matches!(d, Down::Generic { relation: r, .. } if r.object_id == relation.object_id))
                {
                    ", followed downward"
                } else {
                    ""
                };
                writeln!(
                    f,
                    "  ({}, {}) -> any model (generic relation){down}",
                    relation.content_type, relation.object_id
                )?;
            }
        }
        if !self.left_out.is_empty() {
            writeln!(
                f,
                "left out (these rows reference the slice but are not in it):"
            )?;
            for left in &self.left_out {
                writeln!(
                    f,
                    "  {}.{} -> {}: {}",
                    left.table, left.column, left.references, left.why
                )?;
            }
        }
        Ok(())
    }
}
