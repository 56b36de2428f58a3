//! The demo shop, sliced with its own models: the whole story of the issue
//! on a Django-shaped database.

use super::support::*;
use dataslicer::prelude::*;
use dataslicer_dev::{TestDb, shop};
use std::collections::BTreeSet;
use std::sync::Arc;

#[path = "../../examples/shop/models.rs"]
mod shop_models;

/// A shop with `customers` customers.
fn shop_db(prefix: &str, customers: u32) -> TestDb {
    let db = TestDb::create(prefix);
    shop::create(&mut db.client(), customers).expect("create the shop");
    db
}

/// The shop's jobs, with `sample` customers.
fn shop_jobs(sample: u64) -> Arc<[ImportJob]> {
    let mut jobs = shop_models::jobs();
    jobs[0].set_sample(Some(sample));
    jobs.into()
}

/// The customers whose orders are in the slice: the sampled ones (every
/// shop customer has orders).
fn sampled_customers(dir: &std::path::Path) -> BTreeSet<i64> {
    Csv::read(dir, "orders_order.csv").ints("customer_id")
}

#[test]
fn shop_slice_is_referentially_complete_and_follows_the_sampled_customers() {
    let source = shop_db("slice_shop", 2_000);
    let scratch = Scratch::new("shop");
    let dir = scratch.path("slice");
    let manifest = slice(&source, shop_jobs(200), &dir, 42);

    // Loads into an empty copy of the schema with every constraint enabled,
    // and the copy holds what the manifest says.
    let target = TestDb::create_from_schema_of("slice_shop_copy", &source);
    load_ok(&dir, &target);
    assert_counts_match(&target, &manifest);
    let names: BTreeSet<&str> = table_names(&manifest).into_iter().collect();
    assert_eq!(names, shop::TABLES.into_iter().collect());

    let mut src = source.client();
    let customers = Csv::read(&dir, "accounts_customer.csv").ints("id");
    let orders = Csv::read(&dir, "orders_order.csv").ints("id");
    let sampled = sampled_customers(&dir);

    // Exactly the sample's customers have orders in the slice, and all of
    // their orders are there.
    assert_eq!(sampled.len(), 200, "orders come only from the 200 sampled");
    assert_eq!(
        orders,
        ints(
            &mut src,
            "SELECT id FROM orders_order WHERE customer_id = ANY($1)",
            &[&int_array(&sampled)]
        ),
        "every order of every sampled customer, and no other"
    );

    // The customers are the sample plus its referrer chains, no more.
    let closure = ints(
        &mut src,
        "WITH RECURSIVE c(id) AS ( \
             SELECT unnest($1::int8[]) \
             UNION SELECT a.referred_by_id FROM accounts_customer a JOIN c ON a.id = c.id \
                   WHERE a.referred_by_id IS NOT NULL) \
         SELECT id FROM c",
        &[&int_array(&sampled)],
    );
    assert_eq!(customers, closure, "sampled customers and their referrers");
    let referrers: BTreeSet<i64> = customers.difference(&sampled).copied().collect();
    assert!(
        !referrers.is_empty(),
        "some referrer was pulled in without being sampled"
    );

    // Every item of every selected order; favourites of the sampled customers
    // only (not of referrers); the catalogue whole.
    assert_eq!(
        Csv::read(&dir, "orders_orderitem.csv").ints("id"),
        ints(
            &mut src,
            "SELECT id FROM orders_orderitem WHERE order_id = ANY($1)",
            &[&int_array(&orders)]
        )
    );
    let favorites = Csv::read(&dir, "accounts_customer_favorite_products.csv");
    assert_eq!(
        favorites.ints("id"),
        ints(
            &mut src,
            "SELECT id FROM accounts_customer_favorite_products WHERE customer_id = ANY($1)",
            &[&int_array(&sampled)]
        )
    );
    assert!(favorites.ints("customer_id").is_subset(&sampled));
    assert_eq!(
        Csv::read(&dir, "products_product.csv").ints("id"),
        ints(&mut src, "SELECT id::int8 FROM products_product", &[])
    );
    // Parents that are no job: the categories of the products with their
    // parent chains, the sites of the customers.
    assert_eq!(
        Csv::read(&dir, "products_category.csv").ints("id"),
        ints(
            &mut src,
            "WITH RECURSIVE c(id) AS ( \
                 SELECT category_id FROM products_product \
                 UNION SELECT p.parent_id FROM products_category p JOIN c ON p.id = c.id \
                       WHERE p.parent_id IS NOT NULL) \
             SELECT id::int8 FROM c",
            &[]
        )
    );
    assert_eq!(
        Csv::read(&dir, "django_site.csv").ints("id"),
        Csv::read(&dir, "accounts_customer.csv").ints("site_id")
    );

    // What is not faked is the source's, value for value.
    let order_rows = "SELECT ROW(id, customer_id, created_at, status, total, notes)::text \
                      FROM orders_order";
    assert_eq!(
        texts(&mut target.client(), order_rows, &[]),
        texts(
            &mut src,
            &format!("{order_rows} WHERE id = ANY($1)"),
            &[&int_array(&orders)]
        )
    );
    // What is faked is not, and NULL stays NULL.
    assert_eq!(
        table(&manifest, "accounts_customer").faked,
        ["first_name", "last_name", "email", "phone"]
    );
    assert_eq!(table(&manifest, "orders_order").faked, ["shipping_address"]);
    let csv = Csv::read(&dir, "accounts_customer.csv");
    for row in &csv.rows {
        let id: i64 = row[csv.column("id")].as_deref().unwrap().parse().unwrap();
        let email = row[csv.column("email")].as_deref().unwrap();
        assert_ne!(email, format!("customer{id}@example.org"));
        assert_eq!(
            row[csv.column("phone")].is_none(),
            id % 5 == 0,
            "phone of customer {id} is NULL exactly when the source's is"
        );
    }
}

#[test]
fn same_seed_gives_identical_files_and_another_seed_other_customers() {
    let source = shop_db("slice_seed", 600);
    let scratch = Scratch::new("seed");
    let jobs = shop_jobs(40);
    let first = slice(&source, jobs.clone(), &scratch.path("first"), 7);
    let second = slice(&source, jobs.clone(), &scratch.path("second"), 7);
    let other = slice(&source, jobs, &scratch.path("other"), 8);

    for table in &first.tables {
        let a = std::fs::read(scratch.path("first").join(&table.file)).unwrap();
        let b = std::fs::read(scratch.path("second").join(&table.file)).unwrap();
        assert!(
            a == b,
            "{} differs between two runs with seed 7",
            table.file
        );
    }
    let mut second = second;
    second.created_at.clone_from(&first.created_at);
    assert_eq!(first, second, "manifests differ only in created_at");
    assert_eq!(first.seed, 7);
    assert_eq!(other.seed, 8);

    let seven = sampled_customers(&scratch.path("first"));
    let eight = sampled_customers(&scratch.path("other"));
    assert_eq!((seven.len(), eight.len()), (40, 40));
    assert_ne!(seven, eight, "another seed samples other customers");
}

#[test]
fn sample_does_not_depend_on_batch_size() {
    let source = shop_db("slice_batch", 600);
    let scratch = Scratch::new("batch");
    let jobs = shop_jobs(50);
    let big = try_slice(&source, jobs.clone(), &scratch.path("big"), &seeded(3)).unwrap();
    let small_batches = Options {
        seed: 3,
        batch_size: 7,
        ..Default::default()
    };
    let small = try_slice(&source, jobs, &scratch.path("small"), &small_batches).unwrap();
    check_files(&scratch.path("small"), &small);
    for (a, b) in big.tables.iter().zip(&small.tables) {
        assert_eq!(
            (&a.table, a.rows, &a.sha256),
            (&b.table, b.rows, &b.sha256),
            "batches of 7 keys give the same file"
        );
    }
}

#[test]
fn manifest_describes_the_run_without_password() {
    let source = shop_db("slice_manifest", 300);
    let scratch = Scratch::new("manifest");
    let dir = scratch.path("slice");
    let manifest = slice(&source, shop_jobs(10), &dir, 99);
    assert_eq!(
        manifest.format_version,
        dataslicer::manifest::FORMAT_VERSION
    );
    assert_eq!(manifest.tool_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.seed, 99);
    let created = &manifest.created_at;
    assert!(
        created.len() == 20 && created.ends_with('Z') && &created[10..11] == "T",
        "created_at {created}"
    );
    assert!(
        manifest.source.starts_with("postgres://") && manifest.source.ends_with(source.name()),
        "source {}",
        manifest.source
    );
    let authority = manifest.source["postgres://".len()..]
        .split('@')
        .next()
        .unwrap();
    assert!(
        !authority.contains(':'),
        "no password in {}",
        manifest.source
    );
    // Load order: every table after the tables its foreign keys point at
    // (the shop's only cycles are self-references).
    let position = |name: &str| {
        manifest
            .tables
            .iter()
            .position(|t| t.table == name)
            .unwrap()
    };
    for (i, table) in manifest.tables.iter().enumerate() {
        for fk in &table.foreign_keys {
            if fk.references != table.table {
                assert!(
                    position(&fk.references) < i,
                    "{} is loaded before {}",
                    fk.references,
                    table.table
                );
            }
        }
    }
    let customer = table(&manifest, "accounts_customer");
    assert_eq!(customer.primary_key, "id");
    assert_eq!(
        customer.columns,
        [
            "id",
            "site_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "date_joined",
            "is_active",
            "referred_by_id"
        ]
    );
}
