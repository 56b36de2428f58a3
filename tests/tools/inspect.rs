//! `dataslicer inspect` on the Django project, against a stored snapshot.
//! `DATASLICER_UPDATE_SNAPSHOTS=1 cargo test --test main tools::inspect`
//! rewrites the snapshot; review the diff before committing it.

use super::support::django_db;
use std::path::Path;

#[test]
fn inspect_prints_the_django_models_as_the_snapshot_holds_them() {
    let db = django_db("inspect_django");
    let out =
        dataslicer::tool::run_with(["dataslicer", "inspect", "--from", db.url()]).expect("inspect");
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/snapshots/inspect_django.rs");
    if std::env::var_os("DATASLICER_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .expect("the snapshot (DATASLICER_UPDATE_SNAPSHOTS=1 writes it)");
    if out != expected {
        let first = out
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(out.lines().count().min(expected.lines().count()));
        panic!(
            "inspect's output differs from {} from line {}:\n  got:      {:?}\n  expected: {:?}\n\
             (DATASLICER_UPDATE_SNAPSHOTS=1 rewrites the snapshot)",
            path.display(),
            first + 1,
            out.lines().nth(first),
            expected.lines().nth(first)
        );
    }
    for expected in [
        "#[content_type(\"admin\", \"logentry\")]",
        "pub struct LogEntry",
        "#[generic(content_type = \"content_type_id\")]",
        "#[fake(email, consistent)]",
        "#[fk(super::auth::User)]",
        "Multi-table inheritance",
    ] {
        assert!(out.contains(expected), "{expected}");
    }
}

#[test]
fn inspect_declares_to_field_keys_and_leaves_out_what_a_model_cannot_mirror() {
    let db = dataslicer_dev::TestDb::create("inspect_keys");
    db.execute(
        "CREATE TABLE shop_currency (id serial PRIMARY KEY, code varchar(3) NOT NULL UNIQUE,
                                     day date NOT NULL UNIQUE, alias text UNIQUE);
         CREATE TABLE shop_price (id bigserial PRIMARY KEY,
             currency_code varchar(3) NOT NULL REFERENCES shop_currency (code),
             on_day date REFERENCES shop_currency (day),
             alias text REFERENCES shop_currency (alias),
             parent_id bigint REFERENCES shop_price,
             total numeric GENERATED ALWAYS AS (id * 2) STORED);
         CREATE TABLE logs (id int PRIMARY KEY, note text);",
    );
    let out =
        dataslicer::tool::run_with(["dataslicer", "inspect", "--from", db.url()]).expect("inspect");
    for expected in [
        "#[fk(Currency, key = \"code\")]\n        pub currency_code: String,",
        "#[fk(Currency, key = \"day\")]\n        pub on_day: Option<String>,",
        "pub day: String,",
        "#[fk(Price)]\n        pub parent_id: Option<i64>,",
        "pub mod logs {",
    ] {
        assert!(out.contains(expected), "{expected:?} in:\n{out}");
    }
    assert!(
        !out.contains("key = \"alias\""),
        "a nullable target column:\n{out}"
    );
    assert!(!out.contains("pub total"), "a generated column:\n{out}");
    let excluded = dataslicer::tool::run_with([
        "dataslicer",
        "inspect",
        "--from",
        db.url(),
        "--tables",
        "shop_*",
        "--exclude",
        "*_currency",
    ])
    .expect("inspect");
    assert!(
        !excluded.contains("Currency") && excluded.contains("pub struct Price"),
        "{excluded}"
    );
    assert!(!excluded.contains("pub mod logs"), "{excluded}");
}
