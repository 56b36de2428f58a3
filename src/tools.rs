//! PostgreSQL's command-line programs, connections and error text.

use std::error::Error;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use postgres::{Client, Config, NoTls};

/// Where Debian and Ubuntu install each major version's server programs.
const DEBIAN_LIB: &str = "/usr/lib/postgresql";

/// Finds one of PostgreSQL's programs: on `PATH`, else in
/// `/usr/lib/postgresql/<version>/bin`, newest version first.
pub(crate) fn find_program(name: &str) -> Result<PathBuf, String> {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(DEBIAN_LIB)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    on_path
        .into_iter()
        .chain(versions.into_iter().map(|(_, bin)| bin))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
        .ok_or_else(|| format!("`{name}` is neither on PATH nor in {DEBIAN_LIB}/*/bin"))
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// Runs `command` to completion, turning a failure to start or a non-zero
/// exit into an error that names it `what` and shows its output. (Not the
/// command line: a connection URL in it may hold a password.)
pub(crate) fn run(command: &mut Command, what: &str) -> Result<Output, String> {
    let output = command
        .output()
        .map_err(|e| format!("could not run {what} ({:?}): {e}", command.get_program()))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Connects to `url` without TLS, giving up after ten seconds.
pub(crate) fn connect(url: &str) -> Result<Client, postgres::Error> {
    let mut config: Config = url.parse()?;
    config.connect_timeout(Duration::from_secs(10));
    config.connect(NoTls)
}

/// An error and its causes, one after another: `postgres::Error`'s own
/// message is only its kind ("db error"), the server's message is its source.
pub(crate) fn error_chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The schema of the database at `url`, as `pg_dump --schema-only --no-owner
/// --no-privileges` prints it, less psql meta-commands.
///
/// pg_dump 17.6, 16.10, 15.14, 14.19 and 13.22 and later frame the dump in
/// `\restrict <random key>` and `\unrestrict <key>`; those lines are removed,
/// so two dumps of equal schemas compare equal and the text can be run with
/// [`postgres::Client::batch_execute`].
///
/// `pg_dump` is looked up like `initdb`: on `PATH`, else in
/// `/usr/lib/postgresql/*/bin`. It must not be older than the server.
///
/// # Panics
///
/// When `pg_dump` cannot be found or fails; the message holds its error output.
pub fn pg_dump_schema(url: &str) -> String {
    let dumped = find_program("pg_dump").and_then(|pg_dump| {
        let mut command = Command::new(pg_dump);
        command
            .args(["--schema-only", "--no-owner", "--no-privileges", "--dbname"])
            .arg(url)
            .env("PGCONNECT_TIMEOUT", "10");
        run(&mut command, "pg_dump")
    });
    let output = dumped.unwrap_or_else(|e| {
        panic!("dataslicer_dev: could not dump a schema with pg_dump (install PostgreSQL's client programs): {e}")
    });
    strip_meta_commands(&String::from_utf8_lossy(&output.stdout))
}

/// `pg_dump --data-only` of the database at `url`: every row and every
/// sequence's state, as SQL, to compare a database before and after.
///
/// # Panics
///
/// When `pg_dump` cannot be found or fails; the message holds its error output.
pub fn pg_dump_data(url: &str) -> String {
    let dumped = find_program("pg_dump").and_then(|pg_dump| {
        let mut command = Command::new(pg_dump);
        command
            .args(["--data-only", "--no-owner", "--no-privileges", "--dbname"])
            .arg(url)
            .env("PGCONNECT_TIMEOUT", "10");
        run(&mut command, "pg_dump")
    });
    let output = dumped.unwrap_or_else(|e| {
        panic!("dataslicer_dev: could not dump data with pg_dump (install PostgreSQL's client programs): {e}")
    });
    strip_meta_commands(&String::from_utf8_lossy(&output.stdout))
}

/// `sql` without its psql meta-command lines (those starting with a backslash).
fn strip_meta_commands(sql: &str) -> String {
    sql.lines()
        .filter(|line| !line.starts_with('\\'))
        .flat_map(|line| [line, "\n"])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_commands_are_stripped_and_sql_is_kept() {
        let dump = "\\restrict abc\nCREATE TABLE t (x text DEFAULT '\\n');\n\\unrestrict abc\n";
        assert_eq!(
            strip_meta_commands(dump),
            "CREATE TABLE t (x text DEFAULT '\\n');\n"
        );
    }

    #[test]
    fn programs_that_do_not_exist_are_reported_by_name() {
        let error = find_program("no-such-postgres-program").unwrap_err();
        assert!(error.contains("`no-such-postgres-program`"), "{error}");
    }
}
