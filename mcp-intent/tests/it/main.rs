//! mcp-intent's integration tests, one binary (link time stays low): in-process over
//! a duplex pipe, the real binary over stdio, and Streamable HTTP both
//! in-process and as the real binary.

mod ai;
mod analyzer;
mod conversation;
mod duplex;
mod http;
mod stdio;
mod support;
