//! Media in the HTML report: each part of a transcript as a thumbnail (images), a
//! player (audio, video) or a labelled placeholder. Only inline (`data:`) media the run
//! carried is embedded, within a cap per part and a budget per report; media by URL
//! or path is named, never fetched or read.

use std::fmt::Write;

use serde_json::Value;

use super::escape;
use crate::media::{data_url, human_bytes};
use crate::message::ContentPart;

/// How much media an HTML report embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaCaps {
    /// The largest part shown inline, in decoded bytes (1 MB by default).
    pub per_part: u64,
    /// The decoded bytes of every part shown inline together (8 MB by default).
    pub per_report: u64,
}

impl Default for MediaCaps {
    fn default() -> Self {
        Self {
            per_part: 1024 * 1024,
            per_report: 8 * 1024 * 1024,
        }
    }
}

/// What is left of a report's media budget while its transcripts are written.
#[derive(Debug)]
pub(super) struct MediaBudget {
    caps: MediaCaps,
    spent: u64,
}

impl MediaBudget {
    /// A budget of `caps`, nothing spent.
    pub(super) fn new(caps: MediaCaps) -> Self {
        Self { caps, spent: 0 }
    }

    /// Appends the HTML of `parts` to `out`, spending the budget on what it embeds.
    pub(super) fn parts(&mut self, out: &mut String, parts: &[ContentPart]) {
        if parts.is_empty() {
            return;
        }
        out.push_str("<div class=\"media-parts\">");
        for part in parts {
            self.part(out, part);
        }
        out.push_str("</div>");
    }

    fn part(&mut self, out: &mut String, part: &ContentPart) {
        let kind = part.kind();
        let Some((mime, _)) = data_url::split(part.url()) else {
            let _ = write!(
                out,
                "<figure class=\"media placeholder\" data-kind=\"{kind}\"><figcaption>{kind} by reference, not embedded: <code>{}</code></figcaption></figure>",
                escape(part.url())
            );
            return;
        };
        let bytes = data_url::decoded_len(part.url()).unwrap_or(0);
        let label = format!("{kind} {mime} · {}", human_bytes(bytes));
        let why_not = if !mime.starts_with(&format!("{kind}/")) || kind == "document" {
            Some("no preview for this type".to_owned())
        } else if bytes > self.caps.per_part {
            Some(format!(
                "over the {} cap per item",
                human_bytes(self.caps.per_part)
            ))
        } else if self.spent + bytes > self.caps.per_report {
            Some(format!(
                "the report's {} media budget is spent",
                human_bytes(self.caps.per_report)
            ))
        } else {
            None
        };
        if let Some(reason) = why_not {
            let _ = write!(
                out,
                "<figure class=\"media placeholder\" data-kind=\"{kind}\" data-bytes=\"{bytes}\"><figcaption>{} — not embedded: {}</figcaption></figure>",
                escape(&label),
                escape(&reason)
            );
            return;
        }
        self.spent += bytes;
        let src = escape(part.url());
        let element = match kind {
            "image" => format!(
                "<img class=\"thumb\" src=\"{src}\" alt=\"{}\">",
                escape(&label)
            ),
            "audio" => format!("<audio controls preload=\"metadata\" src=\"{src}\"></audio>"),
            _ => format!(
                "<video class=\"thumb\" controls preload=\"metadata\" src=\"{src}\"></video>"
            ),
        };
        let _ = write!(
            out,
            "<figure class=\"media\" data-kind=\"{kind}\" data-bytes=\"{bytes}\">{element}<figcaption>{}</figcaption></figure>",
            escape(&label)
        );
    }
}

/// `run` as JSON for the page's script, with each inline part's payload left out (the
/// transcripts show it, within the caps): `"(inline image/png, 73 B)"`.
pub(super) fn without_inline_media(mut run: Value) -> Value {
    let cases = run.get_mut("cases").and_then(Value::as_array_mut);
    for case in cases.into_iter().flatten() {
        let messages = case.get_mut("messages").and_then(Value::as_array_mut);
        for message in messages.into_iter().flatten() {
            let parts = message.get_mut("parts").and_then(Value::as_array_mut);
            for part in parts.into_iter().flatten() {
                let Some(url) = part.get_mut("url") else {
                    continue;
                };
                let Some(text) = url.as_str() else { continue };
                if let (Some((mime, _)), Some(bytes)) =
                    (data_url::split(text), data_url::decoded_len(text))
                {
                    *url = Value::String(format!("(inline {mime}, {})", human_bytes(bytes)));
                }
            }
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(bytes: usize) -> ContentPart {
        ContentPart::of_kind(
            "image",
            data_url::encode("image/png", &vec![1; bytes]),
            None,
        )
        .expect("kind")
    }

    fn render(budget: &mut MediaBudget, parts: &[ContentPart]) -> String {
        let mut out = String::new();
        budget.parts(&mut out, parts);
        out
    }

    #[test]
    fn embeds_within_the_caps_and_labels_the_rest() {
        let caps = MediaCaps {
            per_part: 100,
            per_report: 150,
        };
        let mut budget = MediaBudget::new(caps);
        let html = render(&mut budget, &[image(80), image(101), image(80), image(60)]);
        assert_eq!(
            html.matches("<img class=\"thumb\" src=\"data:image/png;base64,")
                .count(),
            2,
            "{html}"
        );
        assert!(
            html.contains("image image/png · 101 B — not embedded: over the 100 B cap per item"),
            "{html}"
        );
        assert!(html.contains("image image/png · 80 B — not embedded: the report&#39;s 150 B media budget is spent"), "{html}");
        // The last one still fits what is left of the budget.
        assert!(
            html.ends_with("<figcaption>image image/png · 60 B</figcaption></figure></div>"),
            "{html}"
        );
    }

    #[test]
    fn never_embeds_what_the_run_did_not_carry() {
        let mut budget = MediaBudget::new(MediaCaps::default());
        let by_url =
            ContentPart::of_kind("image", "https://example.com/x.png\"><script>".into(), None)
                .expect("kind");
        let local = ContentPart::of_kind("image", "/etc/passwd".into(), None).expect("kind");
        let html = render(&mut budget, &[by_url, local]);
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("image by reference, not embedded: <code>/etc/passwd</code>"),
            "{html}"
        );
    }

    #[test]
    fn players_for_audio_and_video_placeholders_for_documents_and_mismatches() {
        let mut budget = MediaBudget::new(MediaCaps::default());
        let part = |kind: &str, mime: &str| {
            ContentPart::of_kind(kind, data_url::encode(mime, b"abc"), None).expect("kind")
        };
        let html = render(
            &mut budget,
            &[
                part("audio", "audio/wav"),
                part("video", "video/mp4"),
                part("document", "application/pdf"),
                part("image", "text/html"),
            ],
        );
        assert!(
            html.contains(
                "<audio controls preload=\"metadata\" src=\"data:audio/wav;base64,YWJj\">"
            ),
            "{html}"
        );
        assert!(html.contains("<video class=\"thumb\" controls"), "{html}");
        assert!(
            html.contains(
                "document application/pdf · 3 B — not embedded: no preview for this type"
            ),
            "{html}"
        );
        assert!(
            html.contains("image text/html · 3 B — not embedded: no preview for this type"),
            "{html}"
        );
        assert!(!html.contains("data:text/html"), "{html}");
    }

    #[test]
    fn page_data_leaves_payloads_out() {
        let url = data_url::encode("image/png", &[9; 40]);
        let run = serde_json::json!({"cases": [{"messages": [{"parts": [{"type": "image", "url": url}, {"type": "image", "url": "https://x/y.png"}]}]}]});
        let stripped = without_inline_media(run);
        assert_eq!(
            stripped["cases"][0]["messages"][0]["parts"][0]["url"],
            "(inline image/png, 40 B)"
        );
        assert_eq!(
            stripped["cases"][0]["messages"][0]["parts"][1]["url"],
            "https://x/y.png"
        );
    }
}
