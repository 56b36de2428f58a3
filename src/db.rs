//! Databases and roles that belong to one test and are dropped with it.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

use postgres::Client;
use postgres::types::Type;

use crate::server::server;
use crate::tools::{connect, error_chain, pg_dump_schema};

/// A database of its own for one test, dropped (`WITH (FORCE)`) when the
/// value is dropped.
///
/// Databases are created from `template0` with UTF-8 encoding and the `C`
/// collation, so text sorts the same on every machine. `TestDb` is `Send`
/// and `Sync`; any number of tests may create them at once.
///
/// ```no_run
/// use dataslicer_dev::TestDb;
///
/// let db = TestDb::create("orders");
/// db.execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2);");
/// assert_eq!(db.query_scalar_i64("SELECT count(*) FROM t"), 2);
/// let client = db.client(); // a connection of its own, e.g. for the code under test
/// # drop(client);
/// ```
pub struct TestDb {
    name: String,
    url: String,
    /// The connection [`TestDb::execute`] and [`TestDb::query_scalar_i64`]
    /// share, opened on first use.
    shared: Mutex<Option<Client>>,
}

impl TestDb {
    /// Creates an empty database whose name starts with `prefix` (made a
    /// valid lowercase identifier) and ends with the process id, a counter
    /// and a random suffix.
    ///
    /// # Panics
    ///
    /// When there is no server (see [`server`](crate::server)) or the
    /// database cannot be created.
    pub fn create(prefix: &str) -> TestDb {
        let server = server();
        let name = unique_name(prefix);
        let sql = format!(
            "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        );
        if let Err(e) = server.admin_client().batch_execute(&sql) {
            panic!(
                "dataslicer_dev: could not create test database {name}: {}",
                error_chain(&e)
            );
        }
        TestDb {
            url: server.url(&name),
            name,
            shared: Mutex::new(None),
        }
    }

    /// Creates a database like [`TestDb::create`] and loads into it the schema
    /// of `source` (tables, constraints, indexes, functions...; no rows), as
    /// [`pg_dump_schema`] gives it.
    ///
    /// # Panics
    ///
    /// As [`TestDb::create`] and [`pg_dump_schema`], or when the schema cannot
    /// be loaded.
    pub fn create_from_schema_of(prefix: &str, source: &TestDb) -> TestDb {
        let schema = pg_dump_schema(source.url());
        let db = TestDb::create(prefix);
        // A connection of its own: the dump empties the session's search_path.
        if let Err(e) = db.client().batch_execute(&schema) {
            panic!(
                "dataslicer_dev: could not load the schema of {} into {}: {}",
                source.name,
                db.name,
                error_chain(&e)
            );
        }
        db
    }

    /// The database's name (a lowercase identifier that needs no quoting).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database's URL, as the server's administrating role.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's URL as `role`; see [`Server::url_as`](crate::Server::url_as).
    pub fn url_as(&self, role: &str) -> String {
        server().url_as(role, &self.name)
    }

    /// A new connection to the database, as the server's administrating role.
    ///
    /// # Panics
    ///
    /// When the connection fails.
    pub fn client(&self) -> Client {
        connect(&self.url).unwrap_or_else(|e| self.fail("could not connect", &e, None))
    }

    /// Runs `sql`, one or more statements separated by semicolons, in one
    /// implicit transaction.
    ///
    /// # Panics
    ///
    /// When a statement fails, with the server's error, the database's name
    /// and the SQL.
    pub fn execute(&self, sql: &str) {
        self.with_shared(sql, |client| client.batch_execute(sql));
    }

    /// The value of the first column of the one row `sql` returns, which
    /// must be a non-null `bigint`, `integer` or `smallint`.
    ///
    /// # Panics
    ///
    /// When the query fails, returns no row or more than one, or its first
    /// column is null or not an integer.
    pub fn query_scalar_i64(&self, sql: &str) -> i64 {
        let row = self.with_shared(sql, |client| client.query_one(sql, &[]));
        let value = match row.columns().first().map(|column| column.type_()) {
            Some(&Type::INT8) => row.get::<_, Option<i64>>(0),
            Some(&Type::INT4) => row.get::<_, Option<i32>>(0).map(i64::from),
            Some(&Type::INT2) => row.get::<_, Option<i16>>(0).map(i64::from),
            other => panic!(
                "dataslicer_dev: expected an integer column from {sql:?} in {}, got {other:?}",
                self.name
            ),
        };
        value.unwrap_or_else(|| panic!("dataslicer_dev: {sql:?} returned NULL in {}", self.name))
    }

    /// Runs `f` on the shared connection; on error, closes it (it may be left
    /// in a failed transaction) and panics.
    fn with_shared<T>(
        &self,
        sql: &str,
        f: impl FnOnce(&mut Client) -> Result<T, postgres::Error>,
    ) -> T {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        if shared.as_ref().is_none_or(Client::is_closed) {
            *shared = Some(self.client());
        }
        match f(shared.as_mut().expect("connected above")) {
            Ok(value) => value,
            Err(e) => {
                *shared = None;
                drop(shared);
                self.fail("SQL failed", &e, Some(sql))
            }
        }
    }

    fn fail(&self, what: &str, error: &postgres::Error, sql: Option<&str>) -> ! {
        let mut message = format!(
            "dataslicer_dev: {what} in test database {}: {}",
            self.name,
            error_chain(error)
        );
        if let Some(sql) = sql {
            const SHOWN: usize = 2000;
            let cut = sql
                .char_indices()
                .nth(SHOWN)
                .map_or(sql.len(), |(at, _)| at);
            message.push_str("\nSQL: ");
            message.push_str(&sql[..cut]);
            if cut < sql.len() {
                message.push_str(" [...]");
            }
        }
        panic!("{message}")
    }
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        drop(
            self.shared
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        if let Err(e) = server()
            .try_admin_client()
            .and_then(|mut admin| admin.batch_execute(&sql))
        {
            eprintln!(
                "dataslicer_dev: could not drop test database {}: {}",
                self.name,
                error_chain(&e)
            );
        }
    }
}

/// A login role of its own for one test, with no privileges beyond those of
/// `PUBLIC`; its password is its name (see [`Server::url_as`](crate::Server::url_as)).
///
/// Dropping it revokes whatever it was granted and drops whatever it owns, in
/// every database (found through `pg_shdepend`), then drops the role. So it
/// may be dropped before or after the [`TestDb`]s it was granted rights in.
///
/// ```no_run
/// use dataslicer_dev::{TestDb, create_role};
///
/// let db = TestDb::create("grants");
/// let reader = create_role("reader");
/// db.execute(&format!("CREATE TABLE t (x int); GRANT SELECT ON t TO {}", reader.name()));
/// let mut as_reader = postgres::Client::connect(&db.url_as(reader.name()), postgres::NoTls)?;
/// assert!(as_reader.batch_execute("INSERT INTO t VALUES (1)").is_err());
/// # Ok::<(), postgres::Error>(())
/// ```
#[derive(Debug)]
pub struct TestRole {
    name: String,
}

/// Creates a login role whose name starts with `prefix`, like
/// [`TestDb::create`] names databases.
///
/// # Panics
///
/// When there is no server or the role cannot be created (the administrating
/// role needs `CREATEROLE`).
pub fn create_role(prefix: &str) -> TestRole {
    let name = unique_name(prefix);
    let sql = format!("CREATE ROLE \"{name}\" LOGIN PASSWORD '{name}'");
    if let Err(e) = server().admin_client().batch_execute(&sql) {
        panic!(
            "dataslicer_dev: could not create test role {name}: {}",
            error_chain(&e)
        );
    }
    TestRole { name }
}

impl TestRole {
    /// The role's name (a lowercase identifier that needs no quoting).
    pub fn name(&self) -> &str {
        &self.name
    }

    fn try_drop(&self) -> Result<(), postgres::Error> {
        let server = server();
        let mut admin = server.try_admin_client()?;
        let databases = admin.query(
            "SELECT DISTINCT d.datname FROM pg_shdepend s \
             JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.refobjid \
             WHERE s.refclassid = 'pg_authid'::regclass AND r.rolname = $1",
            &[&self.name],
        )?;
        let drop_owned = format!("DROP OWNED BY \"{}\"", self.name);
        for row in databases {
            let database: String = row.get(0);
            match connect(&server.url(&database)) {
                Ok(mut client) => client.batch_execute(&drop_owned)?,
                // The database may be dropped at this very moment.
                Err(e) if e.code() == Some(&postgres::error::SqlState::INVALID_CATALOG_NAME) => {}
                Err(e) => return Err(e),
            }
        }
        // Also revokes privileges on shared objects, e.g. CONNECT on a database.
        admin.batch_execute(&format!(
            "{drop_owned}; DROP ROLE IF EXISTS \"{}\"",
            self.name
        ))
    }
}

impl Drop for TestRole {
    fn drop(&mut self) {
        if let Err(e) = self.try_drop() {
            eprintln!(
                "dataslicer_dev: could not drop test role {}: {}",
                self.name,
                error_chain(&e)
            );
        }
    }
}

/// `prefix` made a lowercase identifier (at most 31 characters), then the
/// process id, a per-process counter and 32 random bits: unique across the
/// threads and processes using one server, and at most 59 bytes (PostgreSQL
/// truncates names at 63).
fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let mut clean: String = prefix
        .chars()
        .take(30)
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !clean.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
        clean.insert(0, 't');
    }
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    // std's RandomState is keyed from the OS's random source once per thread.
    let random = RandomState::new().hash_one(count) as u32;
    format!("{clean}_{}_{count}_{random:08x}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::unique_name;

    #[test]
    fn names_are_lowercase_identifiers_and_unique() {
        let a = unique_name("Shop-Copy");
        let b = unique_name("Shop-Copy");
        assert!(a.starts_with("shop_copy_"), "{a}");
        assert_ne!(a, b);
        for name in [
            a,
            unique_name(""),
            unique_name("9lives"),
            unique_name(&"long".repeat(40)),
        ] {
            assert!(name.len() <= 63, "{name}");
            assert!(
                name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name}"
            );
        }
    }
}
