#!/usr/bin/env python3
"""A real SMTP server for mcp-notify's tests (aiosmtpd), keeping what it receives.

    python smtp_sink.py DIR [--auth USER:PASS] [--fail-first N] [--reject]
    python smtp_sink.py --parse FILE.eml...

Listens on 127.0.0.1 on a free port and prints `LISTENING <port>` once it
accepts connections. Each message is written to DIR as `<n>.eml` (the bytes
received) with `<n>.json` beside it: the envelope, and the message as
Python's `email` package reads it (decoded subject, headers, text and HTML
parts), so tests check what a mail client would show. `--parse` prints
that reading of `.eml` files (the outbox's) as a JSON list.
`--auth` requires AUTH PLAIN/LOGIN with those credentials; `--fail-first N`
answers 451 (transient) to the first N messages; `--reject` answers 550 to
every recipient. Stops when its standard input closes.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import json
import os
import socket
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse(raw: bytes) -> dict:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return {
        "subject": str(message["subject"]),
        "from": str(message["from"]),
        "to": str(message["to"]),
        "message_id": str(message["message-id"]),
        "date": str(message["date"]),
        "content_language": str(message["content-language"]),
        "x_museo_message_id": str(message["x-museo-message-id"]),
        "content_type": message.get_content_type(),
        "parts": [part.get_content_type() for part in message.iter_parts()] if message.is_multipart() else [],
        "text": text.get_content() if text is not None else None,
        "html": html.get_content() if html is not None else None,
    }


class Sink:
    def __init__(self, directory: str, fail_first: int, reject: bool) -> None:
        self.directory = directory
        self.fail_first = fail_first
        self.reject = reject
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_first > 0:
            self.fail_first -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        raw_bytes = envelope.original_content or envelope.content
        with open(base + ".json.tmp", "w", encoding="utf-8") as meta:
            reading = parse(raw_bytes)
            reading.update({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos})
            json.dump(reading, meta, ensure_ascii=False)
        with open(base + ".eml.tmp", "wb") as raw:
            raw.write(raw_bytes)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Message accepted"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--parse":
        readings = []
        for path in sys.argv[2:]:
            with open(path, "rb") as raw:
                readings.append(parse(raw.read()))
        json.dump(readings, sys.stdout, ensure_ascii=False)
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--auth")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--reject", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.directory, exist_ok=True)
    handler = Sink(args.directory, args.fail_first, args.reject)
    user, _, password = (args.auth or "").partition(":")

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False)

    async def serve() -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        loop = asyncio.get_running_loop()
        await loop.create_server(
            lambda: SMTP(
                handler,
                hostname="sink.test",
                authenticator=authenticator if args.auth else None,
                auth_required=bool(args.auth),
                auth_require_tls=False,
                enable_SMTPUTF8=True,
            ),
            sock=sock,
        )
        print(f"LISTENING {sock.getsockname()[1]}", flush=True)
        await loop.run_in_executor(None, sys.stdin.read)

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
