//! The slicing engine against a real PostgreSQL: which rows a slice holds
//! (samples, filters, the downward walk to children, the upward closure to
//! parents), that it loads into an empty copy of the schema with every
//! constraint enabled, that values round-trip, and how the slice directory
//! and its manifest are written.
//!
//! Each test has databases of its own (`TestDb`), so they run in parallel.

mod closure;
mod names;
mod output;
mod selection;
mod shop;
mod support;
mod types;
