//! An exporter's `check --from URL`: every problem of every table in one run.

use dataslicer::Error;
use dataslicer::cli::App;
use dataslicer::prelude::*;
use dataslicer_dev::TestDb;

#[derive(Importer)]
#[table("django_site")]
struct Site {
    id: i32,
    domain: String,
}

#[derive(Importer)]
#[table("accounts_customer")]
struct Customer {
    id: i64,
    #[fk(Site)]
    site_id: i32,
    email: String,
    visits: i32,
    /// No constraint in the database: a virtual key.
    #[fk(Customer)]
    referred_by_id: Option<i64>,
}

const SCHEMA: &str = "CREATE TABLE django_site (id int PRIMARY KEY, domain varchar(100) NOT NULL);
     CREATE TABLE accounts_customer (id bigint PRIMARY KEY, site_id int NOT NULL REFERENCES django_site,
                                     email varchar(254) NOT NULL, visits int NOT NULL,
                                     referred_by_id bigint);";

fn check(db: &TestDb) -> Result<String, Error> {
    let jobs = vec![ImportJob::<Customer>::new().sample(10)];
    App::new("shop-exporter", jobs).run_with(["shop-exporter", "check", "--from", db.url()])
}

#[test]
fn check_passes_on_the_schema_the_models_mirror_and_notes_virtual_keys() {
    let db = TestDb::create("check_ok");
    db.execute(SCHEMA);
    let out = check(&db).expect("no problems");
    assert!(out.contains("ok: 2 models match"), "{out}");
    assert!(
        out.contains("note: table accounts_customer: column referred_by_id -> accounts_customer.id has no constraint"),
        "{out}"
    );
    assert!(!out.contains("password"), "{out}");
}

#[test]
fn check_names_a_dropped_column_a_changed_type_an_undeclared_key_and_an_unmodelled_child_in_one_run()
 {
    let db = TestDb::create("check_drift");
    db.execute(SCHEMA);
    db.execute(
        "ALTER TABLE django_site DROP COLUMN domain;
         ALTER TABLE accounts_customer ALTER COLUMN visits TYPE numeric;
         ALTER TABLE accounts_customer ADD COLUMN nickname text NOT NULL;
         ALTER TABLE accounts_customer ADD FOREIGN KEY (referred_by_id) REFERENCES accounts_customer;
         ALTER TABLE accounts_customer ADD COLUMN home_site_id int REFERENCES django_site;
         CREATE TABLE orders_order (id bigint PRIMARY KEY, customer_id bigint REFERENCES accounts_customer);",
    );
    let Err(Error::Problems(out)) = check(&db) else {
        panic!("check must fail with its report");
    };
    for expected in [
        "table django_site: column domain (field `domain`) does not exist",
        "table accounts_customer: column visits is numeric in the database, but field `visits` is `i32`",
        "table accounts_customer: column nickname is NOT NULL without a default",
        "table accounts_customer: column home_site_id references django_site.id",
        "table orders_order: no model mirrors this table, but its column customer_id references accounts_customer",
        "5 problems in 2 models",
    ] {
        assert!(out.contains(expected), "{expected:?} in:\n{out}");
    }
    assert!(
        !out.contains("virtual"),
        "the key has a constraint now:\n{out}"
    );
}
