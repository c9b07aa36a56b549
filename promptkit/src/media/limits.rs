//! A prompt's `media:` limits (`enabled`, `supported_types`, per-kind `max_size_mb`,
//! `allowed_formats`, `max_images_per_msg`, `max_duration_sec`, `require_caption`,
//! `require_metadata`: an audio clip's duration, a video's resolution must be readable)
//! applied to a scripted turn's media before anything is sent. The reference declares
//! these limits and checks only their own values; here a part over them ends the case
//! with the part's location and the limit it broke, and nothing reaches the provider.
//! Documents are not governed (the format's `supported_types` names image, audio and
//! video only).

use std::path::Path;

use promptkit_build::model::{AvConfig, ContentPart as TurnPart, MediaConfig};

use super::load::locate;
use super::probe::{Probe, probe};
use crate::message::Message;

/// A media part that breaks its prompt's `media:` limits.
#[derive(Debug, thiserror::Error)]
#[error(
    "{at}: {reason} (`media.{field}` of prompt `{prompt}` in {file}); change the part or the prompt's media limits"
)]
pub struct LimitError {
    /// Where the part is written.
    pub at: String,
    /// What is wrong.
    pub reason: String,
    /// The limit broken, under `media.`.
    pub field: String,
    /// The prompt's id.
    pub prompt: String,
    /// The prompt's file.
    pub file: String,
}

/// The `media:` of a prompt and where it is declared.
#[derive(Debug, Clone, Copy)]
pub struct MediaLimits<'a> {
    /// The limits.
    pub config: &'a MediaConfig,
    /// The prompt's id.
    pub prompt: &'a str,
    /// The prompt's file.
    pub file: &'a Path,
}

/// One MiB, the unit of `max_size_mb`.
const MIB: u64 = 1024 * 1024;

impl MediaLimits<'_> {
    /// Checks the media of `message`, built by [`super::turn_message`] from `parts` (of
    /// the scenario file `scenario`) against these limits.
    pub fn check(
        &self,
        parts: &[TurnPart],
        scenario: &Path,
        message: &Message,
    ) -> Result<(), LimitError> {
        let declared = parts.iter().filter(|p| p.r#type.value != "text");
        let mut images = 0_i64;
        for (part, loaded) in declared.zip(&message.parts) {
            let kind = loaded.kind();
            if kind == "document" {
                continue;
            }
            let at = locate(scenario, &part.r#type.referenced);
            let fail = |field: &str, reason: String| LimitError {
                at: at.clone(),
                reason,
                field: field.to_owned(),
                prompt: self.prompt.to_owned(),
                file: self.file.display().to_string(),
            };
            let config = self.config;
            if !config.enabled {
                return Err(fail(
                    "enabled",
                    format!("the {kind} part is sent to a prompt whose media is disabled"),
                ));
            }
            let types: Vec<&str> = config
                .supported_types
                .iter()
                .map(|t| t.value.as_str())
                .collect();
            if !types.contains(&kind) {
                return Err(fail(
                    "supported_types",
                    format!(
                        "{kind} is not a supported media type (supported: {})",
                        list(&types)
                    ),
                ));
            }
            let measured = probe(loaded);
            let format = measured.mime_type.as_deref().map(format_of);
            let (max_mb, formats, max_secs) = match kind {
                "image" => {
                    let image = config.image.as_ref();
                    images += 1;
                    if let Some(max) = image.and_then(|i| i.max_images_per_msg).filter(|m| *m > 0)
                        && images > max
                    {
                        return Err(fail(
                            "image.max_images_per_msg",
                            format!(
                                "this is image {images} of the message; at most {max} are allowed"
                            ),
                        ));
                    }
                    if image.and_then(|i| i.require_caption) == Some(true)
                        && part
                            .media
                            .as_ref()
                            .and_then(|m| m.caption.as_deref())
                            .is_none_or(str::is_empty)
                    {
                        return Err(fail(
                            "image.require_caption",
                            "the image has no caption".into(),
                        ));
                    }
                    (
                        image.and_then(|i| i.max_size_mb),
                        image.map_or(&[][..], |i| &i.allowed_formats[..]),
                        None,
                    )
                }
                _ => {
                    let av: Option<&AvConfig> = if kind == "audio" {
                        config.audio.as_ref()
                    } else {
                        config.video.as_ref()
                    };
                    if av.and_then(|a| a.require_metadata) == Some(true)
                        && let Some(missing) = missing_metadata(kind, &measured)
                    {
                        return Err(fail(
                            &format!("{kind}.require_metadata"),
                            format!("the {kind}'s {missing}"),
                        ));
                    }
                    (
                        av.and_then(|a| a.max_size_mb),
                        av.map_or(&[][..], |a| &a.allowed_formats[..]),
                        av.and_then(|a| a.max_duration_sec),
                    )
                }
            };
            if let (Some(max), Some(bytes)) = (max_mb.filter(|m| *m > 0), measured.bytes)
                && bytes > max.unsigned_abs() * MIB
            {
                return Err(fail(
                    &format!("{kind}.max_size_mb"),
                    format!(
                        "the {kind} is {:.1} MB, over the limit of {max} MB",
                        bytes as f64 / MIB as f64
                    ),
                ));
            }
            if !formats.is_empty()
                && let Some(format) = &format
                && !formats.iter().any(|f| format_of(f) == *format)
            {
                return Err(fail(
                    &format!("{kind}.allowed_formats"),
                    format!(
                        "the {kind} is {format}; allowed: {}",
                        list(&formats.iter().map(String::as_str).collect::<Vec<_>>())
                    ),
                ));
            }
            if let (Some(max), Some(secs)) = (max_secs.filter(|m| *m > 0), measured.duration_secs)
                && secs > max as f64
            {
                return Err(fail(
                    &format!("{kind}.max_duration_sec"),
                    format!("the {kind} lasts {secs:.1} s, over the limit of {max} s"),
                ));
            }
        }
        Ok(())
    }
}

/// A format name as `allowed_formats` writes it, from a MIME type or a format name:
/// the subtype, lowercase, `jpg` as `jpeg`, `mpeg` audio as `mp3`, `x-wav` as `wav`.
fn format_of(text: &str) -> String {
    let subtype = text.rsplit('/').next().unwrap_or(text).to_ascii_lowercase();
    let subtype = subtype.strip_prefix("x-").unwrap_or(&subtype).to_owned();
    match subtype.as_str() {
        "jpg" => "jpeg".into(),
        "mpeg" if text.starts_with("audio/") => "mp3".into(),
        "wave" => "wav".into(),
        _ => subtype,
    }
}

/// What `require_metadata` asks of a part of `kind` that `measured` lacks: an audio
/// clip's duration (from which its bit rate follows), a video's resolution.
fn missing_metadata(kind: &str, measured: &Probe) -> Option<&'static str> {
    match kind {
        "audio" if measured.duration_secs.is_none() => {
            Some("duration cannot be read from its bytes (WAV, MP3, FLAC and Ogg are measured)")
        }
        "video" if measured.width.is_none() || measured.height.is_none() => {
            Some("resolution cannot be read from its bytes (MP4 and MOV are measured)")
        }
        _ => None,
    }
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::format_of;

    #[test]
    fn formats_compare_by_subtype_and_alias() {
        assert_eq!(format_of("image/jpeg"), format_of("jpg"));
        assert_eq!(format_of("image/png"), "png");
        assert_eq!(format_of("audio/mpeg"), format_of("mp3"));
        assert_eq!(format_of("audio/x-wav"), format_of("wav"));
        assert_eq!(format_of("audio/wave"), "wav");
    }
}
