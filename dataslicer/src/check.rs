//! `check`: an exporter's models against the live schema, every problem of
//! every table in one report. This is what CI runs after each migration.
//!
//! Problems (the report fails):
//! * a model's table or column that does not exist, a field type that does
//!   not fit its column, a NOT NULL column without a default that no field
//!   mirrors, and the other mismatches [`schema::problems`] finds;
//! * a model's primary key that is not the table's;
//! * a foreign key constraint of a modelled table that its model does not
//!   declare, or declares to another table;
//! * a table no model mirrors that references a modelled table: its rows
//!   are missing from every slice, and a load into a copy of the schema
//!   leaves it empty.
//!
//! Notes (fine, reported): a model's `#[fk]` without a constraint in the
//! database, a *virtual* foreign key that the slice honours all the same.

use crate::catalog::{Catalog, Table};
use crate::model::Model;
use crate::schema;
use std::fmt;

/// What [`check`] found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The models checked.
    pub models: usize,
    /// Everything that is wrong.
    pub problems: Vec<Finding>,
    /// Everything worth knowing that is not wrong.
    pub notes: Vec<Finding>,
}

impl Report {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One finding, naming the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The table.
    pub table: String,
    /// What was found, naming the column.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "table {}: {}", self.table, self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.problems {
            writeln!(f, "problem: {problem}")?;
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        if self.is_ok() {
            writeln!(f, "ok: {} models match the database", self.models)
        } else {
            writeln!(
                f,
                "{} problems in {} models",
                self.problems.len(),
                self.models
            )
        }
    }
}

/// Checks `models` against `catalog`.
pub fn check(models: &[&'static Model], catalog: &Catalog) -> Report {
    let mut report = Report {
        models: models.len(),
        ..Report::default()
    };
    let problem = |report: &mut Report, table: String, message: String| {
        report.problems.push(Finding { table, message });
    };
    let mut modelled: Vec<(&'static Model, &Table)> = Vec::new();
    for &model in models {
        let name = model.table.to_string();
        let Some(table) = catalog.table(&model.table) else {
            problem(
                &mut report,
                name,
                format!(
                    "the table of model {} does not exist in the database",
                    model.rust_name
                ),
            );
            continue;
        };
        modelled.push((model, table));
        let (_, problems) = schema::problems(model, table);
        for message in problems {
            problem(&mut report, name.clone(), message);
        }
        match table.primary_key.as_slice() {
            [key] if key == model.primary_key => {}
            [] if table.is_unique(model.primary_key) => {}
            [] => problem(
                &mut report,
                name.clone(),
                format!(
                    "the table has no primary key and column {} is not unique: keys may repeat",
                    model.primary_key
                ),
            ),
            keys => problem(
                &mut report,
                name.clone(),
                format!(
                    "the primary key is ({}), but model {} says {}",
                    keys.join(", "),
                    model.rust_name,
                    model.primary_key
                ),
            ),
        }
    }
    let model_of = |table: &Table| {
        modelled
            .iter()
            .find(|(_, t)| std::ptr::eq(*t, table))
            .map(|(m, _)| *m)
    };
    for &(model, table) in &modelled {
        let name = model.table.to_string();
        for fk in &table.foreign_keys {
            let target = catalog.target(fk);
            let target_name = target.map_or_else(
                || format!("{}.{}", fk.target_schema, fk.target_table),
                Table::table_name,
            );
            let [column] = fk.columns.as_slice() else {
                problem(
                    &mut report,
                    name.clone(),
                    format!(
                        "foreign key {} ({}) -> {target_name} spans several columns, which a model \
                         cannot declare: the slice may not load",
                        fk.name,
                        fk.columns.join(", ")
                    ),
                );
                continue;
            };
            let target_column = fk.target_columns.join(", ");
            let target_model = target.and_then(model_of);
            match model.foreign_key(column) {
                None => {
                    let how = match target_model {
                        Some(m) if target.and_then(Table::single_key) == Some(&target_column) => {
                            format!("add `#[fk({})]` to field of column {column}", m.rust_name)
                        }
                        Some(m) => format!(
                            "add `#[fk({}, key = \"{target_column}\")]` to the field of column {column}",
                            m.rust_name
                        ),
                        None => format!("{target_name} has no model: add one, then `#[fk(..)]`"),
                    };
                    let missing_field = model.column(column).is_none();
                    problem(
                        &mut report,
                        name.clone(),
                        format!(
                            "column {column} references {target_name}.{target_column} \
                             (constraint {}), but the model does not declare it{}: {how}",
                            fk.name,
                            if missing_field {
                                " (nor the column)"
                            } else {
                                ""
                            }
                        ),
                    );
                }
                Some(declared) => {
                    let same_table = target.is_some_and(|t| t.is(&declared.target_table));
                    if !same_table || declared.target_key != target_column {
                        problem(
                            &mut report,
                            name.clone(),
                            format!(
                                "column {column} references {target_name}.{target_column} in the \
                                 database, but the model's `#[fk]` points at {}.{}",
                                declared.target_table, declared.target_key
                            ),
                        );
                    }
                }
            }
        }
        for declared in model.foreign_keys {
            if table.foreign_key(declared.column).is_none() {
                report.notes.push(Finding {
                    table: name.clone(),
                    message: format!(
                        "column {} -> {}.{} has no constraint in the database: a virtual \
                         foreign key, honoured by the slice",
                        declared.column, declared.target_table, declared.target_key
                    ),
                });
            }
        }
    }
    for table in &catalog.tables {
        if model_of(table).is_some() {
            continue;
        }
        for fk in &table.foreign_keys {
            let Some(target_model) = catalog.target(fk).and_then(model_of) else {
                continue;
            };
            problem(
                &mut report,
                table.table_name(),
                format!(
                    "no model mirrors this table, but its column {} references {} (model {}): \
                     its rows are missing from every slice",
                    fk.columns.join(", "),
                    target_model.table,
                    target_model.rust_name
                ),
            );
        }
    }
    report
}
