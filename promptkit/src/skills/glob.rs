//! The workflow states' skill filters: a path glob as Go's `filepath.Match` reads it
//! (`*` and `?` never cross a `/`), plus `none` (nothing) and empty (everything).

/// Whether a skill at `path` may be activated under `filter`.
pub(crate) fn allows(filter: Option<&str>, path: &str) -> bool {
    match filter {
        None | Some("") => true,
        Some(f) if f.eq_ignore_ascii_case("none") => false,
        Some(f) => matches(f.as_bytes(), path.as_bytes()),
    }
}

fn matches(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            // Zero characters, or one more non-separator character.
            matches(&pattern[1..], text)
                || (text.first().is_some_and(|c| *c != b'/') && matches(pattern, &text[1..]))
        }
        (Some(b'?'), Some(c)) if *c != b'/' => matches(&pattern[1..], &text[1..]),
        (Some(p), Some(c)) if p == c => matches(&pattern[1..], &text[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::allows;

    #[test]
    fn globs_stay_within_one_folder() {
        assert!(allows(
            Some("skills/billing/*"),
            "skills/billing/refund-processing"
        ));
        assert!(!allows(
            Some("skills/billing/*"),
            "skills/orders/order-troubleshooting"
        ));
        assert!(!allows(Some("skills/*"), "skills/billing/pci-compliance"));
        assert!(allows(Some("skills/?rders/*"), "skills/orders/x"));
        assert!(!allows(Some("none"), "skills/brand-voice"));
        assert!(allows(None, "anything"));
    }
}
