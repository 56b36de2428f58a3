//! Rust mirrors of the shop's Django models, one struct per table.

// The field types' crates through dataslicer's re-exports: a copy of this
// exporter needs no chrono or rust_decimal of its own, only dataslicer with
// the features `chrono`, `rust_decimal` and `json` (and serde_json for the
// JSON column).
use dataslicer::chrono::{DateTime, Utc};
use dataslicer::prelude::*;
use dataslicer::rust_decimal::Decimal;

/// `django.contrib.sites`.
#[derive(Importer)]
#[table("django_site")]
pub struct Site {
    pub id: i32,
    pub domain: String,
    pub name: String,
}

/// A customer: the personal data lives here, and is faked.
#[derive(Importer)]
#[table("accounts_customer")]
pub struct Customer {
    pub id: i64,
    #[fk(Site)]
    pub site_id: i32,
    #[fake(first_name)]
    pub first_name: String,
    #[fake(last_name)]
    pub last_name: String,
    #[fake(email, unique)]
    pub email: String,
    #[fake(phone_number)]
    pub phone: Option<String>,
    pub date_joined: DateTime<Utc>,
    pub is_active: bool,
    /// Who referred this customer: the referrer comes along, its orders do
    /// not, and a walk below customers does not descend into referrals.
    #[fk(Customer, no_descend)]
    pub referred_by_id: Option<i64>,
}

/// A product category; categories form a tree.
#[derive(Importer)]
#[table("products_category")]
pub struct Category {
    pub id: i32,
    pub name: String,
    #[fk(Category)]
    pub parent_id: Option<i32>,
}

/// A product of the catalogue.
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

/// The many-to-many table behind `Customer.favorite_products`.
#[derive(Importer)]
#[table("accounts_customer_favorite_products")]
pub struct FavoriteProduct {
    pub id: i64,
    #[fk(Customer)]
    pub customer_id: i64,
    #[fk(Product)]
    pub product_id: i32,
}

/// An order.
#[derive(Importer)]
#[table("orders_order")]
pub struct Order {
    pub id: i64,
    #[fk(Customer)]
    pub customer_id: i64,
    pub created_at: DateTime<Utc>,
    pub status: String,
    pub total: Decimal,
    #[fake(street_address)]
    pub shipping_address: String,
    pub notes: Option<serde_json::Value>,
}

/// A line of an order.
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

/// The shop's jobs: 100 customers (change it with `--sample
/// accounts_customer=N`), their orders, order items and favourites, and the
/// whole catalogue. Sites and categories come along as parents.
pub fn jobs() -> Vec<ImportJob> {
    vec![
        ImportJob::<Customer>::new().sample(100),
        ImportJob::<Order>::new(),
        ImportJob::<OrderItem>::new(),
        ImportJob::<FavoriteProduct>::new(),
        ImportJob::<Product>::new(),
    ]
}
