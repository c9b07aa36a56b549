//! Patterns from configs mean what they mean in Go (RE2), the reference's engine.
//!
//! The `regex` crate and RE2 share their syntax but not the meaning of the Perl
//! classes: in Go `\d`, `\w`, `\s` and the word boundaries `\b`, `\B` are ASCII-only,
//! in the `regex` crate they are Unicode-aware. [`translate`] rewrites a pattern so the
//! crate matches as Go does: `\d` → `[0-9]`, `\w` → `[0-9A-Za-z_]`, `\s` →
//! `[\t\n\f\r ]` (Go's `\s` has no `\v`), their negations likewise (nested classes
//! inside brackets), and `\b`/`\B` → the crate's ASCII boundaries `(?-u:\b)`/`(?-u:\B)`.
//! So "café" is not a whole word in "un café noir" and "secret" is one in
//! "secretário", as in Go. Everything else (`.`, `\pL`, `(?i)` folding) already agrees.

/// `pattern` rewritten for Go's ASCII Perl classes and word boundaries.
pub(crate) fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Depth of `[...]` nesting; 0 outside any class.
    let mut class_depth = 0usize;
    // Whether the next char starts a class body (a `]` or `^]` there is literal).
    let mut class_start = false;
    while let Some(c) = chars.next() {
        let at_class_start = std::mem::take(&mut class_start);
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let inside = class_depth > 0;
                match (next, inside) {
                    ('d', false) => out.push_str("[0-9]"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', false) => out.push_str(r"[\t\n\f\r ]"),
                    ('S', false) => out.push_str(r"[^\t\n\f\r ]"),
                    ('b', false) => out.push_str(r"(?-u:\b)"),
                    ('B', false) => out.push_str(r"(?-u:\B)"),
                    ('d', true) => out.push_str("0-9"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('s', true) => out.push_str(r"\t\n\f\r "),
                    ('D', true) => out.push_str("[^0-9]"),
                    ('W', true) => out.push_str("[^0-9A-Za-z_]"),
                    ('S', true) => out.push_str(r"[^\t\n\f\r ]"),
                    (other, _) => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '[' => {
                out.push('[');
                // `[:alpha:]` inside a class is a POSIX class, not a nested class.
                if class_depth > 0 && chars.peek() == Some(&':') {
                    for p in chars.by_ref() {
                        out.push(p);
                        if p == ']' {
                            break;
                        }
                    }
                    continue;
                }
                class_depth += 1;
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                class_start = true;
            }
            ']' if class_depth > 0 && !at_class_start => {
                class_depth -= 1;
                out.push(']');
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::translate;
    use regex::Regex;

    fn go(pattern: &str) -> Regex {
        Regex::new(&translate(pattern)).expect("compiles")
    }

    // Expectations from Go's documented RE2 syntax: `\d` `[0-9]`, `\s` `[\t\n\f\r ]`,
    // `\w` `[0-9A-Za-z_]`, `\b` "at ASCII word boundary".
    #[test]
    fn perl_classes_are_ascii() {
        assert!(!go(r"^\d$").is_match("٣"));
        assert!(go(r"^\d+$").is_match("2026"));
        assert!(!go(r"^\w+$").is_match("café"));
        assert!(go(r"^\W$").is_match("é"));
        assert!(!go(r"\s").is_match("\u{a0}"));
        assert!(!go(r"\s").is_match("\u{b}"));
        assert!(go(r"^\S+$").is_match("naïve"));
    }

    #[test]
    fn word_boundaries_are_ascii() {
        let word = |w: &str| go(&format!(r"(?i)\b{}\b", regex::escape(w)));
        assert!(!word("café").is_match("un café noir"));
        assert!(word("secret").is_match("o secretário"));
        assert!(word("guarantee").is_match("We guarantee it"));
        // `f` is a word character and `é` is not (ASCII): a boundary lies between them.
        assert!(go(r"\bé").is_match("café"));
        assert!(!go(r"\Bé").is_match("café"));
    }

    #[test]
    fn classes_keep_their_meaning() {
        assert!(go(r"^[\d.]+$").is_match("3.14"));
        assert!(!go(r"^[\d.]+$").is_match("٣"));
        assert!(go(r"^[^\s]+$").is_match("a\u{a0}b"));
        assert!(go(r"^[\D]$").is_match("x"));
        assert!(go(r"^[[:alpha:]\d]+$").is_match("ab12"));
        assert!(go(r"^[]a]+$").is_match("]a"));
        assert!(go(r"\\d").is_match(r"\d"));
        assert!(go(r"(?i)^hello\.$").is_match("HELLO."));
    }
}
