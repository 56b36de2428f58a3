//! The demo shop: a Django-shaped database used by the `shop` example and by
//! the tests.
//!
//! Seven tables named after Django's `app_label_model` convention: sites,
//! customers (with a nullable self-reference, `referred_by_id`), product
//! categories (with a parent chain), products, a many-to-many table of
//! favourite products, orders and order items. Every foreign key is
//! `DEFERRABLE INITIALLY DEFERRED`, as Django creates them.
//!
//! The rows are a function of the number of customers only: the same count
//! gives the same database, row for row (the script seeds `random()` with
//! `setseed`).
//!
//! | table                                 | rows                                    |
//! |---------------------------------------|-----------------------------------------|
//! | `django_site`                         | 3                                       |
//! | `products_category`                   | 60 (ids 11..=60 have a parent)          |
//! | `products_product`                    | [`products`]`(customers)`               |
//! | `accounts_customer`                   | `customers`                             |
//! | `accounts_customer_favorite_products` | 3 per even customer id                  |
//! | `orders_order`                        | [`orders`]`(customers)`                 |
//! | `orders_orderitem`                    | 4 per order id divisible by 5, else 3   |

use postgres::Client;

/// The shop's tables, constraints and indexes, without rows: for tests that
/// need an empty copy of the shop.
///
/// ```no_run
/// let db = dataslicer_dev::TestDb::create("empty_shop");
/// db.execute(dataslicer_dev::shop::SCHEMA);
/// assert_eq!(db.query_scalar_i64("SELECT count(*) FROM orders_order"), 0);
/// ```
pub const SCHEMA: &str = concat!(
    include_str!("shop/tables.sql"),
    include_str!("shop/indexes.sql")
);

/// Tables, in the order the script creates them (dependencies first).
pub const TABLES: [&str; 7] = [
    "django_site",
    "accounts_customer",
    "products_category",
    "products_product",
    "accounts_customer_favorite_products",
    "orders_order",
    "orders_orderitem",
];

const TABLE_DDL: &str = include_str!("shop/tables.sql");
const INDEX_DDL: &str = include_str!("shop/indexes.sql");
const DATA: &str = include_str!("shop/data.sql");

/// The number of products for a shop of `customers` customers: one for every
/// 20 customers, at least 50.
pub fn products(customers: u32) -> u64 {
    (u64::from(customers) / 20).max(50)
}

/// The number of orders for a shop of `customers` customers: five each.
pub fn orders(customers: u32) -> u64 {
    5 * u64::from(customers)
}

/// Drops the shop's tables if they exist, creates and fills them: one
/// transaction, at whose end the deferred foreign keys are checked.
fn load_script(customers: u32) -> String {
    let data = DATA
        .replace(":customers", &customers.to_string())
        .replace(":products", &products(customers).to_string())
        .replace(":orders", &orders(customers).to_string());
    let mut tables = TABLES;
    tables.reverse();
    format!(
        "DROP TABLE IF EXISTS {} CASCADE;\n{TABLE_DDL}{data}",
        tables.join(", ")
    )
}

/// Creates the shop with `customers` customers in the database `client` is
/// connected to, replacing the shop's tables if they exist.
///
/// Runs two transactions: one creates and fills the tables (on error nothing
/// is left behind), the next indexes them and runs `ANALYZE` (PostgreSQL
/// cannot index a table in the transaction that has deferred key checks
/// pending on it). About a second for 10 000 customers.
///
/// ```no_run
/// let db = dataslicer_dev::TestDb::create("shop");
/// dataslicer_dev::shop::create(&mut db.client(), 200)?;
/// assert_eq!(db.query_scalar_i64("SELECT count(*) FROM orders_order"), 1000);
/// # Ok::<(), postgres::Error>(())
/// ```
pub fn create(client: &mut Client, customers: u32) -> Result<(), postgres::Error> {
    client.batch_execute(&load_script(customers))?;
    client.batch_execute(&format!("{INDEX_DDL}ANALYZE;"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_substitutes_every_variable() {
        let sql = load_script(200);
        for variable in [":customers", ":products", ":orders", ":scale"] {
            assert!(!sql.contains(variable), "{variable} left in the script");
        }
        assert!(sql.contains("generate_series(1, 200) g"));
        assert!(sql.contains("% 50)"), "products are at least 50");
        assert!(sql.contains("generate_series(1, 1000) o"));
        assert!(!sql.contains('\\'), "no psql meta-commands");
    }

    #[test]
    fn counts_follow_the_customer_count() {
        assert_eq!(products(0), 50);
        assert_eq!(products(1_000), 50);
        assert_eq!(products(100_000), 5_000);
        assert_eq!(orders(u32::MAX), 5 * u64::from(u32::MAX));
    }
}
