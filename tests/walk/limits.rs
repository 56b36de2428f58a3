//! Limits on the walk: `--only` / `--exclude` patterns (a table kept out
//! still gives the parents other rows need), and caps on the children per
//! parent (at most K, chosen with the seed, the slice still complete).

use super::models::{self, TrackingEvent, User};
use super::support::*;
use dataslicer::walk::{Walk, matches_table};
use dataslicer::{ImportJob, Options, TableName};
use dataslicer_dev::Csv;
use std::collections::{BTreeMap, BTreeSet};

const USERS: u64 = 40;
const SEED: u64 = 11;

fn options(seed: u64, walk: Walk) -> Options {
    Options {
        seed,
        walk,
        ..Default::default()
    }
}

fn matches_any(patterns: &[&str], table: &'static str) -> bool {
    patterns
        .iter()
        .any(|p| matches_table(p, &TableName::new(None, table)))
}

#[test]
fn excluded_tables_are_not_walked_into_but_still_hold_the_parents_rows_need() {
    let source = walk_db("walk_exclude_src");
    let seeds = sampled_users(&source, USERS, SEED);
    let exclude = ["catalog_*", "blog_post_t?gs"];
    let reference = Reference::of_users(&source, &seeds, &|t| !matches_any(&exclude, t));
    // Products are kept out of the walk, but order lines need theirs (and
    // those their base products and categories); the posts' tag rows are
    // kept out, and nothing needs them.
    assert!(reference.down["catalog_product"].is_empty());
    assert!(!reference.rows["catalog_product"].is_empty());
    assert!(reference.rows["blog_post_tags"].is_empty());
    let scratch = Scratch::new("walk_exclude");
    let dir = scratch.path("slice");
    let walk = Walk {
        exclude: exclude.iter().map(|p| p.to_string()).collect(),
        ..Walk::default()
    };
    slice(
        &source,
        models::descendants(USERS),
        &dir,
        options(SEED, walk),
    );
    let loaded = load_into_copy(&source, &dir, "walk_exclude_dst");
    let got = keys(&loaded);
    for (table, rows) in &reference.rows {
        assert_eq!(&got[table], rows, "rows of {table} with --exclude");
    }
    // Variants of the sellers' products are not walked into: only those an
    // order line needs, and the base products of those.
    let variants_of_sellers = ids(
        &source,
        "SELECT v.id FROM catalog_product v JOIN catalog_product p ON p.id = v.parent_id \
         WHERE p.seller_id = ANY($1::int8[])",
        &[&seeds],
    );
    assert!(!variants_of_sellers.is_subset(&got["catalog_product"]));
}

#[test]
fn only_patterns_from_the_command_line_limit_the_walk_to_matching_tables() {
    let source = walk_db("walk_only_src");
    let seeds = sampled_users(&source, USERS, SEED);
    let only = ["auth_*", "blog_*", "orders_order"];
    let reference = Reference::of_users(&source, &seeds, &|t| matches_any(&only, t));
    assert!(reference.rows["orders_shipment"].is_empty());
    assert!(reference.rows["media_photo"].is_empty());
    assert!(!reference.rows["orders_order"].is_empty());
    assert!(!reference.rows["blog_comment"].is_empty());
    let scratch = Scratch::new("walk_only");
    let dir = scratch.path("slice");
    let mut args = vec![
        "slice",
        "--from",
        source.url(),
        "--to",
        arg(&dir),
        "--seed",
        "11",
        "--sample",
        "auth_user=40",
    ];
    for p in only {
        args.extend(["--only", p]);
    }
    ok(cli(models::descendants(3), &args), "slice --only");
    let loaded = load_into_copy(&source, &dir, "walk_only_dst");
    let got = keys(&loaded);
    for (table, rows) in &reference.rows {
        assert_eq!(&got[table], rows, "rows of {table} with --only");
    }
}

/// Per parent key, the rows of `table` (in `keys`) that reference it
/// through `column`.
fn children(
    source: &dataslicer_dev::TestDb,
    table: &str,
    column: &str,
    keys: &BTreeSet<i64>,
) -> BTreeMap<i64, BTreeSet<i64>> {
    let mut out: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    let list: Vec<i64> = keys.iter().copied().collect();
    for row in source
        .client()
        .query(
            &format!("SELECT {column}::int8, id FROM {table} WHERE id = ANY($1::int8[])"),
            &[&list],
        )
        .expect("children")
    {
        out.entry(row.get(0)).or_default().insert(row.get(1));
    }
    out
}

/// Users with id ending in 3: the same roots whatever the seed.
fn users_ending_in_3() -> ImportJob {
    ImportJob::<User>::new()
        .filter("id % 10 = 3", vec![])
        .descendants()
}

fn capped_events(source: &dataslicer_dev::TestDb, seed: u64) -> (BTreeSet<i64>, Vec<u8>) {
    let scratch = Scratch::new("walk_cap");
    let dir = scratch.path("slice");
    slice(
        source,
        vec![
            users_ending_in_3(),
            ImportJob::<TrackingEvent>::new().cap("item_id", 2),
        ],
        &dir,
        seeded(seed),
    );
    let csv = Csv::read(&dir, "orders_trackingevent.csv");
    let bytes = std::fs::read(dir.join("orders_trackingevent.csv")).expect("the events' file");
    (csv.ints("id"), bytes)
}

#[test]
fn a_cap_keeps_at_most_k_children_per_parent_chosen_with_the_seed() {
    let source = walk_db("walk_cap_src");
    let roots = ids(&source, "SELECT id FROM auth_user WHERE id % 10 = 3", &[]);
    let reference = Reference::of_users(&source, &roots, &|_| true);
    let (events, first) = capped_events(&source, 1);
    let all_events = &reference.rows["orders_trackingevent"];
    assert!(events.is_subset(all_events));
    // Per item: min(2, its events), never more, never fewer.
    let kept = children(&source, "orders_trackingevent", "item_id", &events);
    let every = children(&source, "orders_trackingevent", "item_id", all_events);
    assert!(
        every.values().any(|e| e.len() > 2),
        "no item has more than 2 events"
    );
    for (item, all) in &every {
        let n = kept.get(item).map_or(0, BTreeSet::len);
        assert_eq!(n, all.len().min(2), "events kept for item {item}");
    }
    // The same seed chooses the same events, byte for byte; another seed
    // other ones, with the same roots.
    let (again, second) = capped_events(&source, 1);
    assert_eq!(again, events);
    assert_eq!(second, first);
    let (other, _) = capped_events(&source, 2);
    assert_ne!(other, events, "another seed chose the same events");
    assert_eq!(
        children(&source, "orders_trackingevent", "item_id", &other).len(),
        kept.len()
    );
}

#[test]
fn a_capped_childs_own_children_follow_only_the_kept_rows() {
    let source = walk_db("walk_cap_chain_src");
    let scratch = Scratch::new("walk_cap_chain");
    let dir = scratch.path("slice");
    // Order lines are kept out, so shipments lead the only way down to
    // parcels, items and events.
    let walk = Walk {
        exclude: vec!["orders_orderline".into()],
        caps: vec![dataslicer::walk::Cap::parse("orders_shipment.order_id=1").expect("a cap")],
        ..Walk::default()
    };
    slice(&source, vec![users_ending_in_3()], &dir, options(5, walk));
    let loaded = load_into_copy(&source, &dir, "walk_cap_chain_dst");
    let got = keys(&loaded);
    let roots = ids(&source, "SELECT id FROM auth_user WHERE id % 10 = 3", &[]);
    let orders = ids(
        &source,
        "SELECT id FROM orders_order WHERE user_id = ANY($1::int8[])",
        &[&roots],
    );
    let all_shipments = ids(
        &source,
        "SELECT id FROM orders_shipment WHERE order_id = ANY($1::int8[])",
        &[&orders],
    );
    let per_order = children(&source, "orders_shipment", "order_id", &all_shipments);
    assert!(
        per_order.values().any(|s| s.len() > 1),
        "no order has two shipments"
    );
    let kept = children(
        &source,
        "orders_shipment",
        "order_id",
        &got["orders_shipment"],
    );
    for (order, all) in &per_order {
        assert_eq!(
            kept.get(order).map_or(0, BTreeSet::len),
            1,
            "shipments kept for order {order} (of {})",
            all.len()
        );
    }
    assert!(got["orders_shipment"].is_subset(&all_shipments));
    // Below the kept shipments, everything; below the others, nothing.
    let parcels = ids(
        &source,
        "SELECT id FROM orders_parcel WHERE shipment_id = ANY($1::int8[])",
        &[&got["orders_shipment"]],
    );
    assert_eq!(got["orders_parcel"], parcels);
    let items = ids(
        &source,
        "SELECT id FROM orders_parcelitem WHERE parcel_id = ANY($1::int8[])",
        &[&parcels],
    );
    assert_eq!(got["orders_parcelitem"], items);
    let events = ids(
        &source,
        "SELECT id FROM orders_trackingevent WHERE item_id = ANY($1::int8[])",
        &[&items],
    );
    assert_eq!(got["orders_trackingevent"], events);
    // The lines those items ship came as parents, bringing nothing below.
    let lines = ids(
        &source,
        "SELECT line_id FROM orders_parcelitem WHERE id = ANY($1::int8[])",
        &[&items],
    );
    assert_eq!(got["orders_orderline"], lines);
}

#[test]
fn a_cap_from_the_command_line_chooses_as_the_same_cap_from_code() {
    let source = walk_db("walk_cap_cli_src");
    let scratch = Scratch::new("walk_cap_cli");
    let from_code = scratch.path("code");
    let from_cli = scratch.path("cli");
    slice(
        &source,
        vec![
            users_ending_in_3(),
            ImportJob::<TrackingEvent>::new().cap("item_id", 2),
        ],
        &from_code,
        seeded(3),
    );
    ok(
        cli(
            vec![users_ending_in_3()],
            &[
                "slice",
                "--from",
                source.url(),
                "--to",
                arg(&from_cli),
                "--seed",
                "3",
                "--cap",
                "orders_trackingevent.item_id=2",
            ],
        ),
        "slice --cap",
    );
    assert_eq!(table_files(&from_cli), table_files(&from_code));
    // The cap chose: fewer events than the items have.
    let all = ids(
        &source,
        "SELECT e.id FROM orders_trackingevent e WHERE e.item_id = ANY($1::int8[])",
        &[&Csv::read(&from_cli, "orders_parcelitem.csv").ints("id")],
    );
    assert!(
        Csv::read(&from_cli, "orders_trackingevent.csv")
            .ints("id")
            .len()
            < all.len()
    );
}
