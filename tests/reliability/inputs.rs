//! Bad input of each kind: a clear error naming the table, the column or the
//! place, and nothing half-written.

use super::kill::shop_source;
use super::support::*;
use dataslicer::{DirSink, DirSource, Error, IfExists, PgSink, PgSource};
use dataslicer_dev::{Scratch, TestDb};
use std::path::Path;

#[allow(clippy::duplicate_mod)]
#[path = "../../examples/shop/models.rs"]
mod shop_models;

fn options() -> dataslicer::Options {
    dataslicer::Options {
        seed: 5,
        ..Default::default()
    }
}

fn export(source: &TestDb, dest: &Path) -> Result<dataslicer::Manifest, Error> {
    let mut client = source.client();
    let mut from = PgSource::begin(&mut client)?;
    let mut to = DirSink::create(dest)?;
    dataslicer::slice(&mut from, &mut to, &shop_models::jobs(), &options())
}

/// Rewrites a table's file and records its new SHA-256 (and, if given, row
/// count) in the manifest, as a careful vandal would.
fn rewrite(dir: &Path, table: &str, edit: impl FnOnce(Vec<u8>) -> Vec<u8>, rows: Option<u64>) {
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let entry = manifest["tables"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t["table"] == table)
        .unwrap();
    let file = dir.join(entry["file"].as_str().unwrap());
    let edited = edit(std::fs::read(&file).unwrap());
    std::fs::write(&file, &edited).unwrap();
    use sha2::Digest;
    entry["sha256"] = sha2::Sha256::digest(&edited)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .into();
    if let Some(rows) = rows {
        entry["rows"] = rows.into();
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

fn rows_of(dir: &Path, table: &str) -> u64 {
    let manifest = DirSource::open(dir).unwrap().manifest().clone();
    manifest
        .tables
        .iter()
        .find(|t| t.table == table)
        .unwrap()
        .rows
}

#[test]
fn a_last_record_without_its_line_feed_is_counted_and_a_record_cut_short_is_refused() {
    let source = shop_source("last_record", 150);
    let home = Scratch::new("last-record");
    let dir = home.path("slice");
    export(&source, &dir).unwrap();
    let declared = rows_of(&dir, "products_category");
    // Without the final line feed: still every row, counted and loaded.
    rewrite(
        &dir,
        "products_category",
        |mut b| {
            assert_eq!(b.pop(), Some(b'\n'));
            b
        },
        None,
    );
    let target = TestDb::create_from_schema_of("last_record_target", &source);
    dataslicer::load(&dir, &mut target.client(), IfExists::Fail).expect("the slice loads");
    assert_eq!(
        target.query_scalar_i64("SELECT count(*) FROM products_category") as u64,
        declared
    );
    // Cut in the middle of the last record, the manifest's row count
    // matching the complete lines: one row more than declared, refused.
    rewrite(
        &dir,
        "products_category",
        |mut b| {
            b.extend_from_slice(b"\n999999,half a recor");
            b
        },
        Some(declared),
    );
    let error = DirSource::open(&dir).expect_err("a cut record").to_string();
    assert!(
        error.contains("products_category")
            && error.contains(&format!("holds {} rows", declared + 1)),
        "{error}"
    );
}

#[test]
fn invalid_utf8_is_refused_in_every_pair() {
    // From a slice directory (to a directory, to PostgreSQL, load): refused
    // when the directory is opened, naming the table, line and column.
    let source = shop_source("utf8_source", 150);
    let home = Scratch::new("utf8");
    let dir = home.path("slice");
    export(&source, &dir).unwrap();
    rewrite(
        &dir,
        "products_category",
        |b| {
            let text = String::from_utf8(b).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let header: Vec<&str> = lines[0].split(',').collect();
            let name = header.iter().position(|c| *c == "name").unwrap();
            let mut fields: Vec<String> = lines[1].split(',').map(str::to_string).collect();
            fields[name] = "bad".into();
            lines[1] = fields.join(",");
            let mut out = lines.join("\n").into_bytes();
            out.push(b'\n');
            let at = out.windows(3).position(|w| w == b"bad").unwrap();
            out[at + 1] = 0xff;
            out
        },
        None,
    );
    let error = DirSource::open(&dir).expect_err("not UTF-8");
    match &error {
        Error::Row {
            table,
            line,
            column,
            ..
        } => {
            assert_eq!(
                (table.as_str(), *line, column.as_str()),
                ("products_category", 2, "name")
            );
        }
        other => panic!("{other}"),
    }
    let target = TestDb::create_from_schema_of("utf8_target", &source);
    assert!(dataslicer::load(&dir, &mut target.client(), IfExists::Fail).is_err());
    assert_eq!(
        target.query_scalar_i64("SELECT count(*) FROM products_category"),
        0
    );

    // From PostgreSQL: a SQL_ASCII database hands out bytes as they are.
    let ascii = TestDb::create("utf8_ascii");
    let sql_ascii = SqlAsciiDb::create(&ascii);
    dataslicer_dev::shop::create(&mut sql_ascii.client(), 100).unwrap();
    sql_ascii
        .client()
        .batch_execute("UPDATE products_category SET name = E'caf\\xff' WHERE id = (SELECT min(id) FROM products_category)")
        .unwrap();
    let out = home.path("from-ascii");
    let mut client = sql_ascii.client();
    let result = (|| {
        let mut from = PgSource::begin(&mut client)?;
        let mut to = DirSink::create(&out)?;
        dataslicer::slice(&mut from, &mut to, &shop_models::jobs(), &options())
    })();
    // The server itself refuses to hand these bytes out as UTF-8 (and the
    // directory sink would refuse them too, naming the column).
    let error = result.expect_err("bytes that are not UTF-8").to_string();
    assert!(
        error.contains("products_category") && error.contains("UTF8"),
        "{error}"
    );
    assert!(!out.exists(), "no partial slice");
    // PostgreSQL to PostgreSQL: the target refuses, and is left as it was.
    let pg_target = TestDb::create_from_schema_of("utf8_pg_target", &source);
    let mut source_client = sql_ascii.client();
    let mut target_client = pg_target.client();
    let error = (|| {
        let mut from = PgSource::begin(&mut source_client)?;
        let mut to = PgSink::begin(&mut target_client, IfExists::Fail)?;
        dataslicer::slice(&mut from, &mut to, &shop_models::jobs(), &options())
    })()
    .expect_err("the target refuses bytes that are not UTF-8")
    .to_string();
    assert!(
        error.contains("products_category") && error.contains("UTF8"),
        "{error}"
    );
    assert_eq!(
        pg_target.query_scalar_i64("SELECT count(*) FROM products_category"),
        0
    );
}

/// A SQL_ASCII database on the test server, dropped with the value.
struct SqlAsciiDb {
    name: String,
    url: String,
    admin: String,
}

impl SqlAsciiDb {
    fn create(probe: &TestDb) -> SqlAsciiDb {
        let name = format!("{}_ascii", probe.name());
        let admin = probe.url().to_string();
        probe.execute(&format!(
            "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'"
        ));
        let url = admin.replace(probe.name(), &name);
        SqlAsciiDb { name, url, admin }
    }

    fn client(&self) -> postgres::Client {
        dataslicer::connect(&self.url).unwrap()
    }
}

impl Drop for SqlAsciiDb {
    fn drop(&mut self) {
        if let Ok(mut c) = dataslicer::connect(&self.admin) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[test]
fn schema_problems_of_every_table_come_in_one_error() {
    let source = shop_source("schema_all", 50);
    source.execute(
        "ALTER TABLE products_product DROP COLUMN description; \
         ALTER TABLE orders_order DROP COLUMN status",
    );
    let home = Scratch::new("schema-all");
    let error = export(&source, &home.path("slice"))
        .expect_err("two mismatches")
        .to_string();
    assert!(
        error.contains("products_product")
            && error.contains("description")
            && error.contains("orders_order")
            && error.contains("status"),
        "{error}"
    );
    assert!(!home.path("slice").exists());
}

#[test]
fn locations_are_urls_connection_strings_or_directories_and_nothing_else() {
    let source = shop_source("locations", 50);
    let home = Scratch::new("locations");
    for to in ["http://example.com/x", "mysql://u@h/d", "ftp://h/x"] {
        let run = output(shop(
            &home.path(""),
            &["slice", "--from", source.url(), "--to", to],
            &[],
        ));
        assert_eq!(run.status.code(), Some(2), "{to}: {}", text(&run));
        let scheme = to.split("://").next().unwrap();
        assert!(
            String::from_utf8_lossy(&run.stderr).contains(&format!("`{scheme}://`")),
            "{}",
            text(&run)
        );
    }
    assert!(
        dataslicer_dev::entries(&home.path("")).is_empty(),
        "no directory named after a URL"
    );
    // A directory whose name holds `=` is a directory.
    let run = output(shop(
        &home.path(""),
        &["slice", "--from", source.url(), "--to", "out/a=b"],
        &[],
    ));
    assert!(run.status.success(), "{}", text(&run));
    assert!(home.path("out/a=b/manifest.json").is_file());
    // A key=value string is a database, even with spaces around `=`.
    let run = output(shop(
        &home.path(""),
        &[
            "slice",
            "--from",
            &format!("dbname = {} host = 127.0.0.1 port=1", source.name()),
            "--to",
            "x",
        ],
        &[],
    ));
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("127.0.0.1:1"),
        "{}",
        text(&run)
    );
}

#[test]
fn one_directory_named_two_ways_is_refused_before_anything_is_touched() {
    let source = shop_source("same_dir", 50);
    let home = Scratch::new("same-dir");
    let dir = home.path("d");
    let run = output(shop(
        &home.path(""),
        &["slice", "--from", source.url(), "--to", "d"],
        &[],
    ));
    assert!(run.status.success(), "{}", text(&run));
    let before = std::fs::read(dir.join("manifest.json")).unwrap();
    for to in ["d/../d", "./d", "d/inner"] {
        let run = output(shop(
            &home.path(""),
            &["slice", "--from", "d", "--to", to],
            &[],
        ));
        assert_eq!(run.status.code(), Some(2), "{to}: {}", text(&run));
        assert_eq!(std::fs::read(dir.join("manifest.json")).unwrap(), before);
        DirSource::open(&dir).expect("the source slice is intact");
        assert_eq!(
            dataslicer_dev::entries(&home.path(""))
                .into_iter()
                .collect::<Vec<_>>(),
            ["d"]
        );
    }
}

#[test]
fn one_database_reached_by_two_strings_is_refused_before_anything_is_touched() {
    let source = shop_source("same_db", 50);
    let before = dataslicer_dev::pg_dump_data(source.url());
    let home = Scratch::new("same-db");
    let url = source.url().to_string();
    let user = url
        .trim_start_matches("postgres://")
        .split('@')
        .next()
        .unwrap()
        .to_string();
    let other = format!("host=127.0.0.1 user={user} dbname={}", source.name());
    let start = std::time::Instant::now();
    let run = output(shop(
        &home.path(""),
        &[
            "slice",
            "--from",
            &url,
            "--to",
            &other,
            "--if-exists",
            "truncate",
        ],
        &[],
    ));
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("are one database"),
        "{}",
        text(&run)
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(dataslicer_dev::pg_dump_data(source.url()), before);
}

#[test]
fn every_exporter_answers_version() {
    let home = Scratch::new("version");
    let run = output(shop(&home.path(""), &["--version"], &[]));
    assert!(run.status.success(), "{}", text(&run));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.starts_with("shop ") && stdout.contains("dataslicer "),
        "{stdout}"
    );
}
