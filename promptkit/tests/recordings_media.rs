//! Recordings keep media by reference: a recorded call whose request carries a PNG and
//! whose answer carries a WAV stores each once, in `media/<sha256>.<ext>` beside the
//! file, and the JSON holds hash, MIME type and size instead of base64. Loading gives
//! back the identical recording and a replay the identical bytes; a missing, altered or
//! escaping media file is an error naming it. Cassettes, written through the same
//! format, replay their media the same way.

use std::path::Path;
use std::sync::Arc;

use promptkit::media::data_url;
use promptkit::provider::{BoxFuture, ChatRequest, ChatResponse, Provider, ProviderError};
use promptkit::providers::cassette::{Cassette, CassetteMode};
use promptkit::providers::recording::{MEDIA_DIR, Recorder, Recording, RecordingError, Replay};
use promptkit::{ContentPart, Cost, Message, Usage};

const PNG: &[u8] = include_bytes!("data/media/red-3x2.png");
const WAV: &[u8] = include_bytes!("data/media/tone.wav");

/// Answers every request with a spoken reply: text and a WAV clip.
struct Speaker;

impl Provider for Speaker {
    fn id(&self) -> &str {
        "speaker"
    }

    fn model(&self) -> &str {
        "voice-1"
    }

    fn chat<'a>(
        &'a self,
        _request: ChatRequest,
    ) -> BoxFuture<'a, Result<ChatResponse, ProviderError>> {
        Box::pin(async move {
            let mut message = Message::assistant("Here it is, read aloud.");
            message.parts = vec![part("audio", "audio/wav", WAV)];
            Ok(ChatResponse {
                message,
                usage: Usage::default(),
                cost: Cost::default(),
                latency: std::time::Duration::ZERO,
                finish_reason: Some("stop".into()),
            })
        })
    }
}

/// An inline part of `kind` holding `bytes` of type `mime`.
fn part(kind: &str, mime: &str, bytes: &[u8]) -> ContentPart {
    ContentPart::of_kind(kind, data_url::encode(mime, bytes), Some(mime.into())).expect("kind")
}

/// A request whose user turn carries the PNG (twice over two turns: stored once).
fn request(turns: usize) -> ChatRequest {
    let mut messages = Vec::new();
    for n in 0..turns {
        let mut user = Message::user(format!("Describe picture {n}"));
        user.parts = vec![part("image", "image/png", PNG)];
        messages.push(user);
        if n + 1 < turns {
            messages.push(Message::assistant("A red square."));
        }
    }
    ChatRequest {
        messages: messages.into(),
        ..ChatRequest::default()
    }
}

/// The SHA-256 of `bytes` as lowercase hex, computed here, not by the code under test.
fn sha256(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest.as_ref().iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn media_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join(MEDIA_DIR))
        .expect("media folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

async fn recorded(dir: &Path) -> (Recording, std::path::PathBuf) {
    let recorder = Recorder::new(Arc::new(Speaker));
    recorder.chat(request(1)).await.expect("answer");
    recorder.chat(request(2)).await.expect("answer");
    let recording = recorder.recording();
    let path = dir.join("session.json");
    recording.save(&path).expect("saved");
    (recording, path)
}

#[tokio::test]
async fn media_is_stored_once_by_hash_and_replays_identical_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (recording, path) = recorded(dir.path()).await;

    let text = std::fs::read_to_string(&path).expect("read");
    assert!(!text.contains("base64"), "{text}");
    assert!(!text.contains("data:"), "{text}");
    assert_eq!(
        text.matches("\"media_ref\"").count(),
        5,
        "3 request images, 2 answers"
    );
    assert!(text.contains(&format!("\"sha256\": \"{}\"", sha256(PNG))));
    assert!(text.contains("\"mime_type\": \"audio/wav\""));
    assert!(text.contains(&format!("\"size\": {}", WAV.len())));

    let png = format!("{}.png", sha256(PNG));
    let wav = format!("{}.wav", sha256(WAV));
    let mut expected = vec![png.clone(), wav.clone()];
    expected.sort();
    assert_eq!(media_files(dir.path()), expected);
    assert_eq!(
        std::fs::read(dir.path().join(MEDIA_DIR).join(&png)).expect("png"),
        PNG
    );
    assert_eq!(
        std::fs::read(dir.path().join(MEDIA_DIR).join(&wav)).expect("wav"),
        WAV
    );

    let loaded = Recording::load(&path).expect("loads");
    assert_eq!(loaded, recording);

    let replay = Replay::new("replay", "voice-1", loaded, false);
    let answer = replay.chat(request(2)).await.expect("replayed");
    let (mime, bytes) = data_url::decode(answer.message.parts[0].url()).expect("data URL");
    assert_eq!(mime, "audio/wav");
    assert_eq!(bytes, WAV);
}

#[tokio::test]
async fn a_missing_altered_or_escaping_media_file_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, path) = recorded(dir.path()).await;
    let file = dir
        .path()
        .join(MEDIA_DIR)
        .join(format!("{}.png", sha256(PNG)));

    let mut altered = PNG.to_vec();
    altered[20] ^= 0xff;
    std::fs::write(&file, &altered).expect("alter");
    let err = Recording::load(&path).expect_err("altered");
    assert!(matches!(err, RecordingError::Media { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert!(message.contains("was altered: its sha256 is"), "{message}");

    std::fs::write(&file, &PNG[..10]).expect("truncate");
    let message = Recording::load(&path).expect_err("truncated").to_string();
    assert!(
        message.contains(&format!("it is 10 bytes, the recording says {}", PNG.len())),
        "{message}"
    );

    std::fs::remove_file(&file).expect("remove");
    let message = Recording::load(&path).expect_err("missing").to_string();
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert!(message.contains("cannot be read"), "{message}");
    assert!(message.contains("record the session again"), "{message}");

    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().expect("temp dir");
        let elsewhere = outside.path().join("secret.png");
        std::fs::write(&elsewhere, PNG).expect("write");
        std::os::unix::fs::symlink(&elsewhere, &file).expect("symlink");
        let message = Recording::load(&path).expect_err("escapes").to_string();
        assert!(
            message.contains("resolves outside the recording's folder"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn cassettes_record_and_replay_media_by_reference() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cassettes/look/speaker.json");
    let live: Arc<dyn Provider> = Arc::new(Speaker);
    let cassette = Cassette::open(
        "speaker",
        "voice-1",
        &path,
        CassetteMode::Record,
        Some(live),
        "rerecord",
    )
    .expect("opens");
    let recorded = cassette.chat(request(1)).await.expect("live answer");
    assert!(cassette.save().expect("saved"));
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(!text.contains("base64"), "{text}");
    assert_eq!(
        media_files(&dir.path().join("cassettes/look")).len(),
        2,
        "the PNG and the WAV, beside the cassette"
    );

    let replay = Cassette::open(
        "speaker",
        "voice-1",
        &path,
        CassetteMode::Replay,
        None,
        "rerecord",
    )
    .expect("opens");
    let replayed = replay.chat(request(1)).await.expect("replayed");
    assert_eq!(replayed.message, recorded.message);
    let (_, bytes) = data_url::decode(replayed.message.parts[0].url()).expect("data URL");
    assert_eq!(bytes, WAV);
}
