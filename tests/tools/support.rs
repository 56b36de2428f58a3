//! Databases for the tools' tests: the Django project's (tests/django) and
//! the demo shop.

use dataslicer_dev::TestDb;

pub const DJANGO_SCHEMA: &str = include_str!("../django/schema.sql");
pub const DJANGO_DATA: &str = include_str!("../django/data.sql");
pub const DJANGO_LATER_SCHEMA: &str = include_str!("../django/later_schema.sql");
pub const DJANGO_LATER_DATA: &str = include_str!("../django/later_data.sql");

/// The Django project's database with its rows, analyzed.
pub fn django_db(prefix: &str) -> TestDb {
    let db = TestDb::create(prefix);
    db.execute(DJANGO_SCHEMA);
    db.execute(DJANGO_DATA);
    db.execute(DJANGO_LATER_SCHEMA);
    db.execute(DJANGO_LATER_DATA);
    db.execute("ANALYZE");
    db
}

/// The shop with `customers` customers, analyzed.
pub fn shop_db(prefix: &str, customers: u32) -> TestDb {
    let db = TestDb::create(prefix);
    dataslicer_dev::shop::create(&mut db.client(), customers).expect("the shop loads");
    db
}
