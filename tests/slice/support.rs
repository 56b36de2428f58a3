//! What every slicing test needs: a scratch directory, a run of `download`,
//! a loader that puts a slice into a database exactly as a user would, and a
//! CSV reader that keeps NULL (an unquoted empty field) apart from the empty
//! string (`""`).

use dataslicer::prelude::*;
use dataslicer::{Error, Manifest};
use dataslicer_dev::TestDb;
use postgres::Client;
use postgres::types::ToSql;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, mpsc};
use std::time::Duration;

pub use dataslicer_dev::Scratch;

pub use dataslicer_dev::entries;

/// Options with this seed and everything else by default.
pub fn seeded(seed: u64) -> Options {
    Options {
        seed,
        ..Default::default()
    }
}

/// How long one run of `download` may take before the test fails: a
/// generous bound for a debug build on a busy two-core machine.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

/// Runs `download` on `client` on a thread of its own, so that a run that
/// never ends fails its test (after [`RUN_TIMEOUT`]) instead of hanging the
/// whole test binary. The jobs are shared, so a test can run them again.
pub fn try_slice_with(
    client: Client,
    jobs: impl Into<Arc<[ImportJob]>>,
    dest: &Path,
    options: &Options,
) -> Result<Manifest, Error> {
    try_slice_within(client, jobs, dest, options, RUN_TIMEOUT)
}

/// [`try_slice_with`], failing after `timeout`.
pub fn try_slice_within(
    mut client: Client,
    jobs: impl Into<Arc<[ImportJob]>>,
    dest: &Path,
    options: &Options,
    timeout: Duration,
) -> Result<Manifest, Error> {
    let jobs: Arc<[ImportJob]> = jobs.into();
    let (dest, options) = (dest.to_path_buf(), options.clone());
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(download(&mut client, &jobs, &dest, &options));
    });
    match receive.recv_timeout(timeout) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("download did not finish within {timeout:?}: it hangs")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("download panicked"),
    }
}

/// Slices `source` into `dest` through a connection of its own.
pub fn try_slice(
    source: &TestDb,
    jobs: impl Into<Arc<[ImportJob]>>,
    dest: &Path,
    options: &Options,
) -> Result<Manifest, Error> {
    try_slice_with(source.client(), jobs, dest, options)
}

/// Slices `source` into `dest`, checks the directory against its manifest
/// (see [`check_files`]) and returns the manifest.
pub fn slice(
    source: &TestDb,
    jobs: impl Into<Arc<[ImportJob]>>,
    dest: &Path,
    seed: u64,
) -> Manifest {
    let manifest = try_slice(source, jobs, dest, &seeded(seed))
        .unwrap_or_else(|e| panic!("download failed: {e}"));
    check_files(dest, &manifest);
    manifest
}

/// The manifest of a slice directory, as written.
pub fn read_manifest(dir: &Path) -> Manifest {
    let text = std::fs::read(dir.join("manifest.json")).expect("read manifest.json");
    serde_json::from_slice(&text).expect("manifest.json parses")
}

/// Checks a slice directory: its manifest is the one `download` returned;
/// it holds exactly the manifest and one file per table; each file has the
/// manifest's columns as its header, as many data lines as its `rows`, and
/// the SHA-256 its `sha256` says.
pub fn check_files(dir: &Path, manifest: &Manifest) {
    assert_eq!(&read_manifest(dir), manifest, "manifest.json as returned");
    let mut expected: BTreeSet<String> = manifest.tables.iter().map(|t| t.file.clone()).collect();
    expected.insert("manifest.json".into());
    assert_eq!(entries(dir), expected, "the files of {}", dir.display());
    for table in &manifest.tables {
        let plain = Path::new(&table.file).file_name() == Some(table.file.as_ref());
        assert!(
            plain && table.file.ends_with(".csv"),
            "{} is a plain .csv file name",
            table.file
        );
        let bytes = std::fs::read(dir.join(&table.file)).expect("read a table file");
        assert_eq!(sha256_hex(&bytes), table.sha256, "sha256 of {}", table.file);
        let csv = Csv::parse(&bytes);
        assert_eq!(csv.header, table.columns, "header of {}", table.file);
        assert_eq!(csv.rows.len() as u64, table.rows, "rows of {}", table.file);
    }
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `"name"`, with embedded quotes doubled.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A manifest's `schema.table` or `table`, quoted.
pub fn quoted_table(table: &str) -> String {
    match table.split_once('.') {
        Some((schema, name)) => format!("{}.{}", ident(schema), ident(name)),
        None => ident(table),
    }
}

/// Loads a slice directory into `target` as a user would: one transaction,
/// every deferrable constraint deferred to the commit, each file of the
/// manifest in order through `COPY ... FROM STDIN (FORMAT csv, HEADER true)`.
pub fn load(dir: &Path, target: &TestDb) -> Result<(), postgres::Error> {
    let manifest = read_manifest(dir);
    let mut client = target.client();
    let mut tx = client.transaction()?;
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")?;
    for table in &manifest.tables {
        let columns: Vec<String> = table.columns.iter().map(|c| ident(c)).collect();
        let statement = format!(
            "COPY {} ({}) FROM STDIN (FORMAT csv, HEADER true)",
            quoted_table(&table.table),
            columns.join(", ")
        );
        let bytes = std::fs::read(dir.join(&table.file)).expect("read a table file");
        let mut writer = tx.copy_in(&statement)?;
        writer.write_all(&bytes).expect("write to COPY");
        writer.finish()?;
    }
    tx.commit()
}

/// Loads a slice, panicking with everything the server said on failure.
pub fn load_ok(dir: &Path, target: &TestDb) {
    if let Err(e) = load(dir, target) {
        panic!(
            "the slice in {} does not load: {}",
            dir.display(),
            dataslicer::error::pg(&e)
        );
    }
}

pub use dataslicer_dev::Csv;

/// What the slice tests ask of a CSV file besides `dataslicer_dev::Csv`.
pub trait CsvExt {
    /// The non-NULL values of a column, as a set of text.
    fn texts(&self, name: &str) -> BTreeSet<String>;
}

impl CsvExt for Csv {
    fn texts(&self, name: &str) -> BTreeSet<String> {
        self.values(name).into_iter().flatten().collect()
    }
}

/// The first column of every row of `sql`, which must be a `bigint`.
pub fn ints(client: &mut Client, sql: &str, params: &[&(dyn ToSql + Sync)]) -> BTreeSet<i64> {
    client
        .query(sql, params)
        .unwrap_or_else(|e| panic!("{sql}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .collect()
}

/// The first column of every row of `sql`, which must be `text`, sorted.
pub fn texts(client: &mut Client, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Vec<String> {
    let mut out: Vec<String> = client
        .query(sql, params)
        .unwrap_or_else(|e| panic!("{sql}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    out.sort();
    out
}

/// A set of integer keys as a `bigint[]` parameter.
pub fn int_array(keys: &BTreeSet<i64>) -> Vec<i64> {
    keys.iter().copied().collect()
}

/// The manifest's entry for a table.
pub fn table<'a>(manifest: &'a Manifest, name: &str) -> &'a dataslicer::manifest::ManifestTable {
    manifest
        .tables
        .iter()
        .find(|t| t.table == name)
        .unwrap_or_else(|| panic!("no table {name} in the manifest"))
}

/// The manifest's tables, in order.
pub fn table_names(manifest: &Manifest) -> Vec<&str> {
    manifest.tables.iter().map(|t| t.table.as_str()).collect()
}

/// Checks that each table of the manifest has as many rows in `db` as the
/// manifest says.
pub fn assert_counts_match(db: &TestDb, manifest: &Manifest) {
    for table in &manifest.tables {
        let count = db.query_scalar_i64(&format!(
            "SELECT count(*) FROM {}",
            quoted_table(&table.table)
        ));
        assert_eq!(
            count as u64, table.rows,
            "rows of {} in the loaded database",
            table.table
        );
    }
}
