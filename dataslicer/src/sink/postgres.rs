//! Loading into PostgreSQL: `COPY ... FROM STDIN` in one transaction, so a
//! load either happens whole or leaves the target exactly as it was.
//!
//! Tables load in the slice's order with `SET CONSTRAINTS ALL DEFERRED`.
//! Foreign keys that close a cycle and cannot be deferred are loaded as NULL
//! first and set once their parents exist. After the rows, every sequence
//! owned by a loaded column is moved past the largest loaded value, so the
//! application can insert at once.
//!
//! # Natural keys
//!
//! Rows that a target's migrations create (Django's content types and
//! permissions) have ids that differ between databases. Such tables are
//! matched, not copied, as Django's `loaddata` does with natural keys:
//! `django_content_type` by (`app_label`, `model`), `auth_permission` by
//! (`content_type_id`, `codename`) (the content type already matched), and
//! any model marked `#[natural_key("col", ...)]` by those columns (values
//! compared with `IS NOT DISTINCT FROM`). A slice row whose natural key the
//! target holds is mapped onto that row, which is left untouched; one it
//! lacks is inserted, with a new id from the key's default where it has one.
//! Every column of the slice that references such a table (by the target's
//! foreign keys or the slice's) is then rewritten to the target's ids, so
//! permissions, generic relations and admin log entries land on the right
//! model; the object ids of generic relations (`#[generic]`) whose objects
//! are rows of matched tables follow them too, once every table is matched.
//! Matched tables are never emptied by `--if-exists truncate` and never
//! refused by `--if-exists fail`.
//!
//! # Sequences
//!
//! `setval` and `nextval` are not undone by a rollback. Before anything is
//! written, the state (`last_value`, `is_called`) of every sequence owned by
//! a column of the slice's tables is recorded; when the load fails at any
//! step, the transaction is rolled back to a savepoint taken at its start,
//! each sequence is put back as it was, and the transaction is rolled back.
//! What remains is a lost connection or a killed process between the first
//! sequence move and the commit (the last milliseconds of a load): the
//! server rolls the rows back but keeps the sequences where they were moved,
//! which leaves gaps in the ids but never a clash. The restore assumes no
//! other session draws from those sequences during the load.

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
    /// Through a staging table (merge, truncate, natural keys, references
    /// to be rewritten, or columns loaded NULL first).
    stage: Option<String>,
    /// Columns written NULL first and set after every table is loaded.
    null_first: Vec<String>,
    /// The natural key, when the table is matched instead of copied.
    natural_key: Vec<String>,
    /// Columns referencing a matched table: (column, that table's name).
    remap: Vec<(String, String)>,
    /// Whether the primary key has a default (a sequence, an identity).
    key_default: bool,
}

/// A sequence's state before the load.
#[derive(Debug, Clone)]
struct SequenceState {
    name: String,
    last_value: i64,
    is_called: bool,
}

/// The savepoint taken at the start, to roll back to before sequences are
/// put back.
const START: &str = "dataslicer_start";

/// A PostgreSQL database being loaded, in one transaction.
pub struct PgSink<'a> {
    tx: Option<Transaction<'a>>,
    if_exists: IfExists,
    description: String,
    plans: HashMap<String, TablePlan>,
    /// Statements to run after every table is loaded.
    after: Vec<String>,
    loaded: Vec<ManifestTable>,
    /// With `--if-exists truncate`, the staged tables waiting for `finish`
    /// (which empties those that have rows, then inserts).
    pending: Vec<ManifestTable>,
    /// Matched tables, by name: their map table (slice id -> target id).
    maps: HashMap<String, String>,
    /// The sequences' states before anything was written.
    sequences: Vec<SequenceState>,
    /// Each slice table's oid in the target.
    oids: HashMap<String, u32>,
    /// With `--if-exists fail`, tables with rows whose slice rows are not
    /// known yet: refused when the slice brings any.
    not_empty: std::collections::HashSet<String>,
    /// Staged tables with generic relations, whose object ids are rewritten
    /// once every matched table is mapped.
    generic: Vec<(ManifestTable, String)>,
    /// The rows the last table's writer wrote.
    written: std::rc::Rc<std::cell::Cell<u64>>,
    /// What the load did that the user should know (tables left alone,
    /// rows matched by natural key).
    notes: Vec<String>,
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
        tx.batch_execute(&format!("SAVEPOINT {START}"))
            .map_err(|e| Error::query("starting the load's transaction", e))?;
        Ok(PgSink {
            tx: Some(tx),
            if_exists,
            description,
            plans: HashMap::new(),
            after: Vec::new(),
            loaded: Vec::new(),
            pending: Vec::new(),
            maps: HashMap::new(),
            sequences: Vec::new(),
            oids: HashMap::new(),
            not_empty: Default::default(),
            generic: Vec::new(),
            written: Default::default(),
            notes: Vec::new(),
        })
    }

    /// What the load did that a user should know, one line each: the
    /// tables `--if-exists truncate` left alone, the rows matched by natural
    /// key. Complete after [`Sink::finish`].
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The natural key `table` is matched by: the manifest's (from
    /// `#[natural_key]`), else Django's for `django_content_type` and
    /// `auth_permission` when the table has those columns.
    fn natural_key(table: &ManifestTable) -> Vec<String> {
        if !table.natural_key.is_empty() {
            return table.natural_key.clone();
        }
        let django: &[&str] = match table.name.as_str() {
            "django_content_type" => &["app_label", "model"],
            "auth_permission" => &["content_type_id", "codename"],
            _ => &[],
        };
        if !django.is_empty() && django.iter().all(|c| table.columns.iter().any(|t| t == c)) {
            django.iter().map(|c| c.to_string()).collect()
        } else {
            Vec::new()
        }
    }

    /// Plans the natural keys: which tables are matched, and which columns
    /// reference them (by the target's single-column foreign keys to their
    /// primary keys, and by the slice's).
    fn plan_natural_keys(&mut self, tables: &[ManifestTable], oids: &[u32]) -> Result<()> {
        let matched: Vec<usize> = (0..tables.len())
            .filter(|&i| !Self::natural_key(&tables[i]).is_empty())
            .collect();
        for &i in &matched {
            let table = &tables[i];
            let key = Self::natural_key(table);
            if let Some(missing) = key.iter().find(|c| !table.columns.contains(c)) {
                return Err(Error::Schema {
                    table: table.table.clone(),
                    message: format!("natural key column {missing} is not in the slice"),
                });
            }
            let row = self
                .tx()
                .query_one(
                    "SELECT coalesce(bool_or(a.atthasdef OR a.attidentity <> ''), false) \
                     FROM pg_attribute a WHERE a.attrelid = $1::int8::oid AND a.attname = $2",
                    &[&i64::from(oids[i]), &table.primary_key],
                )
                .map_err(|e| Error::query(format!("describing target table {}", table.table), e))?;
            let plan = self.plans.entry(table.table.clone()).or_default();
            plan.natural_key = key;
            plan.key_default = row.get(0);
        }
        if matched.is_empty() {
            return Ok(());
        }
        let oid_list: Vec<i64> = oids.iter().map(|&o| i64::from(o)).collect();
        let rows = self
            .tx()
            .query(
                "SELECT c.conrelid::int8, c.confrelid::int8, a.attname::text, r.attname::text \
                 FROM pg_constraint c \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                 JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1] \
                 WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 \
                   AND c.conrelid::int8 = ANY($1) AND c.confrelid::int8 = ANY($1)",
                &[&oid_list],
            )
            .map_err(|e| Error::query("reading the target's foreign keys", e))?;
        let position: HashMap<u32, usize> = oids.iter().enumerate().map(|(i, &o)| (o, i)).collect();
        let mut remaps: Vec<(usize, String, usize)> = Vec::new();
        for row in rows {
            let from = position[&(row.get::<_, i64>(0) as u32)];
            let to = position[&(row.get::<_, i64>(1) as u32)];
            let (column, referenced): (String, String) = (row.get(2), row.get(3));
            if matched.contains(&to) && referenced == tables[to].primary_key {
                remaps.push((from, column, to));
            }
        }
        for (from, table) in tables.iter().enumerate() {
            for fk in &table.foreign_keys {
                if let Some(&to) = matched.iter().find(|&&m| {
                    tables[m].table == fk.references
                        && tables[m].primary_key == fk.references_column
                }) {
                    remaps.push((from, fk.column.clone(), to));
                }
            }
        }
        for (from, column, to) in remaps {
            if !tables[from].columns.contains(&column) {
                continue;
            }
            let target = tables[to].table.clone();
            let plan = self.plans.entry(tables[from].table.clone()).or_default();
            if !plan.remap.iter().any(|(c, _)| *c == column) {
                plan.remap.push((column, target));
            }
        }
        Ok(())
    }

    /// Records the state of every sequence owned by a column of `oids`, so
    /// that a failed load can put them back.
    fn record_sequences(&mut self, oids: &[u32]) -> Result<()> {
        let oid_list: Vec<i64> = oids.iter().map(|&o| i64::from(o)).collect();
        let rows = self
            .tx()
            .query(
                "SELECT q.oid::regclass::text FROM ( \
                   SELECT DISTINCT s.oid FROM pg_depend d \
                   JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' \
                   WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass \
                     AND d.refobjid::int8 = ANY($1) AND d.deptype IN ('a', 'i') OFFSET 0) q \
                 WHERE has_sequence_privilege(q.oid, 'SELECT') ORDER BY 1",
                &[&oid_list],
            )
            .map_err(|e| Error::query("finding the target's sequences", e))?;
        for row in rows {
            let name: String = row.get(0);
            let state = self
                .tx()
                .query_one(&format!("SELECT last_value, is_called FROM {name}"), &[])
                .map_err(|e| Error::query(format!("reading sequence {name}"), e))?;
            self.sequences.push(SequenceState {
                name,
                last_value: state.get(0),
                is_called: state.get(1),
            });
        }
        Ok(())
    }

    /// Puts every recorded sequence back, after rolling back to the start
    /// (so that the transaction takes statements again). Best effort: a
    /// lost connection cannot be helped.
    fn restore_sequences(&mut self) {
        let Some(tx) = self.tx.as_mut() else { return };
        if tx
            .batch_execute(&format!("ROLLBACK TO SAVEPOINT {START}"))
            .is_err()
        {
            return;
        }
        for sequence in &self.sequences {
            let now = format!("SELECT last_value, is_called FROM {}", sequence.name);
            let moved = tx.query_one(&now, &[]).is_ok_and(|row| {
                (row.get::<_, i64>(0), row.get::<_, bool>(1))
                    != (sequence.last_value, sequence.is_called)
            });
            if !moved {
                continue;
            }
            // In a savepoint of its own: one sequence that cannot be put back
            // must not keep the others from it.
            let restored = tx
                .batch_execute("SAVEPOINT dataslicer_restore")
                .and_then(|()| {
                    tx.execute(
                        "SELECT setval($1::text::regclass, $2, $3)",
                        &[&sequence.name, &sequence.last_value, &sequence.is_called],
                    )
                })
                .and_then(|_| tx.batch_execute("RELEASE SAVEPOINT dataslicer_restore"));
            if restored.is_err() {
                let _ = tx.batch_execute("ROLLBACK TO SAVEPOINT dataslicer_restore");
            }
        }
    }

    /// Matches the staged rows of a natural-key table with the target's:
    /// fills its map (slice id -> target id), inserting the rows the target
    /// lacks.
    fn match_natural_key(&mut self, table: &ManifestTable, plan: &TablePlan) -> Result<()> {
        let stage = sql::ident(plan.stage.as_deref().expect("matched tables are staged"));
        let map_name = format!("dataslicer_map_{}", self.maps.len());
        let map = sql::ident(&map_name);
        let key = sql::ident(&table.primary_key);
        let target = table.sql_name();
        let same = |a: &str, b: &str| {
            plan.natural_key
                .iter()
                .map(|c| format!("{a}.{0} IS NOT DISTINCT FROM {b}.{0}", sql::ident(c)))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let returning = plan
            .natural_key
            .iter()
            .map(|c| sql::ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        // Inserts the staged rows that matched nothing (and meet `also`)
        // with `columns`, and maps them to the ids they got.
        let insert = |columns: &[&String], also: &str| {
            let list = columns
                .iter()
                .map(|c| sql::ident(c))
                .collect::<Vec<_>>()
                .join(", ");
            let select = columns
                .iter()
                .map(|c| format!("s.{}", sql::ident(c)))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "WITH inserted AS ( \
                   INSERT INTO {target} ({list}) OVERRIDING SYSTEM VALUE \
                   SELECT {select} FROM {stage} s \
                   WHERE NOT EXISTS (SELECT 1 FROM {map} m WHERE m.old = s.{key}){also} \
                   RETURNING {key}, {returning}) \
                 INSERT INTO {map} (old, new) SELECT s.{key}, i.{key} FROM inserted i JOIN {stage} s ON {}",
                same("s", "i")
            )
        };
        let every_column: Vec<&String> = table.columns.iter().collect();
        let mut statements = vec![format!(
            "CREATE TEMP TABLE {map} ON COMMIT DROP AS \
               SELECT DISTINCT ON (s.{key}) s.{key} AS old, t.{key} AS new \
               FROM {stage} s JOIN {target} t ON {} ORDER BY s.{key}, t.{key}",
            same("s", "t")
        )];
        if plan.key_default {
            // Rows the target lacks keep their own id where it is free (so a
            // load into an empty database keeps every id); the others get
            // new ids from the key's default, once its sequence is past them.
            let free =
                format!(" AND NOT EXISTS (SELECT 1 FROM {target} t WHERE t.{key} = s.{key})");
            statements.push(insert(&every_column, &free));
            let without_key: Vec<&String> = table
                .columns
                .iter()
                .filter(|c| **c != table.primary_key)
                .collect();
            statements.push(insert(&without_key, ""));
        } else {
            statements.push(insert(&every_column, ""));
        }
        let last = statements.len() - 1;
        for (i, statement) in statements.iter().enumerate() {
            if plan.key_default && i == last {
                reset_sequences(self.tx(), table)?;
            }
            self.tx().batch_execute(statement).map_err(|e| Error::Schema {
                table: table.table.clone(),
                message: format!(
                    "matching the slice's rows with the target's by natural key ({}) failed: {}",
                    plan.natural_key.join(", "),
                    pg(&e)
                ),
            })?;
        }
        let counts = self
            .tx()
            .query_one(
                &format!(
                    "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM {map} m \
                     WHERE m.old = s.{key})) FROM {stage} s"
                ),
                &[],
            )
            .map_err(|e| Error::query(format!("matching table {}", table.table), e))?;
        let (rows, unmapped): (i64, i64) = (counts.get(0), counts.get(1));
        if unmapped > 0 {
            return Err(Error::Schema {
                table: table.table.clone(),
                message: format!(
                    "{unmapped} rows of the slice have a natural key ({}) that matches no row of the \
                     target once inserted: is the natural key unique in the slice?",
                    plan.natural_key.join(", ")
                ),
            });
        }
        self.notes.push(format!(
            "{}: {rows} rows matched by natural key ({}), rows the target lacked inserted",
            table.table,
            plan.natural_key.join(", ")
        ));
        self.maps.insert(table.table.clone(), map_name);
        Ok(())
    }

    /// Rewrites the object ids of the generic references this load inserted
    /// (its staged rows) whose content type (already the target's id) is a
    /// matched table's, once every table is matched: that table's content
    /// type is found in the target's `django_content_type` by Django's
    /// default table name `<app_label>_<model>`.
    fn remap_generic(&mut self, table: &ManifestTable, stage: &str) -> Result<()> {
        if table.generic.is_empty() || self.maps.is_empty() {
            return Ok(());
        }
        let has_types: bool = self
            .tx()
            .query_one("SELECT to_regclass('django_content_type') IS NOT NULL", &[])
            .map_err(|e| Error::query("looking for django_content_type", e))?
            .get(0);
        if !has_types {
            return Ok(());
        }
        let maps: Vec<(String, String)> = self
            .maps
            .iter()
            .map(|(t, m)| (t.clone(), m.clone()))
            .collect();
        for (object_id, content_type) in &table.generic {
            let type_name: String = self
                .tx()
                .query_one(
                    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute \
                     WHERE attrelid = to_regclass($1) AND attname = $2",
                    &[&stage, object_id],
                )
                .map_err(|e| Error::query(format!("describing {}.{object_id}", table.table), e))?
                .get(0);
            for (matched, map) in &maps {
                let name = matched.rsplit('.').next().unwrap_or(matched);
                let update = format!(
                    "UPDATE {target} AS t SET {obj} = m.new::text::{type_name} \
                     FROM {stage} AS s, {map} AS m, django_content_type AS ct \
                     WHERE t.{key} = s.{key} AND s.{ct_col} = ct.id \
                       AND (ct.app_label || '_' || ct.model = {name} OR ({name} = 'django_content_type' \
                            AND (ct.app_label, ct.model) = ('contenttypes', 'contenttype'))) \
                       AND s.{obj}::text = m.old::text AND m.old IS DISTINCT FROM m.new",
                    target = table.sql_name(),
                    key = sql::ident(&table.primary_key),
                    stage = sql::ident(stage),
                    obj = sql::ident(object_id),
                    ct_col = sql::ident(content_type),
                    map = sql::ident(map),
                    name = sql::literal(name),
                );
                self.tx().batch_execute(&update).map_err(|e| {
                    Error::query(
                        format!(
                            "rewriting {}.{object_id} to the target's ids of {matched}",
                            table.table
                        ),
                        e,
                    )
                })?;
            }
        }
        Ok(())
    }

    /// Rewrites the staged references to matched tables to the target's ids.
    fn remap(&mut self, table: &ManifestTable, plan: &TablePlan) -> Result<()> {
        let stage_name = plan.stage.as_deref().expect("remapped tables are staged");
        let stage = sql::ident(stage_name);
        for (column, target) in &plan.remap {
            let Some(map) = self.maps.get(target).map(|m| sql::ident(m)) else {
                // The matched table comes later (a cycle): nothing to map yet.
                continue;
            };
            let column = sql::ident(column);
            let update = format!(
                "UPDATE {stage} AS s SET {column} = m.new FROM {map} AS m \
                 WHERE s.{column} = m.old AND m.old IS DISTINCT FROM m.new"
            );
            self.tx().batch_execute(&update).map_err(|e| {
                Error::query(
                    format!(
                        "rewriting {}.{column} to the target's ids of {target}",
                        table.table
                    ),
                    e,
                )
            })?;
        }
        // Matched rows are the target's own and stay as they are.
        if !table.generic.is_empty() && plan.natural_key.is_empty() && self.any_matched() {
            if self.if_exists == IfExists::Merge {
                // Only the rows this load inserts are rewritten later.
                let delete = format!(
                    "DELETE FROM {stage} AS s USING {} AS t WHERE s.{key} = t.{key}",
                    table.sql_name(),
                    key = sql::ident(&table.primary_key)
                );
                self.tx()
                    .batch_execute(&delete)
                    .map_err(|e| Error::query(format!("merging table {}", table.table), e))?;
            }
            self.generic.push((table.clone(), stage_name.to_string()));
        }
        Ok(())
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
                        "this table is not emptied (it is not in the slice, or the slice has no rows \
                              for it) but references tables the load empties and has rows: \
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
        self.record_sequences(&oids)?;
        self.plan_natural_keys(tables, &oids)?;
        self.oids = tables
            .iter()
            .zip(&oids)
            .map(|(t, &o)| (t.table.clone(), o))
            .collect();
        match self.if_exists {
            IfExists::Fail => {
                for table in tables {
                    if self.is_matched(&table.table) {
                        continue;
                    }
                    let query = format!("SELECT EXISTS (SELECT 1 FROM {})", table.sql_name());
                    let row = self.tx().query_one(&query, &[]).map_err(|e| {
                        Error::query(format!("looking into target table {}", table.table), e)
                    })?;
                    // A table the slice has no rows for may have rows of
                    // its own: only rows loaded into it are refused. The
                    // manifest of a directory knows its rows now; a slice
                    // being made is checked as each table is done.
                    if row.get::<_, bool>(0) {
                        if table.rows > 0 {
                            return Err(not_empty(&table.table));
                        }
                        self.not_empty.insert(table.table.clone());
                    }
                }
            }
            // Emptied in `finish`, once it is known which tables have rows.
            IfExists::Truncate | IfExists::Merge => {}
        }
        self.plan_cycles(tables, &oids)?;
        let staged = self.if_exists != IfExists::Fail;
        let any_matched = self.plans.values().any(|p| !p.natural_key.is_empty());
        for (i, table) in tables.iter().enumerate() {
            let plan = self.plans.entry(table.table.clone()).or_default();
            if staged
                || !plan.null_first.is_empty()
                || !plan.natural_key.is_empty()
                || !plan.remap.is_empty()
                || (!table.generic.is_empty() && any_matched)
            {
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
        self.written = std::rc::Rc::default();
        let written = self.written.clone();
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
            written,
        }))
    }

    fn table_done(&mut self, table: &ManifestTable) -> Result<()> {
        if self.not_empty.remove(&table.table) {
            if self.written.get() > 0 {
                return Err(not_empty(&table.table));
            }
            self.notes.push(format!(
                "{}: the slice has no rows for it, so its rows in the target were left alone",
                table.table
            ));
        }
        if self.if_exists == IfExists::Truncate {
            self.pending.push(table.clone());
            return Ok(());
        }
        self.apply(table)
    }

    fn finish(&mut self, _manifest: &Manifest) -> Result<()> {
        let result = self.finish_inner();
        if result.is_err() {
            self.restore_sequences();
        }
        result
    }

    fn abandon(&mut self) {
        self.restore_sequences();
        // Dropping the transaction rolls it back.
        self.tx = None;
    }
}

impl PgSink<'_> {
    fn any_matched(&self) -> bool {
        !self.maps.is_empty() || self.plans.values().any(|p| !p.natural_key.is_empty())
    }

    fn is_matched(&self, table: &str) -> bool {
        self.plans
            .get(table)
            .is_some_and(|p| !p.natural_key.is_empty())
    }

    /// With `--if-exists truncate`: empties the tables the slice has rows
    /// for (never matched ones), and notes the others as left alone.
    fn truncate_pending(&mut self) -> Result<()> {
        let mut emptied = Vec::new();
        let mut left = Vec::new();
        for table in &self.pending.clone() {
            let stage = self
                .plans
                .get(&table.table)
                .and_then(|p| p.stage.clone())
                .expect("every table is staged with --if-exists truncate");
            let has_rows: bool = self
                .tx()
                .query_one(
                    &format!("SELECT EXISTS (SELECT 1 FROM {})", sql::ident(&stage)),
                    &[],
                )
                .map_err(|e| Error::query(format!("counting the rows of {}", table.table), e))?
                .get(0);
            if has_rows && !self.is_matched(&table.table) {
                emptied.push(self.oids[&table.table]);
            } else if !self.is_matched(&table.table) {
                left.push(table.table.clone());
            }
        }
        self.truncate(&emptied)?;
        if !left.is_empty() {
            self.notes.push(format!(
                "left alone by --if-exists truncate (the slice has no rows for them): {}",
                left.join(", ")
            ));
        }
        Ok(())
    }

    fn finish_inner(&mut self) -> Result<()> {
        if self.if_exists == IfExists::Truncate {
            self.truncate_pending()?;
            for table in std::mem::take(&mut self.pending) {
                self.apply(&table)?;
            }
        }
        for (table, stage) in std::mem::take(&mut self.generic) {
            self.remap_generic(&table, &stage)?;
        }
        for statement in std::mem::take(&mut self.after) {
            self.tx()
                .batch_execute(&statement)
                .map_err(|e| Error::query("setting the columns that close cycles", e))?;
        }
        // Check every deferred constraint now, before sequences move.
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

    /// Moves one table's staged rows into the target (matched by natural
    /// key, references rewritten, merged or with cycle columns set later).
    fn apply(&mut self, table: &ManifestTable) -> Result<()> {
        let plan = self.plans.remove(&table.table).unwrap_or_default();
        if plan.stage.is_some() {
            self.remap(table, &plan)?;
        }
        if !plan.natural_key.is_empty() {
            self.match_natural_key(table, &plan)?;
            self.loaded.push(table.clone());
            return Ok(());
        }
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
}

/// The refusal of `--if-exists fail` to load rows into a table with rows.
fn not_empty(table: &str) -> Error {
    Error::Schema {
        table: table.to_string(),
        message: "the target table already has rows: choose --if-exists truncate \
                  (empty the slice's tables first) or merge (add missing rows only)"
            .into(),
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
    /// Where the row count goes when the table is done, for the sink.
    written: std::rc::Rc<std::cell::Cell<u64>>,
}

impl TableWriter for PgTableWriter<'_> {
    fn rows(&self) -> u64 {
        self.counter.records
    }

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
            written,
        } = *self;
        writer
            .finish()
            .map_err(|e| copy_error(&table, &counter, e))?;
        written.set(counter.records);
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
