//! Values round-trip: every type, NULL apart from the empty string, and
//! awkward text; text and UUID primary keys carry their children.

use super::support::*;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use uuid::Uuid;

const EVERY_TYPE: &str = r#"
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s "complicated", really');
    CREATE TABLE other (id int PRIMARY KEY);
    CREATE TABLE every_type (
        id int PRIMARY KEY,
        num numeric, ts timestamptz, tsl timestamp, d date, t time, iv interval,
        jb jsonb, j json, u uuid, b bytea, ia int[], ta text[], m mood, ip inet,
        flag bool, f8 float8, f4 real, txt text, vc varchar(40),
        other_id int REFERENCES other
    );
    INSERT INTO every_type (id) VALUES (1);
    INSERT INTO every_type VALUES (2,
        0, '2024-02-29 12:34:56.789012+00', '2024-02-29 12:34:56.789012', '2024-02-29', '00:00:00',
        '0 seconds', '{}', '{}', '00000000-0000-0000-0000-000000000000', '', '{}', '{}', 'sad',
        '0.0.0.0', false, 0, 0, '', '', NULL);
    INSERT INTO every_type VALUES (3,
        '123456789012345678901234567890.123456789012345678901234567890',
        '-infinity', 'infinity', '4713-01-01 BC', '24:00:00',
        '-1 years +2 mons -3 days 04:05:06.789',
        '{"a": [1, 2.50, null, true], "ü": "\u00e9\n\"", "nested": {"k": {}}}',
        '{ "dup": 1, "dup": 2,   "spaced" : [ ] }',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x00ff0a0d2c22', '{1,NULL,-3}',
        '{"a,b","c\"d",NULL,"NULL","","\\.","e\\f"}', 'it''s "complicated", really',
        '2001:db8::1/64', true, 1e-300, 'NaN', E'comma, "quote"\nnew line\r\nand ünïcødé ☃ 🎉',
        'trailing space ', NULL);
    INSERT INTO every_type VALUES (4,
        'NaN', 'infinity', '-infinity', 'infinity', '23:59:59.999999', '178000000 years',
        'null', 'null', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '\x5c2e', '{{1,2},{3,4}}',
        '{{"x"},{"y"}}', 'ok', '192.168.0.1/24', NULL, 'Infinity', '-Infinity', '\.', '\.',
        NULL);
    INSERT INTO every_type VALUES (5,
        '-0.000000000000000000000000000001', '1970-01-01 00:00:00+00', '0001-01-01 00:00:00',
        '5874897-12-31', '12:00:00', '-178000000 years', '"just a string"', '"\\u0000 not a nul"',
        '12345678-1234-5678-1234-567812345678', '\x', '{2147483647,-2147483648}', '{" "}', NULL,
        '::1', true, '-Infinity', 3.4028235e38, E'\\.\n\\.', 'NULL', NULL);
    INSERT INTO every_type VALUES (6,
        'Infinity', '2000-01-01 00:00:00+14', '2000-01-01 00:00:00', '2000-01-01', '01:02:03',
        '1 day', '[]', '[]', NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-0', 'NaN',
        E'tab\there, back\\slash, \\N, semicolon; and a final quote"', '"', NULL);
    INSERT INTO every_type (id, num, f8, f4, txt, vc)
        VALUES (7, '1e-130', 1.7976931348623157e308, 1.17549435e-38, ',', ' ');
    INSERT INTO every_type (id, f8, txt, vc) VALUES (8, 4.9e-324, E'\n', E'\r');
    INSERT INTO every_type (id, txt, vc) VALUES (9, E'a\n\\.\nb', E'\\.\n');
"#;

/// Every column read as it comes: nothing is rewritten.
#[derive(Importer)]
#[table("every_type")]
struct EveryType {
    id: i32,
    num: Option<Decimal>,
    ts: Option<DateTime<Utc>>,
    tsl: Option<NaiveDateTime>,
    d: Option<NaiveDate>,
    t: Option<NaiveTime>,
    iv: Option<String>,
    jb: Option<Value>,
    j: Option<Value>,
    u: Option<Uuid>,
    b: Option<Vec<u8>>,
    ia: Option<String>,
    ta: Option<String>,
    m: Option<String>,
    ip: Option<String>,
    flag: Option<bool>,
    f8: Option<f64>,
    f4: Option<f32>,
    txt: Option<String>,
    vc: Option<String>,
}

#[derive(Importer)]
#[table("other")]
struct Other {
    id: i32,
}

/// The same table with an optional key to a table that is no job: the
/// slice rewrites every record (the key is NULL everywhere in the source).
#[derive(Importer)]
#[table("every_type")]
struct EveryTypeRewritten {
    id: i32,
    num: Option<Decimal>,
    ts: Option<DateTime<Utc>>,
    tsl: Option<NaiveDateTime>,
    d: Option<NaiveDate>,
    t: Option<NaiveTime>,
    iv: Option<String>,
    jb: Option<Value>,
    j: Option<Value>,
    u: Option<Uuid>,
    b: Option<Vec<u8>>,
    ia: Option<String>,
    ta: Option<String>,
    m: Option<String>,
    ip: Option<String>,
    flag: Option<bool>,
    f8: Option<f64>,
    f4: Option<f32>,
    txt: Option<String>,
    vc: Option<String>,
    #[fk(Other, optional)]
    other_id: Option<i32>,
}

/// Every column, with `::text` where the type has no equality (json).
const COMPARED: &str = "id, num, ts, tsl, d, t, iv, jb, j::text, u, b, ia, ta, m, ip, flag, \
                        f8, f4, txt, vc, other_id";

/// Copies `every_type` of `from` into a new table `loaded` of `into` with
/// PostgreSQL's binary COPY, which shares nothing with the CSV under test.
fn copy_table_binary(from: &TestDb, into: &TestDb) {
    let mut bytes = Vec::new();
    from.client()
        .copy_out("COPY every_type TO STDOUT (FORMAT binary)")
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    into.execute("CREATE TABLE loaded (LIKE every_type)");
    let mut client = into.client();
    let mut writer = client
        .copy_in("COPY loaded FROM STDIN (FORMAT binary)")
        .unwrap();
    writer.write_all(&bytes).unwrap();
    writer.finish().unwrap();
}

fn round_trip(jobs: Arc<[ImportJob]>, prefix: &str) {
    let source = TestDb::create(prefix);
    source.execute(EVERY_TYPE);
    let scratch = Scratch::new(prefix);
    let dir = scratch.path("slice");
    let manifest = slice(&source, jobs.clone(), &dir, 1);
    assert_eq!(table(&manifest, "every_type").rows, 9);

    // NULL and the empty string stay apart in the file.
    let csv = Csv::read(&dir, "every_type.csv");
    assert_eq!(csv.get("id", "1", "txt"), None);
    assert_eq!(csv.get("id", "2", "txt"), Some(String::new()));
    assert_eq!(csv.get("id", "2", "vc"), Some(String::new()));
    assert_eq!(csv.get("id", "4", "txt"), Some("\\.".into()));
    assert_eq!(csv.get("id", "5", "vc"), Some("NULL".into()));
    let raw = std::fs::read_to_string(dir.join("every_type.csv")).unwrap();
    assert!(raw.contains("\n1,,,,"), "NULL is an unquoted empty field");

    let target = TestDb::create_from_schema_of(&format!("{prefix}_copy"), &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);

    // An EXCEPT both ways, typed and as the rows' text, is empty.
    copy_table_binary(&target, &source);
    for (a, b) in [("every_type", "loaded"), ("loaded", "every_type")] {
        let typed = source.query_scalar_i64(&format!(
            "SELECT count(*) FROM (SELECT {COMPARED} FROM {a} EXCEPT SELECT {COMPARED} FROM {b}) x"
        ));
        assert_eq!(typed, 0, "rows of {a} missing from {b}");
        let text = source.query_scalar_i64(&format!(
            "SELECT count(*) FROM (SELECT r::text FROM {a} r EXCEPT SELECT r::text FROM {b} r) x"
        ));
        assert_eq!(text, 0, "rows of {a} missing from {b}, compared as text");
    }

    // Slicing the copy gives the same file, byte for byte.
    let again = scratch.path("again");
    slice(&target, jobs, &again, 1);
    assert_same_file(&dir, &again, "every_type.csv");
}

fn assert_same_file(a: &Path, b: &Path, file: &str) {
    let first = std::fs::read(a.join(file)).unwrap();
    let second = std::fs::read(b.join(file)).unwrap();
    assert!(
        first == second,
        "{file} differs:\n{}\n---\n{}",
        String::from_utf8_lossy(&first),
        String::from_utf8_lossy(&second)
    );
}

#[test]
fn every_type_round_trips_through_a_slice() {
    round_trip([ImportJob::<EveryType>::new()].into(), "slice_types");
}

#[test]
fn every_type_round_trips_when_records_are_rewritten() {
    round_trip(
        [ImportJob::<EveryTypeRewritten>::new().sample(100)].into(),
        "slice_types_rw",
    );
}

#[derive(Importer)]
#[table("region")]
struct Region {
    #[pk]
    code: String,
    name: String,
}

#[derive(Importer)]
#[table("store")]
struct Store {
    id: i32,
    #[fk(Region)]
    region_code: String,
    name: String,
}

/// Region codes that are hard to quote in SQL, array literals and CSV.
const CODES: [&str; 14] = [
    "a\"b",
    "c'd",
    "e\\f",
    "{x}",
    "x,y",
    " lead",
    "NULL",
    "",
    "ünï",
    "tab\there",
    "\\.",
    "line\nbreak",
    "plain",
    "$1",
];

#[test]
fn text_primary_key_parent_sampled_children_follow() {
    let source = TestDb::create("slice_text_pk");
    source.execute(
        "CREATE TABLE region (code text PRIMARY KEY, name text NOT NULL);
         CREATE TABLE store (id int PRIMARY KEY, region_code text NOT NULL REFERENCES region,
                             name text NOT NULL);",
    );
    let mut client = source.client();
    for (i, code) in CODES.iter().enumerate() {
        let i = i as i32;
        client
            .execute(
                "INSERT INTO region VALUES ($1, 'region ' || $2::int)",
                &[code, &i],
            )
            .unwrap();
        for k in 0..3 {
            client
                .execute(
                    "INSERT INTO store VALUES ($1, $2, 'store')",
                    &[&(10 * i + k), code],
                )
                .unwrap();
        }
    }
    let scratch = Scratch::new("text_pk");
    for (seed, n) in [(1, 5), (2, 5), (3, 14)] {
        let dir = scratch.path(&format!("slice{seed}"));
        let jobs = [
            ImportJob::<Region>::new().sample(n),
            ImportJob::<Store>::new(),
        ];
        let manifest = slice(&source, jobs, &dir, seed);
        let regions = Csv::read(&dir, "region.csv").texts("code");
        assert_eq!(regions.len(), n as usize);
        let stores = Csv::read(&dir, "store.csv");
        assert_eq!(stores.rows.len(), 3 * n as usize);
        assert_eq!(stores.texts("region_code"), regions);
        let region_list: Vec<&str> = regions.iter().map(String::as_str).collect();
        assert_eq!(
            stores.ints("id"),
            ints(
                &mut client,
                "SELECT id::int8 FROM store WHERE region_code = ANY($1)",
                &[&region_list]
            )
        );
        let target = TestDb::create_from_schema_of("slice_text_pk_copy", &source);
        load_ok(&dir, &target);
        assert_counts_match(&target, &manifest);
    }
}

#[derive(Importer)]
#[table("tag")]
struct Tag {
    #[pk]
    name: String,
}

#[test]
fn single_column_table_with_a_lone_backslash_dot_loads() {
    let source = TestDb::create("slice_single_column");
    source.execute(
        r"CREATE TABLE tag (name text PRIMARY KEY);
          INSERT INTO tag VALUES ('\.'), (''), ('x'), (E'\\.\n'), ('a,b');",
    );
    let scratch = Scratch::new("single_column");
    for (name, jobs) in [
        ("whole", vec![ImportJob::<Tag>::new()]),
        ("sampled", vec![ImportJob::<Tag>::new().sample(5)]),
    ] {
        let dir = scratch.path(name);
        let manifest = slice(&source, jobs, &dir, 1);
        assert_eq!(table(&manifest, "tag").rows, 5);
        let tags = Csv::read(&dir, "tag.csv").texts("name");
        assert!(tags.contains("\\.") && tags.contains(""), "{tags:?}");
        let target = TestDb::create_from_schema_of("slice_single_column_copy", &source);
        load_ok(&dir, &target);
        assert_counts_match(&target, &manifest);
        assert_eq!(
            target.query_scalar_i64(r"SELECT count(*) FROM tag WHERE name = '\.'"),
            1
        );
    }
}

#[derive(Importer)]
#[table("device")]
struct Device {
    id: Uuid,
    label: String,
}

#[derive(Importer)]
#[table("reading")]
struct Reading {
    id: i64,
    #[fk(Device)]
    device_id: Uuid,
    value: Option<f64>,
}

#[test]
fn uuid_primary_key_parent_sampled_children_follow() {
    let source = TestDb::create("slice_uuid_pk");
    source.execute(
        "CREATE TABLE device (id uuid PRIMARY KEY, label text NOT NULL);
         CREATE TABLE reading (id bigint PRIMARY KEY,
                               device_id uuid NOT NULL REFERENCES device,
                               value float8);
         INSERT INTO device
             SELECT md5(g::text)::uuid, 'device ' || g FROM generate_series(1, 12) g;
         INSERT INTO device VALUES ('00000000-0000-0000-0000-000000000000', 'zero'),
                                   ('ffffffff-ffff-ffff-ffff-ffffffffffff', 'max');
         INSERT INTO reading
             SELECT 100 * d.n + k, d.id, k * 0.5
             FROM (SELECT id, row_number() OVER (ORDER BY id) n FROM device) d,
                  generate_series(1, 4) k;",
    );
    let scratch = Scratch::new("uuid_pk");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<Device>::new().sample(4),
        ImportJob::<Reading>::new(),
    ];
    let manifest = slice(&source, jobs, &dir, 8);
    let devices = Csv::read(&dir, "device.csv").texts("id");
    assert_eq!(devices.len(), 4);
    let readings = Csv::read(&dir, "reading.csv");
    assert_eq!(readings.texts("device_id"), devices);
    let mut client = source.client();
    let device_list: Vec<&str> = devices.iter().map(String::as_str).collect();
    assert_eq!(
        readings.ints("id"),
        ints(
            &mut client,
            "SELECT id FROM reading WHERE device_id::text = ANY($1)",
            &[&device_list]
        )
    );
    let target = TestDb::create_from_schema_of("slice_uuid_pk_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);

    // The other way round: readings sampled, their devices pulled in.
    let dir = scratch.path("up");
    let jobs = [ImportJob::<Reading>::new().filter("value > $1", params![1.0_f64])];
    slice(&source, jobs, &dir, 8);
    let readings = Csv::read(&dir, "reading.csv");
    assert_eq!(readings.rows.len(), 2 * 14);
    let expected: BTreeSet<String> = texts(&mut client, "SELECT id::text FROM device", &[])
        .into_iter()
        .collect();
    assert_eq!(Csv::read(&dir, "device.csv").texts("id"), expected);
}
