//! rustc-style rendering of diagnostics with annotate-snippets.

use std::borrow::Cow;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::source::{offset_of, token_span};
use super::{Diagnostic, Diagnostics, Severity, SourceCache, SourceLocation};

/// How to render: plain text (compile errors, logs) or ANSI-colored (terminals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RenderStyle {
    /// No colors; `-->` and `|` decorations like rustc without a terminal.
    #[default]
    Plain,
    /// ANSI colors for terminals.
    Styled,
}

impl RenderStyle {
    fn renderer(self) -> Renderer {
        match self {
            RenderStyle::Plain => Renderer::plain(),
            RenderStyle::Styled => Renderer::styled(),
        }
    }
}

/// Renders one diagnostic.
pub(super) fn render(diag: &Diagnostic, sources: &SourceCache, style: RenderStyle) -> String {
    let level = match diag.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_title(level.primary_title(diag.message.as_str()));
    let mut pending_labels: Vec<&super::Label> = diag.labels.iter().collect();

    if let Some(loc) = &diag.location {
        match located(loc, sources) {
            Some((text, span)) => {
                let mut snippet = Snippet::source(text)
                    .path(display_path(loc))
                    .annotation(primary(span, diag.primary_label.as_deref()));
                // Secondary labels in the same file go into the same snippet.
                pending_labels.retain(|label| {
                    if label.location.path != loc.path {
                        return true;
                    }
                    match located(&label.location, sources) {
                        Some((_, span)) => {
                            snippet = std::mem::replace(&mut snippet, Snippet::source(""))
                                .annotation(
                                    AnnotationKind::Context
                                        .span(span)
                                        .label(label.message.as_str()),
                                );
                            false
                        }
                        None => true,
                    }
                });
                group = group.element(snippet);
            }
            None => {
                group = group.element(origin(loc));
                if let Some(label) = &diag.primary_label {
                    group = group.element(Level::NOTE.message(label.as_str()));
                }
            }
        }
    } else if let Some(label) = &diag.primary_label {
        group = group.element(Level::NOTE.message(label.as_str()));
    }

    for label in pending_labels {
        match located(&label.location, sources) {
            Some((text, span)) => {
                group = group.element(
                    Snippet::source(text)
                        .path(display_path(&label.location))
                        .annotation(
                            AnnotationKind::Context
                                .span(span)
                                .label(label.message.as_str()),
                        ),
                );
            }
            None => {
                let msg = format!("{}: {}", label.location, label.message);
                group = group.element(Level::NOTE.message(msg));
            }
        }
    }
    for note in &diag.notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    for help in &diag.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    style.renderer().render(&[group])
}

/// Renders every diagnostic, separated by blank lines, ending with a newline.
pub(super) fn render_all(diags: &Diagnostics, sources: &SourceCache, style: RenderStyle) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render(d, sources, style));
        out.push_str("\n\n");
    }
    if out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn primary<'a>(span: Range<usize>, label: Option<&'a str>) -> annotate_snippets::Annotation<'a> {
    let ann = AnnotationKind::Primary.span(span);
    match label {
        Some(l) => ann.label(l),
        None => ann,
    }
}

fn display_path(loc: &SourceLocation) -> String {
    loc.path.display().to_string()
}

fn origin(loc: &SourceLocation) -> Origin<'static> {
    let o = Origin::path(Cow::Owned(display_path(loc)));
    if loc.has_position() {
        o.line(loc.line as usize).char_column(loc.column as usize)
    } else {
        o
    }
}

/// The file text and a valid byte span for a location, when both can be found.
fn located<'s>(loc: &SourceLocation, sources: &'s SourceCache) -> Option<(&'s str, Range<usize>)> {
    if !loc.has_position() {
        return None;
    }
    let text = sources.get(&loc.path)?;
    let valid = |r: &Range<usize>| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    let span = match &loc.span {
        Some(r) if valid(r) && r.start < r.end => r.clone(),
        Some(r) if valid(r) => token_span(text, r.start),
        _ => token_span(text, offset_of(text, loc.line, loc.column)?),
    };
    Some((text, span))
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn cache() -> SourceCache {
        let mut c = SourceCache::new();
        c.insert("p.yaml", "kind: Provider\nspec:\n  temprature: 0.7\n");
        c
    }

    #[test]
    fn renders_like_rustc_with_snippet_and_help() {
        let d = Diagnostic::error("unknown field `temprature`")
            .at(SourceLocation::new("p.yaml", 3, 3))
            .with_label("unknown field")
            .with_help("did you mean `temperature`?");
        let out = d.render(&cache());
        let expected = "\
error: unknown field `temprature`
 --> p.yaml:3:3
  |
3 |   temprature: 0.7
  |   ^^^^^^^^^^ unknown field
  |
  = help: did you mean `temperature`?";
        assert_eq!(out, expected);
    }

    #[test]
    fn explicit_byte_span_wins_over_line_column() {
        let d = Diagnostic::warning("odd value")
            .at(SourceLocation::new("p.yaml", 3, 3).with_span(35..38));
        let out = d.render(&cache());
        assert!(
            out.starts_with("warning: odd value\n --> p.yaml:3:15"),
            "{out}"
        );
        assert!(out.contains("^^^"), "{out}");
    }

    #[test]
    fn without_source_shows_origin_only() {
        let d = Diagnostic::error("missing file").at(SourceLocation::new("gone.yaml", 2, 5));
        let out = d.render(&SourceCache::new());
        assert!(out.contains("--> gone.yaml:2:5"), "{out}");
        let d = Diagnostic::error("missing file").in_file("gone.yaml");
        assert!(d.render(&SourceCache::new()).contains("--> gone.yaml"));
    }

    #[test]
    fn out_of_range_locations_do_not_panic() {
        for (line, col, span) in [
            (99, 1, None),
            (1, 999, None),
            (1, 1, Some(std::ops::Range { start: 5, end: 2 })),
            (1, 1, Some(0..999)),
        ] {
            let mut loc = SourceLocation::new("p.yaml", line, col);
            loc.span = span;
            let _ = Diagnostic::error("x").at(loc).render(&cache());
        }
    }

    #[test]
    fn secondary_labels_render_in_same_snippet() {
        let d = Diagnostic::error("duplicate id")
            .at(SourceLocation::new("p.yaml", 3, 3))
            .with_secondary(SourceLocation::new("p.yaml", 1, 7), "first here");
        let out = d.render(&cache());
        assert!(out.contains("first here"), "{out}");
        assert_eq!(out.matches("-->").count(), 1, "{out}");
    }

    #[test]
    fn diagnostics_serialize_for_machine_output() {
        let d = Diagnostic::error("bad")
            .at(SourceLocation::new("a.yaml", 3, 4).with_span(10..12))
            .with_help("fix it");
        let json = serde_json::to_value(Diagnostics::from(vec![d])).expect("serializes");
        assert_eq!(json[0]["severity"], "error");
        assert_eq!(json[0]["location"]["path"], "a.yaml");
        assert_eq!(json[0]["location"]["line"], 3);
        assert_eq!(json[0]["location"]["span"]["start"], 10);
        assert_eq!(json[0]["help"][0], "fix it");
    }

    #[test]
    fn sink_counts_and_display() {
        let mut sink = Diagnostics::new();
        sink.error(Some(SourceLocation::new("a.yaml", 1, 2)), "bad");
        sink.warning(None, "meh");
        assert!(sink.has_errors());
        assert_eq!((sink.error_count(), sink.warning_count()), (1, 1));
        let first = sink.iter().next().map(ToString::to_string);
        assert_eq!(first.as_deref(), Some("a.yaml:1:2: error: bad"));
        assert_eq!(
            sink.summary().as_deref(),
            Some("1 error and 1 warning emitted")
        );
        assert_eq!(Diagnostics::new().summary(), None);
        let all = sink.render(&SourceCache::new(), RenderStyle::Plain);
        assert!(
            all.contains("error: bad") && all.contains("warning: meh"),
            "{all}"
        );
    }
}
