//! mcp-admin's integration tests, one binary (link time stays low): every tool
//! through a real rmcp client against a real sandbox; the auth refusals with
//! proof that nothing changed; imports of fixture files with progress; and
//! the real binary over stdio and as an OAuth-protected HTTP server.

mod auth;
mod binary;
mod imports;
mod support;
mod tools;
