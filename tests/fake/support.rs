//! What the faking tests share: a scratch directory, a run of `download`, a
//! loader, a CSV reader that keeps NULL (an unquoted empty field) apart from
//! the empty string (`""`), the live length limits, and a search of every
//! byte of a slice for original values.

use dataslicer::prelude::*;
use dataslicer::{Error, Locale, Manifest};
use dataslicer_dev::TestDb;
use postgres::Client;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

pub use dataslicer_dev::Scratch;

/// A shop (`dataslicer_dev::shop`) with `customers` customers.
pub fn shop_db(prefix: &str, customers: u32) -> TestDb {
    let db = TestDb::create(prefix);
    dataslicer_dev::shop::create(&mut db.client(), customers).expect("create the shop");
    db
}

/// The shop example's own jobs, with `sample` customers.
pub fn shop_jobs(sample: u64) -> Vec<ImportJob> {
    let mut jobs = super::shop_models::jobs();
    jobs[0].set_sample(Some(sample));
    jobs
}

/// Options with this seed and locale, everything else by default.
pub fn options(seed: u64, locale: Locale) -> Options {
    Options {
        seed,
        locale,
        ..Default::default()
    }
}

/// Slices `source` into `dest` through a connection of its own.
pub fn try_run(
    source: &TestDb,
    jobs: &[ImportJob],
    dest: &Path,
    options: &Options,
) -> Result<Manifest, Error> {
    download(&mut source.client(), jobs, dest, options)
}

/// Slices `source` into `dest` with `seed` and the default locale.
pub fn run(source: &TestDb, jobs: &[ImportJob], dest: &Path, seed: u64) -> Manifest {
    try_run(source, jobs, dest, &options(seed, Locale::En))
        .unwrap_or_else(|e| panic!("download failed: {e}"))
}

/// `"name"`, with embedded quotes doubled.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Loads a slice directory into `target` as a user would: one transaction,
/// every deferrable constraint deferred, each file through `COPY ... FROM
/// STDIN (FORMAT csv, HEADER true)` in the manifest's order. `truncate`
/// empties the slice's tables first.
pub fn load(dir: &Path, target: &mut Client, truncate: bool) -> Result<(), postgres::Error> {
    let manifest = read_manifest(dir);
    let mut tx = target.transaction()?;
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")?;
    if truncate {
        let tables: Vec<String> = manifest.tables.iter().map(|t| t.sql_name()).collect();
        tx.batch_execute(&format!("TRUNCATE {} CASCADE", tables.join(", ")))?;
    }
    for table in &manifest.tables {
        let columns: Vec<String> = table.columns.iter().map(|c| ident(c)).collect();
        let statement = format!(
            "COPY {} ({}) FROM STDIN (FORMAT csv, HEADER true)",
            table.sql_name(),
            columns.join(", ")
        );
        let bytes = std::fs::read(dir.join(&table.file)).expect("read a table file");
        let mut writer = tx.copy_in(&statement)?;
        writer.write_all(&bytes).expect("write to COPY");
        writer.finish()?;
    }
    tx.commit()
}

/// Loads a slice into an empty copy of `source`'s schema, with every
/// constraint (NOT NULL, UNIQUE, `varchar(n)`, foreign keys) checked.
pub fn load_into_copy(dir: &Path, source: &TestDb) -> TestDb {
    let target = TestDb::create_from_schema_of("fake_copy", source);
    if let Err(e) = load(dir, &mut target.client(), false) {
        panic!(
            "the slice in {} does not load into a copy of the schema: {}",
            dir.display(),
            dataslicer::error::pg(&e)
        );
    }
    target
}

/// The manifest of a slice directory, as written.
pub fn read_manifest(dir: &Path) -> Manifest {
    let bytes = std::fs::read(dir.join("manifest.json")).expect("read manifest.json");
    serde_json::from_slice(&bytes).expect("manifest.json parses")
}

/// Every file of a slice directory by name, with its bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| {
            let entry = entry.expect("an entry");
            let bytes = std::fs::read(entry.path()).expect("read a slice file");
            (entry.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

pub use dataslicer_dev::Csv;

/// What the faking tests ask of a CSV file besides `dataslicer_dev::Csv`.
pub trait CsvExt {
    /// The non-NULL values of a column, in file order.
    fn texts(&self, name: &str) -> Vec<String>;
    /// Each row's value of `column`, by the row's `id`.
    fn by_id(&self, column: &str) -> BTreeMap<i64, Option<String>>;
}

impl CsvExt for Csv {
    fn texts(&self, name: &str) -> Vec<String> {
        self.values(name).into_iter().flatten().collect()
    }

    fn by_id(&self, column: &str) -> BTreeMap<i64, Option<String>> {
        let (id, i) = (self.column("id"), self.column(column));
        self.rows
            .iter()
            .map(|r| {
                let key = r[id]
                    .as_deref()
                    .expect("an id")
                    .parse()
                    .expect("an integer id");
                (key, r[i].clone())
            })
            .collect()
    }
}

/// Each row's `column`, as text, by the row's integer `id`.
pub fn source_by_id(
    client: &mut Client,
    table: &str,
    column: &str,
) -> BTreeMap<i64, Option<String>> {
    let sql = format!(
        "SELECT id::int8, {}::text FROM {}",
        ident(column),
        ident(table)
    );
    client
        .query(&sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// The length limits in characters (`varchar(n)`, `char(n)`) of the columns
/// of the public schema, by table and column, as PostgreSQL reports them.
pub fn char_limits(client: &mut Client) -> BTreeMap<(String, String), usize> {
    client
        .query(
            "SELECT table_name::text, column_name::text, character_maximum_length::int8 \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND character_maximum_length IS NOT NULL",
            &[],
        )
        .expect("read the length limits")
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get::<_, i64>(2) as usize))
        .collect()
}

/// Every value of every file of a slice that is longer, in characters,
/// than its column's limit in `limits`: `table.column = value (n > limit)`.
pub fn over_limits(dir: &Path, limits: &BTreeMap<(String, String), usize>) -> Vec<String> {
    let manifest = read_manifest(dir);
    let mut over = Vec::new();
    for table in &manifest.tables {
        let csv = Csv::read(dir, &table.file);
        for column in &table.columns {
            let Some(&limit) = limits.get(&(table.name.clone(), column.clone())) else {
                continue;
            };
            for value in csv.texts(column) {
                let n = value.chars().count();
                if n > limit {
                    over.push(format!(
                        "{}.{column} = {value:?} ({n} > {limit})",
                        table.table
                    ));
                }
            }
        }
    }
    over
}

/// Whether `s` looks like an e-mail address: exactly one `@`, a non-empty
/// local part, and a domain of at least two non-empty dot-separated labels.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !s.chars().any(char::is_whitespace)
}

/// Originals shorter than this are not searched for: a two-letter original
/// (`Li`, `Ng`) may occur inside any fake, or any other value, by chance.
/// Tests whose originals are all this long say so, so nothing is skipped.
pub const SHORTEST_SEARCHED: usize = 5;

/// Every original of at least [`SHORTEST_SEARCHED`] bytes that occurs
/// anywhere in the bytes of any file of the slice directory (CSV quoting
/// does not hide a value: it only doubles `"`, which the tests' originals
/// do not contain), as `file: original`.
///
/// Indexes the originals by their first bytes, then looks at every offset
/// of every file: linear in the slice's size, whatever the number of
/// originals.
pub fn leaked<'a>(dir: &Path, originals: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut by_prefix: HashMap<&[u8], Vec<&[u8]>> = HashMap::new();
    for original in originals {
        let bytes = original.as_bytes();
        if bytes.len() >= SHORTEST_SEARCHED {
            by_prefix
                .entry(&bytes[..SHORTEST_SEARCHED])
                .or_default()
                .push(bytes);
        }
    }
    let mut found = Vec::new();
    for (name, bytes) in files(dir) {
        for at in 0..bytes.len().saturating_sub(SHORTEST_SEARCHED - 1) {
            let Some(candidates) = by_prefix.get(&bytes[at..at + SHORTEST_SEARCHED]) else {
                continue;
            };
            for original in candidates {
                if bytes[at..].starts_with(original) {
                    found.push(format!("{name}: {}", String::from_utf8_lossy(original)));
                }
            }
        }
    }
    found
}
