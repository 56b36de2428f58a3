//! `manifest.json`: what a slice directory holds, so that it can be checked
//! and loaded on another machine.

use serde::{Deserialize, Serialize};

/// The manifest format this version writes.
pub const FORMAT_VERSION: u32 = 1;

/// The file name of the manifest inside a slice directory.
pub const FILE_NAME: &str = "manifest.json";

/// A slice directory's description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// The dataslicer version that wrote it.
    pub tool_version: String,
    /// The seed of every random choice and fake.
    pub seed: u64,
    /// When the slice was written (UTC, RFC 3339).
    pub created_at: String,
    /// Where it was read from, never with a password.
    pub source: String,
    /// The tables, in an order that loads with every constraint checked.
    pub tables: Vec<ManifestTable>,
    /// Generic references the slice could not satisfy (their content type
    /// has no model), counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved_generic: Vec<ManifestUnresolved>,
}

/// Generic references of one relation that point at no modelled table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestUnresolved {
    /// The referencing table.
    pub table: String,
    /// Its object id column.
    pub column: String,
    /// `app_label.model`, or the content type's id.
    pub content_type: String,
    /// Distinct objects referenced.
    pub references: u64,
    /// Why the slice cannot hold them.
    pub why: String,
}

/// A job's filter, as the slice records it: a re-slice of this directory
/// with the same filter needs no server to apply it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFilter {
    /// The SQL condition.
    pub sql: String,
    /// The bound values, as Rust prints them.
    pub params: Vec<String>,
}

/// One table of a slice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestTable {
    /// `table` or `schema.table`.
    pub table: String,
    /// The schema, when the model names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The table's own name.
    pub name: String,
    /// The file, relative to the slice directory.
    pub file: String,
    /// The columns, in file order.
    pub columns: Vec<String>,
    /// The primary key column.
    pub primary_key: String,
    /// The foreign keys.
    pub foreign_keys: Vec<ManifestForeignKey>,
    /// Rows in the file (the header not counted).
    pub rows: u64,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// Columns whose values are fakes.
    pub faked: Vec<String>,
    /// Length limits in characters (`varchar(n)`, `char(n)`) of the source's
    /// columns, so that fakes made from this slice fit them too.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub max_lengths: std::collections::BTreeMap<String, usize>,
    /// The natural key (`#[natural_key(...)]`): the columns a load into
    /// PostgreSQL matches rows by instead of copying them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub natural_key: Vec<String>,
    /// The Django generic relations (`#[generic]`): (object id column,
    /// content type column), so that a load can follow matched objects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generic: Vec<(String, String)>,
    /// The job's filter, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<ManifestFilter>,
    /// Per optional foreign key column, how many values were written as
    /// NULL because their parent is not in the slice.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub nulled: std::collections::BTreeMap<String, u64>,
}

/// A foreign key, as the slice records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestForeignKey {
    /// The referencing column.
    pub column: String,
    /// The referenced table.
    pub references: String,
    /// The referenced column.
    pub references_column: String,
    /// Whether the slice wrote NULL where the parent was left out.
    pub optional: bool,
}

impl ManifestTable {
    /// The table's name as SQL: quoted, schema-qualified when it has one.
    pub fn sql_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!(
                "{}.{}",
                crate::sql::ident(schema),
                crate::sql::ident(&self.name)
            ),
            None => crate::sql::ident(&self.name),
        }
    }
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(secs)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
fn format_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::format_utc;

    #[test]
    fn formats_utc_dates() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_795_823_999), "2026-11-27T23:59:59Z");
    }
}
