//! Reading from PostgreSQL: one `REPEATABLE READ, READ ONLY` transaction, so
//! every query of a run sees the same snapshot, and nothing is written.

use crate::catalog::{Catalog, Table as LiveTable};
use crate::connect::Settings;
use crate::error::{Error, Result};
use crate::job::Filter;
use crate::keys::{Batch, Key, KeySet, Selection};
use crate::model::{GenericRelation, KeyKind, Model, TableName};
use crate::schema::{self, Checked};
use crate::source::{ContentType, Found, KeyQuery, Source, Workers};
use crate::sql;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, Transaction};
use std::io::Read;

/// A foreign key of the database, as `plan --from` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referencing {
    /// The referencing table (`table`, or `schema.table` outside `public`).
    pub table: String,
    /// Its (first) foreign key column.
    pub column: String,
    /// The referenced table.
    pub references: String,
}

/// A read-only snapshot of a PostgreSQL database.
pub struct PgSource<'a> {
    tx: Option<Transaction<'a>>,
    description: String,
    /// How each checked table's columns are read (see [`Checked::reads`]).
    /// Keyed by table, Rust name and module: two models may mirror one table.
    reads: Reads,
    /// How to open more connections to the same database, for workers.
    workers: Option<Settings>,
}

/// How each checked table's columns are read, by table, Rust name and
/// module (two models may mirror one table).
type Reads = std::collections::HashMap<
    (TableName, &'static str, &'static str),
    Vec<crate::model::ColumnRead>,
>;

impl<'a> PgSource<'a> {
    /// Starts the snapshot on `client`.
    pub fn begin(client: &'a mut Client) -> Result<Self> {
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| Error::query("starting the read-only snapshot", e))?;
        let description = prepare_session(&mut tx)?;
        Ok(PgSource {
            tx: Some(tx),
            description,
            reads: Default::default(),
            workers: None,
        })
    }

    /// Lets [`Options::jobs`](crate::Options::jobs) open more connections,
    /// with `settings`, to the database `client` is connected to: each one
    /// imports this source's snapshot (`pg_export_snapshot()` and `SET
    /// TRANSACTION SNAPSHOT`, as `pg_dump -j` does), so every worker reads
    /// the same rows. A connection to another database cannot import it and
    /// fails the run.
    pub fn with_workers(mut self, settings: Settings) -> Self {
        self.workers = Some(settings);
        self
    }

    /// Starts a reader on `client` that sees exactly the rows of the
    /// exported snapshot `snapshot`.
    fn join(client: &'a mut Client, snapshot: &str, reads: Reads) -> Result<Self> {
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| Error::query("starting a worker's read-only snapshot", e))?;
        tx.batch_execute(&format!(
            "SET TRANSACTION SNAPSHOT {}",
            sql::literal(snapshot)
        ))
        .map_err(|e| Error::query("importing the first connection's snapshot", e))?;
        let description = prepare_session(&mut tx)?;
        Ok(PgSource {
            tx: Some(tx),
            description,
            reads,
            workers: None,
        })
    }

    fn tx(&mut self) -> &mut Transaction<'a> {
        self.tx
            .as_mut()
            .expect("the snapshot is used only before finish()")
    }

    /// Describes a table's columns; an error naming the table when it does
    /// not exist.
    pub fn describe(&mut self, table: &TableName) -> Result<LiveTable> {
        match Catalog::describe(self.tx(), table)? {
            Some(live) if !live.columns.is_empty() => Ok(live),
            _ => Err(Error::Schema {
                table: table.to_string(),
                message: "the table does not exist in the source database (or has no columns)"
                    .into(),
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_keys(
        &mut self,
        model: &Model,
        filter: Option<&Filter>,
        query: &str,
        extra: Option<Box<dyn ToSql + Sync + Send>>,
        parents: &[(&str, KeyKind)],
        pairs: Option<KeyKind>,
        out: &mut Found,
    ) -> Result<()> {
        crate::interrupt::check()?;
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::new();
        if let Some(filter) = filter {
            params.extend(
                filter
                    .params
                    .iter()
                    .map(|p| p.as_ref() as &(dyn ToSql + Sync)),
            );
        }
        if let Some(extra) = &extra {
            params.push(extra.as_ref());
        }
        let fail = |source: postgres::Error| match filter {
            Some(f) => Error::Filter {
                table: model.table.to_string(),
                filter: f.sql.clone(),
                source,
            },
            None => Error::query(format!("selecting keys of {}", model.table), source),
        };
        // Row by row: the keys of a whole table never sit in memory as rows.
        let mut rows = self
            .tx()
            .query_raw(query, params.iter().copied())
            .map_err(fail)?;
        let kind = model.key_kind();
        while let Some(row) = rows.next().map_err(fail)? {
            let key = read_key(&row, 0, kind);
            for (i, &(_, kind)) in parents.iter().enumerate() {
                if let Some(key) = read_optional_key(&row, i + 1, kind) {
                    out.parents[i].insert(key);
                }
            }
            if let Some(pair_kind) = pairs
                && let Some(value) = read_optional_key(&row, parents.len() + 1, pair_kind)
            {
                out.pairs.push((key.clone(), value));
            }
            out.keys.insert(key);
        }
        Ok(())
    }

    /// The foreign keys in the database that reference one of `tables`, by
    /// table: what `plan --from` compares with the models.
    pub fn referencing_tables(&mut self, tables: &[TableName]) -> Result<Vec<Referencing>> {
        let names: Vec<String> = tables.iter().map(sql::table).collect();
        let rows = self
            .tx()
            .query(
                "SELECT CASE WHEN n.nspname = 'public' THEN r.relname::text \
                             ELSE n.nspname || '.' || r.relname END, \
                        a.attname::text, \
                        CASE WHEN fn.nspname = 'public' THEN f.relname::text \
                             ELSE fn.nspname || '.' || f.relname END \
                 FROM pg_constraint c \
                 JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace \
                 JOIN pg_class f ON f.oid = c.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                 WHERE c.contype = 'f' \
                   AND c.confrelid IN (SELECT to_regclass(t) FROM unnest($1::text[]) t) \
                 ORDER BY 1, 2",
                &[&names],
            )
            .map_err(|e| Error::query("reading the foreign keys that reference the slice", e))?;
        Ok(rows
            .iter()
            .map(|r| Referencing {
                table: r.get(0),
                column: r.get(1),
                references: r.get(2),
            })
            .collect())
    }

    /// Streams `COPY (query) TO STDOUT (FORMAT csv)` to `f`.
    pub fn copy_out<T>(
        &mut self,
        table: &TableName,
        query: &str,
        f: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<T> {
        self.copy_statement(table, &sql::copy_out(query), f)
    }

    /// Streams the rows of a whole `COPY ... TO STDOUT` statement to `f`.
    fn copy_statement<T>(
        &mut self,
        table: &TableName,
        statement: &str,
        f: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<T> {
        crate::interrupt::check()?;
        let reader = self
            .tx()
            .copy_out(statement)
            .map_err(|e| Error::query(format!("reading rows of {table}"), e))?;
        read_ahead(reader, f)
    }
}

impl Source for PgSource<'_> {
    fn description(&self) -> String {
        self.description.clone()
    }

    fn check(&mut self, model: &'static Model) -> Result<Checked> {
        let live = self.describe(&model.table)?;
        let checked = schema::check(model, &live)?;
        self.reads.insert(
            (model.table, model.rust_name, model.module),
            checked.reads.clone(),
        );
        Ok(checked)
    }

    /// `SELECT min(pk), max(pk)` of an integer key: two index probes.
    fn key_range(&mut self, model: &'static Model) -> Result<Option<(i64, i64)>> {
        let key = sql::ident(model.primary_key);
        let query = format!(
            "SELECT min({key})::int8, max({key})::int8 FROM {}",
            sql::table(&model.table)
        );
        let row = self
            .tx()
            .query_one(&query, &[])
            .map_err(|e| Error::query(format!("reading the key range of {}", model.table), e))?;
        Ok(
            match (row.get::<_, Option<i64>>(0), row.get::<_, Option<i64>>(1)) {
                (Some(min), Some(max)) => Some((min, max)),
                _ => None,
            },
        )
    }

    /// The keys of the rows `query` describes; restricting values are bound
    /// in batches.
    fn select_keys(
        &mut self,
        model: &'static Model,
        query: &KeyQuery<'_>,
        batch_size: usize,
    ) -> Result<Found> {
        let parents = query.parents;
        let mut out = Found::new(model.key_kind(), parents);
        let filter = query.filter;
        let pairs = match (query.pairs, query.restrict) {
            (true, Some((column, keys))) => Some((column, keys.kind())),
            _ => None,
        };
        let sql = select_keys_sql(model, query);
        match query.restrict {
            None => {
                self.collect_keys(model, filter, &sql, None, parents, None, &mut out)?;
            }
            Some((_, keys)) => {
                for chunk in keys.chunks(batch_size) {
                    let param = Some(chunk.to_param());
                    let kind = pairs.map(|(_, kind)| kind);
                    self.collect_keys(model, filter, &sql, param, parents, kind, &mut out)?;
                }
            }
        }
        Ok(out)
    }

    /// Which of the candidate integer keys exist and match the filter.
    fn probe_keys(
        &mut self,
        model: &'static Model,
        filter: Option<&Filter>,
        candidates: &KeySet,
    ) -> Result<KeySet> {
        let user_params = filter.map_or(0, |f| f.params.len());
        let mut conditions = vec![sql::any_param(
            model.primary_key,
            candidates.kind(),
            user_params + 1,
        )];
        if let Some(filter) = filter {
            conditions.push(filter_condition(filter));
        }
        let query = select_keys_query(model, &conditions, &[], None);
        let mut out = Found::new(model.key_kind(), &[]);
        self.collect_keys(
            model,
            filter,
            &query,
            Some(candidates.to_param()),
            &[],
            None,
            &mut out,
        )?;
        Ok(out.keys)
    }

    /// For each of `columns` (foreign keys whose targets have key kind
    /// `kinds[i]`), the distinct non-NULL values in the rows with `keys` (or
    /// in every row, when `keys` is `None`).
    fn foreign_key_values(
        &mut self,
        model: &'static Model,
        columns: &[(&str, KeyKind)],
        keys: Option<&KeySet>,
        batch_size: usize,
    ) -> Result<Vec<KeySet>> {
        let mut out: Vec<KeySet> = columns.iter().map(|&(_, kind)| KeySet::new(kind)).collect();
        if columns.is_empty() {
            return Ok(out);
        }
        let context = || {
            let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
            format!(
                "reading foreign keys {} of {}",
                names.join(", "),
                model.table
            )
        };
        match keys {
            Some(keys) => {
                let list: Vec<String> = columns
                    .iter()
                    .map(|&(c, kind)| sql::key_expr(c, kind))
                    .collect();
                let query = format!(
                    "SELECT {} FROM {} WHERE {}",
                    list.join(", "),
                    sql::table(&model.table),
                    sql::any_param(model.primary_key, keys.kind(), 1)
                );
                for chunk in keys.chunks(batch_size) {
                    let param = chunk.to_param();
                    let rows = self
                        .tx()
                        .query(&query, &[param.as_ref() as &(dyn ToSql + Sync)])
                        .map_err(|e| Error::query(context(), e))?;
                    for row in rows {
                        for (i, &(_, kind)) in columns.iter().enumerate() {
                            if let Some(key) = read_optional_key(&row, i, kind) {
                                out[i].insert(key);
                            }
                        }
                    }
                }
            }
            None => {
                // One DISTINCT query per column: the table is exported whole,
                // so reading its key columns costs no more than the export.
                for (i, &(column, kind)) in columns.iter().enumerate() {
                    let query = format!(
                        "SELECT DISTINCT {} FROM {} WHERE {} IS NOT NULL",
                        sql::key_expr(column, kind),
                        sql::table(&model.table),
                        sql::ident(column)
                    );
                    let rows = self
                        .tx()
                        .query(&query, &[])
                        .map_err(|e| Error::query(context(), e))?;
                    for row in rows {
                        out[i].insert(read_key(&row, 0, kind));
                    }
                }
            }
        }
        Ok(out)
    }

    fn generic_refs(
        &mut self,
        model: &'static Model,
        relation: &GenericRelation,
        keys: Option<&KeySet>,
        batch_size: usize,
    ) -> Result<Vec<(i64, String)>> {
        let base = format!(
            "SELECT DISTINCT {ct}::int8, {oid}::text FROM {table} \
             WHERE {ct} IS NOT NULL AND {oid} IS NOT NULL",
            ct = sql::ident(relation.content_type),
            oid = sql::ident(relation.object_id),
            table = sql::table(&model.table),
        );
        let context = || {
            format!(
                "reading generic relation {}/{} of {}",
                relation.content_type, relation.object_id, model.table
            )
        };
        let mut out = std::collections::BTreeSet::new();
        let mut run = |query: &str, param: Option<Box<dyn ToSql + Sync + Send>>| -> Result<()> {
            let params: Vec<&(dyn ToSql + Sync)> = param
                .iter()
                .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                .collect();
            let rows = self
                .tx()
                .query(query, &params)
                .map_err(|e| Error::query(context(), e))?;
            for row in rows {
                out.insert((row.get::<_, i64>(0), row.get::<_, String>(1)));
            }
            Ok(())
        };
        match keys {
            None => run(&base, None)?,
            Some(keys) => {
                let query = format!(
                    "{base} AND {}",
                    sql::any_param(model.primary_key, keys.kind(), 1)
                );
                for chunk in keys.chunks(batch_size) {
                    run(&query, Some(chunk.to_param()))?;
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// One anti-join on the server (for Django's indexed foreign keys, a
    /// merge of two index scans that stops at the first unreferenced row).
    fn references_every_row(
        &mut self,
        child: &'static Model,
        column: &str,
        parent: &'static Model,
        key: &str,
    ) -> Result<bool> {
        let query = format!(
            "SELECT NOT EXISTS (SELECT 1 FROM {parent_table} p WHERE NOT EXISTS \
             (SELECT 1 FROM {child_table} c WHERE c.{column} = p.{key}))",
            parent_table = sql::table(&parent.table),
            child_table = sql::table(&child.table),
            column = sql::ident(column),
            key = sql::ident(key),
        );
        let row = self.tx().query_one(&query, &[]).map_err(|e| {
            Error::query(
                format!(
                    "checking whether {}.{column} references every row of {}",
                    child.table, parent.table
                ),
                e,
            )
        })?;
        Ok(row.get(0))
    }

    /// `pg_class.reltuples`: what `ANALYZE` (or autovacuum) last counted.
    fn estimated_rows(&mut self, model: &'static Model) -> Result<Option<u64>> {
        let row = self
            .tx()
            .query_one(
                "SELECT reltuples::int8 FROM pg_class WHERE oid = to_regclass($1)",
                &[&sql::table(&model.table)],
            )
            .map_err(|e| Error::query(format!("reading the row estimate of {}", model.table), e))?;
        Ok(row
            .get::<_, Option<i64>>(0)
            .and_then(|n| u64::try_from(n).ok()))
    }

    /// Exports the snapshot: it stays importable while this source's
    /// transaction is open, that is until [`Source::finish`].
    fn workers(&mut self) -> Result<Option<Box<dyn Workers>>> {
        let Some(settings) = self.workers.clone() else {
            return Ok(None);
        };
        let snapshot: String = self
            .tx()
            .query_one("SELECT pg_export_snapshot()", &[])
            .map_err(|e| Error::query("exporting the snapshot for the workers", e))?
            .get(0);
        Ok(Some(Box::new(PgWorkers {
            settings,
            snapshot,
            reads: self.reads.clone(),
        })))
    }

    fn content_types(&mut self, model: &'static Model) -> Result<Vec<ContentType>> {
        let query = format!(
            "SELECT {}::int8, \"app_label\"::text, \"model\"::text FROM {}",
            sql::ident(model.primary_key),
            sql::table(&model.table)
        );
        let rows = self.tx().query(&query, &[]).map_err(|e| {
            Error::query(
                format!("reading Django's content types from {}", model.table),
                e,
            )
        })?;
        Ok(rows
            .iter()
            .map(|r| ContentType {
                id: r.get(0),
                app_label: r.get(1),
                model: r.get(2),
            })
            .collect())
    }

    fn rows(
        &mut self,
        model: &'static Model,
        selection: &Selection,
        batch_size: usize,
        f: &mut dyn FnMut(&mut dyn Read) -> Result<()>,
    ) -> Result<()> {
        let select_list = match self
            .reads
            .get(&(model.table, model.rust_name, model.module))
        {
            Some(reads) => model.select_list_with(reads),
            None => model.select_list(),
        };
        let base = format!("SELECT {select_list} FROM {}", sql::table(&model.table));
        let order = format!(" ORDER BY {}", sql::ident(model.primary_key));
        match selection {
            Selection::All => self.copy_out(&model.table, &format!("{base}{order}"), |r| f(r)),
            // One statement, so that the file is in key order like every other.
            Selection::Referencing { column, parents } => self.copy_statement(
                &model.table,
                &sql::copy_out_where(&base, column, parents, &order),
                |r| f(r),
            ),
            // Long runs of consecutive keys (most of a table, or all of it)
            // are one range, and one query; the other keys go in batches.
            Selection::Keys(keys) => {
                for batch in keys.batches(batch_size) {
                    let statement = match batch {
                        Batch::Range(first, last) => sql::copy_out(&format!(
                            "{base} WHERE {key} BETWEEN {first} AND {last}{order}",
                            key = sql::ident(model.primary_key)
                        )),
                        Batch::Keys(chunk) => {
                            sql::copy_out_where(&base, model.primary_key, &chunk, &order)
                        }
                    };
                    self.copy_statement(&model.table, &statement, |r| f(r))?;
                }
                Ok(())
            }
        }
    }

    fn finish(&mut self) -> Result<()> {
        match self.tx.take() {
            Some(tx) => tx
                .commit()
                .map_err(|e| Error::query("ending the read-only snapshot", e)),
            None => Ok(()),
        }
    }
}

/// How much [`read_ahead`] gathers before it hands a chunk over.
const READ_AHEAD_CHUNK: usize = 1 << 18;

/// Runs `f` on what `reader` gives, while a thread of its own reads ahead
/// (a few chunks at most). The driver enters its runtime once per message
/// and `COPY ... TO STDOUT` sends one message per row: on a thread of its
/// own that cost overlaps with the writing, faking and hashing `f` does.
fn read_ahead<T>(
    mut reader: impl std::io::BufRead + Send,
    f: impl FnOnce(&mut dyn Read) -> Result<T>,
) -> Result<T> {
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(4);
        scope.spawn(move || {
            // The stream must not be polled again once it ended.
            let mut ended = false;
            while !ended {
                let mut chunk = Vec::with_capacity(READ_AHEAD_CHUNK);
                while chunk.len() < READ_AHEAD_CHUNK {
                    let n = match reader.fill_buf() {
                        Ok([]) => {
                            ended = true;
                            break;
                        }
                        Ok(bytes) => {
                            chunk.extend_from_slice(bytes);
                            bytes.len()
                        }
                        Err(e) => {
                            let _ = send.send(Err(e));
                            return;
                        }
                    };
                    reader.consume(n);
                }
                // A failed send: the reader is gone.
                if !chunk.is_empty() && send.send(Ok(chunk)).is_err() {
                    return;
                }
            }
        });
        let mut chunks = Chunks {
            receive,
            current: Vec::new(),
            at: 0,
        };
        // Dropping the chunks stops the thread at its next send.
        f(&mut chunks)
    })
}

/// The reading end of [`read_ahead`].
struct Chunks {
    receive: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    current: Vec<u8>,
    at: usize,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.current.len() {
            match self.receive.recv() {
                Ok(chunk) => {
                    self.current = chunk?;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Connections that import one exported snapshot.
struct PgWorkers {
    settings: Settings,
    snapshot: String,
    reads: Reads,
}

impl Workers for PgWorkers {
    fn run(&self, f: &mut dyn FnMut(&mut dyn Source) -> Result<()>) -> Result<()> {
        crate::interrupt::check()?;
        crate::interrupt::pause_point("worker");
        let mut client = self.settings.connect()?;
        // A stop request cancels this worker's query too.
        let _watch = crate::interrupt::watch(&client, &self.settings);
        let mut source = PgSource::join(&mut client, &self.snapshot, self.reads.clone())?;
        f(&mut source)?;
        source.finish()
    }
}

/// The user's filter as one condition. The line break before the closing
/// parenthesis keeps a trailing `--` comment from swallowing it.
fn filter_condition(filter: &Filter) -> String {
    format!("({}\n)", filter.sql)
}

/// Pins the session settings (see [`sql::SESSION_SETTINGS`]) in a
/// transaction and describes its connection as
/// `postgres://user@host:port/database`, never with a password.
pub(crate) fn prepare_session(tx: &mut Transaction<'_>) -> Result<String> {
    tx.batch_execute(sql::SESSION_SETTINGS)
        .map_err(|e| Error::query("pinning the session settings", e))?;
    let row = tx
        .query_one(
            "SELECT current_user::text, coalesce(host(inet_server_addr()), 'localhost'), \
             coalesce(inet_server_port(), 5432), current_database()::text",
            &[],
        )
        .map_err(|e| Error::query("reading the connection's description", e))?;
    Ok(format!(
        "postgres://{}@{}:{}/{}",
        row.get::<_, String>(0),
        row.get::<_, String>(1),
        row.get::<_, i32>(2),
        row.get::<_, String>(3)
    ))
}

/// The statement [`Source::select_keys`] runs on PostgreSQL for `query`:
/// the filter's parameters first, then, with [`KeyQuery::restrict`], one
/// more parameter bound to each batch of keys in turn (an array). Public so
/// that a test can `EXPLAIN` exactly what the walk runs.
pub fn select_keys_sql(model: &Model, query: &KeyQuery<'_>) -> String {
    let user_params = query.filter.map_or(0, |f| f.params.len());
    let mut conditions = Vec::new();
    if let Some(filter) = query.filter {
        conditions.push(filter_condition(filter));
    }
    if let Some((column, value)) = query.equal {
        conditions.push(format!("{} = {value}", sql::ident(column)));
    }
    let pairs = match (query.pairs, query.restrict) {
        (true, Some((column, keys))) => Some((column, keys.kind())),
        _ => None,
    };
    if let Some((column, keys)) = query.restrict {
        conditions.push(sql::any_param(column, keys.kind(), user_params + 1));
    }
    select_keys_query(model, &conditions, query.parents, pairs)
}

fn select_keys_query(
    model: &Model,
    conditions: &[String],
    parents: &[(&str, KeyKind)],
    pairs: Option<(&str, KeyKind)>,
) -> String {
    let mut list = vec![sql::key_expr(model.primary_key, model.key_kind())];
    list.extend(
        parents
            .iter()
            .chain(pairs.as_ref())
            .map(|&(column, kind)| sql::key_expr(column, kind)),
    );
    let mut query = format!(
        "SELECT {} FROM {}",
        list.join(", "),
        sql::table(&model.table)
    );
    if !conditions.is_empty() {
        query.push_str(" WHERE ");
        query.push_str(&conditions.join(" AND "));
    }
    query
}

fn read_key(row: &postgres::Row, i: usize, kind: KeyKind) -> Key {
    read_optional_key(row, i, kind).expect("key columns are selected as non-NULL")
}

fn read_optional_key(row: &postgres::Row, i: usize, kind: KeyKind) -> Option<Key> {
    match kind {
        KeyKind::Int => row.get::<_, Option<i64>>(i).map(Key::Int),
        KeyKind::Text => row.get::<_, Option<String>>(i).map(Key::Text),
        KeyKind::Uuid => row
            .get::<_, Option<String>>(i)
            .and_then(|t| Key::parse(KeyKind::Uuid, &t)),
    }
}
