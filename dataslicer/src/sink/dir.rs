//! A slice directory: one `<table>.csv` per table and `manifest.json`.
//!
//! Everything is written under a temporary name beside the destination
//! (`.NAME.tmp-RUN`) and renamed into place only when complete: an
//! interrupted run never leaves a directory that looks like a slice.
//!
//! Replacing an existing slice takes two renames: the old slice to
//! `.NAME.old-RUN`, then the new one into place; the old one is deleted
//! only after that. A run killed between the two renames leaves no slice at
//! `NAME`, but both complete slices beside it: the next run at `NAME` (an
//! export, or a read of it) finds those leftovers and puts the new slice in
//! place (or the old one, should the new one be incomplete) before it does
//! anything else. Leftovers of runs still alive are never touched.

use crate::error::{Error, Result};
use crate::manifest::{self, Manifest, ManifestTable};
use crate::record::{RecordCounter, Utf8Check};
use crate::sink::{ConcurrentTables, Sink, TableWriter};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A slice directory being written.
#[derive(Debug)]
pub struct DirSink {
    dest: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
}

impl DirSink {
    /// Prepares to write a slice at `dest`. An existing `dest` is replaced at
    /// the end only if it is empty or is itself a slice (has a manifest);
    /// anything else is refused before any work is done.
    pub fn create(dest: impl AsRef<Path>) -> Result<DirSink> {
        let dest = dest.as_ref().to_path_buf();
        recover(&dest)?;
        if dest.exists() {
            let is_empty = fs::read_dir(&dest)
                .map_err(|e| Error::io(&dest, e))?
                .next()
                .is_none();
            if !is_empty && !dest.join(manifest::FILE_NAME).is_file() {
                return Err(Error::Manifest {
                    path: dest,
                    message:
                        "the destination exists and is not a slice directory (no manifest.json); \
                              refusing to replace it"
                            .into(),
                });
            }
        }
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "slice".into());
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        // Unique per process and per sink, so that runs in parallel never
        // share a temporary directory.
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let run = format!(
            "{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let tmp = parent.join(format!(".{name}.tmp-{run}"));
        let old = parent.join(format!(".{name}.old-{run}"));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        }
        fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(DirSink { dest, tmp, old })
    }

    /// Starts the file of one table; `file` is its name inside the slice.
    pub fn table(&self, file: &str) -> Result<TableFile> {
        let path = self.tmp.join(file);
        let handle = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(TableFile {
            out: BufWriter::with_capacity(1 << 16, handle),
            hash: Sha256::new(),
            counter: RecordCounter::default(),
            utf8: Utf8Check::default(),
            header_done: false,
            table: file.trim_end_matches(".csv").to_string(),
            columns: Vec::new(),
            path,
        })
    }

    /// Writes the manifest and moves the slice into place.
    fn finish_dir(&self, manifest: &Manifest) -> Result<()> {
        let path = self.tmp.join(manifest::FILE_NAME);
        let json = serde_json::to_vec_pretty(manifest).expect("a manifest always serialises");
        let mut file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        file.write_all(&json)
            .and_then(|()| file.write_all(b"\n"))
            .map_err(|e| Error::io(&path, e))?;
        file.sync_all().map_err(|e| Error::io(&path, e))?;
        drop(file);
        crate::interrupt::check()?;
        sync_dir(&self.tmp)?;
        let parent = parent_of(&self.dest);
        if self.dest.exists() {
            let old = &self.old;
            if old.exists() {
                fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
            }
            fs::rename(&self.dest, old).map_err(|e| Error::io(&self.dest, e))?;
            crate::interrupt::pause_point("renamed-old");
            fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.dest, e))?;
            sync_dir(&parent)?;
            crate::interrupt::pause_point("renamed-new");
            fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
        } else {
            fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.dest, e))?;
            sync_dir(&parent)?;
        }
        Ok(())
    }
}

impl Sink for DirSink {
    fn description(&self) -> String {
        self.dest.display().to_string()
    }

    fn begin(&mut self, _tables: &[ManifestTable]) -> Result<()> {
        Ok(())
    }

    fn table<'s>(&'s mut self, table: &ManifestTable) -> Result<Box<dyn TableWriter + 's>> {
        Ok(self.open(table)?)
    }

    fn table_done(&mut self, _table: &ManifestTable) -> Result<()> {
        Ok(())
    }

    fn finish(&mut self, manifest: &Manifest) -> Result<()> {
        self.finish_dir(manifest)
    }

    fn abandon(&mut self) {
        let _ = fs::remove_dir_all(&self.tmp);
    }

    fn concurrent(&self) -> Option<&dyn ConcurrentTables> {
        Some(self)
    }
}

/// Every table has its own file, so any number can be written at once.
impl ConcurrentTables for DirSink {
    fn open(&self, table: &ManifestTable) -> Result<Box<dyn TableWriter + Send>> {
        crate::interrupt::pause_point("table");
        let mut file = DirSink::table(self, &table.file)?;
        file.table = table.table.clone();
        file.header(&table.columns)?;
        Ok(Box::new(file))
    }
}

impl TableWriter for TableFile {
    fn rows(&self) -> u64 {
        self.counter.records
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        TableFile::write(self, bytes)
    }

    fn finish(self: Box<Self>) -> Result<(u64, String)> {
        TableFile::finish(*self)
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a directory's entries (renames, new files) durable.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A leftover beside a slice: `.NAME.tmp-PID-N` or `.NAME.old-PID-N`.
struct Leftover {
    path: PathBuf,
    old: bool,
    run: String,
}

/// Puts right what runs killed at `dest` left beside it (`/proc` tells
/// which runs are gone; elsewhere nothing is touched): when `dest` is
/// missing and a replacement was interrupted, the new slice (complete once
/// its manifest is written) or else the old one is renamed into place; then
/// every other leftover of a finished run is removed.
pub(crate) fn recover(dest: &Path) -> Result<()> {
    if !Path::new("/proc/self").exists() {
        return Ok(());
    }
    let Some(name) = dest.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let parent = parent_of(dest);
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(());
    };
    let mut leftovers = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        for (infix, old) in [(".tmp-", false), (".old-", true)] {
            let Some(run) = file_name.strip_prefix(&format!(".{name}{infix}")) else {
                continue;
            };
            let Some(pid) = run.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
                continue;
            };
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                leftovers.push(Leftover {
                    path: entry.path(),
                    old,
                    run: run.to_string(),
                });
            }
        }
    }
    if leftovers.is_empty() {
        return Ok(());
    }
    if !dest.exists() {
        let complete = |l: &&Leftover| l.path.join(manifest::FILE_NAME).is_file();
        // The new slice of an interrupted replacement, else its old one,
        // else the complete new slice of a first export killed before its
        // rename.
        let interrupted: Vec<&Leftover> = leftovers.iter().filter(|l| l.old).collect();
        let restore = interrupted
            .iter()
            .find_map(|old| {
                leftovers
                    .iter()
                    .find(|l| !l.old && l.run == old.run)
                    .filter(complete)
            })
            .or_else(|| interrupted.iter().copied().find(complete))
            .or_else(|| leftovers.iter().filter(|l| !l.old).find(complete));
        if let Some(restore) = restore {
            fs::rename(&restore.path, dest).map_err(|e| Error::io(dest, e))?;
            sync_dir(&parent)?;
        }
    }
    for leftover in &leftovers {
        if leftover.path.exists() {
            fs::remove_dir_all(&leftover.path).map_err(|e| Error::io(&leftover.path, e))?;
        }
    }
    Ok(())
}

/// One table's CSV file being written; counts its rows and hashes its bytes.
#[derive(Debug)]
pub struct TableFile {
    out: BufWriter<File>,
    hash: Sha256,
    counter: RecordCounter,
    utf8: Utf8Check,
    header_done: bool,
    table: String,
    columns: Vec<String>,
    path: PathBuf,
}

impl TableFile {
    /// Writes the header row.
    pub fn header<S: AsRef<str>>(&mut self, columns: &[S]) -> Result<()> {
        self.write_raw(&crate::record::header_line(columns))?;
        self.columns = columns.iter().map(|c| c.as_ref().to_string()).collect();
        self.header_done = true;
        Ok(())
    }

    /// Appends CSV bytes (whole or partial records), which must be UTF-8:
    /// anything else (a `SQL_ASCII` database's bytes) is an error naming the
    /// line and the column.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        debug_assert!(self.header_done);
        crate::interrupt::check()?;
        let start = self.utf8.offset();
        if let Err(at) = self.utf8.feed(bytes) {
            return Err(self.not_utf8(&bytes[..(at - start) as usize]));
        }
        self.counter.feed(bytes);
        self.write_raw(bytes)
    }

    fn not_utf8(&self, before: &[u8]) -> Error {
        let mut at = self.counter.clone();
        at.feed(before);
        Error::Row {
            table: self.table.clone(),
            line: at.line_of(at.records + 1, 2),
            column: self.columns.get(at.field()).cloned().unwrap_or_default(),
            message: "the value is not UTF-8 text (is the source database SQL_ASCII?); \
                      slices are UTF-8"
                .into(),
        }
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.hash.update(bytes);
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Flushes the file; returns its row count and SHA-256.
    pub fn finish(mut self) -> Result<(u64, String)> {
        if self.utf8.finish().is_err() {
            return Err(self.not_utf8(&[]));
        }
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        let file = self
            .out
            .into_inner()
            .map_err(|e| Error::io(&self.path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&self.path, e))?;
        let digest = self.hash.finalize();
        let hex = crate::record::hex(&digest);
        Ok((self.counter.total(), hex))
    }
}
