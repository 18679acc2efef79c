//! A backup's plaintext: a tar archive of `manifest.json` and `practice.sqlite`, in that order
//! (docs/backup-format.md).

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::{Error, Result};

pub const MANIFEST: &str = "manifest.json";
pub const IMAGE: &str = "practice.sqlite";
pub const FORMAT: &str = "arcwell-backup";
pub const FORMAT_VERSION: u32 = 1;
/// A manifest is a few kilobytes; anything much larger is not one.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// What a backup says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub arcwell_version: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    pub database: ImageInfo,
    /// Rows per table, caches and the search index included.
    #[ts(type = "Record<string, number>")]
    pub tables: BTreeMap<String, u64>,
    /// The practice's random id (schema 12 on; absent in older backups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub practice_id: Option<String>,
    /// The audit trail's newest entry when the backup was made, so a copy kept off the laptop
    /// witnesses the trail (absent in older backups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub audit_head: Option<TrailHead>,
}

/// An audit trail's newest entry: its number and hash (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TrailHead {
    #[ts(type = "number")]
    pub seq: i64,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImageInfo {
    #[ts(type = "number")]
    pub bytes: u64,
    pub sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn header(path: &str, size: u64, at: DateTime<Utc>) -> io::Result<tar::Header> {
    let mut h = tar::Header::new_ustar();
    h.set_path(path)?;
    h.set_size(size);
    h.set_mode(0o600);
    h.set_mtime(u64::try_from(at.timestamp()).unwrap_or(0));
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    Ok(h)
}

/// Writes the archive: the manifest, then the image, reporting the image's bytes as they go.
pub(crate) fn write<W: Write>(
    out: W,
    manifest: &Manifest,
    image: &[u8],
    progress: &mut dyn FnMut(u64, u64),
) -> io::Result<W> {
    let json = serde_json::to_vec_pretty(manifest).map_err(io::Error::other)?;
    let mut b = tar::Builder::new(out);
    b.append(&header(MANIFEST, json.len() as u64, manifest.created_at)?, json.as_slice())?;
    let total = image.len() as u64;
    let reader = Counted { inner: image, done: 0, total, progress };
    b.append(&header(IMAGE, total, manifest.created_at)?, reader)?;
    b.into_inner()
}

/// Reports how much of a stream has gone through.
struct Counted<'a, R> {
    inner: R,
    done: u64,
    total: u64,
    progress: &'a mut dyn FnMut(u64, u64),
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        (self.progress)(self.done, self.total);
        Ok(n)
    }
}

/// Hands a copy of what is read through it, a chunk at a time, to `Hasher` on another thread, and
/// reports progress. Reading the image is then only decrypting it.
pub(crate) struct Tee<'a, R> {
    inner: Counted<'a, R>,
    to: Option<SyncSender<Vec<u8>>>,
    /// The read error, if one happened (whoever consumed the reader may have hidden it).
    pub(crate) failed: Option<io::Error>,
}

impl<'a, R: Read> Tee<'a, R> {
    pub(crate) fn new(inner: R, total: u64, progress: &'a mut dyn FnMut(u64, u64), to: SyncSender<Vec<u8>>) -> Self {
        Self { inner: Counted { inner, done: 0, total, progress }, to: Some(to), failed: None }
    }

    /// Tells the other side that nothing more comes.
    pub(crate) fn close(&mut self) {
        self.to = None;
    }
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                // When the other side has stopped (its copy failed), the reading goes on: its own
                // error is the one given.
                if let Some(to) = &self.to
                    && to.send(buf[..n].to_vec()).is_err()
                {
                    self.to = None;
                }
                Ok(n)
            }
            Err(e) => {
                self.failed = Some(io::Error::new(e.kind(), e.to_string()));
                Err(e)
            }
        }
    }
}

/// The other side of a `Tee`: hashes what it is handed and, read as a stream, gives it back (for a
/// second image).
pub(crate) struct Hasher {
    from: Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
    hasher: Sha256,
}

impl Hasher {
    pub(crate) fn new(from: Receiver<Vec<u8>>) -> Self {
        Self { from, chunk: Vec::new(), at: 0, hasher: Sha256::new() }
    }

    /// Hashes the rest of what comes, and gives the hash (hex).
    pub(crate) fn finish(mut self) -> String {
        while let Ok(chunk) = self.from.recv() {
            self.hasher.update(&chunk);
        }
        hex(&self.hasher.finalize())
    }
}

impl Read for Hasher {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.chunk.len() {
            let Ok(chunk) = self.from.recv() else {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the backup's image ended early"));
            };
            self.hasher.update(&chunk);
            (self.chunk, self.at) = (chunk, 0);
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Checks an archive member is the one expected at this place, and returns its size.
pub(crate) fn expect_member<R: Read>(entry: &tar::Entry<'_, R>, name: &str) -> Result<u64> {
    let path = entry.path().map_err(|e| damaged(format!("a member's name is unreadable ({e})")))?;
    if path.to_str() != Some(name) || entry.header().entry_type() != tar::EntryType::Regular {
        return Err(damaged(format!("it holds {:?} where {name} belongs", path.display().to_string())));
    }
    entry.header().size().map_err(|e| damaged(format!("{name}'s size is unreadable ({e})")))
}

/// Reads and checks the manifest member.
pub(crate) fn read_manifest<R: Read>(mut entry: tar::Entry<'_, R>) -> Result<Manifest> {
    let size = expect_member(&entry, MANIFEST)?;
    if size > MAX_MANIFEST_BYTES {
        return Err(damaged(format!("its manifest is {size} bytes, far more than a manifest")));
    }
    let mut text = Vec::with_capacity(size as usize);
    entry.read_to_end(&mut text).map_err(read_failed)?;
    let m: Manifest =
        serde_json::from_slice(&text).map_err(|e| damaged(format!("its manifest is not readable ({e})")))?;
    if m.format != FORMAT {
        return Err(damaged(format!("its manifest names the format {:?}, not {FORMAT:?}", m.format)));
    }
    if m.format_version != FORMAT_VERSION {
        return Err(Error::invalid(format!(
            "this backup is in backup format {} and this Arcwell reads format {FORMAT_VERSION}; restore it with the Arcwell that made it ({}), or a newer one",
            m.format_version, m.arcwell_version
        )));
    }
    Ok(m)
}

/// A backup whose contents are not what an Arcwell backup holds.
pub(crate) fn damaged(reason: impl std::fmt::Display) -> Error {
    Error::invalid(format!(
        "this file is not a usable Arcwell backup: {reason}. Nothing was changed; use another backup"
    ))
}

/// Reading the decrypted stream failed: age found a changed or missing chunk, or the disk failed.
pub(crate) fn read_failed(e: io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData => {
            damaged(format!("it was changed or cut short after it was written (the encryption's check failed: {e})"))
        }
        _ => Error::io("cannot read the backup", e),
    }
}
