#!/usr/bin/env python3
"""Drives a whole shopping flow through mcp-storefront with the official Python MCP SDK (2.x).

Run by scripts/ci-mcp-clients.sh; by hand:

    python client_check.py stdio path/to/mcp-storefront --mode auto
    python client_check.py http://127.0.0.1:3402/mcp --mode legacy

In English, Spanish and French: search -> details -> add 2 -> view (total = 2 x
price) -> payment link (and the checkout page it points to answers) -> a question
about the product -> remove one -> remove the line. Then bad input on every tool
(wrong types, missing fields, unknown ids, huge values, hostile text) must come
back as isError results naming the problem, the help search, resources and the
prompt. The SDK validates every structuredContent against the tool's
outputSchema, as a strict client would. With stdio, MUSEO_API_URL and
MUSEO_SANDBOX_DATA_DIR are passed on to the server when set. Exits 0 when every
check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import anyio
from mcp import Client, MCPError
from mcp.client.stdio import StdioServerParameters

EXPECTED_VERSION = {"auto": "2026-07-28", "legacy": "2025-11-25"}
TOOLS = {
    "search_products": (True, False, True, False),
    "get_product": (True, False, True, False),
    "add_to_basket": (False, False, False, False),
    "view_basket": (True, False, True, False),
    "remove_from_basket": (False, True, False, False),
    "get_payment_link": (False, False, True, False),
    "answer_product_question": (True, False, True, False),
    "search_help": (True, False, True, False),
    "update_basket_item": (False, True, True, False),
    "get_order": (True, False, True, False),
}
FLOWS = [
    {
        "locale": "en-GB",
        "query": "Monet mug under 30 euros",
        "question": "What is it made of?",
        "help": "how long does shipping take",
    },
    {
        "locale": "es-ES",
        "query": "láminas baratas",
        "question": "¿De qué material está hecha?",
        "help": "envío",
    },
    {
        "locale": "fr-FR",
        "query": "foulard en soie",
        "question": "C'est en quelle matière ?",
        "help": "livraison",
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


def money(value: Any, what: str) -> Decimal:
    check(isinstance(value, dict), f"{what}: money {value!r}")
    check(isinstance(value.get("amount"), str), f"{what}: amount must be a decimal string, got {value!r}")
    check(isinstance(value.get("currency"), str) and len(value["currency"]) == 3, f"{what}: currency {value!r}")
    check(isinstance(value.get("display"), str) and value["display"], f"{what}: display {value!r}")
    return Decimal(value["amount"])


def check_listing(tools: list[Any]) -> None:
    names = {tool.name for tool in tools}
    check(set(TOOLS) <= names, f"tools listed: {sorted(names)}")
    for tool in tools:
        check(bool(tool.title) and bool(tool.description), f"{tool.name}: no title or description")
        a = tool.annotations
        hints = (a.read_only_hint, a.destructive_hint, a.idempotent_hint, a.open_world_hint)
        check(hints == TOOLS[tool.name], f"{tool.name}: annotations {hints}")
        schema = tool.input_schema
        check(schema.get("type") == "object", f"{tool.name}: inputSchema {schema!r}")
        for name, prop in schema.get("properties", {}).items():
            check(bool(prop.get("description")), f"{tool.name}.{name}: no description")
        check(tool.output_schema is not None and tool.output_schema.get("type") == "object", f"{tool.name}: outputSchema")
    search = next(t for t in tools if t.name == "search_products")
    props = set(search.input_schema["properties"])
    fixed = {"query", "price_min", "price_max", "category", "in_stock", "limit", "cursor", "locale"}
    check(fixed <= props, f"search_products arguments {sorted(props)}")


def error_meta(result: Any, what: str) -> dict[str, Any]:
    """The machine-readable refusal every tool error carries in _meta."""
    meta = getattr(result, "meta", None) or {}
    error = meta.get("dev.museo/error")
    check(isinstance(error, dict), f"{what}: no _meta['dev.museo/error'] in {meta!r}")
    check(isinstance(error.get("code"), str) and isinstance(error.get("retryable"), bool), f"{what}: {error!r}")
    return error


def tool_error(result: Any, needles: list[str], what: str) -> str:
    check(result.is_error is True, f"{what}: expected isError, got {result!r}")
    error_meta(result, what)
    text = text_of(result)
    for needle in needles:
        check(needle.lower() in text.lower(), f"{what}: error {text!r} does not mention {needle!r}")
    return text


async def shopping_flow(client: Client, flow: dict[str, str]) -> None:
    locale, lang = flow["locale"], flow["locale"][:2]
    found = ok(await client.call_tool("search_products", {"query": flow["query"], "locale": locale}), f"search {flow['query']!r}")
    check(found["language"] == lang, f"search language {found['language']}")
    products = found["products"]
    check(products, f"search {flow['query']!r} found nothing; understood {found['understood']}")
    for card in products:
        money(card["price"], "card price")
        check(isinstance(card["in_stock"], bool), "in_stock")
    card = next((p for p in products if p["stock"] >= 3), None)
    check(card is not None, f"no product with 3 in stock among {[p['sku'] for p in products]}")
    print(f"  ok [{lang}] search {flow['query']!r}: {len(products)} found, taking {card['sku']} {card['title']!r}")

    details = ok(await client.call_tool("get_product", {"product_id": card["id"], "locale": locale}), "get_product")
    for key in ("id", "sku", "title", "description", "price", "stock", "attributes"):
        check(key in details, f"get_product lacks {key}")
    check(details["id"] == card["id"] and details["title"] == card["title"], "details differ from the card")
    price = money(details["price"], "details price")
    by_sku = ok(await client.call_tool("get_product", {"product_id": card["sku"]}), "get_product by SKU")
    check(by_sku["id"] == card["id"], "SKU lookup found another product")

    basket = ok(await client.call_tool("add_to_basket", {"product_id": card["id"], "quantity": 2, "locale": locale}), "add_to_basket")
    basket_id = basket["basket_id"]
    check(basket_id and len(basket["items"]) == 1 and basket["items"][0]["quantity"] == 2, f"basket {basket}")
    check(money(basket["total"], "basket total") == 2 * price, f"total {basket['total']} != 2 x {price}")

    view = ok(await client.call_tool("view_basket", {"basket_id": basket_id, "locale": locale}), "view_basket")
    line = view["items"][0]
    for key in ("product_id", "title", "quantity", "unit_price", "line_total"):
        check(key in line, f"view_basket line lacks {key}")
    check(line["product_id"] == card["id"] and line["title"] == card["title"], f"line {line}")
    check(money(line["unit_price"], "unit price") == price, "unit price")
    check(money(line["line_total"], "line total") == 2 * price, "line total")
    check(money(view["total"], "view total") == 2 * price, f"view total {view['total']} != 2 x {price}")
    print(f"  ok [{lang}] basket: 2 x {details['price']['display']} = {view['total']['display']}")

    link = ok(await client.call_tool("get_payment_link", {"basket_id": basket_id, "locale": locale}), "get_payment_link")
    check(link["url"].startswith("http"), f"url {link['url']}")
    expires = datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00"))
    check(expires > datetime.now(timezone.utc), f"link already expired: {link['expires_at']}")
    check(money(link["total"], "link total") == 2 * price, "link total")
    if link["url"].startswith("http://127.0.0.1"):
        with urllib.request.urlopen(link["url"], timeout=10) as page:
            body = page.read().decode()
            check(page.status == 200, f"checkout page answered {page.status}")
            check(link["total"]["amount"] in body or link["total"]["display"] in body, "checkout page lacks the total")
    print(f"  ok [{lang}] payment link for {link['total']['display']}, expires {link['expires_at']}")

    answer = ok(
        await client.call_tool("answer_product_question", {"product_id": card["id"], "question": flow["question"]}),
        "answer_product_question",
    )
    check(answer["language"] == lang, f"answer language {answer['language']} (question {flow['question']!r})")
    check(answer["answered"] is True and answer["sources"], f"unanswered: {answer}")
    for source in answer["sources"]:
        check(set(source) == {"field", "value"}, f"source {source}")
    print(f"  ok [{lang}] {flow['question']!r} -> {answer['answer'][:70]!r} from {[s['field'] for s in answer['sources']]}")

    order = ok(await client.call_tool("get_order", {"order_id": link["order_id"], "locale": locale}), "get_order")
    check(order["status"] == "pending" and order["basket_id"] == basket_id, f"order {order}")
    check(money(order["total"], "order total") == 2 * price and "paid_at" not in order, f"order {order}")
    three = ok(
        await client.call_tool("update_basket_item", {"basket_id": basket_id, "product_id": card["sku"], "quantity": 3, "locale": locale}),
        "update_basket_item",
    )
    check(three["items"][0]["quantity"] == 3 and money(three["total"], "total") == 3 * price, f"after setting 3: {three}")
    back = ok(
        await client.call_tool("update_basket_item", {"basket_id": basket_id, "product_id": card["id"], "quantity": 2}),
        "update_basket_item back to 2",
    )
    check(back["items"][0]["quantity"] == 2, f"after setting 2: {back}")
    print(f"  ok [{lang}] order {order['status']}; line set to 3, then 2")

    fewer = ok(
        await client.call_tool("remove_from_basket", {"basket_id": basket_id, "product_id": card["sku"], "quantity": 1}),
        "remove one",
    )
    check(fewer["items"][0]["quantity"] == 1 and money(fewer["total"], "total") == price, f"after removing one: {fewer}")
    empty = ok(await client.call_tool("remove_from_basket", {"basket_id": basket_id, "product_id": card["id"]}), "remove line")
    check(empty["items"] == [] and money(empty["total"], "total") == 0, f"after removing the line: {empty}")
    print(f"  ok [{lang}] removed one, then the line: total {empty['total']['display']}")

    help_ = ok(await client.call_tool("search_help", {"query": flow["help"], "locale": locale}), "search_help")
    check(help_["pages"] and help_["pages"][0]["slug"] == "shipping", f"help {flow['help']!r}: {[p['slug'] for p in help_['pages']]}")
    print(f"  ok [{lang}] help {flow['help']!r} -> {help_['pages'][0]['title']!r}")


async def bad_input(client: Client) -> None:
    found = ok(await client.call_tool("search_products", {"query": "mug", "limit": 1}), "search mug")
    product = found["products"][0]["id"]
    basket = ok(await client.call_tool("add_to_basket", {"product_id": product}), "add 1")
    check(basket["items"][0]["quantity"] == 1, "default quantity is 1")
    basket_id = basket["basket_id"]
    cases = [
        ("search_products", {"query": ""}, ["query is empty"]),
        ("search_products", {"query": 42}, ["`query`", "string"]),
        ("search_products", {}, ["missing field `query`"]),
        ("search_products", {"query": "mug", "limit": 10**6}, ["limit"]),
        ("search_products", {"query": "mug", "limit": -1}, ["`limit`"]),
        ("search_products", {"query": "mug", "price_max": "cheap"}, ["`price_max`"]),
        ("search_products", {"query": "x" * 5000}, ["5000"]),
        ("search_products", {"query": "mug", "cursor": "not-a-cursor"}, ["cursor", "correlation id"]),
        ("search_products", {"query": "mug", "productId": "x"}, ["unknown field `productId`"]),
        ("search_products", {"query": "mug", "locale": "<script>alert(1)</script>"}, ["BCP-47"]),
        ("get_product", {"product_id": "prd_doesnotexist"}, ["not", "correlation id"]),
        ("get_product", {"product_id": "../../v1/admin/products"}, ["correlation id"]),
        ("get_product", {"product_id": ""}, ["product_id is empty"]),
        ("get_product", {"product_id": "x" * 300}, ["too long"]),
        ("get_product", {}, ["missing field `product_id`"]),
        ("add_to_basket", {"product_id": product, "quantity": 0}, ["quantity"]),
        ("add_to_basket", {"product_id": product, "quantity": -3}, ["quantity"]),
        ("add_to_basket", {"product_id": product, "quantity": "two"}, ["`quantity`"]),
        ("add_to_basket", {"product_id": product, "quantity": 10**12}, ["quantity"]),
        ("add_to_basket", {"product_id": product, "quantity": 999, "basket_id": basket_id}, ["stock"]),
        ("add_to_basket", {"product_id": "NO-SUCH-SKU"}, ["not", "search_products"]),
        ("add_to_basket", {"product_id": product, "basket_id": "bsk_nope"}, ["not"]),
        ("view_basket", {"basket_id": "bsk_nope"}, ["not", "correlation id"]),
        ("view_basket", {"basket_id": ["a"]}, ["`basket_id`"]),
        ("remove_from_basket", {"basket_id": basket_id, "product_id": "MUG-NONE"}, ["not in this basket"]),
        ("remove_from_basket", {"basket_id": basket_id, "product_id": product, "quantity": 0}, ["quantity"]),
        ("get_payment_link", {"basket_id": "bsk_nope"}, ["not"]),
        ("answer_product_question", {"product_id": product, "question": ""}, ["question is empty"]),
        ("answer_product_question", {"product_id": product}, ["missing field `question`"]),
        ("answer_product_question", {"product_id": "prd_nope", "question": "price?"}, ["not"]),
        ("search_help", {"query": ""}, ["query is empty"]),
        ("update_basket_item", {"basket_id": basket_id, "product_id": product, "quantity": -1}, ["quantity"]),
        ("update_basket_item", {"basket_id": basket_id, "product_id": product, "quantity": 10**12}, ["quantity"]),
        ("update_basket_item", {"basket_id": basket_id, "product_id": product, "quantity": "2"}, ["`quantity`"]),
        ("update_basket_item", {"basket_id": basket_id, "product_id": product}, ["missing field `quantity`"]),
        ("update_basket_item", {"basket_id": basket_id, "product_id": "NO-SUCH-SKU", "quantity": 1}, ["not"]),
        ("update_basket_item", {"basket_id": basket_id, "product_id": product, "quantity": 999}, ["stock"]),
        ("get_order", {"order_id": "ord_nope"}, ["not", "correlation id"]),
        ("get_order", {"order_id": 7}, ["`order_id`"]),
        ("get_order", {}, ["missing field `order_id`"]),
    ]
    for tool, args, needles in cases:
        text = tool_error(await client.call_tool(tool, args), needles, f"{tool} {str(args)[:60]}")
        print(f"  ok {tool} {str(args)[:50]} -> {text[:80]}")
    # The codes and facts a client words a refusal from.
    sold_out = error_meta(await client.call_tool("add_to_basket", {"product_id": "HOM-LAMP-DRAGON", "locale": "es-ES"}), "sold out")
    check(sold_out["code"] == "out_of_stock" and sold_out["sku"] == "HOM-LAMP-DRAGON" and sold_out["title"], f"sold out: {sold_out}")
    too_many = error_meta(
        await client.call_tool("update_basket_item", {"basket_id": basket_id, "product_id": product, "quantity": 999}), "too many"
    )
    check(too_many["code"] == "insufficient_stock" and too_many["requested"] == 999 and too_many["available"] < 999, f"too many: {too_many}")
    missing = error_meta(await client.call_tool("view_basket", {"basket_id": "bsk_nope"}), "missing basket")
    check(missing == {**missing, "code": "not_found", "what": "basket", "id": "bsk_nope"}, f"missing basket: {missing}")
    bad = error_meta(await client.call_tool("update_basket_item", {"basket_id": basket_id, "product_id": product, "quantity": -1}), "bad quantity")
    check(bad["code"] == "invalid_argument" and bad["field"] == "quantity", f"bad quantity: {bad}")
    print("  ok _meta['dev.museo/error']: out_of_stock, insufficient_stock, not_found, invalid_argument")
    # The refusals changed nothing: the basket still holds its one unit.
    after = ok(await client.call_tool("view_basket", {"basket_id": basket_id}), "view after refusals")
    check([(i["product_id"], i["quantity"]) for i in after["items"]] == [(product, 1)], f"basket changed: {after['items']}")

    hostile = ok(await client.call_tool("search_products", {"query": "'; DROP TABLE products; -- <script>"}), "hostile search")
    check(isinstance(hostile["products"], list), "hostile search")
    still = ok(await client.call_tool("search_products", {"query": "mug", "limit": 1}), "search after hostile text")
    check(still["products"], "catalog gone after hostile text")

    unknown = ok(
        await client.call_tool("answer_product_question", {"product_id": product, "question": "Does it come with a certificate of authenticity?"}),
        "unanswerable question",
    )
    check(unknown["answered"] is False and unknown["sources"] == [], f"unanswerable question answered: {unknown}")
    print("  ok refusals left the basket as it was; an unanswerable question says so")

    try:
        await client.call_tool("no_such_tool", {})
    except MCPError as error:
        check(error.code == -32602, f"unknown tool: code {error.code}")
    else:
        raise CheckFailed("calling an unknown tool did not raise a JSON-RPC error")


async def resources_and_prompt(client: Client) -> None:
    listed = await client.list_resources()
    uris = [str(r.uri) for r in listed.resources]
    check("museo://help/shipping" in uris and "museo://categories" in uris, f"resources {uris}")
    page = await client.read_resource("museo://help/returns/es")
    text = page.contents[0].text
    check(text.startswith("# ") and len(text) > 100, f"returns/es: {text[:80]!r}")
    categories = json.loads((await client.read_resource("museo://categories")).contents[0].text)
    check(any(c["slug"] == "mugs" for c in categories), "categories")
    try:
        await client.read_resource("museo://help/../../etc/passwd")
    except MCPError as error:
        print(f"  ok unknown resource: JSON-RPC {error.code}")
    else:
        raise CheckFailed("reading an unknown resource did not fail")
    prompts = await client.list_prompts()
    check([p.name for p in prompts.prompts] == ["shopping_assistant"], "prompts")
    prompt = await client.get_prompt("shopping_assistant", {"locale": "fr-FR"})
    check("French" in prompt.messages[0].content.text, "prompt language")
    print(f"  ok {len(uris)} resources, help page in Spanish, categories, the shopping_assistant prompt")


async def run(target: str, mode: str, server_args: list[str]) -> None:
    if target.startswith(("http://", "https://")):
        server: Any = target
    else:
        env = {"RUST_LOG": "warn"}
        for key in ("MUSEO_API_URL", "MUSEO_SANDBOX_DATA_DIR"):
            if os.environ.get(key):
                env[key] = os.environ[key]
        server = StdioServerParameters(command=target, args=server_args, env=env)
    with anyio.fail_after(120):
        async with Client(server, mode=mode) as client:
            check(client.protocol_version == EXPECTED_VERSION[mode], f"{mode}: negotiated {client.protocol_version}")
            info = client.server_info
            check(info is not None and info.name == "mcp-storefront", f"server info {info!r}")
            check_listing((await client.list_tools()).tools)
            for flow in FLOWS:
                await shopping_flow(client, flow)
            await bad_input(client)
            await resources_and_prompt(client)


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
