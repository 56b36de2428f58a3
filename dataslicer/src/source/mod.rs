//! Where rows come from: a PostgreSQL snapshot ([`PgSource`]) or a slice
//! directory ([`DirSource`]). The selection and the export only talk to the
//! [`Source`] trait, so every job works the same on both.

pub mod dir;
pub mod postgres;

pub use self::dir::DirSource;
pub use self::postgres::PgSource;

use crate::error::Result;
use crate::job::Filter;
use crate::keys::Key;
use crate::keys::{KeySet, Selection};
use crate::model::{GenericRelation, KeyKind, Model};
use crate::schema::Checked;
use std::io::Read;

/// Which rows [`Source::select_keys`] looks for, and what it reads of them.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyQuery<'a> {
    /// The job's SQL filter.
    pub filter: Option<&'a Filter>,
    /// Only rows whose column holds one of these values (bound in batches).
    pub restrict: Option<(&'a str, &'a KeySet)>,
    /// Only rows whose (integer) column equals this value: a generic
    /// relation's content type.
    pub equal: Option<(&'a str, i64)>,
    /// Foreign key columns (with their targets' key kinds) whose distinct
    /// non-NULL values to read in the same pass.
    pub parents: &'a [(&'a str, KeyKind)],
    /// Whether to return each row's key with its `restrict` column's value.
    pub pairs: bool,
}

/// What [`Source::select_keys`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The keys of the rows.
    pub keys: KeySet,
    /// For each requested foreign key column, its values in those rows.
    pub parents: Vec<KeySet>,
    /// With [`KeyQuery::pairs`]: (row key, value of the `restrict` column).
    pub pairs: Vec<(Key, Key)>,
}

impl Found {
    /// Nothing yet: empty sets of the right kinds.
    pub fn new(kind: KeyKind, parents: &[(&str, KeyKind)]) -> Found {
        Found {
            keys: KeySet::new(kind),
            parents: parents.iter().map(|&(_, k)| KeySet::new(k)).collect(),
            pairs: Vec::new(),
        }
    }

    /// Adds what `other` found.
    pub fn merge(&mut self, other: Found) {
        self.keys.merge_new(other.keys);
        for (mine, theirs) in self.parents.iter_mut().zip(other.parents) {
            mine.merge_new(theirs);
        }
        self.pairs.extend(other.pairs);
    }
}

/// One row of Django's `django_content_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    /// Its id.
    pub id: i64,
    /// `app_label`.
    pub app_label: String,
    /// `model`: the model's name in lower case.
    pub model: String,
}

/// Opens more readers of the rows one [`Source`] reads, one per worker
/// thread: see [`Source::workers`].
pub trait Workers: Send + Sync {
    /// Opens one more reader of exactly the same rows (for PostgreSQL, a
    /// connection whose transaction imports the source's snapshot), runs
    /// `f` with it, and closes it.
    fn run(&self, f: &mut dyn FnMut(&mut dyn Source) -> Result<()>) -> Result<()>;
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

    /// The keys of the rows `query` describes, with what else it asks for.
    fn select_keys(
        &mut self,
        model: &'static Model,
        query: &KeyQuery<'_>,
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

    /// The distinct (content type id, object id as text) pairs of a generic
    /// relation in the rows with `keys`, or in every row; pairs with a NULL
    /// are left out.
    fn generic_refs(
        &mut self,
        model: &'static Model,
        relation: &GenericRelation,
        keys: Option<&KeySet>,
        batch_size: usize,
    ) -> Result<Vec<(i64, String)>>;

    /// Whether every row of `parent` is referenced by some row of `child`
    /// through `column` (which points at `parent`'s `key`): when it is, a
    /// child taken whole needs its parent whole, and no key need travel.
    /// `false` when the source cannot tell cheaply (the caller then reads
    /// the keys).
    fn references_every_row(
        &mut self,
        child: &'static Model,
        column: &str,
        parent: &'static Model,
        key: &str,
    ) -> Result<bool> {
        let _ = (child, column, parent, key);
        Ok(false)
    }

    /// The planner's estimate of the rows in `model`'s table, for progress;
    /// `None` when the source has none.
    fn estimated_rows(&mut self, model: &'static Model) -> Result<Option<u64>> {
        let _ = model;
        Ok(None)
    }

    /// Readers of the same rows for worker threads (`--jobs`): for
    /// PostgreSQL, connections that import this source's snapshot. `None`
    /// when the source cannot open more (the default).
    fn workers(&mut self) -> Result<Option<Box<dyn Workers>>> {
        Ok(None)
    }

    /// Every row of Django's content type table, mirrored by `model`.
    fn content_types(&mut self, model: &'static Model) -> Result<Vec<ContentType>>;

    /// Streams the selected rows in key order as PostgreSQL CSV, one field
    /// per column not [`Deferred`](crate::ColumnRead::Deferred), each read as
    /// the [`Checked::reads`] of the source's `check` say (see
    /// [`ColumnRead`](crate::ColumnRead)). `f` is called once per chunk;
    /// every chunk holds whole records.
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
