//! The OpenAPI description: served verbatim, OpenAPI 3.1, and documenting
//! every route the router registers (read from the router's source, so a new
//! route without documentation fails here).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::common::TestSandbox;

/// The router's source, as compiled into this test binary.
const ROUTER_SOURCE: &str = include_str!("../../src/http/mod.rs");

/// Operations an OpenAPI path item can hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn spec() -> Value {
    serde_json::from_str(museo_sandbox::OPENAPI).expect("openapi.json is valid JSON")
}

/// Every `.route("<path>", <method router>)` of the router source (rustfmt
/// may put the path on the next line), with the HTTP methods named in its
/// method router (`get(…)`, `.post(…)`, `axum::routing::put(…)`…).
fn registered_routes() -> BTreeMap<String, BTreeSet<String>> {
    const OPEN: &str = ".route(";
    let mut routes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut rest = ROUTER_SOURCE;
    while let Some(start) = rest.find(OPEN) {
        rest = rest[start + OPEN.len()..].trim_start();
        rest = rest
            .strip_prefix('"')
            .expect("a .route( call starts with its path as a string literal");
        let end = rest.find('"').expect("the route path literal is closed");
        let path = rest[..end].to_owned();
        rest = &rest[end + 1..];
        // The method router runs to the parenthesis closing `.route(`.
        let mut depth = 1_usize;
        let close = rest
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map(|(i, _)| i)
            .expect("the .route( call is closed");
        let methods = methods_called(&rest[..close]);
        assert!(!methods.is_empty(), "no HTTP method found for route {path}");
        routes.entry(path).or_default().extend(methods);
        rest = &rest[close..];
    }
    routes
}

/// The identifiers among [`METHODS`] that are called in `code`.
fn methods_called(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut ident = String::new();
    for c in code.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            ident.push(c);
            continue;
        }
        if c == '(' && METHODS.contains(&ident.as_str()) {
            found.insert(ident.clone());
        }
        ident.clear();
    }
    found
}

/// The operations documented under each path of the spec.
fn documented_operations(spec: &Value) -> BTreeMap<String, BTreeSet<String>> {
    spec["paths"]
        .as_object()
        .expect("`paths` is an object")
        .iter()
        .map(|(path, item)| {
            let methods = METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| (*m).to_owned())
                .collect();
            (path.clone(), methods)
        })
        .collect()
}

#[tokio::test]
async fn the_served_document_is_the_file() {
    let s = TestSandbox::start().await;
    let (status, served) = s.get("/openapi.json").await;
    assert_eq!(status, 200, "{served}");
    assert_eq!(
        served,
        spec(),
        "GET /openapi.json must serve museo_sandbox::OPENAPI as is"
    );
    let response = s
        .http
        .get(s.url("/openapi.json"))
        .send()
        .await
        .expect("request");
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
}

#[test]
fn it_is_openapi_3_1() {
    let spec = spec();
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(
        spec["info"]["title"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "info.title"
    );
    assert!(
        spec["info"]["version"]
            .as_str()
            .is_some_and(|v| !v.is_empty()),
        "info.version"
    );
}

#[test]
fn the_router_source_is_parsed() {
    let routes = registered_routes();
    // A sanity check of the parser itself, on routes that will always exist.
    assert_eq!(
        routes.get("/v1/products").map(|m| m.len()),
        Some(1),
        "{routes:?}"
    );
    let item = routes
        .get("/v1/baskets/{basket}/items/{product}")
        .expect("item route");
    let expected: BTreeSet<String> = ["put", "delete"].map(str::to_owned).into();
    assert_eq!(item, &expected);
    assert!(routes.contains_key("/v1/admin/products/bulk"), "{routes:?}");
}

#[test]
fn every_route_is_documented() {
    let documented = documented_operations(&spec());
    let mut missing = Vec::new();
    for (path, methods) in registered_routes() {
        match documented.get(&path) {
            None => missing.push(format!("path {path}")),
            Some(ops) => missing.extend(
                methods
                    .difference(ops)
                    .map(|m| format!("{} {path}", m.to_uppercase())),
            ),
        }
    }
    assert!(
        missing.is_empty(),
        "routed in src/http/mod.rs but not in openapi.json: {missing:?}"
    );
}

#[test]
fn every_documented_operation_is_routed() {
    let routes = registered_routes();
    let mut stale = Vec::new();
    for (path, ops) in documented_operations(&spec()) {
        match routes.get(&path) {
            None => stale.push(format!("path {path}")),
            Some(methods) => {
                stale.extend(
                    ops.difference(methods)
                        .map(|m| format!("{} {path}", m.to_uppercase())),
                );
            }
        }
    }
    assert!(
        stale.is_empty(),
        "documented in openapi.json but not routed: {stale:?}"
    );
}

#[test]
fn path_parameters_are_declared() {
    let spec = spec();
    let mut problems = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        let in_template: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_owned)
            .collect();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let declared: BTreeSet<String> = item["parameters"]
                .as_array()
                .into_iter()
                .chain(operation["parameters"].as_array())
                .flatten()
                .map(|p| resolve(&spec, p))
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            if declared != in_template {
                problems.push(format!("{method} {path}: declares {declared:?}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "path parameters differ from the template: {problems:?}"
    );
}

#[test]
fn every_reference_resolves() {
    let spec = spec();
    let mut refs = Vec::new();
    collect_refs(&spec, &mut refs);
    assert!(!refs.is_empty());
    let dangling: Vec<&String> = refs
        .iter()
        .filter(|r| r.strip_prefix('#').and_then(|p| spec.pointer(p)).is_none())
        .collect();
    assert!(dangling.is_empty(), "unresolved $ref: {dangling:?}");
}

#[test]
fn admin_operations_require_a_service_account_token() {
    let spec = spec();
    let scheme = &spec["components"]["securitySchemes"]["serviceAccountJwt"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    assert_eq!(scheme["bearerFormat"], "JWT");
    let mut unguarded = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let guarded = operation["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("serviceAccountJwt").is_some()));
            if path.starts_with("/v1/admin/") != guarded {
                unguarded.push(format!("{method} {path}"));
            }
        }
    }
    assert!(
        unguarded.is_empty(),
        "security must be exactly the admin API: {unguarded:?}"
    );
}

/// `value` itself, or what its `$ref` points to.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    value["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| spec.pointer(pointer))
        .unwrap_or(value)
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
