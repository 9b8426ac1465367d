//! Private signing keys, their public JWKs, and service accounts.
//!
//! A component that mints tokens owns one [`ServiceAccount`]: an id (the `iss`
//! of its tokens) and a [`SigningKey`] read from a PKCS#8 PEM file. The key's
//! `kid` defaults to its RFC 7638 thumbprint, so a rotated key gets a new
//! `kid` without anyone choosing one, and the same key always publishes the
//! same `kid` across restarts and replicas.
//!
//! Private key bytes live only in [`secrecy`] containers (zeroed on drop) and
//! never appear in `Debug` output or error messages.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, EllipticCurveKeyParameters,
    EllipticCurveKeyType, Jwk, JwkSet, KeyAlgorithm, OctetKeyPairParameters, OctetKeyPairType,
    PublicKeyUse,
};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::{Deserialize, Serialize};

use super::AuthError;

const PEM_BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const PEM_END: &str = "-----END PRIVATE KEY-----";

/// The asymmetric algorithms Museo MCP signs with. There is deliberately no
/// HMAC variant: verifiers must never be able to mint.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SigningAlgorithm {
    /// Ed25519 (RFC 8037): small keys, fast, deterministic signatures.
    #[default]
    EdDSA,
    /// ECDSA on P-256 with SHA-256, for peers without Ed25519 support.
    ES256,
}

impl SigningAlgorithm {
    /// Every supported algorithm, the default allow-list of a verifier.
    pub const ALL: [Self; 2] = [Self::EdDSA, Self::ES256];

    /// The JOSE name (`EdDSA`, `ES256`), as written in `alg`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EdDSA => "EdDSA",
            Self::ES256 => "ES256",
        }
    }

    /// The matching `jsonwebtoken` algorithm.
    pub fn jwt_algorithm(self) -> jsonwebtoken::Algorithm {
        match self {
            Self::EdDSA => jsonwebtoken::Algorithm::EdDSA,
            Self::ES256 => jsonwebtoken::Algorithm::ES256,
        }
    }

    pub(crate) fn key_algorithm(self) -> KeyAlgorithm {
        match self {
            Self::EdDSA => KeyAlgorithm::EdDSA,
            Self::ES256 => KeyAlgorithm::ES256,
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SigningAlgorithm {
    type Err = AuthError;

    /// Parses the exact JOSE name; anything else (`none`, `HS256`, `eddsa`)
    /// is [`AuthError::UnsupportedAlgorithm`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "EdDSA" => Ok(Self::EdDSA),
            "ES256" => Ok(Self::ES256),
            other => Err(AuthError::UnsupportedAlgorithm(other.to_owned())),
        }
    }
}

/// A private key that signs tokens, with its algorithm and `kid`.
///
/// Cloning copies the secret into another zero-on-drop buffer. `Debug` shows
/// only the algorithm and `kid`.
#[derive(Clone)]
pub struct SigningKey {
    alg: SigningAlgorithm,
    kid: String,
    /// PKCS#8 DER of the private key.
    pkcs8: SecretSlice<u8>,
    /// Raw public key: 32 bytes (Ed25519) or 65-byte uncompressed point (P-256).
    public_key: Vec<u8>,
}

impl SigningKey {
    /// Generates a fresh key pair; the `kid` is its thumbprint.
    pub fn generate(alg: SigningAlgorithm) -> Result<Self, AuthError> {
        let rng = SystemRandom::new();
        let doc = match alg {
            // v1 is what `openssl genpkey` writes, so dev key files stay interchangeable.
            SigningAlgorithm::EdDSA => Ed25519KeyPair::generate_pkcs8v1(&rng),
            SigningAlgorithm::ES256 => {
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            }
        }
        .map_err(|_| AuthError::KeyLoad(format!("could not generate an {alg} key pair")))?;
        Self::from_der(SecretSlice::from(doc.as_ref().to_vec()), None)
    }

    /// Loads an unencrypted PKCS#8 `PRIVATE KEY` PEM holding an Ed25519 or
    /// P-256 key; the algorithm is detected from the key. `kid` defaults to
    /// the key's RFC 7638 thumbprint.
    pub fn from_pem(pem: &str, kid: Option<String>) -> Result<Self, AuthError> {
        Self::from_der(pem_to_der(pem)?, kid)
    }

    fn from_der(pkcs8: SecretSlice<u8>, kid: Option<String>) -> Result<Self, AuthError> {
        let der = pkcs8.expose_secret();
        let (alg, public_key) = if let Ok(pair) = Ed25519KeyPair::from_pkcs8(der) {
            (SigningAlgorithm::EdDSA, pair.public_key().as_ref().to_vec())
        } else if let Ok(pair) = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der) {
            (SigningAlgorithm::ES256, pair.public_key().as_ref().to_vec())
        } else {
            return Err(AuthError::KeyLoad(
                "not an Ed25519 or P-256 PKCS#8 private key".to_owned(),
            ));
        };
        if alg == SigningAlgorithm::ES256 && public_key.len() != 65 {
            return Err(AuthError::KeyLoad(
                "unexpected P-256 public key encoding".to_owned(),
            ));
        }
        let kid = match kid {
            Some(kid) if kid.trim().is_empty() => {
                return Err(AuthError::KeyLoad("kid must not be empty".to_owned()));
            }
            Some(kid) => kid,
            None => thumbprint(alg, &public_key),
        };
        Ok(Self {
            alg,
            kid,
            pkcs8,
            public_key,
        })
    }

    /// The key as a PKCS#8 `PRIVATE KEY` PEM, e.g. to write a dev key file.
    pub fn to_pem(&self) -> SecretString {
        let b64 = SecretString::from(STANDARD.encode(self.pkcs8.expose_secret()));
        let body = b64.expose_secret();
        // Sized up front so no reallocation leaves partial copies behind.
        let mut out = String::with_capacity(PEM_BEGIN.len() + PEM_END.len() + body.len() * 2);
        out.push_str(PEM_BEGIN);
        out.push('\n');
        let mut rest = body;
        while !rest.is_empty() {
            // Base64 is ASCII, so any byte index is a char boundary.
            let (line, tail) = rest.split_at(rest.len().min(64));
            out.push_str(line);
            out.push('\n');
            rest = tail;
        }
        out.push_str(PEM_END);
        out.push('\n');
        SecretString::from(out)
    }

    /// The algorithm this key signs with.
    pub fn alg(&self) -> SigningAlgorithm {
        self.alg
    }

    /// The key id written in the `kid` header of every token it signs.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key,
    /// whatever `kid` was chosen.
    pub fn thumbprint(&self) -> String {
        thumbprint(self.alg, &self.public_key)
    }

    /// The public half as a JWK (`kid`, `alg`, `use: sig`), for a JWKS.
    pub fn public_jwk(&self) -> Jwk {
        let common = CommonParameters {
            public_key_use: Some(PublicKeyUse::Signature),
            key_algorithm: Some(self.alg.key_algorithm()),
            key_id: Some(self.kid.clone()),
            ..CommonParameters::default()
        };
        let algorithm = match self.alg {
            SigningAlgorithm::EdDSA => AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
                key_type: OctetKeyPairType::OctetKeyPair,
                curve: EllipticCurve::Ed25519,
                x: URL_SAFE_NO_PAD.encode(&self.public_key),
            }),
            SigningAlgorithm::ES256 => {
                let (x, y) = ec_coordinates(&self.public_key);
                AlgorithmParameters::EllipticCurve(EllipticCurveKeyParameters {
                    key_type: EllipticCurveKeyType::EC,
                    curve: EllipticCurve::P256,
                    x: URL_SAFE_NO_PAD.encode(x),
                    y: URL_SAFE_NO_PAD.encode(y),
                })
            }
        };
        Jwk { common, algorithm }
    }

    /// A `jsonwebtoken` key for signing. Built per use: it is a plain copy
    /// of the DER and `jsonwebtoken` parses the key on every signature anyway.
    pub(crate) fn encoding_key(&self) -> jsonwebtoken::EncodingKey {
        match self.alg {
            SigningAlgorithm::EdDSA => {
                jsonwebtoken::EncodingKey::from_ed_der(self.pkcs8.expose_secret())
            }
            SigningAlgorithm::ES256 => {
                jsonwebtoken::EncodingKey::from_ec_der(self.pkcs8.expose_secret())
            }
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("private_key", &"[redacted]")
            .finish()
    }
}

/// The JWKS document (`{"keys":[...]}`) publishing the public halves of
/// `keys`. Publish the old and the new key together while rotating.
pub fn jwk_set<'a>(keys: impl IntoIterator<Item = &'a SigningKey>) -> JwkSet {
    JwkSet {
        keys: keys.into_iter().map(SigningKey::public_jwk).collect(),
    }
}

/// The identity a component mints tokens as: `id` becomes the `iss` claim.
#[derive(Debug, Clone)]
pub struct ServiceAccount {
    /// Service account id, written as `iss` in every token minted with it.
    pub id: String,
    /// The account's private key (`Debug` redacts it).
    pub key: SigningKey,
}

impl ServiceAccount {
    /// An account from an already loaded key.
    pub fn new(id: impl Into<String>, key: SigningKey) -> Result<Self, AuthError> {
        let id = id.into();
        if id.trim().is_empty() {
            return Err(AuthError::KeyLoad(
                "service account id must not be empty".to_owned(),
            ));
        }
        Ok(Self { id, key })
    }

    /// Reads the account's PKCS#8 PEM key file (see [`SigningKey::from_pem`]).
    /// Errors name the file, never its content.
    pub fn load(id: impl Into<String>, pem_file: impl AsRef<Path>) -> Result<Self, AuthError> {
        let path = pem_file.as_ref();
        let pem = std::fs::read_to_string(path)
            .map(SecretString::from)
            .map_err(|e| AuthError::KeyLoad(format!("{}: {e}", path.display())))?;
        warn_if_readable_by_others(path);
        let key = SigningKey::from_pem(pem.expose_secret(), None).map_err(|e| {
            AuthError::KeyLoad(format!("{}: {}", path.display(), key_load_cause(e)))
        })?;
        Self::new(id, key)
    }

    /// An account from PEM text, e.g. a key injected as an env variable.
    pub fn from_pem(id: impl Into<String>, pem: &SecretString) -> Result<Self, AuthError> {
        Self::new(id, SigningKey::from_pem(pem.expose_secret(), None)?)
    }

    /// An account with a freshly generated key (tests and dev setups).
    pub fn generate(id: impl Into<String>, alg: SigningAlgorithm) -> Result<Self, AuthError> {
        Self::new(id, SigningKey::generate(alg)?)
    }
}

fn key_load_cause(e: AuthError) -> String {
    match e {
        AuthError::KeyLoad(cause) => cause,
        other => other.to_string(),
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            "private key file is accessible to group or others; chmod 600 it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

/// Extracts the DER body of a PKCS#8 `PRIVATE KEY` PEM block.
fn pem_to_der(pem: &str) -> Result<SecretSlice<u8>, AuthError> {
    let Some(begin) = pem.find(PEM_BEGIN) else {
        let hint = if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
            "found a SEC1 \"EC PRIVATE KEY\"; convert it with `openssl pkcs8 -topk8 -nocrypt`"
        } else if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            "encrypted private keys are not supported"
        } else if pem.contains("-----BEGIN RSA PRIVATE KEY-----") {
            "RSA keys are not supported; use Ed25519 or P-256"
        } else {
            "expected a PKCS#8 \"PRIVATE KEY\" PEM block"
        };
        return Err(AuthError::KeyLoad(hint.to_owned()));
    };
    let body_start = begin + PEM_BEGIN.len();
    let body_len = pem[body_start..]
        .find(PEM_END)
        .ok_or_else(|| AuthError::KeyLoad("PEM block has no END line".to_owned()))?;
    let body = SecretString::from(
        pem[body_start..body_start + body_len]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect::<String>(),
    );
    STANDARD
        .decode(body.expose_secret())
        .map(SecretSlice::from)
        .map_err(|_| AuthError::KeyLoad("PEM body is not valid base64".to_owned()))
}

/// Splits an uncompressed P-256 point (`0x04 || x || y`) into its coordinates.
fn ec_coordinates(point: &[u8]) -> (&[u8], &[u8]) {
    point
        .get(1..)
        .unwrap_or_default()
        .split_at(32.min(point.len().saturating_sub(1)))
}

/// RFC 7638: SHA-256 over the required members in lexicographic order.
fn thumbprint(alg: SigningAlgorithm, public_key: &[u8]) -> String {
    let canonical = match alg {
        SigningAlgorithm::EdDSA => format!(
            r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
            URL_SAFE_NO_PAD.encode(public_key)
        ),
        SigningAlgorithm::ES256 => {
            let (x, y) = ec_coordinates(public_key);
            format!(
                r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                URL_SAFE_NO_PAD.encode(x),
                URL_SAFE_NO_PAD.encode(y)
            )
        }
    };
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037 appendix A.1 private key (the seed `d`), wrapped as PKCS#8 v1.
    fn rfc8037_pem() -> String {
        let seed = URL_SAFE_NO_PAD
            .decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
            .expect("test vector is base64url");
        let mut der = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        der.extend_from_slice(&seed);
        format!("{PEM_BEGIN}\n{}\n{PEM_END}\n", STANDARD.encode(der))
    }

    #[test]
    fn kid_defaults_to_the_rfc7638_thumbprint() {
        let key = SigningKey::from_pem(&rfc8037_pem(), None).expect("RFC 8037 key loads");
        assert_eq!(key.alg(), SigningAlgorithm::EdDSA);
        // RFC 8037 A.2 public key and A.3 thumbprint.
        let jwk = serde_json::to_value(key.public_jwk()).expect("jwk serializes");
        assert_eq!(jwk["x"], "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
        assert_eq!(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
        assert_eq!(key.thumbprint(), key.kid());
    }

    #[test]
    fn explicit_kid_wins_and_empty_kid_is_refused() {
        let key = SigningKey::from_pem(&rfc8037_pem(), Some("2025-01".into())).expect("loads");
        assert_eq!(key.kid(), "2025-01");
        assert_eq!(
            key.thumbprint(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
        let err = SigningKey::from_pem(&rfc8037_pem(), Some(" ".into())).expect_err("empty kid");
        assert!(matches!(err, AuthError::KeyLoad(_)));
    }

    #[test]
    fn pem_round_trip_keeps_algorithm_and_kid() {
        for alg in SigningAlgorithm::ALL {
            let key = SigningKey::generate(alg).expect("generate");
            assert_eq!(key.alg(), alg);
            let pem = key.to_pem();
            assert!(pem.expose_secret().starts_with(PEM_BEGIN));
            assert!(pem.expose_secret().lines().all(|l| l.len() <= 64));
            let again = SigningKey::from_pem(pem.expose_secret(), None).expect("reload");
            assert_eq!(again.alg(), alg);
            assert_eq!(again.kid(), key.kid());
            assert_eq!(again.public_jwk(), key.public_jwk());
        }
    }

    #[test]
    fn public_jwks_have_the_right_shape() {
        let ed = SigningKey::generate(SigningAlgorithm::EdDSA).expect("generate");
        let ec = SigningKey::generate(SigningAlgorithm::ES256).expect("generate");
        assert_ne!(ed.kid(), ec.kid());

        let set = serde_json::to_value(jwk_set([&ed, &ec])).expect("serializes");
        let keys = set["keys"].as_array().expect("keys array");
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0]["kty"], "OKP");
        assert_eq!(keys[0]["crv"], "Ed25519");
        assert_eq!(keys[0]["alg"], "EdDSA");
        assert_eq!(keys[0]["use"], "sig");
        assert_eq!(keys[0]["kid"], ed.kid());
        assert!(keys[0].get("d").is_none() && keys[0].get("y").is_none());
        assert_eq!(keys[1]["kty"], "EC");
        assert_eq!(keys[1]["crv"], "P-256");
        assert_eq!(keys[1]["alg"], "ES256");
        assert_eq!(keys[1]["kid"], ec.kid());
        let x = URL_SAFE_NO_PAD
            .decode(keys[1]["x"].as_str().expect("x"))
            .expect("b64");
        let y = URL_SAFE_NO_PAD
            .decode(keys[1]["y"].as_str().expect("y"))
            .expect("b64");
        assert_eq!((x.len(), y.len()), (32, 32));
        assert!(keys[1].get("d").is_none());
    }

    #[test]
    fn debug_never_shows_key_material() {
        let account = ServiceAccount::generate("mcp-admin", SigningAlgorithm::EdDSA).expect("gen");
        let pem = account.key.to_pem();
        let body: String = pem
            .expose_secret()
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let debug = format!("{account:?}");
        assert!(debug.contains("mcp-admin") && debug.contains("[redacted]"));
        assert!(!debug.contains(&body[..16]), "{debug}");
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        let cases = [
            ("", "PRIVATE KEY"),
            (
                "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----",
                "pkcs8",
            ),
            ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n", "encrypted"),
            ("-----BEGIN PRIVATE KEY-----\nAAAA\n", "END"),
            (
                "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----",
                "base64",
            ),
            (
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                "Ed25519 or P-256",
            ),
        ];
        for (pem, needle) in cases {
            match SigningKey::from_pem(pem, None) {
                Err(AuthError::KeyLoad(msg)) => assert!(msg.contains(needle), "{msg}"),
                other => panic!("expected KeyLoad for {pem:?}, got {other:?}"),
            }
        }
    }

    #[test]
    fn service_account_loads_from_a_file() {
        let key = SigningKey::generate(SigningAlgorithm::ES256).expect("generate");
        let path = std::env::temp_dir().join(format!("museo-auth-{}.pem", uuid::Uuid::new_v4()));
        std::fs::write(&path, key.to_pem().expose_secret()).expect("write key file");
        let account = ServiceAccount::load("mcp-admin", &path);
        std::fs::remove_file(&path).expect("clean up");
        let account = account.expect("loads");
        assert_eq!(account.id, "mcp-admin");
        assert_eq!(account.key.kid(), key.kid());

        let missing = ServiceAccount::load("mcp-admin", &path).expect_err("file is gone");
        assert!(matches!(missing, AuthError::KeyLoad(ref m) if m.contains("museo-auth-")));
        let empty_id = ServiceAccount::new("", key).expect_err("empty id");
        assert!(matches!(empty_id, AuthError::KeyLoad(_)));
    }

    #[test]
    fn algorithm_names_are_exact() {
        for alg in SigningAlgorithm::ALL {
            assert_eq!(alg.to_string().parse::<SigningAlgorithm>(), Ok(alg));
            let json = serde_json::to_string(&alg).expect("serializes");
            assert_eq!(json, format!("\"{alg}\""));
        }
        for bad in ["none", "HS256", "eddsa", "RS256"] {
            assert_eq!(
                bad.parse::<SigningAlgorithm>(),
                Err(AuthError::UnsupportedAlgorithm(bad.to_owned()))
            );
        }
    }
}
