//! Where a slice is read from or written to: a PostgreSQL database or a
//! slice directory, as the command line's `--from` and `--to` name them.
//!
//! - `postgres://...` and `postgresql://...` URLs are databases;
//! - so are libpq keyword/value strings, recognised by their first keyword
//!   (`host=db dbname=shop`, `dbname = shop`);
//! - any other `scheme://...` is an error (it is not taken for a directory
//!   name, and is never echoed: it may hold a password);
//! - anything else is a directory, `=` or not (`out/a=b`; write
//!   `./host=x` for a directory whose name starts like a keyword).
//!
//! Two locations that are one place are refused before anything is touched:
//! directories by their canonical paths (`D` and `D/../D`, or one inside the
//! other), databases by their identity (the cluster's system identifier and
//! the database's oid), whatever URLs reach them.

use crate::connect::{self, Identity, Settings};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Where a slice is read from or written to.
#[derive(Debug, Clone)]
pub enum Location {
    /// A PostgreSQL database, resolved against the environment.
    Postgres(Box<Settings>),
    /// A slice directory.
    Dir(PathBuf),
}

impl Location {
    /// Reads a command-line value (see the [module](self) for the rules).
    pub fn parse(value: &str) -> Result<Location> {
        if connect::url_scheme(value).is_some() || connect::first_keyword(value).is_some() {
            return Ok(Location::Postgres(Box::new(Settings::parse(value)?)));
        }
        if let Some(scheme) = connect::any_scheme(value) {
            return Err(Error::Usage(format!(
                "a location starts with `{scheme}://`, which dataslicer does not read or write: \
                 give a postgres:// or postgresql:// URL, a libpq connection string \
                 (host=... dbname=...), or a directory"
            )));
        }
        if value.is_empty() {
            return Err(Error::Usage(
                "an empty location: give a directory or a connection string".into(),
            ));
        }
        Ok(Location::Dir(PathBuf::from(value)))
    }

    /// Whether this is a database.
    pub fn is_database(&self) -> bool {
        matches!(self, Location::Postgres(_))
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Postgres(settings) => write!(f, "{settings}"),
            Location::Dir(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Refuses two directories that are one place, or one inside the other
/// (replacing the outer one would delete the inner).
pub fn distinct_dirs(from: &Path, to: &Path) -> Result<()> {
    let (a, b) = (canonical(from), canonical(to));
    let same = a == b;
    if same || b.starts_with(&a) || a.starts_with(&b) {
        let how = if same {
            "are one directory"
        } else if b.starts_with(&a) {
            "are nested: --to is inside --from"
        } else {
            "are nested: --from is inside --to, which replacing --to would delete"
        };
        return Err(Error::Usage(format!(
            "--from {} and --to {} {how} ({}): slice into another place",
            from.display(),
            to.display(),
            b.display()
        )));
    }
    Ok(())
}

/// Refuses two connections to one database.
pub fn distinct_databases(
    source: &mut postgres::Client,
    target: &mut postgres::Client,
    from: &Location,
    to: &Location,
) -> Result<()> {
    let a: Identity = connect::identity(source)?;
    let b: Identity = connect::identity(target)?;
    if a == b {
        return Err(Error::Usage(format!(
            "--from {from} and --to {to} are one database (cluster {}, database oid {}): \
             slice into another database",
            a.cluster, a.database
        )));
    }
    Ok(())
}

/// The canonical path of `path`, or of its nearest existing ancestor with
/// the rest appended (a destination may not exist yet).
fn canonical(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut rest = Vec::new();
    let mut current = absolute.as_path();
    loop {
        if let Ok(found) = current.canonicalize() {
            let mut out = found;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (current.parent(), current.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                current = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_databases_directories_or_errors() {
        assert!(Location::parse("postgres://u@h/d").unwrap().is_database());
        assert!(Location::parse("POSTGRESQL://h").unwrap().is_database());
        assert!(Location::parse("host=h dbname=d").unwrap().is_database());
        assert!(!Location::parse("out/a=b").unwrap().is_database());
        assert!(!Location::parse("slice").unwrap().is_database());
        let error = Location::parse("mysql://u:hunter2@h/d")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("mysql://") && !error.contains("hunter2"),
            "{error}"
        );
        assert!(Location::parse("http://example.com/x").is_err());
    }

    #[test]
    fn one_directory_named_two_ways_is_refused() {
        let dir = std::env::temp_dir().join(format!("dataslicer-loc-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("d")).unwrap();
        let d = dir.join("d");
        assert!(distinct_dirs(&d, &d.join("..").join("d")).is_err());
        assert!(distinct_dirs(&d, &d.join("inner")).is_err());
        assert!(distinct_dirs(&d.join("inner"), &d).is_err());
        assert!(distinct_dirs(&d, &dir.join("other")).is_ok());
        assert!(distinct_dirs(&d, &dir.join("d2")).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
