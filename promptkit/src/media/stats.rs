//! How much media messages carry: parts by kind, the bytes of inline (`data:`) media,
//! and the parts held only by reference (a URL the run never downloaded).

use serde::{Deserialize, Serialize};

use super::data_url;
use crate::message::ContentPart;

/// Counts and sizes of media parts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaCount {
    /// Media parts of any kind.
    pub parts: usize,
    /// Image parts.
    pub images: usize,
    /// Audio parts.
    pub audio: usize,
    /// Video parts.
    pub video: usize,
    /// Document parts.
    pub documents: usize,
    /// Decoded bytes of the inline parts.
    pub bytes: u64,
    /// Parts given by URL (not carried by the run, so not counted in `bytes`).
    pub by_reference: usize,
}

impl MediaCount {
    /// The media of `parts`.
    pub fn of(parts: &[ContentPart]) -> Self {
        let mut count = Self::default();
        for part in parts {
            count.parts += 1;
            match part {
                ContentPart::Image { .. } => count.images += 1,
                ContentPart::Audio { .. } => count.audio += 1,
                ContentPart::Video { .. } => count.video += 1,
                ContentPart::Document { .. } => count.documents += 1,
            }
            match data_url::decoded_len(part.url()) {
                Some(bytes) => count.bytes += bytes,
                None => count.by_reference += 1,
            }
        }
        count
    }

    /// Whether there is no media at all.
    pub fn is_empty(&self) -> bool {
        self.parts == 0
    }

    /// One line for reports: `2 media parts (1 image, 1 audio) · 12.3 KB`.
    pub fn summary(&self) -> String {
        let kinds: Vec<String> = [
            (self.images, "image", "images"),
            (self.audio, "audio", "audio"),
            (self.video, "video", "videos"),
            (self.documents, "document", "documents"),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
        let mut line = format!(
            "{} media part{} ({}) · {}",
            self.parts,
            if self.parts == 1 { "" } else { "s" },
            kinds.join(", "),
            human_bytes(self.bytes)
        );
        if self.by_reference > 0 {
            line.push_str(&format!(" · {} by URL", self.by_reference));
        }
        line
    }
}

impl std::ops::AddAssign for MediaCount {
    fn add_assign(&mut self, rhs: Self) {
        self.parts += rhs.parts;
        self.images += rhs.images;
        self.audio += rhs.audio;
        self.video += rhs.video;
        self.documents += rhs.documents;
        self.bytes += rhs.bytes;
        self.by_reference += rhs.by_reference;
    }
}

/// A byte size for people: `67 B`, `12.3 KB`, `4.0 MB` (powers of 1024).
pub fn human_bytes(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_kinds_inline_bytes_and_references() {
        let parts = vec![
            ContentPart::of_kind("image", data_url::encode("image/png", &[1; 67]), None)
                .expect("kind"),
            ContentPart::of_kind("audio", data_url::encode("audio/wav", &[2; 10]), None)
                .expect("kind"),
            ContentPart::of_kind("image", "https://example.com/a.png".into(), None).expect("kind"),
        ];
        let count = MediaCount::of(&parts);
        assert_eq!(
            count,
            MediaCount {
                parts: 3,
                images: 2,
                audio: 1,
                video: 0,
                documents: 0,
                bytes: 77,
                by_reference: 1,
            }
        );
        assert_eq!(
            count.summary(),
            "3 media parts (2 images, 1 audio) · 77 B · 1 by URL"
        );
        assert!(MediaCount::of(&[]).is_empty());
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(12_595), "12.3 KB");
        assert_eq!(human_bytes(4 * 1024 * 1024), "4.0 MB");
    }
}
