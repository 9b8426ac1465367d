#!/usr/bin/env python3
"""Checks mcp-intent's `analyze_intent` contract with the official Python MCP SDK (2.x).

Run by scripts/ci-mcp-clients.sh; by hand:

    python client_check.py stdio path/to/mcp-intent --mode auto
    python client_check.py http://127.0.0.1:3401/mcp --mode legacy

`auto` negotiates the stateless 2026-07-28 revision (server/discover); `legacy`
uses the 2025-11-25 initialize handshake. The SDK itself validates every
structuredContent against the tool's outputSchema, so a mismatch fails here as a
strict client would fail. Only the contract is checked (shape and types), not
how well messages are classified. Exits 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import anyio
from mcp import Client, MCPError
from mcp.client.stdio import StdioServerParameters

INTENTS = {
    "product.search", "product.details", "product.question", "basket.add", "basket.view",
    "basket.remove", "checkout.pay", "admin.product.create", "admin.product.update",
    "admin.product.delete", "admin.product.import", "notify.send", "greeting", "help",
    "goodbye", "unknown",
}
EXPECTED_VERSION = {"auto": "2026-07-28", "legacy": "2025-11-25"}

MESSAGES: list[dict[str, Any]] = [
    {"message": "show me red silk scarves under 50 euros"},
    {"message": "añade dos de esos a mi cesta", "locale": "es-MX"},
    {"message": "bonjour, je cherche une affiche de Monet", "locale": "fr-FR"},
    {
        "message": "add two of those",
        "history": [
            {"role": "user", "text": "show me mugs"},
            {
                "role": "assistant",
                "text": "Here are 2 mugs",
                "intent": "product.search",
                "entities": {"products": [{"id": "p1", "sku": "MUG-1", "title": "Starry Night mug"}]},
            },
        ],
    },
]


class CheckFailed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)


def text_of(result: Any) -> str:
    texts = [block.text for block in result.content if getattr(block, "type", None) == "text"]
    check(bool(texts), f"no text block in {result!r}")
    return texts[0]


def check_listing(tools: list[Any]) -> None:
    names = sorted(tool.name for tool in tools)
    check(names == ["analyze_intent", "resolve_turn"], f"tools listed: {names}")
    resolve = next(tool for tool in tools if tool.name == "resolve_turn")
    check(resolve.input_schema.get("required") == ["message"], "resolve_turn required")
    check(sorted(resolve.output_schema.get("required", [])) == ["action", "confidence"], "resolve_turn output")
    tool = next(tool for tool in tools if tool.name == "analyze_intent")
    check(tool.title == "Analyze intent", f"title {tool.title!r}")
    check(bool(tool.description), "no description")
    a = tool.annotations
    check(a is not None, "no annotations")
    hints = (a.read_only_hint, a.destructive_hint, a.idempotent_hint, a.open_world_hint)
    check(hints == (True, False, True, False), f"annotations {a!r}")
    schema = tool.input_schema
    check(schema.get("type") == "object", f"inputSchema type {schema.get('type')!r}")
    check(schema.get("required") == ["message"], f"inputSchema required {schema.get('required')!r}")
    check(schema["properties"]["message"]["type"] == "string", "message is not a string")
    out = tool.output_schema
    check(out is not None and out.get("type") == "object", f"outputSchema {out!r}")
    required = sorted(out.get("required", []))
    check(required == ["confidence", "entities", "intent", "language", "source"], f"outputSchema required {required}")


def check_analysis(result: Any, request: dict[str, Any]) -> dict[str, Any]:
    check(not result.is_error, f"tool error for {request}: {text_of(result)}")
    s = result.structured_content
    check(isinstance(s, dict), f"no structuredContent for {request}")
    check(s.get("intent") in INTENTS, f"intent {s.get('intent')!r}")
    c = s.get("confidence")
    check(isinstance(c, (int, float)) and not isinstance(c, bool) and 0 <= c <= 1, f"confidence {c!r}")
    check(s.get("language") in {"en", "es", "fr"}, f"language {s.get('language')!r}")
    check(s.get("source") in {"pattern", "ai"}, f"source {s.get('source')!r}")
    check(isinstance(s.get("entities"), dict), f"entities {s.get('entities')!r}")
    check(json.loads(text_of(result)) == s, "text block differs from structuredContent")
    return s


def check_tool_error(result: Any, needle: str, request: dict[str, Any]) -> str:
    check(result.is_error is True, f"expected isError for {request}, got {result!r}")
    text = text_of(result)
    check(needle in text, f"error text {text!r} does not mention {needle!r}")
    return text


async def run(target: str, mode: str, server_args: list[str]) -> None:
    if target.startswith(("http://", "https://")):
        server: Any = target
    else:
        server = StdioServerParameters(command=target, args=server_args, env={"RUST_LOG": "warn"})
    with anyio.fail_after(60):
        async with Client(server, mode=mode) as client:
            version = client.protocol_version
            check(version == EXPECTED_VERSION[mode], f"{mode}: negotiated {version}")
            info = client.server_info
            check(info is not None and info.name == "mcp-intent", f"server info {info!r}")

            listing = await client.list_tools()
            check_listing(listing.tools)

            for request in MESSAGES:
                s = check_analysis(await client.call_tool("analyze_intent", request), request)
                print(f"  ok {request['message'][:40]!r} -> {s['intent']} ({s['language']}, {s['confidence']:.2f})")

            for request, needle in [
                ({"message": ""}, "`message` is empty"),
                ({"message": "x" * 5000}, "5000"),
                ({"message": 42}, "failed to deserialize parameters"),
                ({}, "missing field `message`"),
            ]:
                text = check_tool_error(await client.call_tool("analyze_intent", request), needle, request)
                print(f"  ok tool error: {text[:70]}")

            try:
                await client.call_tool("no_such_tool", {})
            except MCPError as error:
                check(error.code == -32602, f"unknown tool: code {error.code}")
                print(f"  ok unknown tool: JSON-RPC {error.code} {error.message}")
            else:
                raise CheckFailed("calling an unknown tool did not raise a JSON-RPC error")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("transport", help="`stdio` or the server's Streamable HTTP URL")
    parser.add_argument("command", nargs="?", help="with stdio: the server binary")
    parser.add_argument("--mode", choices=["auto", "legacy"], default="auto")
    parser.add_argument("--server-arg", action="append", default=[], help="an argument for the stdio server")
    args = parser.parse_args()
    if args.transport == "stdio":
        if not args.command:
            parser.error("stdio needs the server binary")
        target, label = args.command, "stdio"
    else:
        target, label = args.transport, args.transport
    print(f"python mcp client ({args.mode}) against {label}")
    try:
        anyio.run(run, target, args.mode, args.server_arg)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except BaseException as error:  # ExceptionGroup from task groups, timeouts, transport errors
        print(f"FAILED: {type(error).__name__}: {error!r}", file=sys.stderr)
        return 1
    print(f"python mcp client ({args.mode}) against {label}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
