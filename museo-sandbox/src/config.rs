//! The sandbox's settings: command-line flags, each with an env override.

use std::net::SocketAddr;
use std::path::PathBuf;

use museo_sdk::config::{ConfigError, parse_http_url};
use secrecy::SecretString;

/// A service account allowed to call the admin API, with its public keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRegistration {
    /// The account id: tokens must carry it as `iss`.
    pub id: String,
    /// A JWKS file holding its public keys.
    pub jwks: PathBuf,
}

impl std::str::FromStr for AccountRegistration {
    type Err = ConfigError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let (id, path) = raw
            .split_once('=')
            .ok_or_else(|| ConfigError::new("--service-account", "expected ID=JWKS_FILE"))?;
        if id.trim().is_empty() || path.trim().is_empty() {
            return Err(ConfigError::new(
                "--service-account",
                "expected ID=JWKS_FILE",
            ));
        }
        Ok(Self {
            id: id.trim().to_owned(),
            jwks: PathBuf::from(path.trim()),
        })
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Holds the database (unless `db` says otherwise) and dev credentials.
    pub data_dir: PathBuf,
    /// The SQLite file; default `<data_dir>/museo.db`.
    pub db: Option<PathBuf>,
    /// Base URL in links; default `http://<bound address>`.
    pub public_url: Option<url::Url>,
    /// Production: no generated credentials, every secret must be given.
    pub production: bool,
    /// Secret for payment links; generated into the data dir in dev.
    pub link_secret: Option<SecretString>,
    /// Service accounts allowed on the admin API (the dev account is added in dev).
    pub service_accounts: Vec<AccountRegistration>,
    /// Catalog size on first start: the real seed, plus generated products up to this.
    pub seed_products: usize,
    /// The `aud` admin tokens must carry.
    pub admin_audience: String,
}

impl SandboxConfig {
    /// Dev defaults around a data directory: seeded catalog, dev account.
    pub fn dev(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            db: None,
            public_url: None,
            production: false,
            link_secret: None,
            service_accounts: Vec::new(),
            seed_products: 0,
            admin_audience: museo_sdk::config::DEFAULT_ADMIN_AUDIENCE.to_owned(),
        }
    }

    /// The database path.
    pub fn db_path(&self) -> PathBuf {
        self.db
            .clone()
            .unwrap_or_else(|| self.data_dir.join("museo.db"))
    }

    /// Checks the combination of settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.production {
            if self.link_secret.is_none() {
                return Err(ConfigError::new(
                    museo_sdk::env::SANDBOX_LINK_SECRET,
                    "required in production (a random string of at least 32 bytes)",
                ));
            }
            if self.service_accounts.is_empty() {
                return Err(ConfigError::new(
                    "--service-account",
                    "production needs at least one registered service account; dev credentials are refused",
                ));
            }
        }
        if let Some(secret) = &self.link_secret
            && secrecy::ExposeSecret::expose_secret(secret).len() < 32
        {
            return Err(ConfigError::new(
                museo_sdk::env::SANDBOX_LINK_SECRET,
                "must have at least 32 bytes",
            ));
        }
        Ok(())
    }
}

/// Parses `--public-url`.
pub fn public_url(raw: &str) -> Result<url::Url, ConfigError> {
    parse_http_url("--public-url", raw)
}

/// Default listen address.
pub fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 3400))
}

/// Where data lives by default: `$MUSEO_SANDBOX_DATA_DIR`, else
/// `$XDG_DATA_HOME/museo-sandbox`, else `~/.local/share/museo-sandbox`, else
/// `./.data/museo-sandbox`. mcp-admin reads dev credentials from the same place.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(museo_sdk::env::SANDBOX_DATA_DIR).filter(|d| !d.is_empty())
    {
        return PathBuf::from(dir);
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(xdg).join("museo-sandbox");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(home).join(".local/share/museo-sandbox");
    }
    PathBuf::from(".data/museo-sandbox")
}
