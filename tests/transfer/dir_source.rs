//! A slice directory as a source: sampling, the foreign-key walk and fakes
//! work as on PostgreSQL; the manifest is checked before anything is
//! written, and every mismatch names the table (and the column).

use super::support::*;
use dataslicer::prelude::*;
use dataslicer::{Error, IfExists};
use dataslicer_dev::TestDb;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn directory_source_samples_walks_foreign_keys_and_fakes_like_postgres() {
    let source = shop_db("transfer_dir_source", 1_000);
    let scratch = Scratch::new("dir-source");
    let big = scratch.path("big");
    ok(pg_to_dir(&source, &shop_jobs(300), &big, 42), "export");

    let small = scratch.path("small");
    let manifest = ok(dir_to_dir(&big, &small, &shop_jobs(60), 5), "re-slice");
    assert_complete(&small);
    assert_resliced(&ShopRows::from_dir(&big), &ShopRows::from_dir(&small), 60);

    // Downward from the orders: exactly the items and favourites of the
    // slice's orders and sampled customers, as the big slice has them.
    let orders = Csv::read(&small, "orders_order").set("id");
    let big_items = Csv::read(&big, "orders_orderitem");
    let expected: BTreeSet<String> = big_items
        .rows
        .iter()
        .filter(|r| orders.contains(&r[big_items.column("order_id")]))
        .map(|r| r[big_items.column("id")].clone())
        .collect();
    assert_eq!(Csv::read(&small, "orders_orderitem").set("id"), expected);
    let customers = Csv::read(&small, "accounts_customer").set("id");
    let big_favs = Csv::read(&big, "accounts_customer_favorite_products");
    let expected: BTreeSet<String> = big_favs
        .rows
        .iter()
        .filter(|r| customers.contains(&r[big_favs.column("customer_id")]))
        .map(|r| r[big_favs.column("id")].clone())
        .collect();
    assert_eq!(
        Csv::read(&small, "accounts_customer_favorite_products").set("id"),
        expected
    );
    // The catalogue is exported whole, as from PostgreSQL.
    assert_eq!(
        std::fs::read(small.join("products_product.csv")).expect("read"),
        std::fs::read(big.join("products_product.csv")).expect("read")
    );

    // The same seed from the same slice gives the same bytes.
    let again = scratch.path("again");
    let manifest_again = ok(dir_to_dir(&big, &again, &shop_jobs(60), 5), "re-slice");
    for (a, b) in manifest.tables.iter().zip(&manifest_again.tables) {
        assert_eq!(a.sha256, b.sha256, "{} with the same seed", a.table);
    }

    // Fakes: a new seed gives new values that fit the columns; the faked
    // NOT NULL columns of the big slice are never read.
    let big_customers = Csv::read(&big, "accounts_customer");
    let small_customers = Csv::read(&small, "accounts_customer");
    let big_email = big_customers.by("id", "email");
    let big_phone = big_customers.by("id", "phone");
    let mut new_emails = 0;
    for (id, (email, phone)) in small_customers.values("id").iter().zip(
        small_customers
            .values("email")
            .into_iter()
            .zip(small_customers.values("phone")),
    ) {
        if big_email[id] != email {
            new_emails += 1;
        }
        assert!(email.contains('@') && email.len() <= 254, "{email}");
        assert!(phone.chars().count() <= 20, "{phone}");
        assert_eq!(
            big_phone[id].is_empty(),
            phone.is_empty(),
            "a NULL phone stays NULL, a phone stays a phone"
        );
    }
    assert!(new_emails * 10 >= customers.len() * 9, "{new_emails}");
    let emails = small_customers.values("email");
    assert_eq!(
        emails.iter().collect::<BTreeSet<_>>().len(),
        emails.len(),
        "unique fakes stay unique"
    );
}

/// A slice of the shop in `dir`, a target with the shop's schema holding
/// some rows of its own, and the target's snapshot.
fn damaged_setup(
    name: &str,
    dir: &Path,
) -> (TestDb, TestDb, std::collections::BTreeMap<String, String>) {
    let source = shop_db(&format!("transfer_{name}"), 300);
    ok(pg_to_dir(&source, &shop_jobs(40), dir, 3), "export");
    let target = TestDb::create_from_schema_of(&format!("transfer_{name}_target"), &source);
    target.execute(
        "INSERT INTO django_site (domain, name) VALUES ('before.example', 'Before'); \
         CREATE TABLE unrelated (id serial PRIMARY KEY, note text); \
         INSERT INTO unrelated (note) VALUES ('untouched');",
    );
    let before = snapshot(&target);
    (source, target, before)
}

/// Every way to read `dir` fails with a message containing each of
/// `expected`, and nothing is written anywhere: no directory, no row.
fn assert_refused_everywhere(
    scratch: &Scratch,
    dir: &Path,
    target: &TestDb,
    before: &std::collections::BTreeMap<String, String>,
    expected: &[&str],
) {
    let entries = scratch.entries();
    let check = |error: Error, how: &str| {
        let message = error.to_string();
        for part in expected {
            assert!(message.contains(part), "{how}: {part:?} not in {message}");
        }
    };
    let dest = scratch.path("resliced");
    check(
        err(dir_to_dir(dir, &dest, &shop_jobs(10), 1), "re-slice"),
        "directory -> directory",
    );
    assert_eq!(
        scratch.entries(),
        entries,
        "nothing written beside the slice"
    );
    check(
        err(
            dir_to_pg(dir, target, &shop_jobs(10), IfExists::Merge, 1),
            "slice into postgres",
        ),
        "directory -> postgres (slice)",
    );
    check(
        err(load(dir, target, IfExists::Merge), "load"),
        "directory -> postgres (load)",
    );
    check(
        err(
            cli(
                shop_models::jobs(),
                &[
                    "load",
                    "--from",
                    arg(dir),
                    "--to",
                    target.url(),
                    "--if-exists",
                    "merge",
                ],
            ),
            "shop load",
        ),
        "shop load",
    );
    check(
        err(
            cli(
                shop_models::jobs(),
                &[
                    "slice",
                    "--from",
                    arg(dir),
                    "--to",
                    arg(&dest),
                    "--no-progress",
                ],
            ),
            "shop slice",
        ),
        "shop slice",
    );
    assert_eq!(
        scratch.entries(),
        entries,
        "nothing written beside the slice"
    );
    assert_unchanged(before, &snapshot(target));
}

#[test]
fn directory_with_an_edited_byte_is_refused_naming_the_table() {
    let scratch = Scratch::new("edited-byte");
    let dir = scratch.path("slice");
    let (_source, target, before) = damaged_setup("edited_byte", &dir);
    // One byte of a value, far from the header: the row count is the same.
    let path = dir.join("orders_order.csv");
    let mut bytes = std::fs::read(&path).expect("read");
    let at = bytes.len() - 10;
    bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
    std::fs::write(&path, bytes).expect("write");
    assert_refused_everywhere(
        &scratch,
        &dir,
        &target,
        &before,
        &["orders_order", "SHA-256"],
    );
}

#[test]
fn directory_with_a_deleted_file_is_refused_naming_the_table() {
    let scratch = Scratch::new("deleted-file");
    let dir = scratch.path("slice");
    let (_source, target, before) = damaged_setup("deleted_file", &dir);
    std::fs::remove_file(dir.join("orders_orderitem.csv")).expect("delete");
    assert_refused_everywhere(
        &scratch,
        &dir,
        &target,
        &before,
        &["orders_orderitem", "missing"],
    );
}

#[test]
fn directory_of_another_format_version_is_refused() {
    let scratch = Scratch::new("format-version");
    let dir = scratch.path("slice");
    let (_source, target, before) = damaged_setup("format_version", &dir);
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("parse");
    manifest["format_version"] = serde_json::json!(2);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).expect("json")).expect("write");
    assert_refused_everywhere(&scratch, &dir, &target, &before, &["format version 2"]);
}

/// The shop's customers without their phone numbers.
#[derive(Importer)]
#[table("accounts_customer")]
struct CustomerWithoutPhone {
    id: i64,
    #[fk(shop_models::Site)]
    site_id: i32,
    #[fake(first_name)]
    first_name: String,
    #[fake(last_name)]
    last_name: String,
    #[fake(email, unique)]
    email: String,
    date_joined: chrono::DateTime<chrono::Utc>,
    is_active: bool,
    #[fk(CustomerWithoutPhone)]
    referred_by_id: Option<i64>,
}

#[test]
fn model_column_missing_from_the_slice_is_refused_naming_table_and_column() {
    let source = shop_db("transfer_missing_column", 300);
    let scratch = Scratch::new("missing-column");
    let dir = scratch.path("slice");
    ok(
        pg_to_dir(
            &source,
            &[ImportJob::<CustomerWithoutPhone>::new().sample(20)],
            &dir,
            3,
        ),
        "export without phones",
    );
    let entries = scratch.entries();
    let jobs = || vec![ImportJob::<shop_models::Customer>::new().sample(5)];
    let check = |error: Error| {
        let message = error.to_string();
        assert!(
            message.contains("accounts_customer") && message.contains("phone"),
            "{message}"
        );
    };
    check(err(
        dir_to_dir(&dir, &scratch.path("resliced"), &jobs(), 1),
        "re-slice with phones",
    ));
    check(err(
        cli(
            jobs(),
            &[
                "slice",
                "--from",
                arg(&dir),
                "--to",
                arg(&scratch.path("resliced")),
                "--no-progress",
            ],
        ),
        "shop slice with phones",
    ));
    assert_eq!(scratch.entries(), entries, "nothing written");

    let target = TestDb::create_from_schema_of("transfer_missing_column_target", &source);
    let before = snapshot(&target);
    check(err(
        dir_to_pg(&dir, &target, &jobs(), IfExists::Fail, 1),
        "slice into postgres with phones",
    ));
    assert_unchanged(&before, &snapshot(&target));
}

/// The shop's customers with an optional referrer and without phones.
#[derive(Importer)]
#[table("accounts_customer")]
struct CustomerOptionalReferrer {
    id: i64,
    #[fk(shop_models::Site)]
    site_id: i32,
    #[fake(first_name)]
    first_name: String,
    #[fake(last_name)]
    last_name: String,
    #[fake(email, unique)]
    email: String,
    date_joined: chrono::DateTime<chrono::Utc>,
    is_active: bool,
    #[fk(CustomerOptionalReferrer, optional)]
    referred_by_id: Option<i64>,
}

/// The shop's orders, of those customers.
#[derive(Importer)]
#[table("orders_order")]
struct OrderOfOptional {
    id: i64,
    #[fk(CustomerOptionalReferrer)]
    customer_id: i64,
    created_at: String,
    status: String,
    total: String,
    shipping_address: String,
    notes: Option<String>,
}

/// Asserts the optional key's rule: a referrer in the slice is kept, one
/// outside it is written as NULL.
fn assert_referrers_kept_or_nulled(
    dir: &std::path::Path,
    full: &std::collections::BTreeMap<String, String>,
) {
    let customers = Csv::read(dir, "accounts_customer");
    assert!(!customers.header.iter().any(|c| c == "phone"));
    let ids = customers.set("id");
    let mut kept = 0;
    let mut nulled = 0;
    for (id, referrer) in customers.by("id", "referred_by_id") {
        let original = &full[&id];
        if original.is_empty() {
            assert!(referrer.is_empty());
        } else if ids.contains(original) {
            assert_eq!(
                &referrer, original,
                "customer {id}: its referrer is in the slice"
            );
            kept += 1;
        } else {
            assert!(
                referrer.is_empty(),
                "customer {id}: its referrer is not in the slice"
            );
            nulled += 1;
        }
    }
    assert!(nulled > 0, "some referrers are left out ({kept} kept)");
}

#[test]
fn optional_foreign_keys_are_nulled_from_a_directory_as_from_postgres() {
    let source = shop_db("transfer_optional", 1_000);
    let jobs = |n: u64| {
        vec![
            ImportJob::<CustomerOptionalReferrer>::new().sample(n),
            ImportJob::<OrderOfOptional>::new(),
        ]
    };
    let full: std::collections::BTreeMap<String, String> = source
        .client()
        .query(
            "SELECT id::text, coalesce(referred_by_id::text, '') FROM accounts_customer",
            &[],
        )
        .expect("read customers")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let scratch = Scratch::new("optional");
    let from_pg = scratch.path("from-pg");
    ok(pg_to_dir(&source, &jobs(400), &from_pg, 42), "export");
    assert_eq!(Csv::read(&from_pg, "accounts_customer").rows.len(), 400);
    assert_referrers_kept_or_nulled(&from_pg, &full);
    assert_complete(&from_pg);

    let from_dir = scratch.path("from-dir");
    ok(dir_to_dir(&from_pg, &from_dir, &jobs(100), 7), "re-slice");
    assert_eq!(Csv::read(&from_dir, "accounts_customer").rows.len(), 100);
    assert_referrers_kept_or_nulled(&from_dir, &full);
    assert_complete(&from_dir);

    let target = TestDb::create_from_schema_of("transfer_optional_target", &source);
    let manifest = ok(
        dir_to_pg(&from_pg, &target, &jobs(100), IfExists::Fail, 7),
        "directory -> postgres",
    );
    assert_counts(&target, &manifest);
    assert_eq!(
        target.query_scalar_i64(
            "SELECT count(*) FROM accounts_customer c WHERE referred_by_id IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM accounts_customer r WHERE r.id = c.referred_by_id)"
        ),
        0
    );
}

#[derive(Importer)]
#[table("country")]
struct Country {
    #[pk]
    code: String,
    name: String,
}

#[derive(Importer)]
#[table("city")]
struct City {
    id: uuid::Uuid,
    #[fk(Country)]
    country_code: String,
    #[fake(city)]
    name: String,
}

#[derive(Importer)]
#[table("street")]
struct Street {
    id: i32,
    #[fk(City)]
    city_id: uuid::Uuid,
}

#[test]
fn text_and_uuid_keys_sample_and_walk_from_a_directory() {
    let source = TestDb::create("transfer_text_keys");
    source.execute(
        "CREATE TABLE country (code text PRIMARY KEY, name text NOT NULL); \
         CREATE TABLE city (id uuid PRIMARY KEY, country_code text NOT NULL REFERENCES country, \
                            name text NOT NULL); \
         CREATE TABLE street (id int PRIMARY KEY, city_id uuid NOT NULL REFERENCES city); \
         INSERT INTO country SELECT 'C, \"' || g, 'Country ' || g FROM generate_series(1, 20) g; \
         INSERT INTO city SELECT md5('city' || g)::uuid, 'C, \"' || (1 + g % 20), 'City ' || g \
             FROM generate_series(1, 200) g; \
         INSERT INTO street SELECT g, md5('city' || (1 + g % 200))::uuid FROM generate_series(1, 1000) g;",
    );
    let jobs = |n: u64| {
        vec![
            ImportJob::<Country>::new().sample(n),
            ImportJob::<City>::new(),
            ImportJob::<Street>::new(),
        ]
    };
    let scratch = Scratch::new("text-keys");
    let big = scratch.path("big");
    let small = scratch.path("small");
    ok(pg_to_dir(&source, &jobs(10), &big, 1), "export");
    ok(dir_to_dir(&big, &small, &jobs(4), 2), "re-slice");
    assert_complete(&small);
    let countries = Csv::read(&small, "country").set("code");
    assert_eq!(countries.len(), 4);
    assert!(countries.is_subset(&Csv::read(&big, "country").set("code")));
    let big_cities = Csv::read(&big, "city");
    let expected: BTreeSet<String> = big_cities
        .rows
        .iter()
        .filter(|r| countries.contains(&r[big_cities.column("country_code")]))
        .map(|r| r[big_cities.column("id")].clone())
        .collect();
    let cities = Csv::read(&small, "city").set("id");
    assert_eq!(cities, expected);
    let big_streets = Csv::read(&big, "street");
    let expected: BTreeSet<String> = big_streets
        .rows
        .iter()
        .filter(|r| cities.contains(&r[big_streets.column("city_id")]))
        .map(|r| r[big_streets.column("id")].clone())
        .collect();
    assert_eq!(Csv::read(&small, "street").set("id"), expected);

    let target = TestDb::create_from_schema_of("transfer_text_keys_target", &source);
    let manifest = ok(load(&small, &target, IfExists::Fail), "load");
    assert_counts(&target, &manifest);
}
