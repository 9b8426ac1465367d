//! The server and an rmcp client in one process over `tokio::io::duplex`:
//! the whole tool contract, with both ways of starting a session.

use rmcp::ServiceError;
use rmcp::model::CallToolRequestParams;
use rmcp::model::ErrorCode;
use serde_json::json;

use crate::support::{
    analyze, bounded, check_analysis, check_listing, check_peer, check_tool_error, duplex_client,
    lifecycles, named, sample_requests,
};

#[tokio::test]
async fn lists_analyze_intent_with_its_contract() -> anyhow::Result<()> {
    for (name, lifecycle) in lifecycles() {
        let client = duplex_client(lifecycle).await?;
        check_peer(&client, name)?;
        let tools = bounded("list tools", client.list_all_tools()).await??;
        check_listing(&tools).map_err(|e| e.context(name))?;
        client.cancel().await?;
    }
    Ok(())
}

#[tokio::test]
async fn initialize_carries_instructions_for_the_model() -> anyhow::Result<()> {
    let (_, lifecycle) = lifecycles().into_iter().next().expect("initialize");
    let client = duplex_client(lifecycle).await?;
    let info = client.peer_info().expect("server info");
    let instructions = info.instructions.as_deref().unwrap_or_default();
    assert!(instructions.contains("analyze_intent"), "{instructions:?}");
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn valid_messages_give_structured_results_that_match_the_schema() -> anyhow::Result<()> {
    for (name, lifecycle) in lifecycles() {
        let client = duplex_client(lifecycle).await?;
        let tools = bounded("list tools", client.list_all_tools()).await??;
        let schema = named(&tools, "analyze_intent")?
            .output_schema
            .clone()
            .expect("outputSchema");
        for request in sample_requests() {
            let result = analyze(&client, request.clone()).await?;
            check_analysis(&result, Some(&schema))
                .map_err(|e| e.context(format!("{name}: {request}")))?;
        }
        client.cancel().await?;
    }
    Ok(())
}

#[tokio::test]
async fn refused_input_is_a_tool_error_the_model_can_read() -> anyhow::Result<()> {
    let (_, lifecycle) = lifecycles().into_iter().next().expect("initialize");
    let client = duplex_client(lifecycle).await?;

    let empty = analyze(&client, json!({ "message": "" })).await?;
    check_tool_error(&empty, "`message` is empty")?;
    let blank = analyze(&client, json!({ "message": " \n\t " })).await?;
    check_tool_error(&blank, "`message` is empty")?;

    let long = "a".repeat(5000);
    let too_long = analyze(&client, json!({ "message": long })).await?;
    let text = check_tool_error(&too_long, "5000")?;
    assert!(
        text.contains(&mcp_intent::MAX_MESSAGE_CHARS.to_string()),
        "{text}"
    );

    // The limit counts characters, not bytes.
    let at_limit = "é".repeat(mcp_intent::MAX_MESSAGE_CHARS);
    check_analysis(
        &analyze(&client, json!({ "message": at_limit })).await?,
        None,
    )?;

    // A bad locale is either refused with a message naming `locale`, or
    // ignored; it is never a protocol error.
    let result = analyze(
        &client,
        json!({ "message": "hello", "locale": "not a locale!!" }),
    )
    .await?;
    if result.is_error == Some(true) {
        check_tool_error(&result, "locale")?;
    } else {
        check_analysis(&result, None)?;
    }
    client.cancel().await?;
    Ok(())
}

/// rmcp 3.11 turns arguments that do not deserialize into a tool result with
/// `isError: true` (MCP 2025-11-25: input validation errors are tool errors,
/// so the model can correct itself), not a JSON-RPC -32602.
#[tokio::test]
async fn arguments_that_do_not_fit_the_schema_are_tool_errors() -> anyhow::Result<()> {
    for (name, lifecycle) in lifecycles() {
        let client = duplex_client(lifecycle).await?;
        let cases = [
            (
                json!({ "message": 42 }),
                "invalid type: integer `42`, expected a string",
            ),
            (json!({}), "missing field `message`"),
            (json!({ "locale": "en" }), "missing field `message`"),
            (json!({ "message": null }), "expected a string"),
            (
                json!({ "message": "hi", "history": "yesterday" }),
                "expected a sequence",
            ),
            (
                json!({ "message": "hi", "history": [{ "role": "robot", "text": "x" }] }),
                "unknown variant `robot`",
            ),
        ];
        for (arguments, needle) in cases {
            let result = analyze(&client, arguments.clone()).await?;
            let text = check_tool_error(&result, needle)
                .map_err(|e| e.context(format!("{name}: {arguments}")))?;
            assert!(
                text.starts_with("failed to deserialize parameters"),
                "{text}"
            );
        }
        client.cancel().await?;
    }
    Ok(())
}

#[tokio::test]
async fn an_unknown_tool_is_a_jsonrpc_invalid_params_error() -> anyhow::Result<()> {
    let (_, lifecycle) = lifecycles().into_iter().next().expect("initialize");
    let client = duplex_client(lifecycle).await?;
    let error = bounded(
        "call",
        client.call_tool(CallToolRequestParams::new("analyse_intent")),
    )
    .await?
    .expect_err("unknown tool");
    let ServiceError::McpError(error) = error else {
        panic!("expected a JSON-RPC error, got {error:?}");
    };
    assert_eq!(error.code, ErrorCode::INVALID_PARAMS);
    assert_eq!(error.message, "tool not found");
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn hostile_text_never_breaks_the_server() -> anyhow::Result<()> {
    let (_, lifecycle) = lifecycles().into_iter().next().expect("initialize");
    let client = duplex_client(lifecycle).await?;
    let many_emoji = "🧣".repeat(10_000);
    let some_emoji = "🖼️".repeat(900);
    let hostile = [
        "\u{0}\u{1}\u{7}\u{8}\u{1b}[31mred\u{1b}[0m\r\n\u{7f}",
        many_emoji.as_str(),
        some_emoji.as_str(),
        r#"{"jsonrpc":"2.0","id":99,"method":"tools/list"}"#,
        "\"}]}\n{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}",
        "\u{202e}tpircs\u{202c} <script>alert(1)</script>",
        "'; DROP TABLE products; --",
        "\u{feff}\u{200b}\u{fffd}\u{10ffff}",
        "ⅰⅱⅲ ﬁ ǅ ß İ ﷺ",
        "   hello   ",
    ];
    for message in hostile {
        let result = analyze(&client, json!({ "message": message, "locale": message })).await?;
        if result.is_error == Some(true) {
            check_tool_error(&result, "")?;
        } else {
            check_analysis(&result, None)?;
        }
    }
    // Still answering after all of that.
    check_analysis(
        &analyze(&client, json!({ "message": "hello" })).await?,
        None,
    )?;
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn concurrent_calls_on_one_session_all_answer() -> anyhow::Result<()> {
    let (_, lifecycle) = lifecycles().into_iter().next().expect("initialize");
    let client = std::sync::Arc::new(duplex_client(lifecycle).await?);
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..64 {
        let client = client.clone();
        calls.spawn(async move {
            analyze(&client, json!({ "message": format!("show me mugs {i}") })).await
        });
    }
    while let Some(result) = calls.join_next().await {
        check_analysis(&result??, None)?;
    }
    Ok(())
}

/// Calls `resolve_turn`.
async fn resolve(
    client: &crate::support::Client,
    arguments: serde_json::Value,
) -> Result<rmcp::model::CallToolResult, ServiceError> {
    let serde_json::Value::Object(arguments) = arguments else {
        panic!("arguments are an object");
    };
    let params = CallToolRequestParams::new("resolve_turn").with_arguments(arguments);
    match tokio::time::timeout(std::time::Duration::from_secs(10), client.call_tool(params)).await {
        Ok(result) => result,
        Err(_) => panic!("resolve_turn did not answer in 10 s"),
    }
}

#[tokio::test]
async fn resolve_turn_without_a_provider_resolves_nothing_and_refuses_bad_state()
-> anyhow::Result<()> {
    let (_, lifecycle) = lifecycles().into_iter().next().expect("initialize");
    let client = duplex_client(lifecycle).await?;
    let products = json!([
        { "ref": "p1", "title": "Great Wave mug", "shown": 1 },
        { "ref": "p2", "title": "Sunflowers tote", "in_basket": 2, "focus": true }
    ]);
    let result = resolve(
        &client,
        json!({ "message": "the one for my aunt", "products": products }),
    )
    .await?;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    assert_eq!(
        result.structured_content,
        Some(json!({ "action": "none", "confidence": 0.0 }))
    );

    let twice = json!([{ "ref": "p1", "title": "a" }, { "ref": "p1", "title": "b" }]);
    let many: Vec<_> = (0..100)
        .map(|i| json!({ "ref": format!("p{i}"), "title": "mug" }))
        .collect();
    for (arguments, needle) in [
        (
            json!({ "message": "", "products": [] }),
            "`message` is empty",
        ),
        (
            json!({ "message": "x", "products": twice }),
            "reference `p1`",
        ),
        (json!({ "message": "x", "products": many }), "at most 60"),
        (
            json!({ "message": "x", "products": [{ "ref": "p1", "title": "" }] }),
            "title",
        ),
        (
            json!({ "message": "x", "products": [{ "ref": "<script>alert(1)</script>", "title": "t" }] }),
            "longer than 16",
        ),
    ] {
        let result = resolve(&client, arguments).await?;
        check_tool_error(&result, needle)?;
    }
    // Wrong types are refused before the tool runs (as for analyze_intent).
    for arguments in [
        json!({ "products": [] }),
        json!({ "message": 5 }),
        json!({ "message": "x", "products": [{ "ref": "p1", "title": "t", "in_basket": -1 }] }),
        json!({ "message": "x", "products": "p1" }),
    ] {
        let result = resolve(&client, arguments.clone()).await?;
        check_tool_error(&result, "deserialize").map_err(|e| e.context(arguments))?;
    }
    client.cancel().await?;
    Ok(())
}
