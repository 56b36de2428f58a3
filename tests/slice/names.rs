//! Tables, schemas and columns whose names need quoting: mixed case, reserved
//! words, spaces, commas and quotes.

use super::support::*;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

#[derive(Importer)]
#[table("Mixed Case")]
struct MixedCase {
    #[pk]
    #[column("Id")]
    id: i32,
    #[column("order")]
    order: String,
    #[column("unit price")]
    unit_price: Option<Decimal>,
    #[column("select")]
    select: i32,
    #[column("a,b")]
    a_b: Option<String>,
    #[column("quote\"d")]
    quoted: Option<String>,
}

/// A schema-qualified table with a space in its name, child of `Mixed Case`.
#[derive(Importer)]
#[table("Sales.Order Line")]
struct OrderLine {
    #[pk]
    #[column("line id")]
    line_id: i64,
    #[fk(MixedCase)]
    #[column("Mixed Id")]
    mixed_id: i32,
    #[column("desc")]
    desc: Option<String>,
}

/// A table named by a reserved word, with an optional key to `Mixed Case`
/// and a required one to `Order Line`.
#[derive(Importer)]
#[table("order")]
struct Order {
    id: i32,
    #[fk(OrderLine)]
    #[column("from")]
    from: i64,
    #[fk(MixedCase, optional)]
    #[column("group")]
    group: Option<i32>,
}

const SCHEMA: &str = r#"
    CREATE SCHEMA "Sales";
    CREATE TABLE "Mixed Case" (
        "Id" int PRIMARY KEY,
        "order" text NOT NULL,
        "unit price" numeric(10, 2),
        "select" int NOT NULL,
        "a,b" text,
        "quote""d" text
    );
    CREATE TABLE "Sales"."Order Line" (
        "line id" bigint PRIMARY KEY,
        "Mixed Id" int NOT NULL REFERENCES "Mixed Case" ("Id") DEFERRABLE INITIALLY DEFERRED,
        "desc" text
    );
    CREATE TABLE "order" (
        id int PRIMARY KEY,
        "from" bigint NOT NULL REFERENCES "Sales"."Order Line" ("line id"),
        "group" int REFERENCES "Mixed Case" ("Id")
    );
    INSERT INTO "Mixed Case"
        SELECT g, 'order ' || g, g * 1.5, g % 4, 'x,' || g, 'say "' || g || '"'
        FROM generate_series(1, 200) g;
    INSERT INTO "Sales"."Order Line"
        SELECT 1000 + g, 1 + g % 12, CASE WHEN g % 2 = 0 THEN 'line ' || g END
        FROM generate_series(1, 48) g;
    INSERT INTO "order"
        SELECT g, 1000 + 1 + g % 48, 1 + (g * 5) % 12 FROM generate_series(1, 30) g;
"#;

#[test]
fn names_that_need_quoting_and_a_schema_qualified_table_slice_and_load() {
    let source = TestDb::create("slice_names");
    source.execute(SCHEMA);
    let scratch = Scratch::new("names");
    let dir = scratch.path("slice");
    let jobs = [
        ImportJob::<MixedCase>::new()
            .filter(r#""select" = $1 AND "Id" < $2"#, params![1_i32, 9_i32])
            .sample(2),
        ImportJob::<OrderLine>::new(),
        ImportJob::<Order>::new(),
    ];
    let manifest = slice(&source, jobs, &dir, 4);
    assert_eq!(
        table_names(&manifest),
        ["Mixed Case", "Sales.Order Line", "order"]
    );
    assert_eq!(
        table(&manifest, "Mixed Case").columns,
        ["Id", "order", "unit price", "select", "a,b", "quote\"d"]
    );
    assert_eq!(table(&manifest, "Mixed Case").primary_key, "Id");
    assert!(dir.join("Sales.Order Line.csv").is_file());
    let header = std::fs::read_to_string(dir.join("Mixed Case.csv")).unwrap();
    assert!(
        header.starts_with("Id,order,unit price,select,\"a,b\",\"quote\"\"d\"\n"),
        "{header}"
    );

    // Expected, from the source: the two sampled rows S, their lines, the
    // orders referencing those lines or (optional key, still a reference)
    // S, then the parents those orders need.
    let mut src = source.client();
    let s: BTreeSet<i64> = [1, 5].into();
    let lines_down = ints(
        &mut src,
        r#"SELECT "line id" FROM "Sales"."Order Line" WHERE "Mixed Id" = ANY($1::int8[])"#,
        &[&int_array(&s)],
    );
    let orders = ints(
        &mut src,
        r#"SELECT id::int8 FROM "order" WHERE "from" = ANY($1) OR "group" = ANY($2::int8[])"#,
        &[&int_array(&lines_down), &int_array(&s)],
    );
    let mut lines = lines_down.clone();
    lines.extend(ints(
        &mut src,
        r#"SELECT "from" FROM "order" WHERE id = ANY($1::int8[])"#,
        &[&int_array(&orders)],
    ));
    let mut mixed = s.clone();
    mixed.extend(ints(
        &mut src,
        r#"SELECT "Mixed Id"::int8 FROM "Sales"."Order Line" WHERE "line id" = ANY($1)"#,
        &[&int_array(&lines)],
    ));
    assert!(
        lines.len() > lines_down.len(),
        "the fixture exercises the closure"
    );
    let mixed_csv = Csv::read(&dir, "Mixed Case.csv");
    assert_eq!(mixed_csv.ints("Id"), mixed);
    assert_eq!(
        Csv::read(&dir, "Sales.Order Line.csv").ints("line id"),
        lines
    );
    let orders_csv = Csv::read(&dir, "order.csv");
    assert_eq!(orders_csv.ints("id"), orders);
    // The optional "group" is kept where it points inside the slice.
    for row in &orders_csv.rows {
        let id: i64 = row[0].as_deref().unwrap().parse().unwrap();
        let group = 1 + (id * 5) % 12;
        let expected = mixed.contains(&group).then(|| group.to_string());
        assert_eq!(
            row[orders_csv.column("group")],
            expected,
            "group of order {id}"
        );
    }
    // Values with commas and quotes survive.
    let first = &mixed_csv.rows[0];
    let id = first[0].clone().unwrap();
    assert_eq!(first[4], Some(format!("x,{id}")));
    assert_eq!(first[5], Some(format!("say \"{id}\"")));

    let target = TestDb::create_from_schema_of("slice_names_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}

/// A legal table name that is no legal file name as it stands.
#[derive(Importer)]
#[table("in/out")]
struct InOut {
    id: i32,
    direction: String,
}

#[test]
fn table_name_with_a_slash_gets_a_file_of_its_own() {
    let source = TestDb::create("slice_slash");
    source.execute(
        r#"CREATE TABLE "in/out" (id int PRIMARY KEY, direction text NOT NULL);
           INSERT INTO "in/out" VALUES (1, 'in'), (2, 'out');"#,
    );
    let scratch = Scratch::new("slash");
    let dir = scratch.path("slice");
    let manifest = slice(&source, [ImportJob::<InOut>::new()], &dir, 1);
    assert_eq!(table(&manifest, "in/out").rows, 2);
    assert!(
        !scratch.path("in").exists(),
        "nothing is written outside the slice"
    );
    let target = TestDb::create_from_schema_of("slice_slash_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
}
