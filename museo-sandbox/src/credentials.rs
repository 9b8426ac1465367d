//! Dev credentials, so the sandbox and mcp-admin agree out of the box.
//!
//! With no configuration, the first start writes into the data dir:
//! `dev-service-account.pem` (an Ed25519 PKCS#8 key, mode 0600) for the
//! account [`DEV_ACCOUNT_ID`], and `link-secret` (payment-link HMAC key,
//! 0600). The sandbox registers the dev account's public key; mcp-admin,
//! finding no `SERVICE_ACCOUNT_*` variables, signs with the same file. In
//! production none of this happens: `--production` refuses to start without
//! explicit secrets and registered accounts.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use museo_sdk::auth::{ServiceAccount, SigningAlgorithm, SigningKey};
use secrecy::{ExposeSecret, SecretString};

/// The dev service account's id.
pub const DEV_ACCOUNT_ID: &str = "museo-dev";
/// File name of the dev account's private key in the data dir.
pub const DEV_KEY_FILE: &str = "dev-service-account.pem";
const LINK_SECRET_FILE: &str = "link-secret";

/// Path of the dev account's key in `data_dir`.
pub fn dev_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DEV_KEY_FILE)
}

/// Loads the dev service account, creating its key on first use.
pub fn ensure_dev_account(data_dir: &Path) -> anyhow::Result<ServiceAccount> {
    let path = dev_key_path(data_dir);
    if !path.exists() {
        let key = SigningKey::generate(SigningAlgorithm::EdDSA)?;
        write_private(&path, key.to_pem().expose_secret().as_bytes())?;
        tracing::info!(path = %path.display(), account = DEV_ACCOUNT_ID, "created the dev service account key");
    }
    ServiceAccount::load(DEV_ACCOUNT_ID, &path)
        .with_context(|| format!("loading {}", path.display()))
}

/// Loads the payment-link secret, creating it on first use.
pub fn ensure_link_secret(data_dir: &Path) -> anyhow::Result<SecretString> {
    let path = data_dir.join(LINK_SECRET_FILE);
    if !path.exists() {
        let bytes: Vec<u8> = (0..2)
            .flat_map(|_| *uuid::Uuid::new_v4().as_bytes())
            .collect();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        write_private(&path, hex.as_bytes())?;
    }
    let secret =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(SecretString::from(secret.trim().to_owned()))
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => Ok(file.write_all(bytes)?),
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}
