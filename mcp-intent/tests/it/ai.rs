//! The AI tier against real HTTP servers (wiremock): what each provider sends,
//! how it reads answers, and how every failure becomes an `AiError` that never
//! shows the API key. Then the mock provider and `from_env`.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mcp_intent::ai::{
    AiAnswer, AiError, AiProvider, AiRequest, Anthropic, Mock, OpenAiCompatible, from_env,
};
use mcp_intent::resolution::{Resolution, ResolveRequest, StateProduct, TurnAction};
use mcp_intent::{Analyzer, INTENTS, Role, Turn};
use museo_sdk::env;
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock as Route, MockServer, Request, ResponseTemplate};

/// A key distinctive enough that finding it anywhere is a leak.
const KEY: &str = "sk-test-7f3a9c1e5b2d4680-leakcheck";
const MODEL: &str = "test-model";
/// Time allowed past a provider's timeout before the test calls it a hang.
const SLACK: Duration = Duration::from_millis(1500);

#[derive(Debug, Clone, Copy)]
enum Kind {
    OpenAi,
    Anthropic,
}

const BOTH: [Kind; 2] = [Kind::OpenAi, Kind::Anthropic];

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::OpenAi => "/v1/chat/completions",
            Kind::Anthropic => "/v1/messages",
        }
    }

    /// A provider pointed at `server`.
    fn provider(self, server: &MockServer, timeout: Duration) -> Arc<dyn AiProvider> {
        let key = SecretString::from(KEY);
        match self {
            Kind::OpenAi => Arc::new(
                OpenAiCompatible::new(format!("{}/v1", server.uri()), MODEL)
                    .with_api_key(key)
                    .with_timeout(timeout),
            ),
            Kind::Anthropic => Arc::new(
                Anthropic::new(MODEL, key)
                    .with_base_url(server.uri())
                    .with_timeout(timeout),
            ),
        }
    }

    /// A successful response carrying `answer` the way this provider does.
    fn reply(self, answer: &Value) -> Value {
        match self {
            Kind::OpenAi => json!({
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": MODEL,
                "choices": [{
                    "index": 0,
                    "message": { "role": "assistant", "content": answer.to_string(), "refusal": null },
                    "finish_reason": "stop"
                }]
            }),
            Kind::Anthropic => json!({
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": MODEL,
                "content": [
                    { "type": "text", "text": "Recording it." },
                    { "type": "tool_use", "id": "toolu_1", "name": "record_intent", "input": answer }
                ],
                "stop_reason": "tool_use"
            }),
        }
    }
}

fn good_answer() -> Value {
    json!({
        "intent": "basket.add",
        "confidence": 0.87,
        "language": "es",
        "entities": { "quantity": 2, "product_ref": "MUS-0042" }
    })
}

fn request() -> AiRequest {
    let mut shown = Map::new();
    shown.insert(
        "products".into(),
        json!([{ "id": "42", "sku": "MUS-0042", "title": "Taza Guernica" }]),
    );
    AiRequest {
        message: "añade dos de esos".into(),
        locale: Some("es-ES".into()),
        history: vec![
            Turn {
                role: Role::User,
                text: "tazas".into(),
                intent: Some("product.search".into()),
                entities: None,
            },
            Turn {
                role: Role::Assistant,
                text: "Encontré 1 taza".into(),
                intent: None,
                entities: Some(shown),
            },
        ],
        candidates: vec![("basket.add".into(), 0.55), ("product.search".into(), 0.5)],
    }
}

/// A server answering this provider's endpoint with `template`.
async fn serve(kind: Kind, template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Route::given(method("POST"))
        .and(path(kind.path()))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// Classifies [`request`] against a server answering with `template`.
async fn classify(kind: Kind, template: ResponseTemplate) -> Result<AiAnswer, AiError> {
    let server = serve(kind, template).await;
    kind.provider(&server, Duration::from_secs(5))
        .classify(&request())
        .await
}

fn answering(kind: Kind, answer: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(kind.reply(answer))
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request, no retries");
    requests.remove(0)
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The `{message, locale, history, candidates}` JSON a provider sent.
fn check_user_content(text: &str) {
    let content: Value = serde_json::from_str(text).expect("the user turn is JSON");
    assert_eq!(content["message"], json!("añade dos de esos"));
    assert_eq!(content["locale"], json!("es-ES"));
    assert_eq!(content["history"][0]["text"], json!("tazas"));
    assert_eq!(
        content["history"][1]["entities"]["products"][0]["sku"],
        json!("MUS-0042")
    );
    assert_eq!(
        content["candidates"][0],
        json!({ "intent": "basket.add", "score": 0.55 })
    );
}

fn check_schema(schema: &Value) {
    assert_eq!(schema["type"], json!("object"));
    assert_eq!(schema["properties"]["intent"]["enum"], json!(INTENTS));
    assert_eq!(
        schema["properties"]["language"]["enum"],
        json!(["en", "es", "fr"])
    );
    assert!(schema["properties"]["entities"]["properties"]["quantity"].is_object());
}

#[tokio::test]
async fn a_good_answer_is_parsed_and_the_request_has_the_expected_shape() {
    for kind in BOTH {
        let server = serve(kind, answering(kind, &good_answer())).await;
        let answer = kind
            .provider(&server, Duration::from_secs(5))
            .classify(&request())
            .await
            .expect("a good answer");
        assert_eq!(answer.intent, "basket.add", "{kind:?}");
        assert_eq!(answer.confidence, 0.87);
        assert_eq!(answer.language, "es");
        assert_eq!(
            Value::Object(answer.entities),
            json!({ "quantity": 2, "product_ref": "MUS-0042" })
        );

        let sent = only_request(&server).await;
        let body: Value = sent.body_json().expect("a JSON body");
        assert_eq!(body["model"], json!(MODEL));
        assert_eq!(body["temperature"], json!(0));
        assert!(
            header(&sent, "content-type").is_some_and(|t| t.starts_with("application/json")),
            "{kind:?}"
        );
        match kind {
            Kind::OpenAi => {
                assert_eq!(
                    header(&sent, "authorization"),
                    Some(format!("Bearer {KEY}").as_str())
                );
                let format = &body["response_format"];
                assert_eq!(format["type"], json!("json_schema"));
                assert_eq!(format["json_schema"]["name"], json!("intent"));
                assert_eq!(format["json_schema"]["strict"], json!(true));
                check_schema(&format["json_schema"]["schema"]);
                let messages = body["messages"].as_array().expect("messages");
                assert_eq!(messages.len(), 2);
                assert_eq!(messages[0]["role"], json!("system"));
                let system = messages[0]["content"].as_str().expect("system text");
                assert!(system.contains("admin.product.import"), "{system}");
                assert!(system.contains("never admin.*"), "{system}");
                assert_eq!(messages[1]["role"], json!("user"));
                check_user_content(messages[1]["content"].as_str().expect("user text"));
            }
            Kind::Anthropic => {
                assert_eq!(header(&sent, "x-api-key"), Some(KEY));
                assert_eq!(header(&sent, "anthropic-version"), Some("2023-06-01"));
                assert_eq!(header(&sent, "authorization"), None);
                assert_eq!(body["max_tokens"], json!(400));
                assert!(
                    body["system"]
                        .as_str()
                        .is_some_and(|s| s.contains("out-of-scope") || s.contains("Out-of-scope"))
                );
                assert_eq!(
                    body["tool_choice"],
                    json!({ "type": "tool", "name": "record_intent" })
                );
                assert_eq!(body["tools"][0]["name"], json!("record_intent"));
                check_schema(&body["tools"][0]["input_schema"]);
                assert_eq!(body["messages"][0]["role"], json!("user"));
                check_user_content(body["messages"][0]["content"].as_str().expect("user text"));
            }
        }
    }
}

#[tokio::test]
async fn an_openai_compatible_server_without_a_key_gets_no_authorization() {
    let server = serve(Kind::OpenAi, answering(Kind::OpenAi, &good_answer())).await;
    // A trailing slash on the base URL is tolerated.
    let provider = OpenAiCompatible::new(format!("{}/v1/", server.uri()), "llama3.2");
    provider.classify(&request()).await.expect("answer");
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "authorization"), None);
}

#[tokio::test]
async fn a_slow_provider_times_out_on_time() {
    let timeout = Duration::from_millis(300);
    for kind in BOTH {
        let server = serve(
            kind,
            answering(kind, &good_answer()).set_delay(Duration::from_secs(10)),
        )
        .await;
        let provider = kind.provider(&server, timeout);
        let started = Instant::now();
        let result = provider.classify(&request()).await;
        let elapsed = started.elapsed();
        assert_eq!(result, Err(AiError::Timeout), "{kind:?}");
        assert!(
            elapsed >= timeout - Duration::from_millis(50),
            "{elapsed:?}"
        );
        assert!(elapsed < timeout + SLACK, "{kind:?} took {elapsed:?}");
    }
}

#[tokio::test]
async fn malformed_answers_are_invalid() {
    // OpenAI: the content is not JSON.
    let reply = json!({ "choices": [{ "message": { "role": "assistant", "content": "basket.add, I think {" } }] });
    let result = classify(
        Kind::OpenAi,
        ResponseTemplate::new(200).set_body_json(reply),
    )
    .await;
    assert!(
        matches!(&result, Err(AiError::Invalid(r)) if r.contains("not JSON")),
        "{result:?}"
    );
    for kind in BOTH {
        // The HTTP body itself is not JSON.
        let result = classify(
            kind,
            ResponseTemplate::new(200).set_body_string("<html>oops</html>"),
        )
        .await;
        assert!(
            matches!(&result, Err(AiError::Invalid(_))),
            "{kind:?}: {result:?}"
        );
        // The answer is JSON but not an object.
        let result = classify(kind, answering(kind, &json!("basket.add"))).await;
        assert!(
            matches!(&result, Err(AiError::Invalid(_))),
            "{kind:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn server_errors_are_http_errors_with_a_short_scrubbed_detail() {
    for kind in BOTH {
        for status in [500, 503] {
            let body = format!(
                "upstream failed for key {KEY} {}",
                "and a very long explanation ".repeat(40)
            );
            let result = classify(kind, ResponseTemplate::new(status).set_body_string(body)).await;
            let Err(AiError::Http {
                status: got,
                detail,
            }) = &result
            else {
                panic!("{kind:?} {status}: expected Http, got {result:?}");
            };
            assert_eq!(*got, status);
            assert!(detail.starts_with("upstream failed"), "{detail}");
            assert!(detail.chars().count() <= 201, "{detail}");
            let shown = result.expect_err("error").to_string();
            assert!(shown.contains(&status.to_string()), "{shown}");
            assert!(!shown.contains(KEY), "{shown}");
            assert!(!shown.contains("7f3a9c1e"), "{shown}");
        }
    }
}

#[tokio::test]
async fn unauthorised_is_http_401_and_never_shows_the_key() {
    for kind in BOTH {
        let masked = format!("{}…{}", &KEY[..8], &KEY[KEY.len() - 4..]);
        let body = json!({ "error": { "message": format!("Incorrect API key provided: {KEY} ({masked})") } });
        let result = classify(kind, ResponseTemplate::new(401).set_body_json(body)).await;
        assert!(
            matches!(result, Err(AiError::Http { status: 401, .. })),
            "{kind:?}: {result:?}"
        );
        let error = result.expect_err("401");
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains(KEY), "{shown}");
            assert!(!shown.contains(&masked), "{shown}");
        }
    }
}

#[tokio::test]
async fn answers_outside_the_contract_are_invalid() {
    for kind in BOTH {
        let mut unknown_intent = good_answer();
        unknown_intent["intent"] = json!("basket.clear");
        let result = classify(kind, answering(kind, &unknown_intent)).await;
        assert!(
            matches!(&result, Err(AiError::Invalid(r)) if r.contains("basket.clear")),
            "{kind:?}: {result:?}"
        );

        let mut overconfident = good_answer();
        overconfident["confidence"] = json!(1.5);
        let result = classify(kind, answering(kind, &overconfident)).await;
        assert!(
            matches!(&result, Err(AiError::Invalid(r)) if r.contains("confidence")),
            "{kind:?}: {result:?}"
        );

        let mut german = good_answer();
        german["language"] = json!("de");
        let result = classify(kind, answering(kind, &german)).await;
        assert!(
            matches!(&result, Err(AiError::Invalid(_))),
            "{kind:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn unknown_entities_and_wrong_types_are_dropped() {
    for kind in BOTH {
        let mut answer = good_answer();
        answer["entities"] = json!({
            "quantity": "two",
            "price_max": 30,
            "currency": "EUR",
            "price_min": "10",
            "colour": "red",
            "products": [1, 2],
            "stock": -3,
            "color": "rojo",
            "query": null
        });
        let answer = classify(kind, answering(kind, &answer))
            .await
            .expect("valid despite bad entities");
        assert_eq!(
            Value::Object(answer.entities),
            json!({ "price_max": 30, "currency": "EUR", "color": "rojo" }),
            "{kind:?}"
        );
    }
}

#[tokio::test]
async fn anthropic_without_a_tool_use_block_is_invalid() {
    let reply = json!({
        "content": [{ "type": "text", "text": "{\"intent\":\"greeting\"}" }],
        "stop_reason": "end_turn"
    });
    let result = classify(
        Kind::Anthropic,
        ResponseTemplate::new(200).set_body_json(reply),
    )
    .await;
    assert!(
        matches!(&result, Err(AiError::Invalid(r)) if r.contains("tool_use")),
        "{result:?}"
    );
}

#[tokio::test]
async fn refusals_are_declined() {
    let openai = json!({ "choices": [{ "message": { "content": null, "refusal": "I can't help with that." } }] });
    let result = classify(
        Kind::OpenAi,
        ResponseTemplate::new(200).set_body_json(openai),
    )
    .await;
    assert_eq!(result, Err(AiError::Declined));
    let anthropic = json!({ "content": [], "stop_reason": "refusal" });
    let result = classify(
        Kind::Anthropic,
        ResponseTemplate::new(200).set_body_json(anthropic),
    )
    .await;
    assert_eq!(result, Err(AiError::Declined));
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let provider = OpenAiCompatible::new(format!("http://{address}/v1"), MODEL)
        .with_api_key(SecretString::from(KEY))
        .with_timeout(Duration::from_secs(2));
    let result = provider.classify(&request()).await;
    assert!(
        matches!(&result, Err(AiError::Transport(m)) if !m.contains(KEY)),
        "{result:?}"
    );
}

#[tokio::test]
async fn the_mock_answers_only_what_is_scripted() {
    let scripted = AiAnswer {
        intent: "greeting".into(),
        confidence: 0.9,
        language: "fr".into(),
        entities: Map::new(),
    };
    let mock = Mock::with_script(HashMap::from([("Bonjour !".into(), scripted.clone())]));
    assert_eq!(mock.name(), "mock");
    let answer = mock.classify(&AiRequest::new("  bonjour  !")).await;
    assert_eq!(answer, Ok(scripted));
    let other = mock.classify(&AiRequest::new("bonsoir")).await;
    assert_eq!(other, Err(AiError::Declined));
}

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn from_env_defaults_to_a_mock_that_declines() {
    for config in [
        vars(&[]),
        vars(&[(env::INTENT_AI_PROVIDER, "mock")]),
        vars(&[(env::INTENT_AI_PROVIDER, "none")]),
    ] {
        let provider = from_env(&config).expect("valid");
        assert_eq!(provider.name(), "mock");
        let result = provider.classify(&AiRequest::new("hello")).await;
        assert_eq!(result, Err(AiError::Declined));
    }
}

#[tokio::test]
async fn from_env_loads_the_mock_script_file() {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    let script = json!({ "Add two of those": good_answer() });
    file.write_all(script.to_string().as_bytes())
        .expect("write");
    let path = file.path().to_str().expect("utf-8 path");
    let provider = from_env(&vars(&[(env::INTENT_AI_MOCK_FILE, path)])).expect("valid");
    let answer = provider
        .classify(&AiRequest::new("add two of those"))
        .await
        .expect("scripted");
    assert_eq!(answer.intent, "basket.add");
    // `none` ignores the file.
    let none = from_env(&vars(&[
        (env::INTENT_AI_PROVIDER, "none"),
        (env::INTENT_AI_MOCK_FILE, path),
    ]))
    .expect("valid");
    let declined = none.classify(&AiRequest::new("add two of those")).await;
    assert_eq!(declined, Err(AiError::Declined));

    // A script with an answer outside the contract is refused up front.
    let mut bad = tempfile::NamedTempFile::new().expect("temp file");
    bad.write_all(
        br#"{"hi": {"intent": "wave", "confidence": 1, "language": "en", "entities": {}}}"#,
    )
    .expect("write");
    let err = from_env(&vars(&[(
        env::INTENT_AI_MOCK_FILE,
        bad.path().to_str().expect("utf-8 path"),
    )]))
    .expect_err("bad script");
    assert_eq!(err.key, env::INTENT_AI_MOCK_FILE);
    assert!(err.message.contains("hi"), "{err}");
}

#[test]
fn from_env_names_the_missing_key() {
    let err = from_env(&vars(&[(env::INTENT_AI_PROVIDER, "openai")])).expect_err("no model");
    assert_eq!(err.key, env::INTENT_AI_MODEL);
    assert!(err.to_string().contains("INTENT_AI_MODEL"), "{err}");

    let err = from_env(&vars(&[(env::INTENT_AI_PROVIDER, "anthropic")])).expect_err("no model");
    assert_eq!(err.key, env::INTENT_AI_MODEL);

    let err = from_env(&vars(&[
        (env::INTENT_AI_PROVIDER, "anthropic"),
        (env::INTENT_AI_MODEL, MODEL),
    ]))
    .expect_err("no key");
    assert_eq!(err.key, env::INTENT_AI_API_KEY);
    assert!(err.to_string().contains("INTENT_AI_API_KEY"), "{err}");

    let err = from_env(&vars(&[
        (env::INTENT_AI_PROVIDER, "anthropic"),
        (env::INTENT_AI_MODEL, MODEL),
        (env::INTENT_AI_API_KEY_FILE, "/nonexistent/ai-key"),
    ]))
    .expect_err("unreadable key file");
    assert_eq!(err.key, env::INTENT_AI_API_KEY_FILE);
}

#[tokio::test]
async fn the_key_file_wins_is_trimmed_and_reaches_the_server() {
    let server = serve(Kind::Anthropic, answering(Kind::Anthropic, &good_answer())).await;
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(format!("  {KEY}\n\n").as_bytes())
        .expect("write");
    let provider = from_env(&vars(&[
        (env::INTENT_AI_PROVIDER, "anthropic"),
        (env::INTENT_AI_MODEL, MODEL),
        (env::INTENT_AI_BASE_URL, &server.uri()),
        (env::INTENT_AI_API_KEY, "sk-the-variable-loses"),
        (
            env::INTENT_AI_API_KEY_FILE,
            file.path().to_str().expect("utf-8"),
        ),
        (env::INTENT_AI_TIMEOUT_MS, "2000"),
    ]))
    .expect("valid");
    assert_eq!(provider.name(), "anthropic");
    provider.classify(&request()).await.expect("answer");
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "x-api-key"), Some(KEY));
}

#[test]
fn debug_output_never_shows_the_key() {
    let configured = [
        from_env(&vars(&[
            (env::INTENT_AI_PROVIDER, "anthropic"),
            (env::INTENT_AI_MODEL, MODEL),
            (env::INTENT_AI_API_KEY, KEY),
        ]))
        .expect("anthropic"),
        from_env(&vars(&[
            (env::INTENT_AI_PROVIDER, "openai"),
            (env::INTENT_AI_MODEL, MODEL),
            (env::INTENT_AI_API_KEY, KEY),
        ]))
        .expect("openai"),
    ];
    for provider in configured {
        let shown = format!("{provider:?} {provider:#?}");
        assert!(shown.contains(MODEL), "{shown}");
        assert!(!shown.contains(KEY), "{shown}");
    }
    let direct =
        OpenAiCompatible::new("http://127.0.0.1:1/v1", MODEL).with_api_key(SecretString::from(KEY));
    assert!(!format!("{direct:?}").contains(KEY));
}

/// A `resolve_turn` state: a list of two mugs, a tote in the basket.
fn resolve_request(message: &str) -> ResolveRequest {
    let product = |reference: &str, title: &str, shown: Option<u32>, in_basket: u32| StateProduct {
        reference: reference.into(),
        title: title.into(),
        shown,
        in_basket,
        focus: false,
        offered: false,
    };
    ResolveRequest {
        message: message.into(),
        locale: Some("en-GB".into()),
        history: None,
        products: vec![
            product("p1", "Great Wave mug", Some(1), 0),
            product("p2", "Water Lilies mug", Some(2), 0),
            product("p3", "Sunflowers tote", None, 1),
        ],
        asked: None,
    }
}

#[tokio::test]
async fn a_resolution_travels_both_ways_and_is_checked_against_the_state() {
    for kind in BOTH {
        let answer = json!({ "action": "add", "product": "p2", "quantity": 2, "confidence": 0.9 });
        let server = serve(kind, answering(kind, &answer)).await;
        let provider = kind.provider(&server, Duration::from_secs(5));
        let request = resolve_request("two of the lily ones for my aunt");
        let resolution = provider.resolve(&request).await.expect("a resolution");
        assert_eq!(resolution.action, TurnAction::Add, "{kind:?}");
        assert_eq!(resolution.product.as_deref(), Some("p2"));
        assert_eq!(resolution.quantity, Some(2));

        let sent = only_request(&server).await;
        let body: Value = sent.body_json().expect("a JSON body");
        let (system, user, schema) = match kind {
            Kind::OpenAi => {
                assert_eq!(
                    body["response_format"]["json_schema"]["name"],
                    json!("resolution")
                );
                (
                    body["messages"][0]["content"].clone(),
                    body["messages"][1]["content"].clone(),
                    body["response_format"]["json_schema"]["schema"].clone(),
                )
            }
            Kind::Anthropic => {
                assert_eq!(
                    body["tool_choice"],
                    json!({ "type": "tool", "name": "record_resolution" })
                );
                (
                    body["system"].clone(),
                    body["messages"][0]["content"].clone(),
                    body["tools"][0]["input_schema"].clone(),
                )
            }
        };
        assert!(
            system.as_str().is_some_and(|s| s.contains("never invent")),
            "{system}"
        );
        let user: Value = serde_json::from_str(user.as_str().expect("text")).expect("JSON data");
        assert_eq!(user["message"], json!("two of the lily ones for my aunt"));
        assert_eq!(user["products"][1]["ref"], json!("p2"));
        assert_eq!(user["products"][2]["in_basket"], json!(1));
        assert!(
            !user.to_string().contains("\"id\""),
            "no product ids travel"
        );
        assert_eq!(schema["properties"]["action"]["enum"][0], json!("none"));

        // A reference the state does not have, or a removal of a product not
        // in the basket, is refused whatever the model's confidence.
        for invented in [
            json!({ "action": "add", "product": "MUG-WAVE-01", "quantity": 1, "confidence": 1.0 }),
            json!({ "action": "remove", "product": "p1", "quantity": null, "confidence": 1.0 }),
        ] {
            let server = serve(kind, answering(kind, &invented)).await;
            let result = kind
                .provider(&server, Duration::from_secs(5))
                .resolve(&request)
                .await;
            assert!(
                matches!(result, Err(AiError::Invalid(_))),
                "{kind:?} {result:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_analyzer_resolves_only_confident_checked_answers() {
    let mock = Mock::new().with_resolutions(HashMap::from([
        (
            "the lily one".to_owned(),
            json!({ "action": "show", "product": "p2", "confidence": 0.95 }),
        ),
        (
            "maybe that".to_owned(),
            json!({ "action": "add", "product": "p1", "confidence": 0.4 }),
        ),
        (
            "the blue one".to_owned(),
            json!({ "action": "add", "product": "p9", "confidence": 0.99 }),
        ),
    ]));
    let analyzer = Analyzer::new(Arc::new(mock));
    let shown = analyzer
        .resolve(&resolve_request("The lily  one"))
        .await
        .expect("valid request");
    assert_eq!(shown.action, TurnAction::Show);
    assert_eq!(shown.product.as_deref(), Some("p2"));
    for unsure in ["maybe that", "the blue one", "something else"] {
        let none = analyzer
            .resolve(&resolve_request(unsure))
            .await
            .expect("valid request");
        assert_eq!(none, Resolution::none(), "{unsure}");
    }
    // A provider that fails is `none`, not an error.
    let server = serve(Kind::OpenAi, ResponseTemplate::new(500)).await;
    let failing = Analyzer::new(Kind::OpenAi.provider(&server, Duration::from_secs(5)));
    let none = failing
        .resolve(&resolve_request("the lily one"))
        .await
        .expect("valid request");
    assert_eq!(none, Resolution::none());
    // Bad input is refused before any model is asked.
    let mut bad = resolve_request("the lily one");
    bad.products[1].reference = "p1".into();
    assert!(analyzer.resolve(&bad).await.is_err());
    assert!(analyzer.resolve(&resolve_request("   ")).await.is_err());
}

#[tokio::test]
async fn a_mock_file_may_script_resolutions() {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    let script = json!({
        "Add two of those": good_answer(),
        "the lily one": { "action": "add", "product": "p2", "quantity": 1, "confidence": 0.9 }
    });
    file.write_all(script.to_string().as_bytes())
        .expect("write");
    let path = file.path().to_str().expect("utf-8 path");
    let provider = from_env(&vars(&[(env::INTENT_AI_MOCK_FILE, path)])).expect("valid");
    let resolved = provider
        .resolve(&resolve_request("the lily one"))
        .await
        .expect("scripted");
    assert_eq!(resolved.product.as_deref(), Some("p2"));
    assert!(
        provider
            .classify(&AiRequest::new("add two of those"))
            .await
            .is_ok()
    );
    assert_eq!(
        provider.resolve(&resolve_request("add two of those")).await,
        Err(AiError::Declined)
    );
}
