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
    /// Whether to draw progress on standard error.
    pub progress: bool,
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
            walk: Walk::default(),
        }
    }
}
