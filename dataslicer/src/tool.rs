//! The `dataslicer` command, which needs no models: `new` writes a ready
//! exporter crate from a live database, `inspect` prints its models,
//! `verify` checks a slice directory offline.
//!
//! ```text
//! dataslicer new my-exporter --from postgres://app@db/shop [--root auth_user] [--tables 'shop_*'] [--exclude 'audit_*']
//! dataslicer inspect --from postgres://app@db/shop
//! dataslicer verify slice/
//! ```

use crate::catalog::Catalog;
use crate::connect::{Settings, connect};
use crate::error::{Error, Result};
use crate::generate::{self, Dependency, NewCrate, Options};
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "dataslicer",
    version,
    about = "Generates dataslicer exporters from a live PostgreSQL database, and verifies slices"
)]
struct RawArgs {
    #[command(subcommand)]
    command: RawCommand,
}

#[derive(Debug, Subcommand)]
enum RawCommand {
    /// Writes a ready exporter crate into DIR: models, a job, a README.
    New {
        /// The new crate's directory; its last component names the crate.
        dir: PathBuf,
        #[command(flatten)]
        schema: RawSchema,
        /// The root table of the job (default: Django's user table, else the
        /// most referenced table).
        #[arg(long)]
        root: Option<String>,
        /// The root job's sample size.
        #[arg(long, default_value_t = 100)]
        sample: u64,
    },
    /// Prints the models `new` would write, as one Rust file.
    Inspect {
        #[command(flatten)]
        schema: RawSchema,
    },
    /// Checks a slice directory: manifest, checksums, row counts, headers,
    /// and every foreign key within the files.
    Verify {
        /// The slice directory.
        dir: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
struct RawSchema {
    /// The database: a postgres:// URL (default: $DATABASE_URL).
    #[arg(long)]
    from: Option<String>,
    /// Only tables matching this glob (repeatable): `--tables 'shop_*'`.
    #[arg(long = "tables", value_name = "PATTERN")]
    tables: Vec<String>,
    /// Never tables matching this glob (repeatable).
    #[arg(long = "exclude", value_name = "PATTERN")]
    exclude: Vec<String>,
    /// The schemas to read (repeatable; default: the search_path's).
    #[arg(long = "schema", value_name = "NAME")]
    schemas: Vec<String>,
}

/// Runs `std::env::args_os()`, prints the outcome, returns the exit code.
pub fn main() -> ExitCode {
    match run_with(std::env::args_os()) {
        Ok(out) => {
            print!("{out}");
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
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the command line `args` (the first is the program's name) and
/// returns what it prints; [`Error::Problems`] when `verify` finds any.
pub fn run_with<I, T>(args: I) -> Result<String>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let raw = match RawArgs::try_parse_from(args) {
        Ok(raw) => raw,
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
    match raw.command {
        RawCommand::Inspect { schema } => {
            let (catalog, _) = read_catalog(&schema)?;
            let analyzed = generate::analyze(&catalog, &options(&schema, None, 100))?;
            Ok(generate::inspect(&analyzed))
        }
        RawCommand::New {
            dir,
            schema,
            root,
            sample,
        } => {
            let (catalog, url) = read_catalog(&schema)?;
            let analyzed = generate::analyze(&catalog, &options(&schema, root, sample))?;
            let dir_name = dir
                .canonicalize()
                .unwrap_or_else(|_| dir.clone())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .or_else(|| {
                    std::env::current_dir()
                        .ok()
                        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                })
                .unwrap_or_else(|| "exporter".into());
            let name = generate::package(&dir_name);
            let shown = Settings::parse(&url)?.to_string();
            let krate = NewCrate::new(&analyzed, &name, &shown, &Dependency::current());
            krate.write(&dir)?;
            let mut out = format!(
                "created `{name}` in {}: {} models in {} modules\n",
                dir.display(),
                analyzed.models.len(),
                analyzed.modules.len()
            );
            out.push_str(&format!("root: {}\n", analyzed.root_reason));
            let faked: usize = analyzed
                .models
                .iter()
                .map(|m| m.fields.iter().filter(|f| f.fake.is_some()).count())
                .sum();
            out.push_str(&format!(
                "{faked} columns faked, {} to review (see README.md)\n",
                analyzed.review.len()
            ));
            out.push_str(&format!(
                "next: cd {} && cargo run --release -- slice --from {} --to slice\n",
                dir.display(),
                shown
            ));
            Ok(out)
        }
        RawCommand::Verify { dir } => {
            let report = crate::verify::verify(&dir)?;
            let text = format!("{}: {report}", dir.display());
            if report.is_ok() {
                Ok(text)
            } else {
                Err(Error::Problems(text))
            }
        }
    }
}

fn options(schema: &RawSchema, root: Option<String>, sample: u64) -> Options {
    Options {
        tables: schema.tables.clone(),
        exclude: schema.exclude.clone(),
        root,
        sample,
    }
}

/// The catalog of `--from` (or `$DATABASE_URL`), read in one read-only
/// transaction.
fn read_catalog(schema: &RawSchema) -> Result<(Catalog, String)> {
    let url = schema
        .from
        .clone()
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .ok_or_else(|| {
            Error::Usage(
                "no database: pass --from postgres://user@host/db, or set DATABASE_URL".into(),
            )
        })?;
    let mut client = connect(&url)?;
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .start()
        .map_err(|e| Error::query("starting a read-only transaction", e))?;
    let catalog = Catalog::read(&mut tx, &schema.schemas)?;
    tx.commit()
        .map_err(|e| Error::query("ending the read-only transaction", e))?;
    Ok((catalog, url))
}
