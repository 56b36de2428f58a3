//! Models from a live schema: what `dataslicer inspect` prints and
//! `dataslicer new` writes as a ready exporter crate.
//!
//! One pass over a [`Catalog`] decides everything (the tables, each one's
//! module, struct name, fields, keys, fakes and what was detected), then
//! the printers in `emit` build Rust tokens with `quote` and format them
//! with `prettyplease`. What was decided and why is said in the generated
//! code's doc comments and in the crate's README.

mod analyze;
mod emit;
mod fakes;
mod names;
mod personal;
mod types;

pub use self::emit::{Dependency, NewCrate, inspect};
pub use self::names::{glob, package};
pub use self::types::RustType;

pub use self::analyze::analyze;

use self::personal::Choice;
use std::collections::BTreeSet;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only tables matching one of these globs (`auth_*`), when any.
    pub tables: Vec<String>,
    /// Never tables matching one of these globs.
    pub exclude: Vec<String>,
    /// The root table of the exporter's job (default: Django's user table,
    /// else the most referenced table).
    pub root: Option<String>,
    /// The root job's sample size.
    pub sample: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tables: Vec::new(),
            exclude: Vec::new(),
            root: None,
            sample: 100,
        }
    }
}

/// The tables of Django's contrib apps whose names are not
/// `<app_label>_<model>`: (table, app label, model).
pub(crate) const DJANGO_TABLES: &[(&str, &str, &str)] = &[
    ("django_admin_log", "admin", "logentry"),
    ("django_content_type", "contenttypes", "contenttype"),
    ("django_session", "sessions", "session"),
    ("django_site", "sites", "site"),
    ("django_redirect", "redirects", "redirect"),
    ("django_flatpage", "flatpages", "flatpage"),
];

/// Tables never generated: Django's record of applied migrations.
pub(crate) const LEFT_OUT: &[&str] = &["django_migrations"];

/// Everything decided about a schema.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The models, ordered by module, then table.
    pub models: Vec<ModelSpec>,
    /// The module names, sorted.
    pub modules: Vec<String>,
    /// The index of the root model.
    pub root: usize,
    /// Why it is the root.
    pub root_reason: String,
    /// Models that get a job of their own: tables that no foreign key
    /// connects to any other.
    pub extra_jobs: Vec<usize>,
    /// The root job's sample size.
    pub sample: u64,
    /// The crate features the field types need (`derive` always).
    pub features: BTreeSet<&'static str>,
    /// Tables and columns left out, and why.
    pub skipped: Vec<String>,
    /// Columns that look personal but were left as they are: (table,
    /// column, why).
    pub review: Vec<(String, String, String)>,
    /// What was detected (generic relations, inheritance, trees).
    pub detected: Vec<String>,
    /// The `with` functions the fakes use.
    pub fake_functions: Vec<&'static str>,
}

/// One model.
#[derive(Debug, Clone)]
pub struct ModelSpec {
    /// The table as `#[table("...")]` writes it.
    pub table: String,
    /// The module (Django app).
    pub module: String,
    /// The struct's name.
    pub name: String,
    /// `#[content_type("app", "model")]`, when the table's name is not
    /// Django's default for its content type.
    pub content_type: Option<(String, String)>,
    /// Doc comment lines of the struct.
    pub docs: Vec<String>,
    /// The fields, in column order.
    pub fields: Vec<FieldSpec>,
    /// The primary key's type.
    pub key_type: RustType,
}

/// One field.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// The column's SQL name.
    pub column: String,
    /// The field's name (`#[column]` when it differs from the column's).
    pub ident: String,
    /// The type, without `Option`.
    pub ty: RustType,
    /// Whether the column may be NULL (`Option`).
    pub nullable: bool,
    /// Whether it is the primary key.
    pub pk: bool,
    /// `#[fk(..)]`: the target model's index, and `key = ".."` when it
    /// references a column other than the target's primary key.
    pub fk: Option<(usize, Option<String>)>,
    /// `no_descend` on the `#[fk]`: the root's references to its own rows
    /// (a referrer, a manager), which would otherwise grow its sample.
    pub no_descend: bool,
    /// `#[fake(..)]`.
    pub fake: Option<Choice>,
    /// `#[generic(content_type = "..")]`: the content type column.
    pub generic: Option<String>,
    /// `#[tree(step = n)]`.
    pub tree: Option<u32>,
    /// Doc comment lines.
    pub docs: Vec<String>,
}
