//! The runtime's modules import only downward: each module may use the modules of
//! lower layers and of its own layer's lower rows, never one above it. The order is
//! the one ARCHITECTURE.md draws; a new module must be placed here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bottom to top. A module may import any module listed before it.
const LAYERS: &[&str] = &[
    "tls",
    "message",
    "go_json",
    "files",
    "process",
    "media",
    "provider",
    "providers",
    "classify",
    "mcp",
    "assertions",
    "tools",
    "validators",
    "skills",
    "a2a",
    "conversation",
    "pack",
    "arena::results",
    "arena::report",
    "arena::trials",
    "arena::scoring",
    "arena::memory",
    "arena::workflow",
    "arena::setup",
    "arena::suite",
    "arena::judge",
    "arena::selfplay",
    "arena::pack_evals",
    "arena::evals",
    "arena::case",
    "arena::run",
    "arena",
    "private",
];

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file belongs to: its top-level module, or `arena::<child>` inside the
/// arena.
fn module_of(relative: &Path) -> String {
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    match parts.as_slice() {
        [arena, child, ..] if arena == "arena" && child != "mod" => format!("arena::{child}"),
        [first, ..] => first.clone(),
        [] => unreachable!("a file has a name"),
    }
}

/// The modules a line names through `crate::` (and `super::` inside the arena).
fn targets(line: &str, in_arena_child: bool) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        let rest = &line[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(group.split(',').map(|p| ident(p.trim())));
            continue;
        }
        let first = ident(rest);
        if first == "arena" {
            let child = ident(rest["arena".len()..].trim_start_matches("::"));
            found.push(if child.is_empty() {
                first
            } else {
                format!("arena::{child}")
            });
        } else {
            found.push(first);
        }
    }
    if in_arena_child {
        for (at, _) in line.match_indices("super::") {
            found.push(format!("arena::{}", ident(&line[at + "super::".len()..])));
        }
    }
    found.retain(|t| !t.is_empty() && t != "arena::");
    found
}

#[test]
fn runtime_modules_import_only_downward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut upward = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        if relative == Path::new("lib.rs") {
            continue;
        }
        let module = module_of(relative);
        let module = if module == "private" || relative.starts_with("private.rs") {
            "private".to_owned()
        } else {
            module
        };
        let Some(&own) = rank.get(module.as_str()) else {
            panic!(
                "{}: module `{module}` has no place in LAYERS",
                relative.display()
            );
        };
        // A direct child of the arena folder resolves `super::` among its siblings.
        let in_arena_child =
            relative.parent() == Some(Path::new("arena")) && !relative.ends_with("mod.rs");
        let text = std::fs::read_to_string(&file).expect("readable source");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (number, line) in code.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            for target in targets(line, in_arena_child) {
                if target == module || target == "self" || target == "super" {
                    continue;
                }
                match rank.get(target.as_str()) {
                    Some(&theirs) if theirs < own => {}
                    Some(_) => upward.push(format!(
                        "{}:{}: `{module}` imports `{target}`, which is not below it",
                        relative.display(),
                        number + 1
                    )),
                    None => {}
                }
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}
