//! The reliability suite: what a user pointing dataslicer at production can
//! count on, each guarantee shown by a test against real PostgreSQL (the
//! test server, and a throwaway cluster started here with `ssl = on`, a
//! certificate made by the test's own CA, `hostssl`-only `pg_hba.conf` with
//! SCRAM passwords, on a free port).
//!
//! - TLS (`tls`): `require` and the default `prefer` encrypt;
//!   `verify-full` with the right CA connects and with another CA fails
//!   naming the root certificate file; `verify-full` checks the host name and
//!   `verify-ca` does not; a verify mode without a root certificate says how
//!   to give one; plaintext is refused by the server with a message saying
//!   TLS is required (`allow` falls back to TLS); a client certificate logs
//!   in without a password, and a key others may read is refused; the shop
//!   example slices and loads the TLS-only server configured by `PG*`
//!   variables alone.
//! - Environment and password file (`environment`): `PG*` variables fill
//!   host, port, user, database, password, sslmode and timeout; `~/.pgpass`,
//!   `PGPASSFILE` and `passfile=` supply the password a URL leaves out; a
//!   password file others may read is ignored and the error says why; with
//!   no password at all the error says where one can come from; the command
//!   line slices and loads with the password from `~/.pgpass` only; several
//!   hosts are tried in turn, and every failure is named.
//! - Secrets (`secrets`): for every form (a URL with the password as typed,
//!   an `@`, a space and a quote in it; percent-encoded; `?password=`;
//!   keywords with spaces around `=` and a quoted value) in success, and for
//!   strings that fail (a refused user, a value with an unquoted space, a
//!   quote that ends a value early, a broken `%`, an unknown keyword made of
//!   the password, `mysql://` and `http://` locations), as source and as
//!   target of `slice` and `load`: the password and its pieces appear in no
//!   output and in no file name or file content, and no directory is created
//!   for a URL.
//! - A silent server (`silent`): a listener that accepts and never answers
//!   is an error naming host and port within the connect timeout, for
//!   `disable`, `prefer` and `require`, and through the command line's
//!   default timeout; `--statement-timeout` and `--lock-timeout` end a
//!   statement or a lock wait that runs longer, with a clear error.
//! - SIGKILL (`kill`): an export killed after either rename of a
//!   replacement leaves the new complete slice in place once anything next
//!   reads or writes there, and no leftovers; killed while writing, or at
//!   moments spread over the run, the old or the new complete slice; a load
//!   killed mid-transaction or at moments spread over it, or failing on a
//!   bad value, leaves the target identical (`pg_dump --data-only`,
//!   sequences included).
//! - Signals (`signals`): SIGINT and SIGTERM during an export remove the
//!   partial directory and keep the old slice, with one line on standard
//!   error and exit codes 130 and 143; SIGTERM during a load rolls it back;
//!   Ctrl-C during the shop demo drops its database.
//! - Bad inputs (`inputs`; more in `transfer` and `slice`): a last record
//!   without its line feed is counted and loads, a record cut short with the
//!   manifest edited to match is refused; bytes that are not UTF-8 are
//!   refused from a slice directory (naming table, line and column) and from
//!   a `SQL_ASCII` database (to a directory, and by a PostgreSQL target,
//!   which is left as it was); schema mismatches of several tables come in
//!   one error; `http://`, `mysql://`, `ftp://` locations are errors (exit 2)
//!   and create nothing; a directory with `=` in its name is a directory;
//!   one directory named two ways (`d/../d`, `./d`, or nested) and one
//!   database reached by two strings are refused before anything is
//!   touched; `--version` answers.
//!
//! - Parallel workers (`jobs`): `--jobs 2`, `3` and `8` write the bytes of
//!   `--jobs 1`, `consistent, unique` e-mails shared by three tables
//!   included; rows changed in the source while the workers copy are not
//!   seen (every worker imports the first connection's snapshot); a worker
//!   refused by the server (a role's connection limit) fails the run and
//!   leaves no directory; `--jobs 0` is refused before connecting.
//!
//! Concurrent writers during a slice are in `slice::output`, injection-proof
//! names and values in `slice::names` and `transfer::names`, and the other
//! bad inputs (damaged slices, wrong models, filters on directories,
//! constraint violations) in `transfer` and `slice`.

mod environment;
mod inputs;
mod jobs;
mod kill;
mod secrets;
mod signals;
mod silent;
mod support;
mod tls;
