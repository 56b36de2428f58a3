//! Sources and targets: the four pairs (PostgreSQL or a slice directory on
//! either side), driven through the library and the shop example's command
//! line, against a real PostgreSQL.
//!
//! Each test has databases of its own (`TestDb`), so they run in parallel.

mod cycles;
mod dir_source;
mod load;
mod names;
mod natural;
mod pairs;
mod reslice;
mod roundtrip;
mod sequences;
mod support;
mod types;
