//! `dataslicer verify DIR`: a slice directory checked offline, with no
//! database and no models.
//!
//! First the manifest against the files, as [`DirSource::open`](crate::DirSource::open)
//! checks them (format version, every file present with its SHA-256, row
//! count and header); then referential completeness within the files: every
//! non-NULL value of every foreign key the manifest records is found among
//! the referenced column's values in the parent's file (self-references,
//! cycles and optional keys included), and no primary key value repeats.
//! Every problem of every table is reported, not only the first.
//!
//! ```no_run
//! let report = dataslicer::verify::verify("slice")?;
//! for problem in &report.problems {
//!     eprintln!("{problem}");
//! }
//! assert!(report.is_ok());
//! # Ok::<(), dataslicer::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::manifest::ManifestTable;
use crate::source::dir::{read_manifest, scan, verify_file};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::Path;

/// What [`verify`] found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The tables in the manifest.
    pub tables: usize,
    /// Their rows, all together.
    pub rows: u64,
    /// The foreign keys checked.
    pub foreign_keys: usize,
    /// Every problem found.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether the slice is sound.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.problems {
            writeln!(f, "{problem}")?;
        }
        if self.is_ok() {
            writeln!(
                f,
                "ok: {} tables, {} rows, {} foreign keys complete",
                self.tables, self.rows, self.foreign_keys
            )
        } else {
            writeln!(f, "{} problems", self.problems.len())
        }
    }
}

/// One problem, naming the table (and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The table.
    pub table: String,
    /// The column, when the problem is about one.
    pub column: Option<String>,
    /// What is wrong (with a sample value where there is one).
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(
                f,
                "table {}, column {}: {}",
                self.table, column, self.message
            ),
            None => write!(f, "table {}: {}", self.table, self.message),
        }
    }
}

/// Checks the slice directory `dir`. An unreadable manifest is an error;
/// everything else found is a [`Problem`] of the report.
pub fn verify(dir: impl AsRef<Path>) -> Result<Report> {
    let dir = dir.as_ref();
    let manifest = read_manifest(dir)?;
    let mut report = Report {
        tables: manifest.tables.len(),
        rows: manifest.tables.iter().map(|t| t.rows).sum(),
        ..Report::default()
    };
    let mut sound: Vec<&ManifestTable> = Vec::new();
    for table in &manifest.tables {
        match verify_file(dir, table) {
            Ok(()) => sound.push(table),
            Err(Error::Manifest { message, .. }) => report.problems.push(Problem {
                table: table.table.clone(),
                column: None,
                message: message
                    .strip_prefix(&format!("table {}: ", table.table))
                    .unwrap_or(&message)
                    .to_string(),
            }),
            Err(e) => return Err(e),
        }
    }
    // Which columns' values are needed: every referenced column, and every
    // primary key (for duplicates).
    let by_name: HashMap<&str, &ManifestTable> =
        sound.iter().map(|t| (t.table.as_str(), *t)).collect();
    let mut referenced: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for table in &sound {
        referenced
            .entry(table.table.as_str())
            .or_default()
            .insert(table.primary_key.as_str());
        for fk in &table.foreign_keys {
            report.foreign_keys += 1;
            if by_name.contains_key(fk.references.as_str()) {
                referenced
                    .entry(fk.references.as_str())
                    .or_default()
                    .insert(fk.references_column.as_str());
            } else if !manifest.tables.iter().any(|t| t.table == fk.references) {
                report.problems.push(Problem {
                    table: table.table.clone(),
                    column: Some(fk.column.clone()),
                    message: format!(
                        "references {}.{}, which is not in the slice",
                        fk.references, fk.references_column
                    ),
                });
            }
        }
    }
    let mut values: HashMap<(String, String), HashSet<String>> = HashMap::new();
    for table in &sound {
        let wanted: Vec<(usize, &str)> = referenced
            .get(table.table.as_str())
            .into_iter()
            .flatten()
            .filter_map(|c| table.columns.iter().position(|x| x == c).map(|i| (i, *c)))
            .collect();
        let key_index = table.columns.iter().position(|c| *c == table.primary_key);
        let mut sets: Vec<HashSet<String>> = vec![HashSet::new(); wanted.len()];
        let mut duplicate: Option<String> = None;
        let mut duplicates = 0u64;
        let scanned = scan(dir, table, |records| {
            for ((index, column), set) in wanted.iter().zip(&mut sets) {
                if let Some(value) = records.field(*index).value() {
                    let fresh = set.insert(value.to_string());
                    if !fresh && Some(*index) == key_index && *column == table.primary_key {
                        duplicates += 1;
                        duplicate.get_or_insert_with(|| value.to_string());
                    }
                }
            }
            Ok(())
        });
        if let Err(e) = scanned {
            report.problems.push(Problem {
                table: table.table.clone(),
                column: None,
                message: e.to_string(),
            });
            continue;
        }
        if let Some(sample) = duplicate {
            report.problems.push(Problem {
                table: table.table.clone(),
                column: Some(table.primary_key.clone()),
                message: format!("{duplicates} repeated primary key values, e.g. {sample}"),
            });
        }
        for ((_, column), set) in wanted.into_iter().zip(sets) {
            values.insert((table.table.clone(), column.to_string()), set);
        }
    }
    for table in &sound {
        let checks: Vec<(usize, &crate::manifest::ManifestForeignKey)> = table
            .foreign_keys
            .iter()
            .filter_map(|fk| {
                let index = table.columns.iter().position(|c| *c == fk.column);
                if index.is_none() {
                    report.problems.push(Problem {
                        table: table.table.clone(),
                        column: Some(fk.column.clone()),
                        message:
                            "the manifest records a foreign key on a column the file does not have"
                                .into(),
                    });
                }
                index.map(|i| (i, fk))
            })
            .collect();
        if checks.is_empty() {
            continue;
        }
        let mut missing: Vec<(u64, Option<String>)> = vec![(0, None); checks.len()];
        let scanned = scan(dir, table, |records| {
            for ((index, fk), (count, sample)) in checks.iter().zip(&mut missing) {
                let Some(value) = records.field(*index).value() else {
                    continue;
                };
                let key = (fk.references.clone(), fk.references_column.clone());
                let Some(parents) = values.get(&key) else {
                    continue;
                };
                if !parents.contains(value.as_ref()) {
                    *count += 1;
                    sample.get_or_insert_with(|| value.to_string());
                }
            }
            Ok(())
        });
        if let Err(e) = scanned {
            report.problems.push(Problem {
                table: table.table.clone(),
                column: None,
                message: e.to_string(),
            });
            continue;
        }
        for ((_, fk), (count, sample)) in checks.iter().zip(missing) {
            if let Some(sample) = sample {
                let how = if fk.optional {
                    " (an optional key)"
                } else {
                    ""
                };
                report.problems.push(Problem {
                    table: table.table.clone(),
                    column: Some(fk.column.clone()),
                    message: format!(
                        "{count} rows reference a row of {}.{} that is not in the slice{how}, e.g. {sample}",
                        fk.references, fk.references_column
                    ),
                });
            }
        }
    }
    Ok(report)
}
