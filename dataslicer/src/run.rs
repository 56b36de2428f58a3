//! `download`: ties the plan, the PostgreSQL source, the selection, the fakes
//! and the slice directory together.

use crate::error::{Error, Result};
use crate::fake::ColumnFaker;
use crate::job::ImportJob;
use crate::keys::Selection;
use crate::manifest::{
    self, Manifest, ManifestFilter, ManifestForeignKey, ManifestTable, ManifestUnresolved,
};
use crate::model::Model;
pub use crate::options::Options;
use crate::plan::{Plan, TableId};
use crate::progress::{self, Report};
use crate::select::{self, SelectOptions};
use crate::sink::{DirSink, IfExists, PgSink, Sink};
use crate::source::{DirSource, PgSource, Source};
use crate::write;
use postgres::Client;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Slices the database behind `client` into the directory `dest`.
///
/// Reads everything in one `REPEATABLE READ, READ ONLY` transaction, writes
/// `<table>.csv` per table and `manifest.json` under a temporary name, and
/// renames the directory into place only when all of it is written. Returns
/// the manifest.
pub fn download(
    client: &mut Client,
    jobs: &[ImportJob],
    dest: impl AsRef<Path>,
    options: &Options,
) -> Result<Manifest> {
    let mut source = PgSource::begin(client)?;
    let mut sink = DirSink::create(dest.as_ref())?;
    slice(&mut source, &mut sink, jobs, options)
}

/// Slices any source into any sink: PostgreSQL or a slice directory on
/// either side. Applies the jobs (samples, the downward walk, the upward
/// closure, fakes); nothing is final until the sink's `finish`, and on any
/// error the sink is abandoned (a directory removed, a transaction rolled
/// back).
///
/// With [`Options::progress`], progress goes to standard error (see
/// [`progress::Stderr`]); [`slice_reporting`] takes any [`Report`].
pub fn slice(
    source: &mut dyn Source,
    sink: &mut dyn Sink,
    jobs: &[ImportJob],
    options: &Options,
) -> Result<Manifest> {
    match options.progress {
        true => slice_reporting(source, sink, jobs, options, &progress::Stderr::new()),
        false => slice_reporting(source, sink, jobs, options, &progress::Silent),
    }
}

/// [`slice()`], telling `report` what it does.
pub fn slice_reporting(
    source: &mut dyn Source,
    sink: &mut dyn Sink,
    jobs: &[ImportJob],
    options: &Options,
    report: &dyn Report,
) -> Result<Manifest> {
    let result = slice_inner(source, sink, jobs, options, report);
    if result.is_err() {
        sink.abandon();
    }
    report.finished(result.is_ok());
    result.map_err(crate::interrupt::explain)
}

fn slice_inner(
    source: &mut dyn Source,
    sink: &mut dyn Sink,
    jobs: &[ImportJob],
    options: &Options,
    report: &dyn Report,
) -> Result<Manifest> {
    let mut plan = Plan::new(jobs, &options.walk)?;
    let mut checked = check_all(source, &plan.tables)?;
    let select_options = SelectOptions {
        seed: options.seed,
        batch_size: options.batch_size,
    };
    let selected = select::select(source, &mut plan, jobs, select_options, &mut |m| {
        report.status(m)
    })?;
    // Tables that generic relations turned out to point at.
    let more = check_all(source, &plan.tables[checked.len()..])?;
    checked.extend(more);
    let selections = selected.selections;
    let mut fakers = plan
        .tables
        .iter()
        .zip(&checked)
        .map(|(table, checked)| table_fakers(table.model, checked, options))
        .collect::<Result<Vec<_>>>()?;
    share_consistent_fakers(&mut fakers);
    let referenced = referenced_values(source, &plan, &selections, options)?;

    let mut tables: Vec<ManifestTable> = plan
        .load_order
        .iter()
        .map(|&id| {
            let mut entry = manifest_table(plan.tables[id].model, &checked[id]);
            entry.filter = plan.tables[id]
                .job
                .and_then(|j| jobs[j].filter_ref())
                .map(|f| {
                    let (sql, params) = f.signature();
                    ManifestFilter { sql, params }
                });
            entry
        })
        .collect();
    unique_file_names(&mut tables);
    sink.begin(&tables)?;
    let mut fakers = order_fakers(&plan, fakers);
    for (table_fakers, entry) in fakers.iter_mut().zip(&tables) {
        for (faker, column) in table_fakers.iter_mut().zip(&entry.columns) {
            if let Some(faker) = faker.as_mut().filter(|f| f.is_unique()) {
                faker.reserve(sink.taken_values(entry, column)?);
            }
        }
    }
    let context = write::Context {
        plan: &plan,
        selections: &selections,
        referenced: &referenced,
        checked: &checked,
        options,
        report,
    };
    write::write_tables(source, sink, &context, &mut tables, fakers)?;
    crate::interrupt::check()?;
    let description = source.description();
    source.finish()?;
    let manifest = Manifest {
        format_version: manifest::FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: options.seed,
        created_at: manifest::now_utc(),
        source: description,
        tables,
        unresolved_generic: selected
            .unresolved
            .into_iter()
            .map(|u| ManifestUnresolved {
                table: u.table.to_string(),
                column: u.column.to_string(),
                content_type: u.content_type,
                references: u.references,
                why: u.why,
            })
            .collect(),
    };
    sink.finish(&manifest)?;
    Ok(manifest)
}

/// Checks every table's model against the source; every table's problems
/// are reported together, in one error.
fn check_all(
    source: &mut dyn Source,
    tables: &[crate::plan::Table],
) -> Result<Vec<crate::schema::Checked>> {
    let mut checked = Vec::with_capacity(tables.len());
    let mut problems = Vec::new();
    for table in tables {
        match source.check(table.model) {
            Ok(c) => checked.push(c),
            Err(e @ (Error::Schema { .. } | Error::Manifest { .. })) => problems.push(e),
            Err(e) => return Err(e),
        }
    }
    match problems.len() {
        0 => Ok(checked),
        1 => Err(problems.pop().expect("one problem")),
        _ => Err(Error::Several(problems)),
    }
}

/// For optional foreign keys to a unique column other than the primary key,
/// that column's values in the parent's selected rows: what the export
/// checks such a key against before it writes NULL.
fn referenced_values(
    source: &mut dyn Source,
    plan: &Plan,
    selections: &[Selection],
    options: &Options,
) -> Result<HashMap<(TableId, &'static str), Selection>> {
    let mut out = HashMap::new();
    for (id, table) in plan.tables.iter().enumerate() {
        for &(fk, target) in &table.foreign_keys {
            if !fk.optional || fk.targets_primary_key() {
                continue;
            }
            let Selection::Keys(keys) = &selections[target] else {
                continue;
            };
            let columns = [(fk.target_key, fk.key_kind())];
            let values = source
                .foreign_key_values(
                    plan.tables[target].model,
                    &columns,
                    Some(keys),
                    options.batch_size,
                )?
                .remove(0);
            out.insert((id, fk.column), Selection::Keys(values));
        }
    }
    Ok(out)
}

/// Loads a slice directory into PostgreSQL exactly as it is (no sampling, no
/// fakes), after checking its manifest: one transaction, all or nothing.
/// Rows of natural-key tables (Django's content types and permissions,
/// `#[natural_key]` models) are matched with the target's, and references
/// to them rewritten: see [`PgSink`].
pub fn load(dir: impl AsRef<Path>, client: &mut Client, if_exists: IfExists) -> Result<Manifest> {
    load_with_notes(dir, client, if_exists).map(|(manifest, _)| manifest)
}

/// [`load`], also returning what the load did that a user should know (see
/// [`PgSink::notes`]): the tables `--if-exists truncate` left alone, the
/// rows matched by natural key.
pub fn load_with_notes(
    dir: impl AsRef<Path>,
    client: &mut Client,
    if_exists: IfExists,
) -> Result<(Manifest, Vec<String>)> {
    load_reporting(dir, client, if_exists, &progress::Silent)
}

/// [`load_with_notes`], telling `report` how far each table is (the
/// manifest's row counts give the bars their lengths).
pub fn load_reporting(
    dir: impl AsRef<Path>,
    client: &mut Client,
    if_exists: IfExists,
    report: &dyn Report,
) -> Result<(Manifest, Vec<String>)> {
    let result = load_inner(dir.as_ref(), client, if_exists, report);
    report.finished(result.is_ok());
    result
}

fn load_inner(
    dir: &Path,
    client: &mut Client,
    if_exists: IfExists,
    report: &dyn Report,
) -> Result<(Manifest, Vec<String>)> {
    let source = DirSource::open(dir)?;
    let manifest = source.manifest().clone();
    let mut sink = PgSink::begin(client, if_exists)?;
    let result = (|| {
        sink.begin(&manifest.tables)?;
        report.status(&format!("loading {} tables", manifest.tables.len()));
        for (place, table) in manifest.tables.iter().enumerate() {
            crate::interrupt::pause_point("table");
            let start = std::time::Instant::now();
            report.table_started(place, &table.table, Some(table.rows));
            let mut sent: u64 = 0;
            let mut reported_at: u64 = 0;
            let path = source.path().join(&table.file);
            let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
            let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
            skip_header(&mut reader).map_err(|e| Error::io(&path, e))?;
            let mut writer = sink.table(table)?;
            let mut buf = vec![0u8; 1 << 16];
            loop {
                crate::interrupt::check()?;
                let n = reader.read(&mut buf).map_err(|e| Error::io(&path, e))?;
                if n == 0 {
                    break;
                }
                writer.write(&buf[..n])?;
                sent += n as u64;
                if sent - reported_at >= 1 << 18 {
                    reported_at = sent;
                    report.table_progress(place, writer.rows());
                }
            }
            let (rows, _) = writer.finish()?;
            // The directory was checked when opened; this catches a file
            // changed since.
            if rows != table.rows {
                return Err(Error::Manifest {
                    path: path.clone(),
                    message: format!(
                        "table {}: {} rows were sent, the manifest says {}: the file changed \
                         while it was loaded",
                        table.table, rows, table.rows
                    ),
                });
            }
            sink.table_done(table)?;
            report.table_done(
                place,
                &progress::TableDone {
                    table: table.table.clone(),
                    rows,
                    bytes: sent,
                    elapsed: start.elapsed(),
                },
            );
        }
        crate::interrupt::check()?;
        report.status("committing (PostgreSQL checks the deferred constraints)");
        sink.finish(&manifest)
    })();
    if result.is_err() {
        sink.abandon();
    }
    result
        .map(|()| (manifest, sink.notes().to_vec()))
        .map_err(crate::interrupt::explain)
}

/// Reads past the header record (which may, in principle, hold quoted line
/// breaks).
fn skip_header(reader: &mut impl std::io::BufRead) -> std::io::Result<()> {
    let mut line = Vec::new();
    let mut in_quotes = false;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        in_quotes ^= line.iter().filter(|&&b| b == b'"').count() % 2 == 1;
        if !in_quotes {
            return Ok(());
        }
    }
}

/// Gives tables whose names map to one file name (`a.b` in no schema and
/// `b` in schema `a`, or names that differ only in replaced characters)
/// files of their own: `a.b.csv`, `a.b-2.csv`, ...
fn unique_file_names(tables: &mut [ManifestTable]) {
    let mut used = std::collections::HashSet::new();
    for table in tables {
        let stem = table.file.trim_end_matches(".csv").to_string();
        let mut n = 1;
        while !used.insert(table.file.to_lowercase()) {
            n += 1;
            table.file = format!("{stem}-{n}.csv");
        }
    }
}

/// A manifest entry for a model, before its rows are written.
fn manifest_table(model: &'static Model, checked: &crate::schema::Checked) -> ManifestTable {
    ManifestTable {
        table: model.table.to_string(),
        schema: model.table.schema.map(str::to_string),
        name: model.table.name.to_string(),
        file: format!("{}.csv", model.table.file_stem()),
        columns: model.columns.iter().map(|c| c.name.to_string()).collect(),
        primary_key: model.primary_key.to_string(),
        foreign_keys: model
            .foreign_keys
            .iter()
            .map(|fk| ManifestForeignKey {
                column: fk.column.to_string(),
                references: fk.target_table.to_string(),
                references_column: fk.target_key.to_string(),
                optional: fk.optional,
            })
            .collect(),
        rows: 0,
        sha256: String::new(),
        filter: None,
        nulled: Default::default(),
        faked: model
            .columns
            .iter()
            .filter(|c| c.fake.is_some())
            .map(|c| c.name.to_string())
            .collect(),
        max_lengths: model
            .columns
            .iter()
            .zip(&checked.max_chars)
            .filter_map(|(c, max)| max.map(|n| (c.name.to_string(), n)))
            .collect(),
        natural_key: model.natural_key.iter().map(|c| c.to_string()).collect(),
        generic: model
            .generic_relations
            .iter()
            .map(|g| (g.object_id.to_string(), g.content_type.to_string()))
            .collect(),
    }
}

/// The fakers of one table, one per faked column, in column order.
fn table_fakers(
    model: &'static Model,
    checked: &crate::schema::Checked,
    options: &Options,
) -> Result<Vec<Option<ColumnFaker>>> {
    model
        .columns
        .iter()
        .zip(&checked.max_chars)
        .zip(&checked.json)
        .map(|((column, &live_max), &json)| {
            let Some(fake) = &column.fake else {
                return Ok(None);
            };
            let max = match (live_max, fake.max_length.map(|n| n as usize)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            ColumnFaker::new(options.seed, options.locale, model.table, column, max)
                .map(|f| Some(f.json_column(json)))
        })
        .collect()
}

/// Lets every `consistent, unique` faker share its memory with the first
/// one of its kind and limit, so that an original gets one fake in every
/// table.
fn share_consistent_fakers(fakers: &mut [Vec<Option<ColumnFaker>>]) {
    let mut firsts: Vec<(usize, usize)> = Vec::new();
    for t in 0..fakers.len() {
        for c in 0..fakers[t].len() {
            let Some(faker) = &fakers[t][c] else { continue };
            match firsts.iter().find(|&&(ft, fc)| {
                fakers[ft][fc]
                    .as_ref()
                    .is_some_and(|f| f.agrees_with(faker))
            }) {
                Some(&(ft, fc)) => {
                    let first = fakers[ft][fc].take().expect("present");
                    fakers[t][c].as_mut().expect("present").share(&first);
                    fakers[ft][fc] = Some(first);
                }
                None => firsts.push((t, c)),
            }
        }
    }
    // Keys inside JSON documents join the first `consistent, unique` column
    // of their kind (whatever its limit: a document has none).
    for t in 0..fakers.len() {
        for c in 0..fakers[t].len() {
            let Some(mut faker) = fakers[t][c].take() else {
                continue;
            };
            if faker.members().count() > 1 {
                for &(ft, fc) in &firsts {
                    if let Some(first) = &fakers[ft][fc] {
                        faker.share(first);
                    }
                }
            }
            fakers[t][c] = Some(faker);
        }
    }
}

/// Moves the fakers into load order.
fn order_fakers(
    plan: &Plan,
    fakers: Vec<Vec<Option<ColumnFaker>>>,
) -> Vec<Vec<Option<ColumnFaker>>> {
    let mut slots: Vec<Option<Vec<Option<ColumnFaker>>>> = fakers.into_iter().map(Some).collect();
    plan.load_order
        .iter()
        .map(|&id| slots[id].take().expect("each table once"))
        .collect()
}
