//! The shared kernel of Museo MCP.
//!
//! Every server in the workspace depends on this crate and it depends on none
//! of them. It holds what would otherwise be written five times: the names of
//! environment variables ([`env`]), configuration loading ([`config`]),
//! logging and correlation ids ([`telemetry`]), machine-to-machine JWTs
//! ([`auth`]), the typed client of the Museo REST API ([`museo`]) and the
//! commerce types that travel over it ([`types`]).

pub mod auth;
pub mod config;
pub mod env;
pub mod locale;
pub mod museo;
pub mod parse;
pub mod serve;
pub mod telemetry;
pub mod types;
