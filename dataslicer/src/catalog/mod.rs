//! The live schema, read once into plain structs: tables, columns, keys,
//! unique constraints and indexes, foreign keys, check constraints, Django's
//! content types and the planner's row estimates.
//!
//! Everything `check`, `inspect`/`new` and `plan` know about a database
//! comes from one [`Catalog::read`]: a handful of queries over PostgreSQL's
//! system catalogs (never `information_schema`, which hides what the
//! current role may not see and is slow), run in whatever transaction the
//! caller gives. Personal data is never read: besides the catalogs, it reads
//! `django_content_type` (app and model names), `auth_permission`'s names
//! (for Django's verbose model names), the key *names* found in a small
//! sample of each JSON column, and the path lengths of treebeard trees.
//!
//! ```no_run
//! let mut client = dataslicer::connect("postgres://app@db.internal/shop")?;
//! let catalog = dataslicer::catalog::Catalog::read(&mut client, &[])?;
//! for table in &catalog.tables {
//!     println!("{}: ~{} rows", table.name, table.estimated_rows.unwrap_or(0.0));
//! }
//! # Ok::<(), dataslicer::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::model::TableName;
use postgres::GenericClient;
use std::collections::HashMap;

mod read;
use self::read::*;

/// Everything read from one database.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The tables of the chosen schemas, ordered by schema and name.
    pub tables: Vec<Table>,
    /// Django's content types, when `django_content_type` exists.
    pub content_types: Vec<ContentType>,
}

/// A table (or partitioned table).
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The schema.
    pub schema: String,
    /// The table's own name.
    pub name: String,
    /// Whether the `search_path` finds the table by its bare name.
    pub visible: bool,
    /// The columns, in the table's order.
    pub columns: Vec<Column>,
    /// The primary key's columns, in key order (empty without one).
    pub primary_key: Vec<String>,
    /// Unique constraints and unique indexes, the primary key not included.
    pub unique: Vec<Unique>,
    /// The table's foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints.
    pub checks: Vec<Check>,
    /// The planner's row estimate (`pg_class.reltuples`); `None` when the
    /// table has never been vacuumed or analyzed.
    pub estimated_rows: Option<f64>,
    /// Rows per level of a django-treebeard materialized path tree
    /// (`path`, `depth`, `numchild` columns): the length of the roots' paths,
    /// when the table has such rows.
    pub tree_step: Option<u32>,
}

impl Table {
    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The name as a model would write it: bare when the `search_path`
    /// finds it, else schema-qualified.
    pub fn table_name(&self) -> String {
        if self.visible {
            self.name.clone()
        } else {
            format!("{}.{}", self.schema, self.name)
        }
    }

    /// Whether `name` (bare or `schema.name`) names this table.
    pub fn is(&self, name: &TableName) -> bool {
        name.name == self.name
            && match name.schema {
                Some(schema) => schema == self.schema,
                None => self.visible,
            }
    }

    /// The single-column primary key, if the key is one column.
    pub fn single_key(&self) -> Option<&str> {
        match self.primary_key.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// Whether `column` alone is unique: the primary key, a unique
    /// constraint or index on it alone, or a unique index on an expression
    /// of it alone (`UNIQUE (lower(email))`).
    pub fn is_unique(&self, column: &str) -> bool {
        self.primary_key == [column]
            || self
                .unique
                .iter()
                .any(|u| !u.partial && u.columns.len() == 1 && u.columns[0] == column)
    }

    /// Whether `column` is part of any unique constraint or index.
    pub fn in_unique(&self, column: &str) -> bool {
        self.primary_key.iter().any(|c| c == column)
            || self
                .unique
                .iter()
                .any(|u| u.columns.iter().any(|c| c == column))
    }

    /// The foreign key whose only column is `column`.
    pub fn foreign_key(&self, column: &str) -> Option<&ForeignKey> {
        self.foreign_keys.iter().find(|fk| fk.columns == [column])
    }
}

/// A column.
#[derive(Debug, Clone, Default)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// The type as `format_type` prints it (`character varying(254)`).
    pub type_name: String,
    /// The type's name (`varchar`, `int4`, `_int4` for an array, an enum's
    /// name); for a domain, its base type's.
    pub base_type: String,
    /// The kind of type: [`TypeKind`].
    pub kind: TypeKind,
    /// For an array, the element type's name (`int4` for `integer[]`).
    pub element_type: Option<String>,
    /// `varchar(n)` / `char(n)`: the limit in characters.
    pub max_chars: Option<usize>,
    /// `numeric(p, s)`: precision and scale.
    pub numeric: Option<(u32, u32)>,
    /// Whether the column is NOT NULL.
    pub not_null: bool,
    /// The default expression, if any.
    pub default: Option<String>,
    /// `GENERATED ... AS IDENTITY`: `a` (always) or `d` (by default).
    pub identity: Option<char>,
    /// Whether it is a generated (computed) column.
    pub generated: bool,
    /// Whether the session's role may SELECT it.
    pub readable: bool,
    /// For `json`/`jsonb` columns, the object keys seen in a small sample
    /// of rows (names only, sorted).
    pub json_keys: Vec<String>,
}

impl Column {
    /// Whether an INSERT may leave the column out: it has a default, is an
    /// identity or generated column.
    pub fn has_default(&self) -> bool {
        self.default.is_some() || self.identity.is_some() || self.generated
    }
}

/// What kind of type a column has (`pg_type.typtype`, arrays apart).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TypeKind {
    /// A base type (`int4`, `text`, `citext`, ...).
    #[default]
    Base,
    /// An array of some type.
    Array,
    /// An enum.
    Enum,
    /// A range or multirange (not named `Range`, which would make rustc
    /// spell `std::ops::Range` in full in users' messages).
    Ranged,
    /// A composite (row) type.
    Composite,
    /// Something else (a pseudo-type).
    Other,
}

/// A unique constraint or unique index.
#[derive(Debug, Clone, Default)]
pub struct Unique {
    /// The constraint's or index's name.
    pub name: String,
    /// The columns it covers; for an expression index, the columns its
    /// expressions use.
    pub columns: Vec<String>,
    /// Whether it is an index on expressions (`lower(email)`).
    pub expression: bool,
    /// Whether it is a partial index (`WHERE ...`), unique only among some rows.
    pub partial: bool,
}

/// A foreign key constraint.
#[derive(Debug, Clone, Default)]
pub struct ForeignKey {
    /// The constraint's name.
    pub name: String,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table's schema.
    pub target_schema: String,
    /// The referenced table's name.
    pub target_table: String,
    /// The referenced columns (the primary key, or a unique column).
    pub target_columns: Vec<String>,
    /// Whether the constraint is DEFERRABLE.
    pub deferrable: bool,
    /// Whether it is INITIALLY DEFERRED.
    pub deferred: bool,
}

impl ForeignKey {
    /// Whether it references the table `schema.name`.
    pub fn targets(&self, table: &Table) -> bool {
        self.target_schema == table.schema && self.target_table == table.name
    }
}

/// A check constraint.
#[derive(Debug, Clone, Default)]
pub struct Check {
    /// The constraint's name.
    pub name: String,
    /// The columns it uses.
    pub columns: Vec<String>,
    /// Its definition as `pg_get_constraintdef` prints it.
    pub definition: String,
}

/// One row of `django_content_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    /// The content type's id.
    pub id: i64,
    /// The app's label (`auth`).
    pub app_label: String,
    /// The model's name, lowercase (`user`, `logentry`).
    pub model: String,
    /// The model's verbose name (`log entry`) as Django's default permission
    /// names give it, when `auth_permission` holds them.
    pub verbose_name: Option<String>,
}

/// The system schemas, never read.
const SYSTEM_SCHEMAS: &[&str] = &["pg_catalog", "information_schema", "pg_toast"];

/// How many rows of each JSON column are sampled for key names.
const JSON_SAMPLE_ROWS: i64 = 200;

impl Catalog {
    /// Reads the tables of `schemas` (empty: the schemas of the
    /// `search_path`), and Django's content types when there are any.
    pub fn read(client: &mut impl GenericClient, schemas: &[String]) -> Result<Catalog> {
        let schemas: Vec<String> = if schemas.is_empty() {
            Catalog::search_path(client)?
        } else {
            schemas.to_vec()
        };
        let schemas: Vec<String> = schemas
            .into_iter()
            .filter(|s| !SYSTEM_SCHEMAS.contains(&s.as_str()))
            .collect();
        let mut tables = read_tables(client, &schemas)?;
        let oids: Vec<u32> = tables.iter().map(|(oid, _)| *oid).collect();
        let mut by_oid: HashMap<u32, usize> = HashMap::new();
        for (i, (oid, _)) in tables.iter().enumerate() {
            by_oid.insert(*oid, i);
        }
        read_columns(client, &oids, &by_oid, &mut tables)?;
        read_constraints(client, &oids, &by_oid, &mut tables)?;
        read_unique_indexes(client, &oids, &by_oid, &mut tables)?;
        let mut tables: Vec<Table> = tables.into_iter().map(|(_, t)| t).collect();
        for table in &mut tables {
            read_json_keys(client, table)?;
            read_tree_step(client, table)?;
        }
        let content_types = read_content_types(client, &tables)?;
        Ok(Catalog {
            tables,
            content_types,
        })
    }

    /// The schemas of the `search_path` that exist, in order.
    pub fn search_path(client: &mut impl GenericClient) -> Result<Vec<String>> {
        let row = client
            .query_one("SELECT current_schemas(false)::text[]", &[])
            .map_err(|e| Error::query("reading the search_path", e))?;
        Ok(row.get(0))
    }

    /// Reads one table (its columns and constraints, no samples): `None`
    /// when there is no such table.
    pub fn describe(client: &mut impl GenericClient, name: &TableName) -> Result<Option<Table>> {
        let rows = query(
            client,
            "tables",
            "SELECT c.oid, n.nspname::text, c.relname::text, pg_table_is_visible(c.oid), \
                    c.reltuples::float8 \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')",
            &[&crate::sql::table(name)],
        )?;
        let mut tables: Vec<(u32, Table)> = rows.iter().map(table_row).collect();
        let Some(&(oid, _)) = tables.first() else {
            return Ok(None);
        };
        let by_oid = HashMap::from([(oid, 0)]);
        read_columns(client, &[oid], &by_oid, &mut tables)?;
        read_constraints(client, &[oid], &by_oid, &mut tables)?;
        read_unique_indexes(client, &[oid], &by_oid, &mut tables)?;
        Ok(tables.pop().map(|(_, t)| t))
    }

    /// The table `name` names (bare names as the `search_path` finds them).
    pub fn table(&self, name: &TableName) -> Option<&Table> {
        self.tables.iter().find(|t| t.is(name))
    }

    /// The table `schema.name`.
    pub fn table_in(&self, schema: &str, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.schema == schema && t.name == name)
    }

    /// The table a foreign key references.
    pub fn target(&self, fk: &ForeignKey) -> Option<&Table> {
        self.table_in(&fk.target_schema, &fk.target_table)
    }

    /// The table of Django's content types, when there is one.
    pub fn content_type_table(&self) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.visible && t.name == "django_content_type")
    }

    /// The content type whose default table (`<app_label>_<model>`) is
    /// `table`.
    pub fn content_type_of(&self, table: &str) -> Option<&ContentType> {
        self.content_types
            .iter()
            .find(|ct| format!("{}_{}", ct.app_label, ct.model) == table)
    }
}
