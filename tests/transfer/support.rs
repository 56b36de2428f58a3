//! What the transfer tests share: the shop and its jobs, a scratch directory,
//! the four pairs through the library, the command line, a full dump of a
//! database to compare before and after, EXCEPT in both directions between
//! two databases, and a way to damage a slice on purpose.

use dataslicer::cli::App;
use dataslicer::manifest::ManifestTable;
use dataslicer::prelude::*;
use dataslicer::{DirSink, DirSource, Error, IfExists, Manifest, PgSink, PgSource};
use dataslicer_dev::{TestDb, shop};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The shop example's models, compiled here as a user's exporter would
/// compile them (the slicing tests include the same file for themselves).
#[allow(clippy::duplicate_mod)]
#[path = "../../examples/shop/models.rs"]
pub mod shop_models;

pub use dataslicer_dev::Scratch;

/// A shop with `customers` customers.
pub fn shop_db(prefix: &str, customers: u32) -> TestDb {
    let db = TestDb::create(prefix);
    shop::create(&mut db.client(), customers).expect("create the shop");
    db
}

/// The shop example's jobs, with `sample` customers.
pub fn shop_jobs(sample: u64) -> Vec<ImportJob> {
    let mut jobs = shop_models::jobs();
    jobs[0].set_sample(Some(sample));
    jobs
}

/// Options with this seed.
pub fn seeded(seed: u64) -> Options {
    Options {
        seed,
        ..Default::default()
    }
}

/// The value of a result, or a panic showing the library's message.
pub fn ok<T>(result: Result<T, Error>, what: &str) -> T {
    result.unwrap_or_else(|e| panic!("{what} failed: {e}"))
}

/// The error of a result that must have failed.
pub fn err<T>(result: Result<T, Error>, what: &str) -> Error {
    match result {
        Ok(_) => panic!("{what} succeeded, but it must fail"),
        Err(e) => e,
    }
}

/// PostgreSQL -> directory, through the library.
pub fn pg_to_dir(
    source: &TestDb,
    jobs: &[ImportJob],
    dest: &Path,
    seed: u64,
) -> Result<Manifest, Error> {
    let mut client = source.client();
    let mut from = PgSource::begin(&mut client)?;
    let mut to = DirSink::create(dest)?;
    dataslicer::slice(&mut from, &mut to, jobs, &seeded(seed))
}

/// PostgreSQL -> PostgreSQL, through the library: no files.
pub fn pg_to_pg(
    source: &TestDb,
    target: &TestDb,
    jobs: &[ImportJob],
    if_exists: IfExists,
    seed: u64,
) -> Result<Manifest, Error> {
    let mut source_client = source.client();
    let mut target_client = target.client();
    let mut from = PgSource::begin(&mut source_client)?;
    let mut to = PgSink::begin(&mut target_client, if_exists)?;
    dataslicer::slice(&mut from, &mut to, jobs, &seeded(seed))
}

/// Directory -> PostgreSQL through `slice` (sampling and fakes apply).
pub fn dir_to_pg(
    dir: &Path,
    target: &TestDb,
    jobs: &[ImportJob],
    if_exists: IfExists,
    seed: u64,
) -> Result<Manifest, Error> {
    let mut from = DirSource::open(dir)?;
    let mut client = target.client();
    let mut to = PgSink::begin(&mut client, if_exists)?;
    dataslicer::slice(&mut from, &mut to, jobs, &seeded(seed))
}

/// Directory -> directory: a re-slice.
pub fn dir_to_dir(
    dir: &Path,
    dest: &Path,
    jobs: &[ImportJob],
    seed: u64,
) -> Result<Manifest, Error> {
    let mut from = DirSource::open(dir)?;
    let mut to = DirSink::create(dest)?;
    dataslicer::slice(&mut from, &mut to, jobs, &seeded(seed))
}

/// Directory -> PostgreSQL through `load` (the slice as it is).
pub fn load(dir: &Path, target: &TestDb, if_exists: IfExists) -> Result<Manifest, Error> {
    let mut client = target.client();
    dataslicer::load(dir, &mut client, if_exists)
}

/// Runs the shop example's command line with `jobs`: `shop <args...>`.
pub fn cli(jobs: Vec<ImportJob>, args: &[&str]) -> Result<String, Error> {
    let mut argv = vec!["shop"];
    argv.extend_from_slice(args);
    App::new("shop", jobs).run_with(argv)
}

/// A path as a command-line argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("scratch paths are UTF-8")
}

/// `"name"`, with embedded quotes doubled; `schema.name` quoted part by part.
pub fn quoted(table: &str) -> String {
    table
        .split('.')
        .map(|part| format!("\"{}\"", part.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(".")
}

/// Everything a database holds, to compare before and after a failed load:
/// every row of every table (as text, sorted) and every sequence's state.
pub fn snapshot(db: &TestDb) -> BTreeMap<String, String> {
    let mut client = db.client();
    let relations = client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname), c.relkind::text \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'S') AND n.nspname <> 'information_schema' \
               AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1",
            &[],
        )
        .expect("list relations");
    let mut out = BTreeMap::new();
    for relation in relations {
        let name: String = relation.get(0);
        let kind: String = relation.get(1);
        let query = if kind == "S" {
            format!("SELECT last_value::text || ' called=' || is_called::text FROM {name}")
        } else {
            format!(
                "SELECT count(*)::text || E' rows\\n' || \
                 coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM {name} t"
            )
        };
        let value: String = client
            .query_one(&query, &[])
            .unwrap_or_else(|e| panic!("{query}: {}", dataslicer::error::pg(&e)))
            .get(0);
        out.insert(name, value);
    }
    out
}

/// Asserts that two snapshots are equal, naming the relations that differ.
pub fn assert_unchanged(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) {
    let differ: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "the target changed in {differ:?}: before {:?}, after {:?}",
        differ
            .iter()
            .map(|k| before
                .get(*k)
                .map(|v| v.chars().take(300).collect::<String>()))
            .collect::<Vec<_>>(),
        differ
            .iter()
            .map(|k| after
                .get(*k)
                .map(|v| v.chars().take(300).collect::<String>()))
            .collect::<Vec<_>>()
    );
}

/// The rows `query` (one text column) gives in `a` but not in `b`, and in
/// `b` but not in `a`: a SQL EXCEPT in each direction, run in `b` with
/// `a`'s rows bound as a `text[]`.
pub fn except_both_ways(a: &TestDb, b: &TestDb, query: &str) -> (Vec<String>, Vec<String>) {
    let a_rows: Vec<String> = a
        .client()
        .query(query, &[])
        .unwrap_or_else(|e| panic!("{query}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    let mut b_client = b.client();
    let mut rows = |sql: String| -> Vec<String> {
        let mut out: Vec<String> = b_client
            .query(&sql, &[&a_rows])
            .unwrap_or_else(|e| panic!("{sql}: {}", dataslicer::error::pg(&e)))
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        out.sort();
        out
    };
    let only_a = rows(format!(
        "SELECT unnest($1::text[]) EXCEPT SELECT q.x FROM ({query}) AS q(x)"
    ));
    let only_b = rows(format!(
        "SELECT q.x FROM ({query}) AS q(x) EXCEPT SELECT unnest($1::text[])"
    ));
    (only_a, only_b)
}

/// Asserts that `query` gives the same rows in both databases (EXCEPT both
/// ways empty, and as many rows).
pub fn assert_same_rows(a: &TestDb, b: &TestDb, query: &str) {
    let (only_a, only_b) = except_both_ways(a, b, query);
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{query}: only in {}: {only_a:#?}\nonly in {}: {only_b:#?}",
        a.name(),
        b.name()
    );
    let count = |db: &TestDb| db.query_scalar_i64(&format!("SELECT count(*) FROM ({query}) AS q"));
    assert_eq!(count(a), count(b), "{query}: row counts");
}

/// Asserts that every table of `tables` holds the same rows in both.
pub fn assert_same_tables(a: &TestDb, b: &TestDb, tables: &[&str]) {
    for table in tables {
        assert_same_rows(a, b, &format!("SELECT t::text FROM {} AS t", quoted(table)));
    }
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The manifest of a slice directory, as written.
pub fn read_manifest(dir: &Path) -> Manifest {
    let text = std::fs::read(dir.join("manifest.json")).expect("read manifest.json");
    serde_json::from_slice(&text).expect("manifest.json parses")
}

/// Writes a manifest back.
pub fn write_manifest(dir: &Path, manifest: &Manifest) {
    let json = serde_json::to_vec_pretty(manifest).expect("serialise the manifest");
    std::fs::write(dir.join("manifest.json"), json).expect("write manifest.json");
}

/// The manifest's entry for a table.
pub fn entry<'a>(manifest: &'a Manifest, table: &str) -> &'a ManifestTable {
    manifest
        .tables
        .iter()
        .find(|t| t.table == table)
        .unwrap_or_else(|| panic!("no table {table} in the manifest"))
}

/// Replaces a table's file by `edit` of its text and records the new file's
/// SHA-256 in the manifest, so that the slice passes its checks and the
/// damage is found only by the load itself.
pub fn edit_table_file(dir: &Path, table: &str, edit: impl FnOnce(&str) -> String) {
    let mut manifest = read_manifest(dir);
    let file = entry(&manifest, table).file.clone();
    let path = dir.join(&file);
    let text = std::fs::read_to_string(&path).expect("read a table file");
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changes {file}");
    std::fs::write(&path, &edited).expect("write a table file");
    let record = manifest
        .tables
        .iter_mut()
        .find(|t| t.table == table)
        .expect("the table");
    record.sha256 = sha256_hex(edited.as_bytes());
    record.rows = records(edited.as_bytes()) - 1;
    write_manifest(dir, &manifest);
}

/// The records of CSV text: line feeds outside quotes.
pub fn records(bytes: &[u8]) -> u64 {
    let mut in_quotes = false;
    let mut n = 0;
    for &b in bytes {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => n += 1,
            _ => {}
        }
    }
    n
}

/// Replaces field `column` of data record `record` (1-based; the header is
/// not a record) of a CSV text whose records are one line each and whose
/// fields hold no comma.
pub fn replace_field(text: &str, record: usize, column: usize, value: &str) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let line = &mut lines[record];
    let body = line.trim_end_matches('\n');
    let mut fields: Vec<&str> = body.split(',').collect();
    fields[column] = value;
    *line = format!("{}\n", fields.join(","));
    lines.concat()
}

/// A slice's table file read with a general CSV reader: the header and the
/// records (NULL and the empty string both read as "").
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn read(dir: &Path, table: &str) -> Csv {
        let manifest = read_manifest(dir);
        let path = dir.join(&entry(&manifest, table).file);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let header = reader
            .headers()
            .expect("a header")
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("a record").iter().map(str::to_string).collect())
            .collect();
        Csv { header, rows }
    }

    pub fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// The values of a column, in file order.
    pub fn values(&self, name: &str) -> Vec<String> {
        let i = self.column(name);
        self.rows.iter().map(|r| r[i].clone()).collect()
    }

    /// The non-empty values of a column, as a set.
    pub fn set(&self, name: &str) -> BTreeSet<String> {
        self.values(name)
            .into_iter()
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Column `value` by column `key`.
    pub fn by(&self, key: &str, value: &str) -> BTreeMap<String, String> {
        self.values(key)
            .into_iter()
            .zip(self.values(value))
            .collect()
    }
}

/// Asserts that a slice directory is referentially complete: every value
/// of every foreign key its manifest lists is a key of the referenced table
/// in the same directory.
pub fn assert_complete(dir: &Path) {
    let manifest = read_manifest(dir);
    for table in &manifest.tables {
        let csv = Csv::read(dir, &table.table);
        for fk in &table.foreign_keys {
            let parents = Csv::read(dir, &fk.references).set(&fk.references_column);
            let dangling: Vec<String> = csv
                .set(&fk.column)
                .into_iter()
                .filter(|v| !parents.contains(v))
                .collect();
            assert!(
                dangling.is_empty(),
                "{}.{} points outside {} in {}: {dangling:?}",
                table.table,
                fk.column,
                fk.references,
                dir.display()
            );
        }
    }
}

/// The customers whose orders are in a shop slice: the sampled ones.
pub fn sampled_customers(dir: &Path) -> BTreeSet<String> {
    Csv::read(dir, "orders_order").set("customer_id")
}

/// The number of rows of a table.
pub fn count(db: &TestDb, table: &str) -> i64 {
    db.query_scalar_i64(&format!("SELECT count(*) FROM {}", quoted(table)))
}

/// Asserts that a database holds as many rows per table as the manifest says.
pub fn assert_counts(db: &TestDb, manifest: &Manifest) {
    for table in &manifest.tables {
        assert_eq!(
            count(db, &table.table) as u64,
            table.rows,
            "rows of {} in {}",
            table.table,
            db.name()
        );
    }
}

/// A shop slice's customers (id -> referred_by_id, "" for NULL) and orders
/// (id -> customer_id).
pub struct ShopRows {
    pub customers: BTreeMap<String, String>,
    pub orders: BTreeMap<String, String>,
}

impl ShopRows {
    /// From a slice directory.
    pub fn from_dir(dir: &Path) -> ShopRows {
        ShopRows {
            customers: Csv::read(dir, "accounts_customer").by("id", "referred_by_id"),
            orders: Csv::read(dir, "orders_order").by("id", "customer_id"),
        }
    }

    /// From a database.
    pub fn from_db(db: &TestDb) -> ShopRows {
        let mut client = db.client();
        let mut pairs = |sql: &str| -> BTreeMap<String, String> {
            client
                .query(sql, &[])
                .unwrap_or_else(|e| panic!("{sql}: {}", dataslicer::error::pg(&e)))
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect()
        };
        ShopRows {
            customers: pairs(
                "SELECT id::text, coalesce(referred_by_id::text, '') FROM accounts_customer",
            ),
            orders: pairs("SELECT id::text, customer_id::text FROM orders_order"),
        }
    }

    fn orders_of(&self) -> BTreeMap<&str, BTreeSet<&str>> {
        let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (order, customer) in &self.orders {
            out.entry(customer).or_default().insert(order);
        }
        out
    }
}

/// Asserts that `small` is a sample of `n` customers re-sliced from `big`:
/// each customer of `small` either comes with every order `big` has of it
/// (a sampled customer) or with none, and then is a referrer of another
/// customer of `small` or has no order in `big`; at most `n` customers have
/// orders, and `n` customers could have been sampled.
pub fn assert_resliced(big: &ShopRows, small: &ShopRows, n: usize) {
    let big_orders = big.orders_of();
    let small_orders = small.orders_of();
    let referrers: BTreeSet<&str> = small
        .customers
        .values()
        .filter(|r| !r.is_empty())
        .map(String::as_str)
        .collect();
    let empty = BTreeSet::new();
    let mut with_orders = 0;
    let mut without_any = 0;
    for customer in small.customers.keys() {
        assert!(
            big.customers.contains_key(customer),
            "customer {customer} is not in the source slice"
        );
        let in_big = big_orders.get(customer.as_str()).unwrap_or(&empty);
        match small_orders.get(customer.as_str()) {
            Some(orders) => {
                assert_eq!(orders, in_big, "the orders of sampled customer {customer}");
                with_orders += 1;
            }
            None if in_big.is_empty() => without_any += 1,
            None => assert!(
                referrers.contains(customer.as_str()),
                "customer {customer} has orders in the source but none here, and refers no one here"
            ),
        }
    }
    for customer in small.orders.values() {
        assert!(small.customers.contains_key(customer));
    }
    assert!(
        with_orders <= n && n <= with_orders + without_any,
        "{n} sampled: {with_orders} customers with orders, {without_any} without any in the source"
    );
    assert!(
        with_orders * 4 >= n * 3,
        "most sampled customers have orders: {with_orders} of {n}"
    );
}
