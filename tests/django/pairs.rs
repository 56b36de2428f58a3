//! PostgreSQL -> PostgreSQL with no files between, through the command line
//! and the library, gives the rows of the directory route (`download`, then
//! `load`) with the same seed.

use super::models::TABLES;
use super::support::*;
use dataslicer::{IfExists, PgSink, PgSource};
use dataslicer_dev::{TestDb, create_role};

/// Asserts that every table holds the same rows in both databases: EXCEPT
/// both ways on whole rows, keyed by the primary key for the message.
fn assert_same_tables(a: &TestDb, b: &TestDb) {
    for table in TABLES {
        let (rows_a, rows_b) = (rows_by_key(a, table), rows_by_key(b, table));
        let only_a: Vec<&String> = rows_a
            .iter()
            .filter(|(k, v)| rows_b.get(*k) != Some(v))
            .map(|(_, v)| v)
            .collect();
        let only_b: Vec<&String> = rows_b
            .iter()
            .filter(|(k, v)| rows_a.get(*k) != Some(v))
            .map(|(_, v)| v)
            .collect();
        assert!(
            only_a.is_empty() && only_b.is_empty(),
            "{table}: only in {}: {:#?}\nonly in {}: {:#?}",
            a.name(),
            &only_a[..only_a.len().min(5)],
            b.name(),
            &only_b[..only_b.len().min(5)]
        );
        assert!(!rows_a.is_empty(), "{table} has rows");
    }
    // And in SQL: EXCEPT both ways, `a`'s rows bound as a `text[]`.
    for table in TABLES {
        let query = format!("SELECT t::text FROM \"{table}\" AS t");
        let rows: Vec<String> = a
            .client()
            .query(&query, &[])
            .expect("rows")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let differ: i64 = b
            .client()
            .query_one(
                &format!(
                    "SELECT count(*) FROM ((SELECT unnest($1::text[]) EXCEPT {query}) \
                     UNION ALL ({query} EXCEPT SELECT unnest($1::text[]))) AS d"
                ),
                &[&rows],
            )
            .expect("EXCEPT both ways")
            .get(0);
        assert_eq!(differ, 0, "{table}: rows in one database only");
    }
}

#[test]
fn postgres_to_postgres_gives_the_rows_of_download_then_load() {
    let source = django_db("django_pairs");
    let scratch = Scratch::new("pairs");
    let dir = scratch.path("slice");
    let manifest = download(&source, fifty_users, &dir, 7);
    let through_files = TestDb::create_from_schema_of("django_pairs_files", &source);
    ok(load(&dir, &through_files, IfExists::Fail), "load");

    // The command line, to a directory with tiny batches: the same bytes.
    let batched = scratch.path("batched");
    ok(
        cli(
            fifty_users,
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                arg(&batched),
                "--seed",
                "7",
                "--batch-size",
                "7",
                "--no-progress",
            ],
        ),
        "django slice --batch-size 7",
    );
    for (file, text) in files(&dir) {
        if file != "manifest.json" {
            let other = std::fs::read_to_string(batched.join(&file)).expect("the same file");
            assert!(other == text, "{file} depends on the batch size");
        }
    }

    // The command line, database to database, into a database migrated
    // like the source (dropped columns and all) rather than dumped.
    let through_cli = migrated_db("django_pairs_cli");
    let out = ok(
        cli(
            fifty_users,
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                through_cli.url(),
                "--seed",
                "7",
                "--no-progress",
            ],
        ),
        "django slice --from postgres --to postgres",
    );
    assert!(out.contains("auth_user"), "{out}");
    assert_counts(&through_cli, &manifest, &TABLES);
    assert_same_tables(&through_files, &through_cli);
    assert_eq!(orphans(&through_cli), Vec::<String>::new());
    assert_identity_inserts_succeed(&through_cli);

    // The library, PgSource -> PgSink.
    let through_library = TestDb::create_from_schema_of("django_pairs_lib", &source);
    let (from, to) = (source.url().to_string(), through_library.url().to_string());
    let direct = ok(
        timed("slice", move || {
            let mut source_client = dataslicer::connect(&from)?;
            let mut target_client = dataslicer::connect(&to)?;
            let mut source = PgSource::begin(&mut source_client)?;
            let mut sink = PgSink::begin(&mut target_client, IfExists::Fail)?;
            dataslicer::slice(&mut source, &mut sink, &fifty_users(), &seeded(7))
        }),
        "slice PgSource -> PgSink",
    );
    for (direct, written) in direct.tables.iter().zip(&manifest.tables) {
        assert_eq!(
            (&direct.table, direct.rows, &direct.sha256),
            (&written.table, written.rows, &written.sha256),
            "the same rows and bytes as the directory's"
        );
    }
    assert_same_tables(&through_files, &through_library);
}

/// A production Django database is often sliced from a replica, by a role
/// that may only read: the slice is the same, byte for byte.
#[test]
fn a_role_that_may_only_select_writes_the_same_slice() {
    let source = django_db("django_reader");
    let reader = create_role("django_reader");
    source.execute(&format!(
        "GRANT USAGE ON SCHEMA public TO {0}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {0}",
        reader.name()
    ));
    let scratch = Scratch::new("reader");
    let (as_admin, as_reader) = (scratch.path("admin"), scratch.path("reader"));
    let written = download(&source, fifty_users, &as_admin, 9);
    let read = download_from(&source.url_as(reader.name()), fifty_users, &as_reader, 9);
    assert_eq!(
        read.tables, written.tables,
        "the same tables, rows and hashes"
    );
    for (file, text) in files(&as_admin) {
        if file != "manifest.json" {
            let other = std::fs::read_to_string(as_reader.join(&file)).expect("the same file");
            assert!(other == text, "{file} differs");
        }
    }
}
