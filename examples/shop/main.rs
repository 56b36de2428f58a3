//! A complete exporter for the demo shop database.
//!
//! ```text
//! cargo run --example shop                                   # demo: a throwaway database, sliced into ./slice
//! cargo run --release --example shop -- slice --from postgres://root@127.0.0.1/shop \
//!     --to slice --seed 42 --sample accounts_customer=1000
//! cargo run --example shop -- plan                           # what a slice would contain
//! ```

mod models;

use dataslicer::cli::App;
use dataslicer_dev::{TestDb, shop};
use std::process::ExitCode;

/// Customers in the demo database.
const DEMO_CUSTOMERS: u32 = 2_000;

fn main() -> ExitCode {
    let mut demo: Option<TestDb> = None;
    let code = App::new("shop", models::jobs())
        .version(env!("CARGO_PKG_VERSION"))
        .default_source(|| {
            eprintln!(
                "No --from and no DATABASE_URL: creating a demo shop database with {DEMO_CUSTOMERS} customers."
            );
            let db = TestDb::create("shop_demo");
            shop::create(&mut db.client(), DEMO_CUSTOMERS)
                .map_err(|e| dataslicer::Error::query("creating the demo database", e))?;
            let url = db.url().to_string();
            demo = Some(db);
            Ok(url)
        })
        .run();
    // Also after Ctrl-C or SIGTERM: the run stops cleanly and returns here.
    drop(demo);
    code
}
