//! mcp-notify's integration tests, one binary (link time stays low): the outbox and
//! every tool through a real rmcp client, Twilio and the WhatsApp Cloud API
//! faked by real HTTP servers, signed webhooks, a real SMTP server (aiosmtpd),
//! both status stores (real Redis), and the real binary over stdio and
//! Streamable HTTP.

mod outbox;
mod providers;
mod smtp;
mod store;
mod support;
mod transports;
