//! E-mail through an SMTP relay (lettre, with a connection pool).
//!
//! SMTP gives no delivery receipts: a `250` from the relay is the last thing
//! we learn, so a sent e-mail's status ends at `sent`. Reply codes 4xx are
//! transient and retried, 5xx are final; a connection or network failure is
//! retried too. A retry after the relay took the data but before its reply
//! arrived can deliver the message twice — the usual trade-off of SMTP
//! clients, accepted here because a lost confirmation is worse.

use futures::future::{BoxFuture, FutureExt as _};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use secrecy::ExposeSecret as _;

use super::{Accepted, Outgoing, Provider, ProviderError, email};
use crate::config::{SmtpConfig, SmtpTls};
use crate::status::Status;

/// Sends e-mail through an SMTP relay.
#[derive(Debug, Clone)]
pub struct SmtpProvider {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpProvider {
    /// A provider for the relay in `config`; `timeout` bounds each SMTP command.
    pub fn new(config: &SmtpConfig, timeout: std::time::Duration) -> Result<Self, ProviderError> {
        let tls = match config.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(tls_parameters(&config.host)?),
            SmtpTls::Tls => Tls::Wrapper(tls_parameters(&config.host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
        })
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, ProviderError> {
    TlsParameters::new(host.to_owned())
        .map_err(|e| ProviderError::permanent(format!("TLS setup for {host} failed: {e}")))
}

impl Provider for SmtpProvider {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, ProviderError>> {
        async move {
            let mail = email::build(message)?;
            let message_id = mail
                .headers()
                .get_raw("Message-ID")
                .map(str::to_owned)
                .unwrap_or_else(|| message.message_id.clone());
            match self.transport.send(mail).await {
                Ok(response) => {
                    tracing::debug!(code = %response.code(), "SMTP relay accepted the message");
                    Ok(Accepted {
                        provider_id: message_id,
                        status: Status::Sent,
                        outbox_path: None,
                    })
                }
                Err(error) => {
                    let retryable = error.is_transient()
                        || !(error.is_permanent()
                            || error.is_client()
                            || error.is_tls()
                            || error.is_response());
                    Err(ProviderError {
                        retryable,
                        status: error
                            .status()
                            .and_then(|code| code.to_string().parse().ok()),
                        code: None,
                        message: format!("SMTP: {error}"),
                        retry_after: None,
                    })
                }
            }
        }
        .boxed()
    }
}
