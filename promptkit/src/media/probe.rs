//! What a media part is, read from its bytes: MIME type by content, image dimensions
//! from the image header (the `image` crate's decoders).

use super::data_url;
use crate::message::ContentPart;
use std::io::Cursor;

/// What decoding a media part found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Probe {
    /// The MIME type: detected from the bytes when they are inline, else as declared.
    pub mime_type: Option<String>,
    /// The payload size in bytes, when inline.
    pub bytes: Option<u64>,
    /// Width in pixels (images).
    pub width: Option<u64>,
    /// Height in pixels (images).
    pub height: Option<u64>,
    /// Duration in seconds (not measured yet for audio and video).
    pub duration_secs: Option<f64>,
}

/// Probes `part`: inline (`data:`) media is decoded; by-reference media keeps its
/// declared type and nothing else.
pub fn probe(part: &ContentPart) -> Probe {
    let declared = part.mime_type().map(str::to_owned);
    let Some((_, bytes)) = data_url::decode(part.url()) else {
        return Probe {
            mime_type: declared,
            ..Probe::default()
        };
    };
    let mut probe = Probe {
        mime_type: infer::get(&bytes)
            .map(|t| t.mime_type().to_owned())
            .or(declared),
        bytes: Some(bytes.len() as u64),
        ..Probe::default()
    };
    if let ContentPart::Image { .. } = part
        && let Some((width, height)) = image_size(&bytes)
    {
        probe.width = Some(u64::from(width));
        probe.height = Some(u64::from(height));
    }
    probe
}

/// The dimensions in an image's header, when the format is one we decode.
fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}
