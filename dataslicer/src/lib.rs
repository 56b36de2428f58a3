//! dataslicer: small, anonymized, referentially complete slices of PostgreSQL.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate self as dataslicer;

pub mod cli;
pub mod error;
pub mod fake;
pub mod job;
pub mod keys;
pub mod manifest;
pub mod model;
pub mod plan;
pub mod record;
pub mod run;
pub mod sample;
pub mod schema;
pub mod sink;
pub mod source;
pub mod sql;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use error::{Error, Result};
pub use fake::Locale;
pub use job::{Filter, ImportJob, Param};
pub use manifest::Manifest;
pub use model::{
    Column, ColumnRead, ColumnType, Fake, FakeFn, FakeKind, ForeignKey, Importer, KeyKind, KeyType,
    Model, SqlType, TableName,
};
pub use run::{Options, download};
pub use source::postgres::connect;

#[cfg(feature = "derive")]
pub use dataslicer_derive::Importer;

/// Everything a model file and an exporter need: `use dataslicer::prelude::*;`.
pub mod prelude {
    pub use crate::job::ImportJob;
    pub use crate::model::Importer;
    pub use crate::params;
    pub use crate::run::{Options, download};
    #[cfg(feature = "derive")]
    pub use dataslicer_derive::Importer;
}
