//! The field-status table (`fields.tsv`): what this runtime does with every field of
//! every kind — the one source the checker and `FIELDS.md` read.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

/// The table's text, compiled in.
pub const TABLE: &str = include_str!("fields.tsv");

/// The sections of the table: the envelope every document shares, the seven arena
/// kinds, and the mock-responses file.
pub const KINDS: [&str; 9] = [
    ENVELOPE,
    "Arena",
    "PromptConfig",
    "Provider",
    "Scenario",
    "Tool",
    "Persona",
    "Eval",
    MOCK_RESPONSES,
];

/// The table's name for the fields around `spec` (`apiVersion`, `kind`, `metadata`).
pub const ENVELOPE: &str = "Envelope";

/// The table's name for the mock provider's response file (it has no `kind:`).
pub const MOCK_RESPONSES: &str = "MockResponses";

/// Maps whose values follow the rows of another place: `(kind, path)` → `(kind, path)`.
/// Inline specs of the Arena follow their kind; self-play mock responses follow the
/// scenario ones.
pub const MOUNTS: [(&str, &str, &str, &str); 7] = [
    ("Arena", "provider_specs.*", "Provider", ""),
    ("Arena", "scenario_specs.*", "Scenario", ""),
    ("Arena", "eval_specs.*", "Eval", ""),
    ("Arena", "tool_specs.*", "Tool", ""),
    ("Arena", "prompt_specs.*", "PromptConfig", ""),
    ("Arena", "self_play.persona_specs.*", "Persona", ""),
    (MOCK_RESPONSES, "selfplay.*", MOCK_RESPONSES, "scenarios.*"),
];

/// What the runtime does with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// The runtime does what the reference does with it.
    Executed,
    /// Accepted but not executed: the checker warns at the field.
    Warned,
    /// Ignoring it would send data or keys where the user did not ask: a checker error.
    Refused,
}

impl Status {
    /// The table's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Executed => "executed",
            Status::Warned => "warned",
            Status::Refused => "refused",
        }
    }

    fn parse(text: &str) -> Option<Status> {
        [Status::Executed, Status::Warned, Status::Refused]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The document kind (one of [`KINDS`]).
    pub kind: &'static str,
    /// The field's path from `spec` (`turns[].streaming`, `provider_specs.*`).
    pub path: &'static str,
    /// What the runtime does with it.
    pub status: Status,
    /// Why, in a few words.
    pub note: &'static str,
}

/// A line of `fields.tsv` that is not a row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fields.tsv line {line}: {problem}")]
pub struct TableError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub problem: String,
}

/// The table, parsed once; malformed lines are left out (the table test reports them).
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Row>,
    /// Row index by kind, then path.
    by_path: HashMap<&'static str, HashMap<&'static str, usize>>,
    /// Mappings with free keys, by kind.
    free_keyed: HashMap<&'static str, HashSet<&'static str>>,
}

impl Table {
    /// The compiled-in table.
    pub fn get() -> &'static Table {
        static TABLE_ONCE: OnceLock<Table> = OnceLock::new();
        TABLE_ONCE.get_or_init(|| Table::from_rows(parse(TABLE).0))
    }

    fn from_rows(rows: Vec<Row>) -> Table {
        let mut table = Table::default();
        for (i, row) in rows.iter().enumerate() {
            table
                .by_path
                .entry(row.kind)
                .or_default()
                .insert(row.path, i);
            for (at, _) in row.path.match_indices(".*") {
                table.mark_free_keyed(row.kind, &row.path[..at]);
            }
        }
        for (kind, path, _, _) in MOUNTS {
            if let Some(map) = path.strip_suffix(".*") {
                table.mark_free_keyed(kind, map);
            }
        }
        table.rows = rows;
        table
    }

    fn mark_free_keyed(&mut self, kind: &'static str, path: &'static str) {
        self.free_keyed.entry(kind).or_default().insert(path);
    }

    /// Every row, in table order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The row of a field.
    pub fn row(&self, kind: &str, path: &str) -> Option<&Row> {
        let index = self.by_path.get(kind)?.get(path)?;
        self.rows.get(*index)
    }

    /// True when the mapping at `path` has free keys (`path.*` rows or a mount).
    pub fn is_free_keyed(&self, kind: &str, path: &str) -> bool {
        self.free_keyed
            .get(kind)
            .is_some_and(|paths| paths.contains(path))
    }

    /// Where the values of a free-keyed mapping take their rows from, when elsewhere.
    pub fn mount(&self, kind: &str, path: &str) -> Option<(&'static str, &'static str)> {
        MOUNTS
            .iter()
            .find(|(k, p, _, _)| *k == kind && *p == path)
            .map(|&(_, _, to_kind, to_path)| (to_kind, to_path))
    }
}

/// Parses `text` as the table: the rows, and the lines that are not rows.
pub fn parse(text: &'static str) -> (Vec<Row>, Vec<TableError>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_row(line) {
            Ok(row) => rows.push(row),
            Err(problem) => errors.push(TableError {
                line: i + 1,
                problem,
            }),
        }
    }
    (rows, errors)
}

fn parse_row(line: &'static str) -> Result<Row, String> {
    let mut cells = line.splitn(4, '\t');
    let (Some(kind), Some(path), Some(status)) = (cells.next(), cells.next(), cells.next()) else {
        return Err("expected kind<TAB>path<TAB>status<TAB>note".into());
    };
    let kind = KINDS
        .into_iter()
        .find(|k| *k == kind)
        .ok_or_else(|| format!("unknown kind `{kind}`"))?;
    let status = Status::parse(status)
        .ok_or_else(|| format!("unknown status `{status}` (executed, warned or refused)"))?;
    if path.is_empty() || path.contains(char::is_whitespace) {
        return Err(format!("bad path `{path}`"));
    }
    Ok(Row {
        kind,
        path,
        status,
        note: cells.next().unwrap_or_default().trim(),
    })
}

/// `FIELDS.md`: the table as Markdown, one section per kind.
pub fn markdown() -> String {
    let table = Table::get();
    let mut out = String::from(
        "# Field status\n\n\
         What this runtime does with every field of every PromptArena kind. Generated from\n\
         `build-support/src/check/fields/fields.tsv` (edit that file, then run\n\
         `UPDATE_FIELDS_MD=1 cargo test -p promptkit-build --test it fields_table`).\n\n\
         - **executed**: the runtime does what the reference does with it.\n\
         - **warned**: accepted, not executed; `validate` and the macros warn at its line.\n\
         - **refused**: ignoring it would send data or keys where you did not ask; the\n  \
         checker reports an error at its line.\n\n\
         Paths start at `spec` (at the document for the envelope and the mock-responses\n\
         file); `a[]` are the\n\
         items of a sequence, `a.*` the values of a mapping with free keys. Fields under a\n\
         warned or refused field share its status. Inline specs of the Arena\n\
         (`provider_specs.*`, `scenario_specs.*`, `eval_specs.*`, `tool_specs.*`,\n\
         `prompt_specs.*`, `self_play.persona_specs.*`) follow the rows of their kind.\n",
    );
    for kind in KINDS {
        let rows: Vec<&Row> = table.rows().iter().filter(|r| r.kind == kind).collect();
        let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
        out.push_str(&format!(
            "\n## {kind}\n\n{} executed, {} warned, {} refused.\n\n| field | status | note |\n|---|---|---|\n",
            count(Status::Executed),
            count(Status::Warned),
            count(Status::Refused),
        ));
        for row in rows {
            let status = match row.status {
                Status::Executed => "executed".to_owned(),
                other => format!("**{other}**"),
            };
            out.push_str(&format!(
                "| `{}` | {status} | {} |\n",
                row.path,
                row.note.replace('|', "\\|")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses() {
        let (rows, errors) = parse(TABLE);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(rows.len() > 300, "{} rows", rows.len());
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let (_, errors) = parse("# c\nScenario\tturns\tmaybe\tx\nNope\ta\texecuted\t\n");
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3]);
        assert!(errors[0].problem.contains("unknown status `maybe`"));
        assert!(errors[1].problem.contains("unknown kind `Nope`"));
    }

    #[test]
    fn free_keyed_maps_and_mounts_are_known() {
        let table = Table::get();
        assert!(table.is_free_keyed("MockResponses", "scenarios"));
        assert!(table.is_free_keyed("MockResponses", "scenarios.*.turns"));
        assert!(table.is_free_keyed("Arena", "provider_specs"));
        assert!(!table.is_free_keyed("Scenario", "turns"));
        assert_eq!(
            table.mount("Arena", "provider_specs.*"),
            Some(("Provider", ""))
        );
        let row = table.row("Provider", "credential.api_key").expect("a row");
        assert_eq!(row.status, Status::Refused);
    }
}
