//! A temporary directory of a test's own.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A directory of its own under the system's temporary directory, removed
/// when dropped. Slices go to `path("slice")` inside it, so that a test can
/// check that nothing else (no temporary directory) is left beside them.
///
/// ```
/// let scratch = dataslicer_dev::Scratch::new("doc");
/// std::fs::write(scratch.path("a.txt"), "x").unwrap();
/// assert_eq!(scratch.entries().into_iter().collect::<Vec<_>>(), ["a.txt"]);
/// ```
#[derive(Debug)]
pub struct Scratch {
    root: PathBuf,
}

impl Scratch {
    /// Creates a fresh directory whose name starts with `name`.
    pub fn new(name: &str) -> Scratch {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let root = std::env::temp_dir().join(format!(
            "dataslicer-test-{name}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&root).expect("create the scratch directory");
        Scratch { root }
    }

    /// A path inside it (not created).
    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// The names of its entries, hidden ones too.
    pub fn entries(&self) -> BTreeSet<String> {
        entries(&self.root)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The names of the entries of `dir`, hidden ones too.
pub fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}
