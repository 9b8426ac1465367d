#!/usr/bin/env python3
"""Checks every mcp-admin tool with the official Python MCP SDK (2.x).

Run by scripts/ci-mcp-clients.sh; by hand:

    python client_check.py stdio path/to/mcp-admin --mode auto
    MCP_ADMIN_TOKEN=$(mcp-admin dev-token) python client_check.py http://127.0.0.1:3403/mcp --mode legacy

Over HTTP the server is an OAuth resource server: the check first proves that a
call without a bearer is refused, then connects with MCP_ADMIN_TOKEN. It then
creates products from sentences in English, Spanish and French, updates one by
name, refuses bad input on every tool (wrong types, missing fields, unknown ids,
huge values, hostile text), refuses a delete without confirmation, deletes with
it, and imports a CSV: dry run (nothing written), import, re-run (nothing new).
The SDK validates every structuredContent against the tool's outputSchema.
Exits 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from typing import Any

import anyio
from mcp import Client, MCPError
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

EXPECTED_VERSION = {"auto": "2026-07-28", "legacy": "2025-11-25"}
FIXED = {"create_product", "update_product", "delete_product", "import_products"}


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


def refused(result: Any, needles: list[str], what: str) -> str:
    check(result.is_error is True, f"{what}: expected isError, got {result!r}")
    text = text_of(result)
    for needle in needles:
        check(needle.lower() in text.lower(), f"{what}: {text!r} does not mention {needle!r}")
    return text


async def flow(client: Client) -> None:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    check(FIXED <= set(tools), f"tools {sorted(tools)}")
    check(tools["delete_product"].annotations.destructive_hint is True, "delete_product is not destructive")
    tag = uuid.uuid4().hex[:6].upper()

    made = []
    for text, lang, title in [
        (f"Ceramic vase inspired by Miró, 49.90 EUR, 12 in stock, SKU PY-VASE-{tag}", "en", "Ceramic vase inspired by Miró"),
        (f"Jarrón de cerámica azul {tag}, 35 euros, 5 unidades", "es", f"Jarrón de cerámica azul {tag}"),
        (f"Vase en céramique bleue {tag}, 42 €, 8 en stock", "fr", f"Vase en céramique bleue {tag}"),
    ]:
        p = ok(await client.call_tool("create_product", {"description": text}), f"create {lang}")
        check(p["title"][lang] == title, f"{lang}: title {p['title']}")
        check(p["published"] is False, f"{lang}: new products must be drafts")
        check(isinstance(p["price"]["amount"], str), "price amount must be a decimal string")
        made.append(p)
        print(f"  ok create ({lang}) {title!r} -> {p['sku']} {p['price']['amount']} {p['price']['currency']}, stock {p['stock']}")
    vase = made[0]
    check(vase["sku"] == f"PY-VASE-{tag}" and vase["price"] == {"amount": "49.90", "currency": "EUR"} and vase["stock"] == 12, f"{vase}")

    updated = ok(await client.call_tool("update_product", {"product_id": made[1]["title"]["es"], "changes": "39,90 €, 7 unidades, publicado"}), "update by name")
    check(updated["id"] == made[1]["id"] and updated["price"]["amount"] == "39.90" and updated["stock"] == 7 and updated["published"] is True, f"{updated}")
    print(f"  ok update by name -> {updated['price']['amount']}, stock {updated['stock']}, published")

    got = ok(await client.call_tool("get_product", {"product_id": vase["sku"]}), "get")
    check(got["id"] == vase["id"], "get by SKU")
    listed = ok(await client.call_tool("list_products", {"query": tag}), "list")
    check(len(listed["products"]) >= 2, f"list {tag}: {listed}")

    for tool, args, needles in [
        ("create_product", {"description": "a nice vase"}, ["missing", "price"]),
        ("create_product", {"title": "X", "price": -1}, ["greater than 0"]),
        ("create_product", {"title": "X", "price": 10, "currency": "EURO"}, ["ISO 4217"]),
        ("create_product", {"title": "X", "price": 10, "stock": "lots"}, ["`stock`"]),
        ("create_product", {"title": "X", "price": 10, "stock": 10**15}, ["stock"]),
        ("create_product", {"title": "'; DROP TABLE products; --", "price": 10, "sku": "<script>"}, ["sku"]),
        ("update_product", {"product_id": vase["id"]}, ["nothing to change"]),
        ("update_product", {"product_id": "prd_nope", "price": 5}, ["no product"]),
        ("update_product", {"product_id": vase["id"], "stock": -1}, ["stock"]),
        ("update_product", {}, ["missing field `product_id`"]),
        ("delete_product", {"product_id": vase["id"]}, ["not deleted", "confirm"]),
        ("delete_product", {"product_id": vase["id"], "confirm": "yes"}, ["`confirm`"]),
        ("get_product", {"product_id": "x" * 300}, ["200"]),
        ("list_products", {"limit": 1000}, ["limit"]),
        ("import_products", {}, ["nothing to import"]),
        ("import_products", {"path": "/nonexistent.csv"}, ["cannot read"]),
        ("get_import_job", {"job_id": "job_x"}, ["no import job"]),
    ]:
        text = refused(await client.call_tool(tool, args), needles, f"{tool} {str(args)[:50]}")
        print(f"  ok {tool} {str(args)[:40]} -> {text[:70]}")
    still = ok(await client.call_tool("get_product", {"product_id": vase["id"]}), "vase still there")
    check(still["stock"] == 12, "a refused call changed the vase")

    deleted = ok(await client.call_tool("delete_product", {"product_id": vase["id"], "confirm": True}), "delete")
    check(deleted["deleted"] is True and deleted["sku"] == vase["sku"], f"{deleted}")
    refused(await client.call_tool("get_product", {"product_id": vase["id"]}), ["no product"], "deleted product")
    print(f"  ok delete needs confirm: true; deleted {deleted['sku']}")

    csv = "sku,title,price,stock,category\n" + "\n".join(
        f"PY-IMP-{tag}-{n},Imported print {tag} {n},{10 + n}.50,{n},prints" for n in range(1, 6)
    ) + f"\nPY-IMP-{tag}-BAD,,abc,-1,prints\n"
    plan = ok(await client.call_tool("import_products", {"content": csv, "dry_run": True}), "import dry run")
    check(plan["dry_run"] is True and plan["created"] == 5 and plan["failed_count"] == 1, f"plan {plan}")
    refused(await client.call_tool("get_product", {"product_id": f"PY-IMP-{tag}-1"}), ["no product"], "the dry run wrote products")
    done = ok(await client.call_tool("import_products", {"content": csv}), "import")
    check(done["created"] == 5 and done["failed"][0]["row"] == 7, f"import {done}")
    again = ok(await client.call_tool("import_products", {"content": csv}), "re-import")
    check(again["created"] == 0 and again["unchanged"] == 5, f"re-import {again}")
    print(f"  ok import: dry run planned 5 + 1 bad row (line {done['failed'][0]['row']}), imported 5, re-run created 0")


async def run(target: str, mode: str) -> None:
    if target.startswith(("http://", "https://")):
        token = os.environ.get("MCP_ADMIN_TOKEN", "")
        check(bool(token), "MCP_ADMIN_TOKEN is not set (mcp-admin dev-token prints one)")
        try:
            async with Client(target, mode=mode) as anonymous:
                await anonymous.list_tools()
        except BaseException as error:  # the 401 surfaces as a transport error
            print(f"  ok no bearer: refused ({type(error).__name__})")
        else:
            raise CheckFailed("an anonymous HTTP client was served")
        server: Any = streamable_http_client(target, http_client=create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}))
    else:
        env = {"RUST_LOG": "warn"}
        for key in ("MUSEO_API_URL", "MUSEO_SANDBOX_DATA_DIR"):
            if os.environ.get(key):
                env[key] = os.environ[key]
        server = StdioServerParameters(command=target, env=env)
    with anyio.fail_after(120):
        async with Client(server, mode=mode) as client:
            check(client.protocol_version == EXPECTED_VERSION[mode], f"{mode}: negotiated {client.protocol_version}")
            check(client.server_info is not None and client.server_info.name == "mcp-admin", f"{client.server_info!r}")
            await flow(client)
            try:
                await client.call_tool("no_such_tool", {})
            except MCPError as error:
                check(error.code == -32602, f"unknown tool: {error.code}")
            else:
                raise CheckFailed("an unknown tool did not raise")


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
    else:
        target, label = args.transport, args.transport
    print(f"python mcp client ({args.mode}) against {label}")
    try:
        anyio.run(run, target, args.mode)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except BaseException as error:
        print(f"FAILED: {type(error).__name__}: {error!r}", file=sys.stderr)
        return 1
    print(f"python mcp client ({args.mode}) against {label}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
