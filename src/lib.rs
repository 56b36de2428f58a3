//! Development support for dataslicer's tests and examples: a PostgreSQL
//! server, a database (and if needed a login role) of its own for each test,
//! and the demo [`shop`] database.
//!
//! The server is `DATABASE_URL`, else a server at 127.0.0.1:5432 that lets
//! the current OS user in, else a throwaway cluster this process starts and a
//! watchdog deletes after it exits (see [`server`]). Without any of them the
//! tests fail with instructions; they never skip.
//!
//! ```no_run
//! use dataslicer_dev::{TestDb, shop};
//!
//! let source = TestDb::create("example_source");
//! shop::create(&mut source.client(), 200)?;
//! assert_eq!(source.query_scalar_i64("SELECT count(*) FROM accounts_customer"), 200);
//!
//! // An empty database with the same tables, e.g. to load a slice into.
//! let target = TestDb::create_from_schema_of("example_target", &source);
//! assert_eq!(target.query_scalar_i64("SELECT count(*) FROM accounts_customer"), 0);
//! # Ok::<(), postgres::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cluster;
mod db;
mod scratch;
mod server;
pub mod shop;
mod table_file;
mod tools;

pub use cluster::{ClusterSetup, ThrowawayCluster};
pub use db::{TestDb, TestRole, create_role};
pub use scratch::{Scratch, entries};
pub use server::{Server, server};
pub use table_file::Csv;
pub use tools::{pg_dump_data, pg_dump_schema};
