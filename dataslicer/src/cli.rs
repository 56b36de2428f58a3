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
//! [`connect`](mod@crate::connect)), so no password needs to be on the command line.
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
use crate::job::{Filter, ImportJob};
pub use crate::location::Location;
use crate::location::{distinct_databases, distinct_dirs};
use crate::manifest::Manifest;
use crate::model::Model;
use crate::plan::{self, Plan};
use crate::progress;
use crate::run::{Options, load_reporting, slice};
use crate::sink::{DirSink, IfExists, PgSink};
use crate::source::{DirSource, PgSource, Source};
use crate::walk::{Cap, Walk};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::ffi::OsString;
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
    /// Prints the tables a slice would contain, why, their load order and
    /// SQL; with --from, the rows each would hold (from the planner's
    /// statistics) and the unmodelled tables that reference them.
    Plan(RawPlan),
    /// Loads a slice directory into PostgreSQL exactly as it is.
    Load(RawLoad),
    /// Checks the models against the live schema: every problem of every
    /// table in one report; exits 1 on problems (for CI, after migrations).
    Check(RawCheck),
}

#[derive(Debug, clap::Args)]
struct RawPlan {
    #[command(flatten)]
    walk: RawWalkArgs,
    /// A database to check the plan against: the rows each table would
    /// hold, from its planner statistics, and the tables it has that
    /// reference the slice's tables but no model mirrors.
    #[arg(long)]
    from: Option<String>,
    /// `text` or `json`.
    #[arg(long, default_value = "text")]
    format: String,
}

#[derive(Debug, clap::Args)]
struct RawCheck {
    /// The database: a postgres:// URL (default: $DATABASE_URL).
    #[arg(long)]
    from: Option<String>,
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
    /// Show no progress (bars on a terminal, a line per table otherwise)
    /// and no summary on standard error.
    #[arg(long)]
    no_progress: bool,
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
    walk: RawWalkArgs,
    /// Locale of fake names and addresses (en, fr_FR, de_DE, ...).
    #[arg(long, default_value = "en")]
    locale: String,
    /// Keys per query.
    #[arg(long, default_value_t = Options::default().batch_size)]
    batch_size: usize,
    /// Connections that write tables at once, on one snapshot: the files
    /// are byte for byte those of `--jobs 1`. With a database destination,
    /// tables are written one after another whatever the number.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Show no progress (bars on a terminal, a line per table otherwise)
    /// and no summary on standard error.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    connection: RawConnection,
}

#[derive(Debug, Default, clap::Args)]
struct RawWalkArgs {
    /// Replaces the exporter's roots: TABLE becomes a root taking everything
    /// below it (repeatable).
    #[arg(long = "root", value_name = "TABLE")]
    root: Vec<String>,
    /// Sets or replaces a root's (or a table's) filter: TABLE=SQL, a condition
    /// on the table's columns; subqueries run in the same read-only snapshot
    /// (repeatable).
    #[arg(long = "where", value_name = "TABLE=SQL")]
    r#where: Vec<String>,
    /// Sets a root's (or a table's) sample size: TABLE=N (repeatable).
    #[arg(long = "sample", value_name = "TABLE=N")]
    sample: Vec<String>,
    /// Descends only into tables matching PATTERN (`*`, `?`; repeatable).
    #[arg(long = "only", value_name = "PATTERN")]
    only: Vec<String>,
    /// Never descends into tables matching PATTERN (repeatable); parents the
    /// slice needs are still taken.
    #[arg(long = "exclude", value_name = "PATTERN")]
    exclude: Vec<String>,
    /// At most K children per parent along a foreign key: TABLE.COLUMN=K
    /// (repeatable).
    #[arg(long = "cap", value_name = "TABLE.COLUMN=K")]
    cap: Vec<String>,
    /// Follows a generic relation downward from its targets:
    /// TABLE.OBJECT_ID_COLUMN (repeatable).
    #[arg(long = "descend-generic", value_name = "TABLE.COLUMN")]
    descend_generic: Vec<String>,
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
            Err(Error::Problems(report)) => {
                print!("{report}");
                ExitCode::FAILURE
            }
            Err(error) => match interrupt::requested() {
                Some(signal) => {
                    let name = if signal == 15 { "SIGTERM" } else { "SIGINT" };
                    eprintln!(
                        "interrupted by {name}: stopped cleanly, the destination is as it was \
                         (a partial slice directory removed, a load rolled back)"
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
            walk: RawWalkArgs::default(),
            locale: "en".into(),
            batch_size: Options::default().batch_size,
            jobs: 1,
            no_progress: false,
            connection: RawConnection::default(),
        }));
        match command {
            RawCommand::Plan(raw) => {
                let json = match raw.format.as_str() {
                    "text" => false,
                    "json" => true,
                    other => {
                        return Err(Error::Usage(format!(
                            "--format {other}: expected `text` or `json`"
                        )));
                    }
                };
                let (jobs, walk) = apply_walk(std::mem::take(&mut self.jobs), &raw.walk)?;
                let plan = Plan::new(&jobs, &walk)?;
                let estimate = match &raw.from {
                    Some(url) => run_estimate(&plan, &jobs, url)?,
                    None => crate::estimate::describe(&plan, &jobs),
                };
                if json {
                    let value = serde_json::json!({
                        "exporter": self.name,
                        "tables": estimate.tables,
                        "estimated_total": estimate.estimated_total,
                        "left_out": plan.left_out.iter().map(|l| serde_json::json!({
                            "table": l.table.to_string(),
                            "column": l.column,
                            "references": l.references.to_string(),
                            "why": l.why,
                        })).collect::<Vec<_>>(),
                    });
                    return Ok(format!(
                        "{}\n",
                        serde_json::to_string_pretty(&value).expect("plain JSON values")
                    ));
                }
                let mut out = format!("{}: tables in load order\n", self.name);
                out.push_str(&plan.to_string());
                if let Some(from) = &raw.from {
                    let Location::Postgres(settings) = Location::parse(from)? else {
                        return Err(Error::Usage(format!(
                            "plan --from {from}: give a database (a postgres:// URL or a \
                             connection string) to check the plan against"
                        )));
                    };
                    let mut client = settings.connect()?;
                    let mut source = PgSource::begin(&mut client)?;
                    let tables: Vec<_> = plan.tables.iter().map(|t| t.name()).collect();
                    let unmodelled: Vec<_> = source
                        .referencing_tables(&tables)?
                        .into_iter()
                        .filter(|r| !plan.models_table(&r.table))
                        .collect();
                    source.finish()?;
                    if !unmodelled.is_empty() {
                        out.push_str(
                            "not modelled (these tables reference the slice; model them, or their rows are missing):\n",
                        );
                        for r in unmodelled {
                            out.push_str(&format!(
                                "  {}.{} -> {}\n",
                                r.table, r.column, r.references
                            ));
                        }
                    }
                }
                for job in &jobs {
                    if let Some(filter) = job.filter_ref() {
                        out.push_str(&format!("where {}: {}\n", job.model().table, filter.sql));
                    }
                    if let Some(n) = job.sample_size() {
                        out.push_str(&format!("sample {} = {n}\n", job.model().table));
                    }
                }
                out.push_str(&estimate.to_string());
                Ok(out)
            }
            RawCommand::Check(raw) => {
                let url = match raw.from.or_else(|| std::env::var("DATABASE_URL").ok()) {
                    Some(url) => url,
                    None => match self.default_source.take() {
                        Some(source) => source()?,
                        None => {
                            return Err(Error::Usage(
                                "no database: pass --from postgres://user@host/db, or set DATABASE_URL"
                                    .into(),
                            ));
                        }
                    },
                };
                let report = run_check(&self.jobs, &url)?;
                let text = format!(
                    "{}: models against {}\n{report}",
                    self.name,
                    crate::connect::Settings::parse(&url)?
                );
                if report.is_ok() {
                    Ok(text)
                } else {
                    Err(Error::Problems(text))
                }
            }
            RawCommand::Load(raw) => {
                let if_exists: IfExists = raw.if_exists.parse()?;
                let no_progress = raw.no_progress;
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
                let (manifest, notes) = match no_progress {
                    true => load_reporting(&from, &mut client, if_exists, &progress::Silent)?,
                    false => {
                        load_reporting(&from, &mut client, if_exists, &progress::Stderr::new())?
                    }
                };
                let mut out = report(&format!("loaded {} into {to}", from.display()), &manifest);
                for note in notes {
                    out.push_str(&format!("note: {note}\n"));
                }
                Ok(out)
            }
            RawCommand::Slice(raw) => {
                let (jobs, walk) = apply_walk(std::mem::take(&mut self.jobs), &raw.walk)?;
                self.jobs = jobs;
                let connection = raw.connection.clone();
                let mut command = validate_slice(raw)?;
                command.options.walk = walk;
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
                let (manifest, notes) = run_slice(
                    &from,
                    &command.to,
                    &self.jobs,
                    command.if_exists,
                    &command.options,
                )?;
                let mut out = report(
                    &format!("wrote {} from {from} (seed {})", command.to, manifest.seed),
                    &manifest,
                );
                for note in notes {
                    out.push_str(&format!("note: {note}\n"));
                }
                Ok(out)
            }
        }
    }
}

/// The program's models (and those the jobs reach) against the live
/// schema of `url`, read in one read-only transaction.
fn run_check(jobs: &[ImportJob], url: &str) -> Result<crate::check::Report> {
    // The models the jobs reach, and every other model of the program (each
    // registers itself) declared beside the jobs' models: in the module
    // their modules share (`my_exporter::models`).
    let plan = Plan::new(jobs, &Walk::default())?;
    let mut models: Vec<&'static crate::model::Model> =
        plan.tables.iter().map(|t| t.model).collect();
    let prefix = common_module(jobs.iter().map(|j| j.model().module));
    for model in crate::model::all_models() {
        let beside = model.module == prefix || model.module.starts_with(&format!("{prefix}::"));
        if beside && !models.iter().any(|m| m.is(model)) {
            models.push(model);
        }
    }
    let mut client = crate::connect::connect(url)?;
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .start()
        .map_err(|e| Error::query("starting a read-only transaction", e))?;
    let mut schemas = crate::catalog::Catalog::search_path(&mut tx)?;
    for model in &models {
        if let Some(schema) = model.table.schema
            && !schemas.iter().any(|s| s == schema)
        {
            schemas.push(schema.to_string());
        }
    }
    let catalog = crate::catalog::Catalog::read(&mut tx, &schemas)?;
    tx.commit()
        .map_err(|e| Error::query("ending the read-only transaction", e))?;
    Ok(crate::check::check(&models, &catalog))
}

/// The plan's estimates from the planner statistics of `url`, read in one
/// read-only transaction.
fn run_estimate(plan: &Plan, jobs: &[ImportJob], url: &str) -> Result<crate::estimate::Estimate> {
    let mut client = crate::connect::connect(url)?;
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .start()
        .map_err(|e| Error::query("starting a read-only transaction", e))?;
    let estimate = crate::estimate::estimate(&mut tx, plan, jobs)?;
    tx.commit()
        .map_err(|e| Error::query("ending the read-only transaction", e))?;
    Ok(estimate)
}

/// The longest module path all of `modules` are in (`a::b` for `a::b::c`
/// and `a::b::d`).
fn common_module<'a>(modules: impl Iterator<Item = &'a str>) -> String {
    let mut common: Option<Vec<&str>> = None;
    for module in modules {
        let parts: Vec<&str> = module.split("::").collect();
        common = Some(match common {
            None => parts,
            Some(c) => c
                .iter()
                .zip(&parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    common.unwrap_or_default().join("::")
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
) -> Result<(Manifest, Vec<String>)> {
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
        (Location::Postgres(settings), Some((client, _))) => {
            pg_source = PgSource::begin(client)?.with_workers((**settings).clone());
            &mut pg_source
        }
        (Location::Dir(path), None) => {
            dir_source = DirSource::open(path)?;
            &mut dir_source
        }
        (Location::Postgres(_), None) | (Location::Dir(_), Some(_)) => {
            unreachable!("connected above")
        }
    };
    match (to, &mut target_client) {
        (_, Some((client, _))) => {
            let mut sink = PgSink::begin(client, if_exists)?;
            let manifest = slice(source, &mut sink, jobs, options)?;
            Ok((manifest, sink.notes().to_vec()))
        }
        (Location::Dir(path), None) => {
            let mut sink = DirSink::create(path)?;
            Ok((slice(source, &mut sink, jobs, options)?, Vec::new()))
        }
        (Location::Postgres(_), None) => unreachable!("connected above"),
    }
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
    let nulled: u64 = manifest.tables.iter().flat_map(|t| t.nulled.values()).sum();
    if nulled > 0 {
        out.push_str(&format!(
            "{nulled} optional foreign key values were written as NULL (their parent is not in the slice):\n"
        ));
        for table in &manifest.tables {
            for (column, n) in &table.nulled {
                out.push_str(&format!("  {}.{column}: {n}\n", table.table));
            }
        }
    }
    if !manifest.unresolved_generic.is_empty() {
        let total: u64 = manifest
            .unresolved_generic
            .iter()
            .map(|u| u.references)
            .sum();
        out.push_str(&format!(
            "{total} generic references point at rows the slice cannot hold:\n"
        ));
        for u in &manifest.unresolved_generic {
            out.push_str(&format!(
                "  {}.{} -> {}: {} ({})\n",
                u.table, u.column, u.content_type, u.references, u.why
            ));
        }
    }
    out
}

fn validate_slice(raw: RawSlice) -> Result<SliceCommand> {
    let locale: Locale = raw.locale.parse()?;
    if raw.batch_size == 0 {
        return Err(Error::Usage("--batch-size must be at least 1".into()));
    }
    if raw.jobs == 0 {
        return Err(Error::Usage("--jobs must be at least 1".into()));
    }
    Ok(SliceCommand {
        from: raw.from.as_deref().map(Location::parse).transpose()?,
        to: Location::parse(&raw.to)?,
        if_exists: raw.if_exists.parse()?,
        options: Options {
            seed: raw.seed,
            batch_size: raw.batch_size,
            locale,
            progress: !raw.no_progress,
            walk: Walk::default(),
            jobs: raw.jobs,
        },
    })
}

/// Applies the walk's command-line arguments to the exporter's jobs:
/// `--root` replaces the roots, `--where` and `--sample` set a root's (or
/// refine a table's) filter and sample; the limits become a [`Walk`].
fn apply_walk(mut jobs: Vec<ImportJob>, raw: &RawWalkArgs) -> Result<(Vec<ImportJob>, Walk)> {
    let walk = Walk {
        only: raw.only.clone(),
        exclude: raw.exclude.clone(),
        caps: raw
            .cap
            .iter()
            .map(|c| Cap::parse(c))
            .collect::<Result<_>>()?,
        descend_generic: raw.descend_generic.clone(),
    };
    if !raw.root.is_empty() {
        let roots: Vec<&'static Model> = raw
            .root
            .iter()
            .map(|name| {
                plan::model_named(&jobs, name)
                    .map_err(|e| Error::Usage(format!("--root {name}: {e}")))
            })
            .collect::<Result<_>>()?;
        // The jobs that chose rows of their own give way to the new roots,
        // and so do jobs the old ones restricted (the orders of sampled
        // customers); whole-table jobs (a catalogue) and caps stay.
        let before = Plan::new(&jobs, &walk)?;
        let restricted: Vec<&'static Model> = before
            .tables
            .iter()
            .filter(|t| t.job.is_some() && !t.down.is_empty())
            .map(|t| t.model)
            .collect();
        jobs.retain(|job| {
            let model = job.model();
            roots.iter().any(|r| r.is(model))
                || !(job.takes_descendants()
                    || job.filter_ref().is_some()
                    || job.sample_size().is_some()
                    || (restricted.iter().any(|m| m.is(model)) && job.caps().is_empty()))
        });
        for root in roots {
            match jobs.iter_mut().find(|j| j.model().is(root)) {
                Some(job) => job.set_descendants(true),
                None => jobs.push(ImportJob::for_model(root).descendants()),
            }
        }
    }
    for spec in &raw.r#where {
        let (table, sql) = spec
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--where {spec}: expected TABLE=SQL")))?;
        if sql.trim().is_empty() {
            return Err(Error::Usage(format!(
                "--where {spec}: the condition is empty"
            )));
        }
        let job = job_for(&mut jobs, &walk, table.trim(), "--where")?;
        job.set_filter(Some(Filter::sql(sql)));
    }
    for spec in &raw.sample {
        let (table, n) = spec
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--sample {spec}: expected TABLE=N")))?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| Error::Usage(format!("--sample {spec}: `{n}` is not a number of rows")))?;
        let job = job_for(&mut jobs, &walk, table.trim(), "--sample")?;
        job.set_sample(Some(n));
    }
    Ok((jobs, walk))
}

/// The job of `table`: an existing one, or a new job refining a table the
/// walk reaches.
fn job_for<'j>(
    jobs: &'j mut Vec<ImportJob>,
    walk: &Walk,
    table: &str,
    flag: &str,
) -> Result<&'j mut ImportJob> {
    if let Some(index) = jobs
        .iter()
        .position(|j| crate::walk::names_table(table, &j.model().table))
    {
        return Ok(&mut jobs[index]);
    }
    let plan = Plan::new(jobs, walk)?;
    let walked = plan
        .tables
        .iter()
        .find(|t| t.is_walked() && crate::walk::names_table(table, &t.name()));
    match walked {
        Some(found) => {
            jobs.push(ImportJob::for_model(found.model));
            Ok(jobs.last_mut().expect("just pushed"))
        }
        None => {
            let names: Vec<String> = plan
                .tables
                .iter()
                .filter(|t| t.is_walked())
                .map(|t| t.name().to_string())
                .collect();
            Err(Error::Usage(format!(
                "{flag} {table}: no job for table {table}, nor a table below a root by that name; \
                 the jobs and the tables below roots are: {}",
                names.join(", ")
            )))
        }
    }
}
