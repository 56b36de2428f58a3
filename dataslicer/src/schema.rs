//! Models against the live schema: every mismatch found before any output is
//! written, each naming the table and the column.

use crate::error::{Error, Result};
use crate::model::{Column, ColumnRead, FakeKind, Model, SqlType};
use crate::source::{LiveColumn, LiveTable};

/// What the export needs to know of a table's live columns.
#[derive(Debug, Clone)]
pub struct Checked {
    /// For each model column, its length limit in characters, if any.
    pub max_chars: Vec<Option<usize>>,
    /// For each model column, how the source reads it: [`Column::read`],
    /// except a faked `String` field of a `json`/`jsonb` column (read as
    /// JSON) and a faked NOT NULL column the role may not read (not read).
    pub reads: Vec<ColumnRead>,
    /// For each model column, whether it is `json`/`jsonb`, so that fakes
    /// are written as JSON.
    pub json: Vec<bool>,
}

impl Checked {
    /// What a source that holds every column as the model says (a slice
    /// directory) reads of `model`.
    pub fn of_model(model: &Model, max_chars: Vec<Option<usize>>) -> Checked {
        Checked {
            max_chars,
            reads: model.columns.iter().map(Column::read).collect(),
            json: model
                .columns
                .iter()
                .map(|c| c.sql_type == SqlType::Json)
                .collect(),
        }
    }
}

/// Checks `model` against `live`; every problem is listed in one error.
pub fn check(model: &Model, live: &LiveTable) -> Result<Checked> {
    let mut problems = Vec::new();
    let mut max_chars = Vec::with_capacity(model.columns.len());
    let mut reads = Vec::with_capacity(model.columns.len());
    let mut json = Vec::with_capacity(model.columns.len());
    for column in model.columns {
        let Some(found) = live.column(column.name) else {
            let names: Vec<&str> = live.columns.iter().map(|c| c.name.as_str()).collect();
            problems.push(format!(
                "column {} (field `{}`) does not exist; the table has: {}",
                column.name,
                column.field,
                names.join(", ")
            ));
            max_chars.push(None);
            reads.push(column.read());
            json.push(false);
            continue;
        };
        max_chars.push(found.max_chars);
        let is_json = matches!(found.base_type.as_str(), "json" | "jsonb");
        json.push(is_json);
        let mut read = match column.read() {
            ColumnRead::IsEmpty if is_json => ColumnRead::JsonEmpty,
            read => read,
        };
        if !found.readable && read != ColumnRead::Deferred {
            match &column.fake {
                // Nothing of it is needed but the emptiness: without the
                // privilege, every row gets a fake.
                Some(fake) if !fake.reads_value() && found.not_null => {
                    read = ColumnRead::Deferred;
                }
                Some(fake) => problems.push(format!(
                    "the role may not read column {}: SELECT on it is needed to {} \
                     (GRANT SELECT ({0}) ON {} TO ...)",
                    column.name,
                    if fake.reads_value() {
                        "derive its fakes from the original values"
                    } else {
                        "keep its NULLs (only whether a value is NULL or empty is read)"
                    },
                    model.table
                )),
                None => problems.push(format!(
                    "the role may not read column {} (GRANT SELECT ({0}) ON {} TO ...)",
                    column.name, model.table
                )),
            }
        }
        reads.push(read);
        if !type_fits(column.sql_type, found) {
            problems.push(format!(
                "column {} is {} in the database, but field `{}` is `{}`",
                column.name, found.type_name, column.field, column.rust_type
            ));
        }
        // A NULL in a column the model calls NOT NULL passes through as it
        // is, unless the column is faked: the fake would replace the NULL.
        if !found.not_null && !column.nullable && column.fake.is_some() {
            problems.push(format!(
                "column {} may be NULL in the database, but faked field `{}` is `{}`: declare it \
                 as an Option, so that NULL stays NULL",
                column.name, column.field, column.rust_type
            ));
        }
        if found.generated {
            problems.push(format!(
                "column {} is a generated column, which cannot be loaded: remove field `{}` from the model",
                column.name, column.field
            ));
        }
        if let Some(problem) = fake_fits(column, found) {
            problems.push(problem);
        }
    }
    for found in &live.columns {
        if found.not_null && !found.has_default && model.column(&found.name).is_none() {
            problems.push(format!(
                "column {} is NOT NULL without a default, but the model has no field for it: \
                 the slice would not load",
                found.name
            ));
        }
    }
    if problems.is_empty() {
        Ok(Checked {
            max_chars,
            reads,
            json,
        })
    } else {
        Err(Error::Schema {
            table: model.table.to_string(),
            message: problems.join("; "),
        })
    }
}

/// Whether a field of this SQL type can mirror the live column.
fn type_fits(sql_type: SqlType, live: &LiveColumn) -> bool {
    let base = live.base_type.as_str();
    match sql_type {
        // A String holds the text form of any value.
        SqlType::Text => true,
        SqlType::SmallInt => base == "int2",
        SqlType::Integer => matches!(base, "int2" | "int4"),
        SqlType::BigInt => matches!(base, "int2" | "int4" | "int8"),
        SqlType::Real => base == "float4",
        SqlType::Double => matches!(base, "float4" | "float8"),
        SqlType::Boolean => base == "bool",
        SqlType::Date => base == "date",
        SqlType::Time => matches!(base, "time" | "timetz"),
        SqlType::Timestamp => base == "timestamp",
        SqlType::TimestampTz => base == "timestamptz",
        SqlType::Numeric => matches!(base, "numeric" | "int2" | "int4" | "int8"),
        SqlType::Uuid => base == "uuid",
        SqlType::Json => matches!(base, "json" | "jsonb"),
        SqlType::Bytea => base == "bytea",
    }
}

/// Whether the fake's values can be stored in the live column's type.
fn fake_fits(column: &Column, live: &LiveColumn) -> Option<String> {
    let fake = column.fake.as_ref()?;
    const TEXT: &[&str] = &["text", "varchar", "bpchar", "citext", "name"];
    let base = live.base_type.as_str();
    let json = matches!(base, "json" | "jsonb");
    let ok = match fake.kind {
        FakeKind::Value(_) | FakeKind::With(_) => true,
        // A JSON column takes every fake, as a JSON string.
        _ if json => true,
        FakeKind::Json(_) => TEXT.contains(&base),
        FakeKind::Uuid => base == "uuid" || TEXT.contains(&base),
        FakeKind::Date => {
            matches!(base, "date" | "timestamp" | "timestamptz") || TEXT.contains(&base)
        }
        FakeKind::DateTime => matches!(base, "timestamp" | "timestamptz") || TEXT.contains(&base),
        FakeKind::Ipv4 | FakeKind::Ipv6 => matches!(base, "inet" | "cidr") || TEXT.contains(&base),
        _ => TEXT.contains(&base),
    };
    (!ok).then(|| {
        format!(
            "column {} is {} in the database, which cannot hold `#[fake({})]` values",
            column.name,
            live.type_name,
            fake.kind.name()
        )
    })
}
