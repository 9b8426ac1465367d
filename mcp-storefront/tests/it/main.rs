//! mcp-storefront's integration tests, one binary (link time stays low): the whole
//! shopping flow through a real rmcp client against a real sandbox (SQLite
//! on disk, HTTP on loopback), bad input on every tool, the API going away,
//! and the real binary over stdio and Streamable HTTP.

mod flow;
mod support;
mod tools;
mod transports;
