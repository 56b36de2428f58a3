//! The round trip: a slice of the shop, loaded into an empty migrated copy
//! and exported again with faking off, gives the same bytes; and the copy
//! equals a direct PostgreSQL -> PostgreSQL slice of the same seed.

use super::support::*;
use chrono::{DateTime, Utc};
use dataslicer::IfExists;
use dataslicer::prelude::*;
use dataslicer_dev::{TestDb, shop};
use rust_decimal::Decimal;

/// The shop's models without `#[fake]`: the copy's values are taken as
/// they are.
mod plain {
    use super::*;

    #[derive(Importer)]
    #[table("django_site")]
    pub struct Site {
        pub id: i32,
        pub domain: String,
        pub name: String,
    }

    #[derive(Importer)]
    #[table("accounts_customer")]
    pub struct Customer {
        pub id: i64,
        #[fk(Site)]
        pub site_id: i32,
        pub first_name: String,
        pub last_name: String,
        pub email: String,
        pub phone: Option<String>,
        pub date_joined: DateTime<Utc>,
        pub is_active: bool,
        #[fk(Customer)]
        pub referred_by_id: Option<i64>,
    }

    #[derive(Importer)]
    #[table("products_category")]
    pub struct Category {
        pub id: i32,
        pub name: String,
        #[fk(Category)]
        pub parent_id: Option<i32>,
    }

    #[derive(Importer)]
    #[table("products_product")]
    pub struct Product {
        pub id: i32,
        #[fk(Category)]
        pub category_id: i32,
        pub sku: String,
        pub name: String,
        pub price: Decimal,
        pub description: String,
    }

    #[derive(Importer)]
    #[table("accounts_customer_favorite_products")]
    pub struct FavoriteProduct {
        pub id: i64,
        #[fk(Customer)]
        pub customer_id: i64,
        #[fk(Product)]
        pub product_id: i32,
    }

    #[derive(Importer)]
    #[table("orders_order")]
    pub struct Order {
        pub id: i64,
        #[fk(Customer)]
        pub customer_id: i64,
        pub created_at: DateTime<Utc>,
        pub status: String,
        pub total: Decimal,
        pub shipping_address: String,
        pub notes: Option<serde_json::Value>,
    }

    #[derive(Importer)]
    #[table("orders_orderitem")]
    pub struct OrderItem {
        pub id: i64,
        #[fk(Order)]
        pub order_id: i64,
        #[fk(Product)]
        pub product_id: i32,
        pub quantity: i32,
        pub unit_price: Decimal,
    }

    /// Everything: no sample, no filter.
    pub fn jobs() -> Vec<ImportJob> {
        vec![
            ImportJob::<Customer>::new(),
            ImportJob::<Order>::new(),
            ImportJob::<OrderItem>::new(),
            ImportJob::<FavoriteProduct>::new(),
            ImportJob::<Product>::new(),
        ]
    }
}

#[test]
fn shop_slice_loaded_and_exported_again_without_fakes_gives_the_same_bytes() {
    let source = shop_db("transfer_round_trip", 1_500);
    let scratch = Scratch::new("round-trip");
    let first = scratch.path("first");
    let manifest = ok(
        pg_to_dir(&source, &shop_jobs(300), &first, 42),
        "first export",
    );
    assert!(manifest.tables.iter().any(|t| !t.faked.is_empty()));

    let copy = TestDb::create_from_schema_of("transfer_round_trip_copy", &source);
    ok(load(&first, &copy, IfExists::Fail), "load into the copy");
    let second = scratch.path("second");
    let again = ok(
        pg_to_dir(&copy, &plain::jobs(), &second, 42),
        "second export",
    );
    assert!(again.tables.iter().all(|t| t.faked.is_empty()));

    let files = |m: &dataslicer::Manifest| -> Vec<(String, String)> {
        m.tables
            .iter()
            .map(|t| (t.table.clone(), t.file.clone()))
            .collect()
    };
    assert_eq!(
        files(&again),
        files(&manifest),
        "the same tables in the same order"
    );
    for table in &manifest.tables {
        let a = std::fs::read(first.join(&table.file)).expect("read");
        let b = std::fs::read(second.join(&table.file)).expect("read");
        assert!(
            a == b,
            "{} differs after the round trip ({} vs {} bytes)",
            table.file,
            a.len(),
            b.len()
        );
        assert_eq!(entry(&again, &table.table).sha256, table.sha256);
    }

    // A direct slice of the same seed holds the same rows as the copy.
    let direct = TestDb::create_from_schema_of("transfer_round_trip_direct", &source);
    ok(
        pg_to_pg(&source, &direct, &shop_jobs(300), IfExists::Fail, 42),
        "postgres -> postgres",
    );
    assert_same_tables(&copy, &direct, &shop::TABLES);
}
