//! Column types to Rust field types, and the crate feature each needs.

use crate::catalog::{Column, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;

/// A Rust field type, without the `Option` of a nullable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RustType {
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `bool`
    Bool,
    /// `String`: text, and every type read as its text form. (Not named
    /// `String`: a variant of that name would make rustc spell the standard
    /// `String` in full in every message about a model.)
    Text,
    /// `Vec<u8>`
    Bytes,
    /// `chrono::NaiveDate`
    Date,
    /// `chrono::NaiveTime`
    Time,
    /// `chrono::NaiveDateTime`
    DateTime,
    /// `chrono::DateTime<Utc>`
    DateTimeUtc,
    /// `rust_decimal::Decimal`
    Decimal,
    /// `uuid::Uuid`
    Uuid,
    /// `serde_json::Value`
    Json,
}

impl RustType {
    /// The type for a column: the natural Rust type of what Django stores
    /// there, or `String` for types read as text (intervals, IP addresses,
    /// arrays, enums, ranges, citext, ...).
    pub fn of(column: &Column) -> RustType {
        if column.kind != TypeKind::Base {
            return RustType::Text;
        }
        match column.base_type.as_str() {
            "int2" => RustType::I16,
            "int4" => RustType::I32,
            "int8" => RustType::I64,
            "float4" => RustType::F32,
            "float8" => RustType::F64,
            "bool" => RustType::Bool,
            "bytea" => RustType::Bytes,
            "date" => RustType::Date,
            "time" => RustType::Time,
            "timestamp" => RustType::DateTime,
            "timestamptz" => RustType::DateTimeUtc,
            "numeric" => RustType::Decimal,
            "uuid" => RustType::Uuid,
            "json" | "jsonb" => RustType::Json,
            _ => RustType::Text,
        }
    }

    /// Whether a primary key (or a foreign key's target) can be held as
    /// this type; other key types are held as their text.
    pub fn is_key(self) -> bool {
        matches!(
            self,
            RustType::I16 | RustType::I32 | RustType::I64 | RustType::Text | RustType::Uuid
        )
    }

    /// The crate feature of dataslicer the type needs.
    pub fn feature(self) -> Option<&'static str> {
        match self {
            RustType::Date | RustType::Time | RustType::DateTime | RustType::DateTimeUtc => {
                Some("chrono")
            }
            RustType::Decimal => Some("rust_decimal"),
            RustType::Uuid => Some("uuid"),
            RustType::Json => Some("json"),
            _ => None,
        }
    }

    /// The names a module must import for the type (`use dataslicer::chrono::{...}`).
    pub fn imports(self) -> &'static [(&'static str, &'static str)] {
        match self {
            RustType::Date => &[("chrono", "NaiveDate")],
            RustType::Time => &[("chrono", "NaiveTime")],
            RustType::DateTime => &[("chrono", "NaiveDateTime")],
            RustType::DateTimeUtc => &[("chrono", "DateTime"), ("chrono", "Utc")],
            RustType::Decimal => &[("rust_decimal", "Decimal")],
            RustType::Uuid => &[("uuid", "Uuid")],
            RustType::Json => &[("serde_json", "Value")],
            _ => &[],
        }
    }

    /// The type's tokens, with the names [`RustType::imports`] brings in.
    pub fn tokens(self) -> TokenStream {
        match self {
            RustType::I16 => quote!(i16),
            RustType::I32 => quote!(i32),
            RustType::I64 => quote!(i64),
            RustType::F32 => quote!(f32),
            RustType::F64 => quote!(f64),
            RustType::Bool => quote!(bool),
            RustType::Text => quote!(String),
            RustType::Bytes => quote!(Vec<u8>),
            RustType::Date => quote!(NaiveDate),
            RustType::Time => quote!(NaiveTime),
            RustType::DateTime => quote!(NaiveDateTime),
            RustType::DateTimeUtc => quote!(DateTime<Utc>),
            RustType::Decimal => quote!(Decimal),
            RustType::Uuid => quote!(Uuid),
            RustType::Json => quote!(Value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(base: &str, kind: TypeKind) -> Column {
        Column {
            base_type: base.into(),
            kind,
            ..Column::default()
        }
    }

    #[test]
    fn every_django_column_type_has_a_rust_type() {
        let cases = [
            ("int4", RustType::I32),
            ("int8", RustType::I64),
            ("int2", RustType::I16),
            ("varchar", RustType::Text),
            ("citext", RustType::Text),
            ("inet", RustType::Text),
            ("cidr", RustType::Text),
            ("interval", RustType::Text),
            ("timestamptz", RustType::DateTimeUtc),
            ("numeric", RustType::Decimal),
            ("jsonb", RustType::Json),
            ("uuid", RustType::Uuid),
            ("bytea", RustType::Bytes),
        ];
        for (base, expected) in cases {
            assert_eq!(
                RustType::of(&column(base, TypeKind::Base)),
                expected,
                "{base}"
            );
        }
        assert_eq!(
            RustType::of(&column("_int4", TypeKind::Array)),
            RustType::Text
        );
        assert_eq!(
            RustType::of(&column("mood", TypeKind::Enum)),
            RustType::Text
        );
        assert_eq!(RustType::DateTimeUtc.feature(), Some("chrono"));
    }
}
