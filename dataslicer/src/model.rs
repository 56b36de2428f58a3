//! The model: what `#[derive(Importer)]` fills in.
//!
//! A model is a Rust struct mirroring one table. The derive turns it into a
//! [`Model`]: the table's name, its primary key, its columns (with their SQL
//! types, nullability and fakes) and its foreign keys to other models. Every
//! part of it is a constant built at compile time; the runtime only reads it.

use std::fmt;

/// A Rust mirror of one table, implemented by `#[derive(Importer)]`.
///
/// ```
/// use dataslicer::prelude::*;
///
/// #[derive(Importer)]
/// #[table("django_site")]
/// pub struct Site {
///     pub id: i32,
///     pub domain: String,
/// }
///
/// #[derive(Importer)]
/// #[table("accounts_customer")]
/// pub struct Customer {
///     pub id: i64,
///     #[fk(Site)]
///     pub site_id: i32,
///     #[fake(email, unique)]
///     pub email: String,
///     #[fake(phone_number)]
///     pub phone: Option<String>,
///     #[fk(Customer, optional)]
///     pub referred_by_id: Option<i64>,
/// }
///
/// let model = Customer::MODEL;
/// assert_eq!(model.table.to_string(), "accounts_customer");
/// assert_eq!(model.primary_key, "id");
/// assert_eq!(model.foreign_keys[0].target_table.name, "django_site");
/// // Faked columns are deferred: only whether a value is NULL or empty
/// // is read, never the value itself.
/// assert_eq!(
///     model.select_list(),
///     r#""id", "site_id", ("email"::text = ''), ("phone"::text = ''), "referred_by_id""#
/// );
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a dataslicer model",
    label = "not a model",
    note = "add `#[derive(Importer)]` and `#[table(\"...\")]` to `{Self}`"
)]
pub trait Importer: 'static {
    /// The Rust type of the primary key field.
    type Key: KeyType;
    /// The table this model mirrors.
    const TABLE: TableName;
    /// The SQL name of the primary key column.
    const PRIMARY_KEY: &'static str;
    /// Everything the runtime knows about the model.
    const MODEL: &'static Model;

    /// [`Importer::MODEL`] as a function, so models can point at each other
    /// (and at themselves) without a cycle between constants.
    fn model() -> &'static Model {
        Self::MODEL
    }
}

/// A table name, optionally qualified by a schema (`#[table("schema.table")]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableName {
    /// The schema, when the model names one; otherwise PostgreSQL's
    /// `search_path` decides.
    pub schema: Option<&'static str>,
    /// The table's own name.
    pub name: &'static str,
}

impl TableName {
    /// A table name, with or without schema.
    pub const fn new(schema: Option<&'static str>, name: &'static str) -> Self {
        TableName { schema, name }
    }

    /// The name of this table's file in a slice directory, without the
    /// extension: `name` or `schema.name`, with every character that could
    /// leave the directory or trouble a file system (`/`, `\`, control
    /// characters, a leading dot) replaced by `_`.
    ///
    /// ```
    /// use dataslicer::TableName;
    /// assert_eq!(TableName::new(Some("sales"), "Order Line").file_stem(), "sales.Order Line");
    /// assert_eq!(TableName::new(None, "../in/out").file_stem(), "_._in_out");
    /// ```
    pub fn file_stem(&self) -> String {
        let mut stem: String = self
            .to_string()
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
                    || c.is_control()
                {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        if stem.starts_with('.') {
            stem.replace_range(..1, "_");
        }
        stem
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(self.name),
        }
    }
}

/// Everything the derive knows about one model.
#[derive(Debug)]
pub struct Model {
    /// The Rust type's name, for messages.
    pub rust_name: &'static str,
    /// The table it mirrors.
    pub table: TableName,
    /// The SQL name of the primary key column.
    pub primary_key: &'static str,
    /// The columns, in field order.
    pub columns: &'static [Column],
    /// The foreign keys, in field order.
    pub foreign_keys: &'static [ForeignKey],
    /// `#[natural_key("col", ...)]`: the columns that identify a row in
    /// every database (Django's natural key), so that a load matches rows
    /// by them instead of copying them; empty when the model has none.
    pub natural_key: &'static [&'static str],
    /// Django generic foreign keys (`#[generic(content_type = "...")]`).
    pub generic_relations: &'static [GenericRelation],
    /// `#[content_type("app_label", "model")]`: the Django content type,
    /// when the table is not Django's default `<app_label>_<model>`.
    pub content_type: Option<(&'static str, &'static str)>,
    /// `#[tree(step = n)]`: a materialized-path tree (django-treebeard's
    /// `MP_Node`), whose rows need their ancestors.
    pub tree: Option<Tree>,
    /// The Rust module the model is declared in (`module_path!()`), which
    /// with [`Model::rust_name`] tells models of one table apart.
    pub module: &'static str,
}

impl Model {
    /// The column with this SQL name.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key column.
    pub fn key_column(&self) -> &'static Column {
        self.column(self.primary_key)
            .expect("the derive always lists the primary key among the columns")
    }

    /// The kind of the primary key, which decides how keys are held.
    pub fn key_kind(&self) -> KeyKind {
        self.key_column()
            .sql_type
            .key_kind()
            .expect("the derive only accepts key types that implement KeyType")
    }

    /// The foreign key declared on this column, if any.
    pub fn foreign_key(&self, column: &str) -> Option<&'static ForeignKey> {
        self.foreign_keys.iter().find(|fk| fk.column == column)
    }

    /// The SELECT list that defers faked columns, as Django's `defer()`
    /// does, each column read as [`Column::read`] says. Identifiers are
    /// quoted.
    pub fn select_list(&self) -> String {
        let reads: Vec<ColumnRead> = self.columns.iter().map(Column::read).collect();
        self.select_list_with(&reads)
    }

    /// The SELECT list with each column read as `reads` says (one per
    /// column, in column order): what a source uses once it has checked the
    /// live table (a JSON column, a column the role may not read).
    pub fn select_list_with(&self, reads: &[ColumnRead]) -> String {
        self.columns
            .iter()
            .zip(reads)
            .filter_map(|(column, read)| read.select_item(column.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether `self` and `other` are the same Rust model. (Constants may be
    /// copied between compilation units, so this compares what they are,
    /// not where they are.)
    pub fn is(&self, other: &Model) -> bool {
        std::ptr::eq(self, other)
            || (self.table == other.table
                && self.rust_name == other.rust_name
                && self.module == other.module)
    }

    /// The foreign key from this model's primary key to another model's
    /// primary key, if there is one: Django's multi-table inheritance
    /// (`page_ptr_id`), which makes a row of this table part of the object
    /// in the other.
    pub fn parent_link(&self) -> Option<&'static ForeignKey> {
        self.foreign_keys
            .iter()
            .find(|fk| fk.column == self.primary_key && fk.target_key == (fk.target)().primary_key)
    }

    /// The Django content type of this model: `#[content_type]`, else read
    /// from Django's default table name `<app_label>_<model>` — which is
    /// ambiguous when the app label holds an underscore, so callers match
    /// content types by [`Model::has_content_type`].
    pub fn has_content_type(&self, app_label: &str, model: &str) -> bool {
        match self.content_type {
            Some((app, name)) => app == app_label && name == model,
            None => {
                let name = self.table.name;
                name.len() == app_label.len() + 1 + model.len()
                    && name.starts_with(app_label)
                    && name.as_bytes()[app_label.len()] == b'_'
                    && name.ends_with(model)
            }
        }
    }
}

/// A Django generic foreign key: a content type column (an `#[fk]` to
/// `django_content_type`) and an object id column, which together point at a
/// row of any model.
#[derive(Debug)]
pub struct GenericRelation {
    /// The object id column (integer or text).
    pub object_id: &'static str,
    /// The content type column.
    pub content_type: &'static str,
    /// `descend`: the relation means ownership (comments on a post), so the
    /// downward walk follows it from its targets to this table.
    pub descend: bool,
}

/// A materialized-path tree (django-treebeard's `MP_Node`): each row's
/// `path` is its parent's path followed by `step` more characters.
#[derive(Debug, Clone, Copy)]
pub struct Tree {
    /// The path column.
    pub path: &'static str,
    /// The characters each level adds to the path.
    pub step: u32,
}

impl Tree {
    /// The paths of every ancestor of the row with `path`, nearest last.
    ///
    /// ```
    /// # use dataslicer::model::Tree;
    /// let tree = Tree { path: "path", step: 4 };
    /// assert_eq!(tree.ancestors("000100020003"), ["0001", "00010002"]);
    /// assert!(tree.ancestors("0001").is_empty());
    /// ```
    pub fn ancestors(&self, path: &str) -> Vec<String> {
        let chars: Vec<char> = path.chars().collect();
        let step = self.step.max(1) as usize;
        (1..)
            .map(|level| level * step)
            .take_while(|&end| end < chars.len())
            .map(|end| chars[..end].iter().collect())
            .collect()
    }
}

/// Every model of the program: each `#[derive(Importer)]` registers its own,
/// so the downward walk can find the tables below a root without a list.
pub fn all_models() -> Vec<&'static Model> {
    let mut out: Vec<&'static Model> = Vec::new();
    for registered in inventory::iter::<crate::__private::Registered> {
        let model = (registered.0)();
        if !out.iter().any(|m| m.is(model)) {
            out.push(model);
        }
    }
    out.sort_by(|a, b| (a.table, a.module, a.rust_name).cmp(&(b.table, b.module, b.rust_name)));
    out
}

/// One column of a model.
#[derive(Debug)]
pub struct Column {
    /// The SQL name (`#[column("...")]`, or the field's name).
    pub name: &'static str,
    /// The Rust field's name.
    pub field: &'static str,
    /// Whether the field is an `Option`, so the column may be NULL.
    pub nullable: bool,
    /// The SQL type the Rust type maps to.
    pub sql_type: SqlType,
    /// The Rust type as written, for messages (`Option<String>`).
    pub rust_type: &'static str,
    /// The fake that replaces this column's values, if any.
    pub fake: Option<Fake>,
}

impl Column {
    /// How the deferred SELECT list reads this column, by default (a source
    /// may read less: see [`ColumnRead`]).
    ///
    /// A column without a fake is read. A faked column is read only for
    /// what its fake must keep: whether it is NULL or empty. Its value is
    /// read only for a `consistent` fake (the fake is derived from it) and
    /// for fakes of keys inside JSON documents (the document is rewritten).
    pub fn read(&self) -> ColumnRead {
        match &self.fake {
            None => ColumnRead::Value,
            Some(fake) if fake.reads_value() => ColumnRead::Value,
            Some(_) if self.sql_type == SqlType::Json => ColumnRead::JsonEmpty,
            Some(_) if self.sql_type == SqlType::Text => ColumnRead::IsEmpty,
            Some(_) if self.nullable => ColumnRead::IsNull,
            Some(_) => ColumnRead::Deferred,
        }
    }
}

/// How a column appears in a model's deferred SELECT list.
///
/// Only [`ColumnRead::Value`] sends a value from the server: every other
/// read sends one of a few constants computed on the server. PostgreSQL's
/// column privileges make any mention of a column need `SELECT` on it, so
/// every read but [`ColumnRead::Deferred`] needs that privilege; a source
/// whose role lacks it on a faked NOT NULL column reads it as `Deferred`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRead {
    /// The value is read.
    Value,
    /// Only `(col IS NULL)` is read, as `t` or `f`: a nullable faked column
    /// of a type that has no empty value (numbers, dates, UUIDs).
    IsNull,
    /// Only `(col::text = '')` is read: NULL for NULL, `t` for the empty
    /// string, `f` for any other value. A faked column of a text type (a
    /// `String` field); NULL and `''` are written as they were.
    IsEmpty,
    /// A faked `json`/`jsonb` column: NULL for NULL; the document itself
    /// when it is one of the empty documents `null`, `""`, `{}` and `[]`
    /// (which are written as they were); `v` for any other document.
    JsonEmpty,
    /// Not read at all: a faked NOT NULL column of a type with no empty
    /// value, or one the source's role may not read.
    Deferred,
}

impl ColumnRead {
    /// The item of a SELECT list that reads `column` this way; `None` for
    /// [`ColumnRead::Deferred`].
    ///
    /// ```
    /// use dataslicer::ColumnRead;
    /// assert_eq!(ColumnRead::IsEmpty.select_item("email").unwrap(), r#"("email"::text = '')"#);
    /// assert_eq!(ColumnRead::Deferred.select_item("email"), None);
    /// ```
    pub fn select_item(self, column: &str) -> Option<String> {
        let quoted = crate::sql::ident(column);
        match self {
            ColumnRead::Value => Some(quoted),
            ColumnRead::IsNull => Some(format!("({quoted} IS NULL)")),
            ColumnRead::IsEmpty => Some(format!("({quoted}::text = '')")),
            ColumnRead::JsonEmpty => Some(format!(
                "(CASE WHEN {quoted} IS NULL THEN NULL \
                 WHEN {quoted}::jsonb IN ('null', '\"\"', '{{}}', '[]') THEN {quoted}::jsonb::text \
                 ELSE 'v' END)"
            )),
            ColumnRead::Deferred => None,
        }
    }
}

/// A foreign key from one model to another model's primary key.
#[derive(Debug)]
pub struct ForeignKey {
    /// The referencing column.
    pub column: &'static str,
    /// The referenced model.
    pub target: fn() -> &'static Model,
    /// The referenced table.
    pub target_table: TableName,
    /// The referenced column: the target's primary key, or the unique
    /// column `#[fk(Model, key = "column")]` names.
    pub target_key: &'static str,
    /// `#[fk(Model, optional)]`: when the parent row is not otherwise in the
    /// slice, the column is written as NULL instead of pulling the parent in.
    pub optional: bool,
    /// Whether the downward walk follows this key from parents to children
    /// (false with `#[fk(Model, no_descend)]`).
    pub descend: bool,
}

impl ForeignKey {
    /// Whether the key targets the parent's primary key (else a unique
    /// column: `#[fk(Model, key = "column")]`).
    pub fn targets_primary_key(&self) -> bool {
        self.target_key == (self.target)().primary_key
    }

    /// How the referenced column's values are held.
    pub fn key_kind(&self) -> KeyKind {
        let target = (self.target)();
        target
            .column(self.target_key)
            .and_then(|c| c.sql_type.key_kind())
            .unwrap_or_else(|| target.key_kind())
    }
}

/// A fake attached to a column with `#[fake(...)]`.
#[derive(Debug, Clone, Copy)]
pub struct Fake {
    /// What to generate.
    pub kind: FakeKind,
    /// `unique`: no two rows of the slice share a value, and two slices made
    /// with the same seed give different rows different values (see
    /// [`crate::fake`]).
    pub unique: bool,
    /// `consistent`: the fake is derived from a keyed hash of the
    /// (normalised) original, so originals equal after normalisation get
    /// equal fakes in every table.
    pub consistent: bool,
    /// `consistent(normalize = path)`: how an original is normalised before
    /// it is keyed; `None` for the kind's default (see
    /// [`Fake::normalizer`]).
    pub normalize: Option<NormalizeFn>,
    /// `max_length = n`: a length limit when the live schema cannot tell it.
    pub max_length: Option<u32>,
}

impl Fake {
    /// Whether the fake needs the original value: a `consistent` fake is
    /// derived from it, a `json(...)` fake rewrites the document.
    pub fn reads_value(&self) -> bool {
        self.consistent || matches!(self.kind, FakeKind::Json(_))
    }

    /// The normaliser a `consistent` fake keys its originals with: the
    /// user's, else [`crate::fake::normalize::email`] (trimmed, lowercase)
    /// for `email` and `safe_email`, else [`crate::fake::normalize::exact`].
    pub fn normalizer(&self) -> NormalizeFn {
        self.normalize.unwrap_or(self.kind.default_normalizer())
    }
}

/// A user's own fake generator: `#[fake(with = path::to::function)]`.
pub type FakeFn = fn(&mut crate::fake::FakeInput<'_>) -> String;

/// A normaliser of originals for `consistent` fakes:
/// `#[fake(email, consistent(normalize = path::to::function))]`. Originals
/// it maps to the same text get the same fake.
pub type NormalizeFn = fn(&str) -> String;

/// One key of a `#[fake(json(key = kind, ...))]` fake: string values under
/// `key`, at any depth of the document, are replaced by fakes of `kind`.
#[derive(Debug, Clone, Copy)]
pub struct JsonKey {
    /// The key, as it appears in the documents.
    pub key: &'static str,
    /// The kind of its fakes (a named kind).
    pub kind: FakeKind,
}

macro_rules! fake_kinds {
    ($($(#[$doc:meta])* $variant:ident = $name:literal;)*) => {
        /// What a fake generates.
        #[derive(Debug, Clone, Copy)]
        pub enum FakeKind {
            $($(#[$doc])* $variant,)*
            /// `value = "..."`: the same constant in every row.
            Value(&'static str),
            /// `with = path`: the user's own generator.
            With(FakeFn),
            /// `json(key = kind, ...)`: the column holds JSON documents whose
            /// string values under the named keys are faked; everything else
            /// is kept.
            Json(&'static [JsonKey]),
        }

        impl FakeKind {
            /// The names accepted by `#[fake(...)]`, in the order of the docs.
            pub const NAMES: &'static [&'static str] = &[$($name,)*];

            /// The kind's name as written in `#[fake(...)]`.
            pub fn name(&self) -> &'static str {
                match self {
                    $(FakeKind::$variant => $name,)*
                    FakeKind::Value(_) => "value",
                    FakeKind::With(_) => "with",
                    FakeKind::Json(_) => "json",
                }
            }

            /// The named kind called `name`, as written in `#[fake(...)]`.
            pub fn named(name: &str) -> Option<FakeKind> {
                match name {
                    $($name => Some(FakeKind::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

impl FakeKind {
    /// Whether this kind makes e-mail addresses.
    pub fn is_email(&self) -> bool {
        matches!(self, FakeKind::Email | FakeKind::SafeEmail)
    }

    /// The normaliser `consistent` uses for this kind unless told otherwise.
    pub fn default_normalizer(&self) -> NormalizeFn {
        if self.is_email() {
            crate::fake::normalize::email
        } else {
            crate::fake::normalize::exact
        }
    }
}

fake_kinds! {
    /// A given name.
    FirstName = "first_name";
    /// A family name.
    LastName = "last_name";
    /// A full name.
    Name = "name";
    /// A user name.
    Username = "username";
    /// A free e-mail address.
    Email = "email";
    /// An e-mail address at an example domain.
    SafeEmail = "safe_email";
    /// A phone number.
    PhoneNumber = "phone_number";
    /// A street address.
    StreetAddress = "street_address";
    /// A city.
    City = "city";
    /// A postal code.
    Postcode = "postcode";
    /// A country name.
    Country = "country";
    /// A company name.
    Company = "company";
    /// A job title.
    JobTitle = "job_title";
    /// A URL.
    Url = "url";
    /// An IPv4 address.
    Ipv4 = "ipv4";
    /// An IPv6 address.
    Ipv6 = "ipv6";
    /// A UUID.
    Uuid = "uuid";
    /// One word.
    Word = "word";
    /// A sentence.
    Sentence = "sentence";
    /// A paragraph.
    Paragraph = "paragraph";
    /// A date.
    Date = "date";
    /// A date and time.
    DateTime = "datetime";
}

/// The SQL type a Rust field type maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    /// `smallint` (`i16`).
    SmallInt,
    /// `integer` (`i32`).
    Integer,
    /// `bigint` (`i64`).
    BigInt,
    /// `real` (`f32`).
    Real,
    /// `double precision` (`f64`).
    Double,
    /// `boolean` (`bool`).
    Boolean,
    /// `text`, `varchar(n)`, `char(n)` and any type read as text (`String`).
    Text,
    /// `date`.
    Date,
    /// `time`.
    Time,
    /// `timestamp` (without time zone).
    Timestamp,
    /// `timestamptz`.
    TimestampTz,
    /// `numeric`.
    Numeric,
    /// `uuid`.
    Uuid,
    /// `json` or `jsonb`.
    Json,
    /// `bytea` (`Vec<u8>`).
    Bytea,
}

impl SqlType {
    /// How keys of this type are held, if it can be a key.
    pub fn key_kind(self) -> Option<KeyKind> {
        match self {
            SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => Some(KeyKind::Int),
            SqlType::Text => Some(KeyKind::Text),
            SqlType::Uuid => Some(KeyKind::Uuid),
            _ => None,
        }
    }
}

/// How the keys of a table are held in memory and bound to queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `smallint`, `integer`, `bigint`: held as `i64`, bound as `bigint[]`.
    Int,
    /// Text keys: held as `String`, bound as `text[]`.
    Text,
    /// `uuid`: held as `u128`, bound as `uuid[]`.
    Uuid,
}

/// A Rust type that maps to a column. Implemented for the types Django's
/// columns map to, and for `Option` of each (a nullable column).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column type dataslicer knows",
    label = "unsupported column type",
    note = "use an integer, f32/f64, bool, String, Vec<u8>, a chrono date/time, \
            rust_decimal::Decimal, uuid::Uuid or serde_json::Value (each optionally in Option<...>)"
)]
pub trait ColumnType {
    /// The SQL type.
    const SQL_TYPE: SqlType;
    /// Whether the column may be NULL.
    const NULLABLE: bool = false;
}

// `do_not_recommend` here and on the impls below: the `on_unimplemented` note
// lists the supported types; rustc's own list would only repeat it.
#[diagnostic::do_not_recommend]
impl<T: ColumnType> ColumnType for Option<T> {
    const SQL_TYPE: SqlType = T::SQL_TYPE;
    const NULLABLE: bool = true;
}

macro_rules! column_types {
    ($($(#[$attr:meta])* $ty:ty => $sql:ident;)*) => {
        $(
            $(#[$attr])*
            #[diagnostic::do_not_recommend]
            impl ColumnType for $ty { const SQL_TYPE: SqlType = SqlType::$sql; }
        )*
    };
}

column_types! {
    i16 => SmallInt;
    i32 => Integer;
    i64 => BigInt;
    f32 => Real;
    f64 => Double;
    bool => Boolean;
    String => Text;
    Vec<u8> => Bytea;
    #[cfg(feature = "chrono")] chrono::NaiveDate => Date;
    #[cfg(feature = "chrono")] chrono::NaiveTime => Time;
    #[cfg(feature = "chrono")] chrono::NaiveDateTime => Timestamp;
    #[cfg(feature = "chrono")] chrono::DateTime<chrono::Utc> => TimestampTz;
    #[cfg(feature = "chrono")] chrono::DateTime<chrono::FixedOffset> => TimestampTz;
    #[cfg(feature = "chrono")] chrono::DateTime<chrono::Local> => TimestampTz;
    #[cfg(feature = "rust_decimal")] rust_decimal::Decimal => Numeric;
    #[cfg(feature = "uuid")] uuid::Uuid => Uuid;
    #[cfg(feature = "json")] serde_json::Value => Json;
}

/// A Rust type that can be a primary key: `i16`, `i32`, `i64`, `String`
/// and `uuid::Uuid`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a primary key",
    label = "not a key type",
    note = "a primary key is an i16, i32, i64, String or uuid::Uuid, never an Option"
)]
pub trait KeyType: ColumnType {}

// `do_not_recommend`, as for `ColumnType`. A new key type also goes in
// `__private::KnownKey`, or foreign keys to it do not compile.
#[diagnostic::do_not_recommend]
impl KeyType for i16 {}
#[diagnostic::do_not_recommend]
impl KeyType for i32 {}
#[diagnostic::do_not_recommend]
impl KeyType for i64 {}
#[diagnostic::do_not_recommend]
impl KeyType for String {}
#[cfg(feature = "uuid")]
#[diagnostic::do_not_recommend]
impl KeyType for uuid::Uuid {}
