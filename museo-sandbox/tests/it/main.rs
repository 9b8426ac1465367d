//! Integration tests of the sandbox: real HTTP on port 0, real SQLite files.

mod admin;
mod auth;
mod baskets;
mod client;
mod common;
mod help;
mod malformed;
mod openapi;
mod search;
mod startup;
