use super::*;
use promptkit_build::model::Spanned;

fn spanned(value: &str) -> Spanned<String> {
    Spanned::new(value.to_owned(), Location::UNKNOWN, Location::UNKNOWN)
}

fn media(file_path: Option<&str>, data: Option<String>, url: Option<&str>, mime: &str) -> MediaRef {
    MediaRef {
        file_path: file_path.map(spanned),
        url: url.map(spanned),
        data,
        storage_reference: None,
        mime_type: spanned(mime),
        detail: None,
        caption: None,
    }
}

fn part(kind: &str, media: Option<MediaRef>) -> TurnPart {
    TurnPart {
        r#type: spanned(kind),
        text: None,
        media,
    }
}

fn text(t: &str) -> TurnPart {
    TurnPart {
        r#type: spanned("text"),
        text: Some(spanned(t)),
        media: None,
    }
}

fn png() -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::RgbImage::new(3, 2)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

use std::io::Cursor;

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("project")).expect("mkdir");
        Self { dir }
    }
    fn root(&self) -> PathBuf {
        self.dir.path().join("project")
    }
    fn load(&self, parts: &[TurnPart], max_bytes: u64) -> Result<Message, MediaError> {
        let root = self.root();
        let file = root.join("scenario.yaml");
        turn_message(
            parts,
            &MediaRoot {
                max_bytes,
                ..MediaRoot::new(&root, &root, &file)
            },
        )
    }
}

#[test]
fn a_file_becomes_a_data_url_typed_by_its_bytes() {
    let p = Project::new();
    // The extension lies: the bytes decide.
    std::fs::write(p.root().join("photo.jpg"), png()).expect("write");
    let m = p
        .load(
            &[
                text("What is this?"),
                part(
                    "image",
                    Some(media(Some("photo.jpg"), None, None, "image/jpeg")),
                ),
            ],
            MAX_MEDIA_BYTES,
        )
        .expect("loads");
    assert_eq!(m.content, "What is this?");
    assert_eq!(m.parts.len(), 1);
    assert_eq!(m.parts[0].mime_type(), Some("image/png"));
    let (mime, bytes) = data_url::decode(m.parts[0].url()).expect("data url");
    assert_eq!((mime.as_str(), bytes), ("image/png", png()));
}

#[test]
fn inline_data_is_decoded_and_checked() {
    let p = Project::new();
    let data = base64::engine::general_purpose::STANDARD.encode(png());
    let m = p
        .load(
            &[part(
                "image",
                Some(media(None, Some(data), None, "image/png")),
            )],
            MAX_MEDIA_BYTES,
        )
        .expect("loads");
    assert_eq!(super::super::probe(&m.parts[0]).width, Some(3));
    let bad = p.load(
        &[part(
            "image",
            Some(media(None, Some("not base64!".into()), None, "image/png")),
        )],
        MAX_MEDIA_BYTES,
    );
    assert!(matches!(bad, Err(MediaError::BadData { .. })), "{bad:?}");
}

#[test]
fn bad_media_is_refused_with_its_location() {
    let p = Project::new();
    std::fs::write(p.root().join("notes.png"), "plain text, not an image").expect("write");
    std::fs::write(p.dir.path().join("secret.png"), png()).expect("write");
    std::fs::write(p.root().join("big.png"), png()).expect("write");
    let one = |path: &str, max| {
        p.load(
            &[part(
                "image",
                Some(media(Some(path), None, None, "image/png")),
            )],
            max,
        )
    };

    let missing = one("nope.png", MAX_MEDIA_BYTES).expect_err("missing");
    assert!(
        matches!(missing, MediaError::Unreadable { .. }),
        "{missing}"
    );
    assert!(
        missing
            .to_string()
            .starts_with(&p.root().join("scenario.yaml").display().to_string())
    );

    let wrong = one("notes.png", MAX_MEDIA_BYTES).expect_err("wrong type");
    assert!(
        wrong.to_string().contains("unrecognised data, not image"),
        "{wrong}"
    );

    let outside = one("../secret.png", MAX_MEDIA_BYTES).expect_err("outside");
    assert!(
        matches!(outside, MediaError::OutsideRoot { .. }),
        "{outside}"
    );

    let large = one("big.png", 10).expect_err("too large");
    assert!(
        matches!(large, MediaError::TooLarge { max: 10, .. }),
        "{large}"
    );

    let audio_as_image = p.load(
        &[part(
            "audio",
            Some(media(Some("big.png"), None, None, "audio/wav")),
        )],
        MAX_MEDIA_BYTES,
    );
    assert!(
        audio_as_image
            .expect_err("png is not audio")
            .to_string()
            .contains("image/png, not audio")
    );
}

#[test]
fn image_urls_pass_by_reference_and_other_urls_are_refused() {
    let p = Project::new();
    let m = p
        .load(
            &[part(
                "image",
                Some(media(
                    None,
                    None,
                    Some("https://example.com/a.jpg"),
                    "image/jpeg",
                )),
            )],
            MAX_MEDIA_BYTES,
        )
        .expect("image url");
    assert_eq!(m.parts[0].url(), "https://example.com/a.jpg");
    let audio = p.load(
        &[part(
            "audio",
            Some(media(
                None,
                None,
                Some("https://example.com/a.mp3"),
                "audio/mpeg",
            )),
        )],
        MAX_MEDIA_BYTES,
    );
    assert!(
        matches!(audio, Err(MediaError::NotLoaded { via: "url", .. })),
        "{audio:?}"
    );
    let none = p.load(
        &[part("video", Some(media(None, None, None, "video/mp4")))],
        MAX_MEDIA_BYTES,
    );
    assert!(matches!(none, Err(MediaError::NoSource { .. })), "{none:?}");
}

#[test]
fn text_documents_keep_their_declared_type() {
    let p = Project::new();
    std::fs::write(p.root().join("notes.txt"), "hello").expect("write");
    let m = p
        .load(
            &[part(
                "document",
                Some(media(Some("notes.txt"), None, None, "text/plain")),
            )],
            MAX_MEDIA_BYTES,
        )
        .expect("loads");
    assert_eq!(m.parts[0].mime_type(), Some("text/plain"));
}
