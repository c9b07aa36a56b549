//! Media of canned answers, loaded as real media so the media assertions measure real
//! bytes: a mock response's `parts` (`image_url` / `audio_url` / `video_url` holding a
//! `data:` URL, a file path relative to the mock file's folder, or a `mock://` /
//! `http(s)://` URL kept by reference and typed by its extension, as the reference) and
//! a mock tool's `mock_parts` (`file_path` relative to the arena config's folder, or
//! `url`). Files stay inside the project folder and under the size cap; their MIME type
//! comes from the bytes.

use super::data_url;
use super::load::{MediaError, MediaRoot, from_data, from_file, media_part};
use crate::message::{ContentPart, Declared};
use promptkit_build::model::{MockContentPart, MockMediaUrl, MockPart, Spanned};

/// The texts and media of a canned answer, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Canned {
    /// The text parts.
    pub texts: Vec<String>,
    /// The media parts.
    pub parts: Vec<ContentPart>,
}

/// A mock response's `parts`. As the reference: a text part without text, a media part
/// without its URL, a `document` part and a part of another type are left out.
pub fn reply_parts(parts: &[MockContentPart], media: &MediaRoot) -> Result<Canned, MediaError> {
    let mut canned = Canned::default();
    for part in parts {
        let kind = part.r#type.as_ref().map_or("", |t| t.value.as_str());
        let url = match kind {
            "text" => {
                canned
                    .texts
                    .extend(part.text.clone().filter(|t| !t.is_empty()));
                continue;
            }
            "image" => part.image_url.as_ref(),
            "audio" => part.audio_url.as_ref(),
            "video" => part.video_url.as_ref(),
            _ => None,
        };
        if let Some(MockMediaUrl { url, detail }) = url {
            let mut declared = part
                .metadata
                .as_ref()
                .map(|m| declared_metadata(&m.value.to_json_map()))
                .unwrap_or_default();
            // As the reference: `detail` is read for images only.
            if kind == "image" {
                declared.detail = detail.clone();
            }
            canned
                .parts
                .push(reply_media(kind, url, media)?.with_declared(declared));
        }
    }
    Ok(canned)
}

/// The sizes, duration and caption a mock part's `metadata` declares, read as the
/// reference reads them: integer `width`, `height`, `duration`; `duration_seconds` (an
/// integer, or a number cut to whole seconds) over `duration`; a string `caption`.
fn declared_metadata(metadata: &serde_json::Map<String, serde_json::Value>) -> Declared {
    let int = |key: &str| metadata.get(key).and_then(serde_json::Value::as_u64);
    let seconds = metadata
        .get("duration_seconds")
        .and_then(serde_json::Value::as_f64)
        .map(f64::trunc)
        .or_else(|| int("duration").map(|d| d as f64));
    Declared {
        width: int("width"),
        height: int("height"),
        duration_secs: seconds,
        caption: metadata
            .get("caption")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        ..Declared::default()
    }
}

/// One media URL of a mock response.
fn reply_media(
    kind: &str,
    url: &Spanned<String>,
    media: &MediaRoot,
) -> Result<ContentPart, MediaError> {
    let at = media.locate(&url.referenced);
    let written = url.value.trim();
    if written.starts_with("data:") {
        return inline(kind, written, None, &at, media);
    }
    if written.contains("://") {
        let mime = mime_of_extension(written).to_owned();
        return media_part(kind, written.to_owned(), Some(mime), &at);
    }
    from_file(kind, written, None, &at, media)
}

/// A mock tool's `mock_parts`: text parts and media (files read, `data:` URLs decoded,
/// other URLs by reference with their declared type).
pub fn tool_parts(parts: &[MockPart], media: &MediaRoot) -> Result<Canned, MediaError> {
    let mut canned = Canned::default();
    for part in parts {
        let kind = part.r#type.value.as_str();
        let at = media.locate(&part.r#type.referenced);
        if kind == "text" {
            canned
                .texts
                .extend(part.text.clone().filter(|t| !t.is_empty()));
            continue;
        }
        let Some(spec) = &part.media else {
            return Err(MediaError::Empty {
                at,
                kind: kind.to_owned(),
                what: "media",
            });
        };
        let declared = Some(spec.mime_type.value.as_str()).filter(|m| !m.is_empty());
        let loaded = match (&spec.file_path, spec.url.as_deref()) {
            (Some(path), _) => from_file(
                kind,
                &path.value,
                declared,
                &media.locate(&path.referenced),
                media,
            )?,
            (None, Some(url)) if url.starts_with("data:") => {
                inline(kind, url, declared, &at, media)?
            }
            (None, Some(url)) => {
                media_part(kind, url.to_owned(), declared.map(str::to_owned), &at)?
            }
            (None, None) => {
                return Err(MediaError::NoSource {
                    at,
                    kind: kind.to_owned(),
                });
            }
        };
        let declared = Declared {
            width: spec.width.and_then(|w| u64::try_from(w).ok()),
            height: spec.height.and_then(|h| u64::try_from(h).ok()),
            caption: spec.caption.clone().filter(|c| !c.is_empty()),
            ..Declared::default()
        };
        canned.parts.push(loaded.with_declared(declared));
    }
    Ok(canned)
}

/// A base64 `data:` URL, decoded and typed by its bytes.
fn inline(
    kind: &str,
    url: &str,
    declared: Option<&str>,
    at: &str,
    media: &MediaRoot,
) -> Result<ContentPart, MediaError> {
    let Some((mime, payload)) = data_url::split(url) else {
        return Err(MediaError::BadData {
            at: at.to_owned(),
            kind: kind.to_owned(),
            reason: "only base64 `data:<mime>;base64,<payload>` URLs are read".to_owned(),
        });
    };
    from_data(kind, payload, declared.or(Some(mime)), at, media)
}

/// The MIME type the reference's mock gives a media URL, by its extension.
fn mime_of_extension(url: &str) -> &'static str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "weba" => "audio/webm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "ogv" => "video/ogg",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn root(dir: &Path) -> MediaRoot {
        MediaRoot::new(dir, dir, &dir.join("mock-responses.yaml"))
    }

    fn reply(yaml: &str) -> Vec<MockContentPart> {
        serde_saphyr::from_str(yaml).expect("reply parts")
    }

    fn tool(yaml: &str) -> Vec<MockPart> {
        serde_saphyr::from_str(yaml).expect("tool parts")
    }

    #[test]
    fn reply_parts_keep_texts_drop_documents_and_type_references_by_extension() {
        let dir = tempfile::tempdir().expect("temp dir");
        let canned = reply_parts(
            &reply(
                "- {type: text, text: Hello}
- {type: text, text: ''}
- {type: document, document_url: {url: 'mock://a.pdf'}}
- {type: image}
- type: video
  video_url: {url: 'mock://clips/b.webm?x=1'}
  metadata: {width: 640, height: 480, duration_seconds: 2.9, fps: 30}
- type: audio
  audio_url: {url: 'https://example.com/c', detail: high}
  metadata: {duration: 7, width: 1.5, caption: A tone}
- type: image
  image_url: {url: 'mock://d.png', detail: low}
",
            ),
            &root(dir.path()),
        )
        .expect("loaded");
        assert_eq!(canned.texts, ["Hello"]);
        let described: Vec<_> = canned
            .parts
            .iter()
            .map(|p| (p.kind(), p.mime_type(), p.declared().cloned()))
            .collect();
        assert_eq!(
            described,
            [
                (
                    "video",
                    Some("video/webm"),
                    Some(Declared {
                        width: Some(640),
                        height: Some(480),
                        duration_secs: Some(2.0),
                        ..Declared::default()
                    })
                ),
                (
                    "audio",
                    Some("application/octet-stream"),
                    // `detail` is read for images only; a `caption` of the metadata is kept.
                    Some(Declared {
                        duration_secs: Some(7.0),
                        caption: Some("A tone".into()),
                        ..Declared::default()
                    })
                ),
                (
                    "image",
                    Some("image/png"),
                    Some(Declared {
                        detail: Some("low".into()),
                        ..Declared::default()
                    })
                ),
            ]
        );
    }

    #[test]
    fn bad_inline_data_and_missing_files_name_their_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let media = root(dir.path());
        let bad = reply_parts(
            &reply("- type: image\n  image_url: {url: 'data:image/png,plain'}\n"),
            &media,
        );
        assert!(
            matches!(&bad, Err(MediaError::BadData { at, .. }) if at.ends_with("mock-responses.yaml:2:20")),
            "{bad:?}"
        );
        let missing = reply_parts(
            &reply("- type: audio\n  audio_url: {url: sounds/none.wav}\n"),
            &media,
        );
        assert!(
            matches!(&missing, Err(MediaError::Unreadable { at, .. }) if at.ends_with(":2:20")),
            "{missing:?}"
        );
    }

    #[test]
    fn tool_parts_read_files_and_pass_urls_with_their_declared_size() {
        let dir = tempfile::tempdir().expect("temp dir");
        let png = include_bytes!("../../tests/data/media/red-3x2.png");
        std::fs::write(dir.path().join("chart.png"), png).expect("write");
        let canned = tool_parts(
            &tool(
                "- {type: text, text: Chart}
- type: image
  media: {file_path: chart.png, mime_type: image/jpeg, width: 800, height: 600}
- type: image
  media: {url: 'https://example.com/d.png', mime_type: image/png, width: 64, height: 32, caption: Sales by month}
",
            ),
            &root(dir.path()),
        )
        .expect("loaded");
        assert_eq!(canned.texts, ["Chart"]);
        // The file's bytes decide its type (its declared size is only a fallback: the
        // probe measures the bytes).
        assert_eq!(canned.parts[0].mime_type(), Some("image/png"));
        assert!(canned.parts[0].url().starts_with("data:image/png;base64,"));
        assert_eq!(canned.parts[1].url(), "https://example.com/d.png");
        assert_eq!(
            canned.parts[1].declared().cloned(),
            Some(Declared {
                width: Some(64),
                height: Some(32),
                caption: Some("Sales by month".into()),
                ..Declared::default()
            })
        );
        let no_media = tool_parts(&tool("- {type: image}\n"), &root(dir.path()));
        assert!(
            matches!(no_media, Err(MediaError::Empty { .. })),
            "{no_media:?}"
        );
        let no_source = tool_parts(
            &tool("- {type: audio, media: {mime_type: audio/wav}}\n"),
            &root(dir.path()),
        );
        assert!(
            matches!(no_source, Err(MediaError::NoSource { .. })),
            "{no_source:?}"
        );
    }
}
