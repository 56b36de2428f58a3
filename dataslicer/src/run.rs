//! `download`: ties the plan, the PostgreSQL source, the selection, the fakes
//! and the slice directory together.

use crate::error::{Error, Result};
use crate::fake::{ColumnFaker, Locale};
use crate::job::ImportJob;
use crate::keys::Selection;
use crate::manifest::{self, Manifest, ManifestForeignKey, ManifestTable};
use crate::model::{ColumnRead, FakeKind, Model};
use crate::plan::{Plan, TableId};
use crate::record::{self, RecordReader};
use crate::sample::{self, SelectOptions};
use crate::sink::{DirSink, IfExists, PgSink, Sink, TableWriter};
use crate::source::{DirSource, PgSource, Source};
use postgres::Client;
use std::io::{BufReader, Read};
use std::path::Path;

/// How a run behaves. `Options { seed: 42, ..Default::default() }`.
#[derive(Debug, Clone)]
pub struct Options {
    /// The seed of every random choice (samples and fakes). The same seed on
    /// the same data gives byte-identical files.
    pub seed: u64,
    /// How many keys one query binds or one COPY lists.
    pub batch_size: usize,
    /// The locale of fake names and addresses.
    pub locale: Locale,
    /// Whether to draw progress on standard error.
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            batch_size: 10_000,
            locale: Locale::default(),
            progress: false,
        }
    }
}

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
pub fn slice(
    source: &mut dyn Source,
    sink: &mut dyn Sink,
    jobs: &[ImportJob],
    options: &Options,
) -> Result<Manifest> {
    let result = slice_inner(source, sink, jobs, options);
    if result.is_err() {
        sink.abandon();
    }
    result
}

fn slice_inner(
    source: &mut dyn Source,
    sink: &mut dyn Sink,
    jobs: &[ImportJob],
    options: &Options,
) -> Result<Manifest> {
    let plan = Plan::new(jobs)?;
    let progress = Progress::new(options.progress);
    let checked = plan
        .tables
        .iter()
        .map(|t| source.check(t.model))
        .collect::<Result<Vec<_>>>()?;
    let fakers = plan
        .tables
        .iter()
        .zip(&checked)
        .map(|(table, checked)| table_fakers(table.model, checked, options))
        .collect::<Result<Vec<_>>>()?;
    let select_options = SelectOptions {
        seed: options.seed,
        batch_size: options.batch_size,
    };
    let selections = sample::select(source, &plan, jobs, select_options, |m| progress.message(m))?;

    let mut tables: Vec<ManifestTable> = plan
        .load_order
        .iter()
        .map(|&id| manifest_table(plan.tables[id].model, &checked[id]))
        .collect();
    sink.begin(&tables)?;
    for ((&id, fakers), entry) in plan
        .load_order
        .iter()
        .zip(order_fakers(&plan, fakers))
        .zip(&mut tables)
    {
        progress.message(&format!("writing {}", entry.table));
        let mut writer = sink.table(entry)?;
        export_table(
            source,
            &plan,
            id,
            &selections,
            fakers,
            writer.as_mut(),
            options,
        )?;
        let (rows, sha256) = writer.finish()?;
        sink.table_done(entry)?;
        progress.table_done(&entry.table, rows);
        entry.rows = rows;
        entry.sha256 = sha256;
    }
    let description = source.description();
    source.finish()?;
    let manifest = Manifest {
        format_version: manifest::FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: options.seed,
        created_at: manifest::now_utc(),
        source: description,
        tables,
    };
    sink.finish(&manifest)?;
    progress.finish();
    Ok(manifest)
}

/// Loads a slice directory into PostgreSQL exactly as it is (no sampling, no
/// fakes), after checking its manifest: one transaction, all or nothing.
pub fn load(dir: impl AsRef<Path>, client: &mut Client, if_exists: IfExists) -> Result<Manifest> {
    let source = DirSource::open(dir.as_ref())?;
    let manifest = source.manifest().clone();
    let mut sink = PgSink::begin(client, if_exists)?;
    let result = (|| {
        sink.begin(&manifest.tables)?;
        for table in &manifest.tables {
            let path = source.path().join(&table.file);
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let mut writer = sink.table(table)?;
            writer.write(skip_header(&bytes))?;
            writer.finish()?;
            sink.table_done(table)?;
        }
        sink.finish(&manifest)
    })();
    if result.is_err() {
        sink.abandon();
    }
    result.map(|()| manifest)
}

/// The bytes after the header record.
fn skip_header(bytes: &[u8]) -> &[u8] {
    let mut in_quotes = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => return &bytes[i + 1..],
            _ => {}
        }
    }
    &[]
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
        .map(|(column, &live_max)| {
            let Some(fake) = &column.fake else {
                return Ok(None);
            };
            let max = match (live_max, fake.max_length.map(|n| n as usize)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            ColumnFaker::new(options.seed, options.locale, model.table, column, max).map(Some)
        })
        .collect()
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

/// Writes the selected rows of one table, in key order.
fn export_table(
    source: &mut dyn Source,
    plan: &Plan,
    id: TableId,
    selections: &[Selection],
    mut fakers: Vec<Option<ColumnFaker>>,
    out: &mut dyn TableWriter,
    options: &Options,
) -> Result<()> {
    let table = &plan.tables[id];
    let model = table.model;
    // Optional foreign keys whose parent table is not exported whole: values
    // pointing outside the slice are written as NULL.
    let nulled: Vec<(usize, TableId)> = table
        .foreign_keys
        .iter()
        .filter(|(fk, target)| fk.optional && selections[*target] != Selection::All)
        .map(|(fk, target)| {
            (
                model
                    .columns
                    .iter()
                    .position(|c| c.name == fk.column)
                    .expect("fk column"),
                *target,
            )
        })
        .collect();
    let rewrite = !nulled.is_empty() || fakers.iter().any(Option::is_some);
    let mut writer = RowWriter::new(model, &nulled, selections, &mut fakers);
    let name = model.table.to_string();
    source.rows(model, &selections[id], options.batch_size, &mut |reader| {
        if rewrite {
            writer.rewrite(reader, out)
        } else {
            pass_through(reader, out, &name)
        }
    })
}

fn pass_through(reader: &mut dyn Read, out: &mut dyn TableWriter, table: &str) -> Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(|e| Error::Row {
            table: table.to_string(),
            line: 0,
            column: String::new(),
            message: format!("reading rows failed: {e}"),
        })?;
        if n == 0 {
            return Ok(());
        }
        out.write(&buf[..n])?;
    }
}

/// Rewrites records: fakes in place of deferred columns, NULL in place of
/// optional foreign keys whose parent is not in the slice; every other field
/// is copied byte for byte.
struct RowWriter<'a> {
    model: &'static Model,
    /// For each model column, its field index in the query's output (None
    /// when not read).
    source_index: Vec<Option<usize>>,
    key_index: usize,
    nulled: &'a [(usize, TableId)],
    selections: &'a [Selection],
    fakers: &'a mut [Option<ColumnFaker>],
    out: Vec<u8>,
    line: u64,
}

impl<'a> RowWriter<'a> {
    fn new(
        model: &'static Model,
        nulled: &'a [(usize, TableId)],
        selections: &'a [Selection],
        fakers: &'a mut [Option<ColumnFaker>],
    ) -> Self {
        let mut next = 0;
        let source_index: Vec<Option<usize>> = model
            .columns
            .iter()
            .map(|c| match c.read() {
                ColumnRead::Deferred => None,
                ColumnRead::Value | ColumnRead::IsNull => {
                    next += 1;
                    Some(next - 1)
                }
            })
            .collect();
        let key_column = model
            .columns
            .iter()
            .position(|c| c.name == model.primary_key)
            .expect("pk column");
        let key_index = source_index[key_column].expect("the primary key is never faked");
        RowWriter {
            model,
            source_index,
            key_index,
            nulled,
            selections,
            fakers,
            out: Vec::new(),
            line: 1,
        }
    }

    fn rewrite(&mut self, reader: &mut dyn Read, file: &mut dyn TableWriter) -> Result<()> {
        let table = self.model.table.to_string();
        let mut records =
            RecordReader::new(BufReader::with_capacity(1 << 16, reader), self.line + 1);
        let expected = self.source_index.iter().flatten().count();
        let single = self.model.columns.len() == 1;
        loop {
            let more = records.next_record().map_err(|e| Error::Row {
                table: table.clone(),
                line: records.line(),
                column: String::new(),
                message: e.to_string(),
            })?;
            if !more {
                break;
            }
            if records.len() != expected {
                return Err(Error::Row {
                    table,
                    line: records.line(),
                    column: String::new(),
                    message: format!("expected {expected} fields, found {}", records.len()),
                });
            }
            let key = records
                .field(self.key_index)
                .value()
                .unwrap_or_default()
                .into_owned();
            // Output values of the row, for `with` fakes: None = NULL.
            let mut values: Vec<Option<String>> = vec![None; self.model.columns.len()];
            let mut raw_copy: Vec<bool> = vec![false; self.model.columns.len()];
            for (i, column) in self.model.columns.iter().enumerate() {
                let field = self.source_index[i].map(|s| records.field(s));
                if let (ColumnRead::Value, None) = (column.read(), &column.fake) {
                    {
                        let field = field.expect("read");
                        let keep = match self.nulled.iter().find(|(c, _)| *c == i) {
                            Some((_, target)) => field
                                .value()
                                .is_none_or(|v| self.selections[*target].contains_text(&v)),
                            None => true,
                        };
                        if keep {
                            values[i] = field.value().map(|v| v.into_owned());
                            raw_copy[i] = true;
                        }
                    }
                }
            }
            // Named fakes first, then the user's `with` functions, which see
            // the row's other output values.
            for pass in [false, true] {
                for (i, column) in self.model.columns.iter().enumerate() {
                    let Some(fake) = &column.fake else { continue };
                    if matches!(fake.kind, FakeKind::With(_)) != pass {
                        continue;
                    }
                    let field = self.source_index[i].map(|s| records.field(s));
                    let (is_null, original) = match column.read() {
                        ColumnRead::Deferred => (false, None),
                        ColumnRead::IsNull => {
                            (field.and_then(|f| f.value()).as_deref() == Some("t"), None)
                        }
                        ColumnRead::Value => {
                            let v = field.and_then(|f| f.value()).map(|v| v.into_owned());
                            (v.is_none(), v)
                        }
                    };
                    if is_null {
                        continue;
                    }
                    let row: Vec<(&str, Option<&str>)> = self
                        .model
                        .columns
                        .iter()
                        .zip(&values)
                        .map(|(c, v)| (c.name, v.as_deref()))
                        .collect();
                    let faker = self.fakers[i].as_mut().expect("a faker per faked column");
                    let value = faker.fake(&key, original.as_deref(), &row)?;
                    values[i] = Some(value);
                }
            }
            self.out.clear();
            for i in 0..self.model.columns.len() {
                if i > 0 {
                    self.out.push(b',');
                }
                if raw_copy[i] {
                    let s = self.source_index[i].expect("read");
                    self.out.extend_from_slice(records.field(s).raw);
                } else if let Some(value) = &values[i] {
                    record::write_value(&mut self.out, value, single);
                }
            }
            self.out.push(b'\n');
            file.write(&self.out)?;
        }
        self.line = records.line();
        Ok(())
    }
}

/// Progress on standard error, or nothing.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    fn message(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_string());
        }
    }

    fn table_done(&self, table: &str, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.println(format!("{table}: {rows} rows"));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
