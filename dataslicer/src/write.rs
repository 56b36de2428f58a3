//! Writing a slice's tables once their rows are selected: one after another
//! on the run's connection, or, with [`Options::jobs`] above 1, on worker
//! connections that import the run's snapshot, several tables at once.
//!
//! Both ways write the same bytes. Each file depends only on the snapshot,
//! its selection and its fakers; the fakers that share memory (the
//! `consistent, unique` columns of one kind, which must give an original one
//! fake in every table) are put in one group, and a group's tables are
//! written by one worker in load order, as one connection writes them.

use crate::error::{Error, Result};
use crate::export::export_table;
use crate::fake::ColumnFaker;
use crate::keys::Selection;
use crate::manifest::ManifestTable;
use crate::options::Options;
use crate::plan::{Plan, TableId};
use crate::progress::{Report, TableDone};
use crate::schema::Checked;
use crate::sink::{Sink, TableWriter};
use crate::source::{Source, Workers};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// The fakers of one table, one per column (`None` for a column kept).
pub(crate) type TableFakers = Vec<Option<ColumnFaker>>;

/// What every table's writing reads.
pub(crate) struct Context<'a> {
    pub plan: &'a Plan,
    pub selections: &'a [Selection],
    pub referenced: &'a HashMap<(TableId, &'static str), Selection>,
    pub checked: &'a [Checked],
    pub options: &'a Options,
    pub report: &'a dyn Report,
}

/// What writing one table found out, for its manifest entry.
struct Written {
    rows: u64,
    sha256: String,
    nulled: BTreeMap<String, u64>,
}

/// Writes every table of `tables` (in load order, one entry per
/// `plan.load_order` place, `fakers` in the same order) and fills in their
/// rows, hashes and NULL counts; `sink.table_done` is called for each, in
/// load order.
pub(crate) fn write_tables(
    source: &mut dyn Source,
    sink: &mut dyn Sink,
    cx: &Context<'_>,
    tables: &mut [ManifestTable],
    fakers: Vec<TableFakers>,
) -> Result<()> {
    let expected = expected_rows(source, cx)?;
    let workers = match (cx.options.jobs > 1, sink.concurrent().is_some()) {
        (true, true) if tables.len() > 1 => source.workers()?,
        _ => None,
    };
    let Some(workers) = workers else {
        cx.report
            .status(&format!("writing {} tables", tables.len()));
        for (place, fakers) in fakers.into_iter().enumerate() {
            crate::interrupt::check()?;
            let writer = sink.table(&tables[place])?;
            let written = write_one(
                source,
                cx,
                (&tables[place], expected[place]),
                place,
                fakers,
                writer,
            )?;
            fill(&mut tables[place], written);
            sink.table_done(&tables[place])?;
        }
        return Ok(());
    };
    cx.report.status(&format!(
        "writing {} tables on {} connections",
        tables.len(),
        cx.options.jobs
    ));
    let concurrent = sink.concurrent().expect("checked above");
    let written = in_parallel(
        source,
        workers.as_ref(),
        concurrent,
        cx,
        tables,
        &expected,
        fakers,
    )?;
    for (entry, written) in tables.iter_mut().zip(written) {
        fill(entry, written);
        sink.table_done(entry)?;
    }
    Ok(())
}

fn fill(entry: &mut ManifestTable, written: Written) {
    entry.rows = written.rows;
    entry.sha256 = written.sha256;
    entry.nulled = written.nulled;
}

/// Per load-order place, about how many rows the table should get: the
/// keys selected; the planner's estimate of a table taken whole; for the
/// rows referencing some parents, the table's estimate times the share of
/// its parent's rows they reference.
fn expected_rows(source: &mut dyn Source, cx: &Context<'_>) -> Result<Vec<Option<u64>>> {
    let mut out = Vec::with_capacity(cx.plan.load_order.len());
    for &id in &cx.plan.load_order {
        let table = &cx.plan.tables[id];
        out.push(match &cx.selections[id] {
            Selection::Keys(keys) => Some(keys.len() as u64),
            Selection::All => source.estimated_rows(table.model)?,
            Selection::Referencing { column, parents } => {
                let parent = table
                    .foreign_keys
                    .iter()
                    .find(|(fk, _)| fk.column == *column)
                    .map(|&(_, target)| cx.plan.tables[target].model);
                match parent {
                    Some(parent) => match (
                        source.estimated_rows(table.model)?,
                        source.estimated_rows(parent)?,
                    ) {
                        (Some(rows), Some(of)) if of > 0 => {
                            let share = (parents.len() as f64 / of as f64).min(1.0);
                            Some((rows as f64 * share).round() as u64)
                        }
                        _ => None,
                    },
                    None => None,
                }
            }
        });
    }
    Ok(out)
}

/// Writes one table (its manifest entry, with the rows it should get)
/// through `out`, reporting its progress.
fn write_one(
    source: &mut dyn Source,
    cx: &Context<'_>,
    (entry, expected): (&ManifestTable, Option<u64>),
    place: usize,
    fakers: TableFakers,
    out: Box<dyn TableWriter + '_>,
) -> Result<Written> {
    let id = cx.plan.load_order[place];
    let start = Instant::now();
    cx.report.table_started(place, &entry.table, expected);
    let mut counted = Counted {
        out,
        place,
        report: cx.report,
        bytes: 0,
        reported_at: 0,
    };
    let nulled = export_table(
        source,
        cx.plan,
        id,
        cx.selections,
        cx.referenced,
        &cx.checked[id].reads,
        fakers,
        &mut counted,
        cx.options,
    )?;
    let bytes = counted.bytes;
    let (rows, sha256) = Box::new(counted).finish()?;
    cx.report.table_done(
        place,
        &TableDone {
            table: entry.table.clone(),
            rows,
            bytes,
            elapsed: start.elapsed(),
        },
    );
    Ok(Written {
        rows,
        sha256,
        nulled,
    })
}

/// A table's writer that counts its bytes and reports its rows.
struct Counted<'a, 'w> {
    out: Box<dyn TableWriter + 'w>,
    place: usize,
    report: &'a dyn Report,
    bytes: u64,
    reported_at: u64,
}

impl TableWriter for Counted<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write(bytes)?;
        self.bytes += bytes.len() as u64;
        if self.bytes - self.reported_at >= 1 << 18 {
            self.reported_at = self.bytes;
            self.report.table_progress(self.place, self.out.rows());
        }
        Ok(())
    }

    fn rows(&self) -> u64 {
        self.out.rows()
    }

    fn finish(self: Box<Self>) -> Result<(u64, String)> {
        self.out.finish()
    }
}

/// One worker's share: tables whose fakers share memory, in load order,
/// with their fakers.
struct Group {
    places: Vec<usize>,
    fakers: Vec<TableFakers>,
}

/// Tables on `workers` and the run's own connection, a group at a time,
/// largest groups first. Returns what each table's writing found, in load
/// order. The first error stops every worker at its next write and is the
/// one returned.
fn in_parallel(
    source: &mut dyn Source,
    workers: &dyn Workers,
    sink: &dyn crate::sink::ConcurrentTables,
    cx: &Context<'_>,
    tables: &[ManifestTable],
    expected: &[Option<u64>],
    fakers: Vec<TableFakers>,
) -> Result<Vec<Written>> {
    let mut groups = groups(fakers);
    // Longest first, so that the last group to start is a short one. The
    // schedule changes no byte of the output.
    let cost = |g: &Group| -> u64 { g.places.iter().map(|&p| expected[p].unwrap_or(0)).sum() };
    groups.sort_by_key(|g| std::cmp::Reverse(cost(g)));
    // No more connections than groups to give them.
    let helpers = cx.options.jobs.min(groups.len()).saturating_sub(1);
    let queue = Mutex::new(VecDeque::from(groups));
    let results: Mutex<Vec<Option<Written>>> =
        Mutex::new((0..tables.len()).map(|_| None).collect());
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let stop = AtomicBool::new(false);
    let fail = |e: Error| {
        let mut first = lock(&failure);
        if first.is_none() {
            *first = Some(e);
        }
        stop.store(true, Ordering::SeqCst);
    };
    let work = |source: &mut dyn Source| -> Result<()> {
        while !stop.load(Ordering::SeqCst) {
            let Some(group) = lock(&queue).pop_front() else {
                return Ok(());
            };
            for (place, fakers) in group.places.into_iter().zip(group.fakers) {
                let out = Box::new(Stoppable {
                    out: sink.open(&tables[place])?,
                    stop: &stop,
                });
                let table = (&tables[place], expected[place]);
                let written = write_one(source, cx, table, place, fakers, out)?;
                lock(&results)[place] = Some(written);
            }
        }
        Ok(())
    };
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|| {
                if let Err(e) = workers.run(&mut |source| work(source)) {
                    fail(e);
                }
            });
        }
        if let Err(e) = work(source) {
            fail(e);
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(e);
    }
    results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .map(|w| Ok(w.expect("every table written when no worker failed")))
        .collect()
}

/// Groups tables (by load-order place) whose fakers share memory; each
/// group's tables stay in load order.
fn groups(fakers: Vec<TableFakers>) -> Vec<Group> {
    let n = fakers.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<usize, usize> = HashMap::new();
    for (place, table) in fakers.iter().enumerate() {
        for memory in table.iter().flatten().flat_map(ColumnFaker::shared_memory) {
            let other = *owner.entry(memory).or_insert(place);
            let (a, b) = (root(&mut parent, place), root(&mut parent, other));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for (place, table) in fakers.into_iter().enumerate() {
        let r = root(&mut parent, place);
        let g = *group_of.entry(r).or_insert_with(|| {
            groups.push(Group {
                places: Vec::new(),
                fakers: Vec::new(),
            });
            groups.len() - 1
        });
        groups[g].places.push(place);
        groups[g].fakers.push(table);
    }
    groups
}

/// A worker's table writer that gives up as soon as another worker failed.
struct Stoppable<'s> {
    out: Box<dyn TableWriter + Send>,
    stop: &'s AtomicBool,
}

impl TableWriter for Stoppable<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        self.out.write(bytes)
    }

    fn rows(&self) -> u64 {
        self.out.rows()
    }

    fn finish(self: Box<Self>) -> Result<(u64, String)> {
        self.out.finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
