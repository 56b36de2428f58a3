//! The downward walk stays O(slice): its key-batch query on a child table
//! of realistic size uses the foreign key's index with the default batch
//! size, not a sequential scan of the table per batch.

use super::models::{Order, Shipment};
use super::support::*;
use dataslicer::keys::KeySet;
use dataslicer::model::KeyKind;
use dataslicer::source::KeyQuery;
use dataslicer::source::postgres::select_keys_sql;
use dataslicer::{Importer, Options, PgSource};

#[test]
fn the_walks_key_batch_query_uses_the_foreign_key_index_at_the_default_batch_size() {
    let source = walk_db("walk_explain");
    // 100,000 orders and 400,000 shipments (four per order).
    source.execute(
        "INSERT INTO orders_order (id, number, placed_at, user_id) \
         SELECT g, 'ORD-' || lpad(g::text, 8, '0'), timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', \
                1 + (g * 13) % 500 \
         FROM generate_series(1501, 100000) g; \
         INSERT INTO orders_shipment (id, carrier, order_id) \
         SELECT 2000 + (o - 1) * 4 + n, 'DHL', o FROM generate_series(1, 100000) o, generate_series(1, 4) n; \
         ANALYZE orders_order; ANALYZE orders_shipment;",
    );
    assert_eq!(
        source.query_scalar_i64("SELECT count(*) FROM orders_shipment"),
        402_000
    );
    let batch = Options::default().batch_size;
    // The orders a walk would hold (a sample of 20,000), bound in batches
    // of the default size.
    let mut client = source.client();
    let mut pg = ok(PgSource::begin(&mut client), "source");
    let orders = ok(
        dataslicer::sample::sample_root(&mut pg, Order::MODEL, None, 20_000, 1, batch),
        "sampling orders",
    );
    drop(pg);
    let first: KeySet = orders.chunks(batch).remove(0);
    assert_eq!(first.len(), batch.min(20_000));
    // What the walk asks of the shipments below those orders: their keys,
    // and their parents' keys read in the same pass.
    let parents = [("order_id", KeyKind::Int)];
    let query = KeyQuery {
        restrict: Some(("order_id", &first)),
        parents: &parents,
        ..KeyQuery::default()
    };
    let sql = select_keys_sql(Shipment::MODEL, &query);
    assert!(sql.contains("ANY($1"), "{sql}");
    let param = first.to_param();
    let plan: Vec<String> = client
        .query(&format!("EXPLAIN {sql}"), &[param.as_ref()])
        .unwrap_or_else(|e| panic!("EXPLAIN {sql}: {}", dataslicer::error::pg(&e)))
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("Index Scan")
            || plan.contains("Index Only Scan")
            || plan.contains("Bitmap Index Scan"),
        "the walk's query on orders_shipment does not use an index at batch size {batch}:\n{sql}\n{plan}"
    );
    assert!(
        !plan.contains("Seq Scan on orders_shipment"),
        "the walk's query scans all of orders_shipment at batch size {batch}:\n{sql}\n{plan}"
    );
}
