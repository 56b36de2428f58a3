//! Loading into PostgreSQL: one transaction of COPYs, so that any error
//! leaves the target exactly as it was; `--if-exists fail|truncate|merge`;
//! a target schema that lacks a table or a column is refused first.

use super::support::*;
use dataslicer::prelude::*;
use dataslicer::{Error, IfExists};
use dataslicer_dev::{TestDb, shop};
use std::collections::{BTreeMap, BTreeSet};

/// Every table's rows of a database as id -> the row as text.
fn rows_by_id(db: &TestDb, table: &str) -> BTreeMap<String, String> {
    db.client()
        .query(
            &format!("SELECT t.id::text, t::text FROM {} AS t", quoted(table)),
            &[],
        )
        .expect("read rows")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn corrupt_value_in_the_last_table_rolls_back_everything_and_names_table_line_column() {
    let source = shop_db("transfer_corrupt", 400);
    let scratch = Scratch::new("corrupt");
    let earlier = scratch.path("earlier");
    ok(pg_to_dir(&source, &shop_jobs(60), &earlier, 1), "export");
    let dir = scratch.path("slice");
    let manifest = ok(pg_to_dir(&source, &shop_jobs(80), &dir, 2), "export");
    let last = manifest.tables.last().expect("tables").clone();
    let column = last.columns.len() - 1;
    let column_name = last.columns[column].clone();
    edit_table_file(&dir, &last.table, |text| {
        replace_field(text, 3, column, "three")
    });

    for if_exists in [IfExists::Fail, IfExists::Truncate, IfExists::Merge] {
        let target = TestDb::create_from_schema_of("transfer_corrupt_target", &source);
        if if_exists == IfExists::Fail {
            // Nothing of the slice's tables, but sequences moved and rows
            // elsewhere.
            target.execute(
                "SELECT nextval('django_site_id_seq'); SELECT nextval('orders_order_id_seq'); \
                 CREATE TABLE unrelated (id serial PRIMARY KEY, note text); \
                 INSERT INTO unrelated (note) VALUES ('untouched');",
            );
        } else {
            ok(
                load(&earlier, &target, IfExists::Fail),
                "load an earlier slice",
            );
        }
        let before = snapshot(&target);
        let error = err(load(&dir, &target, if_exists), "load of a corrupt slice");
        match &error {
            Error::Row {
                table,
                line,
                column,
                ..
            } => {
                assert_eq!(table, &last.table, "{if_exists:?}: {error}");
                assert_eq!(*line, 4, "{if_exists:?}: the 3rd record is line 4: {error}");
                assert_eq!(column, &column_name, "{if_exists:?}: {error}");
            }
            other => panic!("{if_exists:?}: expected a row error, got {other:?}"),
        }
        assert!(error.to_string().contains("three"), "{error}");
        assert_unchanged(&before, &snapshot(&target));
    }
}

#[test]
fn duplicate_key_fails_the_load_and_leaves_the_target_as_it_was() {
    let source = shop_db("transfer_duplicate", 300);
    let scratch = Scratch::new("duplicate");
    let dir = scratch.path("slice");
    ok(pg_to_dir(&source, &shop_jobs(40), &dir, 2), "export");
    edit_table_file(&dir, "orders_order", |text| {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut out: Vec<&str> = lines[..3].to_vec();
        out.push(lines[2]);
        out.extend_from_slice(&lines[3..]);
        out.concat()
    });
    let target = TestDb::create_from_schema_of("transfer_duplicate_target", &source);
    target.execute(
        "SELECT nextval('accounts_customer_id_seq'); \
         CREATE TABLE unrelated (id serial PRIMARY KEY, note text); \
         INSERT INTO unrelated (note) VALUES ('untouched');",
    );
    let before = snapshot(&target);
    let error = err(
        load(&dir, &target, IfExists::Fail),
        "load with a duplicate key",
    );
    let message = error.to_string();
    assert!(
        message.contains("orders_order") && message.contains("duplicate key"),
        "{message}"
    );
    assert_unchanged(&before, &snapshot(&target));

    // The same through `slice` from the directory into PostgreSQL.
    let error = err(
        dir_to_pg(&dir, &target, &shop_jobs(40), IfExists::Fail, 2),
        "slice with a duplicate key",
    );
    assert!(error.to_string().contains("duplicate key"), "{error}");
    assert_unchanged(&before, &snapshot(&target));
}

#[test]
fn if_exists_fail_refuses_naming_the_non_empty_table() {
    let source = shop_db("transfer_fail", 300);
    let scratch = Scratch::new("fail");
    let dir = scratch.path("slice");
    let manifest = ok(pg_to_dir(&source, &shop_jobs(40), &dir, 2), "export");
    let target = TestDb::create_from_schema_of("transfer_fail_target", &source);
    target.execute("INSERT INTO products_category (id, name) VALUES (999, 'mine')");
    assert_ne!(manifest.tables[0].table, "products_category");
    let before = snapshot(&target);
    for (how, result) in [
        ("load", load(&dir, &target, IfExists::Fail).map(drop)),
        (
            "slice from the directory",
            dir_to_pg(&dir, &target, &shop_jobs(10), IfExists::Fail, 1).map(drop),
        ),
        (
            "slice from postgres",
            pg_to_pg(&source, &target, &shop_jobs(10), IfExists::Fail, 1).map(drop),
        ),
        (
            "shop load",
            cli(
                shop_models::jobs(),
                &["load", "--from", arg(&dir), "--to", target.url()],
            )
            .map(drop),
        ),
    ] {
        let error = err(result, how);
        match &error {
            Error::Schema { table, message } => {
                assert_eq!(table, "products_category", "{how}: {error}");
                assert!(message.contains("already has rows"), "{how}: {error}");
            }
            other => panic!("{how}: expected a schema error, got {other:?}"),
        }
        assert_unchanged(&before, &snapshot(&target));
    }
}

#[test]
fn if_exists_truncate_replaces_the_slice_tables_and_nothing_else() {
    let source = shop_db("transfer_truncate", 400);
    let scratch = Scratch::new("truncate");
    let first = scratch.path("first");
    let second = scratch.path("second");
    ok(pg_to_dir(&source, &shop_jobs(80), &first, 1), "export");
    let manifest = ok(pg_to_dir(&source, &shop_jobs(50), &second, 2), "export");

    let target = TestDb::create_from_schema_of("transfer_truncate_target", &source);
    target.execute(
        "CREATE TABLE unrelated (id serial PRIMARY KEY, note text); \
         INSERT INTO unrelated (note) VALUES ('untouched');",
    );
    ok(load(&first, &target, IfExists::Fail), "first load");
    ok(
        load(&second, &target, IfExists::Truncate),
        "load with truncate",
    );
    assert_counts(&target, &manifest);
    let fresh = TestDb::create_from_schema_of("transfer_truncate_fresh", &source);
    ok(
        load(&second, &fresh, IfExists::Fail),
        "load into an empty copy",
    );
    assert_same_tables(&target, &fresh, &shop::TABLES);
    assert_eq!(
        target.query_scalar_i64("SELECT count(*) FROM unrelated WHERE note = 'untouched'"),
        1
    );

    // PostgreSQL -> PostgreSQL and directory -> PostgreSQL truncate too.
    ok(
        pg_to_pg(&source, &target, &shop_jobs(80), IfExists::Truncate, 1),
        "slice from postgres with truncate",
    );
    let first_fresh = TestDb::create_from_schema_of("transfer_truncate_first", &source);
    ok(load(&first, &first_fresh, IfExists::Fail), "load");
    assert_same_tables(&target, &first_fresh, &shop::TABLES);
    let resliced = ok(
        dir_to_pg(&second, &target, &shop_jobs(20), IfExists::Truncate, 2),
        "slice from the directory with truncate",
    );
    assert_counts(&target, &resliced);
}

#[test]
fn if_exists_merge_adds_an_overlapping_slice_without_duplicates_and_keeps_the_targets_rows() {
    let source = shop_db("transfer_merge", 400);
    let scratch = Scratch::new("merge");
    let first = scratch.path("first");
    let second = scratch.path("second");
    ok(pg_to_dir(&source, &shop_jobs(150), &first, 1), "export");
    ok(pg_to_dir(&source, &shop_jobs(150), &second, 2), "export");
    let a = TestDb::create_from_schema_of("transfer_merge_a", &source);
    let b = TestDb::create_from_schema_of("transfer_merge_b", &source);
    ok(load(&first, &a, IfExists::Fail), "load the first slice");
    ok(load(&second, &b, IfExists::Fail), "load the second slice");

    let merged = TestDb::create_from_schema_of("transfer_merge_target", &source);
    ok(
        load(&first, &merged, IfExists::Fail),
        "load the first slice",
    );
    merged.execute("INSERT INTO products_category (id, name) VALUES (9999, 'only in the target')");
    ok(
        load(&second, &merged, IfExists::Merge),
        "merge the second slice",
    );
    check_merged(&a, &b, &merged);

    // The same through `slice`, from PostgreSQL and from a directory.
    let merged = TestDb::create_from_schema_of("transfer_merge_pg", &source);
    ok(
        load(&first, &merged, IfExists::Fail),
        "load the first slice",
    );
    merged.execute("INSERT INTO products_category (id, name) VALUES (9999, 'only in the target')");
    ok(
        pg_to_pg(&source, &merged, &shop_jobs(150), IfExists::Merge, 2),
        "merge from postgres",
    );
    check_merged(&a, &b, &merged);
    let merged = TestDb::create_from_schema_of("transfer_merge_dir", &source);
    ok(
        load(&first, &merged, IfExists::Fail),
        "load the first slice",
    );
    merged.execute("INSERT INTO products_category (id, name) VALUES (9999, 'only in the target')");
    ok(
        cli(
            shop_models::jobs(),
            &[
                "load",
                "--from",
                arg(&second),
                "--to",
                merged.url(),
                "--if-exists",
                "merge",
            ],
        ),
        "shop load --if-exists merge",
    );
    check_merged(&a, &b, &merged);
}

/// `merged` holds every row of `a` as it is, every row of `b` whose key is
/// not in `a`, and the target's own category 9999: nothing twice.
fn check_merged(a: &TestDb, b: &TestDb, merged: &TestDb) {
    let mut overlap = 0;
    for table in shop::TABLES {
        let a_rows = rows_by_id(a, table);
        let b_rows = rows_by_id(b, table);
        let mut expected = a_rows.clone();
        for (id, row) in &b_rows {
            if a_rows.contains_key(id) {
                overlap += 1;
            } else {
                expected.insert(id.clone(), row.clone());
            }
        }
        let mut got = rows_by_id(merged, table);
        if table == "products_category" {
            assert!(got.remove("9999").is_some(), "the target's own row stays");
        }
        let missing: BTreeSet<&String> =
            expected.keys().filter(|k| !got.contains_key(*k)).collect();
        let extra: BTreeSet<&String> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{table} in {}: missing {missing:?}, unexpected {extra:?}",
            merged.name()
        );
        let differ: Vec<(&String, &String)> =
            expected.iter().filter(|(k, v)| got[*k] != **v).collect();
        assert!(differ.is_empty(), "{table}: rows differ: {differ:?}");
    }
    assert!(overlap > 0, "the slices overlap");
}

#[test]
fn missing_target_table_is_refused_before_loading_starts() {
    let source = shop_db("transfer_missing_table", 300);
    let scratch = Scratch::new("missing-table");
    let dir = scratch.path("slice");
    let manifest = ok(pg_to_dir(&source, &shop_jobs(40), &dir, 2), "export");
    // A bad value in the first table: the schema check must come first.
    let first = manifest.tables[0].clone();
    let id = first.columns.iter().position(|c| c == "id").expect("id");
    edit_table_file(&dir, &first.table, |text| replace_field(text, 1, id, "x"));

    let target = TestDb::create_from_schema_of("transfer_missing_table_target", &source);
    target.execute("DROP TABLE orders_orderitem");
    let before = snapshot(&target);
    let check = |error: Error, how: &str| match &error {
        Error::Schema { table, message } => {
            assert_eq!(table, "orders_orderitem", "{how}: {error}");
            assert!(message.contains("does not exist"), "{how}: {error}");
        }
        other => panic!("{how}: expected a schema error, got {other:?}"),
    };
    check(err(load(&dir, &target, IfExists::Truncate), "load"), "load");
    check(
        err(
            pg_to_pg(&source, &target, &shop_jobs(10), IfExists::Truncate, 1),
            "slice from postgres",
        ),
        "postgres -> postgres",
    );
    assert_unchanged(&before, &snapshot(&target));
}

#[test]
fn missing_target_column_is_refused_naming_table_and_column() {
    let source = shop_db("transfer_missing_target_column", 300);
    let scratch = Scratch::new("missing-target-column");
    let dir = scratch.path("slice");
    ok(pg_to_dir(&source, &shop_jobs(40), &dir, 2), "export");
    let target = TestDb::create_from_schema_of("transfer_missing_target_column_t", &source);
    target.execute("ALTER TABLE orders_order DROP COLUMN notes");
    let before = snapshot(&target);
    let check = |error: Error, how: &str| match &error {
        Error::Schema { table, message } => {
            assert_eq!(table, "orders_order", "{how}: {error}");
            assert!(message.contains("notes"), "{how}: {error}");
        }
        other => panic!("{how}: expected a schema error, got {other:?}"),
    };
    check(err(load(&dir, &target, IfExists::Fail), "load"), "load");
    check(
        err(
            dir_to_pg(&dir, &target, &shop_jobs(10), IfExists::Fail, 1),
            "slice from the directory",
        ),
        "directory -> postgres",
    );
    check(
        err(
            pg_to_pg(&source, &target, &shop_jobs(10), IfExists::Fail, 1),
            "slice from postgres",
        ),
        "postgres -> postgres",
    );
    assert_unchanged(&before, &snapshot(&target));
}

/// Notes whose text spans lines.
#[derive(Importer)]
#[table("note")]
struct Note {
    id: i32,
    body: String,
    n: i32,
}

#[test]
fn bad_value_is_reported_at_its_line_of_the_file_after_multiline_values() {
    let source = TestDb::create("transfer_lines");
    source.execute(
        "CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL, n int NOT NULL); \
         INSERT INTO note VALUES (1, E'first line\\nsecond line\\nthird line', 1), \
                                 (2, 'one line', 2), (3, E'a\\nb', 3), (4, 'last', 4);",
    );
    let scratch = Scratch::new("lines");
    let dir = scratch.path("slice");
    ok(
        pg_to_dir(&source, &[ImportJob::<Note>::new()], &dir, 1),
        "export",
    );
    // Lines: 1 header, 2-4 note 1, 5 note 2, 6-7 note 3, 8 note 4.
    edit_table_file(&dir, "note", |text| {
        text.replace("\n4,last,4\n", "\n4,last,four\n")
    });
    let text = std::fs::read_to_string(dir.join("note.csv")).expect("read");
    let line_of_bad = text
        .lines()
        .position(|l| l.contains("four"))
        .expect("the bad value")
        + 1;
    assert_eq!(line_of_bad, 8);
    let target = TestDb::create_from_schema_of("transfer_lines_target", &source);
    let error = err(load(&dir, &target, IfExists::Fail), "load of a bad value");
    match &error {
        Error::Row {
            table,
            line,
            column,
            ..
        } => {
            assert_eq!((table.as_str(), column.as_str()), ("note", "n"), "{error}");
            assert_eq!(
                *line, line_of_bad as u64,
                "the bad value is on line {line_of_bad} of note.csv: {error}"
            );
        }
        other => panic!("expected a row error, got {other:?}"),
    }
}

/// Tags with unique names.
#[derive(Importer)]
#[table("tag")]
struct Tag {
    id: i32,
    name: String,
}

#[test]
fn merge_refuses_rather_than_drops_a_new_row_that_clashes_on_another_unique_key() {
    let source = TestDb::create("transfer_merge_unique");
    source.execute(
        "CREATE TABLE tag (id int PRIMARY KEY, name text NOT NULL UNIQUE); \
         INSERT INTO tag VALUES (1, 'red'), (2, 'blue');",
    );
    let scratch = Scratch::new("merge-unique");
    let dir = scratch.path("slice");
    ok(
        pg_to_dir(&source, &[ImportJob::<Tag>::new()], &dir, 1),
        "export",
    );
    let target = TestDb::create_from_schema_of("transfer_merge_unique_target", &source);
    // Key 1 is absent from the target, but its name is taken.
    target.execute("INSERT INTO tag VALUES (100, 'red')");
    let before = snapshot(&target);
    let result = load(&dir, &target, IfExists::Merge);
    let rows = target.query_scalar_i64("SELECT count(*) FROM tag");
    let error = match result {
        Ok(manifest) => panic!(
            "merge reported {} rows of tag loaded, but tag 1 (key absent from the target) \
             was silently left out: the target has {rows} rows {:?}",
            entry(&manifest, "tag").rows,
            snapshot(&target)["public.tag"]
        ),
        Err(e) => e,
    };
    let message = error.to_string();
    assert!(message.contains("tag"), "{message}");
    assert_unchanged(&before, &snapshot(&target));
}

#[test]
fn target_constraint_violated_mid_copy_rolls_back_a_postgres_to_postgres_slice() {
    let source = shop_db("transfer_check", 2_000);
    let scratch = Scratch::new("check");
    let earlier = scratch.path("earlier");
    ok(pg_to_dir(&source, &shop_jobs(30), &earlier, 1), "export");
    let target = TestDb::create_from_schema_of("transfer_check_target", &source);
    ok(
        load(&earlier, &target, IfExists::Fail),
        "load an earlier slice",
    );
    target.execute(
        "UPDATE orders_orderitem SET quantity = 1; \
         ALTER TABLE orders_orderitem ADD CONSTRAINT small_quantity CHECK (quantity < 5);",
    );
    let before = snapshot(&target);
    for if_exists in [IfExists::Truncate, IfExists::Merge] {
        let error = err(
            pg_to_pg(&source, &target, &shop_jobs(1_500), if_exists, 2),
            "a slice the target's constraint refuses",
        );
        let message = error.to_string();
        assert!(
            message.contains("orders_orderitem") && message.contains("small_quantity"),
            "{if_exists:?}: {message}"
        );
        assert_unchanged(&before, &snapshot(&target));
    }
}

/// Slots whose positions are unique, checked at commit (Django's
/// `UniqueConstraint(deferrable=Deferrable.DEFERRED)`).
#[derive(Importer)]
#[table("slot")]
struct Slot {
    id: i32,
    position: i32,
}

#[test]
fn merge_loads_into_a_table_with_a_deferrable_unique_constraint() {
    let source = TestDb::create("transfer_merge_deferrable");
    source.execute(
        "CREATE TABLE slot (id int PRIMARY KEY, position int NOT NULL, \
                            CONSTRAINT slot_position UNIQUE (position) DEFERRABLE INITIALLY DEFERRED); \
         INSERT INTO slot VALUES (1, 10), (2, 20), (3, 30);",
    );
    let scratch = Scratch::new("merge-deferrable");
    let dir = scratch.path("slice");
    ok(
        pg_to_dir(&source, &[ImportJob::<Slot>::new()], &dir, 1),
        "export",
    );
    let target = TestDb::create_from_schema_of("transfer_merge_deferrable_t", &source);
    target.execute("INSERT INTO slot VALUES (1, 10), (9, 90)");
    ok(load(&dir, &target, IfExists::Merge), "merge");
    assert_eq!(
        snapshot(&target)["public.slot"],
        "4 rows\n(1,10)\n(2,20)\n(3,30)\n(9,90)"
    );
}
