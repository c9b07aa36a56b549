//! Partial loads ([`LoadOptions::scenario_files`](super::LoadOptions::scenario_files)):
//! the entries of scenarios a process does not run are blanked out of the arena
//! config's `spec.scenarios` list and the mock-responses file's `scenarios` map before
//! they are parsed and checked, so a test that runs one case of a large project parses
//! only that case's part of the shared files.
//!
//! Blanking turns an entry's lines into comment lines of the same length (line breaks
//! stay), so every kept line, column and offset — every location a diagnostic names —
//! stays where it was, and the kept entries parse exactly as they did in the whole file. Only plain
//! block layout is blanked: a flow collection, an anchor or alias anywhere in the
//! file, or an entry sharing a line with something else leaves the text whole.

use std::borrow::Cow;

use serde_saphyr::granit_parser::{Event, Parser, Span, StructureStyle};

/// `text` with the entries of the block collection at `path` (mapping keys from the
/// document root) blanked when `keep` refuses their name: a mapping entry's key, or a
/// sequence entry's `file` value (a sequence entry without one is kept). `None` when
/// nothing is blanked (everything kept, nothing found, or a layout this does not blank).
pub(crate) fn blank_unselected(
    text: &str,
    path: &[&str],
    keep: impl Fn(&str) -> bool,
) -> Option<String> {
    if !plain_line_breaks(text) {
        return None;
    }
    let events = block_events(text)?;
    let target = find(&events, path)?;
    let entries = entries(&events, target)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut blanked = Vec::new();
    for (n, entry) in entries.iter().enumerate() {
        let first = events[entry.start].1.start.line();
        if !starts_line(&lines, &events[entry.start].1, entry.in_sequence) {
            return None;
        }
        let last = match entries.get(n + 1) {
            Some(next) => events[next.start].1.start.line().checked_sub(1)?,
            None => content_end_line(&events[entry.start..entry.end])?,
        };
        if last < first {
            return None;
        }
        if !entry.name.as_deref().is_none_or(&keep) {
            blanked.push((first, last));
        }
    }
    if blanked.is_empty() || blanked.len() == entries.len() {
        return None;
    }
    blank_lines(text, &blanked)
}

/// True when every line break of `text` is `\n` or `\r\n`, so lines are counted here
/// as the parser counts them.
fn plain_line_breaks(text: &str) -> bool {
    // Single-character searches run in the standard library's optimized code, which
    // matters in the debug builds tests run in.
    let bytes = text.as_bytes();
    let lone_cr = text
        .match_indices('\r')
        .any(|(i, _)| bytes.get(i + 1) != Some(&b'\n'));
    !lone_cr
        && !['\u{85}', '\u{2028}', '\u{2029}']
            .into_iter()
            .any(|c| text.contains(c))
}

/// Every event of `text`; `None` when it does not scan, holds anchors or aliases
/// (blanking an anchor would break its aliases), or more than one document.
fn block_events(text: &str) -> Option<Vec<(Event<'_>, Span)>> {
    let mut events = Vec::new();
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.ok()?;
        let anchored = match &event {
            Event::DocumentStart(..) => {
                documents += 1;
                false
            }
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(_, anchor, _)
            | Event::MappingStart(_, anchor, _) => *anchor != 0,
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentEnd
            | Event::SequenceEnd
            | Event::MappingEnd => false,
            _ => true,
        };
        if anchored || documents > 1 {
            return None;
        }
        events.push((event, span));
    }
    Some(events)
}

/// The index of the node at `path` (keys of nested block mappings from the root).
fn find(events: &[(Event<'_>, Span)], path: &[&str]) -> Option<usize> {
    let mut node = events
        .iter()
        .position(|(e, _)| matches!(e, Event::MappingStart(..)))?;
    for key in path {
        let Event::MappingStart(StructureStyle::Block, ..) = events[node].0 else {
            return None;
        };
        let mut at = node + 1;
        node = loop {
            match &events.get(at)?.0 {
                Event::Scalar(name, ..) if name == key => break at + 1,
                Event::Scalar(..) => at = skip(events, at + 1)?,
                _ => return None,
            }
        };
    }
    Some(node)
}

/// The index after the node starting at `at`.
fn skip(events: &[(Event<'_>, Span)], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(at) {
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => depth += 1,
            Event::SequenceEnd | Event::MappingEnd => depth = depth.checked_sub(1)?,
            Event::Scalar(..) => {}
            _ => return None,
        }
        if depth == 0 {
            return Some(i + 1);
        }
    }
    None
}

/// One entry of the collection: its events (`start..end`) and its name.
struct Entry<'a> {
    start: usize,
    end: usize,
    in_sequence: bool,
    name: Option<Cow<'a, str>>,
}

/// The entries of the block collection starting at `at`.
fn entries<'a>(events: &[(Event<'a>, Span)], at: usize) -> Option<Vec<Entry<'a>>> {
    let in_sequence = match events[at].0 {
        Event::SequenceStart(StructureStyle::Block, ..) => true,
        Event::MappingStart(StructureStyle::Block, ..) => false,
        _ => return None,
    };
    let mut out = Vec::new();
    let mut start = at + 1;
    loop {
        match &events.get(start)?.0 {
            Event::SequenceEnd | Event::MappingEnd => return Some(out),
            Event::Scalar(key, ..) if !in_sequence => {
                let end = skip(events, start + 1)?;
                out.push(Entry {
                    start,
                    end,
                    in_sequence,
                    name: Some(key.clone()),
                });
                start = end;
            }
            _ if in_sequence => {
                let end = skip(events, start)?;
                let name = file_value(&events[start..end]);
                out.push(Entry {
                    start,
                    end,
                    in_sequence,
                    name,
                });
                start = end;
            }
            _ => return None,
        }
    }
}

/// The `file` value of a sequence entry that is a mapping.
fn file_value<'a>(events: &[(Event<'a>, Span)]) -> Option<Cow<'a, str>> {
    let Event::MappingStart(..) = events.first()?.0 else {
        return None;
    };
    let mut at = 1;
    while let Some((Event::Scalar(key, ..), _)) = events.get(at) {
        if key == "file" {
            return match &events.get(at + 1)?.0 {
                Event::Scalar(value, ..) => Some(value.clone()),
                _ => None,
            };
        }
        at = skip(events, at + 1)?;
    }
    None
}

/// True when only indentation (and, in a sequence, its entry's `-`) precedes the span on
/// its line.
fn starts_line(lines: &[&str], span: &Span, in_sequence: bool) -> bool {
    let Some(line) = lines.get(span.start.line().saturating_sub(1)) else {
        return false;
    };
    let before: String = line.chars().take(span.start.col()).collect();
    let dashes = before.chars().filter(|c| *c == '-').count();
    before.chars().all(|c| c == ' ' || c == '-') && dashes == usize::from(in_sequence)
}

/// The last line holding content of an entry's events (a span ending at column 0
/// ends on the line before).
fn content_end_line(events: &[(Event<'_>, Span)]) -> Option<usize> {
    events
        .iter()
        .filter(|(e, _)| !matches!(e, Event::SequenceEnd | Event::MappingEnd))
        .map(|(_, span)| {
            let end = span.end;
            if end.col() == 0 && end.line() > span.start.line() {
                end.line() - 1
            } else {
                end.line()
            }
        })
        .max()
}

/// `text` with the 1-based line ranges `lines` (inclusive) turned into comment lines
/// of the same bytes and characters: a `#` in column 0, every other ASCII character a
/// space, other characters kept (inside the comment), so byte and character offsets of
/// the kept text do not move; a comment in column 0 also ends a block scalar before it.
/// `None` when such a line starts with a non-ASCII character.
fn blank_lines(text: &str, lines: &[(usize, usize)]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut ranges = lines.iter().peekable();
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let number = n + 1;
        while ranges.next_if(|(_, last)| *last < number).is_some() {}
        if ranges.peek().is_none_or(|(first, _)| *first > number) {
            out.push_str(line);
            continue;
        }
        let content = line.trim_end_matches(['\n', '\r']);
        if content.is_ascii() && !content.is_empty() {
            out.push('#');
            out.push_str(&" ".repeat(content.len() - 1));
            out.push_str(&line[content.len()..]);
            continue;
        }
        let mut chars = content.chars();
        match chars.next() {
            None => {}
            Some(c) if c.is_ascii() => out.push('#'),
            Some(_) => return None,
        }
        out.extend(chars.map(|c| if c.is_ascii() { ' ' } else { c }));
        out.push_str(&line[content.len()..]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARENA: &str = "\
spec:
  scenarios:
    - file: a.yaml
    # about b
    - file: b.yaml
      extra: |
        text

    - file: c.yaml
  defaults:
    concurrency: 1
";

    #[test]
    fn blanks_unselected_sequence_entries_and_keeps_lines() {
        let out =
            blank_unselected(ARENA, &["spec", "scenarios"], |f| f == "b.yaml").expect("blanked");
        let expected: Vec<&str> = vec![
            "spec:",
            "  scenarios:",
            "#",
            "#",
            "    - file: b.yaml",
            "      extra: |",
            "        text",
            "",
            "#",
            "  defaults:",
            "    concurrency: 1",
        ];
        let got: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert_eq!(got, expected);
        assert_eq!(out.len(), ARENA.len());
    }

    #[test]
    fn blanks_the_last_mapping_entry_up_to_its_content() {
        let mock = "defaultResponse: hi\nscenarios:\n  s1:\n    turns:\n      1: \"one\"\n  s2:\n    turns:\n      1: |\n        two\n\n# trailing\n";
        let out = blank_unselected(mock, &["scenarios"], |k| k == "s1").expect("blanked");
        let got: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert_eq!(
            got,
            [
                "defaultResponse: hi",
                "scenarios:",
                "  s1:",
                "    turns:",
                "      1: \"one\"",
                "#",
                "#",
                "#",
                "#",
                "",
                "# trailing"
            ]
        );
    }

    #[test]
    fn keeps_offsets_of_text_after_non_ascii_characters() {
        let mock = "scenarios:\n  a:\n    turns:\n      1: \"Café – ok\"\n  b:\n    turns:\n      1: \"fine\"\n";
        let out = blank_unselected(mock, &["scenarios"], |k| k == "b").expect("blanked");
        assert_eq!(out.len(), mock.len());
        assert_eq!(out.chars().count(), mock.chars().count());
        assert!(
            out.contains("\n#   \n#         \n#            é –    \n  b:"),
            "{out:?}"
        );
    }

    #[test]
    fn leaves_other_layouts_whole() {
        let keep_a = |f: &str| f == "a.yaml";
        let flow = "spec:\n  scenarios: [{file: a.yaml}, {file: b.yaml}]\n";
        assert!(blank_unselected(flow, &["spec", "scenarios"], keep_a).is_none());
        let anchored = "spec:\n  scenarios:\n    - &x {file: a.yaml}\n    - file: b.yaml\n";
        assert!(blank_unselected(anchored, &["spec", "scenarios"], keep_a).is_none());
        // An entry without a `file` is kept; the others still blank line by line.
        let nested = "spec:\n  scenarios:\n    - - file: a.yaml\n    - file: b.yaml\n";
        let out = blank_unselected(nested, &["spec", "scenarios"], keep_a).expect("blanked");
        let blank = format!("#{}", " ".repeat("    - file: b.yaml".len() - 1));
        assert_eq!(
            out,
            format!("spec:\n  scenarios:\n    - - file: a.yaml\n{blank}\n")
        );
        let dash_alone =
            "spec:\n  scenarios:\n    -\n      file: a.yaml\n    -\n      file: b.yaml\n";
        let out = blank_unselected(dash_alone, &["spec", "scenarios"], keep_a);
        assert!(out.is_none(), "{out:?}");
        let lone_cr = "spec:\r  scenarios:\r    - file: a.yaml\r    - file: b.yaml\r";
        assert!(blank_unselected(lone_cr, &["spec", "scenarios"], keep_a).is_none());
        let crlf = "spec:\r\n  scenarios:\r\n    - file: a.yaml\r\n    - file: b.yaml\r\n";
        let out = blank_unselected(crlf, &["spec", "scenarios"], keep_a).expect("blanked");
        assert_eq!(out.len(), crlf.len());
        assert!(out.ends_with("a.yaml\r\n#                 \r\n"), "{out:?}");
        let all_kept = "spec:\n  scenarios:\n    - file: a.yaml\n";
        assert!(blank_unselected(all_kept, &["spec", "scenarios"], keep_a).is_none());
        assert!(blank_unselected(ARENA, &["spec", "missing"], keep_a).is_none());
    }
}
