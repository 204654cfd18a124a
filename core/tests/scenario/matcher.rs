//! The scenario files' subset matching: objects match when every expected key matches (extra
//! keys are fine), arrays element by element with equal length, scalars by value, and an object
//! whose keys all start with `$` is a matcher (`$type`, `$prefix`, `$len`, `$each`, …).

use serde_json::{json, Map, Value};

/// Every mismatch between `exp` and `act`, each naming where it is (`$.choices[0].message`).
pub fn subset(exp: &Value, act: &Value, at: &str) -> Vec<String> {
    match exp {
        Value::Object(ops) if is_matcher(ops) => matcher(ops, act, at),
        Value::Object(want) => {
            let Value::Object(got) = act else {
                return vec![format!("{at}: expected an object, got {}", short(act))];
            };
            let absent = json!({"$absent": true});
            want.iter()
                .flat_map(|(k, v)| {
                    let here = format!("{at}.{k}");
                    match (got.get(k), *v == absent) {
                        (Some(g), true) => vec![format!("{here}: expected absent, got {}", short(g))],
                        (None, true) => vec![],
                        (None, false) => vec![format!("{here}: missing")],
                        (Some(g), false) => subset(v, g, &here),
                    }
                })
                .collect()
        }
        Value::Array(want) => {
            let Value::Array(got) = act else {
                return vec![format!("{at}: expected an array, got {}", short(act))];
            };
            if want.len() != got.len() {
                return vec![format!("{at}: expected {} items, got {}", want.len(), got.len())];
            }
            want.iter().zip(got).enumerate().flat_map(|(i, (w, g))| subset(w, g, &format!("{at}[{i}]"))).collect()
        }
        _ if same_scalar(exp, act) => vec![],
        _ => vec![format!("{at}: expected {exp}, got {}", short(act))],
    }
}

/// Whether `act` satisfies `exp` (a subset match with no mismatch).
pub fn holds(exp: &Value, act: &Value) -> bool {
    subset(exp, act, "$").is_empty()
}

fn is_matcher(m: &Map<String, Value>) -> bool {
    !m.is_empty() && m.keys().all(|k| k.starts_with('$'))
}

/// Numbers compare by value (`1` equals `1.0`); `true` is never `1`.
fn same_scalar(exp: &Value, act: &Value) -> bool {
    match (exp, act) {
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => a.as_f64() == b.as_f64(),
        },
        _ => exp == act,
    }
}

fn matcher(ops: &Map<String, Value>, act: &Value, at: &str) -> Vec<String> {
    let mut errs = Vec::new();
    for (op, arg) in ops {
        let fail = match op.as_str() {
            "$type" => {
                let ok = match arg.as_str() {
                    Some("string") => act.is_string(),
                    Some("number") => act.is_number(),
                    Some("integer") => act.as_i64().is_some() || act.as_u64().is_some() || act.as_f64().is_some_and(|f| f.fract() == 0.0),
                    Some("boolean") => act.is_boolean(),
                    Some("array") => act.is_array(),
                    Some("object") => act.is_object(),
                    Some("null") => act.is_null(),
                    _ => return vec![format!("{at}: unknown $type {arg}")],
                };
                (!ok).then(|| format!("{at}: expected {arg}, got {}", short(act)))
            }
            "$prefix" | "$contains" => {
                let needle = arg.as_str().unwrap_or_default();
                let ok = act.as_str().is_some_and(|s| if op == "$prefix" { s.starts_with(needle) } else { s.contains(needle) });
                let how = if op == "$prefix" { "starting" } else { "containing" };
                (!ok).then(|| format!("{at}: expected a string {how} {arg}, got {}", short(act)))
            }
            "$len" | "$min_len" => {
                let n = match act {
                    Value::String(s) => Some(s.chars().count() as u64),
                    Value::Array(a) => Some(a.len() as u64),
                    Value::Object(o) => Some(o.len() as u64),
                    _ => None,
                };
                let bound = arg.as_u64().unwrap_or(u64::MAX);
                let ok = n.is_some_and(|n| if op == "$len" { n == bound } else { n >= bound });
                (!ok).then(|| format!("{at}: expected {} {arg}, got {}", &op[1..], n.map_or("no length".into(), |n| n.to_string())))
            }
            "$gte" | "$lte" => {
                let bound = arg.as_f64().unwrap_or(f64::NAN);
                let ok = act.as_f64().is_some_and(|x| if op == "$gte" { x >= bound } else { x <= bound });
                (!ok).then(|| format!("{at}: expected {} {arg}, got {}", &op[1..], short(act)))
            }
            "$each" => match act {
                Value::Array(items) => {
                    errs.extend(items.iter().enumerate().flat_map(|(i, x)| subset(arg, x, &format!("{at}[{i}]"))));
                    None
                }
                _ => Some(format!("{at}: expected an array, got {}", short(act))),
            },
            "$some" => {
                let ok = act.as_array().is_some_and(|items| items.iter().any(|x| holds(arg, x)));
                (!ok).then(|| format!("{at}: no item matches {}", truncate(&arg.to_string(), 200)))
            }
            _ => Some(format!("{at}: unknown matcher {op}")),
        };
        errs.extend(fail);
    }
    errs
}

/// A value as JSON, cut short for messages.
pub fn short(v: &Value) -> String {
    truncate(&v.to_string(), 160)
}

pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_it_should() {
        assert!(holds(&json!({"a": 1}), &json!({"a": 1.0, "b": 2})));
        assert!(!holds(&json!({"a": 1}), &json!({"a": 2})) && !holds(&json!({"a": 1}), &json!({})));
        assert!(!holds(&json!([1]), &json!([1, 2])) && !holds(&json!(1), &json!(true)));
        assert!(!holds(&json!({"a": {"$absent": true}}), &json!({"a": null})));
        assert!(!holds(&json!({"$type": "integer"}), &json!(1.5)) && !holds(&json!({"$type": "number"}), &json!(false)));
        assert!(!holds(&json!({"$prefix": "job_"}), &json!("task_1")) && !holds(&json!({"$len": 2}), &json!([1])));
        assert!(!holds(&json!({"$gte": 1}), &json!(0)) && !holds(&json!({"$some": 3}), &json!([1, 2])));
        assert!(!holds(&json!({"$each": {"x": 1}}), &json!([{"x": 1}, {"x": 2}])));
        assert!(holds(&json!({"$some": 2, "$len": 2}), &json!([1, 2])));
        assert!(!holds(&json!({"$bogus": 1}), &json!(1)));
    }
}
