//! Where rows come from: a PostgreSQL snapshot ([`PgSource`]) or a slice
//! directory ([`DirSource`]). The selection and the export only talk to the
//! [`Source`] trait, so every job works the same on both.

pub mod dir;
pub mod postgres;

pub use self::dir::DirSource;
pub use self::postgres::PgSource;

use crate::error::Result;
use crate::job::Filter;
use crate::keys::{KeySet, Selection};
use crate::model::{KeyKind, Model};
use crate::schema::Checked;
use std::io::Read;

/// What [`Source::select_keys`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The keys of the rows.
    pub keys: KeySet,
    /// For each requested foreign key column, its values in those rows.
    pub parents: Vec<KeySet>,
}

impl Found {
    /// Nothing yet: empty sets of the right kinds.
    pub fn new(kind: KeyKind, parents: &[(&str, KeyKind)]) -> Found {
        Found {
            keys: KeySet::new(kind),
            parents: parents.iter().map(|&(_, k)| KeySet::new(k)).collect(),
        }
    }

    /// Adds what `other` found.
    pub fn merge(&mut self, other: Found) {
        self.keys.merge_new(other.keys);
        for (mine, theirs) in self.parents.iter_mut().zip(other.parents) {
            mine.merge_new(theirs);
        }
    }
}

/// What the selection and the export need from a source of rows.
pub trait Source {
    /// Where the rows come from, for the manifest: never with a password.
    fn description(&self) -> String;

    /// Checks a model against the source's table: every column the model
    /// names must be there. Returns what the export needs to know.
    fn check(&mut self, model: &'static Model) -> Result<Checked>;

    /// The smallest and largest integer key, when the source can tell
    /// cheaply (then sampling probes random keys); `None` otherwise.
    fn key_range(&mut self, model: &'static Model) -> Result<Option<(i64, i64)>>;

    /// The keys of rows matching the filter and, with `restrict`, whose
    /// column is one of the given keys; with the distinct non-NULL values of
    /// the `parents` columns (foreign keys, with their targets' key kinds) in
    /// those rows, read in the same pass.
    fn select_keys(
        &mut self,
        model: &'static Model,
        filter: Option<&Filter>,
        restrict: Option<(&str, &KeySet)>,
        parents: &[(&str, KeyKind)],
        batch_size: usize,
    ) -> Result<Found>;

    /// Which of the candidate keys exist and match the filter.
    fn probe_keys(
        &mut self,
        model: &'static Model,
        filter: Option<&Filter>,
        candidates: &KeySet,
    ) -> Result<KeySet>;

    /// For each of `columns` (with the key kind of the table it points at),
    /// the distinct non-NULL values in the rows with `keys`, or in every row.
    fn foreign_key_values(
        &mut self,
        model: &'static Model,
        columns: &[(&str, KeyKind)],
        keys: Option<&KeySet>,
        batch_size: usize,
    ) -> Result<Vec<KeySet>>;

    /// Streams the selected rows in key order as PostgreSQL CSV, one field
    /// per item of `model.select_list` (a faked nullable column as `t` or
    /// `f` for whether it is NULL; a faked NOT NULL column not at all). `f`
    /// is called once per chunk; every chunk holds whole records.
    fn rows(
        &mut self,
        model: &'static Model,
        selection: &Selection,
        batch_size: usize,
        f: &mut dyn FnMut(&mut dyn Read) -> Result<()>,
    ) -> Result<()>;

    /// Ends the read (for PostgreSQL, the snapshot's transaction).
    fn finish(&mut self) -> Result<()>;
}
