//! Loading tables whose names need quoting: a schema-qualified table with a
//! space, a quote and mixed case in its names, a serial key and a NOT
//! DEFERRABLE self-reference (so the load stages it and updates it after).

use super::support::*;
use dataslicer::IfExists;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;

const NAMES: &str = r#"
    CREATE SCHEMA "Sales Dept";
    CREATE TABLE "Sales Dept"."Order Line" (
        "Line Id" serial PRIMARY KEY,
        "parent ""line""" int REFERENCES "Sales Dept"."Order Line" ("Line Id"),
        "Qty, each" int NOT NULL,
        "select" text
    );
    INSERT INTO "Sales Dept"."Order Line" ("Qty, each", "select") VALUES (1, 'a'), (2, NULL), (3, '');
    UPDATE "Sales Dept"."Order Line" SET "parent ""line""" = 3 WHERE "Line Id" < 3;
"#;

#[derive(Importer)]
#[table("Sales Dept.Order Line")]
struct OrderLine {
    #[pk]
    #[column("Line Id")]
    line_id: i32,
    #[fk(OrderLine)]
    #[column("parent \"line\"")]
    parent_line: Option<i32>,
    #[column("Qty, each")]
    qty: i32,
    #[column("select")]
    select: Option<String>,
}

const TABLE: &str = r#""Sales Dept"."Order Line""#;

#[test]
fn quoted_names_load_through_every_mode_and_pair() {
    let source = TestDb::create("transfer_names");
    source.execute(NAMES);
    let scratch = Scratch::new("names");
    let dir = scratch.path("slice");
    let jobs = || vec![ImportJob::<OrderLine>::new()];
    ok(pg_to_dir(&source, &jobs(), &dir, 1), "export");
    let query = format!("SELECT t::text FROM {TABLE} AS t");
    let insert = format!(r#"INSERT INTO {TABLE} ("Qty, each") VALUES (9) RETURNING "Line Id""#);

    let target = TestDb::create_from_schema_of("transfer_names_target", &source);
    ok(load(&dir, &target, IfExists::Fail), "load");
    assert_same_rows(&source, &target, &query);
    ok(
        load(&dir, &target, IfExists::Truncate),
        "load with truncate",
    );
    assert_same_rows(&source, &target, &query);
    ok(load(&dir, &target, IfExists::Merge), "load with merge");
    assert_same_rows(&source, &target, &query);
    assert_eq!(target.query_scalar_i64(&insert), 4, "the serial continues");

    let direct = TestDb::create_from_schema_of("transfer_names_pg", &source);
    ok(
        pg_to_pg(&source, &direct, &jobs(), IfExists::Fail, 1),
        "postgres -> postgres",
    );
    assert_same_rows(&source, &direct, &query);
    assert_eq!(direct.query_scalar_i64(&insert), 4, "the serial continues");
}
