//! Reading a slice directory: the CSV files and `manifest.json` an export
//! wrote, possibly on another machine.
//!
//! The manifest is checked when the directory is opened: its format version,
//! every file present with the SHA-256 and row count it records, and each
//! file's header. Sampling, the downward walk, the upward closure and fakes
//! then work as they do on PostgreSQL; filters written as SQL do not (there is
//! no server to run them), and asking for one is a clear error.

use crate::error::{Error, Result};
use crate::job::Filter;
use crate::keys::{Key, KeySet, Selection};
use crate::manifest::{self, Manifest, ManifestTable};
use crate::model::{ColumnRead, GenericRelation, KeyKind, Model};
use crate::record::{RecordCounter, RecordReader, Utf8Check};
use crate::schema::Checked;
use crate::source::{ContentType, Found, KeyQuery, Source};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// A slice directory opened for reading.
#[derive(Debug)]
pub struct DirSource {
    path: PathBuf,
    manifest: Manifest,
    /// Column values read so far: (table, column) -> one value per row.
    columns: HashMap<(String, String), Vec<Option<String>>>,
}

impl DirSource {
    /// Opens `path` and checks it against its manifest. Leftovers of an
    /// export killed while it replaced this slice are put right first (see
    /// [`crate::sink::dir`]).
    pub fn open(path: impl AsRef<Path>) -> Result<DirSource> {
        let path = path.as_ref().to_path_buf();
        crate::sink::dir::recover(&path)?;
        let manifest = read_manifest(&path)?;
        for table in &manifest.tables {
            verify_file(&path, table)?;
        }
        Ok(DirSource {
            path,
            manifest,
            columns: HashMap::new(),
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn table(&self, model: &Model) -> Result<&ManifestTable> {
        let name = model.table.to_string();
        self.manifest
            .tables
            .iter()
            .find(|t| t.table == name)
            .ok_or_else(|| Error::Manifest {
                path: self.path.clone(),
                message: format!("the slice has no table {name} (model {})", model.rust_name),
            })
    }

    /// A job's filter needs a server, unless the slice was written with the
    /// same filter on that table: then every row it holds for the job passed
    /// it already, and the filter is satisfied by construction.
    fn no_filter(&self, model: &Model, filter: Option<&Filter>) -> Result<()> {
        let Some(filter) = filter else {
            return Ok(());
        };
        let (sql, params) = filter.signature();
        let recorded = self.table(model)?.filter.as_ref();
        if let Some(recorded) = recorded
            && recorded.sql == sql
            && recorded.params == params
        {
            return Ok(());
        }
        let applied = match recorded {
            Some(recorded) => format!(
                "the slice was written with another filter on it (`{}`{})",
                recorded.sql,
                if recorded.params.is_empty() {
                    String::new()
                } else {
                    format!(" with {}", recorded.params.join(", "))
                }
            ),
            None => "the slice was written without a filter on it".to_string(),
        };
        Err(Error::Jobs(format!(
            "the job for table {} has a SQL filter (`{}`), but the source is the slice directory {} and {applied}: \
             other filters apply only to PostgreSQL sources; sample or restrict by foreign key instead",
            model.table,
            filter.sql,
            self.path.display()
        )))
    }

    /// One column's values, one per row in file order (read once, then kept).
    fn column(&mut self, model: &Model, column: &str) -> Result<&Vec<Option<String>>> {
        let table = self.table(model)?.clone();
        let key = (table.table.clone(), column.to_string());
        if !self.columns.contains_key(&key) {
            let index = table
                .columns
                .iter()
                .position(|c| c == column)
                .ok_or_else(|| Error::Manifest {
                    path: self.path.clone(),
                    message: format!("table {} has no column {column}", table.table),
                })?;
            let mut values = Vec::with_capacity(table.rows as usize);
            scan(&self.path, &table, |records| {
                values.push(records.field(index).value().map(|v| v.into_owned()));
                Ok(())
            })?;
            self.columns.insert(key.clone(), values);
        }
        Ok(&self.columns[&key])
    }

    fn keys(&mut self, model: &Model) -> Result<Vec<Option<String>>> {
        Ok(self.column(model, model.primary_key)?.clone())
    }
}

impl Source for DirSource {
    fn description(&self) -> String {
        format!(
            "{} (a slice of {})",
            self.path.display(),
            self.manifest.source
        )
    }

    fn check(&mut self, model: &'static Model) -> Result<Checked> {
        let table = self.table(model)?;
        let mut problems = Vec::new();
        for column in model.columns {
            if !table.columns.iter().any(|c| c == column.name) {
                problems.push(format!(
                    "column {} (field `{}`) is not in the slice",
                    column.name, column.field
                ));
            }
        }
        if table.primary_key != model.primary_key {
            problems.push(format!(
                "the slice's primary key is {}, the model's is {}",
                table.primary_key, model.primary_key
            ));
        }
        if !problems.is_empty() {
            return Err(Error::Schema {
                table: table.table.clone(),
                message: problems.join("; "),
            });
        }
        let max_chars = model
            .columns
            .iter()
            .map(|c| table.max_lengths.get(c.name).copied())
            .collect();
        Ok(Checked::of_model(model, max_chars))
    }

    /// The manifest's count: exact.
    fn estimated_rows(&mut self, model: &'static Model) -> Result<Option<u64>> {
        Ok(Some(self.table(model)?.rows))
    }

    fn key_range(&mut self, _model: &'static Model) -> Result<Option<(i64, i64)>> {
        // The keys are in memory anyway: choosing among them is exact and cheap.
        Ok(None)
    }

    fn select_keys(
        &mut self,
        model: &'static Model,
        query: &KeyQuery<'_>,
        _batch_size: usize,
    ) -> Result<Found> {
        self.no_filter(model, query.filter)?;
        let kind = model.key_kind();
        let keys = self.keys(model)?;
        let mut selected: Vec<bool> = keys.iter().map(Option::is_some).collect();
        let mut restricting: Vec<Option<Key>> = Vec::new();
        if let Some((column, targets)) = query.restrict {
            let values = self.column(model, column)?;
            restricting = values
                .iter()
                .map(|v| v.as_deref().and_then(|v| Key::parse(targets.kind(), v)))
                .collect();
            for (chosen, value) in selected.iter_mut().zip(&restricting) {
                *chosen &= value.as_ref().is_some_and(|v| targets.contains(v));
            }
        }
        if let Some((column, wanted)) = query.equal {
            let values = self.column(model, column)?;
            for (chosen, value) in selected.iter_mut().zip(values) {
                *chosen &= value.as_deref().and_then(|v| v.parse::<i64>().ok()) == Some(wanted);
            }
        }
        let mut out = Found::new(kind, query.parents);
        for (i, (key, &chosen)) in keys.iter().zip(&selected).enumerate() {
            if let (Some(key), true) = (key, chosen) {
                insert_text(&mut out.keys, kind, key);
                if query.pairs
                    && let (Some(key), Some(Some(value))) =
                        (Key::parse(kind, key), restricting.get(i))
                {
                    out.pairs.push((key, value.clone()));
                }
            }
        }
        for (i, &(column, parent_kind)) in query.parents.iter().enumerate() {
            let values = self.column(model, column)?;
            for (value, &chosen) in values.iter().zip(&selected) {
                if let (Some(value), true) = (value, chosen) {
                    insert_text(&mut out.parents[i], parent_kind, value);
                }
            }
        }
        Ok(out)
    }

    fn probe_keys(
        &mut self,
        model: &'static Model,
        filter: Option<&Filter>,
        candidates: &KeySet,
    ) -> Result<KeySet> {
        self.no_filter(model, filter)?;
        let kind = model.key_kind();
        let mut out = KeySet::new(kind);
        for key in self.keys(model)?.iter().flatten() {
            if candidates.contains_text(key) {
                insert_text(&mut out, kind, key);
            }
        }
        Ok(out)
    }

    fn foreign_key_values(
        &mut self,
        model: &'static Model,
        columns: &[(&str, KeyKind)],
        keys: Option<&KeySet>,
        _batch_size: usize,
    ) -> Result<Vec<KeySet>> {
        let row_keys = self.keys(model)?;
        let mut out = Vec::with_capacity(columns.len());
        for &(column, kind) in columns {
            let values = self.column(model, column)?;
            let mut set = KeySet::new(kind);
            for (key, value) in row_keys.iter().zip(values) {
                let selected = match (keys, key) {
                    (None, _) => true,
                    (Some(keys), Some(key)) => keys.contains_text(key),
                    (Some(_), None) => false,
                };
                if let (true, Some(value)) = (selected, value) {
                    insert_text(&mut set, kind, value);
                }
            }
            out.push(set);
        }
        Ok(out)
    }

    fn generic_refs(
        &mut self,
        model: &'static Model,
        relation: &GenericRelation,
        keys: Option<&KeySet>,
        _batch_size: usize,
    ) -> Result<Vec<(i64, String)>> {
        let row_keys = self.keys(model)?;
        let types = self.column(model, relation.content_type)?.clone();
        let ids = self.column(model, relation.object_id)?;
        let mut out = std::collections::BTreeSet::new();
        for ((key, ct), id) in row_keys.iter().zip(&types).zip(ids) {
            let chosen = match (keys, key) {
                (None, _) => true,
                (Some(keys), Some(key)) => keys.contains_text(key),
                (Some(_), None) => false,
            };
            if let (true, Some(ct), Some(id)) = (chosen, ct, id)
                && let Ok(ct) = ct.parse::<i64>()
            {
                out.insert((ct, id.clone()));
            }
        }
        Ok(out.into_iter().collect())
    }

    fn content_types(&mut self, model: &'static Model) -> Result<Vec<ContentType>> {
        let ids = self.keys(model)?;
        let apps = self.column(model, "app_label")?.clone();
        let names = self.column(model, "model")?;
        Ok(ids
            .iter()
            .zip(&apps)
            .zip(names)
            .filter_map(|((id, app), name)| {
                Some(ContentType {
                    id: id.as_deref()?.parse().ok()?,
                    app_label: app.clone()?,
                    model: name.clone()?,
                })
            })
            .collect())
    }

    fn rows(
        &mut self,
        model: &'static Model,
        selection: &Selection,
        _batch_size: usize,
        f: &mut dyn FnMut(&mut dyn Read) -> Result<()>,
    ) -> Result<()> {
        let table = self.table(model)?.clone();
        let index = |name: &str| {
            table
                .columns
                .iter()
                .position(|c| c == name)
                .expect("checked by check()")
        };
        let key_index = index(model.primary_key);
        let layout: Vec<(usize, ColumnRead)> = model
            .columns
            .iter()
            .filter(|c| c.read() != ColumnRead::Deferred)
            .map(|c| (index(c.name), c.read()))
            .collect();
        let referencing = match selection {
            Selection::Referencing { column, parents } => Some((index(column), parents)),
            _ => None,
        };
        let mut chunk: Vec<u8> = Vec::with_capacity(1 << 20);
        scan(&self.path, &table, |records| {
            let selected = match referencing {
                Some((column, parents)) => records
                    .field(column)
                    .value()
                    .is_some_and(|v| parents.contains_text(&v)),
                None => {
                    selection.contains_text(&records.field(key_index).value().unwrap_or_default())
                }
            };
            if !selected {
                return Ok(());
            }
            for (i, &(source, read)) in layout.iter().enumerate() {
                if i > 0 {
                    chunk.push(b',');
                }
                let field = records.field(source);
                match read {
                    ColumnRead::Value => chunk.extend_from_slice(field.raw),
                    ColumnRead::IsNull => chunk.push(if field.is_null() { b't' } else { b'f' }),
                    ColumnRead::IsEmpty => match field.value() {
                        None => {}
                        Some(v) => chunk.push(if v.is_empty() { b't' } else { b'f' }),
                    },
                    ColumnRead::JsonEmpty => match field.value() {
                        None => {}
                        Some(v) => match crate::fake::json::empty_document(&v) {
                            Some(empty) => crate::record::write_value(&mut chunk, empty, false),
                            None => chunk.push(b'v'),
                        },
                    },
                    ColumnRead::Deferred => unreachable!("left out of the layout"),
                }
            }
            chunk.push(b'\n');
            if chunk.len() >= 1 << 20 {
                f(&mut chunk.as_slice())?;
                chunk.clear();
            }
            Ok(())
        })?;
        if !chunk.is_empty() {
            f(&mut chunk.as_slice())?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

fn insert_text(set: &mut KeySet, kind: KeyKind, text: &str) {
    if let Some(key) = Key::parse(kind, text) {
        set.insert(key);
    }
}

/// Reads and checks `manifest.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(manifest::FILE_NAME);
    let bad = |message: String| Error::Manifest {
        path: dir.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => bad(format!(
            "no {} here: this is not a slice directory",
            manifest::FILE_NAME
        )),
        _ => Error::io(&path, e),
    })?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad(format!("{} is not valid JSON: {e}", manifest::FILE_NAME)))?;
    match value.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(manifest::FORMAT_VERSION) => {}
        Some(v) => {
            return Err(bad(format!(
                "format version {v}, but this dataslicer reads version {}",
                manifest::FORMAT_VERSION
            )));
        }
        None => {
            return Err(bad(format!(
                "{} has no format_version",
                manifest::FILE_NAME
            )));
        }
    }
    let manifest: Manifest = serde_json::from_value(value)
        .map_err(|e| bad(format!("{} is malformed: {e}", manifest::FILE_NAME)))?;
    for table in &manifest.tables {
        let file = Path::new(&table.file);
        if file.components().count() != 1 || file.is_absolute() {
            return Err(bad(format!(
                "table {}: file name {} leaves the directory",
                table.table, table.file
            )));
        }
    }
    Ok(manifest)
}

/// Checks a table's file: present, with the recorded SHA-256, row count and
/// header.
pub(crate) fn verify_file(dir: &Path, table: &ManifestTable) -> Result<()> {
    let path = dir.join(&table.file);
    let bad = |message: String| Error::Manifest {
        path: dir.to_path_buf(),
        message,
    };
    let mut file = File::open(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => bad(format!(
            "table {}: file {} is missing",
            table.table, table.file
        )),
        _ => Error::io(&path, e),
    })?;
    let mut hash = Sha256::new();
    let mut counter = RecordCounter::default();
    let mut utf8 = Utf8Check::default();
    // Reported after the SHA-256 and the row count: a damaged file is
    // first of all not the file the manifest describes.
    let mut utf8_error = None;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(&path, e))?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        if utf8_error.is_none() {
            let start = utf8.offset();
            if let Err(at) = utf8.feed(chunk) {
                utf8_error = Some(not_utf8(table, &counter, &chunk[..(at - start) as usize]));
            }
        }
        hash.update(chunk);
        counter.feed(chunk);
    }
    if utf8_error.is_none() && utf8.finish().is_err() {
        utf8_error = Some(not_utf8(table, &counter, &[]));
    }
    let digest = crate::record::hex(&hash.finalize());
    if digest != table.sha256 {
        return Err(bad(format!(
            "table {}: {} has SHA-256 {digest}, but the manifest records {}: the file was changed or damaged",
            table.table, table.file, table.sha256
        )));
    }
    if counter.total() != table.rows + 1 {
        return Err(bad(format!(
            "table {}: {} holds {} rows, the manifest says {}",
            table.table,
            table.file,
            counter.total().saturating_sub(1),
            table.rows
        )));
    }
    if counter.in_quotes() {
        return Err(bad(format!(
            "table {}: {} ends inside a quoted field: the file is cut short",
            table.table, table.file
        )));
    }
    if let Some(error) = utf8_error {
        return Err(error);
    }
    let mut records = RecordReader::new(
        BufReader::new(File::open(&path).map_err(|e| Error::io(&path, e))?),
        1,
    );
    let has_header = records.next_record().map_err(|e| Error::io(&path, e))?;
    let header: Vec<String> = if has_header {
        (0..records.len())
            .map(|i| records.field(i).value().unwrap_or_default().into_owned())
            .collect()
    } else {
        Vec::new()
    };
    if header != table.columns {
        return Err(bad(format!(
            "table {}: the header of {} is {:?}, the manifest lists {:?}",
            table.table, table.file, header, table.columns
        )));
    }
    Ok(())
}

/// The error for bytes that are not UTF-8 in a table's file: `counter` has
/// seen the file up to the current chunk, `before` is the chunk up to the
/// bad byte. Names the line and the column.
fn not_utf8(table: &ManifestTable, counter: &RecordCounter, before: &[u8]) -> Error {
    let mut at = counter.clone();
    at.feed(before);
    let line = at.line_of(at.records + 1, 1);
    Error::Row {
        table: table.table.clone(),
        line,
        column: table.columns.get(at.field()).cloned().unwrap_or_default(),
        message: format!(
            "{} holds bytes that are not UTF-8; slices are UTF-8 text",
            table.file
        ),
    }
}

/// Calls `f` for every data record of a table's file (after the header).
pub(crate) fn scan(
    dir: &Path,
    table: &ManifestTable,
    mut f: impl FnMut(&RecordReader<BufReader<File>>) -> Result<()>,
) -> Result<()> {
    let path = dir.join(&table.file);
    let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut records = RecordReader::new(BufReader::with_capacity(1 << 16, file), 1);
    let mut first = true;
    let mut n = 0u64;
    loop {
        if n.is_multiple_of(4096) {
            crate::interrupt::check()?;
        }
        n += 1;
        let more = records.next_record().map_err(|e| Error::Row {
            table: table.table.clone(),
            line: records.line(),
            column: String::new(),
            message: crate::error::io_message(&e),
        })?;
        if !more {
            return Ok(());
        }
        if std::mem::take(&mut first) {
            continue;
        }
        if records.len() != table.columns.len() {
            return Err(Error::Row {
                table: table.table.clone(),
                line: records.line(),
                column: String::new(),
                message: format!(
                    "{} fields, but the header has {}",
                    records.len(),
                    table.columns.len()
                ),
            });
        }
        f(&records)?;
    }
}
