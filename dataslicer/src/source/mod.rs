//! Where rows come from.

pub mod postgres;

pub use self::postgres::{LiveColumn, LiveTable, PgSource};
