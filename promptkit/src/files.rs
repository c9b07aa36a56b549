//! Files written whole: a reader never sees half of a report, recording or pack.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to a temporary sibling of `path`, then renames it over `path`; the
/// temporary name is unique per process and call, so concurrent writers never share it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// Like [`write_atomically`], the content streamed by `write` (buffered) instead of
/// held whole in memory first; nothing is renamed into place when `write` fails.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let serial = NEXT.fetch_add(1, Ordering::Relaxed);
    let temp = path.with_file_name(format!(".{name}.{}.{serial}.tmp", std::process::id()));
    let written = std::fs::File::create(&temp).and_then(|file| {
        let mut buffered = std::io::BufWriter::new(file);
        write(&mut buffered)?;
        buffered.flush()
    });
    written
        .and_then(|()| std::fs::rename(&temp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
}
