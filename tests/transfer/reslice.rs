//! Directory -> directory: a re-slice of a slice is a slice, complete in
//! itself, and loads into an empty schema.

use super::support::*;
use dataslicer::IfExists;
use dataslicer_dev::TestDb;

#[test]
fn hundred_customer_reslice_of_a_thousand_customer_slice_is_complete_and_loads() {
    let source = shop_db("transfer_reslice", 3_000);
    let scratch = Scratch::new("reslice");
    let big = scratch.path("big");
    let small = scratch.path("small");
    ok(
        pg_to_dir(&source, &shop_jobs(1_000), &big, 42),
        "export 1000 customers",
    );
    assert_eq!(sampled_customers(&big).len(), 1_000);
    let manifest = ok(dir_to_dir(&big, &small, &shop_jobs(100), 7), "re-slice 100");

    assert_complete(&small);
    assert_resliced(&ShopRows::from_dir(&big), &ShopRows::from_dir(&small), 100);
    let big_manifest = read_manifest(&big);
    for table in &manifest.tables {
        let rows = entry(&big_manifest, &table.table).rows;
        assert!(
            table.rows <= rows,
            "{}: {} of {rows}",
            table.table,
            table.rows
        );
    }
    assert!(entry(&manifest, "orders_order").rows * 5 < entry(&big_manifest, "orders_order").rows);

    let target = TestDb::create_from_schema_of("transfer_reslice_target", &source);
    ok(load(&small, &target, IfExists::Fail), "load the re-slice");
    assert_counts(&target, &manifest);
}
