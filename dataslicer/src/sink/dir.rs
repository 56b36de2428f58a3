//! A slice directory: one `<table>.csv` per table and `manifest.json`.
//!
//! Everything is written under a temporary name beside the destination and
//! renamed into place only when complete: an interrupted run never leaves a
//! directory that looks like a slice.

use crate::error::{Error, Result};
use crate::manifest::{self, Manifest, ManifestTable};
use crate::record::RecordCounter;
use crate::sink::{Sink, TableWriter};
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
        remove_stale(&parent, &name);
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
            header_done: false,
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
        if self.dest.exists() {
            let old = &self.old;
            if old.exists() {
                fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
            }
            fs::rename(&self.dest, old).map_err(|e| Error::io(&self.dest, e))?;
            fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.dest, e))?;
            fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
        } else {
            fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.dest, e))?;
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
        let mut file = DirSink::table(self, &table.file)?;
        file.header(&table.columns)?;
        Ok(Box::new(file))
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
}

impl TableWriter for TableFile {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        TableFile::write(self, bytes)
    }

    fn finish(self: Box<Self>) -> Result<(u64, String)> {
        TableFile::finish(*self)
    }
}

/// Removes what earlier runs killed mid-write left beside `dest`
/// (`.name.tmp-PID-N`, `.name.old-PID-N` of processes that are gone). Only where
/// `/proc` tells which processes live; elsewhere they are left alone.
fn remove_stale(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let pid = [".tmp-", ".old-"].iter().find_map(|infix| {
            file_name
                .strip_prefix(&format!(".{name}{infix}"))
                .and_then(|run| run.split('-').next()?.parse::<u32>().ok())
        });
        if let Some(pid) = pid
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// One table's CSV file being written; counts its rows and hashes its bytes.
#[derive(Debug)]
pub struct TableFile {
    out: BufWriter<File>,
    hash: Sha256,
    counter: RecordCounter,
    header_done: bool,
    path: PathBuf,
}

impl TableFile {
    /// Writes the header row.
    pub fn header<S: AsRef<str>>(&mut self, columns: &[S]) -> Result<()> {
        self.write_raw(&crate::record::header_line(columns))?;
        self.header_done = true;
        Ok(())
    }

    /// Appends CSV bytes (whole or partial records).
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        debug_assert!(self.header_done);
        self.counter.feed(bytes);
        self.write_raw(bytes)
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.hash.update(bytes);
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Flushes the file; returns its row count and SHA-256.
    pub fn finish(mut self) -> Result<(u64, String)> {
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        let file = self
            .out
            .into_inner()
            .map_err(|e| Error::io(&self.path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&self.path, e))?;
        let digest = self.hash.finalize();
        let hex = crate::record::hex(&digest);
        Ok((self.counter.records, hex))
    }
}
