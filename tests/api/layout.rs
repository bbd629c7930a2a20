//! The code's layout: no two top-level modules of `src/` import each other, directly or
//! round a longer circle, so each can be read (and replaced) standing on the ones below it.
//! Read from the source text: every `crate::NAME` path a file of one module names outside
//! comments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module -> the top-level modules it names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![src.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_string_lossy().trim_end_matches(".rs").to_string();
        if module == "main" || module == "lib" {
            continue;
        }
        // Code only: a comment may name a module without importing it.
        let text: String = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let named = graph.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module && name != "error_chain" {
                named.insert(name);
            }
        }
    }
    graph
}

/// A circle through `from`, if there is one: the modules on it, in order.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
        target: &str,
    ) -> bool {
        let here = path.last().unwrap().clone();
        for next in graph.get(&here).into_iter().flatten() {
            if next == target {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, path, seen, target) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![from.to_string()];
    walk(graph, &mut path, &mut BTreeSet::new(), from).then_some(path)
}

#[test]
fn no_top_level_modules_import_each_other_round_a_circle() {
    let graph = imports();
    assert!(
        graph.contains_key("store") && graph["web"].contains("store"),
        "read: {graph:?}"
    );
    let circles: Vec<String> = graph
        .keys()
        .filter_map(|m| circle(&graph, m))
        .map(|c| format!("{} -> {}", c.join(" -> "), c[0]))
        .collect();
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn only_the_replica_module_knows_nats() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.clone()];
    let mut knowing = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if std::fs::read_to_string(&path).is_ok_and(|t| t.contains("async_nats")) {
            knowing.push(path.strip_prefix(&src).unwrap().display().to_string());
        }
    }
    assert_eq!(knowing, vec!["replica/jetstream/mod.rs".to_string()]);
}

/// Every `.rs` file under `src/` and `tests/`, with its text.
fn rust_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("src"), root.join("tests")];
    let mut found = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            if entry.is_dir() {
                dirs.push(entry);
            } else if entry.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&entry).unwrap();
                let name = entry.strip_prefix(root).unwrap().display().to_string();
                found.push((name, text));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_file_over_500_lines_says_why_at_its_top() {
    let files = rust_files();
    assert!(files.len() > 50, "read {} files", files.len());
    let unexplained: Vec<String> = files
        .iter()
        .filter(|(_, text)| text.lines().count() > 500)
        .filter(|(_, text)| {
            !text
                .lines()
                .take(30)
                .any(|l| l.starts_with("//!") && l.contains("Longer than 500 lines"))
        })
        .map(|(name, text)| format!("{name}: {} lines", text.lines().count()))
        .collect();
    assert!(
        unexplained.is_empty(),
        "files over 500 lines without `//! Longer than 500 lines because ...` at their top:\n{}",
        unexplained.join("\n")
    );
}
