//! The shared scenarios of tests/scenarios/, every one run through the crate's public API
//! against the mock gateway, and the scenario files checked against the operation table.

mod common;
mod scenario;

use std::collections::BTreeSet;

use empiriolabs::operations::{self, ResponseKind, OPERATIONS};
use serde_json::Value;

/// One test runs them all, one after another on one mock reset in between (timing scenarios
/// stay honest on a small machine), and lists every failing scenario at the end.
/// `EMPIRIO_SCENARIO=<substring>` narrows the run to matching ids while working on one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_holds_through_the_core() {
    let filter = std::env::var("EMPIRIO_SCENARIO").unwrap_or_default();
    let scenarios: Vec<Value> = scenario::load_all().into_iter().filter(|sc| scenario::id(sc).contains(filter.as_str())).collect();
    assert!(!scenarios.is_empty(), "no scenario matches {filter:?}");
    let mock = common::mock();
    let mut failures = Vec::new();
    for sc in &scenarios {
        let problems = scenario::run(&mock, sc).await;
        if !problems.is_empty() {
            failures.push(format!("{}\n    {}", scenario::id(sc), problems.join("\n    ")));
        }
    }
    println!("{} scenarios run, {} failed", scenarios.len(), failures.len());
    assert!(failures.is_empty(), "{} of {} scenarios failed:\n{}", failures.len(), scenarios.len(), failures.join("\n"));
}

/// Whether a request path fits an operation's template; `{path}` (GPU connect) spans segments.
fn fits(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (template.split('/'), path.split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some("{path}"), Some(seg)) => return !seg.is_empty(),
            (Some(want), Some(seg)) if want.starts_with('{') => {
                if seg.is_empty() {
                    return false;
                }
            }
            (Some(want), Some(seg)) if want == seg => {}
            _ => return false,
        }
    }
}

#[test]
fn scenarios_cover_every_operation_of_the_core() {
    let scenarios = scenario::load_all();
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    for sc in &scenarios {
        let id = scenario::id(sc);
        if !ids.insert(id) {
            problems.push(format!("{id}: the id is used twice"));
        }
        let Some(op) = operations::find(sc["operation"].as_str().unwrap_or_default()) else {
            problems.push(format!("{id}: {} is not an operation of the core", sc["operation"]));
            continue;
        };
        let want = &sc["expect_request"];
        let method = sc["method"].as_str().unwrap_or(op.method);
        if want["method"] != method {
            problems.push(format!("{id}: expect_request says {}, the core sends {} {method}", want["method"], op.id));
        }
        let path = want["path"].as_str().unwrap_or_default();
        if !fits(op.path, path) {
            problems.push(format!("{id}: {path} does not fit the core's {} {}", op.id, op.path));
        }
    }
    let with = |outcomes: &[&str]| -> BTreeSet<&str> {
        scenarios.iter().filter(|sc| outcomes.iter().any(|o| sc["expect"]["outcome"] == *o)).filter_map(|sc| sc["operation"].as_str()).collect()
    };
    let succeeding = with(&["json", "stream", "job", "text"]);
    let streamed = with(&["stream"]);
    for op in OPERATIONS {
        if !succeeding.contains(op.id) {
            problems.push(format!("{}: no scenario where it succeeds", op.id));
        }
        let streams = matches!(op.response, ResponseKind::Stream(_) | ResponseKind::JsonOrStream(_) | ResponseKind::StreamByDefault(_));
        if streams && !streamed.contains(op.id) {
            problems.push(format!("{}: it streams, yet no scenario reads its stream", op.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn path_templates_fit_as_expected() {
    assert!(fits("/v1/jobs/{job_id}", "/v1/jobs/job_1"));
    assert!(fits("/v1/gpu/connect/{instance_id}/{path}", "/v1/gpu/connect/i_1/v1/chat/completions"));
    assert!(!fits("/v1/jobs/{job_id}", "/v1/jobs/"));
    assert!(!fits("/v1/jobs/{job_id}", "/v1/jobs/a/b"));
    assert!(!fits("/v1/models", "/v1/voices"));
}

/// The runner can fail: passing scenarios with one expectation made wrong must each be
/// reported, naming what differs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_expectation_is_reported() {
    let all = scenario::load_all();
    let find = |id: &str| all.iter().find(|sc| scenario::id(sc) == id).unwrap_or_else(|| panic!("no scenario {id}")).clone();
    let mutations: &[(&str, &str, Value, &str)] = &[
        ("chat.create.basic", "/expect/json_subset/object", "chat.completion.chunk".into(), "$.object"),
        ("chat.create.basic", "/expect/attempts", 2.into(), "attempts"),
        ("chat.create.basic", "/expect_request/headers/content-type", "text/plain".into(), "header content-type"),
        ("chat.create.basic", "/expect_request/auth", "x-api-key".into(), "auth"),
        ("chat.create.stream", "/expect/stream/events", 18.into(), "stream.events"),
        ("faults.rate_limit.exhausted", "/expect/error/code", "other".into(), "error.code"),
        ("faults.rate_limit_ms.retry_after_ms", "/expect/min_elapsed_ms", 5000.into(), "elapsed"),
        ("videos.create.t2v", "/expect/job/accepted_subset/status", "completed".into(), "$accepted.status"),
    ];
    let mock = common::mock();
    for (id, pointer, value, mentions) in mutations {
        let mut sc = find(id);
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let slot = sc.pointer_mut(parent).and_then(Value::as_object_mut).unwrap_or_else(|| panic!("{id} has no object at {parent}"));
        slot.insert(key.to_string(), value.clone());
        let problems = scenario::run(&mock, &sc).await;
        assert!(problems.iter().any(|p| p.contains(mentions)), "{id} with {pointer} = {value}: expected a problem naming {mentions:?}, got {problems:?}");
    }
}
