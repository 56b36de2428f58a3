//! The demo's database: not part of the template. A throwaway shop database
//! (from `dataslicer_dev`, the workspace's test support), dropped when the
//! exporter exits.

use dataslicer_dev::{TestDb, shop};

/// Customers in the demo database.
const DEMO_CUSTOMERS: u32 = 2_000;

/// The demo database, once made.
#[derive(Default)]
pub struct Demo {
    db: Option<TestDb>,
}

impl Demo {
    /// Creates the demo shop and returns its URL.
    pub fn database(&mut self) -> dataslicer::Result<String> {
        eprintln!(
            "No --from and no DATABASE_URL: creating a demo shop database with {DEMO_CUSTOMERS} customers."
        );
        let db = TestDb::create("shop_demo");
        shop::create(&mut db.client(), DEMO_CUSTOMERS)
            .map_err(|e| dataslicer::Error::query("creating the demo database", e))?;
        let url = db.url().to_string();
        self.db = Some(db);
        Ok(url)
    }
}
