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

use crate::error::{Error, Result};
use crate::fake::Locale;
use crate::job::ImportJob;
use crate::plan::Plan;
use crate::run::{Options, download};
use crate::source::postgres::connect;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

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
}

#[derive(Debug, clap::Args)]
struct RawSlice {
    /// Source database URL (default: $DATABASE_URL).
    #[arg(long)]
    from: Option<String>,
    /// Destination directory.
    #[arg(long, default_value = "slice")]
    to: PathBuf,
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
    from: Option<String>,
    to: PathBuf,
    options: Options,
}

/// The command line of an exporter, with its jobs.
pub struct App<'a> {
    name: String,
    jobs: Vec<ImportJob>,
    default_source: Option<Box<dyn FnOnce() -> Result<String> + 'a>>,
}

impl<'a> App<'a> {
    /// An exporter named `name` running `jobs`.
    pub fn new(name: impl Into<String>, jobs: Vec<ImportJob>) -> Self {
        App {
            name: name.into(),
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

    /// Parses `std::env::args_os()`, runs, prints the outcome or the error,
    /// and returns the process's exit code.
    pub fn run(self) -> ExitCode {
        match self.run_with(std::env::args_os()) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(Error::Usage(message)) => {
                eprintln!("{message}");
                ExitCode::from(2)
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        }
    }

    /// Runs the command line `args` (the first is the program name) and
    /// returns what it would print.
    pub fn run_with<I, T>(mut self, args: I) -> Result<String>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let raw = RawArgs::try_parse_from(args).map_err(|e| match e.kind() {
            clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                Error::Usage(e.render().to_string())
            }
            _ => Error::Usage(e.render().to_string()),
        })?;
        let command = raw.command.unwrap_or(RawCommand::Slice(RawSlice {
            from: None,
            to: PathBuf::from("slice"),
            seed: 0,
            samples: RawSampleArgs::default(),
            locale: "en".into(),
            batch_size: Options::default().batch_size,
            no_progress: false,
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
            RawCommand::Slice(raw) => {
                apply_samples(&mut self.jobs, &raw.samples.sample)?;
                let command = validate_slice(raw)?;
                let url = match command.from.or_else(|| std::env::var("DATABASE_URL").ok()) {
                    Some(url) => url,
                    None => match self.default_source.take() {
                        Some(source) => source()?,
                        None => {
                            return Err(Error::Usage(
                                "no source: pass --from postgres://user@host/db or set DATABASE_URL".into(),
                            ));
                        }
                    },
                };
                let mut client = connect(&url)?;
                let manifest = download(&mut client, &self.jobs, &command.to, &command.options)?;
                let mut out = format!("wrote {} (seed {})\n", command.to.display(), manifest.seed);
                for table in &manifest.tables {
                    out.push_str(&format!(
                        "  {:<40} {:>10} rows  {}\n",
                        table.table, table.rows, table.file
                    ));
                }
                Ok(out)
            }
        }
    }
}

fn validate_slice(raw: RawSlice) -> Result<SliceCommand> {
    let locale: Locale = raw.locale.parse()?;
    if raw.batch_size == 0 {
        return Err(Error::Usage("--batch-size must be at least 1".into()));
    }
    Ok(SliceCommand {
        from: raw.from,
        to: raw.to,
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
