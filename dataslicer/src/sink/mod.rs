//! Where rows go.

pub mod dir;

pub use self::dir::{DirSink, TableFile};
