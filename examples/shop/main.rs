//! A complete exporter for the demo shop database, and a template: copy
//! `main.rs` and `models.rs` into a crate of your own (`dataslicer new`
//! writes one from your database), leave out `demo.rs` and the line that
//! uses it, and depend on dataslicer alone:
//!
//! ```toml
//! [dependencies]
//! dataslicer = { version = "0.1", features = ["chrono", "rust_decimal", "json"] }
//! ```
//!
//! ```text
//! cargo run --example shop                                   # demo: a throwaway database, sliced into ./slice
//! cargo run --release --example shop -- slice --from postgres://root@127.0.0.1/shop \
//!     --to slice --seed 42 --sample accounts_customer=1000
//! cargo run --example shop -- plan                           # what a slice would contain
//! cargo run --example shop -- check --from postgres://root@127.0.0.1/shop
//! ```

mod demo;
mod models;

use dataslicer::cli::App;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut demo = demo::Demo::default();
    let code = App::new("shop", models::jobs())
        .version(env!("CARGO_PKG_VERSION"))
        // Demo only: without --from or DATABASE_URL, slice a throwaway shop.
        .default_source(|| demo.database())
        .run();
    // Also after Ctrl-C or SIGTERM: the run stops cleanly and returns here,
    // and the demo database is dropped.
    drop(demo);
    code
}
