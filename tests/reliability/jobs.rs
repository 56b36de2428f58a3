//! `--jobs N`: tables written on N connections that import the first one's
//! snapshot. The files are byte for byte those of one connection, shared
//! `consistent, unique` fakes included; rows changed in the source while
//! the workers copy are not seen; a worker that cannot connect fails the
//! run and leaves nothing behind. And what a run shows while it works: off
//! a terminal, a line per table and a summary.

use super::kill::{shop_source, spawn, wait_for};
use super::support::*;
use dataslicer::connect::Settings;
use dataslicer::prelude::*;
use dataslicer::{DirSink, Manifest, PgSource};
use dataslicer_dev::{Scratch, TestDb, create_role};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Importer)]
#[table("site")]
struct Site {
    id: i32,
    name: String,
}

#[derive(Importer)]
#[table("person")]
struct Person {
    id: i64,
    #[fk(Site)]
    site_id: i32,
    #[fake(email, consistent, unique)]
    email: String,
    #[fake(name)]
    name: String,
}

#[derive(Importer)]
#[table("contact")]
struct Contact {
    id: i64,
    #[fk(Person)]
    person_id: i64,
    // One faker memory with person.email: an address gets one fake in both.
    #[fake(email, consistent, unique)]
    email: Option<String>,
    #[fake(phone_number)]
    phone: Option<String>,
}

#[derive(Importer)]
#[table("invoice")]
struct Invoice {
    id: i64,
    #[fk(Person)]
    person_id: i64,
    #[fake(email, consistent, unique)]
    billing_email: Option<String>,
    total: rust_decimal::Decimal,
    #[fake(username, unique)]
    reference: String,
}

#[derive(Importer)]
#[table("line")]
struct Line {
    id: i64,
    #[fk(Invoice)]
    invoice_id: i64,
    label: String,
    qty: i32,
}

#[derive(Importer)]
#[table("tag")]
struct Tag {
    id: i32,
    name: String,
}

#[derive(Importer)]
#[table("line_tag")]
struct LineTag {
    id: i64,
    #[fk(Line)]
    line_id: i64,
    #[fk(Tag)]
    tag_id: i32,
}

const SCHEMA: &str = "
    CREATE TABLE site (id int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE person (id bigint PRIMARY KEY, site_id int NOT NULL REFERENCES site,
                         email varchar(80) NOT NULL UNIQUE, name varchar(60) NOT NULL);
    CREATE TABLE contact (id bigint PRIMARY KEY, person_id bigint NOT NULL REFERENCES person,
                          email varchar(80), phone varchar(30));
    CREATE TABLE invoice (id bigint PRIMARY KEY, person_id bigint NOT NULL REFERENCES person,
                          billing_email varchar(80), total numeric(10, 2) NOT NULL,
                          reference varchar(40) NOT NULL UNIQUE);
    CREATE TABLE line (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoice,
                       label text NOT NULL, qty int NOT NULL);
    CREATE TABLE tag (id int PRIMARY KEY, name text NOT NULL UNIQUE);
    CREATE TABLE line_tag (id bigint PRIMARY KEY, line_id bigint NOT NULL REFERENCES line,
                           tag_id int NOT NULL REFERENCES tag);
    CREATE INDEX ON person (site_id); CREATE INDEX ON contact (person_id);
    CREATE INDEX ON invoice (person_id); CREATE INDEX ON line (invoice_id);
    CREATE INDEX ON line_tag (line_id);
    INSERT INTO site SELECT g, 'site ' || g FROM generate_series(1, 4) g;
    INSERT INTO person SELECT g, 1 + g % 4, 'person' || g || '@corp.example', 'Person ' || g
      FROM generate_series(1, 3000) g;
    -- Contacts repeat their person's address (in another case), or another's.
    INSERT INTO contact SELECT g, 1 + g % 3000,
        CASE WHEN g % 7 = 0 THEN NULL WHEN g % 3 = 0 THEN 'PERSON' || (1 + g % 3000) || '@corp.example'
             ELSE 'person' || (1 + g * 13 % 3000) || '@corp.example' END,
        CASE WHEN g % 5 = 0 THEN NULL ELSE '+1 555 ' || g END
      FROM generate_series(1, 6000) g;
    INSERT INTO invoice SELECT g, 1 + g % 3000,
        CASE WHEN g % 4 = 0 THEN NULL ELSE 'person' || (1 + g % 3000) || '@corp.example' END,
        (g % 1000) / 7.0, 'INV-' || g
      FROM generate_series(1, 9000) g;
    INSERT INTO line SELECT g, 1 + g % 9000, 'item ' || g, 1 + g % 9 FROM generate_series(1, 30000) g;
    INSERT INTO tag SELECT g, 'tag ' || g FROM generate_series(1, 50) g;
    INSERT INTO line_tag SELECT g, 1 + g % 30000, 1 + g % 50 FROM generate_series(1, 20000) g;
    ANALYZE;
";

fn source(prefix: &str) -> TestDb {
    let db = TestDb::create(prefix);
    db.execute(SCHEMA);
    db
}

fn people(sample: u64) -> Vec<ImportJob> {
    vec![ImportJob::<Person>::new().sample(sample).descendants()]
}

/// Slices `url` into `dest` through the library, on `jobs` connections.
fn slice(url: &str, dest: &Path, jobs: usize, seed: u64) -> dataslicer::Result<Manifest> {
    let mut client = dataslicer::connect(url)?;
    let mut source = PgSource::begin(&mut client)?.with_workers(Settings::parse(url)?);
    let mut sink = DirSink::create(dest)?;
    let options = Options {
        seed,
        jobs,
        ..Default::default()
    };
    dataslicer::slice(&mut source, &mut sink, &people(800), &options)
}

/// Asserts that a run ended with `code`, saying `message`, and left
/// nothing in `home`.
fn assert_stopped(out: &std::process::Output, code: i32, message: &str, home: &Scratch) {
    assert_eq!(out.status.code(), Some(code), "{}", text(out));
    assert!(text(out).contains(message), "{}", text(out));
    assert!(home.entries().is_empty(), "left: {:?}", home.entries());
}

/// Lets a run that pauses at several points (`flag` created at each) go on
/// until it ends.
fn release_until_done(child: &mut std::process::Child, flag: &Path) {
    let start = std::time::Instant::now();
    while child.try_wait().expect("the run's status").is_none() {
        let _ = std::fs::remove_file(flag);
        assert!(start.elapsed().as_secs() < 300, "the run never ended");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Every file of a slice; the manifest without its time of writing.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("a slice directory") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut bytes = std::fs::read(&path).expect("a readable file");
        if name == "manifest.json" {
            let text = String::from_utf8(bytes).expect("JSON is text");
            bytes = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("\"created_at\""))
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes();
        }
        out.insert(name, bytes);
    }
    out
}

#[test]
fn any_number_of_jobs_writes_the_bytes_of_one() {
    let db = source("jobs_bytes");
    let scratch = Scratch::new("jobs-bytes");
    let one = scratch.path("one");
    let manifest = slice(db.url(), &one, 1, 11).expect("--jobs 1");
    assert_eq!(manifest.tables.len(), 7, "{:?}", manifest.tables);
    assert!(
        manifest.tables.iter().all(|t| t.rows > 0),
        "every table has rows: {:?}",
        manifest.tables
    );
    let expected = contents(&one);
    for jobs in [2, 3, 8] {
        let dir = scratch.path(&format!("jobs-{jobs}"));
        slice(db.url(), &dir, jobs, 11).unwrap_or_else(|e| panic!("--jobs {jobs}: {e}"));
        let got = contents(&dir);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "--jobs {jobs}: the same files"
        );
        for (file, bytes) in &expected {
            assert!(
                got[file] == *bytes,
                "--jobs {jobs}: {file} differs from --jobs 1"
            );
        }
    }
    // Another seed gives other fakes: the comparison above can fail.
    let other = scratch.path("other-seed");
    slice(db.url(), &other, 2, 12).expect("another seed");
    assert_ne!(contents(&other)["person.csv"], expected["person.csv"]);

    // One address, one fake, in every table, whichever worker wrote it.
    let mut client = db.client();
    let originals: BTreeMap<i64, String> = client
        .query("SELECT id, lower(email) FROM person", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let fake_of = |file: &str, column: usize| -> BTreeMap<i64, String> {
        let mut reader = csv::Reader::from_path(scratch.path("jobs-2").join(file)).unwrap();
        reader
            .records()
            .map(|r| r.unwrap())
            .filter(|r| !r[column].is_empty())
            .map(|r| (r[0].parse().unwrap(), r[column].to_string()))
            .collect()
    };
    let person_fakes = fake_of("person.csv", 2);
    let contact_fakes = fake_of("contact.csv", 2);
    let contact_originals: BTreeMap<i64, String> = client
        .query(
            "SELECT id, lower(email) FROM contact WHERE email IS NOT NULL",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let by_original: BTreeMap<&String, &String> = person_fakes
        .iter()
        .map(|(id, fake)| (&originals[id], fake))
        .collect();
    let mut checked = 0;
    for (id, fake) in &contact_fakes {
        if let Some(person_fake) = by_original.get(&contact_originals[id]) {
            assert_eq!(*person_fake, fake, "contact {id} and its person's address");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} shared addresses checked");
}

#[test]
fn the_command_line_refuses_zero_jobs_before_connecting() {
    let home = Scratch::new("jobs-zero");
    let zero = output(&mut shop(
        &home.path(""),
        &[
            "slice",
            "--from",
            "postgres://nobody@127.0.0.1:1/none",
            "--to",
            "zero",
            "--jobs",
            "0",
        ],
        &[],
    ));
    assert_stopped(&zero, 2, "--jobs must be at least 1", &home);
}

#[test]
fn workers_read_the_first_connections_snapshot() {
    let db = shop_source("jobs_snapshot", 2_000);
    let home = Scratch::new("jobs-snapshot");
    let args = |dest: &'static str, jobs: &'static str| -> Vec<String> {
        [
            "slice",
            "--from",
            db.url(),
            "--to",
            dest,
            "--seed",
            "3",
            "--sample",
            "accounts_customer=300",
            "--jobs",
            jobs,
            "--no-progress",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let before = output(&mut shop(
        &home.path(""),
        &args("before", "1")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &[],
    ));
    assert!(before.status.success(), "{}", text(&before));

    // Paused before its first table and before its workers connect: the
    // first connection's snapshot is taken and every key chosen, and the
    // workers have no snapshot yet.
    let flag = home.path("flag");
    let mut child = spawn(
        &home.path(""),
        &args("during", "3")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        Some(("table,worker", &flag)),
    );
    wait_for(&flag, &mut child);
    db.execute(
        "UPDATE orders_orderitem SET quantity = quantity + 100;
         UPDATE accounts_customer SET first_name = 'Changed', email = 'changed' || id || '@x.example';
         DELETE FROM accounts_customer_favorite_products;
         UPDATE products_product SET name = 'renamed ' || id;",
    );
    // The run pauses before every table and worker: let each one go.
    release_until_done(&mut child, &flag);
    let during = child.wait_with_output().expect("the run ends");
    assert!(during.status.success(), "{}", text(&during));
    let (before, during) = (
        contents(&home.path("before")),
        contents(&home.path("during")),
    );
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        during.keys().collect::<Vec<_>>()
    );
    for (file, bytes) in &before {
        assert!(
            during[file] == *bytes,
            "{file}: the workers saw rows changed after the snapshot"
        );
    }
}

#[test]
fn a_worker_that_cannot_connect_fails_the_run_and_leaves_nothing() {
    let db = source("jobs_limit");
    let role = create_role("jobs_limit");
    db.execute(&format!(
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{0}\"; \
         ALTER ROLE \"{0}\" CONNECTION LIMIT 1",
        role.name()
    ));
    let scratch = Scratch::new("jobs-limit");
    let url = db.url_as(role.name());
    // One connection is allowed: one job works.
    slice(&url, &scratch.path("one"), 1, 1).expect("--jobs 1 within the limit");
    let dest = scratch.path("two");
    let error = slice(&url, &dest, 2, 1).expect_err("a second connection is refused");
    let message = error.to_string();
    assert!(
        message.contains("too many connections"),
        "the server's reason: {message}"
    );
    assert!(!dest.exists(), "no slice at {}", dest.display());
    assert_eq!(
        scratch.entries().into_iter().collect::<Vec<_>>(),
        ["one"],
        "no temporary directory left"
    );
}

#[test]
fn progress_off_a_terminal_is_a_line_per_table_and_a_summary() {
    let db = shop_source("jobs_progress", 500);
    let home = Scratch::new("jobs-progress");
    let slice = output(&mut shop(
        &home.path(""),
        &[
            "slice",
            "--from",
            db.url(),
            "--to",
            "slice",
            "--sample",
            "accounts_customer=50",
            "--jobs",
            "2",
        ],
        &[],
    ));
    assert!(slice.status.success(), "{}", text(&slice));
    let manifest = dataslicer::DirSource::open(home.path("slice"))
        .expect("a complete slice")
        .manifest()
        .clone();
    let target = TestDb::create_from_schema_of("jobs_progress_target", &db);
    let load = output(&mut shop(
        &home.path(""),
        &["load", "--from", "slice", "--to", target.url()],
        &[],
    ));
    assert!(load.status.success(), "{}", text(&load));
    for out in [&slice, &load] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let total: u64 = manifest.tables.iter().map(|t| t.rows).sum();
        for table in &manifest.tables {
            let line = format!("{}: {} rows, ", table.table, table.rows);
            assert!(stderr.contains(&line), "no line {line:?} in:\n{stderr}");
            // The summary's row: the name alone, then the rows (the line
            // above has `name:`).
            let rows = table.rows.to_string();
            assert!(
                stderr.lines().any(|l| {
                    let mut words = l.split_whitespace();
                    words.next() == Some(table.table.as_str()) && words.next() == Some(&rows)
                }),
                "no summary row of {} in:\n{stderr}",
                table.table
            );
        }
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("total") && last.split_whitespace().nth(1) == Some(&total.to_string()),
            "the summary ends with the total of {total} rows:\n{stderr}"
        );
        // No bar drawing codes off a terminal.
        assert!(!stderr.contains('\u{1b}'), "{stderr}");
    }
    let quiet = output(&mut shop(
        &home.path(""),
        &[
            "slice",
            "--from",
            db.url(),
            "--to",
            "quiet",
            "--sample",
            "accounts_customer=50",
            "--no-progress",
        ],
        &[],
    ));
    assert!(quiet.status.success(), "{}", text(&quiet));
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );

    // A load that fails after its first table is rolled back: its lines
    // say how far it got, and no summary claims the tables.
    let taken = TestDb::create_from_schema_of("jobs_progress_taken", &db);
    let mut reader =
        csv::Reader::from_path(home.path("slice").join("accounts_customer.csv")).unwrap();
    let email_column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "email")
        .unwrap();
    let email = reader.records().next().unwrap().unwrap()[email_column].to_string();
    taken.execute(&format!(
        "INSERT INTO django_site (id, domain, name) VALUES (999999, 'x.example', 'x');
         INSERT INTO accounts_customer (id, site_id, first_name, last_name, email, date_joined, is_active)
           VALUES (999999, 999999, 'a', 'b', '{email}', now(), true)"
    ));
    let failed = output(&mut shop(
        &home.path(""),
        &[
            "load",
            "--from",
            "slice",
            "--to",
            taken.url(),
            "--if-exists",
            "merge",
        ],
        &[],
    ));
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("django_site: "),
        "the first table's line:\n{stderr}"
    );
    assert!(
        !stderr.lines().any(|l| l.starts_with("total")),
        "no summary after a failure:\n{stderr}"
    );
}

#[test]
fn ctrl_c_stops_every_worker_and_removes_the_partial_directory() {
    let db = shop_source("jobs_sigint", 2_000);
    let home = Scratch::new("jobs-sigint");
    let flag = home.path("flag");
    let mut child = spawn(
        &home.path(""),
        &[
            "slice",
            "--from",
            db.url(),
            "--to",
            "slice",
            "--jobs",
            "3",
            "--no-progress",
        ],
        Some(("table", &flag)),
    );
    wait_for(&flag, &mut child);
    super::signals::send("INT", child.id());
    std::thread::sleep(std::time::Duration::from_millis(100));
    release_until_done(&mut child, &flag);
    let out = child.wait_with_output().expect("the run ends");
    assert_stopped(&out, 130, "interrupted by SIGINT", &home);
    // No worker is left connected.
    let mut admin = db.client();
    let others: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(others, 0, "connections left open");
}
