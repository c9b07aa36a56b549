//! Turn `parts` to message parts, as the reference's media loader: files (confined to
//! the project root, size-capped, read bounded), inline base64 `data`, and image URLs
//! passed to the provider by reference (or downloaded first, when [`super::MediaFetch`]
//! is on). MIME types come from the bytes.

use super::data_url;
use crate::message::{ContentPart, Declared, Message, Role};
use base64::Engine;
use promptkit_build::diagnostic::SourceLocation;
use promptkit_build::model::{ContentPart as TurnPart, Location, MediaRef};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The largest media file or inline payload a turn may carry (50 MB).
pub const MAX_MEDIA_BYTES: u64 = 50 * 1024 * 1024;

/// Where media may come from and how large it may be.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaRoot {
    /// The project folder: no media file resolves outside it.
    pub root: PathBuf,
    /// The folder relative paths start from (the arena config's folder for turn parts).
    pub base: PathBuf,
    /// The file the parts are written in (for error locations).
    pub file: PathBuf,
    /// The size cap of one item, in bytes.
    pub max_bytes: u64,
    /// Bytes downloaded for `url` media ([`super::MediaFetch`]), by URL.
    pub fetched: BTreeMap<String, Vec<u8>>,
}

impl MediaRoot {
    /// Media of `file` under the project folder `root`, paths relative to `base`,
    /// each item within [`MAX_MEDIA_BYTES`].
    pub fn new(root: &Path, base: &Path, file: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            base: base.to_path_buf(),
            file: file.to_path_buf(),
            max_bytes: MAX_MEDIA_BYTES,
            fetched: BTreeMap::new(),
        }
    }

    /// The `file:line:col` of a value written at `location` in this root's file.
    pub(crate) fn locate(&self, location: &Location) -> String {
        locate(&self.file, location)
    }
}

/// Media that cannot be sent; each names where it is written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediaError {
    /// A part of an unknown `type`.
    #[error(
        "{at}: unsupported content part type `{kind}`; use text, image, audio, video or document"
    )]
    UnknownKind {
        /// Where the part is written.
        at: String,
        /// The type written.
        kind: String,
    },
    /// A text part without text, or a media part without `media`.
    #[error("{at}: {kind} part has no {what}; add it or remove the part")]
    Empty {
        /// Where the part is written.
        at: String,
        /// The part's type.
        kind: String,
        /// What is missing (`text`, `media`).
        what: &'static str,
    },
    /// Media with none of `file_path`, `data`, `url`.
    #[error("{at}: {kind} media has no `file_path`, `data` or `url`; give one")]
    NoSource {
        /// Where the media is written.
        at: String,
        /// The part's type.
        kind: String,
    },
    /// A file that cannot be read.
    #[error("{at}: cannot read media file `{path}`: {reason}; paths are relative to `{base}`")]
    Unreadable {
        /// Where the path is written.
        at: String,
        /// The path as resolved.
        path: PathBuf,
        /// The folder it is relative to.
        base: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// A file that resolves outside the project folder.
    #[error(
        "{at}: media file `{path}` resolves outside the project folder `{root}`; move it under the project"
    )]
    OutsideRoot {
        /// Where the path is written.
        at: String,
        /// The path as resolved.
        path: PathBuf,
        /// The project folder.
        root: PathBuf,
    },
    /// A file or payload over the cap.
    #[error(
        "{at}: {kind} media is {size} bytes, over the limit of {max} bytes; use a smaller file"
    )]
    TooLarge {
        /// Where the media is written.
        at: String,
        /// The part's type.
        kind: String,
        /// Its size (at least; reading stops past the cap).
        size: u64,
        /// The cap.
        max: u64,
    },
    /// Bytes that are not the declared kind of media.
    #[error(
        "{at}: the {kind} part's content is {detected}, not {kind}; point it at a real {kind} file or change its `type`"
    )]
    WrongType {
        /// Where the media is written.
        at: String,
        /// The part's type.
        kind: String,
        /// What the bytes are (`image/png`, `unrecognised data`...).
        detected: String,
    },
    /// Inline `data` that is not base64.
    #[error("{at}: inline {kind} `data` is not valid base64: {reason}")]
    BadData {
        /// Where the media is written.
        at: String,
        /// The part's type.
        kind: String,
        /// The decoder's complaint.
        reason: String,
    },
    /// A `url` that could not be downloaded ([`super::MediaFetch`]).
    #[error("{at}: cannot download {url}: {reason}")]
    Download {
        /// Where the URL is written.
        at: String,
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// A non-image `url` (only images go to providers by reference, unless downloads
    /// are on) or `storage_reference`.
    #[error(
        "{at}: {kind} media by {via} is not loaded by this runtime; use `file_path` or inline `data`{}",
        if *via == "url" { " (or run with `--fetch-media` to download it)" } else { "" }
    )]
    NotLoaded {
        /// Where the media is written.
        at: String,
        /// The part's type.
        kind: String,
        /// `url` or `storage_reference`.
        via: &'static str,
    },
}

/// The user message of a scripted turn with `parts`: the text parts joined as its text
/// (the turn's `content` is not used, as the reference), media parts loaded in order.
pub fn turn_message(parts: &[TurnPart], media: &MediaRoot) -> Result<Message, MediaError> {
    let mut texts = Vec::new();
    let mut loaded = Vec::new();
    for part in parts {
        let kind = part.r#type.value.as_str();
        let at = media.locate(&part.r#type.referenced);
        if kind == "text" {
            match part.text.as_ref().filter(|t| !t.value.is_empty()) {
                Some(text) => texts.push(text.value.clone()),
                None => {
                    return Err(MediaError::Empty {
                        at,
                        kind: kind.into(),
                        what: "text",
                    });
                }
            }
            continue;
        }
        if !matches!(kind, "image" | "audio" | "video" | "document") {
            return Err(MediaError::UnknownKind {
                at,
                kind: kind.into(),
            });
        }
        let Some(reference) = &part.media else {
            return Err(MediaError::Empty {
                at,
                kind: kind.into(),
                what: "media",
            });
        };
        let part = load_part(kind, reference, &at, media)?;
        loaded.push(part.with_declared(image_detail(kind, reference)));
    }
    let mut message = Message::text(Role::User, texts.join("\n"));
    message.parts = loaded;
    Ok(message)
}

/// The `detail` level of an image part, which the reference's loader keeps for images
/// only; its `caption` the reference's loader drops, and so does this one.
fn image_detail(kind: &str, reference: &MediaRef) -> Declared {
    Declared {
        detail: reference
            .detail
            .clone()
            .filter(|d| kind == "image" && !d.is_empty()),
        ..Declared::default()
    }
}

pub(super) fn locate(file: &Path, location: &Location) -> String {
    SourceLocation::from_yaml(file, location)
        .map_or_else(|| file.display().to_string(), |l| l.to_string())
}

fn load_part(
    kind: &str,
    reference: &MediaRef,
    at: &str,
    media: &MediaRoot,
) -> Result<ContentPart, MediaError> {
    let declared = Some(reference.mime_type.value.as_str()).filter(|m| !m.is_empty());
    if let Some(path) = &reference.file_path {
        let at = media.locate(&path.referenced);
        return from_file(kind, &path.value, declared, &at, media);
    }
    if let Some(data) = &reference.data {
        return from_data(kind, data, declared, at, media);
    }
    if let Some(url) = &reference.url {
        let at = media.locate(&url.referenced);
        if let Some(bytes) = media.fetched.get(&url.value) {
            cap(kind, bytes.len() as u64, &at, media.max_bytes)?;
            let mime = checked_mime(kind, bytes, declared, &at)?;
            return media_part(kind, data_url::encode(&mime, bytes), Some(mime), &at);
        }
        if kind != "image" {
            return Err(MediaError::NotLoaded {
                at,
                kind: kind.into(),
                via: "url",
            });
        }
        // As the reference without an HTTP loader: the provider fetches the image.
        return media_part(kind, url.value.clone(), declared.map(str::to_owned), &at);
    }
    if reference.storage_reference.is_some() {
        return Err(MediaError::NotLoaded {
            at: at.to_owned(),
            kind: kind.into(),
            via: "storage_reference",
        });
    }
    Err(MediaError::NoSource {
        at: at.to_owned(),
        kind: kind.into(),
    })
}

/// A part of `kind` at `url`.
pub(crate) fn media_part(
    kind: &str,
    url: String,
    mime: Option<String>,
    at: &str,
) -> Result<ContentPart, MediaError> {
    ContentPart::of_kind(kind, url, mime).ok_or_else(|| MediaError::UnknownKind {
        at: at.to_owned(),
        kind: kind.to_owned(),
    })
}

/// The media file `written` (relative to the root's base) as a `data:` part of `kind`,
/// typed by its bytes.
pub(crate) fn from_file(
    kind: &str,
    written: &str,
    declared: Option<&str>,
    at: &str,
    media: &MediaRoot,
) -> Result<ContentPart, MediaError> {
    let bytes = read_file(kind, written, at, media)?;
    let mime = checked_mime(kind, &bytes, declared, at)?;
    media_part(kind, data_url::encode(&mime, &bytes), Some(mime), at)
}

/// Inline base64 `data` as a `data:` part of `kind`, typed by its bytes.
pub(crate) fn from_data(
    kind: &str,
    data: &str,
    declared: Option<&str>,
    at: &str,
    media: &MediaRoot,
) -> Result<ContentPart, MediaError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| MediaError::BadData {
            at: at.to_owned(),
            kind: kind.to_owned(),
            reason: e.to_string(),
        })?;
    cap(kind, bytes.len() as u64, at, media.max_bytes)?;
    let mime = checked_mime(kind, &bytes, declared, at)?;
    media_part(kind, data_url::encode(&mime, &bytes), Some(mime), at)
}

fn cap(kind: &str, size: u64, at: &str, max: u64) -> Result<(), MediaError> {
    if size > max {
        return Err(MediaError::TooLarge {
            at: at.to_owned(),
            kind: kind.into(),
            size,
            max,
        });
    }
    Ok(())
}

/// Reads a media file: inside the root (symlinks resolved), a regular file, within the cap.
fn read_file(
    kind: &str,
    written: &str,
    at: &str,
    media: &MediaRoot,
) -> Result<Vec<u8>, MediaError> {
    let path = media.base.join(written);
    let unreadable = |reason: String| MediaError::Unreadable {
        at: at.to_owned(),
        path: path.clone(),
        base: media.base.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(&path).map_err(|e| unreadable(e.to_string()))?;
    if !promptkit_build::load::resolves_inside(&media.root, &path) {
        return Err(MediaError::OutsideRoot {
            at: at.to_owned(),
            path: path.clone(),
            root: media.root.clone(),
        });
    }
    if !meta.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    cap(kind, meta.len(), at, media.max_bytes)?;
    let bytes = promptkit_build::load::bounded_read(&path, media.max_bytes)
        .map_err(|e| unreadable(e.to_string()))?;
    cap(kind, bytes.len() as u64, at, media.max_bytes)?;
    Ok(bytes)
}

/// The MIME type of `bytes`, detected from their content; they must be of `kind`.
/// Documents the detector does not recognise (plain text, JSON...) keep the declared type.
fn checked_mime(
    kind: &str,
    bytes: &[u8],
    declared: Option<&str>,
    at: &str,
) -> Result<String, MediaError> {
    let detected = infer::get(bytes).map(|t| t.mime_type());
    let wrong = |detected: &str| MediaError::WrongType {
        at: at.to_owned(),
        kind: kind.to_owned(),
        detected: detected.to_owned(),
    };
    match (kind, detected) {
        ("document", Some(mime))
            if mime.starts_with("image/")
                || mime.starts_with("audio/")
                || mime.starts_with("video/") =>
        {
            Err(wrong(mime))
        }
        ("document", Some(mime)) => Ok(mime.to_owned()),
        ("document", None) => match declared {
            Some(mime) if is_text_like(mime) && std::str::from_utf8(bytes).is_ok() => {
                Ok(mime.to_owned())
            }
            _ => Err(wrong("unrecognised data")),
        },
        (_, Some(mime)) if mime.starts_with(&format!("{kind}/")) => Ok(mime.to_owned()),
        (_, Some(mime)) => Err(wrong(mime)),
        (_, None) => Err(wrong("unrecognised data")),
    }
}

fn is_text_like(mime: &str) -> bool {
    mime.starts_with("text/")
        || matches!(
            mime,
            "application/json" | "application/xml" | "application/yaml"
        )
}

#[cfg(test)]
mod tests;
