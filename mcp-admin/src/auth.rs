//! Who may manage products, checked where the action happens
//! (docs/gateway.md, "Who is who").
//!
//! Three ways mcp-admin runs, and what each call must carry:
//!
//! - **Under the gateway** (stdio, `MCP_ADMIN_JWKS_URL` or `_FILE` set):
//!   every tool call carries the gateway-minted JWT in
//!   `_meta["dev.museo/authorization"]`. Its signature (the gateway's JWKS),
//!   `aud`, `exp`, lifetime, scope `products:write` and `role: admin` are
//!   checked before anything else, and its `jti` is remembered until it
//!   expires so a captured call cannot be replayed.
//! - **Over Streamable HTTP**: an OAuth 2.1 resource server. Every request
//!   to `/mcp` needs `Authorization: Bearer <JWT>` with the same checks
//!   (bearer tokens are reusable within their lifetime, so no replay
//!   check); a missing or bad token gets 401 with `WWW-Authenticate`
//!   pointing at the RFC 9728 metadata at
//!   `/.well-known/oauth-protected-resource`, a valid token without the
//!   admin role 403 `insufficient_scope`. With no JWKS configured, HTTP
//!   trusts a dev issuer whose key is generated into the sandbox data dir
//!   (`mcp-admin dev-token` mints from it), the same trade the sandbox makes
//!   with its dev service account.
//! - **Directly under an MCP host** (stdio, nothing configured): the person
//!   at the host is the admin; calls act with the service account alone.
//!
//! Whatever the mode, the verified subject is passed to the Museo admin API
//! as "on behalf of" in mcp-admin's **own** service-account token: the
//! incoming token is never forwarded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use museo_sdk::auth::{
    AuthError, JwkSet, KeySet, META_AUTHORIZATION, Minter, ROLE_CLAIM, ServiceAccount,
    SigningAlgorithm, TokenRequest, Verified, Verifier, VerifyPolicy, jwk_set,
};
use museo_sdk::config::{ConfigError, EnvSource, parse_http_url};
use museo_sdk::museo::SCOPE_PRODUCTS_WRITE;
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};

/// `MCP_ADMIN_JWKS_URL`: where the trusted issuer (the gateway) publishes its keys.
pub const ENV_JWKS_URL: &str = "MCP_ADMIN_JWKS_URL";
/// `MCP_ADMIN_JWKS_FILE`: the trusted issuer's keys as a JWKS file.
pub const ENV_JWKS_FILE: &str = "MCP_ADMIN_JWKS_FILE";
/// `MCP_ADMIN_AUDIENCE`: the `aud` tokens must carry (default `mcp-admin`).
pub const ENV_AUDIENCE: &str = "MCP_ADMIN_AUDIENCE";
/// `MCP_ADMIN_ISSUER`: the `iss` tokens must carry, when set.
pub const ENV_ISSUER: &str = "MCP_ADMIN_ISSUER";
/// `MCP_ADMIN_AUTHORIZATION_SERVER`: advertised in the RFC 9728 metadata.
pub const ENV_AUTHORIZATION_SERVER: &str = "MCP_ADMIN_AUTHORIZATION_SERVER";
/// The default audience.
pub const DEFAULT_AUDIENCE: &str = "mcp-admin";
/// The role a caller needs.
pub const ADMIN_ROLE: &str = "admin";
/// The dev issuer's account id (its tokens' `iss`).
pub const DEV_ISSUER_ID: &str = "mcp-admin-dev";
/// The dev issuer's key file, in the sandbox data dir.
pub const DEV_ISSUER_FILE: &str = "mcp-admin-dev-issuer.pem";
/// The RFC 9728 metadata path.
pub const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

/// Where the trusted issuer's public keys come from.
#[derive(Debug, Clone)]
pub enum JwksSource {
    /// Fetched (and refreshed on an unknown `kid`).
    Url(url::Url),
    /// Read once at start-up.
    File(PathBuf),
}

/// The auth settings, from the environment.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// The trusted issuer's keys; `None`: direct mode (stdio) or the dev issuer (HTTP).
    pub jwks: Option<JwksSource>,
    /// Required `aud`.
    pub audience: String,
    /// Required `iss`, when set.
    pub issuer: Option<String>,
    /// The authorization server to advertise.
    pub authorization_server: Option<String>,
}

impl AuthConfig {
    /// Reads `MCP_ADMIN_*`; every error names its variable.
    pub fn from_env(env: &dyn EnvSource) -> Result<Self, ConfigError> {
        let jwks = match (env.var(ENV_JWKS_URL), env.var(ENV_JWKS_FILE)) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    ENV_JWKS_FILE,
                    "set MCP_ADMIN_JWKS_URL or MCP_ADMIN_JWKS_FILE, not both",
                ));
            }
            (Some(url), None) => Some(JwksSource::Url(parse_http_url(ENV_JWKS_URL, &url)?)),
            (None, Some(file)) => Some(JwksSource::File(file.into())),
            (None, None) => None,
        };
        let audience = env
            .var(ENV_AUDIENCE)
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_AUDIENCE.to_owned());
        Ok(Self {
            jwks,
            audience,
            issuer: env.var(ENV_ISSUER).filter(|i| !i.trim().is_empty()),
            authorization_server: env
                .var(ENV_AUTHORIZATION_SERVER)
                .filter(|a| !a.trim().is_empty()),
        })
    }

    fn policy(&self) -> VerifyPolicy {
        let mut policy = VerifyPolicy::new(self.audience.clone())
            .with_algorithms([SigningAlgorithm::EdDSA, SigningAlgorithm::ES256])
            .with_leeway_secs(30)
            .with_required_scopes([SCOPE_PRODUCTS_WRITE]);
        if let Some(issuer) = &self.issuer {
            policy = policy.with_issuer(issuer.clone());
        }
        policy
    }

    /// The verifier for the configured issuer; `None` without one.
    pub fn verifier(&self) -> anyhow::Result<Option<Verifier>> {
        let keys = match &self.jwks {
            None => return Ok(None),
            Some(JwksSource::Url(url)) => KeySet::remote(url.clone(), reqwest_client()?),
            Some(JwksSource::File(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    ConfigError::new(
                        ENV_JWKS_FILE,
                        format!("cannot read {}: {e}", path.display()),
                    )
                })?;
                let set: JwkSet = serde_json::from_str(&text).map_err(|e| {
                    ConfigError::new(
                        ENV_JWKS_FILE,
                        format!("{} is not a JWKS: {e}", path.display()),
                    )
                })?;
                KeySet::from_jwks(set)?
            }
        };
        Ok(Some(Verifier::new(keys, self.policy())))
    }

    /// A verifier trusting only the dev issuer's key.
    pub fn dev_verifier(&self, dev: &ServiceAccount) -> anyhow::Result<Verifier> {
        Ok(Verifier::new(
            KeySet::from_jwks(jwk_set([&dev.key]))?,
            self.policy(),
        ))
    }
}

fn reqwest_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()?)
}

/// The dev issuer (generated on first use into `data_dir`, mode 0600).
pub fn dev_issuer(data_dir: &Path) -> anyhow::Result<ServiceAccount> {
    let path = data_dir.join(DEV_ISSUER_FILE);
    if path.exists() {
        return Ok(ServiceAccount::load(DEV_ISSUER_ID, &path)?);
    }
    std::fs::create_dir_all(data_dir)?;
    let account = ServiceAccount::generate(DEV_ISSUER_ID, SigningAlgorithm::EdDSA)?;
    write_private(&path, account.key.to_pem().expose_secret())?;
    Ok(account)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// A token from the dev issuer for `subject` with `role`, valid `ttl` (≤ 300 s).
pub fn dev_token(
    issuer: &ServiceAccount,
    audience: &str,
    subject: &str,
    role: &str,
    ttl: Duration,
) -> Result<String, AuthError> {
    let minter = Minter::new(issuer.clone());
    let request = TokenRequest::new(subject, audience)
        .with_scopes([SCOPE_PRODUCTS_WRITE])
        .with_claim(ROLE_CLAIM, role)
        .with_ttl(ttl);
    Ok(minter.one_time(&request)?.expose_secret().to_owned())
}

/// Who a tool call acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The verified admin, or `None` when the service account acts alone.
    pub subject: Option<String>,
    /// How the call was authorised, for logs: `gateway token`, `bearer` or `direct`.
    pub via: &'static str,
}

/// The checks every tool call goes through.
#[derive(Debug)]
pub struct Gate {
    /// Verifies `_meta` tokens; `None`: direct mode.
    verifier: Option<Arc<Verifier>>,
    /// `jti` → `exp` of `_meta` tokens already used.
    seen: Mutex<HashMap<String, u64>>,
    /// HTTP: the bearer verified by [`require_bearer`] is the only way in.
    bearer_only: bool,
}

impl Gate {
    /// A gate checking `_meta` tokens with `verifier`, or none (direct mode).
    pub fn new(verifier: Option<Verifier>) -> Self {
        Self {
            verifier: verifier.map(Arc::new),
            seen: Mutex::new(HashMap::new()),
            bearer_only: false,
        }
    }

    /// The gate of the HTTP server: a call without a verified bearer is
    /// refused even if the HTTP layer were bypassed (defence in depth).
    pub fn bearer_only() -> Self {
        Self {
            verifier: None,
            seen: Mutex::new(HashMap::new()),
            bearer_only: true,
        }
    }

    /// True when calls need a token in `_meta`.
    pub fn requires_token(&self) -> bool {
        self.verifier.is_some()
    }

    /// Authorises one tool call: the bearer the HTTP layer verified, else the
    /// token in `_meta`, else (direct mode only) the service account alone.
    /// The error is safe to show: it never echoes the token.
    pub async fn authorize(
        &self,
        meta: &serde_json::Map<String, Value>,
        bearer: Option<&Verified>,
    ) -> Result<Actor, String> {
        if let Some(verified) = bearer {
            require_admin(verified)?;
            return Ok(Actor {
                subject: Some(verified.claims.sub.clone()),
                via: "bearer",
            });
        }
        if self.bearer_only {
            return Err(refusal(&AuthError::MissingToken));
        }
        let Some(verifier) = &self.verifier else {
            return Ok(Actor {
                subject: None,
                via: "direct",
            });
        };
        let token = match meta.get(META_AUTHORIZATION) {
            Some(Value::String(token)) => token.strip_prefix("Bearer ").unwrap_or(token).trim(),
            Some(_) => {
                return Err(refusal(&AuthError::Malformed(
                    "the token must be a string".into(),
                )));
            }
            None => return Err(refusal(&AuthError::MissingToken)),
        };
        let verified = verifier.verify(token).await.map_err(|e| refusal(&e))?;
        require_admin(&verified)?;
        self.first_use(&verified)?;
        Ok(Actor {
            subject: Some(verified.claims.sub.clone()),
            via: "gateway token",
        })
    }

    /// Refuses a `jti` seen before (until its `exp`).
    fn first_use(&self, verified: &Verified) -> Result<(), String> {
        let now = jiff::Timestamp::now().as_second().max(0).unsigned_abs();
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| "the replay cache is unavailable; try again".to_owned())?;
        seen.retain(|_, exp| *exp + 60 > now);
        let jti = verified.claims.jti().to_owned();
        if jti.is_empty() || seen.contains_key(&jti) {
            return Err(
                "unauthorized: this token was already used (each call needs a fresh token)"
                    .to_owned(),
            );
        }
        seen.insert(jti, verified.claims.exp);
        Ok(())
    }
}

fn refusal(error: &AuthError) -> String {
    format!(
        "unauthorized: {error}. mcp-admin acts only for a verified admin: the caller must send a \
         token minted for audience mcp-admin in _meta[\"{META_AUTHORIZATION}\"]"
    )
}

fn require_admin(verified: &Verified) -> Result<(), String> {
    match verified.claims.claim(ROLE_CLAIM).and_then(Value::as_str) {
        Some(ADMIN_ROLE) => Ok(()),
        Some(role) => Err(format!(
            "forbidden: role `{}` may not manage products; an admin must do this",
            role.chars().take(20).collect::<String>()
        )),
        None => Err("forbidden: the token carries no role; an admin must do this".to_owned()),
    }
}

/// State of the HTTP auth layer.
#[derive(Debug, Clone)]
pub struct HttpAuth {
    /// Verifies bearer tokens.
    pub verifier: Arc<Verifier>,
    /// The authorization server to advertise.
    pub authorization_server: Option<String>,
}

/// Requires a valid bearer on `/mcp`; everything else passes. The verified
/// token is put in the request's extensions (rmcp hands the request parts to
/// the tools).
pub async fn require_bearer(
    State(auth): State<HttpAuth>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path() != museo_sdk::serve::MCP_PATH {
        return next.run(request).await;
    }
    let metadata = format!(
        "http://{}{METADATA_PATH}",
        request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1")
    );
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return challenge(StatusCode::UNAUTHORIZED, &metadata, None);
    };
    match auth.verifier.verify(token).await {
        Ok(verified) => {
            if let Err(why) = require_admin(&verified) {
                return challenge(
                    StatusCode::FORBIDDEN,
                    &metadata,
                    Some(("insufficient_scope", &why)),
                );
            }
            request.extensions_mut().insert(verified);
            next.run(request).await
        }
        Err(error @ AuthError::MissingScope { .. }) => challenge(
            StatusCode::FORBIDDEN,
            &metadata,
            Some(("insufficient_scope", &error.to_string())),
        ),
        Err(error) => {
            tracing::info!(code = error.code(), "bearer refused");
            challenge(
                StatusCode::UNAUTHORIZED,
                &metadata,
                Some(("invalid_token", &error.to_string())),
            )
        }
    }
}

fn challenge(status: StatusCode, metadata: &str, error: Option<(&str, &str)>) -> Response {
    let mut value = format!(
        "Bearer realm=\"mcp-admin\", resource_metadata=\"{metadata}\", scope=\"{SCOPE_PRODUCTS_WRITE}\""
    );
    if let Some((code, description)) = error {
        let description = description.replace(['"', '\\'], "'");
        value.push_str(&format!(
            ", error=\"{code}\", error_description=\"{description}\""
        ));
    }
    let body = json!({
        "error": error.map_or("unauthorized", |(code, _)| code),
        "error_description": error.map_or(
            "a bearer token for audience mcp-admin with role admin is required",
            |(_, d)| d
        ),
    });
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// `GET /.well-known/oauth-protected-resource[/mcp]` (RFC 9728).
pub async fn resource_metadata(
    State(auth): State<HttpAuth>,
    headers: axum::http::HeaderMap,
) -> axum::Json<Value> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    axum::Json(json!({
        "resource": format!("http://{host}{}", museo_sdk::serve::MCP_PATH),
        "authorization_servers": auth.authorization_server.iter().collect::<Vec<_>>(),
        "bearer_methods_supported": ["header"],
        "scopes_supported": [SCOPE_PRODUCTS_WRITE],
        "resource_name": "Museo catalog administration (mcp-admin)",
        "resource_signing_alg_values_supported": ["EdDSA", "ES256"],
    }))
}

/// Wraps mcp-admin's HTTP app: the bearer requirement on `/mcp` and the
/// metadata routes.
pub fn protect(router: axum::Router, auth: HttpAuth) -> axum::Router {
    let metadata = axum::Router::new()
        .route(METADATA_PATH, axum::routing::get(resource_metadata))
        .route(
            &format!("{METADATA_PATH}{}", museo_sdk::serve::MCP_PATH),
            axum::routing::get(resource_metadata),
        )
        .with_state(auth.clone());
    router
        .layer(axum::middleware::from_fn_with_state(auth, require_bearer))
        .merge(metadata)
}
