//! The plan: every table the jobs reach, what role each plays, and an order
//! in which the slice can be loaded.

use crate::error::{Error, Result};
use crate::job::ImportJob;
use crate::model::{ForeignKey, Model, TableName};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Index of a table in a [`Plan`].
pub type TableId = usize;

/// Why a table is in the slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A job names it (the index into the jobs).
    Job(usize),
    /// Only reached through `#[fk]`: it holds the parents the slice needs.
    Parent,
}

/// One table of the plan.
#[derive(Debug)]
pub struct Table {
    /// The model.
    pub model: &'static Model,
    /// Why it is in the slice.
    pub role: Role,
    /// The foreign keys, each with the table it points at.
    pub foreign_keys: Vec<(&'static ForeignKey, TableId)>,
}

impl Table {
    /// The table's name.
    pub fn name(&self) -> TableName {
        self.model.table
    }
}

/// Every table the jobs reach, and a load order.
#[derive(Debug)]
pub struct Plan {
    /// The tables: jobs first, in job order, then parents as found.
    pub tables: Vec<Table>,
    /// A valid load order: parents before children, except along the edges
    /// of cycles (see [`Plan::cycle_edges`]).
    pub load_order: Vec<TableId>,
}

impl Plan {
    /// Builds the plan of `jobs`: checks them and walks `#[fk]` to every
    /// parent model.
    pub fn new(jobs: &[ImportJob]) -> Result<Plan> {
        let mut tables: Vec<Table> = Vec::new();
        let mut by_name: HashMap<TableName, TableId> = HashMap::new();
        for (i, job) in jobs.iter().enumerate() {
            let model = job.model();
            if let Some(&first) = by_name.get(&model.table) {
                let Role::Job(first_job) = tables[first].role else {
                    unreachable!()
                };
                return Err(Error::Jobs(format!(
                    "jobs {} and {} both export table {}: merge them into one job",
                    first_job + 1,
                    i + 1,
                    model.table
                )));
            }
            by_name.insert(model.table, tables.len());
            tables.push(Table {
                model,
                role: Role::Job(i),
                foreign_keys: Vec::new(),
            });
        }
        // Walk foreign keys to models no job names.
        let mut next = 0;
        while next < tables.len() {
            let model = tables[next].model;
            let mut fks = Vec::new();
            for fk in model.foreign_keys {
                let target = (fk.target)();
                let id = match by_name.get(&target.table) {
                    Some(&id) => {
                        if !std::ptr::eq(tables[id].model, target)
                            && tables[id].model.rust_name != target.rust_name
                        {
                            return Err(Error::Jobs(format!(
                                "table {} is mirrored by two models, {} and {}",
                                target.table, tables[id].model.rust_name, target.rust_name
                            )));
                        }
                        id
                    }
                    None => {
                        by_name.insert(target.table, tables.len());
                        tables.push(Table {
                            model: target,
                            role: Role::Parent,
                            foreign_keys: Vec::new(),
                        });
                        tables.len() - 1
                    }
                };
                fks.push((fk, id));
            }
            tables[next].foreign_keys = fks;
            next += 1;
        }
        let load_order = load_order(&tables);
        Ok(Plan { tables, load_order })
    }

    /// The table with this name.
    pub fn find(&self, name: &TableName) -> Option<TableId> {
        self.tables.iter().position(|t| t.name() == *name)
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
}

/// Parents before children. Strongly connected components (cycles) are
/// ordered as units; inside one, edges of nullable foreign keys are dropped
/// first, since those are the ones a loader can fill in afterwards.
fn load_order(tables: &[Table]) -> Vec<TableId> {
    let components = strongly_connected(tables);
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

/// Tarjan's algorithm, iterative; components come out with every component a
/// table points at before it.
fn strongly_connected(tables: &[Table]) -> Vec<Vec<TableId>> {
    struct State {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<TableId>,
        next: usize,
        out: Vec<Vec<TableId>>,
    }
    let n = tables.len();
    let mut s = State {
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    let edges: Vec<Vec<TableId>> = tables
        .iter()
        .map(|t| t.foreign_keys.iter().map(|&(_, to)| to).collect())
        .collect();
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
            let role = match table.role {
                Role::Job(_) => "job",
                Role::Parent => "parents only",
            };
            writeln!(f, "{} ({role})", table.name())?;
            for (fk, target) in &table.foreign_keys {
                let how = if fk.optional { ", optional" } else { "" };
                writeln!(
                    f,
                    "  {} -> {}.{}{how}",
                    fk.column,
                    self.tables[*target].name(),
                    fk.target_key
                )?;
            }
        }
        Ok(())
    }
}
