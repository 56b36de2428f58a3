//! Writing one table's selected rows: straight through where nothing
//! changes, record by record where fakes replace deferred columns or optional
//! foreign keys pointing outside the slice become NULL.

use crate::error::{Error, Result};
use crate::fake::ColumnFaker;
use crate::keys::Selection;
use crate::model::{ColumnRead, FakeKind, Model};
use crate::options::Options;
use crate::plan::{Plan, TableId};
use crate::record::{self, RecordReader};
use crate::sink::TableWriter;
use crate::source::Source;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, Read};

/// Writes the selected rows of one table, in key order. Returns, per
/// optional foreign key column, how many values were written as NULL.
///
/// `referenced` holds, for optional foreign keys to a unique column other
/// than the primary key (`#[fk(Model, key = "...")]`), that column's values
/// in the parent's selected rows.
#[allow(clippy::too_many_arguments)]
pub(crate) fn export_table(
    source: &mut dyn Source,
    plan: &Plan,
    id: TableId,
    selections: &[Selection],
    referenced: &HashMap<(TableId, &'static str), Selection>,
    reads: &[ColumnRead],
    mut fakers: Vec<Option<ColumnFaker>>,
    out: &mut dyn TableWriter,
    options: &Options,
) -> Result<BTreeMap<String, u64>> {
    let table = &plan.tables[id];
    let model = table.model;
    // Optional foreign keys whose parent table is not exported whole: values
    // pointing outside the slice are written as NULL.
    let mut lookups: Vec<&Selection> = Vec::new();
    let mut nulled: Vec<(usize, usize)> = Vec::new();
    for &(fk, target) in &table.foreign_keys {
        if !fk.optional || selections[target] == Selection::All {
            continue;
        }
        let column = model
            .columns
            .iter()
            .position(|c| c.name == fk.column)
            .expect("fk column");
        let lookup = match referenced.get(&(id, fk.column)) {
            Some(values) => values,
            None => &selections[target],
        };
        nulled.push((column, lookups.len()));
        lookups.push(lookup);
    }
    let rewrite = !nulled.is_empty() || fakers.iter().any(Option::is_some);
    let mut writer = RowWriter::new(model, reads, &nulled, lookups, &mut fakers);
    let name = model.table.to_string();
    source.rows(model, &selections[id], options.batch_size, &mut |reader| {
        if rewrite {
            writer.rewrite(reader, out)
        } else {
            pass_through(reader, out, &name)
        }
    })?;
    Ok(nulled
        .iter()
        .filter(|&&(_, lookup)| writer.nulls[lookup] > 0)
        .map(|&(column, lookup)| (model.columns[column].name.to_string(), writer.nulls[lookup]))
        .collect())
}

fn pass_through(reader: &mut dyn Read, out: &mut dyn TableWriter, table: &str) -> Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(|e| Error::Read {
            table: table.to_string(),
            message: crate::error::io_message(&e),
        })?;
        if n == 0 {
            return Ok(());
        }
        out.write(&buf[..n])?;
    }
}

/// What the rewrite does with one column of a table: decided once per table.
#[derive(Debug, Clone, Copy)]
enum Action {
    /// Copy the field as it came (`index` in the query's output).
    Copy(usize),
    /// Copy the field, or write NULL when the parent it points at (looked
    /// up in `lookups[1]`) is not in the slice: an optional foreign key.
    CopyOrNull(usize, usize),
    /// Write a fake, or keep NULL and emptiness: `index` of what the query
    /// read of it (see [`ColumnRead`]), read as the `ColumnRead` says.
    Fake(Option<usize>, ColumnRead),
}

/// Rewrites records: fakes in place of deferred columns, NULL in place of
/// optional foreign keys whose parent is not in the slice; every other field
/// is copied byte for byte.
struct RowWriter<'a> {
    model: &'static Model,
    actions: Vec<Action>,
    /// The order fakes are made in: named kinds first, then `with`
    /// functions, which see the row's other output values.
    fake_order: Vec<usize>,
    /// Whether a `with` function needs the row's decoded values.
    needs_row: bool,
    /// Fields in the query's output.
    fields: usize,
    key_index: usize,
    /// Where optional foreign keys look their parents up.
    lookups: Vec<&'a Selection>,
    /// Per lookup, how many values were written as NULL.
    nulls: Vec<u64>,
    fakers: &'a mut [Option<ColumnFaker>],
    out: Vec<u8>,
    line: u64,
}

impl<'a> RowWriter<'a> {
    fn new(
        model: &'static Model,
        reads: &[ColumnRead],
        nulled: &[(usize, usize)],
        lookups: Vec<&'a Selection>,
        fakers: &'a mut [Option<ColumnFaker>],
    ) -> Self {
        let mut fields = 0;
        let mut actions = Vec::with_capacity(model.columns.len());
        for (i, (column, &how)) in model.columns.iter().zip(reads).enumerate() {
            let read = match how {
                ColumnRead::Deferred => None,
                _ => {
                    fields += 1;
                    Some(fields - 1)
                }
            };
            actions.push(match (column.fake.is_some(), read) {
                (true, read) => Action::Fake(read, how),
                (false, Some(index)) => match nulled.iter().find(|(c, _)| *c == i) {
                    Some(&(_, target)) => Action::CopyOrNull(index, target),
                    None => Action::Copy(index),
                },
                (false, None) => unreachable!("a column without a fake is always read"),
            });
        }
        let is_with = |i: &usize| {
            matches!(
                model.columns[*i].fake.map(|f| f.kind),
                Some(FakeKind::With(_))
            )
        };
        let (with, named): (Vec<usize>, Vec<usize>) = (0..model.columns.len())
            .filter(|&i| matches!(actions[i], Action::Fake(..)))
            .partition(is_with);
        let key_column = model
            .columns
            .iter()
            .position(|c| c.name == model.primary_key)
            .expect("pk column");
        let Action::Copy(key_index) = actions[key_column] else {
            unreachable!("the primary key is never faked nor nulled")
        };
        RowWriter {
            model,
            needs_row: !with.is_empty(),
            fake_order: named.into_iter().chain(with).collect(),
            actions,
            fields,
            key_index,
            nulls: vec![0; lookups.len()],
            lookups,
            fakers,
            out: Vec::new(),
            line: 1,
        }
    }

    fn rewrite(&mut self, reader: &mut dyn Read, file: &mut dyn TableWriter) -> Result<()> {
        let table = self.model.table.to_string();
        let mut records =
            RecordReader::new(BufReader::with_capacity(1 << 16, reader), self.line + 1);
        let single = self.model.columns.len() == 1;
        let width = self.model.columns.len();
        let row_error = |line: u64, message: String| Error::Row {
            table: table.clone(),
            line,
            column: String::new(),
            message,
        };
        while records
            .next_record()
            .map_err(|e| row_error(records.line(), crate::error::io_message(&e)))?
        {
            if records.len() != self.fields {
                let message = format!("expected {} fields, found {}", self.fields, records.len());
                return Err(row_error(records.line(), message));
            }
            // Which fields are copied as they came; the fakes made.
            let mut copied = vec![false; width];
            for (i, action) in self.actions.iter().enumerate() {
                copied[i] = match *action {
                    Action::Copy(_) => true,
                    Action::CopyOrNull(index, lookup) => {
                        let kept = records
                            .field(index)
                            .value()
                            .is_none_or(|v| self.lookups[lookup].contains_text(&v));
                        if !kept {
                            self.nulls[lookup] += 1;
                        }
                        kept
                    }
                    Action::Fake(..) => false,
                };
            }
            // The row's output values, decoded only for `with` functions.
            let mut values: Vec<Option<String>> = vec![None; width];
            if self.needs_row {
                for (i, action) in self.actions.iter().enumerate() {
                    if let (true, Action::Copy(index) | Action::CopyOrNull(index, _)) =
                        (copied[i], *action)
                    {
                        values[i] = records.field(index).value().map(|v| v.into_owned());
                    }
                }
            }
            let key = records
                .field(self.key_index)
                .value()
                .unwrap_or_default()
                .into_owned();
            for &i in &self.fake_order {
                let Action::Fake(read, how) = self.actions[i] else {
                    unreachable!("fake_order holds fakes")
                };
                let field = read.map(|index| records.field(index));
                let state = field.and_then(|f| f.value());
                // NULL and empty values are kept: `copied` for those written
                // as they came, `values` for the text of the others.
                let original = match (how, state) {
                    (ColumnRead::Deferred, _) => None,
                    (ColumnRead::IsNull, Some(null)) if null == "t" => continue,
                    (ColumnRead::IsNull, _) => None,
                    (_, None) => continue,
                    (ColumnRead::IsEmpty, Some(empty)) if empty == "t" => {
                        values[i] = Some(String::new());
                        continue;
                    }
                    (ColumnRead::IsEmpty, Some(_)) => None,
                    (ColumnRead::JsonEmpty, Some(state)) if state != "v" => {
                        copied[i] = true;
                        values[i] = Some(state.into_owned());
                        continue;
                    }
                    (ColumnRead::JsonEmpty, Some(_)) => None,
                    (ColumnRead::Value, Some(value)) => {
                        let json = self.fakers[i].as_ref().is_some_and(|f| f.is_json_column());
                        if value.is_empty()
                            || (json && crate::fake::json::empty_document(&value).is_some())
                        {
                            copied[i] = true;
                            values[i] = Some(value.into_owned());
                            continue;
                        }
                        Some(value.into_owned())
                    }
                };
                let faker = self.fakers[i].as_mut().expect("a faker per faked column");
                let value = if self.needs_row {
                    let row: Vec<(&str, Option<&str>)> = self
                        .model
                        .columns
                        .iter()
                        .zip(&values)
                        .map(|(c, v)| (c.name, v.as_deref()))
                        .collect();
                    faker.fake(&key, original.as_deref(), &row)?
                } else {
                    faker.fake(&key, original.as_deref(), &[])?
                };
                values[i] = Some(value);
            }
            self.out.clear();
            for (i, action) in self.actions.iter().enumerate() {
                if i > 0 {
                    self.out.push(b',');
                }
                match (*action, copied[i]) {
                    (
                        Action::Copy(index)
                        | Action::CopyOrNull(index, _)
                        | Action::Fake(Some(index), _),
                        true,
                    ) => self.out.extend_from_slice(records.field(index).raw),
                    _ => {
                        if let Some(value) = &values[i] {
                            record::write_value(&mut self.out, value, single);
                        }
                    }
                }
            }
            self.out.push(b'\n');
            file.write(&self.out)?;
        }
        self.line = records.line();
        Ok(())
    }
}
