//! Writing a file on a thread of its own: what is written goes over in blocks through a short,
//! bounded queue, so a backup encrypts the next block while the last one is copied to the disk's
//! cache. At most `DEPTH` blocks wait; the writer hands each block back to be filled again.

use std::fs::File;
use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::{Scope, ScopedJoinHandle};

/// 1 MiB, the size of the writes a backup made before (a `BufWriter` of that size).
const BLOCK: usize = 1 << 20;
/// Blocks waiting to be written: 4 MiB.
const DEPTH: usize = 4;

/// The writing end: a `Write` whose bytes reach `file` on the writer thread.
pub(crate) struct Behind<'scope> {
    full: Option<SyncSender<Vec<u8>>>,
    empty: Receiver<Vec<u8>>,
    block: Vec<u8>,
    writer: ScopedJoinHandle<'scope, io::Result<()>>,
    /// How the writer failed, noted before it stops taking blocks: a write that finds the queue
    /// closed fails the same way (a full disk stays a full disk through age and tar).
    failed: Arc<Mutex<Option<Failure>>>,
}

struct Failure {
    kind: io::ErrorKind,
    os: Option<i32>,
    message: String,
}

impl Failure {
    fn of(e: &io::Error) -> Failure {
        Failure { kind: e.kind(), os: e.raw_os_error(), message: e.to_string() }
    }

    fn error(&self) -> io::Error {
        match self.os {
            Some(code) => io::Error::from_raw_os_error(code),
            None => io::Error::new(self.kind, self.message.clone()),
        }
    }
}

impl<'scope> Behind<'scope> {
    /// Starts the writer thread on `scope`, writing to `file`.
    pub(crate) fn start<'env>(scope: &'scope Scope<'scope, 'env>, file: &'env File) -> Behind<'scope> {
        let (full, queued) = sync_channel::<Vec<u8>>(DEPTH);
        let (returned, empty) = channel::<Vec<u8>>();
        let failed = Arc::new(Mutex::new(None));
        let noted = Arc::clone(&failed);
        let writer = scope.spawn(move || -> io::Result<()> {
            let mut file = file;
            for mut block in queued {
                if let Err(e) = file.write_all(&block) {
                    if let Ok(mut slot) = noted.lock() {
                        *slot = Some(Failure::of(&e));
                    }
                    return Err(e);
                }
                block.clear();
                // The writing end may be gone (it failed); the block is then simply dropped.
                let _ = returned.send(block);
            }
            Ok(())
        });
        Behind { full: Some(full), empty, block: Vec::with_capacity(BLOCK), writer, failed }
    }

    fn send(&mut self) -> io::Result<()> {
        let next = self.empty.try_recv().unwrap_or_else(|_| Vec::with_capacity(BLOCK));
        let block = std::mem::replace(&mut self.block, next);
        match &self.full {
            Some(full) if full.send(block).is_ok() => Ok(()),
            // The writer stopped, having noted why.
            _ => Err(self
                .failed
                .lock()
                .ok()
                .and_then(|f| f.as_ref().map(Failure::error))
                .unwrap_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "the backup's writer stopped"))),
        }
    }

    /// Writes what is left and waits for the writer. Its error (a full disk, say) is the one
    /// returned, whatever the writing end saw.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        let sent = if self.block.is_empty() { Ok(()) } else { self.send() };
        self.full = None;
        let written = self.writer.join().map_err(|_| io::Error::other("the backup's writer failed"))?;
        written.and(sent)
    }
}

impl Write for Behind<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(BLOCK - self.block.len());
        self.block.extend_from_slice(&buf[..n]);
        if self.block.len() == BLOCK {
            self.send()?;
        }
        Ok(n)
    }

    /// Blocks are sent as they fill; `finish` sends the last one and waits.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek};

    use super::*;

    /// What goes in comes out in the file, in order, across block boundaries and in odd sizes.
    #[test]
    fn writes_everything_in_order() {
        let mut file = tempfile::tempfile().unwrap_or_else(|e| panic!("{e}"));
        let data: Vec<u8> = (0..(3 * BLOCK + 12_345)).map(|i| (i * 31 % 251) as u8).collect();
        std::thread::scope(|s| {
            let mut w = Behind::start(s, &file);
            for piece in data.chunks(65_552) {
                w.write_all(piece).unwrap_or_else(|e| panic!("{e}"));
            }
            w.finish().unwrap_or_else(|e| panic!("{e}"));
        });
        let mut back = Vec::new();
        file.rewind().unwrap_or_else(|e| panic!("{e}"));
        file.read_to_end(&mut back).unwrap_or_else(|e| panic!("{e}"));
        assert!(back == data, "{} bytes back of {}", back.len(), data.len());
    }

    /// A file that cannot be written (opened for reading: EBADF): the writer's own error comes
    /// back to the writing end, from the write that found the queue closed and from `finish`.
    #[test]
    fn the_writers_error_is_the_one_reported() {
        let file = File::open("/dev/null").unwrap_or_else(|e| panic!("{e}"));
        let (at_write, at_finish) = std::thread::scope(|s| {
            let mut w = Behind::start(s, &file);
            let block = vec![7u8; BLOCK];
            let at_write = (0..4 * DEPTH).find_map(|_| w.write_all(&block).err());
            (at_write, w.finish().err())
        });
        let ebadf = Some(9);
        let at_write = at_write.unwrap_or_else(|| panic!("writing to a file opened for reading succeeded"));
        assert_eq!(at_write.raw_os_error(), ebadf, "{at_write}");
        assert_eq!(at_finish.and_then(|e| e.raw_os_error()), ebadf);
    }
}
