//! Every type through every pair: numeric, timestamptz, interval, jsonb,
//! uuid, bytea, int[] and text[], an enum, inet, NULL apart from the empty
//! string, awkward text and a lone `\.`, on the pass-through path (nothing
//! faked), on the rewrite path (a faked column beside them) and in a
//! one-column table.

use super::support::*;
use chrono::{DateTime, Utc};
use dataslicer::IfExists;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

const TYPED: &str = r#"
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s "complicated", really');
    CREATE TABLE typed (
        id int PRIMARY KEY,
        num numeric, ts timestamptz, iv interval, jb jsonb, u uuid, b bytea,
        ia int[], ta text[], m mood, ip inet, txt text
    );
    INSERT INTO typed (id) VALUES (1);
    INSERT INTO typed VALUES (2, 0, '2024-02-29 12:34:56.789012+00', '0 seconds', '{}',
        '00000000-0000-0000-0000-000000000000', '', '{}', '{}', 'sad', '0.0.0.0', '');
    INSERT INTO typed VALUES (3, '123456789012345678901234567890.123456789012345678901234567890',
        '-infinity', '-1 years +2 mons -3 days 04:05:06.789',
        '{"a": [1, 2.50, null, true], "ü": "\u00e9\n\"", "nested": {"k": {}}}',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x00ff0a0d2c22', '{1,NULL,-3}',
        '{"a,b","c\"d",NULL,"NULL","","\\.","e\\f"}', 'it''s "complicated", really',
        '2001:db8::1/64', E'comma, "quote"\nnew line\r\nand ünïcødé ☃ 🎉');
    INSERT INTO typed VALUES (4, 'NaN', 'infinity', '178000000 years', 'null',
        'ffffffff-ffff-ffff-ffff-ffffffffffff', '\x5c2e', '{{1,2},{3,4}}', '{{"x"},{"y"}}', 'ok',
        '192.168.0.1/24', '\.');
    INSERT INTO typed VALUES (5, '-0.000000000000000000000000000001', '1970-01-01 00:00:00+00',
        '-178000000 years', '"just a string"', '12345678-1234-5678-1234-567812345678', '\x',
        '{2147483647,-2147483648}', '{" "}', NULL, '::1', E'\\.\n\\.');
    INSERT INTO typed (id, txt) VALUES (6, ','), (7, '"'), (8, E'\n'), (9, 'NULL'), (10, ' '),
        (11, E'\\N'), (12, E'\r'), (13, '""'), (14, E'tab\there; back\\slash');
    CREATE TABLE typed_faked AS
        SELECT *, 'secret ' || id AS secret, CASE WHEN id % 2 = 0 THEN 'x' END AS secret_null FROM typed;
    ALTER TABLE typed_faked ADD PRIMARY KEY (id), ALTER secret SET NOT NULL;
    CREATE TABLE lone (v text PRIMARY KEY);
    INSERT INTO lone VALUES ('\.'), (''), ('a,b'), (E'x\ny'), ('"q"'), (' '), ('\N'), ('ü');
"#;

#[derive(Importer)]
#[table("typed")]
struct Typed {
    id: i32,
    num: Option<Decimal>,
    ts: Option<DateTime<Utc>>,
    iv: Option<String>,
    jb: Option<Value>,
    u: Option<Uuid>,
    b: Option<Vec<u8>>,
    ia: Option<String>,
    ta: Option<String>,
    m: Option<String>,
    ip: Option<String>,
    txt: Option<String>,
}

/// The same columns and two faked ones: rows go through the rewrite path.
#[derive(Importer)]
#[table("typed_faked")]
struct TypedFaked {
    id: i32,
    num: Option<Decimal>,
    ts: Option<DateTime<Utc>>,
    iv: Option<String>,
    jb: Option<Value>,
    u: Option<Uuid>,
    b: Option<Vec<u8>>,
    ia: Option<String>,
    ta: Option<String>,
    m: Option<String>,
    ip: Option<String>,
    txt: Option<String>,
    #[fake(name)]
    secret: String,
    #[fake(email)]
    secret_null: Option<String>,
}

#[derive(Importer)]
#[table("lone")]
struct Lone {
    #[pk]
    v: String,
}

fn jobs() -> Vec<ImportJob> {
    vec![
        ImportJob::<Typed>::new(),
        ImportJob::<TypedFaked>::new(),
        ImportJob::<Lone>::new(),
    ]
}

/// The target holds the source's values, column for column.
fn assert_same_values(source: &TestDb, target: &TestDb, how: &str) {
    assert_same_rows(source, target, "SELECT t::text FROM typed AS t");
    assert_same_rows(source, target, "SELECT t::text FROM lone AS t");
    assert_same_rows(
        source,
        target,
        "SELECT (id, num, ts, iv, jb, u, b, ia, ta, m, ip, txt, secret_null IS NULL)::text \
         FROM typed_faked",
    );
    // The faked columns hold fakes.
    assert_eq!(
        target.query_scalar_i64("SELECT count(*) FROM typed_faked WHERE secret LIKE 'secret %'"),
        0,
        "{how}: the secrets are faked"
    );
    // And the text equals byte for byte, the empty string apart from NULL.
    assert_same_rows(
        source,
        target,
        "SELECT id || ':' || coalesce(quote_literal(txt), 'NULL') || ':' || \
                coalesce(encode(convert_to(txt, 'UTF8'), 'hex'), '-') FROM typed",
    );
}

#[test]
fn every_type_round_trips_through_every_pair() {
    let source = TestDb::create("transfer_types");
    source.execute(TYPED);
    let scratch = Scratch::new("types");
    let dir = scratch.path("slice");
    ok(pg_to_dir(&source, &jobs(), &dir, 1), "export");

    // PostgreSQL -> directory -> PostgreSQL.
    let loaded = TestDb::create_from_schema_of("transfer_types_load", &source);
    ok(load(&dir, &loaded, IfExists::Fail), "load");
    assert_same_values(&source, &loaded, "load");

    // PostgreSQL -> PostgreSQL.
    let direct = TestDb::create_from_schema_of("transfer_types_pg", &source);
    ok(
        pg_to_pg(&source, &direct, &jobs(), IfExists::Fail, 1),
        "postgres -> postgres",
    );
    assert_same_values(&source, &direct, "postgres -> postgres");

    // Directory -> PostgreSQL through `slice`.
    let from_dir = TestDb::create_from_schema_of("transfer_types_dir_pg", &source);
    ok(
        dir_to_pg(&dir, &from_dir, &jobs(), IfExists::Fail, 2),
        "directory -> postgres",
    );
    assert_same_values(&source, &from_dir, "directory -> postgres");

    // Directory -> directory -> PostgreSQL.
    let resliced = scratch.path("resliced");
    ok(
        dir_to_dir(&dir, &resliced, &jobs(), 3),
        "directory -> directory",
    );
    for table in ["typed", "lone"] {
        assert_eq!(
            std::fs::read(resliced.join(format!("{table}.csv"))).expect("read"),
            std::fs::read(dir.join(format!("{table}.csv"))).expect("read"),
            "{table}: nothing faked, so the same bytes"
        );
    }
    let twice = TestDb::create_from_schema_of("transfer_types_dir_dir", &source);
    ok(load(&resliced, &twice, IfExists::Fail), "load the re-slice");
    assert_same_values(&source, &twice, "directory -> directory -> postgres");

    // And with merge, through the staging tables.
    let merged = TestDb::create_from_schema_of("transfer_types_merge", &source);
    merged.execute("INSERT INTO lone VALUES ('\\.')");
    ok(load(&dir, &merged, IfExists::Merge), "merge");
    assert_same_values(&source, &merged, "merge");
}
