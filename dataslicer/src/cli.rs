//! The exporter's command line: what a user's `main` hands its jobs to.
//!
//! ```no_run
//! use dataslicer::prelude::*;
//! # #[derive(Importer)] #[table("accounts_customer")] struct Customer { id: i64 }
//!
//! fn main() -> std::process::ExitCode {
//!     let jobs = vec![ImportJob::<Customer>::new().sample(100)];
//!     dataslicer::cli::App::new("my-exporter", jobs).run()
//! }
//! ```
//!
//! `my-exporter slice --from postgres://... --to slice/ --seed 42 --sample accounts_customer=1000`
//! writes a slice; `my-exporter plan` prints what a slice would contain.
//! Arguments are parsed with clap into a raw form, then validated into the
//! library's own types: the rest of the library never sees clap.
//!
//! `--from` and `--to` take a `postgres://` URL, a libpq keyword/value
//! string or a directory (see [`Location`]); connections follow libpq's
//! conventions, `PG*` variables and `~/.pgpass` included (see
//! [`crate::connect`]), so no password needs to be on the command line.
//! Without `--from`, `slice` reads `$DATABASE_URL`; without `--to`, `load`
//! writes to `$TARGET_DATABASE_URL`.
//!
//! Ctrl-C and SIGTERM stop a run cleanly (see [`crate::interrupt`]): a
//! partial slice directory is removed, a load rolled back, and one line says
//! so. A second signal ends the process at once.
//!
//! Exit codes: `0` success; `1` an error (the message on standard error
//! names the table, column, file or connection); `2` invalid command-line
//! arguments; `130` stopped by SIGINT (Ctrl-C) and `143` by SIGTERM, with
//! nothing left half-done.

use crate::connect::Settings;
use crate::error::{Error, Result};
use crate::fake::Locale;
use crate::interrupt;
use crate::job::ImportJob;
pub use crate::location::Location;
use crate::location::{distinct_databases, distinct_dirs};
use crate::manifest::Manifest;
use crate::plan::Plan;
use crate::run::{Options, load, slice};
use crate::sink::{DirSink, IfExists, PgSink, Sink};
use crate::source::{DirSource, PgSource, Source};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

/// The raw command line.
#[derive(Debug, Parser)]
#[command(
    about = "Slices a PostgreSQL database into a small, anonymized, referentially complete copy"
)]
struct RawArgs {
    #[command(subcommand)]
    command: Option<RawCommand>,
}

#[derive(Debug, Subcommand)]
enum RawCommand {
    /// Writes a slice: sampled rows, their children and every parent they need.
    Slice(RawSlice),
    /// Prints the tables a slice would contain and their load order.
    Plan(RawSampleArgs),
    /// Loads a slice directory into PostgreSQL exactly as it is.
    Load(RawLoad),
}

#[derive(Debug, clap::Args)]
struct RawLoad {
    /// The slice directory.
    #[arg(long)]
    from: String,
    /// Target database: a postgres:// URL or a libpq connection string
    /// (default: $TARGET_DATABASE_URL); PG* variables and ~/.pgpass fill in
    /// what it leaves out.
    #[arg(long)]
    to: Option<String>,
    /// When a target table has rows: fail, truncate or merge.
    #[arg(long, default_value = "fail")]
    if_exists: String,
    #[command(flatten)]
    connection: RawConnection,
}

/// Session limits of every connection a command opens.
#[derive(Debug, Default, Clone, clap::Args)]
struct RawConnection {
    /// No statement runs longer (e.g. 30s, 5min, 500ms; a plain number is
    /// seconds). Default: the server's.
    #[arg(long, value_name = "DURATION")]
    statement_timeout: Option<String>,
    /// No lock is waited for longer (same form). Default: the server's.
    #[arg(long, value_name = "DURATION")]
    lock_timeout: Option<String>,
}

impl RawConnection {
    /// Applies the limits to a database location.
    fn apply(&self, location: &mut Location) -> Result<()> {
        if let Location::Postgres(settings) = location {
            if let Some(t) = &self.statement_timeout {
                settings.statement_timeout = Some(duration("--statement-timeout", t)?);
            }
            if let Some(t) = &self.lock_timeout {
                settings.lock_timeout = Some(duration("--lock-timeout", t)?);
            }
        }
        Ok(())
    }
}

/// `30s`, `5min`, `500ms`, `1h`, or a number of seconds.
fn duration(flag: &str, text: &str) -> Result<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| {
        Error::Usage(format!(
            "{flag} {text}: expected a duration like 30s, 5min or 500ms"
        ))
    })?;
    Ok(match unit.trim() {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "min" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => {
            return Err(Error::Usage(format!(
                "{flag} {text}: the unit must be ms, s, min or h"
            )));
        }
    })
}

#[derive(Debug, clap::Args)]
struct RawSlice {
    /// Source: a postgres:// URL or a slice directory (default: $DATABASE_URL).
    #[arg(long)]
    from: Option<String>,
    /// Destination: a slice directory or a postgres:// URL.
    #[arg(long, default_value = "slice")]
    to: String,
    /// With a database destination, when a target table has rows: fail,
    /// truncate or merge.
    #[arg(long, default_value = "fail")]
    if_exists: String,
    /// Seed of every random choice and fake.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[command(flatten)]
    samples: RawSampleArgs,
    /// Locale of fake names and addresses (en, fr_FR, de_DE, ...).
    #[arg(long, default_value = "en")]
    locale: String,
    /// Keys per query.
    #[arg(long, default_value_t = Options::default().batch_size)]
    batch_size: usize,
    /// Never draw progress bars.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    connection: RawConnection,
}

#[derive(Debug, Default, clap::Args)]
struct RawSampleArgs {
    /// Overrides a job's sample size: TABLE=N (repeatable).
    #[arg(long = "sample", value_name = "TABLE=N")]
    sample: Vec<String>,
}

/// A validated `slice` command.
#[derive(Debug)]
struct SliceCommand {
    from: Option<Location>,
    to: Location,
    if_exists: IfExists,
    options: Options,
}

/// The command line of an exporter, with its jobs.
pub struct App<'a> {
    name: String,
    version: Option<String>,
    jobs: Vec<ImportJob>,
    default_source: Option<Box<dyn FnOnce() -> Result<String> + 'a>>,
}

impl<'a> App<'a> {
    /// An exporter named `name` running `jobs`.
    pub fn new(name: impl Into<String>, jobs: Vec<ImportJob>) -> Self {
        App {
            name: name.into(),
            version: None,
            jobs,
            default_source: None,
        }
    }

    /// Where to read from when neither `--from` nor `DATABASE_URL` says: for
    /// a demo that starts its own database. Returns a connection URL.
    pub fn default_source(mut self, source: impl FnOnce() -> Result<String> + 'a) -> Self {
        self.default_source = Some(Box::new(source));
        self
    }

    /// The exporter's own version, shown by `--version` beside dataslicer's.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Parses `std::env::args_os()`, runs, prints the outcome or the error,
    /// and returns the process's exit code (see the [module](self) for the
    /// codes). Ctrl-C and SIGTERM stop the run cleanly.
    pub fn run(self) -> ExitCode {
        if let Err(error) = interrupt::install() {
            eprintln!("warning: {error}");
        }
        match self.run_with(std::env::args_os()) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(Error::Usage(message)) => {
                eprintln!("{message}");
                ExitCode::from(2)
            }
            Err(error) => match interrupt::requested() {
                Some(signal) => {
                    let name = if signal == 15 { "SIGTERM" } else { "SIGINT" };
                    eprintln!(
                        "interrupted by {name}: stopped cleanly, nothing was written                          (a partial slice directory is removed, a load rolled back)"
                    );
                    ExitCode::from((128 + signal.clamp(1, 127)) as u8)
                }
                None => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            },
        }
    }

    /// Runs the command line `args` (the first is the program name) and
    /// returns what it would print.
    pub fn run_with<I, T>(mut self, args: I) -> Result<String>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let version = match &self.version {
            Some(own) => format!("{own} (dataslicer {})", env!("CARGO_PKG_VERSION")),
            None => format!("(dataslicer {})", env!("CARGO_PKG_VERSION")),
        };
        // clap keeps its strings for the life of the program.
        let version: &'static str = Box::leak(version.into_boxed_str());
        let name: &'static str = Box::leak(self.name.clone().into_boxed_str());
        let parsed = RawArgs::command()
            .name(name)
            .version(version)
            .try_get_matches_from(args)
            .and_then(|matches| RawArgs::from_arg_matches(&matches));
        let raw = match parsed {
            Ok(raw) => raw,
            // --help and --version are answers, not errors.
            Err(e)
                if matches!(
                    e.kind(),
                    clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
                ) =>
            {
                return Ok(e.render().to_string());
            }
            Err(e) => return Err(Error::Usage(e.render().to_string())),
        };
        let command = raw.command.unwrap_or(RawCommand::Slice(RawSlice {
            from: None,
            to: "slice".into(),
            if_exists: "fail".into(),
            seed: 0,
            samples: RawSampleArgs::default(),
            locale: "en".into(),
            batch_size: Options::default().batch_size,
            no_progress: false,
            connection: RawConnection::default(),
        }));
        match command {
            RawCommand::Plan(samples) => {
                apply_samples(&mut self.jobs, &samples.sample)?;
                let plan = Plan::new(&self.jobs)?;
                let mut out = format!("{}: tables in load order\n", self.name);
                out.push_str(&plan.to_string());
                for job in &self.jobs {
                    if let Some(n) = job.sample_size() {
                        out.push_str(&format!("sample {} = {n}\n", job.model().table));
                    }
                }
                Ok(out)
            }
            RawCommand::Load(raw) => {
                let if_exists: IfExists = raw.if_exists.parse()?;
                let Location::Dir(from) = Location::parse(&raw.from)? else {
                    return Err(Error::Usage(format!(
                        "load --from {}: load reads a slice directory; to copy between \
                         databases, use slice",
                        Location::parse(&raw.from)?
                    )));
                };
                let to = match raw.to {
                    Some(to) => to,
                    None => std::env::var("TARGET_DATABASE_URL").map_err(|_| {
                        Error::Usage(
                            "no target: pass --to postgres://user@host/db (the password from \
                             PGPASSWORD or ~/.pgpass), or set TARGET_DATABASE_URL"
                                .into(),
                        )
                    })?,
                };
                let mut to = Location::parse(&to)?;
                raw.connection.apply(&mut to)?;
                let Location::Postgres(settings) = &to else {
                    return Err(Error::Usage(format!(
                        "load --to {to}: load writes into PostgreSQL; to copy a slice \
                         directory, use slice"
                    )));
                };
                interrupt::check()?;
                let mut client = settings.connect()?;
                let _watch = interrupt::watch(&client, settings);
                let manifest = load(&from, &mut client, if_exists)?;
                Ok(report(
                    &format!("loaded {} into {to}", from.display()),
                    &manifest,
                ))
            }
            RawCommand::Slice(raw) => {
                apply_samples(&mut self.jobs, &raw.samples.sample)?;
                let connection = raw.connection.clone();
                let mut command = validate_slice(raw)?;
                let from = match command.from.take() {
                    Some(from) => Some(from),
                    None => std::env::var("DATABASE_URL")
                        .ok()
                        .map(|url| Location::parse(&url))
                        .transpose()?,
                };
                let mut from = match from {
                    Some(from) => from,
                    None => match self.default_source.take() {
                        Some(source) => Location::parse(&source()?)?,
                        None => {
                            return Err(Error::Usage(
                                "no source: pass --from postgres://user@host/db (or a slice directory), \
                                 or set DATABASE_URL"
                                    .into(),
                            ));
                        }
                    },
                };
                connection.apply(&mut from)?;
                connection.apply(&mut command.to)?;
                let manifest = run_slice(
                    &from,
                    &command.to,
                    &self.jobs,
                    command.if_exists,
                    &command.options,
                )?;
                Ok(report(
                    &format!("wrote {} from {from} (seed {})", command.to, manifest.seed),
                    &manifest,
                ))
            }
        }
    }
}

/// Opens the source and the sink of a `slice` and runs it. Both ends are
/// opened, and refused when they are one place, before anything is read or
/// written.
fn run_slice(
    from: &Location,
    to: &Location,
    jobs: &[ImportJob],
    if_exists: IfExists,
    options: &Options,
) -> Result<Manifest> {
    interrupt::check()?;
    if let (Location::Dir(a), Location::Dir(b)) = (from, to) {
        distinct_dirs(a, b)?;
    }
    let connect = |settings: &Settings| -> Result<(postgres::Client, interrupt::Watch)> {
        let client = settings.connect()?;
        let watch = interrupt::watch(&client, settings);
        Ok((client, watch))
    };
    let mut source_client = match from {
        Location::Postgres(settings) => Some(connect(settings)?),
        Location::Dir(_) => None,
    };
    let mut target_client = match to {
        Location::Postgres(settings) => Some(connect(settings)?),
        Location::Dir(_) => None,
    };
    if let (Some((source, _)), Some((target, _))) = (&mut source_client, &mut target_client) {
        distinct_databases(source, target, from, to)?;
    }
    interrupt::check()?;
    let mut pg_source;
    let mut dir_source;
    let source: &mut dyn Source = match (from, &mut source_client) {
        (_, Some((client, _))) => {
            pg_source = PgSource::begin(client)?;
            &mut pg_source
        }
        (Location::Dir(path), None) => {
            dir_source = DirSource::open(path)?;
            &mut dir_source
        }
        (Location::Postgres(_), None) => unreachable!("connected above"),
    };
    let mut pg_sink;
    let mut dir_sink;
    let sink: &mut dyn Sink = match (to, &mut target_client) {
        (_, Some((client, _))) => {
            pg_sink = PgSink::begin(client, if_exists)?;
            &mut pg_sink
        }
        (Location::Dir(path), None) => {
            dir_sink = DirSink::create(path)?;
            &mut dir_sink
        }
        (Location::Postgres(_), None) => unreachable!("connected above"),
    };
    slice(source, sink, jobs, options)
}

/// What a command prints: a line, then a line per table.
fn report(title: &str, manifest: &Manifest) -> String {
    let mut out = format!("{title}\n");
    for table in &manifest.tables {
        out.push_str(&format!(
            "  {:<40} {:>10} rows  {}\n",
            table.table, table.rows, table.file
        ));
    }
    out
}

fn validate_slice(raw: RawSlice) -> Result<SliceCommand> {
    let locale: Locale = raw.locale.parse()?;
    if raw.batch_size == 0 {
        return Err(Error::Usage("--batch-size must be at least 1".into()));
    }
    Ok(SliceCommand {
        from: raw.from.as_deref().map(Location::parse).transpose()?,
        to: Location::parse(&raw.to)?,
        if_exists: raw.if_exists.parse()?,
        options: Options {
            seed: raw.seed,
            batch_size: raw.batch_size,
            locale,
            progress: !raw.no_progress && std::io::stderr().is_terminal(),
        },
    })
}

/// Applies `--sample TABLE=N` to the job of that table.
fn apply_samples(jobs: &mut [ImportJob], samples: &[String]) -> Result<()> {
    for spec in samples {
        let (table, n) = spec
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--sample {spec}: expected TABLE=N")))?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| Error::Usage(format!("--sample {spec}: `{n}` is not a number of rows")))?;
        let names: Vec<String> = jobs.iter().map(|j| j.model().table.to_string()).collect();
        let Some(index) = names.iter().position(|name| name == table.trim()) else {
            return Err(Error::Usage(format!(
                "--sample {spec}: no job for table {table}; the jobs are: {}",
                names.join(", ")
            )));
        };
        jobs[index].set_sample(Some(n));
    }
    Ok(())
}
