//! The operation table against openapi.yaml: every operation present with the same method,
//! path, public flag, path parameters and required body fields, and nothing extra.

mod common;

use std::collections::BTreeSet;

use empiriolabs::operations::{BodyKind, OPERATIONS};
use serde_norway::Value;

fn spec() -> Value {
    let path = common::spec_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap()
}

/// Follows a local `$ref` (`#/components/schemas/X`).
fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => r.trim_start_matches("#/").split('/').fold(spec, |node, key| &node[key]),
        None => v,
    }
}

struct SpecOp {
    method: String,
    path: String,
    public: bool,
    required: BTreeSet<String>,
    multipart: bool,
}

fn spec_ops(spec: &Value) -> std::collections::BTreeMap<String, SpecOp> {
    let mut out = std::collections::BTreeMap::new();
    for (path, item) in spec["paths"].as_mapping().unwrap() {
        for (method, op) in item.as_mapping().unwrap() {
            let method = method.as_str().unwrap();
            if !["get", "post", "put", "patch", "delete"].contains(&method) {
                continue;
            }
            let content = &op["requestBody"]["content"];
            // Multipart operations also take JSON; the fields required in every form count.
            let schemas: Vec<&Value> = ["application/json", "multipart/form-data"].iter().map(|ct| resolve(spec, &content[*ct]["schema"])).filter(|s| !s.is_null()).collect();
            let mut required: Option<BTreeSet<String>> = None;
            for s in &schemas {
                let set: BTreeSet<String> = s["required"].as_sequence().map(|r| r.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default();
                required = Some(match required {
                    None => set,
                    Some(prev) => prev.intersection(&set).cloned().collect(),
                });
            }
            out.insert(
                op["operationId"].as_str().unwrap().to_string(),
                SpecOp {
                    method: method.to_uppercase(),
                    path: path.as_str().unwrap().to_string(),
                    public: op["security"].as_sequence().is_some_and(|s| s.is_empty()),
                    required: required.unwrap_or_default(),
                    multipart: !content["multipart/form-data"].is_null(),
                },
            );
        }
    }
    out
}

#[test]
fn table_and_spec_agree() {
    let spec = spec();
    let documented = spec_ops(&spec);
    assert_eq!(documented.len(), 66, "openapi.yaml should have 66 operations");
    let ours: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.id).collect();
    let theirs: BTreeSet<&str> = documented.keys().map(String::as_str).collect();
    assert_eq!(ours, theirs, "operations missing from the table: {:?}; not in the spec: {:?}", theirs.difference(&ours).collect::<Vec<_>>(), ours.difference(&theirs).collect::<Vec<_>>());
    assert_eq!(OPERATIONS.len(), 66, "an operation is listed twice");

    let mut problems = Vec::new();
    for op in OPERATIONS {
        let s = &documented[op.id];
        if op.method != s.method || op.path != s.path {
            problems.push(format!("{}: table {} {} vs spec {} {}", op.id, op.method, op.path, s.method, s.path));
        }
        if op.public != s.public {
            problems.push(format!("{}: public {} vs spec {}", op.id, op.public, s.public));
        }
        let ours: BTreeSet<String> = op.required.iter().map(|r| r.to_string()).collect();
        if ours != s.required {
            problems.push(format!("{}: required {:?} vs spec {:?}", op.id, ours, s.required));
        }
        if s.multipart != (op.body == BodyKind::MultipartOrJson) {
            problems.push(format!("{}: multipart body kind disagrees with the spec", op.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn path_parameters_match_the_template() {
    for op in OPERATIONS {
        let names: Vec<&str> = op.path_params().collect();
        let expected = op.path.matches('{').count();
        assert_eq!(names.len(), expected, "{}", op.id);
    }
}

/// Every operation is reachable from the typed surface (the namespaces and the job handle they
/// return), not only through `invoke`.
#[test]
fn every_operation_has_a_typed_method() {
    let src = common::repo_root().join("core/src");
    let mut source = std::fs::read_to_string(src.join("job.rs")).unwrap();
    for entry in std::fs::read_dir(src.join("resources")).unwrap() {
        source.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    let table = std::fs::read_to_string(src.join("operations.rs")).unwrap();
    let consts: Vec<(String, String)> = table
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .filter_map(|l| {
            let (name, rest) = l.split_once(": &str = \"")?;
            Some((name.to_string(), rest.strip_suffix("\";")?.to_string()))
        })
        .collect();
    let ids: BTreeSet<&str> = consts.iter().map(|(_, v)| v.as_str()).collect();
    let table_ids: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(ids, table_ids, "one `id::` constant per operation of the table");
    let missing: Vec<&str> = consts.iter().filter(|(name, _)| !source.contains(&format!("id::{name}"))).map(|(_, v)| v.as_str()).collect();
    assert!(missing.is_empty(), "operations without a typed method: {missing:?}");
}
