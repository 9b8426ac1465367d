//! The MCP surface of mcp-notify.
//!
//! As in the other servers, tools take their arguments as a raw JSON object
//! and deserialize it here, so that a wrong type, a missing field or a
//! misspelt one comes back as a tool result with `isError: true` naming the
//! field — something the model can fix and retry — rather than a protocol
//! error it never sees. Input schemas are still derived from the argument
//! types. Every call gets a [`TraceContext`] (the caller's `traceparent`
//! from `_meta`, else a new trace) whose id is logged and quoted in errors
//! that are not the caller's to fix.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use museo_sdk::serve::{portable_input_schema, portable_output_schema};
use museo_sdk::telemetry::TraceContext;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{JsonObject, RequestMetaObject, ServerCapabilities, ServerConfig};
use rmcp::{Json, ServerHandler, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::NotifyError;
use crate::notifier::{DeliveryReport, Notifier, Preview, SendOutcome, SendRequest};
use crate::status::Channel;
use crate::templates::TemplateInfo;
use crate::validate::quote;

/// Arguments of `send_email`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailArgs {
    /// Recipient's e-mail address: "ana@example.com" or "Ana Pérez <ana@example.com>".
    pub to: String,
    /// A template from list_templates (order_confirmation, shipping_update, payment_link, back_in_stock), rendered in the recipient's language. Give it with `variables`, or give `text` instead.
    pub template: Option<String>,
    /// The template's variables, e.g. {"customer_name": "Ana", "order_number": "A-1042", "total": "49.90", "currency": "EUR", "order_date": "2025-06-03", "order_url": "https://…"}. list_templates lists what each template needs. Amounts as decimal strings, dates as YYYY-MM-DD, instants as RFC 3339, links as https URLs.
    pub variables: Option<Map<String, Value>>,
    /// Plain text to send instead of a template (an HTML part is made from it). Needs `subject`.
    pub text: Option<String>,
    /// The same as `text` (give one of them).
    pub body: Option<String>,
    /// Subject line: required with `text`; with a template it replaces the template's subject.
    pub subject: Option<String>,
    /// BCP-47 locale of the recipient ("fr-FR", "es-MX", "en-IE"): the template's language and how money and dates are written. Default "en"; languages other than en, es and fr fall back to English.
    pub locale: Option<String>,
    /// A key naming this message, e.g. "order-A-1042-confirmation". Calling again with the same key returns the same message_id and sends nothing more.
    pub idempotency_key: Option<String>,
}

/// Arguments of `send_sms` and `send_whatsapp`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextArgs {
    /// Recipient's phone number in E.164 form: + and the country code, e.g. "+34612345678".
    pub to: String,
    /// A template from list_templates (order_confirmation, shipping_update, payment_link, back_in_stock), rendered in the recipient's language. Give it with `variables`, or give `text` instead.
    pub template: Option<String>,
    /// The template's variables, e.g. {"customer_name": "Ana", "order_number": "A-1042", "total": "49.90", "currency": "EUR", "order_url": "https://…"}. list_templates lists what each template needs on each channel.
    pub variables: Option<Map<String, Value>>,
    /// Plain text to send instead of a template.
    pub text: Option<String>,
    /// The same as `text` (give one of them).
    pub body: Option<String>,
    /// BCP-47 locale of the recipient ("es-ES", "fr-FR"). Default: the language of the number's country (+34 Spanish, +33 French), else English.
    pub locale: Option<String>,
    /// A key naming this message, e.g. "order-A-1042-sms". Calling again with the same key returns the same message_id and sends nothing more.
    pub idempotency_key: Option<String>,
}

/// Arguments of `get_delivery_status`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    /// The message_id a send tool returned (msg_…).
    pub message_id: String,
}

/// Arguments of `list_templates`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Only templates for this channel: email, sms or whatsapp. Default: all.
    pub channel: Option<Channel>,
}

/// Arguments of `preview_template`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewArgs {
    /// The template name, from list_templates.
    pub template: String,
    /// The channel to render for: email (subject, text and HTML) or sms / whatsapp (the short text). Default email.
    pub channel: Option<Channel>,
    /// The template's variables, as for the send tools.
    pub variables: Option<Map<String, Value>>,
    /// BCP-47 locale ("fr-FR"). Default "en".
    pub locale: Option<String>,
}

/// The result of `list_templates`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TemplateList {
    /// The templates.
    pub templates: Vec<TemplateInfo>,
}

/// The MCP server of mcp-notify. Cheap to clone (the notifier is shared),
/// which is how Streamable HTTP gets one per session.
#[derive(Debug, Clone)]
pub struct NotifyServer {
    notifier: Arc<Notifier>,
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl NotifyServer {
    /// A server sending through `notifier`.
    pub fn new(notifier: Arc<Notifier>) -> Self {
        Self {
            notifier,
            tool_router: Self::tool_router(),
        }
    }

    /// Sends an e-mail (text and HTML parts) from a template in the recipient's language (English, Spanish or French, with money and dates written for their locale) or from your own text and subject.
    /// Returns message_id and status; follow delivery with get_delivery_status. Pass idempotency_key when a retry must not send twice.
    #[tool(
        name = "send_email",
        title = "Send an e-mail",
        input_schema = portable_input_schema::<EmailArgs>(),
        output_schema = portable_output_schema::<SendOutcome>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    async fn send_email(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<SendOutcome>, String> {
        let ctx = trace(&meta);
        logged("send_email", &ctx, async {
            let args: EmailArgs = museo_sdk::serve::tool_arguments("send_email", args)?;
            let request = SendRequest {
                to: args.to,
                template: args.template,
                variables: args.variables,
                text: one_text(args.text, args.body).map_err(|e| e.to_string())?,
                subject: args.subject,
                locale: args.locale,
                idempotency_key: args.idempotency_key,
            };
            self.notifier
                .send(Channel::Email, request)
                .await
                .map(Json)
                .map_err(|e| e.tool_message(&ctx.correlation_id()))
        })
        .await
    }

    /// Sends an SMS from a template in the recipient's language or from your own text. The text is counted in SMS segments (GSM-7: 160 characters, or 153 per part; UCS-2 for other characters: 70, or 67 per part); more than 10 segments is refused.
    /// Returns message_id, status and the segment count; delivery reports update get_delivery_status.
    #[tool(
        name = "send_sms",
        title = "Send an SMS",
        input_schema = portable_input_schema::<TextArgs>(),
        output_schema = portable_output_schema::<SendOutcome>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    async fn send_sms(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<SendOutcome>, String> {
        let ctx = trace(&meta);
        logged(
            "send_sms",
            &ctx,
            self.send_text(Channel::Sms, "send_sms", args, &ctx),
        )
        .await
    }

    /// Sends a WhatsApp message. With `template`, an approved WhatsApp template message in the recipient's language (allowed at any time). With `text`, free text, which WhatsApp only allows within 24 hours of the customer's last message to us — otherwise the call is refused and you should use a template.
    /// Returns message_id and status; sent, delivered and read receipts update get_delivery_status.
    #[tool(
        name = "send_whatsapp",
        title = "Send a WhatsApp message",
        input_schema = portable_input_schema::<TextArgs>(),
        output_schema = portable_output_schema::<SendOutcome>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    async fn send_whatsapp(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<SendOutcome>, String> {
        let ctx = trace(&meta);
        logged(
            "send_whatsapp",
            &ctx,
            self.send_text(Channel::Whatsapp, "send_whatsapp", args, &ctx),
        )
        .await
    }

    /// Where a message stands: its status (queued, accepted, sending, sent, delivered, read, failed, undelivered) and every report in its history (status, time, source, error). Statuses only move forward: a late or duplicate report is kept in the history without changing the status.
    #[tool(
        name = "get_delivery_status",
        title = "Delivery status",
        input_schema = portable_input_schema::<StatusArgs>(),
        output_schema = portable_output_schema::<DeliveryReport>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_delivery_status(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<DeliveryReport>, String> {
        let ctx = trace(&meta);
        logged("get_delivery_status", &ctx, async {
            let args: StatusArgs = museo_sdk::serve::tool_arguments("get_delivery_status", args)?;
            self.notifier
                .status(&args.message_id)
                .await
                .map(Json)
                .map_err(|e| e.tool_message(&ctx.correlation_id()))
        })
        .await
    }

    /// The message templates: for each, what it is for, its channels, its languages (en, es, fr; others fall back to en), the variables it needs on each channel, and the WhatsApp template body to register with Meta for each language.
    #[tool(
        name = "list_templates",
        title = "List templates",
        input_schema = portable_input_schema::<ListArgs>(),
        output_schema = portable_output_schema::<TemplateList>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn list_templates(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<TemplateList>, String> {
        let ctx = trace(&meta);
        logged("list_templates", &ctx, async {
            let args: ListArgs = museo_sdk::serve::tool_arguments("list_templates", args)?;
            Ok(Json(TemplateList {
                templates: self.notifier.templates(args.channel),
            }))
        })
        .await
    }

    /// Renders a template without sending anything: the subject, text and HTML of an e-mail, or the text of an SMS (with its segment count) or WhatsApp message (with its template parameters), in the given locale. Use it to check variables or show the customer what they will get.
    #[tool(
        name = "preview_template",
        title = "Preview a template",
        input_schema = portable_input_schema::<PreviewArgs>(),
        output_schema = portable_output_schema::<Preview>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn preview_template(
        &self,
        args: JsonObject,
        meta: RequestMetaObject,
    ) -> Result<Json<Preview>, String> {
        let ctx = trace(&meta);
        logged("preview_template", &ctx, async {
            let args: PreviewArgs = museo_sdk::serve::tool_arguments("preview_template", args)?;
            let variables = args.variables.unwrap_or_default();
            self.notifier
                .preview(
                    &args.template,
                    args.channel.unwrap_or(Channel::Email),
                    &variables,
                    args.locale.as_deref(),
                )
                .map(Json)
                .map_err(|e| e.tool_message(&ctx.correlation_id()))
        })
        .await
    }
}

impl NotifyServer {
    async fn send_text(
        &self,
        channel: Channel,
        tool: &str,
        args: JsonObject,
        ctx: &TraceContext,
    ) -> Result<Json<SendOutcome>, String> {
        let args: TextArgs = museo_sdk::serve::tool_arguments(tool, args)?;
        let request = SendRequest {
            to: args.to,
            template: args.template,
            variables: args.variables,
            text: one_text(args.text, args.body).map_err(|e| e.to_string())?,
            subject: None,
            locale: args.locale,
            idempotency_key: args.idempotency_key,
        };
        self.notifier
            .send(channel, request)
            .await
            .map(Json)
            .map_err(|e| e.tool_message(&ctx.correlation_id()))
    }
}

const INSTRUCTIONS: &str = "Notifications for the Museo shop's customers by e-mail (send_email), \
    SMS (send_sms) and WhatsApp (send_whatsapp). Prefer a template (list_templates shows them and \
    the variables each needs; preview_template renders one without sending) and pass the \
    customer's locale (en, es or fr; e.g. \"fr-FR\") so the text, money and dates are in their \
    language. Numbers are E.164 (+34612345678). WhatsApp free text only reaches customers who \
    wrote in the last 24 hours; otherwise send a template. Pass an idempotency_key (e.g. \
    \"order-A-1042-email\") whenever a retry must not send twice. Each send returns a \
    message_id: get_delivery_status shows its status and history. Never invent order numbers, \
    amounts or links: take them from the shop's tools.";

#[tool_handler(router = self.tool_router)]
impl ServerHandler for NotifyServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(rmcp::model::Implementation::new(
                "mcp-notify",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(INSTRUCTIONS.to_owned())
    }
}

/// `text` or `body`, whichever was given; both is an error.
fn one_text(text: Option<String>, body: Option<String>) -> Result<Option<String>, NotifyError> {
    match (text, body) {
        (Some(_), Some(_)) => Err(NotifyError::invalid(
            "body",
            "give `text` or `body`, not both (they are the same thing)",
        )),
        (text, body) => Ok(text.or(body)),
    }
}

/// The trace of a call: the caller's `traceparent` from `_meta`, or a new one.
fn trace(meta: &RequestMetaObject) -> TraceContext {
    TraceContext::from_meta(Some(&meta.0.0))
}

/// Runs one tool call, logging its outcome with the correlation id.
async fn logged<T>(
    tool: &'static str,
    ctx: &TraceContext,
    call: impl Future<Output = Result<T, String>>,
) -> Result<T, String> {
    let started = Instant::now();
    let result = call.await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let correlation_id = ctx.correlation_id();
    match &result {
        Ok(_) => tracing::info!(tool, %correlation_id, ms, "tool call ok"),
        Err(error) => {
            tracing::info!(tool, %correlation_id, ms, error = %quote(error, 200), "tool call refused");
        }
    }
    result
}
