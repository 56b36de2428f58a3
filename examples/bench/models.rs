//! The models the benchmark's exporter runs: the shop's, plus a mirror of
//! `orders_orderitem` that models no foreign key (a table exported alone).

#[path = "../shop/models.rs"]
pub mod shop;

use dataslicer::prelude::*;
use rust_decimal::Decimal;

/// `orders_orderitem` as a user who models only this table mirrors it: no
/// `#[fk]`, so a job of it writes that one table.
#[derive(Importer)]
#[table("orders_orderitem")]
pub struct ItemAlone {
    pub id: i64,
    pub order_id: i64,
    pub product_id: i32,
    pub quantity: i32,
    pub unit_price: Decimal,
}

/// The jobs of one benchmark exporter, by name.
pub fn jobs(name: &str) -> Option<Vec<ImportJob>> {
    Some(match name {
        // Case 1: the items table alone, then with every parent it needs.
        "items-alone" => vec![ImportJob::<ItemAlone>::new()],
        "items" => vec![ImportJob::<shop::OrderItem>::new()],
        // Case 2: every customer, four columns faked (and the sites they need).
        "customers" => vec![ImportJob::<shop::Customer>::new()],
        // Cases 3, 4 and 6: the shop's jobs (sampled customers, their orders,
        // items and favourites, the whole catalogue).
        "shop" => shop::jobs(),
        _ => return None,
    })
}
