//! The shared scenarios of tests/scenarios/ (format in its README.md), run through the core's
//! public API: load them, fill `${placeholders}`, run setup and the call (`run`), and compare
//! what the caller saw and what the mock logged with `expect` and `expect_request` (`check`).

pub mod check;
pub mod matcher;
pub mod run;

use serde_json::{json, Map, Value};

use crate::common::Mock;

/// Every scenario of every file, in file-name then file order.
pub fn load_all() -> Vec<Value> {
    let dir = crate::common::repo_root().join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            doc["scenarios"].as_array().unwrap_or_else(|| panic!("{}: no `scenarios` array", path.display())).clone()
        })
        .collect()
}

pub fn id(sc: &Value) -> &str {
    sc["id"].as_str().unwrap_or("<no id>")
}

/// Runs one scenario against a freshly reset mock; returns its mismatches (none: it holds).
pub async fn run(mock: &Mock, raw: &Value) -> Vec<String> {
    mock.reset().await;
    // The built-in placeholders name the mock itself (redirect scenarios point at it).
    let mut vars = Map::new();
    let url = reqwest::Url::parse(&mock.url).expect("the mock's URL");
    vars.insert("mock_url".into(), json!(mock.url));
    vars.insert("mock_host".into(), json!(url.host_str().unwrap_or("127.0.0.1")));
    vars.insert("mock_port".into(), json!(url.port().map(|p| p.to_string()).unwrap_or_default()));
    if let Err(e) = run::setup(mock, raw["setup"].as_array().map_or(&[][..], Vec::as_slice), &mut vars).await {
        return vec![format!("setup: {e}")];
    }
    let baseline = last_seq(&mock.requests(None).await);
    let mut sc = raw.clone();
    sc.as_object_mut().unwrap().remove("setup");
    let sc = match substitute(&sc, &vars) {
        Ok(sc) => sc,
        Err(e) => return vec![e],
    };
    let seen = match run::execute(mock, &sc).await {
        Ok(seen) => seen,
        Err(e) => return vec![e],
    };
    let mut problems = check::outcome(&sc, &seen);
    problems.extend(check::request_log(&sc, &seen, mock, baseline).await);
    problems
}

pub fn last_seq(entries: &[Value]) -> u64 {
    entries.iter().filter_map(|e| e["seq"].as_u64()).max().unwrap_or(0)
}

/// The log entries after `baseline`: the scenario's own requests (and its job polls).
pub async fn entries_after(mock: &Mock, baseline: u64) -> Vec<Value> {
    mock.requests(None).await.into_iter().filter(|e| e["seq"].as_u64().is_some_and(|s| s > baseline)).collect()
}

/// Replaces `${name}` in every string; a string that is exactly one placeholder takes the
/// variable's own JSON value, inside longer text the value is interpolated.
pub fn substitute(v: &Value, vars: &Map<String, Value>) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => {
            let is_name = |n: &str| !n.is_empty() && !n.starts_with(|c: char| c.is_ascii_digit()) && n.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
            let lookup = |name: &str| vars.get(name).ok_or_else(|| format!("the scenario uses ${{{name}}}, which no setup step saved"));
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')).filter(|n| is_name(n)) {
                return lookup(name).cloned();
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                let Some(len) = rest[start + 2..].find('}') else { break };
                let name = &rest[start + 2..start + 2 + len];
                out.push_str(&rest[..start]);
                if is_name(name) {
                    out.push_str(&plain(lookup(name)?));
                } else {
                    out.push_str(&rest[start..start + 3 + len]);
                }
                rest = &rest[start + 3 + len..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|x| substitute(x, vars)).collect::<Result<_, _>>()?),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| Ok((k.clone(), substitute(x, vars)?))).collect::<Result<_, String>>()?),
        other => other.clone(),
    })
}

/// A value as it goes into a URL, a header or a form field: strings as they are, booleans
/// as `true`/`false`, numbers in decimal.
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn placeholders_keep_types_alone_and_interpolate_in_text() {
        let vars = json!({"id": "inst_1", "n": 3}).as_object().unwrap().clone();
        let v = substitute(&json!({"a": "${n}", "b": "/x/${id}/y", "c": ["${id}"]}), &vars).unwrap();
        assert_eq!(v, json!({"a": 3, "b": "/x/inst_1/y", "c": ["inst_1"]}));
        assert!(substitute(&json!("${missing}"), &vars).is_err());
    }
}
