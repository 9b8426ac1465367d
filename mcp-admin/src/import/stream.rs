//! The byte stream under every format: counted for progress, and bounded
//! per record so one runaway record cannot fill the memory.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Byte counts shared between the importer and the reader it wraps.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Bytes read from the source so far.
    read: AtomicU64,
    /// `read` when the current record started.
    mark: AtomicU64,
}

impl Progress {
    /// Notes that a new record starts here.
    pub(crate) fn mark(&self) {
        self.mark
            .store(self.read.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    pub(crate) fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }
}

/// A reader that counts the bytes it passes and refuses a record longer
/// than `limit` (so an unclosed quote cannot make the importer hold the rest
/// of a huge file).
pub(crate) struct CountingReader {
    inner: Box<dyn Read + Send>,
    progress: Arc<Progress>,
    limit: u64,
}

impl CountingReader {
    pub(crate) fn new(inner: Box<dyn Read + Send>, progress: Arc<Progress>, limit: u64) -> Self {
        Self {
            inner,
            progress,
            limit,
        }
    }

    /// Changes the most bytes a record may take (spreadsheets are one record).
    pub(crate) fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = self.progress.read.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if read.saturating_sub(self.progress.mark.load(Ordering::Relaxed)) > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a single record is longer than {} MiB; is a quote left open?",
                    self.limit / (1024 * 1024)
                ),
            ));
        }
        Ok(n)
    }
}

/// Reads until `limit` bytes or the end of the input.
pub(crate) fn read_up_to(reader: &mut impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(limit.min(64 * 1024));
    reader.by_ref().take(limit as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The prefix already read followed by the rest of the input.
pub(crate) fn read_rest(mut prefix: Vec<u8>, mut reader: impl Read) -> io::Result<Vec<u8>> {
    reader.read_to_end(&mut prefix)?;
    Ok(prefix)
}
