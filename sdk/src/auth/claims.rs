//! The claims a verified token carries, and how to ask about scopes.
//!
//! Parsing is strict on the registered claims (all of `iss`, `sub`, `aud`,
//! `iat`, `exp` and `jti` must be there, times as integers) and lenient on the
//! rest: any other claim lands in [`Claims::extra`].

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::AuthError;

/// The claims of a verified token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer: the id of the service account that minted the token.
    pub iss: String,
    /// Subject: who the token acts for.
    pub sub: String,
    /// Audiences; the token may carry one string or an array.
    #[serde(deserialize_with = "one_or_many")]
    pub aud: Vec<String>,
    /// Granted scopes, space-separated (empty when none).
    #[serde(default)]
    pub scope: String,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Not before (Unix seconds), if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    /// Expires at (Unix seconds).
    pub exp: u64,
    /// Unique token id, for replay stores.
    pub jti: String,
    /// Every other claim, e.g. `role`.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Claims {
    /// The granted scopes.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split_ascii_whitespace()
    }

    /// Whether `scope` was granted (exact match).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().any(|s| s == scope)
    }

    /// `Ok` if `scope` was granted, else [`AuthError::MissingScope`].
    pub fn require_scope(&self, scope: &str) -> Result<(), AuthError> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            Err(AuthError::MissingScope {
                needed: scope.to_owned(),
            })
        }
    }

    /// The token's unique id. The verifier does not check replay; a service
    /// that must accept each token once stores this until [`Claims::exp`]
    /// (plus leeway) and refuses repeats with [`AuthError::Replayed`].
    pub fn jti(&self) -> &str {
        &self.jti
    }

    /// An extra claim by name, e.g. `claim("role")`.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.extra.get(name)
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

/// Turns the verified payload into [`Claims`]. Error messages name missing
/// claims but never echo claim values.
pub(crate) fn parse_claims(payload: Map<String, Value>) -> Result<Claims, AuthError> {
    serde_json::from_value(Value::Object(payload)).map_err(|e| {
        let msg = e.to_string();
        AuthError::Malformed(if msg.starts_with("missing field") {
            msg.replacen("missing field", "missing claim", 1)
        } else {
            "claims have unexpected types".to_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims() -> Value {
        json!({
            "iss": "museo-gateway", "sub": "admin-42", "aud": "mcp-admin",
            "scope": "orders:read catalog:read", "iat": 1_700_000_000, "exp": 1_700_000_060,
            "jti": "6b0c1a1e-3f0e-4d51-9d7b-6f7a1c9e2b10",
        })
    }

    fn parse(v: Value) -> Result<Claims, AuthError> {
        let Value::Object(map) = v else {
            panic!("test claims are an object")
        };
        parse_claims(map)
    }

    #[test]
    fn audience_may_be_a_string_or_an_array() {
        let one = parse(claims()).expect("string aud");
        assert_eq!(one.aud, vec!["mcp-admin".to_owned()]);
        assert_eq!(one.nbf, None);
        let mut c = claims();
        c["aud"] = json!(["a", "b"]);
        assert_eq!(
            parse(c).expect("array aud").aud,
            vec!["a".to_owned(), "b".to_owned()]
        );
    }

    #[test]
    fn scopes_match_exactly() {
        let c = parse(claims()).expect("parses");
        assert_eq!(
            c.scopes().collect::<Vec<_>>(),
            ["orders:read", "catalog:read"]
        );
        assert!(c.has_scope("orders:read"));
        assert!(!c.has_scope("orders") && !c.has_scope("orders:read catalog:read"));
        assert!(c.require_scope("catalog:read").is_ok());
        assert_eq!(
            c.require_scope("orders:write"),
            Err(AuthError::MissingScope {
                needed: "orders:write".into()
            })
        );
        let mut none = claims();
        none.as_object_mut().expect("object").remove("scope");
        assert!(!parse(none).expect("scope is optional").has_scope(""));
    }

    #[test]
    fn other_claims_are_kept_and_jti_is_exposed() {
        let mut c = claims();
        c["role"] = json!("admin");
        let c = parse(c).expect("parses");
        assert_eq!(c.claim("role"), Some(&json!("admin")));
        assert_eq!(c.jti(), "6b0c1a1e-3f0e-4d51-9d7b-6f7a1c9e2b10");
        assert!(
            !c.extra.contains_key("sub"),
            "registered claims are not duplicated"
        );
    }

    #[test]
    fn errors_name_claims_but_not_values() {
        let mut c = claims();
        c.as_object_mut().expect("object").remove("jti");
        assert_eq!(
            parse(c),
            Err(AuthError::Malformed("missing claim `jti`".into()))
        );
        let mut c = claims();
        c["exp"] = json!("secret-looking-value");
        match parse(c) {
            Err(AuthError::Malformed(msg)) => assert!(!msg.contains("secret-looking"), "{msg}"),
            other => panic!("expected Malformed, got {other:?}"),
        }
    }
}
