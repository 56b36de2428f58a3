//! Items used by the code `#[derive(Importer)]` generates. Not public API.

use crate::model::{ColumnType, ForeignKey, Importer, KeyType};

pub use core::option::Option;

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
) -> ForeignKey {
    ForeignKey {
        column,
        target: T::model,
        target_table: T::TABLE,
        target_key: T::PRIMARY_KEY,
        optional,
    }
}

/// A field type that can hold a foreign key to a primary key of type `K`:
/// `K` itself, or `Option<K>`.
#[diagnostic::on_unimplemented(
    message = "a foreign key field of type `{Self}` cannot hold the target's primary key of type `{K}`",
    label = "the field's type differs from the target's key",
    note = "declare the field as `{K}`, or `Option<{K}>` when the column is nullable"
)]
pub trait FkField<K> {}
impl<K: KeyType> FkField<K> for K {}
impl<K: KeyType> FkField<K> for Option<K> {}

/// Marker: the fake produces text.
pub struct TextFake;
/// Marker: the fake produces a UUID.
pub struct UuidFake;
/// Marker: the fake produces a date.
pub struct DateFake;
/// Marker: the fake produces a date and time.
pub struct DateTimeFake;

/// A field type that can hold values of the fake class `C`.
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold this fake's values",
    label = "this fake produces values of another type",
    note = "text fakes need a `String` field (or `Option<String>`); `uuid`, `date` and \
            `datetime` also fit uuid::Uuid and chrono's date and time types"
)]
pub trait HoldsFake<C> {}
impl<C, T: HoldsFake<C> + ColumnType> HoldsFake<C> for Option<T> {}
impl HoldsFake<TextFake> for String {}
impl HoldsFake<UuidFake> for String {}
impl HoldsFake<DateFake> for String {}
impl HoldsFake<DateTimeFake> for String {}
#[cfg(feature = "uuid")]
impl HoldsFake<UuidFake> for uuid::Uuid {}
#[cfg(feature = "chrono")]
impl HoldsFake<DateFake> for chrono::NaiveDate {}
#[cfg(feature = "chrono")]
impl HoldsFake<DateTimeFake> for chrono::NaiveDateTime {}
#[cfg(feature = "chrono")]
impl<Tz: chrono::TimeZone> HoldsFake<DateTimeFake> for chrono::DateTime<Tz> {}

/// Compiles only when `T` can hold values of the fake class `C`.
pub const fn holds_fake<C, T: HoldsFake<C>>() {}
