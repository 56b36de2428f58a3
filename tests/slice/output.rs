//! The run as a whole: a role that may only read is enough, every read sees
//! one snapshot, and the slice directory appears only when complete.

use super::support::*;
use dataslicer::Error;
use dataslicer::fake::FakeInput;
use dataslicer::prelude::*;
use dataslicer_dev::{TestDb, create_role};
use postgres::NoTls;
use std::sync::{Arc, Mutex};

#[derive(Importer)]
#[table("account")]
struct Account {
    id: i64,
    name: String,
}

#[derive(Importer)]
#[table("entry")]
struct Entry {
    id: i64,
    #[fk(Account)]
    account_id: i64,
    amount: i32,
}

const LEDGER: &str = "
    CREATE TABLE account (id bigint PRIMARY KEY, name text NOT NULL);
    CREATE TABLE entry (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES account,
                        amount int NOT NULL);
    INSERT INTO account SELECT g, 'account ' || g FROM generate_series(1, 1000) g;
    INSERT INTO entry SELECT g, 1 + g % 1000, g FROM generate_series(1, 5000) g;
";

/// A role that may connect and read every table of `db`, and nothing else
/// (not even create temporary tables).
fn reader_of(db: &TestDb) -> dataslicer_dev::TestRole {
    let role = create_role("slice_reader");
    let name = role.name();
    db.execute(&format!(
        "REVOKE TEMPORARY ON DATABASE \"{db}\" FROM PUBLIC;
         GRANT USAGE ON SCHEMA public TO {name};
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name};",
        db = db.name()
    ));
    role
}

#[test]
fn source_read_through_a_select_only_role_slices_completely() {
    let source = TestDb::create("slice_readonly");
    source.execute(LEDGER);
    let role = reader_of(&source);
    let mut reader = postgres::Client::connect(&source.url_as(role.name()), NoTls).unwrap();
    assert!(
        reader
            .batch_execute("INSERT INTO account VALUES (1000, 'x')")
            .is_err(),
        "the role cannot write"
    );
    let scratch = Scratch::new("readonly");
    let dir = scratch.path("slice");
    let jobs: Arc<[ImportJob]> = [
        ImportJob::<Account>::new().sample(10),
        ImportJob::<Entry>::new(),
    ]
    .into();
    let manifest = try_slice_with(reader, jobs.clone(), &dir, &seeded(2))
        .unwrap_or_else(|e| panic!("a select-only role must be enough: {e}"));
    check_files(&dir, &manifest);
    assert_eq!(table(&manifest, "account").rows, 10);
    assert_eq!(table(&manifest, "entry").rows, 50);
    assert!(
        manifest
            .source
            .starts_with(&format!("postgres://{}@", role.name())),
        "{}",
        manifest.source
    );
    assert!(!manifest.source.contains(&format!("{}:", role.name())));
    // The same slice as through the administrating role.
    let admin = slice(&source, jobs, &scratch.path("admin"), 2);
    for (a, b) in manifest.tables.iter().zip(&admin.tables) {
        assert_eq!(a.sha256, b.sha256, "{}", a.table);
    }
    let target = TestDb::create_from_schema_of("slice_readonly_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

/// Where the fake below writes, once: the URL of the test's database.
static WRITE_DURING_EXPORT: Mutex<Option<String>> = Mutex::new(None);

/// A fake that, the first time it is called (while the slice is being
/// written), commits new rows in the source through another connection.
fn write_concurrently(input: &mut FakeInput<'_>) -> String {
    let url = WRITE_DURING_EXPORT.lock().unwrap().take();
    if let Some(url) = url {
        let mut other = postgres::Client::connect(&url, NoTls).unwrap();
        other
            .batch_execute(
                "INSERT INTO audited_account VALUES (1000, 'late');
                 INSERT INTO audited_entry VALUES (1000, 1000, 1), (1001, 1, 1);
                 UPDATE audited_entry SET amount = -1;
                 DELETE FROM audited_entry WHERE id = 2;",
            )
            .unwrap();
    }
    format!("name {}", input.key())
}

#[derive(Importer)]
#[table("audited_account")]
struct AuditedAccount {
    id: i64,
    #[fake(with = write_concurrently)]
    name: String,
}

#[derive(Importer)]
#[table("audited_entry")]
struct AuditedEntry {
    id: i64,
    #[fk(AuditedAccount)]
    account_id: i64,
    amount: i32,
}

#[test]
fn every_read_sees_one_snapshot() {
    let source = TestDb::create("slice_snapshot");
    source.execute(
        "CREATE TABLE audited_account (id bigint PRIMARY KEY, name text NOT NULL);
         CREATE TABLE audited_entry (
             id bigint PRIMARY KEY,
             account_id bigint NOT NULL REFERENCES audited_account,
             amount int NOT NULL
         );
         INSERT INTO audited_account SELECT g, 'account ' || g FROM generate_series(1, 50) g;
         INSERT INTO audited_entry SELECT g, 1 + g % 50, g FROM generate_series(1, 500) g;",
    );
    *WRITE_DURING_EXPORT.lock().unwrap() = Some(source.url().to_string());
    let scratch = Scratch::new("snapshot");
    let dir = scratch.path("slice");
    // Accounts are written first; while they are, another connection adds an
    // account and entries, changes and deletes entries, and commits.
    let jobs = [
        ImportJob::<AuditedAccount>::new(),
        ImportJob::<AuditedEntry>::new(),
    ];
    let manifest = slice(&source, jobs, &dir, 1);
    assert!(
        WRITE_DURING_EXPORT.lock().unwrap().is_none(),
        "the concurrent write ran"
    );
    assert_eq!(
        source.query_scalar_i64("SELECT count(*) FROM audited_entry WHERE amount = -1"),
        501,
        "the write committed: 500 + 2 new - 1 deleted"
    );
    assert_eq!(table(&manifest, "audited_account").rows, 50);
    let entries = Csv::read(&dir, "audited_entry.csv");
    assert_eq!(
        entries.ints("id"),
        (1..=500).collect(),
        "as before the write"
    );
    assert!(
        entries
            .values("amount")
            .iter()
            .all(|a| a.as_deref() != Some("-1")),
        "no value from after the snapshot"
    );
    let target = TestDb::create_from_schema_of("slice_snapshot_copy", &source);
    load_ok(&dir, &target);
}

#[derive(Importer)]
#[table("secret")]
struct Secret {
    id: i64,
    payload: String,
}

#[test]
fn error_while_writing_leaves_neither_destination_nor_temporary_directory() {
    let source = TestDb::create("slice_midrun");
    source.execute(LEDGER);
    source.execute(
        "CREATE TABLE secret (id bigint PRIMARY KEY, payload text NOT NULL);
         INSERT INTO secret SELECT g, 'secret ' || g FROM generate_series(1, 20) g;",
    );
    // The role may read the secret's keys, not its payload: selecting rows
    // works, writing the secret's file (after the ledger's) fails.
    let role = reader_of(&source);
    source.execute(&format!(
        "REVOKE SELECT ON secret FROM {name}; GRANT SELECT (id) ON secret TO {name};",
        name = role.name()
    ));
    let reader = || postgres::Client::connect(&source.url_as(role.name()), NoTls).unwrap();
    let scratch = Scratch::new("midrun");
    let dest = scratch.path("slice");
    let jobs: Arc<[ImportJob]> = [
        ImportJob::<Account>::new(),
        ImportJob::<Entry>::new(),
        ImportJob::<Secret>::new().sample(5),
    ]
    .into();
    let error =
        try_slice_with(reader(), jobs.clone(), &dest, &seeded(1)).expect_err("permission denied");
    assert!(
        error.to_string().contains("secret"),
        "the error names the table: {error}"
    );
    assert!(scratch.entries().is_empty(), "{:?}", scratch.entries());

    // An existing slice at the destination survives a failed run untouched.
    let jobs_ok = [ImportJob::<Account>::new()];
    let before = slice(&source, jobs_ok, &dest, 1);
    let error = try_slice_with(reader(), jobs, &dest, &seeded(1));
    assert!(error.is_err());
    assert_eq!(read_manifest(&dest), before);
    check_files(&dest, &before);
    assert_eq!(scratch.entries(), ["slice".to_string()].into());
}

#[test]
fn destination_that_is_not_a_slice_is_refused() {
    let source = TestDb::create("slice_refuse");
    source.execute(LEDGER);
    let scratch = Scratch::new("refuse");
    let dest = scratch.path("precious");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("notes.txt"), "keep me").unwrap();
    let jobs = [ImportJob::<Account>::new()];
    let error = try_slice(&source, jobs, &dest, &seeded(1)).expect_err("refused");
    assert!(matches!(error, Error::Manifest { .. }), "{error:?}");
    assert_eq!(
        std::fs::read_to_string(dest.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(entries(&dest), ["notes.txt".to_string()].into());
    assert_eq!(scratch.entries(), ["precious".to_string()].into());
}

#[test]
fn destination_that_is_not_a_slice_is_refused_before_the_source_is_read() {
    let source = TestDb::create("slice_refuse_early");
    source.execute(LEDGER);
    let scratch = Scratch::new("refuse_early");
    let dest = scratch.path("precious");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("notes.txt"), "keep me").unwrap();
    // A filter that fails on the server: if the destination is checked
    // first, as DirSink::create documents ("refused before any work is
    // done"), the error is about the destination, not the filter.
    let jobs = [ImportJob::<Account>::new().filter("no_such_column", params![])];
    let error = try_slice(&source, jobs, &dest, &seeded(1)).expect_err("refused");
    assert!(
        matches!(error, Error::Manifest { .. }),
        "the destination is refused before any query: {error}"
    );
}

#[test]
fn empty_destination_or_previous_slice_is_replaced() {
    let source = TestDb::create("slice_replace");
    source.execute(LEDGER);
    let scratch = Scratch::new("replace");
    let dest = scratch.path("slice");
    std::fs::create_dir(&dest).unwrap();
    let both = [ImportJob::<Account>::new(), ImportJob::<Entry>::new()];
    slice(&source, both, &dest, 1);
    // A slice of fewer tables replaces it whole: entry.csv does not linger.
    let fewer = [ImportJob::<Account>::new().sample(30)];
    let manifest = slice(&source, fewer, &dest, 1);
    assert_eq!(table_names(&manifest), ["account"]);
    assert_eq!(scratch.entries(), ["slice".to_string()].into());
}
