//! One error type for the whole library. Every variant names what it is about:
//! the table, the column, the file and the line.

use std::path::PathBuf;

/// A specialised `Result` for dataslicer.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server refused the connection, or could not be reached.
    #[error("cannot connect to {url}: {}{hint}", pg(source))]
    Connect {
        /// The connection as `postgres://user@host:port/dbname`: never a
        /// password.
        url: String,
        /// The driver's error.
        source: postgres::Error,
        /// Lines on the likely cause (`\n  hint: ...`), or empty.
        hint: String,
    },

    /// A connection could not be made for a reason of dataslicer's own: a
    /// server that does not answer in time, a certificate file that cannot
    /// be read.
    #[error("cannot connect to {url}: {message}")]
    Connection {
        /// The connection as `postgres://user@host:port/dbname`.
        url: String,
        /// What went wrong, naming the host, the port or the file.
        message: String,
    },

    /// A connection string (URL or keyword/value pairs) is malformed. The
    /// message never repeats the string's text.
    #[error("invalid connection string: {message}")]
    ConnectionString {
        /// What is wrong, naming the keyword when it is a known one.
        message: String,
    },

    /// Ctrl-C or SIGTERM: the run stopped at the next safe point and undid
    /// what it had started (see [`crate::interrupt`]).
    #[error("interrupted")]
    Interrupted,

    /// Several problems found together (every table's schema mismatch).
    #[error("{} problems:{}", .0.len(), .0.iter().map(|e| format!("\n  - {e}")).collect::<String>())]
    Several(Vec<Error>),

    /// A query failed.
    #[error("{context}: {}", pg(source))]
    Query {
        /// What was being done, naming the table (and column) involved.
        context: String,
        /// The driver's error.
        source: postgres::Error,
    },

    /// A job's filter failed on the server.
    #[error(
        "the filter of the job for table {table} failed: {}\n  filter: {filter}",
        pg(source)
    )]
    Filter {
        /// The job's table.
        table: String,
        /// The filter as written.
        filter: String,
        /// The driver's error.
        source: postgres::Error,
    },

    /// The jobs do not make sense together.
    #[error("invalid jobs: {0}")]
    Jobs(String),

    /// A model does not match the live schema.
    #[error("table {table}: {message}")]
    Schema {
        /// The table.
        table: String,
        /// What does not match, naming the column.
        message: String,
    },

    /// A value could not be faked within the column's limits.
    #[error("cannot fake {table}.{column}: {message}")]
    Fake {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Why, naming the limit.
        message: String,
    },

    /// A row read from the source could not be understood.
    #[error("{table}, line {line}{}: {message}", if column.is_empty() { String::new() } else { format!(", column {column}") })]
    Row {
        /// The table.
        table: String,
        /// The CSV line (1 is the header).
        line: u64,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },

    /// The rows of a table stopped coming from the source (a lost
    /// connection, a server error in the middle of a COPY).
    #[error("reading the rows of {table} failed: {message}")]
    Read {
        /// The table.
        table: String,
        /// What went wrong.
        message: String,
    },

    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },

    /// A slice directory is not what its manifest says.
    #[error("slice {}: {message}", path.display())]
    Manifest {
        /// The directory or manifest file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// The command line or options are invalid.
    #[error("{0}")]
    Usage(String),
}

/// A driver error with everything the server said: the message, and the
/// detail, hint and column where there are any. (The driver's own `Display`
/// says only "db error".)
pub fn pg(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut out = format!("{}: {}", db.severity(), db.message());
        if let Some(column) = db.column() {
            out.push_str(&format!(" (column {column})"));
        }
        if let Some(detail) = db.detail() {
            out.push_str(&format!("; DETAIL: {detail}"));
        }
        if let Some(hint) = db.hint() {
            out.push_str(&format!("; HINT: {hint}"));
        }
        if let Some(context) = db.where_() {
            out.push_str(&format!("; CONTEXT: {context}"));
        }
        return out;
    }
    let mut out = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        out.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    out
}

/// An I/O error's message with its causes; a driver error inside it (a
/// COPY stream that broke) with everything the server said.
pub fn io_message(error: &std::io::Error) -> String {
    if let Some(pg_error) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<postgres::Error>())
    {
        return pg(pg_error);
    }
    let mut out = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        out.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    out
}

impl Error {
    /// A query error with a context naming the table.
    pub fn query(context: impl Into<String>, source: postgres::Error) -> Self {
        Error::Query {
            context: context.into(),
            source,
        }
    }

    /// An I/O error on a path.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
