//! Settings, read from the environment and validated in one place.
//!
//! Every channel starts in outbox mode and switches to its real provider as
//! soon as any of its settings is present; from then on every setting that
//! provider needs is required, and a missing or malformed one stops the start
//! with an error naming the variable. Secrets (`*_PASSWORD`, `*_TOKEN`,
//! `*_SECRET`, the Redis URL, which may hold a password) are read into
//! [`SecretString`]s, may come from a `*_FILE`, and never reach a log line.

use std::path::PathBuf;
use std::time::Duration;

use museo_sdk::config::{ConfigError, EnvSource, env_parse, parse_http_url};
use secrecy::SecretString;

/// The names of the environment variables mcp-notify reads.
pub mod env {
    /// Sender of every e-mail (`Museo <shop@museo.example>`); required with SMTP.
    pub const NOTIFY_EMAIL_FROM: &str = "NOTIFY_EMAIL_FROM";
    /// SMTP relay host; setting it switches e-mail from the outbox to SMTP.
    pub const SMTP_HOST: &str = "SMTP_HOST";
    /// SMTP port (default 587 with STARTTLS, 465 with TLS, 25 without).
    pub const SMTP_PORT: &str = "SMTP_PORT";
    /// `starttls` (default), `tls` (implicit TLS) or `none` (trusted local relays only).
    pub const SMTP_TLS: &str = "SMTP_TLS";
    /// SMTP user name (with a password: AUTH is used).
    pub const SMTP_USERNAME: &str = "SMTP_USERNAME";
    /// SMTP password.
    pub const SMTP_PASSWORD: &str = "SMTP_PASSWORD";
    /// File holding the SMTP password (wins over `SMTP_PASSWORD`).
    pub const SMTP_PASSWORD_FILE: &str = "SMTP_PASSWORD_FILE";
    /// Twilio account SID (`AC…`); with a token and a sender it switches SMS to Twilio.
    pub const TWILIO_ACCOUNT_SID: &str = "TWILIO_ACCOUNT_SID";
    /// Twilio auth token: API basic auth and the webhook signature key.
    pub const TWILIO_AUTH_TOKEN: &str = "TWILIO_AUTH_TOKEN";
    /// File holding the Twilio auth token.
    pub const TWILIO_AUTH_TOKEN_FILE: &str = "TWILIO_AUTH_TOKEN_FILE";
    /// Sender: an E.164 number or a messaging service SID (`MG…`).
    pub const TWILIO_FROM: &str = "TWILIO_FROM";
    /// Base URL of the Twilio API (default `https://api.twilio.com`).
    pub const TWILIO_BASE_URL: &str = "TWILIO_BASE_URL";
    /// WhatsApp Cloud API access token; with a phone number id it switches WhatsApp to Meta.
    pub const WHATSAPP_TOKEN: &str = "WHATSAPP_TOKEN";
    /// File holding the WhatsApp access token.
    pub const WHATSAPP_TOKEN_FILE: &str = "WHATSAPP_TOKEN_FILE";
    /// The sending phone number's id in the WhatsApp Business account.
    pub const WHATSAPP_PHONE_NUMBER_ID: &str = "WHATSAPP_PHONE_NUMBER_ID";
    /// Meta app secret: the key of `X-Hub-Signature-256` on webhooks.
    pub const WHATSAPP_APP_SECRET: &str = "WHATSAPP_APP_SECRET";
    /// File holding the Meta app secret.
    pub const WHATSAPP_APP_SECRET_FILE: &str = "WHATSAPP_APP_SECRET_FILE";
    /// The token Meta echoes when it verifies the webhook (`hub.verify_token`).
    pub const WHATSAPP_VERIFY_TOKEN: &str = "WHATSAPP_VERIFY_TOKEN";
    /// Base URL of the Graph API (default `https://graph.facebook.com`).
    pub const WHATSAPP_BASE_URL: &str = "WHATSAPP_BASE_URL";
    /// Graph API version (default `v23.0`).
    pub const WHATSAPP_API_VERSION: &str = "WHATSAPP_API_VERSION";
    /// Public base URL the webhooks are reached at (`https://notify.example.com`):
    /// Twilio is told to call `<it>/webhooks/twilio` and signatures are checked against it.
    pub const NOTIFY_PUBLIC_URL: &str = "NOTIFY_PUBLIC_URL";
    /// Directory of the outbox (default `<sandbox data dir>/outbox`).
    pub const MUSEO_NOTIFY_OUTBOX: &str = "MUSEO_NOTIFY_OUTBOX";
    /// Prefix of every Redis key (default `museo:notify:`).
    pub const NOTIFY_REDIS_PREFIX: &str = "NOTIFY_REDIS_PREFIX";
    /// Retries after a failed provider call (429, 5xx, timeouts), 0–10 (default 3).
    pub const NOTIFY_RETRIES: &str = "NOTIFY_RETRIES";
    /// First retry delay in milliseconds, doubled each time with jitter (default 250).
    pub const NOTIFY_RETRY_MIN_DELAY_MS: &str = "NOTIFY_RETRY_MIN_DELAY_MS";
    /// Timeout of one provider call in milliseconds (default 10 000).
    pub const NOTIFY_PROVIDER_TIMEOUT_MS: &str = "NOTIFY_PROVIDER_TIMEOUT_MS";
    /// Delay between the outbox's status steps (sent, then delivered), ms (default 300).
    pub const NOTIFY_OUTBOX_STEP_MS: &str = "NOTIFY_OUTBOX_STEP_MS";
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same host or network.
    None,
    /// Plain connection upgraded with STARTTLS, which is required.
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
}

/// The SMTP relay.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// Host name of the relay.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Transport security.
    pub tls: SmtpTls,
    /// User name and password, when the relay wants AUTH.
    pub credentials: Option<(String, SecretString)>,
}

/// The Twilio Messages API.
#[derive(Debug, Clone)]
pub struct TwilioConfig {
    /// Account SID (`AC…`).
    pub account_sid: String,
    /// Auth token.
    pub auth_token: SecretString,
    /// Sender number (E.164) or messaging service SID (`MG…`).
    pub from: String,
    /// Base URL of the API.
    pub base_url: url::Url,
}

/// The WhatsApp Cloud API.
#[derive(Debug, Clone)]
pub struct WhatsAppConfig {
    /// Access token (a system user's, in production).
    pub token: SecretString,
    /// The sending phone number's id.
    pub phone_number_id: String,
    /// Base URL of the Graph API.
    pub base_url: url::Url,
    /// Graph API version, such as `v23.0`.
    pub api_version: String,
}

/// What the webhook endpoints need to tell real reports from forged ones.
#[derive(Debug, Clone, Default)]
pub struct WebhookConfig {
    /// Twilio's auth token (the HMAC-SHA1 key); unset: Twilio callbacks are refused.
    pub twilio_auth_token: Option<SecretString>,
    /// Meta's app secret (the HMAC-SHA256 key); unset: Meta POSTs are refused.
    pub meta_app_secret: Option<SecretString>,
    /// Meta's verify token; unset: the GET verification is refused.
    pub meta_verify_token: Option<SecretString>,
    /// Public base URL of this service, for Twilio's `StatusCallback` and signatures.
    pub public_url: Option<url::Url>,
}

/// Retries of a provider call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: usize,
    /// Delay before the first retry; doubled each time, with jitter.
    pub min_delay: Duration,
    /// Longest delay between two attempts (also caps a provider's `Retry-After`).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retries: 3,
            min_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// Everything mcp-notify is configured with.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// Sender of e-mails.
    pub email_from: String,
    /// SMTP relay; `None`: e-mail goes to the outbox.
    pub smtp: Option<SmtpConfig>,
    /// Twilio; `None`: SMS go to the outbox.
    pub twilio: Option<TwilioConfig>,
    /// WhatsApp Cloud API; `None`: WhatsApp messages go to the outbox.
    pub whatsapp: Option<WhatsAppConfig>,
    /// Webhook verification.
    pub webhooks: WebhookConfig,
    /// Where outbox messages are written.
    pub outbox_dir: PathBuf,
    /// Redis URL (`redis://…`); `None`: statuses are kept in memory.
    pub redis_url: Option<SecretString>,
    /// Prefix of every Redis key.
    pub redis_prefix: String,
    /// Retries of provider calls.
    pub retry: RetryPolicy,
    /// Timeout of one provider call.
    pub provider_timeout: Duration,
    /// Delay between the outbox's status steps.
    pub outbox_step: Duration,
}

/// Default sender when none is configured (outbox only).
pub const DEFAULT_EMAIL_FROM: &str = "Museo Shop <shop@museo.example>";
/// Default prefix of Redis keys.
pub const DEFAULT_REDIS_PREFIX: &str = "museo:notify:";

impl NotifyConfig {
    /// Settings with every channel in outbox mode, writing to `outbox_dir`.
    pub fn outbox(outbox_dir: PathBuf) -> Self {
        Self {
            email_from: DEFAULT_EMAIL_FROM.to_owned(),
            smtp: None,
            twilio: None,
            whatsapp: None,
            webhooks: WebhookConfig::default(),
            outbox_dir,
            redis_url: None,
            redis_prefix: DEFAULT_REDIS_PREFIX.to_owned(),
            retry: RetryPolicy::default(),
            provider_timeout: Duration::from_secs(10),
            outbox_step: Duration::from_millis(300),
        }
    }

    /// Reads and validates the settings from `source`.
    pub fn from_env(source: &dyn EnvSource) -> Result<Self, ConfigError> {
        let outbox_dir = source
            .var(env::MUSEO_NOTIFY_OUTBOX)
            .map(PathBuf::from)
            .unwrap_or_else(|| default_data_dir(source).join("outbox"));
        let mut config = Self::outbox(outbox_dir);
        config.smtp = smtp(source)?;
        if let Some(from) = source.var(env::NOTIFY_EMAIL_FROM) {
            crate::validate::mailbox(from.trim())
                .map_err(|e| ConfigError::new(env::NOTIFY_EMAIL_FROM, e))?;
            config.email_from = from.trim().to_owned();
        } else if config.smtp.is_some() {
            return Err(ConfigError::new(
                env::NOTIFY_EMAIL_FROM,
                "required with SMTP_HOST: the sender address of every e-mail",
            ));
        }
        let twilio_token = secret(source, env::TWILIO_AUTH_TOKEN, env::TWILIO_AUTH_TOKEN_FILE)?;
        config.twilio = twilio(source, twilio_token.clone())?;
        config.whatsapp = whatsapp(source)?;
        config.webhooks = WebhookConfig {
            twilio_auth_token: twilio_token,
            meta_app_secret: secret(
                source,
                env::WHATSAPP_APP_SECRET,
                env::WHATSAPP_APP_SECRET_FILE,
            )?,
            meta_verify_token: source
                .var(env::WHATSAPP_VERIFY_TOKEN)
                .map(|t| SecretString::from(t.trim().to_owned())),
            public_url: source
                .var(env::NOTIFY_PUBLIC_URL)
                .map(|raw| parse_http_url(env::NOTIFY_PUBLIC_URL, &raw))
                .transpose()?,
        };
        config.redis_url = source
            .var(museo_sdk::env::REDIS_URL)
            .map(|url| SecretString::from(url.trim().to_owned()));
        if let Some(prefix) = source.var(env::NOTIFY_REDIS_PREFIX) {
            config.redis_prefix = prefix;
        }
        if let Some(retries) = env_parse::<usize>(source, env::NOTIFY_RETRIES)? {
            if retries > 10 {
                return Err(ConfigError::new(env::NOTIFY_RETRIES, "must be at most 10"));
            }
            config.retry.retries = retries;
        }
        if let Some(ms) = millis(source, env::NOTIFY_RETRY_MIN_DELAY_MS, 1..=60_000)? {
            config.retry.min_delay = ms;
        }
        if let Some(ms) = millis(source, env::NOTIFY_PROVIDER_TIMEOUT_MS, 100..=120_000)? {
            config.provider_timeout = ms;
        }
        if let Some(ms) = millis(source, env::NOTIFY_OUTBOX_STEP_MS, 0..=60_000)? {
            config.outbox_step = ms;
        }
        Ok(config)
    }

    /// One line per channel saying where its messages go, for the start-up log.
    pub fn describe(&self) -> Vec<String> {
        let outbox = self.outbox_dir.display();
        vec![
            match &self.smtp {
                Some(s) => format!("email: SMTP {}:{} ({:?})", s.host, s.port, s.tls),
                None => format!("email: outbox {outbox} (set SMTP_HOST for SMTP)"),
            },
            match &self.twilio {
                Some(t) => format!("sms: Twilio {} (account {})", t.base_url, t.account_sid),
                None => format!("sms: outbox {outbox} (set TWILIO_ACCOUNT_SID for Twilio)"),
            },
            match &self.whatsapp {
                Some(w) => format!(
                    "whatsapp: Cloud API {} (number id {})",
                    w.base_url, w.phone_number_id
                ),
                None => format!("whatsapp: outbox {outbox} (set WHATSAPP_TOKEN for the Cloud API)"),
            },
            match &self.redis_url {
                Some(_) => format!("statuses: Redis (prefix {})", self.redis_prefix),
                None => "statuses: in memory (set REDIS_URL to keep them)".to_owned(),
            },
        ]
    }
}

/// The Museo sandbox's data directory, by the same rule as the sandbox:
/// `MUSEO_SANDBOX_DATA_DIR`, else `$XDG_DATA_HOME/museo-sandbox`, else
/// `~/.local/share/museo-sandbox`. (Ten lines, repeated here so this crate
/// does not link the sandbox and its SQLite.)
pub fn default_data_dir(source: &dyn EnvSource) -> PathBuf {
    if let Some(dir) = source.var(museo_sdk::env::SANDBOX_DATA_DIR) {
        return PathBuf::from(dir);
    }
    if let Some(xdg) = source.var("XDG_DATA_HOME") {
        return PathBuf::from(xdg).join("museo-sandbox");
    }
    if let Some(home) = source.var("HOME") {
        return PathBuf::from(home).join(".local/share/museo-sandbox");
    }
    PathBuf::from(".data/museo-sandbox")
}

fn smtp(source: &dyn EnvSource) -> Result<Option<SmtpConfig>, ConfigError> {
    let Some(host) = source.var(env::SMTP_HOST) else {
        for key in [env::SMTP_PORT, env::SMTP_USERNAME, env::SMTP_PASSWORD] {
            if source.var(key).is_some() {
                return Err(ConfigError::new(
                    env::SMTP_HOST,
                    format!("required with {key}"),
                ));
            }
        }
        return Ok(None);
    };
    let host = host.trim().to_owned();
    if host.contains(['/', ' ', ':']) {
        return Err(ConfigError::new(
            env::SMTP_HOST,
            "a host name only (the port goes in SMTP_PORT)",
        ));
    }
    let tls = match source
        .var(env::SMTP_TLS)
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("starttls") => SmtpTls::StartTls,
        Some("tls" | "smtps") => SmtpTls::Tls,
        Some("none") => SmtpTls::None,
        Some(other) => {
            return Err(ConfigError::new(
                env::SMTP_TLS,
                format!("expected none, starttls or tls, got `{other}`"),
            ));
        }
    };
    let port = env_parse::<u16>(source, env::SMTP_PORT)?.unwrap_or(match tls {
        SmtpTls::None => 25,
        SmtpTls::StartTls => 587,
        SmtpTls::Tls => 465,
    });
    if port == 0 {
        return Err(ConfigError::new(env::SMTP_PORT, "must be 1–65535"));
    }
    let password = secret(source, env::SMTP_PASSWORD, env::SMTP_PASSWORD_FILE)?;
    let credentials = match (source.var(env::SMTP_USERNAME), password) {
        (Some(user), Some(password)) => Some((user.trim().to_owned(), password)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(ConfigError::new(
                env::SMTP_PASSWORD,
                "required with SMTP_USERNAME",
            ));
        }
        (None, Some(_)) => {
            return Err(ConfigError::new(
                env::SMTP_USERNAME,
                "required with SMTP_PASSWORD",
            ));
        }
    };
    Ok(Some(SmtpConfig {
        host,
        port,
        tls,
        credentials,
    }))
}

fn twilio(
    source: &dyn EnvSource,
    token: Option<SecretString>,
) -> Result<Option<TwilioConfig>, ConfigError> {
    let sid = source.var(env::TWILIO_ACCOUNT_SID);
    let from = source.var(env::TWILIO_FROM);
    if sid.is_none() && from.is_none() {
        return Ok(None);
    }
    let sid = sid
        .ok_or_else(|| ConfigError::new(env::TWILIO_ACCOUNT_SID, "required with TWILIO_FROM"))?
        .trim()
        .to_owned();
    if !(sid.len() == 34
        && sid.starts_with("AC")
        && sid[2..].bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(ConfigError::new(
            env::TWILIO_ACCOUNT_SID,
            "expected AC followed by 32 hex digits",
        ));
    }
    let token = token.ok_or_else(|| {
        ConfigError::new(env::TWILIO_AUTH_TOKEN, "required with TWILIO_ACCOUNT_SID")
    })?;
    let from = from
        .ok_or_else(|| ConfigError::new(env::TWILIO_FROM, "required with TWILIO_ACCOUNT_SID"))?
        .trim()
        .to_owned();
    if !from.starts_with("MG") && crate::validate::phone(&from).is_err() {
        return Err(ConfigError::new(
            env::TWILIO_FROM,
            "expected an E.164 number (+34…) or a messaging service SID (MG…)",
        ));
    }
    let base_url = base_url(source, env::TWILIO_BASE_URL, "https://api.twilio.com")?;
    Ok(Some(TwilioConfig {
        account_sid: sid,
        auth_token: token,
        from,
        base_url,
    }))
}

fn whatsapp(source: &dyn EnvSource) -> Result<Option<WhatsAppConfig>, ConfigError> {
    let token = secret(source, env::WHATSAPP_TOKEN, env::WHATSAPP_TOKEN_FILE)?;
    let number = source.var(env::WHATSAPP_PHONE_NUMBER_ID);
    let (token, number) = match (token, number) {
        (None, None) => return Ok(None),
        (Some(token), Some(number)) => (token, number.trim().to_owned()),
        (None, Some(_)) => {
            return Err(ConfigError::new(
                env::WHATSAPP_TOKEN,
                "required with WHATSAPP_PHONE_NUMBER_ID",
            ));
        }
        (Some(_), None) => {
            return Err(ConfigError::new(
                env::WHATSAPP_PHONE_NUMBER_ID,
                "required with WHATSAPP_TOKEN",
            ));
        }
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ConfigError::new(
            env::WHATSAPP_PHONE_NUMBER_ID,
            "expected the numeric phone number id from the WhatsApp Business account",
        ));
    }
    let base_url = base_url(source, env::WHATSAPP_BASE_URL, "https://graph.facebook.com")?;
    let api_version = source
        .var(env::WHATSAPP_API_VERSION)
        .unwrap_or_else(|| "v23.0".to_owned());
    if !api_version.starts_with('v')
        || !api_version[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
    {
        return Err(ConfigError::new(
            env::WHATSAPP_API_VERSION,
            "expected a Graph API version such as v23.0",
        ));
    }
    Ok(Some(WhatsAppConfig {
        token,
        phone_number_id: number,
        base_url,
        api_version,
    }))
}

fn base_url(source: &dyn EnvSource, key: &str, default: &str) -> Result<url::Url, ConfigError> {
    let raw = source.var(key).unwrap_or_else(|| default.to_owned());
    let mut url = parse_http_url(key, &raw)?;
    // Joining paths onto it must keep any path it has.
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// A secret from `KEY_FILE` (trimmed) or `KEY`; the file wins.
fn secret(
    source: &dyn EnvSource,
    key: &str,
    file_key: &str,
) -> Result<Option<SecretString>, ConfigError> {
    if let Some(path) = source.var(file_key) {
        let text = std::fs::read_to_string(path.trim())
            .map_err(|e| ConfigError::new(file_key, format!("cannot read the file: {e}")))?;
        let text = text.trim();
        if text.is_empty() {
            return Err(ConfigError::new(file_key, "the file is empty"));
        }
        return Ok(Some(SecretString::from(text.to_owned())));
    }
    Ok(source
        .var(key)
        .map(|v| SecretString::from(v.trim().to_owned())))
}

fn millis(
    source: &dyn EnvSource,
    key: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<Duration>, ConfigError> {
    match env_parse::<u64>(source, key)? {
        None => Ok(None),
        Some(ms) if range.contains(&ms) => Ok(Some(Duration::from_millis(ms))),
        Some(_) => Err(ConfigError::new(
            key,
            format!("must be between {} and {} ms", range.start(), range.end()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret as _;

    use super::*;

    fn source(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn nothing_configured_is_the_outbox_everywhere() {
        let config = NotifyConfig::from_env(&source(&[(
            museo_sdk::env::SANDBOX_DATA_DIR,
            "/data/sandbox",
        )]))
        .expect("empty config is valid");
        assert!(config.smtp.is_none() && config.twilio.is_none() && config.whatsapp.is_none());
        assert_eq!(config.outbox_dir, PathBuf::from("/data/sandbox/outbox"));
        assert!(config.redis_url.is_none());
        let explicit = NotifyConfig::from_env(&source(&[(env::MUSEO_NOTIFY_OUTBOX, "/tmp/o")]))
            .expect("valid");
        assert_eq!(explicit.outbox_dir, PathBuf::from("/tmp/o"));
        let xdg = NotifyConfig::from_env(&source(&[("XDG_DATA_HOME", "/x")])).expect("valid");
        assert_eq!(xdg.outbox_dir, PathBuf::from("/x/museo-sandbox/outbox"));
    }

    #[test]
    fn each_channel_switches_on_with_its_settings() {
        let config = NotifyConfig::from_env(&source(&[
            (env::SMTP_HOST, "smtp.example.com"),
            (env::SMTP_USERNAME, "museo"),
            (env::SMTP_PASSWORD, "hunter2"),
            (env::NOTIFY_EMAIL_FROM, "Museo <shop@museo.example>"),
            (
                env::TWILIO_ACCOUNT_SID,
                "AC0123456789abcdef0123456789abcdef",
            ),
            (env::TWILIO_AUTH_TOKEN, "token"),
            (env::TWILIO_FROM, "+34911234567"),
            (env::TWILIO_BASE_URL, "http://127.0.0.1:9/twilio"),
            (env::WHATSAPP_TOKEN, "wa-token"),
            (env::WHATSAPP_PHONE_NUMBER_ID, "1234567890"),
        ]))
        .expect("valid");
        let smtp = config.smtp.as_ref().expect("smtp on");
        assert_eq!((smtp.port, smtp.tls), (587, SmtpTls::StartTls));
        let twilio = config.twilio.as_ref().expect("twilio on");
        assert_eq!(twilio.base_url.as_str(), "http://127.0.0.1:9/twilio/");
        assert_eq!(
            config
                .webhooks
                .twilio_auth_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            Some("token".to_owned())
        );
        let whatsapp = config.whatsapp.as_ref().expect("whatsapp on");
        assert_eq!(whatsapp.api_version, "v23.0");
        let debug = format!("{config:?}");
        for secret in ["hunter2", "wa-token", "\"token\""] {
            assert!(!debug.contains(secret), "{secret} leaked into {debug}");
        }
    }

    #[test]
    fn a_half_configured_channel_names_what_is_missing() {
        let cases: [(&[(&str, &str)], &str); 7] = [
            (
                &[(env::SMTP_HOST, "smtp.example.com")],
                env::NOTIFY_EMAIL_FROM,
            ),
            (&[(env::SMTP_PORT, "25")], env::SMTP_HOST),
            (
                &[
                    (env::SMTP_HOST, "smtp.example.com"),
                    (env::NOTIFY_EMAIL_FROM, "a@b.example"),
                    (env::SMTP_TLS, "ssl3"),
                ],
                env::SMTP_TLS,
            ),
            (
                &[(
                    env::TWILIO_ACCOUNT_SID,
                    "AC0123456789abcdef0123456789abcdef",
                )],
                env::TWILIO_AUTH_TOKEN,
            ),
            (
                &[(env::TWILIO_ACCOUNT_SID, "nope")],
                env::TWILIO_ACCOUNT_SID,
            ),
            (&[(env::WHATSAPP_TOKEN, "t")], env::WHATSAPP_PHONE_NUMBER_ID),
            (&[(env::NOTIFY_RETRIES, "99")], env::NOTIFY_RETRIES),
        ];
        for (pairs, key) in cases {
            let error = NotifyConfig::from_env(&source(pairs)).expect_err("invalid");
            assert_eq!(error.key, key, "{pairs:?}: {error}");
        }
    }

    #[test]
    fn secrets_can_come_from_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("token");
        std::fs::write(&path, "from-file\n").expect("write");
        let path = path.display().to_string();
        let config = NotifyConfig::from_env(&source(&[
            (env::WHATSAPP_TOKEN, "from-env"),
            (env::WHATSAPP_TOKEN_FILE, &path),
            (env::WHATSAPP_PHONE_NUMBER_ID, "42"),
        ]))
        .expect("valid");
        let whatsapp = config.whatsapp.expect("on");
        assert_eq!(whatsapp.token.expose_secret(), "from-file");
    }
}
