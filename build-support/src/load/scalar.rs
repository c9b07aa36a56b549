//! Locating a piece of a string value (a `{{var}}` inside a template) in the YAML file,
//! whatever the scalar style (plain, quoted, literal `|`, folded `>`).

use std::ops::Range;
use std::path::Path;

use crate::diagnostic::SourceLocation;
use crate::model::Spanned;

/// The file location of `range` (byte offsets into `scalar.value`) in `source`, the text
/// of `path`. Falls back to the scalar's own location when the piece cannot be matched
/// (e.g. it spans an escape sequence or a folded line break).
pub fn locate_in_scalar(
    path: &Path,
    source: &str,
    scalar: &Spanned<String>,
    range: Range<usize>,
) -> Option<SourceLocation> {
    let fallback = SourceLocation::from_yaml(path, &scalar.referenced);
    let value = &scalar.value;
    let Some(needle) = value.get(range.clone()).filter(|n| !n.is_empty()) else {
        return fallback;
    };
    // Which occurrence of the needle in the value is meant.
    let nth = value
        .match_indices(needle)
        .take_while(|(i, _)| *i < range.start)
        .count();
    let span = scalar.referenced.span();
    let Some(start) = span.byte_offset().and_then(|o| usize::try_from(o).ok()) else {
        return fallback;
    };
    let end = span
        .byte_len()
        .and_then(|l| usize::try_from(l).ok())
        .map_or(source.len(), |l| start.saturating_add(l).min(source.len()));
    let Some(slice) = source.get(start..end) else {
        return fallback;
    };
    let Some((found, _)) = slice.match_indices(needle).nth(nth) else {
        return fallback;
    };
    let offset = start + found;
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    Some(
        SourceLocation::new(
            path,
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
        .with_span(offset..offset + needle.len()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Doc {
        t: Spanned<String>,
    }

    fn locate(yaml: &str, needle: &str, nth: usize) -> (u32, u32) {
        let doc: Doc = serde_saphyr::from_str(yaml).expect("parses");
        let start = doc
            .t
            .value
            .match_indices(needle)
            .nth(nth)
            .expect("in value")
            .0;
        let loc = locate_in_scalar(
            Path::new("f.yaml"),
            yaml,
            &doc.t,
            start..start + needle.len(),
        )
        .expect("located");
        let span = loc.span.clone().expect("span");
        assert_eq!(&yaml[span], needle);
        (loc.line, loc.column)
    }

    #[test]
    fn literal_block() {
        let yaml = "t: |\n  Hello {{name}}.\n\n  Bye {{name}} from {{co}}\nx: 1\n";
        assert_eq!(locate(yaml, "{{name}}", 0), (2, 9));
        assert_eq!(locate(yaml, "{{name}}", 1), (4, 7));
        assert_eq!(locate(yaml, "{{co}}", 0), (4, 21));
    }

    #[test]
    fn folded_quoted_and_plain() {
        let yaml = "t: >\n  one {{a}}\n  two {{b}}\n";
        assert_eq!(locate(yaml, "{{b}}", 0), (3, 7));
        let yaml = "t: \"say \\\"hi\\\" {{a}}\"\n";
        assert_eq!(locate(yaml, "{{a}}", 0), (1, 16));
        let yaml = "t: plain {{a}} text\n";
        assert_eq!(locate(yaml, "{{a}}", 0), (1, 10));
        let yaml = "t: 'it''s {{a}}'\n";
        assert_eq!(locate(yaml, "{{a}}", 0), (1, 11));
    }

    #[test]
    fn unmatched_pieces_fall_back_to_the_scalar() {
        let yaml = "t: \"a\\tb\"\n";
        let doc: Doc = serde_saphyr::from_str(yaml).expect("parses");
        let loc = locate_in_scalar(Path::new("f.yaml"), yaml, &doc.t, 0..3).expect("fallback");
        assert_eq!((loc.line, loc.column), (1, 4));
        assert!(locate_in_scalar(Path::new("f.yaml"), yaml, &doc.t, 2..99).is_some());
    }
}
