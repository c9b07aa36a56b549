//! Shortening user values quoted in messages, so a giant value cannot flood the output.

use std::borrow::Cow;

/// Longest message, label, help or note a diagnostic keeps, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// `text` cut to at most `max_chars` characters, ending in "… (N more characters)" when cut.
pub fn truncate(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            Cow::Owned(format!("{}… ({rest} more characters)", &text[..cut]))
        }
    }
}

/// [`truncate`] at [`MAX_MESSAGE_CHARS`], keeping the `String` when it is short enough.
pub(super) fn bounded(text: String) -> String {
    match truncate(&text, MAX_MESSAGE_CHARS) {
        Cow::Borrowed(_) => text,
        Cow::Owned(short) => short,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_is_cut_on_a_char_boundary() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("ééé", 1), "é… (2 more characters)");
        assert!(bounded("x".repeat(10_000)).chars().count() < 2100);
    }
}
