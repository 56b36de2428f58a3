//! Jobs: which tables to slice, and how.

use crate::model::{Importer, Model};
use postgres::types::ToSql;
use std::fmt;
use std::marker::PhantomData;

/// A bound parameter of a job's filter. Build a list with [`params!`](crate::params).
pub type Param = Box<dyn ToSql + Sync + Send>;

/// Builds the parameter list of a filter: `params![cutoff, "paid"]`.
///
/// Values are always bound, never spliced into the SQL text.
#[macro_export]
macro_rules! params {
    () => { ::std::vec::Vec::<$crate::Param>::new() };
    ($($value:expr),+ $(,)?) => {
        ::std::vec![$(::std::boxed::Box::new($value) as $crate::Param),+]
    };
}

/// A job's filter: a SQL condition on the table's own columns, with `$1`,
/// `$2`, ... bound to the parameters. It runs inside the run's read-only
/// snapshot, so subqueries over other tables see the same data as the rest
/// of the run.
pub struct Filter {
    /// The condition, as written.
    pub sql: String,
    /// The values bound to `$1`, `$2`, ...
    pub params: Vec<Param>,
}

impl Filter {
    /// A filter with no parameters, such as `--where` gives.
    pub fn sql(sql: impl Into<String>) -> Filter {
        Filter {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    /// What identifies the filter in a manifest: its SQL and each bound
    /// value as Rust prints it.
    pub fn signature(&self) -> (String, Vec<String>) {
        (
            self.sql.clone(),
            self.params.iter().map(|p| format!("{p:?}")).collect(),
        )
    }
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter")
            .field("sql", &self.sql)
            .field("params", &self.params.len())
            .finish()
    }
}

/// The type that stands for "any model" once a job is built.
#[derive(Debug)]
pub enum AnyModel {}

/// One table to slice: a model, optionally a filter and a sample size.
///
/// `ImportJob::<Customer>::new()` picks the model; the job it returns no
/// longer carries the model's type, so jobs for different models go in one
/// `Vec`:
///
/// ```
/// # use dataslicer::prelude::*;
/// # #[derive(Importer)] #[table("accounts_customer")] struct Customer { id: i64, is_active: bool }
/// # #[derive(Importer)] #[table("orders_order")] struct Order { id: i64, #[fk(Customer)] customer_id: i64 }
/// let jobs = vec![
///     ImportJob::<Customer>::new().filter("is_active AND id > $1", params![10_i64]).sample(100),
///     ImportJob::<Order>::new(),
/// ];
/// assert_eq!(jobs[0].model().table.name, "accounts_customer");
/// assert_eq!(jobs[0].sample_size(), Some(100));
/// ```
pub struct ImportJob<M: ?Sized = AnyModel> {
    model: &'static Model,
    filter: Option<Filter>,
    sample: Option<u64>,
    descendants: bool,
    caps: Vec<(&'static str, u64)>,
    _model: PhantomData<fn() -> Box<M>>,
}

impl<M: Importer> ImportJob<M> {
    /// A job exporting the rows of `M`'s table that the other jobs select
    /// (or all of them, when nothing restricts it).
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> ImportJob {
        ImportJob::for_model(M::MODEL)
    }
}

impl ImportJob {
    /// A job for a model known only at run time.
    pub fn for_model(model: &'static Model) -> ImportJob {
        ImportJob {
            model,
            filter: None,
            sample: None,
            descendants: false,
            caps: Vec::new(),
            _model: PhantomData,
        }
    }

    /// Makes the job a root that takes every modelled table below it: each
    /// table with a foreign key into the rows taken so far, transitively
    /// (children, grandchildren, many-to-many rows, self-references such as
    /// a product's variants), with no job per table. Keys marked
    /// `#[fk(Model, no_descend)]` are not followed, nor are tables kept out
    /// by [`Walk`](crate::walk::Walk). See the crate docs for the rules.
    ///
    /// ```
    /// # use dataslicer::prelude::*;
    /// # #[derive(Importer)] #[table("auth_user")] struct User { id: i32 }
    /// let job = ImportJob::<User>::new().sample(50).descendants();
    /// assert!(job.takes_descendants());
    /// ```
    pub fn descendants(mut self) -> Self {
        self.descendants = true;
        self
    }

    /// Keeps at most `max` rows of this job's table per parent row along its
    /// foreign key `column`, chosen with the seed (the slice stays complete:
    /// the children of a row left out are left out too).
    pub fn cap(mut self, column: &'static str, max: u64) -> Self {
        self.caps.push((column, max));
        self
    }

    /// Whether the job takes its descendants.
    pub fn takes_descendants(&self) -> bool {
        self.descendants
    }

    /// Sets whether the job takes its descendants (`--root` on the command
    /// line).
    pub fn set_descendants(&mut self, descendants: bool) {
        self.descendants = descendants;
    }

    /// The job's caps: (foreign key column, most children per parent).
    pub fn caps(&self) -> &[(&'static str, u64)] {
        &self.caps
    }

    /// Replaces the filter (`--where TABLE=SQL` on the command line).
    pub fn set_filter(&mut self, filter: Option<Filter>) {
        self.filter = filter;
    }

    /// Keeps only rows matching `sql`, a condition on the table's columns.
    /// `$1`, `$2`, ... refer to `params`, which are bound, never spliced.
    pub fn filter(mut self, sql: impl Into<String>, params: Vec<Param>) -> Self {
        self.filter = Some(Filter {
            sql: sql.into(),
            params,
        });
        self
    }

    /// Takes `n` rows chosen at random (deterministically for a seed) among
    /// those the job would otherwise take.
    pub fn sample(mut self, n: u64) -> Self {
        self.sample = Some(n);
        self
    }

    /// The job's model.
    pub fn model(&self) -> &'static Model {
        self.model
    }

    /// The job's filter, if any.
    pub fn filter_ref(&self) -> Option<&Filter> {
        self.filter.as_ref()
    }

    /// The sample size, if any.
    pub fn sample_size(&self) -> Option<u64> {
        self.sample
    }

    /// Replaces the sample size (`--sample TABLE=N` on the command line).
    pub fn set_sample(&mut self, n: Option<u64>) {
        self.sample = n;
    }
}

impl fmt::Debug for ImportJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportJob")
            .field("table", &self.model.table.to_string())
            .field("filter", &self.filter)
            .field("sample", &self.sample)
            .field("descendants", &self.descendants)
            .field("caps", &self.caps)
            .finish()
    }
}
