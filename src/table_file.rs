//! Reading a slice's CSV files in tests, keeping NULL (an unquoted empty
//! field) and the empty string (`""`) apart, which general CSV readers do not.

use std::collections::BTreeSet;
use std::path::Path;

/// A CSV file as PostgreSQL writes it: a header, then records whose fields
/// are `None` for NULL (unquoted and empty) and `Some` otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csv {
    /// The column names.
    pub header: Vec<String>,
    /// The records; `None` is NULL.
    pub rows: Vec<Vec<Option<String>>>,
}

impl Csv {
    /// Reads `<dir>/<file>`.
    pub fn read(dir: &Path, file: &str) -> Csv {
        let path = dir.join(file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Csv::parse(&bytes)
    }

    /// Parses a whole file; every record, the last too, ends with `\n`.
    pub fn parse(bytes: &[u8]) -> Csv {
        let text = std::str::from_utf8(bytes).expect("CSV files are UTF-8");
        let mut records: Vec<Vec<Option<String>>> = Vec::new();
        let mut record: Vec<Option<String>> = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut in_quotes = false;
        let mut chars = text.chars().peekable();
        let finish = |field: &mut String, quoted: &mut bool| {
            let value = std::mem::take(field);
            let out = if *quoted || !value.is_empty() {
                Some(value)
            } else {
                None
            };
            *quoted = false;
            out
        };
        while let Some(c) = chars.next() {
            if in_quotes {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        in_quotes = false;
                    }
                } else {
                    field.push(c);
                }
                continue;
            }
            match c {
                '"' => {
                    assert!(field.is_empty(), "a quote inside an unquoted field");
                    in_quotes = true;
                    quoted = true;
                }
                ',' => record.push(finish(&mut field, &mut quoted)),
                '\n' => {
                    record.push(finish(&mut field, &mut quoted));
                    records.push(std::mem::take(&mut record));
                }
                _ => field.push(c),
            }
        }
        assert!(!in_quotes, "a quoted field is never closed");
        assert!(
            field.is_empty() && record.is_empty() && !quoted,
            "the last record does not end with a line feed"
        );
        let mut records = records.into_iter();
        let header = records
            .next()
            .expect("a header")
            .into_iter()
            .map(|h| h.expect("header names are never NULL"))
            .collect();
        Csv {
            header,
            rows: records.collect(),
        }
    }

    /// The index of a column.
    pub fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// The values of a column, in file order.
    pub fn values(&self, name: &str) -> Vec<Option<String>> {
        let i = self.column(name);
        self.rows.iter().map(|r| r[i].clone()).collect()
    }

    /// The non-NULL values of an integer column, as a set.
    pub fn ints(&self, name: &str) -> BTreeSet<i64> {
        self.values(name)
            .into_iter()
            .flatten()
            .map(|v| v.parse().unwrap_or_else(|_| panic!("{name}: {v:?}")))
            .collect()
    }

    /// The row whose column `key` is `value`.
    pub fn row(&self, key: &str, value: &str) -> &[Option<String>] {
        let i = self.column(key);
        self.rows
            .iter()
            .find(|r| r[i].as_deref() == Some(value))
            .unwrap_or_else(|| panic!("no row with {key} = {value}"))
    }

    /// The value of `column` in the row whose column `key` is `value`.
    pub fn get(&self, key: &str, value: &str, column: &str) -> Option<String> {
        self.row(key, value)[self.column(column)].clone()
    }
}
