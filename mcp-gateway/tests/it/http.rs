//! The gateway's HTTP surface: health and readiness, Prometheus metrics, the
//! JWKS of the tokens it mints, the operator endpoints with API keys and app
//! JWTs, what the WebSocket upgrade reads (bearer, Accept-Language), the
//! session cap, and graceful shutdown. The router is driven in-process with
//! `oneshot` where no socket is needed, a real client otherwise.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, ensure};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use mcp_gateway::config::{BUILTIN, Config, Limits};
use mcp_gateway::reply::{Phrase, phrase};
use mcp_gateway::start::Builtins;
use museo_sdk::auth::{
    JwkSet, KeySet, Minter, ServiceAccount, SigningAlgorithm, TokenRequest, Verifier, VerifyPolicy,
};
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tower::ServiceExt as _;

use crate::support::{Ws, api_keys, gateway, gateway_with, gateway_with_keys, started};

const ADMIN_KEY: &str = "http-admin-key";
const CUSTOMER_KEY: &str = "http-customer-key";

/// One request through the router in-process.
async fn request(
    router: &axum::Router,
    method: &str,
    path: &str,
    bearer: Option<&str>,
) -> anyhow::Result<(StatusCode, HeaderMap, Value)> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = bearer {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = router.clone().oneshot(builder.body(Body::empty())?).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Ok((status, headers, body))
}

async fn get(
    router: &axum::Router,
    path: &str,
    bearer: Option<&str>,
) -> anyhow::Result<(StatusCode, HeaderMap, Value)> {
    request(router, "GET", path, bearer).await
}

async fn wait_for<F, Fut>(what: &str, within: Duration, mut check: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if check().await? {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("{what}: not within {within:?}")
}

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn builtin_names() -> Vec<String> {
    let mut names: Vec<String> = BUILTIN.iter().map(|n| (*n).to_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn healthz_answers_and_readyz_turns_ready_once_every_child_is_up() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let started = started(dir.path(), Config::default(), &[]).await?;
    let gateway = started.gateway.clone();
    let router = mcp_gateway::server::router(gateway.clone());

    let (status, headers, body) = get(&router, "/healthz", None).await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    ensure!(
        headers[header::CONTENT_TYPE]
            .to_str()?
            .starts_with("application/json"),
        "{headers:?}"
    );
    ensure!(body["status"] == "ok", "{body}");

    // The supervisors start the children; ready once all four run. The body
    // counts servers and names none (names and errors are for operators).
    let (status, _, body) = get(&router, "/readyz", None).await?;
    ensure!(
        (status == StatusCode::OK) == (body["ready"] == true) && body["servers"]["total"] == 4,
        "{status} {body}"
    );
    ensure!(body.get("children").is_none(), "{body}");
    wait_for("readyz 200", Duration::from_secs(30), || {
        let router = router.clone();
        async move { Ok(get(&router, "/readyz", None).await?.0 == StatusCode::OK) }
    })
    .await?;
    let (_, _, body) = get(&router, "/readyz", None).await?;
    ensure!(
        body["ready"] == true
            && body["store"] == true
            && body["draining"] == false
            && body["servers"]["running"] == 4,
        "{body}"
    );

    // One server stopped: not ready, and the count says so.
    let storefront = gateway.children.get("mcp-storefront").context("child")?;
    storefront.stop_now().await;
    let (status, _, body) = get(&router, "/readyz", None).await?;
    ensure!(
        status == StatusCode::SERVICE_UNAVAILABLE && body["servers"]["running"] == 3,
        "{status} {body}"
    );
    storefront.start_now().await?;

    // Draining: not ready any more, and says why.
    gateway.shutdown.cancel();
    let (status, _, body) = get(&router, "/readyz", None).await?;
    ensure!(
        status == StatusCode::SERVICE_UNAVAILABLE
            && body["draining"] == true
            && body["ready"] == false,
        "{status} {body}"
    );
    let (status, _, _) = get(&router, "/healthz", None).await?;
    ensure!(status == StatusCode::OK, "alive while draining: {status}");
    for child in gateway.children.values() {
        child.stop_now().await;
    }
    Ok(())
}

/// The value of the sample `name{labels}` (labels in any order, all of them).
fn sample(metrics: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    metrics.lines().find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (series_name, series_labels) = match series.split_once('{') {
            Some((n, rest)) => (n, rest.strip_suffix('}')?),
            None => (series, ""),
        };
        if series_name != name {
            return None;
        }
        let mut found: Vec<(String, String)> = series_labels
            .split("\",")
            .filter(|p| !p.is_empty())
            .filter_map(|p| {
                let (k, v) = p.split_once("=\"")?;
                Some((k.to_owned(), v.trim_end_matches('"').to_owned()))
            })
            .collect();
        let mut wanted: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        found.sort();
        wanted.sort();
        (found == wanted).then(|| value.parse().ok()).flatten()
    })
}

#[tokio::test]
async fn metrics_expose_every_documented_family_after_a_chat_and_a_call() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway(dir.path(), true, &[]).await?;
    let mut ws = Ws::connect(&gw.url).await?;
    ws.hello(json!({ "locale": "en" })).await?;
    let found = ws.say("m", "show me Monet mugs").await?;
    ensure!(found["intent"] == "product.search", "{found}");
    let got = ws
        .call(
            "c",
            "mcp-storefront",
            "get_product",
            json!({ "product_id": "MUG-NYMPH-01" }),
        )
        .await?;
    ensure!(got["type"] == "result" && got["is_error"] == false, "{got}");
    ws.send_raw(Message::Text("not json".into())).await?;
    let bad = ws.next().await?;
    ensure!(bad["code"] == "bad_frame", "{bad}");

    let response = reqwest::get(format!("{}/metrics", gw.http)).await?;
    ensure!(response.status() == 200, "{}", response.status());
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .context("content-type")?
        .to_str()?
        .to_owned();
    ensure!(
        content_type.starts_with("application/openmetrics-text")
            || content_type.starts_with("text/plain"),
        "{content_type}"
    );
    let metrics = response.text().await?;
    ensure!(
        metrics.trim_end().ends_with("# EOF"),
        "OpenMetrics text ends with # EOF:\n{metrics}"
    );
    let expect = |name: &str, labels: &[(&str, &str)], value: f64| -> anyhow::Result<()> {
        let got = sample(&metrics, name, labels);
        ensure!(
            got == Some(value),
            "{name}{labels:?}: expected {value}, got {got:?} in\n{metrics}"
        );
        Ok(())
    };
    for kind in ["hello", "message", "call", "invalid"] {
        expect("gateway_frames_total", &[("type", kind)], 1.0)?;
    }
    expect(
        "gateway_intents_total",
        &[("intent", "product.search")],
        1.0,
    )?;
    for kind in ["message", "call"] {
        expect(
            "gateway_outcomes_total",
            &[("kind", kind), ("outcome", "ok")],
            1.0,
        )?;
        expect(
            "gateway_request_duration_seconds_count",
            &[("kind", kind)],
            1.0,
        )?;
        expect(
            "gateway_request_duration_seconds_bucket",
            &[("kind", kind), ("le", "+Inf")],
            1.0,
        )?;
        let buckets = metrics
            .lines()
            .filter(|l| {
                l.starts_with("gateway_request_duration_seconds_bucket{")
                    && l.contains(&format!("kind=\"{kind}\""))
            })
            .count();
        ensure!(buckets > 10, "{kind}: {buckets} buckets");
        ensure!(
            sample(
                &metrics,
                "gateway_request_duration_seconds_sum",
                &[("kind", kind)]
            )
            .is_some_and(|s| s > 0.0),
            "{metrics}"
        );
    }
    expect("gateway_errors_total", &[("code", "bad_frame")], 1.0)?;
    // analyze_intent once; search_products, then get_product.
    expect(
        "gateway_tool_call_duration_seconds_count",
        &[("server", "mcp-intent")],
        1.0,
    )?;
    expect(
        "gateway_tool_call_duration_seconds_count",
        &[("server", "mcp-storefront")],
        2.0,
    )?;
    expect(
        "gateway_tool_call_duration_seconds_bucket",
        &[("server", "mcp-storefront"), ("le", "+Inf")],
        2.0,
    )?;
    for server in BUILTIN {
        expect("gateway_child_restarts_total", &[("server", server)], 0.0)?;
        let up = sample(&metrics, "gateway_child_up", &[("server", server)]);
        ensure!(
            matches!(up, Some(v) if v == 0.0 || v == 1.0),
            "{server}: {up:?}\n{metrics}"
        );
    }
    for server in ["mcp-intent", "mcp-storefront"] {
        expect("gateway_child_up", &[("server", server)], 1.0)?;
    }
    expect("gateway_open_sessions", &[], 1.0)?;
    expect("gateway_store_up", &[], 1.0)?;

    drop(ws);
    let url = format!("{}/metrics", gw.http);
    wait_for("open sessions back to 0", Duration::from_secs(10), || {
        let url = url.clone();
        async move {
            let text = reqwest::get(&url).await?.text().await?;
            Ok(sample(&text, "gateway_open_sessions", &[]) == Some(0.0))
        }
    })
    .await?;
    gw.shutdown().await
}

#[tokio::test]
async fn the_jwks_verifies_exactly_the_tokens_this_gateway_mints() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let started = started(dir.path(), Config::default(), &[]).await?;
    let router = mcp_gateway::server::router(started.gateway.clone());
    let (status, _, body) = get(&router, "/.well-known/jwks.json", None).await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    let keys = body["keys"].as_array().context("keys")?;
    let ed25519: Vec<&Value> = keys
        .iter()
        .filter(|k| k["kty"] == "OKP" && k["crv"] == "Ed25519")
        .collect();
    ensure!(!ed25519.is_empty(), "no Ed25519 key: {body}");
    for key in keys {
        ensure!(
            key["kid"].as_str().is_some_and(|k| !k.is_empty()),
            "a key without kid: {body}"
        );
        ensure!(key.get("d").is_none(), "private key material published");
    }
    // mcp-admin children read the same keys from the file the gateway writes.
    let file: Value = serde_json::from_str(&std::fs::read_to_string(
        started.backend.data_dir.join("gateway-jwks.json"),
    )?)?;
    ensure!(file == body, "file {file} vs served {body}");

    let jwks: JwkSet = serde_json::from_value(body.clone())?;
    let verifier = Verifier::new(
        KeySet::from_jwks(jwks.clone())?,
        VerifyPolicy::new("mcp-admin"),
    );
    let token = started.gateway.tokens.mint("ana")?;
    let verified = verifier.verify(&token).await?;
    ensure!(verified.claims.sub == "ana", "{:?}", verified.claims);
    ensure!(
        verified.claims.aud == ["mcp-admin"],
        "{:?}",
        verified.claims
    );
    ensure!(
        verified.claims.claim("role") == Some(&json!("admin")),
        "{:?}",
        verified.claims
    );
    ensure!(
        verified.claims.exp > verified.claims.iat
            && verified.claims.exp - verified.claims.iat <= 300,
        "{:?}",
        verified.claims
    );
    ensure!(
        ed25519.iter().any(|k| k["kid"] == verified.kid.as_str()),
        "signed by {} which is not in {body}",
        verified.kid
    );
    let again = verifier
        .verify(&started.gateway.tokens.mint("ana")?)
        .await?;
    ensure!(again.claims.jti != verified.claims.jti, "jti reused");

    // Not for another audience, and not another gateway's tokens.
    let elsewhere = Verifier::new(KeySet::from_jwks(jwks)?, VerifyPolicy::new("mcp-gateway"));
    ensure!(elsewhere.verify(&token).await.is_err(), "audience ignored");
    let other = mcp_gateway::auth::AdminTokens::generate()?.mint("ana")?;
    ensure!(
        verifier.verify(&other).await.is_err(),
        "another key's token verified"
    );
    Ok(())
}

#[tokio::test]
async fn operator_endpoints_need_an_admin_api_key() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let started = started(
        dir.path(),
        Config::default(),
        &[("GATEWAY_API_KEYS", api_keys(ADMIN_KEY, CUSTOMER_KEY))],
    )
    .await?;
    let router = mcp_gateway::server::router(started.gateway.clone());
    for path in ["/admin/servers", "/admin/children"] {
        for (token, want) in [
            (None, StatusCode::UNAUTHORIZED),
            (Some("wrong-key"), StatusCode::UNAUTHORIZED),
            (Some(""), StatusCode::UNAUTHORIZED),
            (Some(CUSTOMER_KEY), StatusCode::FORBIDDEN),
        ] {
            let (status, headers, body) = get(&router, path, token).await?;
            ensure!(status == want, "{path} {token:?}: {status} {body}");
            if want == StatusCode::UNAUTHORIZED {
                ensure!(
                    headers
                        .get(header::WWW_AUTHENTICATE)
                        .and_then(|h| h.to_str().ok())
                        .is_some_and(|h| h.starts_with("Bearer")),
                    "{path} {token:?}: {headers:?}"
                );
            }
            ensure!(
                body.get("servers").is_none() && !body.to_string().contains("mcp-admin"),
                "{path} {token:?}: a refusal lists servers: {body}"
            );
        }
        let (status, _, body) = get(&router, path, Some(ADMIN_KEY)).await?;
        ensure!(status == StatusCode::OK, "{path}: {status} {body}");
        ensure!(names(&body) == builtin_names(), "{path}: {body}");
        for server in body.as_array().into_iter().flatten() {
            ensure!(
                server["state"].is_string()
                    && server.get("pid").is_some()
                    && server["restarts"].is_u64()
                    && server["launch"] == "in-process",
                "{path}: {server}"
            );
            let access = match server["name"].as_str() {
                Some("mcp-intent" | "mcp-storefront") => "customer",
                _ => "admin",
            };
            ensure!(server["access"] == access, "{path}: {server}");
        }
    }
    // Operator actions: the same checks, and the legacy restart path works.
    for (path, token, want) in [
        ("/admin/servers/mcp-notify/restart", None, 401),
        ("/admin/servers/mcp-notify/restart", Some(CUSTOMER_KEY), 403),
        ("/admin/children/mcp-notify/restart", Some("wrong-key"), 401),
        (
            "/admin/children/mcp-notify/restart",
            Some(CUSTOMER_KEY),
            403,
        ),
        ("/admin/children/mcp-notify/restart", Some(ADMIN_KEY), 200),
    ] {
        let (status, _, body) = request(&router, "POST", path, token).await?;
        ensure!(status.as_u16() == want, "{path} {token:?}: {status} {body}");
        if want == 200 {
            ensure!(
                body["name"] == "mcp-notify" && body["state"] == "running",
                "{body}"
            );
        }
    }
    for child in started.gateway.children.values() {
        child.stop_now().await;
    }
    Ok(())
}

/// An identity provider for app JWTs: its signing account and its JWKS file.
struct Idp {
    account: ServiceAccount,
    minter: Minter,
}

impl Idp {
    fn new(id: &str) -> anyhow::Result<Self> {
        let account = ServiceAccount::generate(id, SigningAlgorithm::EdDSA)?;
        Ok(Self {
            minter: Minter::new(account.clone()),
            account,
        })
    }

    fn mint(&self, request: &TokenRequest) -> anyhow::Result<String> {
        Ok(self.minter.one_time(request)?.expose_secret().to_owned())
    }

    /// Signs `claims` as they are (the minter will not backdate a token).
    fn sign(&self, claims: &Value) -> anyhow::Result<String> {
        let pem = self.account.key.to_pem();
        let key = jsonwebtoken::EncodingKey::from_ed_pem(pem.expose_secret().as_bytes())?;
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        header.kid = Some(self.account.key.kid().to_owned());
        Ok(jsonwebtoken::encode(&header, claims, &key)?)
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[tokio::test]
async fn operator_endpoints_accept_app_jwts_by_role() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let idp = Idp::new("idp.museo.test")?;
    let jwks_file = dir.path().join("idp-jwks.json");
    std::fs::write(&jwks_file, serde_json::to_string(&idp.minter.jwks())?)?;
    let started = started(
        dir.path(),
        Config::default(),
        &[
            ("GATEWAY_JWKS_FILE", jwks_file.display().to_string()),
            ("GATEWAY_API_KEYS", api_keys(ADMIN_KEY, CUSTOMER_KEY)),
        ],
    )
    .await?;
    let router = mcp_gateway::server::router(started.gateway.clone());
    let app = |sub: &str, role: &str| {
        TokenRequest::new(sub, "mcp-gateway").with_claim("role", role.to_owned())
    };
    let admin = idp.mint(&app("carla", "admin"))?;
    let customer = idp.mint(&app("sam", "customer"))?;
    let other_audience =
        idp.mint(&TokenRequest::new("carla", "mcp-admin").with_claim("role", "admin"))?;
    let t = now();
    let expired = idp.sign(&json!({
        "iss": idp.account.id, "sub": "carla", "aud": "mcp-gateway", "role": "admin",
        "iat": t - 7200, "nbf": t - 7200, "exp": t - 3600, "jti": uuid::Uuid::new_v4().to_string(),
    }))?;
    let stranger = Idp::new("idp.museo.test")?.mint(&app("carla", "admin"))?;
    let no_role = idp.mint(&TokenRequest::new("carla", "mcp-gateway"))?;
    let bad_role = idp.mint(&app("carla", "root"))?;
    let mut tampered = admin.clone();
    tampered.pop();
    tampered.push(if admin.ends_with('A') { 'B' } else { 'A' });

    for (what, token, want) in [
        ("admin JWT", admin.as_str(), 200),
        ("customer JWT", customer.as_str(), 403),
        ("no role claim (a customer)", no_role.as_str(), 403),
        ("another audience", other_audience.as_str(), 401),
        ("expired", expired.as_str(), 401),
        ("signed by an unknown key", stranger.as_str(), 401),
        ("role neither admin nor customer", bad_role.as_str(), 401),
        ("tampered signature", tampered.as_str(), 401),
        (
            "alg none",
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJjYXJsYSIsImF1ZCI6Im1jcC1nYXRld2F5Iiwicm9sZSI6ImFkbWluIn0.",
            401,
        ),
    ] {
        for path in ["/admin/servers", "/admin/children"] {
            let (status, _, body) = get(&router, path, Some(token)).await?;
            ensure!(status.as_u16() == want, "{what} on {path}: {status} {body}");
            if want == 200 {
                ensure!(names(&body) == builtin_names(), "{body}");
            } else {
                ensure!(
                    !body.to_string().contains(token),
                    "{what}: the token is echoed"
                );
            }
        }
    }
    // API keys still work next to JWTs.
    let (status, _, _) = get(&router, "/admin/servers", Some(ADMIN_KEY)).await?;
    ensure!(status == StatusCode::OK, "{status}");
    Ok(())
}

#[tokio::test]
async fn websocket_upgrades_read_the_bearer_and_the_locale_hints() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway_with_keys(dir.path(), ADMIN_KEY, CUSTOMER_KEY).await?;
    let bearer = |key: &str| format!("Bearer {key}");

    // A bad header credential is refused before the upgrade.
    for value in [
        bearer("wrong-key"),
        bearer(&"k".repeat(9000)),
        bearer("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"),
    ] {
        let refused = Ws::connect_with(&gw.url, &[("Authorization", &value)]).await?;
        ensure!(
            matches!(refused, Err(401)),
            "{}: {:?}",
            &value[..value.len().min(20)],
            refused.as_ref().err()
        );
    }

    // An admin key in the header: admin without a token in hello…
    let mut admin = Ws::connect_with(&gw.url, &[("Authorization", &bearer(ADMIN_KEY))])
        .await?
        .map_err(|s| anyhow::anyhow!("upgrade refused: {s}"))?;
    let welcome = admin.hello(json!({})).await?;
    ensure!(welcome["role"] == "admin", "{welcome}");
    let got = admin
        .call(
            "a",
            "mcp-admin",
            "get_product",
            json!({ "product_id": "MUG-NYMPH-01" }),
        )
        .await?;
    ensure!(
        got["type"] == "result" && got["structured"]["sku"] == "MUG-NYMPH-01",
        "{got}"
    );
    // …and without any hello at all.
    let mut direct = Ws::connect_with(&gw.url, &[("Authorization", &bearer(ADMIN_KEY))])
        .await?
        .map_err(|s| anyhow::anyhow!("upgrade refused: {s}"))?;
    let got = direct
        .call(
            "b",
            "mcp-admin",
            "get_product",
            json!({ "product_id": "MUG-NYMPH-01" }),
        )
        .await?;
    ensure!(got["type"] == "result", "{got}");
    // A hello token decides over the header: a customer key makes a customer.
    let welcome = direct.hello(json!({ "token": CUSTOMER_KEY })).await?;
    ensure!(welcome["role"] == "customer", "{welcome}");
    let refused = direct
        .call(
            "c",
            "mcp-admin",
            "get_product",
            json!({ "product_id": "MUG-NYMPH-01" }),
        )
        .await?;
    ensure!(refused["code"] == "forbidden", "{refused}");
    // A customer key in the header is a customer.
    let mut customer = Ws::connect_with(&gw.url, &[("Authorization", &bearer(CUSTOMER_KEY))])
        .await?
        .map_err(|s| anyhow::anyhow!("upgrade refused: {s}"))?;
    let welcome = customer.hello(json!({})).await?;
    ensure!(welcome["role"] == "customer", "{welcome}");

    // Accept-Language: the session's locale, and French replies.
    let french = [("Accept-Language", "fr-CA,fr;q=0.9")];
    let mut ws = Ws::connect_with(&gw.url, &french)
        .await?
        .map_err(|s| anyhow::anyhow!("upgrade refused: {s}"))?;
    let welcome = ws.hello(json!({})).await?;
    ensure!(welcome["locale"] == "fr-CA", "{welcome}");
    let greeting = ws.say("1", "hello").await?;
    ensure!(
        greeting["text"] == phrase(Phrase::Greeting, "fr-CA")
            && greeting["text"] != phrase(Phrase::Greeting, "en"),
        "{greeting}"
    );
    // hello.locale beats Accept-Language.
    let mut ws = Ws::connect_with(&gw.url, &french)
        .await?
        .map_err(|s| anyhow::anyhow!("upgrade refused: {s}"))?;
    let welcome = ws.hello(json!({ "locale": "es-ES" })).await?;
    ensure!(welcome["locale"] == "es-ES", "{welcome}");
    let greeting = ws.say("1", "hello").await?;
    ensure!(
        greeting["text"] == phrase(Phrase::Greeting, "es-ES"),
        "{greeting}"
    );

    // A WhatsApp phone's country beats Accept-Language; WhatsApp bold is *…*.
    let mut ws = Ws::connect_with(&gw.url, &[("Accept-Language", "en-IE")])
        .await?
        .map_err(|s| anyhow::anyhow!("upgrade refused: {s}"))?;
    let welcome = ws
        .hello(json!({ "channel": "whatsapp", "phone": "+34600111222" }))
        .await?;
    ensure!(welcome["locale"] == "es-ES", "{welcome}");
    let greeting = ws.say("1", "hola").await?;
    ensure!(
        greeting["text"] == phrase(Phrase::Greeting, "es-ES"),
        "{greeting}"
    );
    let found = ws.say("2", "busco tazas").await?;
    let text = found["text"].as_str().unwrap_or_default();
    let products = found["data"]["products"].as_array().context("products")?;
    ensure!(!products.is_empty(), "{found}");
    ensure!(!text.contains("**"), "markdown bold on WhatsApp: {text}");
    for (i, product) in products.iter().enumerate() {
        // WhatsApp lines are short: long titles are cut with an ellipsis.
        let title: String = product["title"]
            .as_str()
            .context("title")?
            .chars()
            .take(15)
            .collect();
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{}. ", i + 1)))
            .with_context(|| format!("no line {} in {text}", i + 1))?;
        let bold = line
            .strip_prefix(&format!("{}. *", i + 1))
            .and_then(|rest| rest.split_once("* — "))
            .map(|(name, _)| name);
        ensure!(
            bold.is_some_and(|name| name.starts_with(&title) && !name.contains('*')),
            "WhatsApp bold is *…*: {line:?}"
        );
    }
    let first = &products[0];
    let price = museo_sdk::locale::format_money(
        first["price"]["amount"].as_str().context("amount")?,
        first["price"]["currency"].as_str().context("currency")?,
        "es-ES",
    );
    ensure!(text.contains(&price), "{price:?} in {text}");
    gw.shutdown().await
}

#[tokio::test]
async fn the_session_cap_refuses_the_next_upgrade_with_503() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = Config {
        limits: Limits {
            max_sessions: 2,
            ..Limits::default()
        },
        ..Config::default()
    };
    let gw = gateway_with(dir.path(), config, Builtins::InProcess, &[]).await?;
    let mut first = Ws::connect(&gw.url).await?;
    first.hello(json!({})).await?;
    let mut second = Ws::connect(&gw.url).await?;
    second.hello(json!({})).await?;
    let third = Ws::connect_with(&gw.url, &[]).await?;
    ensure!(
        matches!(third, Err(503)),
        "third session: {:?}",
        third.as_ref().err()
    );
    // The open ones still work.
    let reply = second.say("1", "hello").await?;
    ensure!(reply["intent"] == "greeting", "{reply}");
    // One leaves: there is room again.
    first.send_raw(Message::Close(None)).await?;
    drop(first);
    let url = gw.url.clone();
    wait_for("room for a new session", Duration::from_secs(10), || {
        let url = url.clone();
        async move {
            Ok(match Ws::connect_with(&url, &[]).await? {
                Ok(mut ws) => {
                    ws.hello(json!({})).await?["type"] == "welcome"
                        && ws.say("1", "hello").await?["intent"] == "greeting"
                }
                Err(503) => false,
                Err(other) => anyhow::bail!("unexpected status {other}"),
            })
        }
    })
    .await?;
    let metrics = reqwest::get(format!("{}/metrics", gw.http))
        .await?
        .text()
        .await?;
    ensure!(
        sample(
            &metrics,
            "gateway_errors_total",
            &[("code", "too_many_sessions")]
        )
        .is_some_and(|n| n >= 1.0),
        "{metrics}"
    );
    gw.shutdown().await
}

#[tokio::test]
async fn graceful_shutdown_answers_the_request_in_flight_then_closes_with_1001()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway_with(
        dir.path(),
        Config::default(),
        Builtins::InProcess,
        &[("GATEWAY_API_KEYS", api_keys(ADMIN_KEY, CUSTOMER_KEY))],
    )
    .await?;
    // A file on the server rather than `content`: big enough that the import
    // is still running when shutdown begins (`content` must fit a 64 KiB frame).
    let rows = 8000;
    let mut csv = String::from("sku,title,price,currency,stock\n");
    for n in 0..rows {
        csv.push_str(&format!(
            "SD-{n:05},Drain print {n},{}.50,EUR,{}\n",
            10 + n % 40,
            n % 7
        ));
    }
    let file = dir.path().join("drain.csv");
    std::fs::write(&file, csv)?;
    let frame = json!({ "type": "call", "id": "imp", "server": "mcp-admin", "tool": "import_products", "arguments": { "path": file.display().to_string(), "format": "csv" } });
    let mut ws = Ws::connect(&gw.url).await?;
    let welcome = ws.hello(json!({ "token": ADMIN_KEY })).await?;
    ensure!(welcome["role"] == "admin", "{welcome}");
    let mut idle = Ws::connect(&gw.url).await?;
    idle.hello(json!({})).await?;
    ws.send(frame).await?;
    // In flight: its first progress update has arrived, with more to read.
    let first = ws.next().await?;
    ensure!(
        first["type"] == "progress" && first["id"] == "imp",
        "{first}"
    );
    ensure!(
        first["progress"].as_f64() < first["total"].as_f64(),
        "the import is not in flight any more: {first}"
    );

    let gateway = gw.gateway.clone();
    let url = gw.url.clone();
    let shutdown = tokio::spawn(gw.shutdown());
    wait_for("shutdown started", Duration::from_secs(5), || {
        let gateway = gateway.clone();
        async move { Ok(gateway.shutdown.is_cancelled()) }
    })
    .await?;
    let router = mcp_gateway::server::router(gateway.clone());
    let (status, _, body) = get(&router, "/readyz", None).await?;
    ensure!(
        status == StatusCode::SERVICE_UNAVAILABLE && body["draining"] == true,
        "{status} {body}"
    );

    // The request in flight is answered in full…
    let answer = loop {
        let frame = ws.next().await?;
        if frame["type"] != "progress" {
            break frame;
        }
    };
    ensure!(
        answer["type"] == "result"
            && answer["id"] == "imp"
            && answer["is_error"] == false
            && answer["structured"]["created"] == rows,
        "{}",
        answer.to_string().chars().take(800).collect::<String>()
    );
    // …then the socket is closed with 1001, like the idle one.
    for (what, socket) in [("busy", &mut ws), ("idle", &mut idle)] {
        let closed = socket.next_raw().await?;
        ensure!(
            matches!(&closed, Some(Message::Close(Some(frame))) if u16::from(frame.code) == 1001),
            "{what}: {closed:?}"
        );
    }
    tokio::time::timeout(Duration::from_secs(30), shutdown)
        .await
        .context("the drain did not finish")???;
    let after = tokio::time::timeout(Duration::from_secs(10), Ws::connect_with(&url, &[])).await;
    ensure!(
        !matches!(after, Ok(Ok(Ok(_)))),
        "a new session after shutdown"
    );
    Ok(())
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway_with_keys(dir.path(), ADMIN_KEY, CUSTOMER_KEY).await?;
    for scheme in ["bearer", "BEARER"] {
        let value = format!("{scheme} {ADMIN_KEY}");
        let mut ws = Ws::connect_with(&gw.url, &[("Authorization", &value)])
            .await?
            .map_err(|s| anyhow::anyhow!("{scheme}: upgrade refused: {s}"))?;
        let welcome = ws.hello(json!({})).await?;
        ensure!(welcome["role"] == "admin", "{scheme}: {welcome}");
        let response = reqwest::Client::new()
            .get(format!("{}/admin/servers", gw.http))
            .header(header::AUTHORIZATION, &value)
            .send()
            .await?;
        ensure!(response.status() == 200, "{scheme}: {}", response.status());
    }
    gw.shutdown().await
}

#[tokio::test]
async fn an_authorization_header_without_a_bearer_token_is_refused_at_the_upgrade()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let gw = gateway_with_keys(dir.path(), ADMIN_KEY, CUSTOMER_KEY).await?;
    for value in ["Bearer ", "Bearer", "Basic Y2FybGE6c2VjcmV0", "Token abc"] {
        let refused = Ws::connect_with(&gw.url, &[("Authorization", value)]).await?;
        ensure!(
            matches!(refused, Err(401)),
            "{value:?}: upgraded ({:?})",
            refused.as_ref().err()
        );
    }
    gw.shutdown().await
}
