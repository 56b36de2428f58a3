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
/// `$2`, ... bound to the parameters.
pub struct Filter {
    /// The condition, as written.
    pub sql: String,
    /// The values bound to `$1`, `$2`, ...
    pub params: Vec<Param>,
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
            _model: PhantomData,
        }
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
            .finish()
    }
}
