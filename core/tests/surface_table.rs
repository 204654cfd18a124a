//! The Rust typed surface is the surface table's (`spec/surface.toml`): every place and helper
//! the table names is a method reached from `Client` through namespace accessors, and no public
//! namespace method is missing from the table (`options`, which every namespace has, aside).

mod common;

use std::collections::{BTreeMap, BTreeSet};

type Surface = BTreeMap<String, BTreeSet<String>>;

/// `(type, fn name, has arguments besides &self, return type)` of every `pub fn` in an `impl`
/// block of `core/src/resources`.
fn signatures() -> Vec<(String, String, bool, String)> {
    let dir = common::repo_root().join("core/src/resources");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let src = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut current: Option<String> = None;
        for line in src.lines() {
            if let Some(rest) = line.strip_prefix("impl ") {
                current = rest.strip_suffix(" {").filter(|t| !t.contains(' ')).map(str::to_string);
                continue;
            }
            if line == "}" {
                current = None;
                continue;
            }
            let (Some(ty), Some(sig)) = (&current, line.strip_prefix("    pub ")) else { continue };
            let sig = sig.strip_prefix("async ").unwrap_or(sig);
            let Some(sig) = sig.strip_prefix("fn ") else { continue };
            let name: String = sig.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let Some(args) = sig.split_once("(&self").map(|(_, a)| a) else { continue };
            let has_args = !args.starts_with(')');
            let ret = args.split_once("-> ").map(|(_, r)| r.trim_end_matches(" {").trim().to_string()).unwrap_or_default();
            out.push((ty.clone(), name, has_args, ret));
        }
    }
    out
}

fn rust_surface() -> Surface {
    let sigs = signatures();
    let types: BTreeSet<&str> = sigs.iter().map(|(t, ..)| t.as_str()).collect();
    let is_accessor = |has_args: bool, ret: &str| !has_args && types.contains(ret);
    let mut out = Surface::new();
    let mut todo: Vec<(String, String)> = sigs.iter().filter(|(t, _, a, r)| t == "Client" && is_accessor(*a, r)).map(|(_, n, _, r)| (n.clone(), r.clone())).collect();
    while let Some((path, ty)) = todo.pop() {
        let methods = out.entry(path.clone()).or_default();
        for (t, name, has_args, ret) in &sigs {
            if t != &ty || name == "options" {
                continue;
            }
            if is_accessor(*has_args, ret) {
                todo.push((format!("{path}.{name}"), ret.clone()));
            } else {
                methods.insert(name.clone());
            }
        }
    }
    out
}

/// Namespace path -> methods, from the table's places and helpers.
fn table_surface() -> Surface {
    let text = std::fs::read_to_string(common::repo_root().join("spec/surface.toml")).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let mut out = Surface::new();
    let mut add = |place: &str| {
        let (ns, method) = place.rsplit_once('.').unwrap();
        out.entry(ns.to_string()).or_default().insert(method.to_string());
        let parts: Vec<&str> = ns.split('.').collect();
        for i in 1..parts.len() {
            out.entry(parts[..i].join(".")).or_default();
        }
    };
    for (_, op) in table["ops"].as_table().unwrap() {
        add(op["place"].as_str().unwrap());
        for h in op.get("helpers").and_then(|h| h.as_array()).into_iter().flatten() {
            add(h["place"].as_str().unwrap());
        }
    }
    out
}

#[test]
fn the_rust_surface_is_the_table() {
    let (rust, table) = (rust_surface(), table_surface());
    assert!(rust.len() >= 30 && rust.values().map(BTreeSet::len).sum::<usize>() >= 80, "the walk found too little: {rust:?}");
    assert_eq!(rust.keys().collect::<Vec<_>>(), table.keys().collect::<Vec<_>>(), "namespaces differ");
    let problems: Vec<String> = table
        .iter()
        .filter(|(ns, m)| rust[*ns] != **m)
        .map(|(ns, m)| format!("{ns}: missing {:?}, not in the table {:?}", m.difference(&rust[ns]).collect::<Vec<_>>(), rust[ns].difference(m).collect::<Vec<_>>()))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_table_entry_is_an_operation_of_the_spec() {
    let text = std::fs::read_to_string(common::repo_root().join("spec/surface.toml")).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let ids: BTreeSet<&str> = table["ops"].as_table().unwrap().keys().map(String::as_str).collect();
    let ops: BTreeSet<&str> = empiriolabs::operations::OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(ids, ops);
}
