//! Where rows go: a slice directory ([`DirSink`]) or a PostgreSQL database
//! ([`PgSink`]). The export only talks to the [`Sink`] trait.

pub mod dir;
pub mod postgres;

pub use self::dir::{DirSink, TableFile};
pub use self::postgres::{IfExists, PgSink};

use crate::error::Result;
use crate::manifest::{Manifest, ManifestTable};

/// A destination for a slice. Nothing is final until [`Sink::finish`]: a
/// directory is renamed into place there, a database transaction committed.
pub trait Sink {
    /// Where the slice goes, for messages: never with a password.
    fn description(&self) -> String;

    /// Called once before any table, with every table in load order (rows
    /// and hashes not known yet): the place to check the destination.
    fn begin(&mut self, tables: &[ManifestTable]) -> Result<()>;

    /// Values of `column` of `table` that new rows must not repeat: for a
    /// database that keeps its rows (a merge), the values already there, so
    /// that `unique` fakes avoid them. Empty by default.
    fn taken_values(&mut self, _table: &ManifestTable, _column: &str) -> Result<Vec<String>> {
        Ok(Vec::new())
    }

    /// Starts writing one table's records (PostgreSQL CSV, no header).
    fn table<'s>(&'s mut self, table: &ManifestTable) -> Result<Box<dyn TableWriter + 's>>;

    /// Called after a table's writer finished.
    fn table_done(&mut self, table: &ManifestTable) -> Result<()>;

    /// Makes the slice final.
    fn finish(&mut self, manifest: &Manifest) -> Result<()>;

    /// Leaves the destination as it was before.
    fn abandon(&mut self);

    /// The sink's tables as [`ConcurrentTables`], when several can be
    /// written at once (`--jobs`); `None` by default (a database target
    /// writes through its one transaction, table after table).
    fn concurrent(&self) -> Option<&dyn ConcurrentTables> {
        None
    }
}

/// A sink whose tables can be written at the same time, each from its own
/// thread: a slice directory, one file per table.
pub trait ConcurrentTables: Sync {
    /// Starts writing one table's records, as [`Sink::table`] does; the
    /// sink's `table_done` is still called for it, in load order, once every
    /// table is written.
    fn open(&self, table: &ManifestTable) -> Result<Box<dyn TableWriter + Send>>;
}

/// One table's records being written.
pub trait TableWriter {
    /// Appends CSV bytes (whole or partial records).
    fn write(&mut self, bytes: &[u8]) -> Result<()>;

    /// The whole records written so far, for progress.
    fn rows(&self) -> u64;

    /// Ends the table; returns its row count and the SHA-256 of what a file
    /// of it holds (header included).
    fn finish(self: Box<Self>) -> Result<(u64, String)>;
}
