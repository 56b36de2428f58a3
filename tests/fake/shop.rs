//! The demo shop, sliced with its own models (first and last names, e-mail
//! addresses, phone numbers and shipping addresses faked): nothing personal
//! leaks, and what replaces it is valid for the schema.

use super::support::*;
use dataslicer::prelude::*;
use dataslicer::{ColumnRead, Importer};
use dataslicer_dev::{TestDb, create_role};
use postgres::NoTls;
use std::collections::{BTreeSet, HashSet};

use super::shop_models::{Customer, Order};

/// `table.column` of every faked column of the jobs' models.
fn faked_columns(jobs: &[ImportJob]) -> Vec<(&'static str, &'static str)> {
    jobs.iter()
        .flat_map(|job| {
            let model = job.model();
            model
                .columns
                .iter()
                .filter(|c| c.fake.is_some())
                .map(move |c| (model.table.name, c.name))
        })
        .collect()
}

/// Every original value of the faked columns, in every row of the source
/// (not only the sampled ones).
fn originals(source: &TestDb, jobs: &[ImportJob]) -> BTreeSet<String> {
    let mut client = source.client();
    let mut out = BTreeSet::new();
    for (table, column) in faked_columns(jobs) {
        let sql = format!(
            "SELECT {c}::text FROM {t} WHERE {c} IS NOT NULL",
            c = ident(column),
            t = ident(table)
        );
        for row in client.query(&sql, &[]).expect("read the originals") {
            out.insert(row.get(0));
        }
    }
    out
}

#[test]
fn shop_slice_holds_no_original_value_of_any_faked_column_in_any_file() {
    let source = shop_db("fake_shop_leak", 1_500);
    let jobs = shop_jobs(1_000);
    assert_eq!(
        faked_columns(&jobs),
        [
            ("accounts_customer", "first_name"),
            ("accounts_customer", "last_name"),
            ("accounts_customer", "email"),
            ("accounts_customer", "phone"),
            ("orders_order", "shipping_address"),
        ],
        "the shop's models fake what the issue says"
    );
    let originals = originals(&source, &jobs);
    // 1 500 first names, last names and e-mails, 1 200 phones and 7 500
    // addresses, less the addresses that repeat: thousands of values.
    assert!(originals.len() > 10_000, "{}", originals.len());
    // The rule: originals of at least SHORTEST_SEARCHED characters must not
    // occur anywhere. Every original of the shop is that long (`First1` is
    // the shortest), so none is skipped here.
    let short: Vec<&String> = originals
        .iter()
        .filter(|o| o.len() < SHORTEST_SEARCHED)
        .collect();
    assert!(short.is_empty(), "too short to search for: {short:?}");

    let scratch = Scratch::new("shop_leak");
    let dir = scratch.path("slice");
    let manifest = run(&source, &jobs, &dir, 42);
    let customers = manifest
        .tables
        .iter()
        .find(|t| t.table == "accounts_customer")
        .expect("customers in the manifest");
    assert!(customers.rows >= 1_000, "{} customers", customers.rows);

    // The search finds what is there: the sites' domains are not faked.
    let sites = [
        "shop1.example.com",
        "shop2.example.com",
        "shop3.example.com",
    ];
    assert_eq!(
        leaked(&dir, sites).len(),
        3,
        "the search finds unfaked values"
    );

    let found = leaked(&dir, originals.iter().map(String::as_str));
    assert!(
        found.is_empty(),
        "{} occurrences of original values in the slice, e.g. {:?}",
        found.len(),
        &found[..found.len().min(20)]
    );
}

#[test]
fn shop_fakes_keep_nulls_fit_the_live_limits_and_give_unique_valid_emails() {
    let source = shop_db("fake_shop_valid", 1_500);
    let scratch = Scratch::new("shop_valid");
    let dir = scratch.path("slice");
    run(&source, &shop_jobs(1_000), &dir, 7);
    let mut client = source.client();
    let customers = Csv::read(&dir, "accounts_customer.csv");
    assert!(customers.rows.len() >= 1_000);

    // NULL phones stay NULL (an unquoted empty field); the others get a
    // fake that is not empty.
    let source_phones = source_by_id(&mut client, "accounts_customer", "phone");
    let phones = customers.by_id("phone");
    let mut nulls = 0;
    for (id, phone) in &phones {
        match (&source_phones[id], phone) {
            (None, None) => nulls += 1,
            (Some(_), Some(fake)) => assert!(!fake.trim().is_empty(), "customer {id}: {fake:?}"),
            (original, fake) => panic!("customer {id}: phone {original:?} became {fake:?}"),
        }
    }
    assert!(nulls > 100, "the sample has customers without a phone");

    for column in ["first_name", "last_name", "email"] {
        assert!(
            customers
                .values(column)
                .iter()
                .all(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty())),
            "{column}: a NOT NULL fake is never NULL or empty"
        );
    }
    let addresses = Csv::read(&dir, "orders_order.csv").values("shipping_address");
    assert!(
        addresses
            .iter()
            .all(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
    );

    // Every value of every file fits its column's limit, in characters.
    let limits = char_limits(&mut client);
    assert_eq!(limits[&("accounts_customer".into(), "phone".into())], 20);
    let over = over_limits(&dir, &limits);
    assert!(over.is_empty(), "values over their limit: {over:?}");

    // `email` is `unique`: no two customers share one, and each looks like
    // an address.
    let emails = customers.texts("email");
    let distinct: HashSet<&String> = emails.iter().collect();
    assert_eq!(distinct.len(), emails.len(), "duplicate e-mail addresses");
    let invalid: Vec<&String> = emails.iter().filter(|e| !looks_like_email(e)).collect();
    assert!(invalid.is_empty(), "invalid e-mail addresses: {invalid:?}");

    // And the schema agrees: UNIQUE, NOT NULL and varchar(n) all hold.
    load_into_copy(&dir, &source);
}

#[test]
fn the_select_list_of_the_shop_customer_reads_only_the_emptiness_of_its_fakes() {
    let model = Customer::MODEL;
    let select_list = model.select_list();
    assert_eq!(
        select_list,
        concat!(
            r#""id", "site_id", ("first_name"::text = ''), ("last_name"::text = ''), "#,
            r#"("email"::text = ''), ("phone"::text = ''), "date_joined", "is_active", "referred_by_id""#
        )
    );
    for column in model.columns {
        let quoted = ident(column.name);
        let named = select_list.matches(&quoted).count();
        assert_eq!(named, 1, "{} is named once", column.name);
        if column.fake.is_some() {
            assert!(
                select_list.contains(&format!("({quoted}::text = '')")),
                "{} is read only for whether it is NULL or empty",
                column.name
            );
            assert_eq!(column.read(), ColumnRead::IsEmpty);
        }
    }
    let orders = Order::MODEL.select_list();
    assert!(orders.contains(r#"("shipping_address"::text = '')"#));
    assert!(orders.contains(r#""customer_id""#));
}

#[test]
fn a_role_that_cannot_read_the_faked_columns_still_slices_the_shop() {
    let source = shop_db("fake_shop_role", 500);
    let role = create_role("fake_reader");
    let name = role.name();
    source.execute(&format!(
        "GRANT USAGE ON SCHEMA public TO {name};
         GRANT SELECT ON django_site, products_category, products_product,
                         accounts_customer_favorite_products, orders_orderitem TO {name};
         GRANT SELECT (id, site_id, phone, date_joined, is_active, referred_by_id)
               ON accounts_customer TO {name};
         GRANT SELECT (id, customer_id, created_at, status, total, notes)
               ON orders_order TO {name};"
    ));
    let mut reader = postgres::Client::connect(&source.url_as(name), NoTls).unwrap();
    for column in ["first_name", "last_name", "email"] {
        let error = reader
            .query(&format!("SELECT {column} FROM accounts_customer"), &[])
            .expect_err("the role cannot read the originals");
        assert!(
            dataslicer::error::pg(&error).contains("permission denied"),
            "{column}: {}",
            dataslicer::error::pg(&error)
        );
    }
    assert!(
        reader
            .query("SELECT shipping_address FROM orders_order", &[])
            .is_err()
    );

    let scratch = Scratch::new("shop_role");
    let dir = scratch.path("slice");
    let manifest = download(
        &mut reader,
        &shop_jobs(100),
        &dir,
        &options(3, Default::default()),
    )
    .unwrap_or_else(|e| panic!("the faked columns need no privilege: {e}"));
    let rows = |table: &str| {
        manifest
            .tables
            .iter()
            .find(|t| t.table == table)
            .map_or(0, |t| t.rows)
    };
    assert!(rows("accounts_customer") >= 100);
    assert!(rows("orders_order") >= 500, "5 orders per sampled customer");
    let customers = Csv::read(&dir, "accounts_customer.csv");
    assert!(customers.texts("email").iter().all(|e| looks_like_email(e)));
    load_into_copy(&dir, &source);
}
