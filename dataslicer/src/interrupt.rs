//! Stopping cleanly on Ctrl-C and SIGTERM.
//!
//! The library never exits the process. A signal only sets a flag (and
//! cancels the queries running on [watched](watch) connections, so that a
//! long query ends at once); the run checks the flag between chunks of rows
//! and between tables, and stops with [`Error::Interrupted`], which unwinds
//! through the same paths as any error: a slice directory being written is
//! removed, a load's transaction is rolled back, a snapshot ended. The
//! command line ([`crate::cli::App::run`]) installs the handler with
//! [`install`]; a program of its own may call [`request`] from its handler
//! instead. A second signal ends the process at once, as if no handler were
//! installed.

use crate::error::{Error, Result};
use postgres::CancelToken;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Mutex, Once, PoisonError};

/// 0, or the number of the signal that asked the run to stop.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

type Cancel = Box<dyn Fn() + Send + Sync>;

/// The connections whose running query a signal cancels, by watch id.
static WATCHED: Mutex<Vec<(u64, std::sync::Arc<Cancel>)>> = Mutex::new(Vec::new());
static NEXT_WATCH: AtomicU64 = AtomicU64::new(0);

/// Asks the run to stop: sets the flag and cancels the queries running on
/// watched connections. `signal` is the signal's number (2 for SIGINT, 15
/// for SIGTERM), used for the exit code; any positive number will do.
pub fn request(signal: i32) {
    SIGNAL.store(signal.max(1), Ordering::SeqCst);
    let watched: Vec<_> = WATCHED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .map(|(_, cancel)| cancel.clone())
        .collect();
    for cancel in watched {
        // Each on a thread of its own: a server that does not answer must
        // not hold up the others, nor the signal thread.
        let _ = std::thread::Builder::new()
            .name("dataslicer-cancel".into())
            .spawn(move || cancel());
    }
}

/// The signal that asked the run to stop, if one did.
pub fn requested() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// Forgets a stop request, for a program that goes on after handling one
/// (the next run would otherwise stop at once).
pub fn reset() {
    SIGNAL.store(0, Ordering::SeqCst);
}

/// `Err(Error::Interrupted)` once a stop was requested: called between
/// chunks and tables.
pub fn check() -> Result<()> {
    match requested() {
        None => Ok(()),
        Some(_) => Err(Error::Interrupted),
    }
}

/// `error`, or [`Error::Interrupted`] when a stop was requested (a
/// cancelled query's error is the interruption's doing).
pub(crate) fn explain(error: Error) -> Error {
    match requested() {
        Some(_) => Error::Interrupted,
        None => error,
    }
}

/// While the value lives, a stop request cancels the query running on the
/// connection it was made for.
#[derive(Debug)]
pub struct Watch {
    id: u64,
}

/// Watches `client`: a stop request cancels its running query. `settings`
/// are the ones it was opened with (the cancel request goes to the same
/// server, with the same TLS).
pub fn watch(client: &postgres::Client, settings: &crate::connect::Settings) -> Watch {
    let token: CancelToken = client.cancel_token();
    let tls = match settings.sslmode {
        crate::connect::SslMode::Disable => None,
        _ => crate::connect::tls::client_config(settings).ok(),
    };
    let cancel: Cancel = Box::new(move || {
        let _ = match &tls {
            Some(config) => token.cancel_query(tokio_postgres_rustls::MakeRustlsConnect::new(
                config.clone(),
            )),
            None => token.cancel_query(postgres::NoTls),
        };
    });
    let id = NEXT_WATCH.fetch_add(1, Ordering::Relaxed);
    WATCHED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((id, std::sync::Arc::new(cancel)));
    Watch { id }
}

impl Drop for Watch {
    fn drop(&mut self) {
        WATCHED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|(id, _)| *id != self.id);
    }
}

/// Installs the handler of SIGINT (Ctrl-C) and SIGTERM: the first one
/// [requests](request) a stop, the second ends the process as if there were
/// no handler. Installing twice does nothing more.
pub fn install() -> Result<()> {
    static INSTALLED: Once = Once::new();
    let mut outcome = Ok(());
    INSTALLED.call_once(|| outcome = install_once());
    outcome
}

#[cfg(unix)]
fn install_once() -> Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]).map_err(|e| {
        Error::Usage(format!(
            "could not install the Ctrl-C and SIGTERM handler: {e}"
        ))
    })?;
    std::thread::Builder::new()
        .name("dataslicer-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if requested().is_some() {
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
                request(signal);
            }
        })
        .map_err(|e| Error::Usage(format!("could not start the signal thread: {e}")))?;
    Ok(())
}

#[cfg(not(unix))]
fn install_once() -> Result<()> {
    Ok(())
}

/// For the reliability tests, which kill or signal a run at chosen points:
/// with `DATASLICER_TEST_PAUSE=POINT[,POINT...]:FILE` in the environment, a run that
/// reaches `POINT` (`table`: before each table is written; `worker`: before
/// each `--jobs` worker connects and imports the snapshot; `renamed-old`,
/// `renamed-new`: after each rename of a slice replacement) creates `FILE`
/// and waits until it is removed. Without the variable it costs one lookup.
pub(crate) fn pause_point(point: &str) {
    let Some(spec) = std::env::var_os("DATASLICER_TEST_PAUSE") else {
        return;
    };
    let spec = spec.to_string_lossy();
    let Some((wanted, file)) = spec.split_once(':') else {
        return;
    };
    if !wanted.split(',').any(|w| w == point) {
        return;
    }
    let file = std::path::Path::new(file);
    if std::fs::File::create(file).is_ok() {
        while file.exists() {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}
