//! Media in recordings, kept by reference: each inline (`data:`) part of a recorded
//! message is stored once in `media/<sha256>.<ext>` beside the recording, and the JSON
//! holds `"media_ref": {"sha256", "mime_type", "size"}` instead of base64. Loading reads
//! each file back through the bounded reader, confined to the recording's folder, and
//! checks its size and hash, so a missing or altered file is an error that names it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::recording::RecordingError;
use crate::media::{MAX_MEDIA_BYTES, data_url};

/// The folder beside a recording that holds its media files.
pub const MEDIA_DIR: &str = "media";

/// The key of a part stored by reference.
const REF_KEY: &str = "media_ref";

/// Moves the payload of every inline part of `value` (a recording as JSON) into a file
/// of `dir`'s media folder, leaving a reference. `recording` names the file in errors.
pub(crate) fn store(value: &mut Value, dir: &Path, recording: &Path) -> Result<(), RecordingError> {
    let mut written = BTreeSet::new();
    visit_parts(value, &mut |part| {
        let Some((mime, bytes)) = part
            .get("url")
            .and_then(Value::as_str)
            .and_then(data_url::decode)
        else {
            return Ok(());
        };
        let hash = sha256_hex(&bytes);
        let file = media_file(dir, &hash, &mime);
        if written.insert(hash.clone()) && !holds(&file, &hash) {
            write(&file, &bytes, recording)?;
        }
        part.remove("url");
        part.insert(
            REF_KEY.into(),
            json!({"sha256": hash, "mime_type": mime, "size": bytes.len()}),
        );
        Ok(())
    })
}

/// Puts back the payload of every part of `value` stored by reference, read from
/// `dir`'s media folder. `recording` names the file in errors.
pub(crate) fn resolve(
    value: &mut Value,
    dir: &Path,
    recording: &Path,
) -> Result<(), RecordingError> {
    visit_parts(value, &mut |part| {
        let Some(reference) = part.remove(REF_KEY) else {
            return Ok(());
        };
        let url = read(&reference, dir, recording)?;
        part.insert("url".into(), Value::String(url));
        Ok(())
    })
}

/// What is done to each part: its JSON object, changed in place.
type PartVisitor<'a> = dyn FnMut(&mut Map<String, Value>) -> Result<(), RecordingError> + 'a;

/// Calls `f` on every object in a `parts` array anywhere in `value`.
fn visit_parts(value: &mut Value, f: &mut PartVisitor<'_>) -> Result<(), RecordingError> {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::Array(parts) if key == "parts" => {
                        for part in parts.iter_mut().filter_map(Value::as_object_mut) {
                            f(part)?;
                        }
                    }
                    _ => visit_parts(child, f)?,
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                visit_parts(item, f)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The data URL of the file `reference` names, after checking size and hash.
fn read(reference: &Value, dir: &Path, recording: &Path) -> Result<String, RecordingError> {
    let hash = reference
        .get("sha256")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mime = reference
        .get("mime_type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let size = reference.get("size").and_then(Value::as_u64);
    let malformed = |problem: String| RecordingError::Media {
        path: recording.to_owned(),
        file: PathBuf::from(MEDIA_DIR),
        problem,
    };
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed(format!(
            "is named by a malformed reference (sha256 `{hash}` is not 64 hex digits)"
        )));
    }
    let Some(size) = size.filter(|s| *s <= MAX_MEDIA_BYTES) else {
        return Err(malformed(format!(
            "`{hash}` has no size within the {MAX_MEDIA_BYTES}-byte limit"
        )));
    };
    if mime.is_empty() {
        return Err(malformed(format!("`{hash}` has no `mime_type`")));
    }
    let file = media_file(dir, hash, mime);
    let failed = |problem: String| RecordingError::Media {
        path: recording.to_owned(),
        file: file.clone(),
        problem,
    };
    let meta = std::fs::metadata(&file).map_err(|e| failed(format!("cannot be read: {e}")))?;
    if !promptkit_build::load::resolves_inside(dir, &file) {
        return Err(failed(format!(
            "resolves outside the recording's folder `{}`",
            dir.display()
        )));
    }
    if !meta.is_file() {
        return Err(failed("is not a regular file".into()));
    }
    let bytes = promptkit_build::load::bounded_read(&file, size)
        .map_err(|e| failed(format!("cannot be read: {e}")))?;
    if bytes.len() as u64 != size || meta.len() != size {
        return Err(failed(format!(
            "was altered: it is {} bytes, the recording says {size}",
            meta.len()
        )));
    }
    let found = sha256_hex(&bytes);
    if !found.eq_ignore_ascii_case(hash) {
        return Err(failed(format!(
            "was altered: its sha256 is {found}, the recording says {hash}"
        )));
    }
    Ok(data_url::encode(mime, &bytes))
}

/// Whether `file` already holds the bytes of `hash` (so it need not be written again).
fn holds(file: &Path, hash: &str) -> bool {
    std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.len() <= MAX_MEDIA_BYTES)
        && promptkit_build::load::bounded_read(file, MAX_MEDIA_BYTES)
            .is_ok_and(|bytes| sha256_hex(&bytes) == hash)
}

fn write(file: &Path, bytes: &[u8], recording: &Path) -> Result<(), RecordingError> {
    let failed = |e: std::io::Error| RecordingError::Write {
        path: recording.to_owned(),
        reason: format!("media file `{}`: {e}", file.display()),
    };
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder).map_err(failed)?;
    }
    crate::files::write_atomically(file, bytes).map_err(failed)
}

/// `<dir>/media/<sha256>.<ext>`, the extension from the MIME subtype (`png`, `svg`,
/// `mpeg`; `bin` when it has none), letters and digits only.
fn media_file(dir: &Path, hash: &str, mime: &str) -> PathBuf {
    let subtype = mime
        .split_once('/')
        .map_or("", |(_, s)| s)
        .split(['+', ';'])
        .next()
        .unwrap_or("");
    let ext: String = subtype
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    let ext = if ext.is_empty() { "bin".into() } else { ext };
    dir.join(MEDIA_DIR)
        .join(format!("{}.{ext}", hash.to_ascii_lowercase()))
}

/// The SHA-256 of `bytes`, lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn file_names_come_from_hash_and_subtype_only() {
        let dir = Path::new("rec");
        let hash = "a".repeat(64);
        assert_eq!(
            media_file(dir, &hash, "image/svg+xml"),
            Path::new("rec/media").join(format!("{hash}.svg"))
        );
        assert_eq!(
            media_file(dir, &hash, "image/../../etc"),
            Path::new("rec/media").join(format!("{hash}.etc"))
        );
        assert_eq!(
            media_file(dir, &hash, "weird"),
            Path::new("rec/media").join(format!("{hash}.bin"))
        );
    }

    #[test]
    fn malformed_references_are_refused() {
        let mut value = json!({"parts": [{"type": "image", "media_ref": {"sha256": "../../x", "mime_type": "image/png", "size": 3}}]});
        let err = resolve(&mut value, Path::new("."), Path::new("r.json")).expect_err("refused");
        assert!(err.to_string().contains("not 64 hex digits"), "{err}");
    }
}
