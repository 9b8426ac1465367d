#!/usr/bin/env python3
"""Drives mcp-notify with the official Python MCP SDK (2.x), outbox mode.

Run by scripts/ci-mcp-clients.sh; by hand:

    python client_check.py stdio path/to/mcp-notify --mode auto
    MUSEO_NOTIFY_OUTBOX=/tmp/outbox python client_check.py http://127.0.0.1:3405/mcp --mode legacy

The server must run with no provider configured, so every channel writes to
the outbox directory, which this check reads from MUSEO_NOTIFY_OUTBOX. With
stdio the check sets it for the server (a fresh temporary directory unless
the variable is already set); over HTTP the caller starts the server with
the same MUSEO_NOTIFY_OUTBOX.

In English, Spanish and French: an order confirmation sent by e-mail, SMS and
WhatsApp lands in the outbox in that language (the .eml read with Python's
email package: subject, text and HTML parts, money written for the locale),
and each message's status advances to `delivered` with its history. Then
every tool: templates listed with their variables, a preview, idempotency
(same key, same message, one file), the WhatsApp 24-hour window, and bad
input (wrong types, missing fields, huge values, unknown ids, hostile text)
coming back as isError results naming the problem. The SDK validates every
structuredContent against the tool's outputSchema, as a strict client would.
Exits 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio
from mcp import Client, MCPError
from mcp.client.stdio import StdioServerParameters

EXPECTED_VERSION = {"auto": "2026-07-28", "legacy": "2025-11-25"}
# name -> (readOnly, destructive, idempotent, openWorld)
TOOLS = {
    "send_email": (False, False, False, True),
    "send_sms": (False, False, False, True),
    "send_whatsapp": (False, False, False, True),
    "get_delivery_status": (True, False, True, False),
    "list_templates": (True, False, True, False),
    "preview_template": (True, False, True, False),
}
LANGUAGES = [
    {
        "locale": "en-IE",
        "name": "Ana",
        "subject": "Your Museo order A-1042 is confirmed",
        "text": "Thank you for your order",
        "total": "€1,234.50",
        "sms": "Your order A-1042 is confirmed",
    },
    {
        "locale": "es-ES",
        "name": "Lucía",
        "subject": "Tu pedido A-1042 de Museo está confirmado",
        "text": "Gracias por tu pedido",
        "total": "1234,50\u00a0€",
        "sms": "Tu pedido A-1042 está confirmado",
    },
    {
        "locale": "fr-FR",
        "name": "Élodie",
        "subject": "Votre commande Museo A-1042 est confirmée",
        "text": "Merci pour votre commande",
        "total": "1\u202f234,50\u00a0€",
        "sms": "Votre commande A-1042 est confirmée",
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


def ok(result: Any, what: str) -> dict[str, Any]:
    check(not result.is_error, f"{what}: tool error: {text_of(result) if result.content else result!r}")
    s = result.structured_content
    check(isinstance(s, dict), f"{what}: no structuredContent")
    check(json.loads(text_of(result)) == s, f"{what}: text block differs from structuredContent")
    return s


def tool_error(result: Any, needles: list[str], what: str) -> str:
    check(result.is_error is True, f"{what}: expected isError, got {result!r}")
    text = text_of(result)
    for needle in needles:
        check(needle.lower() in text.lower(), f"{what}: error {text!r} does not mention {needle!r}")
    return text


def outbox_file(outbox: Path, sent: dict[str, Any], suffix: str) -> Path:
    path = Path(sent["outbox_path"])
    check(path.parent.resolve() == outbox.resolve(), f"{path} is not in MUSEO_NOTIFY_OUTBOX={outbox}")
    check(path.name.endswith(suffix) and sent["message_id"] in path.name, f"outbox file name {path.name}")
    check(path.is_file(), f"{path} does not exist")
    return path


def order(lang: dict[str, str]) -> dict[str, Any]:
    return {
        "customer_name": lang["name"],
        "order_number": "A-1042",
        "order_date": "2025-06-03",
        "total": "1234.5",
        "currency": "EUR",
        "order_url": "https://shop.museo.example/orders/A-1042",
    }


async def delivered(client: Client, message_id: str) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for _ in range(100):
        report = ok(await client.call_tool("get_delivery_status", {"message_id": message_id}), "get_delivery_status")
        if report["status"] == "delivered":
            break
        await anyio.sleep(0.05)
    check(report.get("status") == "delivered", f"{message_id} never delivered: {report}")
    check([e["status"] for e in report["history"]] == ["queued", "accepted", "sent", "delivered"], f"history {report['history']}")
    check(all(e["at"] and e["source"] for e in report["history"]), "history entries need at and source")
    return report


async def languages(client: Client, outbox: Path) -> None:
    for lang in LANGUAGES:
        locale, code = lang["locale"], lang["locale"][:2]
        args = {"template": "order_confirmation", "variables": order(lang), "locale": locale}
        mail = ok(await client.call_tool("send_email", {"to": "ana@example.com", **args}), f"send_email {locale}")
        check(mail["status"] in ("accepted", "sent", "delivered") and mail["message_id"].startswith("msg_"), f"send_email {mail}")
        parsed = email.message_from_bytes(outbox_file(outbox, mail, ".eml").read_bytes(), policy=email.policy.default)
        check(str(parsed["subject"]) == lang["subject"], f"[{code}] subject {parsed['subject']!r}")
        check(str(parsed["content-language"]) == code, f"[{code}] Content-Language {parsed['content-language']}")
        text = parsed.get_body(preferencelist=("plain",)).get_content()
        html = parsed.get_body(preferencelist=("html",)).get_content()
        check(lang["text"] in text and lang["total"] in text and lang["name"] in text, f"[{code}] text part: {text!r}")
        check(f'<html lang="{code}">' in html and lang["total"] in html, f"[{code}] html part lacks lang or total")
        print(f"  ok [{code}] e-mail {mail['message_id']}: {parsed['subject']!r}, total {lang['total']!r}")

        sms = ok(await client.call_tool("send_sms", {"to": "+34612345678", **args}), f"send_sms {locale}")
        sms_file = json.loads(outbox_file(outbox, sms, ".json").read_text(encoding="utf-8"))
        plain_total = lang["total"].replace("\u00a0", " ").replace("\u202f", " ")
        check(lang["sms"] in sms_file["text"] and plain_total in sms_file["text"], f"[{code}] SMS text {sms_file['text']!r}")
        check(sms_file["twilio_request"]["To"] == "+34612345678", f"[{code}] SMS request {sms_file['twilio_request']}")
        check(sms["sms"]["segments"] >= 1 and sms["sms"]["encoding"] in ("GSM-7", "UCS-2"), f"[{code}] SMS length {sms['sms']}")
        print(f"  ok [{code}] SMS {sms['message_id']}: {sms_file['text'][:60]!r}… ({sms['sms']['segments']} x {sms['sms']['encoding']})")

        wa = ok(await client.call_tool("send_whatsapp", {"to": "+33612345678", **args}), f"send_whatsapp {locale}")
        check(wa["whatsapp_kind"] == "template", f"[{code}] WhatsApp kind {wa['whatsapp_kind']}")
        wa_file = json.loads(outbox_file(outbox, wa, ".json").read_text(encoding="utf-8"))
        request = wa_file["cloud_api_request"]
        check(request["template"]["name"] == "order_confirmation" and request["template"]["language"]["code"] == code, f"[{code}] WhatsApp request {request}")
        parameters = [p["text"] for p in request["template"]["components"][0]["parameters"]]
        check(lang["name"] in parameters and lang["total"] in parameters, f"[{code}] WhatsApp parameters {parameters}")
        check(lang["sms"] in wa_file["text"], f"[{code}] WhatsApp text {wa_file['text']!r}")
        print(f"  ok [{code}] WhatsApp {wa['message_id']}: template in {code}, parameters {parameters}")

        for sent in (mail, sms, wa):
            await delivered(client, sent["message_id"])
        print(f"  ok [{code}] all three reached delivered: queued → accepted → sent → delivered")


async def tools(client: Client, outbox: Path) -> None:
    listed = ok(await client.call_tool("list_templates", {}), "list_templates")
    names = [t["name"] for t in listed["templates"]]
    check(names == ["order_confirmation", "shipping_update", "payment_link", "back_in_stock"], f"templates {names}")
    for template in listed["templates"]:
        check(template["locales"] == ["en", "es", "fr"] and template["default_locale"] == "en", f"{template['name']} locales")
        check(template["variables"] and all(isinstance(v, str) for v in template["variables"]), f"{template['name']} variables")
        check({c["channel"] for c in template["variables_by_channel"]} == {"email", "sms", "whatsapp"}, "variables_by_channel")
        check(all("{{1}}" in w["body"] for w in template["whatsapp"]), f"{template['name']} WhatsApp bodies")
    only_sms = ok(await client.call_tool("list_templates", {"channel": "sms"}), "list_templates sms")
    check(len(only_sms["templates"]) == 4, "sms templates")
    print(f"  ok list_templates: {names}; order_confirmation needs {listed['templates'][0]['variables']}")

    preview = ok(
        await client.call_tool(
            "preview_template",
            {
                "template": "payment_link",
                "channel": "email",
                "locale": "es-ES",
                "variables": {"customer_name": "Lucía", "total": "49.9", "currency": "EUR", "payment_url": "https://pay.example/c/1", "expires_at": "2025-06-03T14:05:00Z"},
            },
        ),
        "preview_template",
    )
    check(preview["subject"] == "Tu enlace de pago de 49,90\u00a0€", f"preview subject {preview['subject']!r}")
    check("3 de junio de 2025, 14:05 UTC" in preview["text"], f"preview text {preview['text']!r}")
    print(f"  ok preview_template: {preview['subject']!r}")

    args = {"to": "+34612345678", "text": "Your parcel is at the door.", "idempotency_key": f"py-{os.getpid()}-{id(client)}"}
    first = ok(await client.call_tool("send_sms", args), "send_sms with key")
    second = ok(await client.call_tool("send_sms", args), "send_sms same key")
    check(first["message_id"] == second["message_id"] and second["duplicate"] is True, f"idempotency {first} {second}")
    matching = [p for p in outbox.iterdir() if first["message_id"] in p.name]
    check(len(matching) == 1, f"idempotent send wrote {len(matching)} files")
    print(f"  ok idempotency: the same key gave {first['message_id']} twice, one outbox file")

    window = tool_error(
        await client.call_tool("send_whatsapp", {"to": "+34612345678", "text": "¿Te ayudo con tu pedido?"}),
        ["24 hours", "template"],
        "WhatsApp free text",
    )
    print(f"  ok WhatsApp free text outside the window: {window[:90]}…")

    hostile_name = "<script>alert(1)</script>"
    hostile = ok(
        await client.call_tool(
            "send_email",
            {"to": "ana@example.com", "template": "order_confirmation", "variables": {**order(LANGUAGES[0]), "customer_name": hostile_name}},
        ),
        "hostile variables",
    )
    parsed = email.message_from_bytes(outbox_file(outbox, hostile, ".eml").read_bytes(), policy=email.policy.default)
    html = parsed.get_body(preferencelist=("html",)).get_content()
    check("<script>" not in html and "&lt;script&gt;" in html, "hostile text not escaped in HTML")
    print("  ok hostile text in variables is escaped in the HTML part")


async def bad_input(client: Client) -> None:
    cases = [
        ("send_email", {}, ["missing field `to`"]),
        ("send_email", {"to": 42, "subject": "s", "text": "x"}, ["`to`"]),
        ("send_email", {"to": "not-an-address", "subject": "s", "text": "x"}, ["`to`", "e-mail"]),
        ("send_email", {"to": "ana@example.com", "text": "x"}, ["subject"]),
        ("send_email", {"to": "ana@example.com", "subject": "s", "text": "x" * 200_000}, ["too long"]),
        ("send_email", {"to": "ana@example.com", "template": "invoice"}, ["no template", "order_confirmation"]),
        ("send_email", {"to": "ana@example.com", "template": "order_confirmation", "variables": {"customer_name": "Ana"}}, ["not given", "total"]),
        ("send_email", {"to": "ana@example.com", "template": "order_confirmation", "variables": {**order(LANGUAGES[0]), "total": "lots"}}, ["decimal"]),
        ("send_email", {"to": "ana@example.com", "template": "order_confirmation", "variables": {**order(LANGUAGES[0]), "order_url": "javascript:alert(1)"}}, ["order_url"]),
        ("send_email", {"to": "ana@example.com", "subject": "s", "text": "x", "locale": "<script>"}, ["BCP-47"]),
        ("send_email", {"to": "ana@example.com", "subject": "s", "text": "x", "cc": "b@example.com"}, ["unknown field `cc`"]),
        ("send_sms", {"to": "612345678", "text": "x"}, ["E.164"]),
        ("send_sms", {"to": "+34612345678", "text": "a" * 1531}, ["segments"]),
        ("send_sms", {"to": "+34612345678", "text": "x", "variables": {"a": 1}}, ["variables"]),
        ("send_sms", {"to": "+34612345678"}, ["text"]),
        ("send_whatsapp", {"to": "+34612345678", "text": "x" * 5000}, ["4096"]),
        ("send_whatsapp", {"to": ["+34612345678"], "text": "x"}, ["`to`"]),
        ("get_delivery_status", {}, ["missing field `message_id`"]),
        ("get_delivery_status", {"message_id": 12}, ["`message_id`"]),
        ("get_delivery_status", {"message_id": "msg_doesnotexist"}, ["no message"]),
        ("get_delivery_status", {"message_id": "../../etc/passwd"}, ["no message"]),
        ("list_templates", {"channel": "fax"}, ["`channel`"]),
        ("preview_template", {"template": "nope"}, ["no template"]),
    ]
    for tool, args, needles in cases:
        text = tool_error(await client.call_tool(tool, args), needles, f"{tool} {str(args)[:60]}")
        print(f"  ok {tool} {str(args)[:50]} -> {text[:80]}")
    try:
        await client.call_tool("no_such_tool", {})
    except MCPError as error:
        check(error.code == -32602, f"unknown tool: code {error.code}")
    else:
        raise CheckFailed("calling an unknown tool did not raise a JSON-RPC error")


def check_listing(listed: list[Any]) -> None:
    names = {tool.name for tool in listed}
    check(set(TOOLS) <= names, f"tools listed: {sorted(names)}")
    for tool in listed:
        check(bool(tool.title) and bool(tool.description), f"{tool.name}: no title or description")
        a = tool.annotations
        hints = (a.read_only_hint, a.destructive_hint, a.idempotent_hint, a.open_world_hint)
        check(hints == TOOLS[tool.name], f"{tool.name}: annotations {hints}")
        schema = tool.input_schema
        check(schema.get("type") == "object", f"{tool.name}: inputSchema {schema!r}")
        for name, prop in schema.get("properties", {}).items():
            check(bool(prop.get("description")), f"{tool.name}.{name}: no description")
            check(not isinstance(prop.get("type"), list), f"{tool.name}.{name}: nullable type array")
        check(tool.output_schema is not None and tool.output_schema.get("type") == "object", f"{tool.name}: outputSchema")
    send = next(t for t in listed if t.name == "send_email")
    fixed = {"to", "template", "variables", "text", "body", "subject", "locale", "idempotency_key"}
    check(fixed <= set(send.input_schema["properties"]), f"send_email arguments {sorted(send.input_schema['properties'])}")


async def run(target: str, mode: str, outbox: Path) -> None:
    if target.startswith(("http://", "https://")):
        server: Any = target
    else:
        env = {"RUST_LOG": "warn", "MUSEO_NOTIFY_OUTBOX": str(outbox)}
        server = StdioServerParameters(command=target, args=[], env=env)
    with anyio.fail_after(120):
        async with Client(server, mode=mode) as client:
            check(client.protocol_version == EXPECTED_VERSION[mode], f"{mode}: negotiated {client.protocol_version}")
            info = client.server_info
            check(info is not None and info.name == "mcp-notify", f"server info {info!r}")
            check_listing((await client.list_tools()).tools)
            await languages(client, outbox)
            await tools(client, outbox)
            await bad_input(client)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("transport", help="`stdio` or the server's Streamable HTTP URL")
    parser.add_argument("command", nargs="?", help="with stdio: the server binary")
    parser.add_argument("--mode", choices=["auto", "legacy"], default="auto")
    args = parser.parse_args()
    if args.transport == "stdio":
        if not args.command:
            parser.error("stdio needs the server binary")
        target, label = args.command, "stdio"
        outbox = Path(os.environ.get("MUSEO_NOTIFY_OUTBOX") or tempfile.mkdtemp(prefix="notify-outbox-"))
    else:
        target, label = args.transport, args.transport
        if not os.environ.get("MUSEO_NOTIFY_OUTBOX"):
            parser.error("over HTTP, set MUSEO_NOTIFY_OUTBOX to the outbox directory the server was started with")
        outbox = Path(os.environ["MUSEO_NOTIFY_OUTBOX"])
    print(f"python mcp client ({args.mode}) against {label}, outbox {outbox}")
    try:
        anyio.run(run, target, args.mode, outbox)
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
