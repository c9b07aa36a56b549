//! What a media part is, read from its bytes: MIME type by content (`infer`), image
//! dimensions from the image header (`image`), audio duration from the container's
//! frame count (`symphonia`: WAV, MP3, FLAC, Ogg), video resolution and duration from
//! the ISO BMFF boxes (`mp4parse`: MP4, MOV). Nothing is decoded past the headers.

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
    /// Width in pixels (images, video).
    pub width: Option<u64>,
    /// Height in pixels (images, video).
    pub height: Option<u64>,
    /// Duration in seconds (audio, video).
    pub duration_secs: Option<f64>,
}

/// Probes `part`: inline (`data:`) media is measured from its bytes; media by
/// reference has no bytes, so its declared type, sizes and duration stand, as the
/// reference reads them. What the bytes cannot tell is taken as declared.
pub fn probe(part: &ContentPart) -> Probe {
    let measured = measure(part);
    let Some(stated) = part.declared() else {
        return measured;
    };
    Probe {
        width: measured.width.or(stated.width),
        height: measured.height.or(stated.height),
        duration_secs: measured.duration_secs.or(stated.duration_secs),
        ..measured
    }
}

/// What the bytes of `part` say (its declared type only, when it has no bytes).
fn measure(part: &ContentPart) -> Probe {
    let declared = part.mime_type().map(str::to_owned);
    let Some((_, bytes)) = data_url::decode(part.url()) else {
        return Probe {
            mime_type: declared,
            ..Probe::default()
        };
    };
    let detected = detect_mime(&bytes);
    let mut probe = Probe {
        bytes: Some(bytes.len() as u64),
        ..Probe::default()
    };
    match part {
        ContentPart::Image { .. } => {
            if let Some((width, height)) = image_size(&bytes) {
                probe.width = Some(u64::from(width));
                probe.height = Some(u64::from(height));
            }
        }
        ContentPart::Audio { .. } => {
            let hint = detected.as_deref().or(declared.as_deref());
            probe.duration_secs = audio_duration(&bytes, hint);
        }
        ContentPart::Video { .. } => {
            if let Some(video) = video_track(&bytes) {
                probe.width = video.width;
                probe.height = video.height;
                probe.duration_secs = video.duration_secs;
            }
        }
        ContentPart::Document { .. } => {}
    }
    probe.mime_type = detected.or(declared);
    probe
}

/// The MIME type of `bytes` by their content, with the registered names where the
/// detector answers with an `x-` one (`audio/x-wav` is `audio/wav`).
pub fn detect_mime(bytes: &[u8]) -> Option<String> {
    let mime = infer::get(bytes)?.mime_type();
    Some(
        match mime {
            "audio/x-wav" => "audio/wav",
            "audio/x-flac" => "audio/flac",
            other => other,
        }
        .to_owned(),
    )
}

/// The dimensions in an image's header, when the format is one we decode.
fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// The duration of the default track of an audio container: its frame count over its
/// time base (or sample rate), as the container's headers state it.
fn audio_duration(bytes: &[u8], mime: Option<&str>) -> Option<f64> {
    use symphonia::core::{
        formats::FormatOptions, io::MediaSourceStream, meta::MetadataOptions, probe::Hint,
        units::TimeBase,
    };
    let source = MediaSourceStream::new(Box::new(Cursor::new(bytes.to_vec())), Default::default());
    let mut hint = Hint::new();
    if let Some(mime) = mime {
        hint.mime_type(mime);
    }
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            source,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .ok()?;
    let params = &probed.format.default_track()?.codec_params;
    let frames = params.n_frames?;
    let base = params
        .time_base
        .or_else(|| params.sample_rate.map(|rate| TimeBase::new(1, rate)))?;
    let time = base.calc_time(frames);
    Some(time.seconds as f64 + time.frac)
}

/// The first video track of an MP4/MOV file.
#[derive(Debug, Default)]
struct VideoTrack {
    width: Option<u64>,
    height: Option<u64>,
    duration_secs: Option<f64>,
}

/// The first video track's size (its sample description, else the track header's
/// 16.16 fixed-point size) and duration (the media duration over the track's scale).
fn video_track(bytes: &[u8]) -> Option<VideoTrack> {
    let context = mp4parse::read_mp4(&mut Cursor::new(bytes)).ok()?;
    let track = context
        .tracks
        .iter()
        .find(|t| t.track_type == mp4parse::TrackType::Video)?;
    let sampled = track.stsd.as_ref().and_then(|stsd| {
        stsd.descriptions.iter().find_map(|entry| match entry {
            mp4parse::SampleEntry::Video(video) => {
                Some((u64::from(video.width), u64::from(video.height)))
            }
            _ => None,
        })
    });
    let size = sampled.or_else(|| {
        let header = track.tkhd.as_ref()?;
        Some((
            u64::from(header.width >> 16),
            u64::from(header.height >> 16),
        ))
    });
    let duration_secs = match (&track.duration, &track.timescale) {
        (Some(duration), Some(scale)) if scale.0 > 0 => Some(duration.0 as f64 / scale.0 as f64),
        _ => None,
    };
    Some(VideoTrack {
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        duration_secs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(kind: &str, mime: &str, bytes: &[u8]) -> ContentPart {
        ContentPart::of_kind(kind, data_url::encode(mime, bytes), Some(mime.into()))
            .expect("a media kind")
    }

    #[test]
    fn measures_a_wav_clip_from_its_header() {
        let wav = include_bytes!("../../tests/data/media/tone.wav");
        let found = probe(&part("audio", "audio/wav", wav));
        assert_eq!(found.mime_type.as_deref(), Some("audio/wav"));
        assert_eq!(found.duration_secs, Some(0.5));
    }

    #[test]
    fn measures_an_mp3_clip() {
        let mp3 = include_bytes!("../../tests/data/media/tone.mp3");
        let found = probe(&part("audio", "audio/mpeg", mp3));
        assert_eq!(found.mime_type.as_deref(), Some("audio/mpeg"));
        let secs = found.duration_secs.expect("a duration");
        assert!((0.45..0.75).contains(&secs), "{secs}");
    }

    #[test]
    fn measures_an_mp4_video_track() {
        let mp4 = include_bytes!("../../tests/data/media/clip-640x480.mp4");
        let found = probe(&part("video", "video/mp4", mp4));
        assert_eq!(found.mime_type.as_deref(), Some("video/mp4"));
        assert_eq!((found.width, found.height), (Some(640), Some(480)));
        assert_eq!(found.duration_secs, Some(1.0));
    }

    #[test]
    fn the_bytes_win_over_what_was_declared() {
        let stated = crate::message::Declared {
            width: Some(800),
            height: Some(600),
            duration_secs: Some(30.0),
            ..Default::default()
        };
        let png = include_bytes!("../../tests/data/media/red-3x2.png");
        let measured = probe(&part("image", "image/png", png).with_declared(stated.clone()));
        assert_eq!((measured.width, measured.height), (Some(3), Some(2)));
        let by_reference =
            ContentPart::of_kind("audio", "mock://a.wav".into(), Some("audio/wav".into()))
                .expect("audio")
                .with_declared(stated);
        let declared = probe(&by_reference);
        assert_eq!(declared.duration_secs, Some(30.0));
        assert_eq!(declared.mime_type.as_deref(), Some("audio/wav"));
    }

    #[test]
    fn bytes_of_another_kind_measure_nothing() {
        let png = include_bytes!("../../tests/data/media/red-3x2.png");
        let as_audio = probe(&part("audio", "audio/wav", png));
        assert_eq!(as_audio.duration_secs, None);
        assert_eq!(as_audio.mime_type.as_deref(), Some("image/png"));
        let as_video = probe(&part("video", "video/mp4", b"not a video"));
        assert_eq!((as_video.width, as_video.duration_secs), (None, None));
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    /// Cut and corrupted media measures what it can and never panics.
    #[test]
    fn truncated_and_corrupted_media_never_panics() {
        let fixtures: [(&str, &str, &[u8]); 4] = [
            (
                "audio",
                "audio/wav",
                include_bytes!("../../tests/data/media/tone.wav"),
            ),
            (
                "audio",
                "audio/mpeg",
                include_bytes!("../../tests/data/media/tone.mp3"),
            ),
            (
                "video",
                "video/mp4",
                include_bytes!("../../tests/data/media/clip-640x480.mp4"),
            ),
            (
                "image",
                "image/png",
                include_bytes!("../../tests/data/media/red-3x2.png"),
            ),
        ];
        for (kind, mime, bytes) in fixtures {
            for cut in (0..bytes.len()).step_by(5) {
                let mut damaged = bytes[..cut].to_vec();
                let _ = probe(&part(kind, mime, &damaged));
                if let Some(byte) = damaged.get_mut(cut / 2) {
                    *byte ^= 0xA5;
                }
                damaged.extend_from_slice(&bytes[cut..]);
                let _ = probe(&part(kind, mime, &damaged));
            }
        }
    }

    fn part(kind: &str, mime: &str, bytes: &[u8]) -> ContentPart {
        ContentPart::of_kind(kind, data_url::encode(mime, bytes), Some(mime.into()))
            .expect("a media kind")
    }
}
