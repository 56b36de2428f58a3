//! The development library itself: test databases, roles, the shop, schema copies.

use std::thread;

use dataslicer_dev::{TestDb, create_role, pg_dump_schema, server, shop};

fn database_exists(name: &str) -> bool {
    let mut admin = server().admin_client();
    let row = admin
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .unwrap();
    row.get::<_, i64>(0) == 1
}

#[test]
fn databases_created_in_parallel_are_separate_and_dropped_with_their_value() {
    let handles: Vec<_> = (0..2)
        .map(|i| {
            thread::spawn(move || {
                let db = TestDb::create("harness_parallel");
                db.execute(&format!(
                    "CREATE TABLE mine (n int); INSERT INTO mine VALUES ({i});"
                ));
                assert_eq!(db.query_scalar_i64("SELECT n FROM mine"), i);
                db
            })
        })
        .collect();
    let dbs: Vec<TestDb> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_ne!(dbs[0].name(), dbs[1].name());
    assert!(
        dbs[0].name().starts_with("harness_parallel_"),
        "{}",
        dbs[0].name()
    );
    assert!(
        dbs[0].url().ends_with(&format!("/{}", dbs[0].name())),
        "{}",
        dbs[0].url()
    );
    for (i, db) in (0..).zip(&dbs) {
        assert_eq!(
            db.query_scalar_i64("SELECT n FROM mine"),
            i,
            "each database keeps its own rows"
        );
    }
    let names: Vec<String> = dbs.iter().map(|db| db.name().to_owned()).collect();
    assert!(names.iter().all(|name| database_exists(name)));
    drop(dbs);
    assert!(
        !names.iter().any(|name| database_exists(name)),
        "dropped with their TestDb"
    );
}

#[test]
fn a_database_in_use_is_dropped_all_the_same() {
    let db = TestDb::create("harness_in_use");
    let name = db.name().to_owned();
    let mut open = db.client();
    open.batch_execute("SELECT 1").unwrap();
    drop(db);
    assert!(!database_exists(&name));
    assert!(
        open.batch_execute("SELECT 1").is_err(),
        "the open connection was ended by WITH (FORCE)"
    );
}

#[test]
#[should_panic(expected = "relation \"missing\" does not exist")]
fn failing_sql_panics_with_the_server_message() {
    let db = TestDb::create("harness_failing_sql");
    db.execute("SELECT * FROM missing");
}

#[test]
fn scalars_of_every_integer_width_are_read() {
    let db = TestDb::create("harness_scalar");
    assert_eq!(db.query_scalar_i64("SELECT 7::smallint"), 7);
    assert_eq!(db.query_scalar_i64("SELECT -7"), -7);
    assert_eq!(db.query_scalar_i64("SELECT 1::bigint << 40"), 1 << 40);
}

#[test]
fn shop_at_200_customers_has_the_expected_rows_and_intact_keys() {
    let db = TestDb::create("harness_shop");
    shop::create(&mut db.client(), 200).unwrap();
    let count = |table: &str| db.query_scalar_i64(&format!("SELECT count(*) FROM {table}"));
    assert_eq!(count("django_site"), 3);
    assert_eq!(count("products_category"), 60);
    assert_eq!(count("products_product"), 50, "customers / 20, at least 50");
    assert_eq!(count("accounts_customer"), 200);
    assert_eq!(
        count("accounts_customer_favorite_products"),
        300,
        "3 for each of 100 even customer ids"
    );
    assert_eq!(count("orders_order"), 1000, "5 per customer");
    assert_eq!(
        count("orders_orderitem"),
        3200,
        "4 per order id divisible by 5, else 3"
    );

    // The shapes the slicer has to deal with are there.
    assert_eq!(
        count("accounts_customer WHERE referred_by_id IS NOT NULL"),
        25
    );
    assert_eq!(count("products_category WHERE parent_id IS NOT NULL"), 50);
    assert_eq!(count("orders_order WHERE notes IS NOT NULL"), 333);
    let deferred_keys = "pg_constraint WHERE contype = 'f' AND condeferrable AND condeferred \
                         AND connamespace = 'public'::regnamespace";
    assert_eq!(
        count(deferred_keys),
        9,
        "every foreign key is DEFERRABLE INITIALLY DEFERRED"
    );

    // No row points at a missing parent (the keys are only checked at commit).
    for (child, column, parent) in [
        ("accounts_customer", "site_id", "django_site"),
        ("accounts_customer", "referred_by_id", "accounts_customer"),
        ("products_category", "parent_id", "products_category"),
        ("products_product", "category_id", "products_category"),
        (
            "accounts_customer_favorite_products",
            "customer_id",
            "accounts_customer",
        ),
        (
            "accounts_customer_favorite_products",
            "product_id",
            "products_product",
        ),
        ("orders_order", "customer_id", "accounts_customer"),
        ("orders_orderitem", "order_id", "orders_order"),
        ("orders_orderitem", "product_id", "products_product"),
    ] {
        let orphans = format!(
            "{child} c WHERE c.{column} IS NOT NULL AND NOT EXISTS (SELECT FROM {parent} p WHERE p.id = c.{column})"
        );
        assert_eq!(count(&orphans), 0, "{child}.{column} -> {parent}");
    }
}

#[test]
fn shop_is_the_same_every_time_and_can_be_recreated_in_place() {
    let digest = "SELECT md5(string_agg(o.id || ':' || o.total || ':' || i.product_id || ':' || i.unit_price, ',' \
                  ORDER BY i.id)) FROM orders_orderitem i JOIN orders_order o ON o.id = i.order_id";
    let digests: Vec<String> = (0..2)
        .map(|_| {
            let db = TestDb::create("harness_shop_seed");
            let mut client = db.client();
            shop::create(&mut client, 40).unwrap();
            shop::create(&mut client, 40).unwrap(); // drops and recreates its tables
            client.query_one(digest, &[]).unwrap().get(0)
        })
        .collect();
    assert_eq!(digests[0], digests[1]);
}

#[test]
fn schema_copy_has_the_tables_and_keys_but_no_rows() {
    let source = TestDb::create("harness_schema_source");
    shop::create(&mut source.client(), 20).unwrap();
    let copy = TestDb::create_from_schema_of("harness_schema_copy", &source);
    for table in shop::TABLES {
        assert_eq!(
            copy.query_scalar_i64(&format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    assert_eq!(pg_dump_schema(copy.url()), pg_dump_schema(source.url()));
    // Keys are enforced (at commit) in the copy.
    let mut client = copy.client();
    let error = client
        .batch_execute(
            "INSERT INTO orders_order (customer_id, created_at, status, total, shipping_address) \
                        VALUES (1, now(), 'new', 0, 'x')",
        )
        .unwrap_err();
    assert!(format!("{:?}", error).contains("foreign key"), "{error:?}");
}

#[test]
fn empty_shop_schema_creates_every_table() {
    let db = TestDb::create("harness_shop_schema");
    db.execute(shop::SCHEMA);
    let tables = db.query_scalar_i64("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
    assert_eq!(tables, shop::TABLES.len() as i64);
    let indexes =
        db.query_scalar_i64("SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%_idx'");
    assert_eq!(indexes, 7);
}

#[test]
fn restricted_role_sees_only_what_it_was_granted_and_is_dropped() {
    let db = TestDb::create("harness_role");
    db.execute(
        "CREATE TABLE open (x int); CREATE TABLE closed (x int); INSERT INTO open VALUES (1);",
    );
    let role = create_role("harness_reader");
    db.execute(&format!("GRANT SELECT ON open TO {}", role.name()));

    let mut reader = postgres::Client::connect(&db.url_as(role.name()), postgres::NoTls).unwrap();
    let user: String = reader
        .query_one("SELECT current_user::text", &[])
        .unwrap()
        .get(0);
    assert_eq!(user, role.name());
    assert_eq!(
        reader
            .query_one("SELECT count(*) FROM open", &[])
            .unwrap()
            .get::<_, i64>(0),
        1
    );
    let denied = reader.batch_execute("SELECT * FROM closed").unwrap_err();
    assert!(
        format!("{denied:?}").contains("permission denied"),
        "{denied:?}"
    );
    drop(reader);

    // Dropped while its grant still stands in a database that still exists.
    let name = role.name().to_owned();
    drop(role);
    let mut admin = server().admin_client();
    let left = admin
        .query_one("SELECT count(*) FROM pg_roles WHERE rolname = $1", &[&name])
        .unwrap();
    assert_eq!(left.get::<_, i64>(0), 0, "role {name} is gone");
}
