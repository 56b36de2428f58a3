//! [`Options`]: how a run behaves, for every stage of it.

use crate::fake::Locale;
use crate::walk::Walk;

/// How a run behaves. `Options { seed: 42, ..Default::default() }`.
#[derive(Debug, Clone)]
pub struct Options {
    /// The seed of every random choice (samples and fakes). The same seed on
    /// the same data gives byte-identical files.
    pub seed: u64,
    /// How many keys one query binds or one COPY lists.
    pub batch_size: usize,
    /// The locale of fake names and addresses.
    pub locale: Locale,
    /// Whether to show progress on standard error: a bar per table on a
    /// terminal, a line per table otherwise, and a summary at the end.
    pub progress: bool,
    /// How many connections read and write tables at once (`--jobs`): the
    /// first one's snapshot is exported to the others, so all of them see
    /// the same rows, and the files are byte for byte the ones one
    /// connection writes. More than 1 needs a source that can open more
    /// readers ([`PgSource::with_workers`](crate::source::PgSource::with_workers))
    /// and a sink that takes tables at once (a slice directory); otherwise
    /// tables are written one after another.
    pub jobs: usize,
    /// Limits on the downward walk (`--only`, `--exclude`, `--cap`,
    /// `--descend-generic`).
    pub walk: Walk,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            batch_size: 2_000,
            locale: Locale::default(),
            progress: false,
            jobs: 1,
            walk: Walk::default(),
        }
    }
}
