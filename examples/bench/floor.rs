//! The floors: what psql does for the same output, as psql scripts.

use std::fmt::Write;
use std::path::Path;

/// A path as a psql string literal.
fn literal(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

/// `\copy TABLE TO 'dir/TABLE.csv' CSV HEADER` for each table: a table
/// written whole, as psql writes it.
pub fn copy_tables(tables: &[&str], dir: &Path) -> String {
    let mut script = String::new();
    for table in tables {
        let file = literal(&dir.join(format!("{table}.csv")));
        writeln!(script, "\\copy {table} TO {file} CSV HEADER").unwrap();
    }
    script
}

/// The shop's slice of `customers` sampled customers by hand-written SQL
/// over one connection: the same row sets as the shop's jobs (sampled
/// customers with the referrers they need, their orders, order items and
/// favourites, the whole catalogue with its categories, the sites), each
/// written in key order with `\copy`.
pub fn shop_slice(customers: u64, dir: &Path) -> String {
    let mut script = format!(
        "SELECT setseed(0.42);
CREATE TEMP TABLE root AS SELECT id FROM accounts_customer ORDER BY random() LIMIT {customers};
CREATE TEMP TABLE c AS WITH RECURSIVE up(id) AS (
    SELECT id FROM root
    UNION SELECT a.referred_by_id FROM accounts_customer a JOIN up ON a.id = up.id
    WHERE a.referred_by_id IS NOT NULL)
  SELECT id FROM up;
CREATE TEMP TABLE o AS SELECT id FROM orders_order WHERE customer_id IN (SELECT id FROM root);
CREATE TEMP TABLE cat AS WITH RECURSIVE up(id) AS (
    SELECT DISTINCT category_id FROM products_product
    UNION SELECT k.parent_id FROM products_category k JOIN up ON k.id = up.id
    WHERE k.parent_id IS NOT NULL)
  SELECT id FROM up;
ANALYZE root; ANALYZE c; ANALYZE o;
"
    );
    let copies = [
        (
            "django_site",
            "id IN (SELECT site_id FROM accounts_customer WHERE id IN (SELECT id FROM c))",
        ),
        ("accounts_customer", "id IN (SELECT id FROM c)"),
        ("products_category", "id IN (SELECT id FROM cat)"),
        ("products_product", "true"),
        (
            "accounts_customer_favorite_products",
            "customer_id IN (SELECT id FROM root)",
        ),
        ("orders_order", "id IN (SELECT id FROM o)"),
        ("orders_orderitem", "order_id IN (SELECT id FROM o)"),
    ];
    for (table, condition) in copies {
        let file = literal(&dir.join(format!("{table}.csv")));
        writeln!(
            script,
            "\\copy (SELECT * FROM {table} WHERE {condition} ORDER BY id) TO {file} CSV HEADER"
        )
        .unwrap();
    }
    script
}

/// `\copy TABLE FROM 'file' CSV HEADER` for each (table, file), in order:
/// run with `psql --single-transaction`, as a load is one transaction.
pub fn load(files: &[(String, std::path::PathBuf)]) -> String {
    let mut script = String::new();
    for (table, file) in files {
        writeln!(script, "\\copy {table} FROM {} CSV HEADER", literal(file)).unwrap();
    }
    script
}
