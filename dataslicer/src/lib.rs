//! dataslicer: small, anonymized, referentially complete slices of PostgreSQL.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate self as dataslicer;

pub mod fake;
pub mod model;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use model::{
    Column, ColumnRead, ColumnType, Fake, FakeFn, FakeKind, ForeignKey, Importer, KeyKind, KeyType, Model,
    SqlType, TableName,
};

#[cfg(feature = "derive")]
pub use dataslicer_derive::Importer;

/// Everything a model file and an exporter need: `use dataslicer::prelude::*;`.
pub mod prelude {
    pub use crate::model::Importer;
    #[cfg(feature = "derive")]
    pub use dataslicer_derive::Importer;
}
