//! dataslicer: small, anonymized, referentially complete slices of PostgreSQL.
//!
//! Mirror the tables you care about as Rust structs, say which columns hold
//! personal data, and dataslicer writes a slice: a sample of rows, the rows
//! that belong to them, and every row they need, with the personal data
//! replaced by fakes. The slice is one CSV file per table plus a
//! `manifest.json`, and it loads into an empty copy of the schema with every
//! constraint on.
//!
//! # A worked example
//!
//! ```no_run
//! use dataslicer::prelude::*;
//!
//! #[derive(Importer)]
//! #[table("django_site")]
//! struct Site {
//!     id: i32,
//!     domain: String,
//! }
//!
//! #[derive(Importer)]
//! #[table("accounts_customer")]
//! struct Customer {
//!     id: i64,
//!     #[fk(Site)]
//!     site_id: i32,
//!     #[fake(email, unique)]
//!     email: String,
//!     #[fake(phone_number)]
//!     phone: Option<String>,
//!     is_active: bool,
//!     #[fk(Customer, optional)]
//!     referred_by_id: Option<i64>,
//! }
//!
//! #[derive(Importer)]
//! #[table("orders_order")]
//! struct Order {
//!     id: i64,
//!     #[fk(Customer)]
//!     customer_id: i64,
//!     status: String,
//! }
//!
//! let jobs = vec![
//!     ImportJob::<Customer>::new().filter("is_active AND id > $1", params![1000_i64]).sample(100),
//!     ImportJob::<Order>::new(),
//! ];
//! let mut client = dataslicer::connect("postgres://app@db.internal/shop")?;
//! let manifest = dataslicer::download(&mut client, &jobs, "slice/", &Options { seed: 42, ..Default::default() })?;
//! for table in &manifest.tables {
//!     println!("{}: {} rows", table.table, table.rows);
//! }
//! # Ok::<(), dataslicer::Error>(())
//! ```
//!
//! This writes `slice/django_site.csv`, `slice/accounts_customer.csv`,
//! `slice/orders_order.csv` and `slice/manifest.json`: 100 active customers
//! chosen at random, all their orders, and the sites they belong to. Their
//! e-mails and phone numbers are fakes; the originals are never read (see
//! [What is read of a faked column](#what-is-read-of-a-faked-column)).
//!
//! # Everything below a root
//!
//! A real application has dozens of tables below its users. A root job takes
//! all of them with one call, [`ImportJob::descendants`]:
//!
//! ```no_run
//! use dataslicer::prelude::*;
//!
//! #[derive(Importer)]
//! #[table("django_content_type")]
//! struct ContentType { id: i32, app_label: String, model: String }
//!
//! #[derive(Importer)]
//! #[table("auth_user")]
//! struct User {
//!     id: i32,
//!     #[fake(email, unique)]
//!     email: String,
//!     // A referrer is not something a user owns: the walk does not follow
//!     // this key down (the referrer still comes along as a parent).
//!     #[fk(User, optional, no_descend)]
//!     referred_by_id: Option<i32>,
//! }
//!
//! #[derive(Importer)]
//! #[table("shop_order")]
//! struct Order { id: i64, #[fk(User)] user_id: i32 }
//!
//! #[derive(Importer)]
//! #[table("shop_orderline")]
//! struct OrderLine { id: i64, #[fk(Order)] order_id: i64, #[fk(Product)] product_id: i64 }
//!
//! #[derive(Importer)]
//! #[table("catalogue_category")]
//! struct Category {
//!     id: i32,
//!     // django-treebeard's MP_Node: every row's ancestors come along.
//!     #[tree(step = 4)]
//!     path: String,
//! }
//!
//! #[derive(Importer)]
//! #[table("catalogue_product")]
//! struct Product {
//!     id: i64,
//!     #[fk(Category)] category_id: i32,
//!     // Variants belong to their parent product: followed down.
//!     #[fk(Product)] parent_id: Option<i64>,
//! }
//!
//! #[derive(Importer)]
//! #[table("reviews_review")]
//! struct Review {
//!     id: i64,
//!     #[fk(User)] user_id: i32,
//!     #[fk(ContentType)] content_type_id: i32,
//!     // A Django GenericForeignKey: the reviewed object, of any model.
//!     #[generic(content_type = "content_type_id")]
//!     object_id: i64,
//! }
//!
//! let jobs = vec![ImportJob::<User>::new().sample(50).descendants()];
//! let mut client = dataslicer::connect("postgres://app@db.internal/shop")?;
//! dataslicer::download(&mut client, &jobs, "slice/", &Options::default())?;
//! # Ok::<(), dataslicer::Error>(())
//! ```
//!
//! This takes 50 users, their orders and those orders' lines, their reviews
//! (all tables with a foreign key into what is taken, transitively), then
//! every row those need: the products the lines and reviews point at (a
//! review's object, whatever its model, is found through
//! `django_content_type`), those products' categories with all their
//! ancestors, and the content types. The rules:
//!
//! 1. **Which tables.** Every model of the program registers itself
//!    ([`model::all_models`]). Below a root, a model joins the walk when it
//!    has an `#[fk]` into a table of the walk, transitively: children,
//!    grandchildren, many-to-many rows, tables reached through several
//!    parents. `#[fk(Model, no_descend)]` keeps the walk off a key. Generic
//!    relations are followed down only where the model says
//!    `#[generic(content_type = "...", descend)]` (comments on a post) or the
//!    run names them (`--descend-generic TABLE.COLUMN`): the database cannot
//!    tell an owned generic relation from a mere reference, and descending
//!    from popular targets would explode a slice.
//! 2. **Which rows.** A table of the walk gets every row whose key points at
//!    a row taken from one of its parents (the union), its own
//!    self-references included (a product's variants, replies to replies),
//!    and tables in a cycle are walked together until nothing new turns up.
//!    A root's own rows are its filter and sample. An explicit job for a
//!    table below a root refines it: its filter applies to the rows the walk
//!    finds, then its sample, then [`ImportJob::cap`].
//! 3. **Limits.** [`Walk`] (in [`Options::walk`], or `--only PATTERN`,
//!    `--exclude PATTERN` on the command line, with pg_dump's `*` and `?`)
//!    keeps tables out of the walk; caps (`--cap TABLE.COLUMN=K`) keep at most
//!    `K` children per parent along a key, chosen with the seed. Neither can
//!    break completeness: a table kept out still holds the parents the slice
//!    needs, and a child left out brings none of its own children.
//! 4. **Up, always.** Then every row gets, recursively: the rows its
//!    non-optional foreign keys point at (to a primary key, or to another
//!    unique column with `#[fk(Model, key = "code")]`); the targets of its
//!    generic relations, one batched query per target table, their content
//!    type mapped to a model by Django's default table name
//!    `<app_label>_<model>` or `#[content_type("app", "model")]`
//!    (references to a content type no model has are counted and reported,
//!    never silently dropped); with `#[tree]`, every ancestor in a
//!    materialized-path tree (rows whose path is a proper prefix, in steps of
//!    `step` characters); and its subclass rows in Django's multi-table
//!    inheritance (a model whose primary key is an `#[fk]` to another's
//!    primary key, such as `page_ptr_id`): a page in the slice, as root,
//!    descendant or parent, always has its `blog_blogpage` row. Rows taken
//!    this way bring no children.
//! 5. **Nothing left out silently.** `plan` says why each table is in the
//!    slice and lists the modelled tables that reference it without being
//!    walked, with the key; the manifest and the run's summary count the
//!    optional keys written as NULL and the generic references that point at
//!    no model.
//!
//! Jobs that do not ask for descendants keep the rules below.
//!
//! # What a slice of explicit jobs contains
//!
//! 1. **Samples.** A job with `sample(n)` takes `n` rows chosen at random
//!    among those matching its filter (all of them when there are fewer). The
//!    choice depends only on the seed and the data: the same seed gives the
//!    same rows, byte for byte, run after run; another seed gives another
//!    sample. With an integer primary key, rows are found by probing random
//!    keys through the primary key index, so the cost grows with `n`, not
//!    with the table. When keys are so sparse, or the filter so selective,
//!    that probing would take more than `16n + 4096` lookups, and for text
//!    and UUID keys, the job reads every matching *key* (an index or
//!    sequential scan of the table, but not its rows) and chooses among them.
//! 2. **Downward.** A job whose model has foreign keys to *restricted* jobs
//!    (sampled, filtered, or restricted this way themselves) takes only the
//!    rows that reference a selected row of one of them (the union over those
//!    keys), then applies its own filter and sample. With the jobs above, the
//!    orders are those of the 100 customers. Foreign keys are looked up in
//!    batches through `= ANY($1)`, so with an index on the foreign key column
//!    the cost grows with the slice, not the table. Jobs are visited parents
//!    first; where jobs form a cycle, a job is restricted by the parents
//!    visited before it (a self-reference restricts nothing downward).
//! 3. **Whole tables.** A job with no filter, no sample and no restricted
//!    parent exports its whole table: a catalogue, say.
//! 4. **Upward closure.** Every row in the slice gets every row its foreign
//!    keys point at, recursively, to a fixpoint: parents, grandparents,
//!    models no job names (reached through `#[fk]`), self-references (a
//!    customer's referrer, a category's parent chain) and cycles between
//!    tables. Rows pulled in this way do not bring their own children (a
//!    referrer's orders stay out), or a slice would grow without bound. An
//!    `optional` foreign key (`#[fk(Customer, optional)]`) does not pull its
//!    parent in: where the parent is not otherwise in the slice, the column is
//!    written as NULL.
//! 5. **Loadable.** The tables are listed in `manifest.json` in an order
//!    that loads parents first; foreign keys within cycles need deferrable
//!    constraints or a nullable column, and the slice then loads into an
//!    empty copy of the schema with every constraint checked.
//!
//! # How it runs
//!
//! * Every read happens in one `REPEATABLE READ, READ ONLY` transaction:
//!   writes on the source during the export cannot break the slice, and the
//!   source may be a hot standby reached by a role that may only `SELECT`.
//!   Nothing is written to the source, not even temporary tables.
//! * Rows stream from `COPY ... TO STDOUT (FORMAT csv)` to the files. Only
//!   fields that change (fakes, nulled optional keys) are rewritten; every
//!   other byte is PostgreSQL's own. Keys are held compactly in memory, never
//!   rows.
//! * Before anything is read, every model is checked against the live
//!   schema: a missing table or column, a type that does not match, a NOT
//!   NULL column the model leaves out, all named in one error.
//! * The directory is written under a temporary name and renamed into place
//!   when complete: an interrupted run never leaves a directory that looks
//!   like a slice.
//!
//! # Connecting
//!
//! [`connect()`] and every connection of the command line follow libpq's
//! conventions: URLs and keyword/value strings, the `PG*` environment
//! variables, `~/.pgpass`, and TLS (rustls: nothing to install) for every
//! `sslmode`. The startup is bounded by a timeout (10 seconds by default), and
//! a connection is only ever shown as `postgres://user@host:port/dbname`. See
//! [`connect`](mod@connect) for the rules, [`interrupt`] for Ctrl-C.
//!
//! # Sources and targets
//!
//! [`download`] reads PostgreSQL and writes a slice directory. [`slice()`]
//! takes any [`Source`] and any [`Sink`]: a PostgreSQL snapshot
//! ([`PgSource`]) or a slice directory ([`DirSource`], a colleague's export)
//! on one side, a directory ([`DirSink`]) or a PostgreSQL database
//! ([`PgSink`]) on the other, with the same jobs and models. From a
//! directory, sampling, the walks along foreign keys and fakes work as from
//! PostgreSQL; a SQL filter needs a server, unless the directory was written
//! with the same filter on that table (its manifest says so): then the rows
//! passed it already. Another filter is refused with a clear error.
//! A directory is checked against its manifest (format version, files,
//! SHA-256, row counts, headers, the models' columns) before anything is
//! written. [`load`] puts a slice directory into PostgreSQL exactly as it is.
//!
//! With [`Options::jobs`] above 1, a PostgreSQL source made
//! [`with_workers`](PgSource::with_workers) writes a directory's tables on
//! that many connections at once, every one on the first connection's
//! exported snapshot; the files are byte for byte those of one connection.
//! [`run::slice_reporting`] and [`run::load_reporting`] tell a
//! [`progress::Report`] how far each table is ([`progress::Stderr`] draws
//! bars or lines; `Options::progress` picks it for [`slice()`]).
//!
//! Writing into PostgreSQL is one transaction: `COPY ... FROM STDIN` table by
//! table in the manifest's order with deferred constraints; foreign keys
//! that close a cycle and cannot be deferred are loaded NULL first and set
//! afterwards; then every sequence owned by a loaded column is moved past the
//! largest loaded value. On any error (a bad value, a violated constraint, a
//! lost connection) the transaction is rolled back and the error names the
//! table, the line of the CSV file and the column. What happens when a
//! target table already has rows is [`IfExists`]: refuse (the default),
//! truncate the slice's tables first, or merge (insert rows whose primary key
//! is absent). `truncate` empties only the tables the slice has rows for; a
//! table the slice has no rows for keeps its rows under every mode, and the
//! load says which it left alone ([`load_with_notes`], and the command line).
//!
//! # Loading into a migrated Django database
//!
//! A migrated database already holds rows its migrations made, under ids of
//! its own: Django's content types (whose ids follow migration order) and
//! permissions. Such rows are matched, not copied, as Django's `loaddata`
//! does with natural keys: `django_content_type` by (`app_label`, `model`),
//! `auth_permission` by (`content_type_id`, `codename`) once its content type
//! is matched, and the rows of any model marked `#[natural_key("col", ...)]`
//! by those columns (equal when `IS NOT DISTINCT FROM`). Each slice row is
//! mapped onto the target's row with the same natural key, which is left as
//! it is, or inserted (with a new id from the key's default) when the target
//! lacks it. Every column of the slice that references a matched table (the
//! target's foreign keys and the models' `#[fk]`s) is rewritten to the
//! target's id, so permissions, admin log entries and generic relations (whose
//! content type column is an `#[fk]` to `django_content_type`) point at the
//! right model. This holds for [`load`] and for slicing straight into
//! PostgreSQL, under every [`IfExists`]. The object id of a generic relation
//! (`#[generic]`) whose object is a row of a matched table itself (an admin
//! log entry about a permission) is rewritten too, once every table is
//! matched; the matched table's content type is found by Django's default
//! table name `<app_label>_<model>` (and `django_content_type` for content
//! types).
//!
//! A failed load leaves the target's sequences as they were: PostgreSQL
//! never rolls `setval` and `nextval` back, so the load records every
//! sequence it may move before writing and puts back those that moved (see
//! [`sink::postgres`] for the window that remains: a lost connection or a
//! kill in the load's last milliseconds).
//!
//! # What is read of a faked column
//!
//! For a faked column the query selects no value, only what the fake must
//! keep, computed on the server ([`ColumnRead`]):
//!
//! * a text column (a `String` field): `(col::text = '')`, which is NULL,
//!   true or false, so NULL stays NULL, `''` stays `''` and only other values
//!   get fakes;
//! * a `json`/`jsonb` column: whether the document is NULL or one of the
//!   empty documents `null`, `""`, `{}` and `[]`, which are written as they
//!   are (in `jsonb`'s spelling); other documents get a fake, as JSON (a JSON
//!   string for the named kinds);
//! * a column of another type (numbers, dates, UUIDs have no empty value):
//!   `(col IS NULL)` when it is nullable, nothing at all when it is NOT NULL.
//!
//! PostgreSQL's column privileges make any mention of a column need `SELECT`
//! on it, even `col = ''`: the value never leaves the server, but the role
//! needs the privilege. A role without `SELECT` on a faked NOT NULL column
//! still slices: that column is left out of the query and every row gets a
//! fake (its `''` cannot be told apart); one without `SELECT` on a faked
//! nullable column is refused before anything is written, naming the column.
//!
//! Two fakes read the value, and only these: a `consistent` fake (its fake is
//! derived from a keyed hash of the normalised original) and a `json(...)`
//! fake (the document is rewritten key by key). The originals they read are
//! hashed or rewritten in memory and never written, shown in an error or
//! logged. See [`fake`].
//!
//! # Models
//!
//! `#[derive(Importer)]` takes a struct with named fields:
//!
//! | attribute | on | meaning |
//! |---|---|---|
//! | `#[table("name")]`, `#[table("schema.name")]` | struct | the table (required) |
//! | `#[pk]` | field | the primary key (default: the field named `id`) |
//! | `#[column("sql_name")]` | field | the column's name, when it differs from the field's |
//! | `#[fk(Model)]` | field | a foreign key to `Model`'s primary key; the field's type must be that key's type, or an `Option` of it |
//! | `#[fk(Model, optional)]` | `Option` field | a foreign key written as NULL when its parent is not in the slice |
//! | `#[fk(Model, no_descend)]` | field | the walk below a root does not follow this key down |
//! | `#[fk(Model, key = "col")]` | field | a foreign key to `Model`'s unique column `col` (Django's `to_field`); the field's type must be that column's |
//! | `#[generic(content_type = "col")]` | object id field | a Django generic foreign key whose content type is in `col` (an `#[fk]` to the content type model); add `descend` to follow it down |
//! | `#[tree(step = n)]` | `String` field | the path of a materialized-path tree (django-treebeard `MP_Node`, `steplen` 4 by default) |
//! | `#[content_type("app", "model")]` | struct | the model's Django content type, when its table is not `<app>_<model>` |
//! | `#[fake(kind)]` | field | replace the values by fakes of `kind`, see [`fake`] |
//! | `#[fake(kind, unique)]` | field | fakes no two rows share, in this run or another with the same seed |
//! | `#[fake(kind, consistent)]` | field | the fake follows the original: one pseudonym per person in every table (e-mails trimmed and lowercase) |
//! | `#[fake(kind, consistent(normalize = path))]` | field | originals equal after `path: fn(&str) -> String` get one fake |
//! | `#[fake(json(key = kind, "other key" = kind))]` | JSON or `String` field | fake the string values under these keys inside JSON documents, keep the rest |
//! | `#[natural_key("col", ...)]` | struct | match the rows by these columns when loading into PostgreSQL, instead of copying them |
//!
//! An `Option<T>` field mirrors a nullable column. Field types: integers,
//! `f32`/`f64`, `bool`, `String`, `Vec<u8>`, and with the crate features of
//! the same names chrono's date and time types, `rust_decimal::Decimal`,
//! `uuid::Uuid` and `serde_json::Value` (`json`). Mistakes are compile errors
//! at the attribute or field at fault.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate self as dataslicer;

pub mod catalog;
pub mod check;
pub mod cli;
pub mod connect;
pub mod error;
pub mod estimate;
mod export;
pub mod fake;
// Crate-private: its types' variant names (`Decimal`, `Uuid`, ...) would
// otherwise make rustc spell those types in full in users' error messages.
#[cfg(feature = "codegen")]
mod generate;
pub mod interrupt;
pub mod job;
pub mod keys;
pub mod location;
pub mod manifest;
pub mod model;
pub mod options;
pub mod plan;
pub mod progress;
pub mod record;
pub mod run;
pub mod sample;
pub mod schema;
pub mod select;
pub mod sink;
pub mod source;
pub mod sql;
#[cfg(feature = "codegen")]
pub mod tool;
pub mod verify;
pub mod walk;
mod write;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use connect::connect;
pub use error::{Error, Result};
pub use fake::Locale;
pub use job::{Filter, ImportJob, Param};
pub use location::Location;
pub use manifest::Manifest;
pub use model::{
    Column, ColumnRead, ColumnType, Fake, FakeFn, FakeKind, ForeignKey, Importer, JsonKey, KeyKind,
    KeyType, Model, NormalizeFn, SqlType, TableName,
};
pub use options::Options;
pub use run::{download, load, load_with_notes, slice};
pub use sink::{DirSink, IfExists, PgSink, Sink};
pub use source::{DirSource, PgSource, Source};
pub use walk::Walk;

#[cfg(feature = "derive")]
pub use dataslicer_derive::Importer;

// The crates of the field types, so that models name them through
// dataslicer (`dataslicer::chrono::NaiveDate`) and need no version of their
// own that must match. Not serde_json: its `Value::String` would make rustc
// spell `std::string::String` in full in every message about a model; a
// `serde_json::Value` field needs `serde_json = "1"` beside dataslicer.
#[cfg(feature = "chrono")]
pub use chrono;
pub use rand;
#[cfg(feature = "rust_decimal")]
pub use rust_decimal;
#[cfg(feature = "uuid")]
pub use uuid;

/// Everything a model file and an exporter need: `use dataslicer::prelude::*;`.
///
/// That includes what a `#[fake(with = ...)]` function needs: its input
/// and the traits that draw from the input's generator, so an exporter needs
/// no `rand` of its own (nor one whose version must match dataslicer's):
///
/// ```
/// use dataslicer::prelude::*;
///
/// /// A nickname: the first name's initial and a number.
/// pub fn nickname(input: &mut FakeInput<'_>) -> String {
///     let initial = input.get("first_name").and_then(|n| n.chars().next()).unwrap_or('x');
///     format!("{initial}{}", input.rng().random_range(1..1000))
/// }
///
/// #[derive(Importer)]
/// #[table("accounts_customer")]
/// pub struct Customer {
///     pub id: i64,
///     #[fake(first_name)]
///     pub first_name: String,
///     #[fake(with = nickname)]
///     pub nickname: String,
/// }
/// # assert!(Customer::MODEL.column("nickname").unwrap().fake.is_some());
/// ```
pub mod prelude {
    pub use crate::fake::FakeInput;
    pub use crate::job::ImportJob;
    pub use crate::model::Importer;
    pub use crate::params;
    pub use crate::run::{Options, download};
    #[cfg(feature = "derive")]
    pub use dataslicer_derive::Importer;
    /// Drawing from [`FakeInput::rng`] in a `with` function
    /// (`input.rng().random_range(0..10)`) needs no `rand` of your own.
    pub use rand::{Rng, RngExt};
}
