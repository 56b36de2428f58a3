//! The parsed model: a struct, its table and its fields with their attributes.

use proc_macro2::Span;
use syn::{Ident, LitStr, Path, Type};

/// A struct deriving `Importer`, as far as it could be parsed.
pub struct Input<'a> {
    pub ident: &'a Ident,
    /// `#[table("...")]`; `None` after an error was reported.
    pub table: Option<Table>,
    /// Whether it is a struct with named fields; when not, an error was
    /// reported and `fields` is empty.
    pub named: bool,
    pub fields: Vec<Field<'a>>,
    /// `#[natural_key("col", ...)]`: the columns, with their spans.
    pub natural_key: Vec<(String, Span)>,
    /// `#[content_type("app_label", "model")]`.
    pub content_type: Option<(LitStr, LitStr)>,
}

/// `#[table("schema.name")]`.
pub struct Table {
    pub schema: Option<String>,
    pub name: String,
}

/// One named field.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    /// The SQL column name.
    pub column: String,
    /// Where the column name comes from: the `#[column]` literal or the field.
    pub column_span: Span,
    /// `#[pk]`, with its span.
    pub pk: Option<Span>,
    pub fk: Option<ForeignKey>,
    pub fake: Option<Fake>,
    /// `#[generic(content_type = "...")]`: the object id of a generic relation.
    pub generic: Option<Generic>,
    /// `#[tree(step = n)]`: the path of a materialized-path tree.
    pub tree: Option<Tree>,
}

impl Field<'_> {
    /// Whether the type is spelled `Option<...>`.
    pub fn is_option(&self) -> bool {
        option_inner(self.ty).is_some()
    }

    pub fn ty_span(&self) -> Span {
        syn::spanned::Spanned::span(self.ty)
    }
}

/// The `T` of a type spelled `Option<T>` (also `std::option::Option<T>`).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// `#[fk(Model)]`, with any of `optional`, `no_descend` and `key = "column"`.
pub struct ForeignKey {
    pub target: Path,
    pub optional: Option<Span>,
    pub no_descend: Option<Span>,
    /// `key = "column"`: the referenced unique column, when not the primary key.
    pub key: Option<LitStr>,
}

/// `#[generic(content_type = "column", descend)]` on the object id field of a
/// Django generic foreign key.
pub struct Generic {
    /// The content type column, with the span of its literal.
    pub content_type: LitStr,
    pub descend: bool,
    /// The whole attribute, for errors about the relation as a whole.
    pub attr: syn::Attribute,
}

/// `#[tree(step = n)]` on the path field of a materialized-path tree.
pub struct Tree {
    pub step: u32,
    /// The whole attribute.
    pub attr: syn::Attribute,
}

/// `#[fake(kind, unique, consistent, max_length = n)]`.
pub struct Fake {
    pub kind: FakeKind,
    pub unique: bool,
    /// `unique`, with its span.
    pub unique_span: Option<Span>,
    pub consistent: Option<Span>,
    /// `consistent(normalize = path)`.
    pub normalize: Option<Path>,
    pub max_length: Option<u32>,
    /// The whole attribute, for errors about the fake as a whole.
    pub attr: syn::Attribute,
}

/// What a fake generates.
pub enum FakeKind {
    /// One of the named kinds (`email`), with the span of its name.
    Named(&'static crate::attr::NamedKind, Span),
    /// `value = "..."`.
    Value(LitStr),
    /// `with = path`.
    With(Path),
    /// `json(key = kind, "other key" = kind)`, with the span of `json`.
    Json(Vec<(String, &'static crate::attr::NamedKind)>, Span),
}

/// The Rust types a fake's values can be stored in.
#[derive(Clone, Copy)]
pub enum FakeClass {
    Text,
    Uuid,
    Date,
    DateTime,
}

impl FakeClass {
    /// The `dataslicer::__private` function whose bound checks that a field
    /// type can hold this class of values.
    pub fn check_fn(self) -> &'static str {
        match self {
            FakeClass::Text => "holds_text",
            FakeClass::Uuid => "holds_uuid",
            FakeClass::Date => "holds_date",
            FakeClass::DateTime => "holds_datetime",
        }
    }
}
