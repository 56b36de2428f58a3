//! Writing one table's selected rows: straight through where nothing
//! changes, record by record where fakes replace deferred columns or optional
//! foreign keys pointing outside the slice become NULL.

use crate::error::{Error, Result};
use crate::fake::ColumnFaker;
use crate::keys::Selection;
use crate::model::{ColumnRead, FakeKind, Model};
use crate::plan::{Plan, TableId};
use crate::record::{self, RecordReader};
use crate::run::Options;
use crate::sink::TableWriter;
use crate::source::Source;
use std::io::{BufReader, Read};

/// Writes the selected rows of one table, in key order.
pub(crate) fn export_table(
    source: &mut dyn Source,
    plan: &Plan,
    id: TableId,
    selections: &[Selection],
    mut fakers: Vec<Option<ColumnFaker>>,
    out: &mut dyn TableWriter,
    options: &Options,
) -> Result<()> {
    let table = &plan.tables[id];
    let model = table.model;
    // Optional foreign keys whose parent table is not exported whole: values
    // pointing outside the slice are written as NULL.
    let nulled: Vec<(usize, TableId)> = table
        .foreign_keys
        .iter()
        .filter(|(fk, target)| fk.optional && selections[*target] != Selection::All)
        .map(|(fk, target)| {
            (
                model
                    .columns
                    .iter()
                    .position(|c| c.name == fk.column)
                    .expect("fk column"),
                *target,
            )
        })
        .collect();
    let rewrite = !nulled.is_empty() || fakers.iter().any(Option::is_some);
    let mut writer = RowWriter::new(model, &nulled, selections, &mut fakers);
    let name = model.table.to_string();
    source.rows(model, &selections[id], options.batch_size, &mut |reader| {
        if rewrite {
            writer.rewrite(reader, out)
        } else {
            pass_through(reader, out, &name)
        }
    })
}

fn pass_through(reader: &mut dyn Read, out: &mut dyn TableWriter, table: &str) -> Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(|e| Error::Row {
            table: table.to_string(),
            line: 0,
            column: String::new(),
            message: format!("reading rows failed: {e}"),
        })?;
        if n == 0 {
            return Ok(());
        }
        out.write(&buf[..n])?;
    }
}

/// Rewrites records: fakes in place of deferred columns, NULL in place of
/// optional foreign keys whose parent is not in the slice; every other field
/// is copied byte for byte.
struct RowWriter<'a> {
    model: &'static Model,
    /// For each model column, its field index in the query's output (None
    /// when not read).
    source_index: Vec<Option<usize>>,
    key_index: usize,
    nulled: &'a [(usize, TableId)],
    selections: &'a [Selection],
    fakers: &'a mut [Option<ColumnFaker>],
    out: Vec<u8>,
    line: u64,
}

impl<'a> RowWriter<'a> {
    fn new(
        model: &'static Model,
        nulled: &'a [(usize, TableId)],
        selections: &'a [Selection],
        fakers: &'a mut [Option<ColumnFaker>],
    ) -> Self {
        let mut next = 0;
        let source_index: Vec<Option<usize>> = model
            .columns
            .iter()
            .map(|c| match c.read() {
                ColumnRead::Deferred => None,
                ColumnRead::Value | ColumnRead::IsNull => {
                    next += 1;
                    Some(next - 1)
                }
            })
            .collect();
        let key_column = model
            .columns
            .iter()
            .position(|c| c.name == model.primary_key)
            .expect("pk column");
        let key_index = source_index[key_column].expect("the primary key is never faked");
        RowWriter {
            model,
            source_index,
            key_index,
            nulled,
            selections,
            fakers,
            out: Vec::new(),
            line: 1,
        }
    }

    fn rewrite(&mut self, reader: &mut dyn Read, file: &mut dyn TableWriter) -> Result<()> {
        let table = self.model.table.to_string();
        let mut records =
            RecordReader::new(BufReader::with_capacity(1 << 16, reader), self.line + 1);
        let expected = self.source_index.iter().flatten().count();
        let single = self.model.columns.len() == 1;
        loop {
            let more = records.next_record().map_err(|e| Error::Row {
                table: table.clone(),
                line: records.line(),
                column: String::new(),
                message: e.to_string(),
            })?;
            if !more {
                break;
            }
            if records.len() != expected {
                return Err(Error::Row {
                    table,
                    line: records.line(),
                    column: String::new(),
                    message: format!("expected {expected} fields, found {}", records.len()),
                });
            }
            let key = records
                .field(self.key_index)
                .value()
                .unwrap_or_default()
                .into_owned();
            // Output values of the row, for `with` fakes: None = NULL.
            let mut values: Vec<Option<String>> = vec![None; self.model.columns.len()];
            let mut raw_copy: Vec<bool> = vec![false; self.model.columns.len()];
            for (i, column) in self.model.columns.iter().enumerate() {
                let field = self.source_index[i].map(|s| records.field(s));
                if let (ColumnRead::Value, None) = (column.read(), &column.fake) {
                    {
                        let field = field.expect("read");
                        let keep = match self.nulled.iter().find(|(c, _)| *c == i) {
                            Some((_, target)) => field
                                .value()
                                .is_none_or(|v| self.selections[*target].contains_text(&v)),
                            None => true,
                        };
                        if keep {
                            values[i] = field.value().map(|v| v.into_owned());
                            raw_copy[i] = true;
                        }
                    }
                }
            }
            // Named fakes first, then the user's `with` functions, which see
            // the row's other output values.
            for pass in [false, true] {
                for (i, column) in self.model.columns.iter().enumerate() {
                    let Some(fake) = &column.fake else { continue };
                    if matches!(fake.kind, FakeKind::With(_)) != pass {
                        continue;
                    }
                    let field = self.source_index[i].map(|s| records.field(s));
                    let (is_null, original) = match column.read() {
                        ColumnRead::Deferred => (false, None),
                        ColumnRead::IsNull => {
                            (field.and_then(|f| f.value()).as_deref() == Some("t"), None)
                        }
                        ColumnRead::Value => {
                            let v = field.and_then(|f| f.value()).map(|v| v.into_owned());
                            (v.is_none(), v)
                        }
                    };
                    if is_null {
                        continue;
                    }
                    let row: Vec<(&str, Option<&str>)> = self
                        .model
                        .columns
                        .iter()
                        .zip(&values)
                        .map(|(c, v)| (c.name, v.as_deref()))
                        .collect();
                    let faker = self.fakers[i].as_mut().expect("a faker per faked column");
                    let value = faker.fake(&key, original.as_deref(), &row)?;
                    values[i] = Some(value);
                }
            }
            self.out.clear();
            for i in 0..self.model.columns.len() {
                if i > 0 {
                    self.out.push(b',');
                }
                if raw_copy[i] {
                    let s = self.source_index[i].expect("read");
                    self.out.extend_from_slice(records.field(s).raw);
                } else if let Some(value) = &values[i] {
                    record::write_value(&mut self.out, value, single);
                }
            }
            self.out.push(b'\n');
            file.write(&self.out)?;
        }
        self.line = records.line();
        Ok(())
    }
}
