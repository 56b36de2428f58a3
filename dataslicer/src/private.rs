//! Items used by the code `#[derive(Importer)]` generates. Not public API.

use crate::model::{ColumnType, ForeignKey, Importer, KeyType, Model, SqlType};

pub use core::option::Option;
pub use inventory;

/// What each model registers: the function returning it.
pub struct Registered(pub fn() -> &'static Model);
inventory::collect!(Registered);

/// The column a model's field mirrors, by a hash of the column's name
/// ([`column_hash`]): lets `#[fk(Model, key = "column")]` check at compile
/// time that `Model` has that column and what its type is.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no field mirroring the column named in `key = \"...\"`",
    label = "no such column in the target model",
    note = "`key = \"column\"` names a unique column of the target model, by its SQL name"
)]
pub trait HasColumn<const HASH: u64> {
    /// The field's type.
    type Type;
}

/// FNV-1a of a column name: the `HASH` of [`HasColumn`].
pub const fn column_hash(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

/// Implemented by every model so that its fields count as read.
pub trait Fields {
    /// Touches every field.
    fn visit_fields(&self);
}

/// A foreign key to `T`, from a field of type `F`. The bounds are the checks:
/// `T` must be a model, `F` must hold `T`'s key.
pub const fn foreign_key<T: Importer, F: FkField<T::Key>>(
    column: &'static str,
    optional: bool,
    descend: bool,
) -> ForeignKey {
    ForeignKey {
        column,
        target: T::model,
        target_table: T::TABLE,
        target_key: T::PRIMARY_KEY,
        optional,
        descend,
    }
}

/// A foreign key to the unique column `key` of `T` (Django's `to_field`),
/// whose name hashes to `H`: `T` must have that column, and `F` must hold
/// its type.
pub const fn foreign_key_to<T, F, const H: u64>(
    column: &'static str,
    key: &'static str,
    optional: bool,
    descend: bool,
) -> ForeignKey
where
    T: Importer + HasColumn<H>,
    F: FkColumnField<<T as HasColumn<H>>::Type>,
{
    ForeignKey {
        column,
        target: T::model,
        target_table: T::TABLE,
        target_key: key,
        optional,
        descend,
    }
}

/// A field type that can hold a generic relation's object id: an integer or
/// text, or an `Option` of one.
#[diagnostic::on_unimplemented(
    message = "a generic relation's object id cannot be of type `{Self}`",
    label = "not an object id type",
    note = "declare the object id as an integer or `String` (Django's `object_id` is a \
            `PositiveIntegerField` or a `TextField`), or an `Option` of one"
)]
pub trait ObjectId {}
#[diagnostic::do_not_recommend]
impl<K: KnownKey> ObjectId for K {}
#[diagnostic::do_not_recommend]
impl<K: KnownKey> ObjectId for Option<K> {}
/// Compiles only when `T` can hold an object id.
pub const fn object_id<T: ObjectId>() {}

/// A field type that can hold a tree path: `String`.
#[diagnostic::on_unimplemented(
    message = "a tree path cannot be of type `{Self}`",
    label = "not text",
    note = "declare the materialized path as `String`"
)]
pub trait TreePath {}
#[diagnostic::do_not_recommend]
impl TreePath for String {}
/// Compiles only when `T` can hold a tree path.
pub const fn tree_path<T: TreePath>() {}

/// A field type that can hold a foreign key to a primary key of type `K`:
/// `K` itself, or `Option<K>`.
#[diagnostic::on_unimplemented(
    message = "a foreign key field of type `{Self}` cannot hold the target's primary key of type `{K}`",
    label = "the field's type differs from the target's key",
    note = "declare the field as `{K}`, or `Option<{K}>` when the column is nullable"
)]
pub trait FkField<K> {}
#[diagnostic::do_not_recommend]
impl<K: KnownKey> FkField<K> for K {}
#[diagnostic::do_not_recommend]
impl<K: KnownKey> FkField<K> for Option<K> {}

/// A field type that can hold a foreign key to a unique column of type `K`
/// (`#[fk(Model, key = "column")]`): `K` itself, or `Option<K>`.
#[diagnostic::on_unimplemented(
    message = "a foreign key field of type `{Self}` cannot hold the referenced column's type `{K}`",
    label = "the field's type differs from the referenced column's",
    note = "declare the field as `{K}`, or `Option<{K}>` when the column is nullable"
)]
pub trait FkColumnField<K> {}
#[diagnostic::do_not_recommend]
impl<K: KnownKey> FkColumnField<K> for K {}
#[diagnostic::do_not_recommend]
impl<K: KnownKey> FkColumnField<K> for Option<K> {}
#[diagnostic::do_not_recommend]
impl<T> FkColumnField<UnknownKey> for T {}

/// The key types, all but [`UnknownKey`]: bounding the impls above by it
/// rather than by `KeyType` keeps them apart from `UnknownKey`'s own impl.
pub trait KnownKey: KeyType {}
impl KnownKey for i16 {}
impl KnownKey for i32 {}
impl KnownKey for i64 {}
impl KnownKey for String {}
#[cfg(feature = "uuid")]
impl KnownKey for uuid::Uuid {}

/// The key type of the stub impl emitted for a model whose derive reported
/// an error: any field can reference it, so that an `#[fk(ThatModel)]`
/// elsewhere does not add an error of its own.
pub enum UnknownKey {}
#[diagnostic::do_not_recommend]
impl ColumnType for UnknownKey {
    const SQL_TYPE: SqlType = SqlType::BigInt;
}
#[diagnostic::do_not_recommend]
impl KeyType for UnknownKey {}
#[diagnostic::do_not_recommend]
impl<T> FkField<UnknownKey> for T {}

// One trait per kind of value a fake produces, so that the message names it:
// "a field of type `i32` cannot hold the text this fake produces". The derive
// checks `holds_text::<FieldType>()` (and so on) at the fake's name.

/// A field type that can hold the text a text fake (`email`, `name`, ...)
/// produces.
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold the text this fake produces",
    label = "this fake produces text",
    note = "declare the field as `String`, or `Option<String>` when the column is nullable"
)]
pub trait HoldsText {}
#[diagnostic::do_not_recommend]
impl HoldsText for String {}
#[diagnostic::do_not_recommend]
impl HoldsText for Option<String> {}

/// A field type that can hold the `uuid` fake's values.
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold the UUIDs the `uuid` fake produces",
    label = "this fake produces UUIDs",
    note = "declare the field as `uuid::Uuid` or `String` (or an `Option` of either)"
)]
pub trait HoldsUuid {}
#[diagnostic::do_not_recommend]
impl HoldsUuid for String {}
#[diagnostic::do_not_recommend]
impl HoldsUuid for Option<String> {}
#[cfg(feature = "uuid")]
#[diagnostic::do_not_recommend]
impl HoldsUuid for uuid::Uuid {}
#[cfg(feature = "uuid")]
#[diagnostic::do_not_recommend]
impl HoldsUuid for Option<uuid::Uuid> {}

/// A field type that can hold the `date` fake's values.
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold the dates the `date` fake produces",
    label = "this fake produces dates",
    note = "declare the field as `chrono::NaiveDate` or `String` (or an `Option` of either)"
)]
pub trait HoldsDate {}
#[diagnostic::do_not_recommend]
impl HoldsDate for String {}
#[diagnostic::do_not_recommend]
impl HoldsDate for Option<String> {}
#[cfg(feature = "chrono")]
#[diagnostic::do_not_recommend]
impl HoldsDate for chrono::NaiveDate {}
#[cfg(feature = "chrono")]
#[diagnostic::do_not_recommend]
impl HoldsDate for Option<chrono::NaiveDate> {}

/// A field type that can hold the `datetime` fake's values.
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold the date-times the `datetime` fake produces",
    label = "this fake produces date-times",
    note = "declare the field as `chrono::NaiveDateTime`, `chrono::DateTime<Tz>` or `String` \
            (or an `Option` of one)"
)]
pub trait HoldsDateTime {}
#[diagnostic::do_not_recommend]
impl HoldsDateTime for String {}
#[diagnostic::do_not_recommend]
impl HoldsDateTime for Option<String> {}
#[cfg(feature = "chrono")]
#[diagnostic::do_not_recommend]
impl HoldsDateTime for chrono::NaiveDateTime {}
#[cfg(feature = "chrono")]
#[diagnostic::do_not_recommend]
impl HoldsDateTime for Option<chrono::NaiveDateTime> {}
#[cfg(feature = "chrono")]
#[diagnostic::do_not_recommend]
impl<Tz: chrono::TimeZone> HoldsDateTime for chrono::DateTime<Tz> {}
#[cfg(feature = "chrono")]
#[diagnostic::do_not_recommend]
impl<Tz: chrono::TimeZone> HoldsDateTime for Option<chrono::DateTime<Tz>> {}

#[cfg(feature = "json")]
mod json_values {
    use super::*;
    // A `json`/`jsonb` column takes every fake, as a JSON string.
    #[diagnostic::do_not_recommend]
    impl HoldsText for serde_json::Value {}
    #[diagnostic::do_not_recommend]
    impl HoldsText for Option<serde_json::Value> {}
    #[diagnostic::do_not_recommend]
    impl HoldsUuid for serde_json::Value {}
    #[diagnostic::do_not_recommend]
    impl HoldsUuid for Option<serde_json::Value> {}
    #[diagnostic::do_not_recommend]
    impl HoldsDate for serde_json::Value {}
    #[diagnostic::do_not_recommend]
    impl HoldsDate for Option<serde_json::Value> {}
    #[diagnostic::do_not_recommend]
    impl HoldsDateTime for serde_json::Value {}
    #[diagnostic::do_not_recommend]
    impl HoldsDateTime for Option<serde_json::Value> {}
    #[diagnostic::do_not_recommend]
    impl HoldsJson for serde_json::Value {}
    #[diagnostic::do_not_recommend]
    impl HoldsJson for Option<serde_json::Value> {}
}

/// A field type that can hold JSON documents, for `json(...)` fakes.
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold the JSON documents `json(...)` rewrites",
    label = "`json(...)` fakes keys inside JSON documents",
    note = "declare the field as `serde_json::Value` (feature `json`) or `String` \
            (or an `Option` of either)"
)]
pub trait HoldsJson {}
#[diagnostic::do_not_recommend]
impl HoldsJson for String {}
#[diagnostic::do_not_recommend]
impl HoldsJson for Option<String> {}

/// Compiles only when `T` can hold JSON documents.
pub const fn holds_json<T: HoldsJson>() {}
/// Compiles only when `T` can hold a text fake's values.
pub const fn holds_text<T: HoldsText>() {}
/// Compiles only when `T` can hold the `uuid` fake's values.
pub const fn holds_uuid<T: HoldsUuid>() {}
/// Compiles only when `T` can hold the `date` fake's values.
pub const fn holds_date<T: HoldsDate>() {}
/// Compiles only when `T` can hold the `datetime` fake's values.
pub const fn holds_datetime<T: HoldsDateTime>() {}
