//! Loading into PostgreSQL: `COPY ... FROM STDIN` in one transaction, so a
//! load either happens whole or leaves the target exactly as it was.
//!
//! Tables load in the slice's order with `SET CONSTRAINTS ALL DEFERRED`.
//! Foreign keys that close a cycle and cannot be deferred are loaded as NULL
//! first and set once their parents exist. After the rows, every sequence
//! owned by a loaded column is moved past the largest loaded value, so the
//! application can insert at once.

use crate::error::{Error, Result, pg};
use crate::manifest::{Manifest, ManifestTable};
use crate::record::RecordCounter;
use crate::sink::{Sink, TableWriter};
use crate::source::postgres::prepare_session;
use crate::sql;
use postgres::{Client, CopyInWriter, Transaction};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;

/// What to do when a target table already has rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IfExists {
    /// Refuse, naming the first non-empty table (the default).
    #[default]
    Fail,
    /// Empty the slice's tables first, in the same transaction.
    Truncate,
    /// Insert only rows whose primary key is absent.
    Merge,
}

impl std::str::FromStr for IfExists {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "fail" => Ok(IfExists::Fail),
            "truncate" => Ok(IfExists::Truncate),
            "merge" => Ok(IfExists::Merge),
            _ => Err(Error::Usage(format!(
                "--if-exists {s}: expected fail, truncate or merge"
            ))),
        }
    }
}

/// How one table is loaded.
#[derive(Debug, Default)]
struct TablePlan {
    /// Through a staging table (merge, or columns loaded NULL first).
    stage: Option<String>,
    /// Columns written NULL first and set after every table is loaded.
    null_first: Vec<String>,
}

/// A PostgreSQL database being loaded, in one transaction.
pub struct PgSink<'a> {
    tx: Option<Transaction<'a>>,
    if_exists: IfExists,
    description: String,
    plans: HashMap<String, TablePlan>,
    /// Statements to run after every table is loaded.
    after: Vec<String>,
    loaded: Vec<ManifestTable>,
}

impl<'a> PgSink<'a> {
    /// Starts the load's transaction on `client`.
    pub fn begin(client: &'a mut Client, if_exists: IfExists) -> Result<Self> {
        let mut tx = client
            .transaction()
            .map_err(|e| Error::query("starting the load's transaction", e))?;
        let description = prepare_session(&mut tx)?;
        tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")
            .map_err(|e| Error::query("deferring constraints", e))?;
        Ok(PgSink {
            tx: Some(tx),
            if_exists,
            description,
            plans: HashMap::new(),
            after: Vec::new(),
            loaded: Vec::new(),
        })
    }

    fn tx(&mut self) -> &mut Transaction<'a> {
        self.tx
            .as_mut()
            .expect("the load is used only before finish()")
    }

    /// Checks that every table exists with every column.
    fn check_tables(&mut self, tables: &[ManifestTable]) -> Result<Vec<u32>> {
        let mut oids = Vec::new();
        for table in tables {
            let rows = self
                .tx()
                .query(
                    "SELECT a.attrelid::int8, a.attname::text FROM pg_attribute a \
                     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
                    &[&table.sql_name()],
                )
                .map_err(|e| Error::query(format!("describing target table {}", table.table), e))?;
            let Some(first) = rows.first() else {
                return Err(Error::Schema {
                    table: table.table.clone(),
                    message:
                        "the table does not exist in the target database: create the schema first \
                              (run the application's migrations)"
                            .into(),
                });
            };
            let oid = first.get::<_, i64>(0) as u32;
            let names: Vec<String> = rows.iter().map(|r| r.get(1)).collect();
            let missing: Vec<&str> = table
                .columns
                .iter()
                .filter(|c| !names.contains(c))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                return Err(Error::Schema {
                    table: table.table.clone(),
                    message: format!("the target table has no column {}", missing.join(", ")),
                });
            }
            oids.push(oid);
        }
        Ok(oids)
    }

    /// Empties the slice's tables (`oids`) in one `TRUNCATE`. PostgreSQL
    /// truncates a table only together with every table that references it,
    /// so tables outside the slice that reference it (directly or through
    /// each other) join the statement when they are empty; a non-empty one is
    /// an error naming it, since its rows would point at nothing.
    fn truncate(&mut self, oids: &[u32]) -> Result<()> {
        if oids.is_empty() {
            return Ok(());
        }
        let list: Vec<i64> = oids.iter().map(|&o| i64::from(o)).collect();
        let rows = self
            .tx()
            .query(
                "WITH RECURSIVE referencing(oid) AS ( \
                     SELECT c.conrelid FROM pg_constraint c \
                     WHERE c.contype = 'f' AND c.confrelid::int8 = ANY($1) AND NOT c.conrelid::int8 = ANY($1) \
                     UNION \
                     SELECT c.conrelid FROM pg_constraint c JOIN referencing r ON c.confrelid = r.oid \
                     WHERE c.contype = 'f' AND NOT c.conrelid::int8 = ANY($1)) \
                 SELECT oid::regclass::text FROM referencing",
                &[&list],
            )
            .map_err(|e| Error::query("finding the tables that reference the slice's tables", e))?;
        let mut names: Vec<String> = Vec::new();
        for &oid in oids {
            let row = self
                .tx()
                .query_one("SELECT $1::int8::oid::regclass::text", &[&i64::from(oid)])
                .map_err(|e| Error::query("naming the slice's tables", e))?;
            names.push(row.get(0));
        }
        for row in rows {
            let outside: String = row.get(0);
            let query = format!("SELECT EXISTS (SELECT 1 FROM {outside})");
            let has_rows: bool = self
                .tx()
                .query_one(&query, &[])
                .map_err(|e| Error::query(format!("looking into table {outside}"), e))?
                .get(0);
            if has_rows {
                return Err(Error::Schema {
                    table: outside,
                    message:
                        "this table is not in the slice but references its tables and has rows: \
                              --if-exists truncate would leave them pointing at nothing; empty it, \
                              or use --if-exists merge"
                            .into(),
                });
            }
            names.push(outside);
        }
        let query = format!("TRUNCATE {}", names.join(", "));
        self.tx()
            .batch_execute(&query)
            .map_err(|e| Error::query("emptying the target tables (--if-exists truncate)", e))
    }

    /// Finds foreign keys that point at the same or a later table and cannot
    /// be deferred: their columns are loaded NULL first.
    fn plan_cycles(&mut self, tables: &[ManifestTable], oids: &[u32]) -> Result<()> {
        let position: HashMap<u32, usize> = oids.iter().enumerate().map(|(i, &o)| (o, i)).collect();
        let oid_list: Vec<i64> = oids.iter().map(|&o| i64::from(o)).collect();
        let rows = self
            .tx()
            .query(
                "SELECT c.conrelid::int8, c.confrelid::int8, c.condeferrable, c.conname::text, \
                        array(SELECT a.attname::text FROM unnest(c.conkey) k \
                              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k), \
                        array(SELECT a.attnotnull FROM unnest(c.conkey) k \
                              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) \
                 FROM pg_constraint c \
                 WHERE c.contype = 'f' AND c.conrelid::int8 = ANY($1) AND c.confrelid::int8 = ANY($1)",
                &[&oid_list],
            )
            .map_err(|e| Error::query("reading the target's foreign keys", e))?;
        for row in rows {
            let (from, to) = (row.get::<_, i64>(0) as u32, row.get::<_, i64>(1) as u32);
            let deferrable: bool = row.get(2);
            if deferrable || position[&to] < position[&from] {
                continue;
            }
            let table = &tables[position[&from]];
            let columns: Vec<String> = row.get(4);
            let not_null: Vec<bool> = row.get(5);
            if not_null.iter().any(|&n| n) {
                return Err(Error::Schema {
                    table: table.table.clone(),
                    message: format!(
                        "foreign key {} ({}) closes a cycle but is neither DEFERRABLE nor nullable, \
                         so no load order satisfies it",
                        row.get::<_, String>(3),
                        columns.join(", ")
                    ),
                });
            }
            let plan = self.plans.entry(table.table.clone()).or_default();
            for column in columns {
                if table.columns.contains(&column) && !plan.null_first.contains(&column) {
                    plan.null_first.push(column);
                }
            }
        }
        Ok(())
    }
}

impl Sink for PgSink<'_> {
    fn description(&self) -> String {
        self.description.clone()
    }

    fn begin(&mut self, tables: &[ManifestTable]) -> Result<()> {
        let oids = self.check_tables(tables)?;
        match self.if_exists {
            IfExists::Fail => {
                for table in tables {
                    let query = format!("SELECT EXISTS (SELECT 1 FROM {})", table.sql_name());
                    let row = self.tx().query_one(&query, &[]).map_err(|e| {
                        Error::query(format!("looking into target table {}", table.table), e)
                    })?;
                    if row.get::<_, bool>(0) {
                        return Err(Error::Schema {
                            table: table.table.clone(),
                            message: "the target table already has rows: choose --if-exists truncate \
                                      (empty the slice's tables first) or merge (add missing rows only)"
                                .into(),
                        });
                    }
                }
            }
            IfExists::Truncate => self.truncate(&oids)?,
            IfExists::Merge => {}
        }
        self.plan_cycles(tables, &oids)?;
        let merge = self.if_exists == IfExists::Merge;
        for (i, table) in tables.iter().enumerate() {
            let plan = self.plans.entry(table.table.clone()).or_default();
            if merge || !plan.null_first.is_empty() {
                plan.stage = Some(format!("dataslicer_stage_{i}"));
            }
        }
        Ok(())
    }

    fn taken_values(&mut self, table: &ManifestTable, column: &str) -> Result<Vec<String>> {
        if self.if_exists != IfExists::Merge {
            return Ok(Vec::new());
        }
        let query = format!(
            "SELECT {col}::text FROM {} WHERE {col} IS NOT NULL",
            table.sql_name(),
            col = sql::ident(column)
        );
        let rows = self.tx().query(&query, &[]).map_err(|e| {
            Error::query(format!("reading {}.{column} in the target", table.table), e)
        })?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn table<'s>(&'s mut self, table: &ManifestTable) -> Result<Box<dyn TableWriter + 's>> {
        let columns: Vec<String> = table.columns.iter().map(|c| sql::ident(c)).collect();
        let columns = columns.join(", ");
        let stage = self.plans.get(&table.table).and_then(|p| p.stage.clone());
        let target = match &stage {
            Some(stage) => {
                let create = format!(
                    "CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {columns} FROM {} WITH NO DATA",
                    sql::ident(stage),
                    table.sql_name()
                );
                self.tx()
                    .batch_execute(&create)
                    .map_err(|e| Error::query(format!("staging table {}", table.table), e))?;
                sql::ident(stage)
            }
            None => table.sql_name(),
        };
        let copy = format!("COPY {target} ({columns}) FROM STDIN (FORMAT csv)");
        let name = table.table.clone();
        let writer = self
            .tx()
            .copy_in(&copy)
            .map_err(|e| Error::query(format!("loading table {name}"), e))?;
        let mut hash = Sha256::new();
        hash.update(crate::record::header_line(&table.columns));
        Ok(Box::new(PgTableWriter {
            writer,
            table: name,
            hash,
            counter: RecordCounter::default(),
        }))
    }

    fn table_done(&mut self, table: &ManifestTable) -> Result<()> {
        let plan = self.plans.remove(&table.table).unwrap_or_default();
        if let Some(stage) = &plan.stage {
            let stage = sql::ident(stage);
            let select: Vec<String> = table
                .columns
                .iter()
                .map(|c| {
                    if plan.null_first.contains(c) {
                        "NULL".to_string()
                    } else {
                        sql::ident(c)
                    }
                })
                .collect();
            let columns: Vec<String> = table.columns.iter().map(|c| sql::ident(c)).collect();
            let key = sql::ident(&table.primary_key);
            // Only a clash on the primary key means "already there"; a clash
            // on another unique key is an error, not a row to drop.
            let conflict = if self.if_exists == IfExists::Merge {
                format!(" ON CONFLICT ({key}) DO NOTHING")
            } else {
                String::new()
            };
            let insert = format!(
                "INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {stage}{conflict}",
                table.sql_name(),
                columns.join(", "),
                select.join(", ")
            );
            if plan.null_first.is_empty() {
                self.tx()
                    .batch_execute(&insert)
                    .map_err(|e| insert_error(&table.table, self.if_exists, e))?;
            } else {
                // Remember which rows this load inserted, so that only those
                // get their cycle-closing columns set afterwards.
                let keys = sql::ident(&format!("{}_keys", stage.trim_matches('"')));
                let batch = format!(
                    "CREATE TEMP TABLE {keys} ON COMMIT DROP AS SELECT {key} FROM {} WITH NO DATA; \
                     WITH inserted AS ({insert} RETURNING {key}) INSERT INTO {keys} SELECT {key} FROM inserted",
                    table.sql_name()
                );
                self.tx()
                    .batch_execute(&batch)
                    .map_err(|e| insert_error(&table.table, self.if_exists, e))?;
                let sets: Vec<String> = plan
                    .null_first
                    .iter()
                    .map(|c| format!("{0} = s.{0}", sql::ident(c)))
                    .collect();
                self.after.push(format!(
                    "UPDATE {} AS t SET {} FROM {stage} AS s JOIN {keys} AS k ON k.{key} = s.{key} \
                     WHERE t.{key} = s.{key}",
                    table.sql_name(),
                    sets.join(", ")
                ));
            }
        }
        self.loaded.push(table.clone());
        Ok(())
    }

    fn finish(&mut self, _manifest: &Manifest) -> Result<()> {
        for statement in std::mem::take(&mut self.after) {
            self.tx()
                .batch_execute(&statement)
                .map_err(|e| Error::query("setting the columns that close cycles", e))?;
        }
        // Check every deferred constraint now, before sequences move: setval
        // is not undone by a rollback.
        self.tx()
            .batch_execute("SET CONSTRAINTS ALL IMMEDIATE")
            .map_err(|e| {
                let table = e
                    .as_db_error()
                    .and_then(|d| d.table())
                    .unwrap_or("?")
                    .to_string();
                Error::Schema {
                    table,
                    message: format!("the loaded rows violate a constraint: {}", pg(&e)),
                }
            })?;
        for table in std::mem::take(&mut self.loaded) {
            reset_sequences(self.tx(), &table)?;
        }
        let tx = self.tx.take().expect("finish runs once");
        tx.commit()
            .map_err(|e| Error::query("committing the load", e))
    }

    fn abandon(&mut self) {
        // Dropping the transaction rolls it back.
        self.tx = None;
    }
}

/// An error of the INSERT that moves staged rows into a table. In a merge,
/// a clash on a unique key other than the primary key is explained: rows new
/// to the target must not repeat another row's unique value, which fakes
/// made in separate runs can do.
fn insert_error(table: &str, if_exists: IfExists, error: postgres::Error) -> Error {
    let unique = error.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION);
    if unique && if_exists == IfExists::Merge {
        return Error::Schema {
            table: table.to_string(),
            message: format!(
                "a row new to the target repeats the unique value of a row already there ({}). \
                 Rows whose primary key is present are skipped, but another unique key cannot be \
                 merged: with unique fakes, slices made in separate runs can give two different rows \
                 the same value. Load into an empty target (--if-exists truncate) instead",
                pg(&error)
            ),
        };
    }
    Error::query(format!("loading table {table}"), error)
}

/// Moves every sequence owned by a column of `table` past the column's
/// largest value (never backwards).
fn reset_sequences(tx: &mut Transaction<'_>, table: &ManifestTable) -> Result<()> {
    let rows = tx
        .query(
            "SELECT s.oid::regclass::text, a.attname::text FROM pg_depend d \
             JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' \
             JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
             WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass \
               AND d.refobjid = to_regclass($1) AND d.deptype IN ('a', 'i')",
            &[&table.sql_name()],
        )
        .map_err(|e| Error::query(format!("finding the sequences of {}", table.table), e))?;
    for row in rows {
        let sequence: String = row.get(0);
        let column: String = row.get(1);
        let query = format!(
            "SELECT setval({seq}, greatest(m, (SELECT last_value FROM {sequence}))) \
             FROM (SELECT max({col})::int8 AS m FROM {table}) AS x WHERE m IS NOT NULL",
            seq = sql::literal(&sequence),
            col = sql::ident(&column),
            table = table.sql_name()
        );
        tx.batch_execute(&query).map_err(|e| {
            Error::query(
                format!("setting sequence {sequence} of {}.{column}", table.table),
                e,
            )
        })?;
    }
    Ok(())
}

/// One table's COPY into the target.
struct PgTableWriter<'t> {
    writer: CopyInWriter<'t>,
    table: String,
    hash: Sha256,
    counter: RecordCounter,
}

impl TableWriter for PgTableWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        crate::interrupt::check()?;
        self.hash.update(bytes);
        self.counter.feed(bytes);
        self.writer.write_all(bytes).map_err(|e| Error::Row {
            table: self.table.clone(),
            line: self.counter.records + 1,
            column: String::new(),
            message: format!("sending rows failed: {e}"),
        })
    }

    fn finish(self: Box<Self>) -> Result<(u64, String)> {
        let PgTableWriter {
            writer,
            table,
            hash,
            counter,
        } = *self;
        writer
            .finish()
            .map_err(|e| copy_error(&table, &counter, e))?;
        let digest = crate::record::hex(&hash.finalize());
        Ok((counter.total(), digest))
    }
}

/// A COPY error as the table, the line of the CSV file (1 is the header)
/// and the column. The server numbers records, so records that span several
/// lines are counted back through `counter`.
fn copy_error(table: &str, counter: &RecordCounter, error: postgres::Error) -> Error {
    // The server's context reads: COPY name, line N, column C: "value"
    let context = error.as_db_error().and_then(|d| d.where_()).unwrap_or("");
    let after_line = context.split(", line ").nth(1).unwrap_or("");
    let digits: String = after_line
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let column = after_line
        .split(", column ")
        .nth(1)
        .map(|c| c.split(':').next().unwrap_or(c).to_string())
        .unwrap_or_default();
    match digits.parse::<u64>() {
        Ok(record) => Error::Row {
            table: table.to_string(),
            line: counter.line_of(counter.record_of_server_line(record), 2),
            column,
            message: pg(&error),
        },
        Err(_) => Error::query(format!("loading table {table}"), error),
    }
}
