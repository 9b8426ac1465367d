//! Starting, restarting, and production mode.

use museo_sandbox::SandboxConfig;
use museo_sandbox::config::AccountRegistration;
use museo_sdk::auth::{ServiceAccount, SigningAlgorithm, jwk_set};
use secrecy::SecretString;

#[tokio::test]
async fn production_refuses_dev_credentials() {
    let dir = tempfile::tempdir().expect("dir");
    let mut config = SandboxConfig::dev(dir.path().to_path_buf());
    config.production = true;
    let err = museo_sandbox::spawn(config.clone(), None)
        .await
        .expect_err("no secret");
    assert!(
        err.to_string().contains("MUSEO_SANDBOX_LINK_SECRET"),
        "{err}"
    );
    config.link_secret = Some(SecretString::from("x".repeat(40)));
    let err = museo_sandbox::spawn(config.clone(), None)
        .await
        .expect_err("no account");
    assert!(err.to_string().contains("--service-account"), "{err}");
    config.link_secret = Some(SecretString::from("short"));
    assert!(
        museo_sandbox::spawn(config.clone(), None).await.is_err(),
        "a short secret is refused"
    );

    let account = ServiceAccount::generate("svc-prod", SigningAlgorithm::ES256).expect("key");
    let jwks = dir.path().join("svc.jwks.json");
    std::fs::write(
        &jwks,
        serde_json::to_string(&jwk_set([&account.key])).expect("json"),
    )
    .expect("write");
    config.link_secret = Some(SecretString::from("x".repeat(40)));
    config.service_accounts = vec![AccountRegistration {
        id: "svc-prod".into(),
        jwks,
    }];
    let sandbox = museo_sandbox::spawn(config, None).await.expect("starts");
    assert!(sandbox.dev_account.is_none());
    assert!(
        !dir.path()
            .join(museo_sandbox::credentials::DEV_KEY_FILE)
            .exists(),
        "no dev key in production"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn data_survives_a_restart_and_dev_keys_are_private() {
    let dir = tempfile::tempdir().expect("dir");
    let config = SandboxConfig::dev(dir.path().to_path_buf());
    let first = museo_sandbox::spawn(config.clone(), None)
        .await
        .expect("first start");
    let http = reqwest::Client::new();
    let basket: serde_json::Value = http
        .post(first.url.join("v1/baskets").expect("url"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let key_before =
        std::fs::read(dir.path().join(museo_sandbox::credentials::DEV_KEY_FILE)).expect("dev key");
    first.stop().await;

    let second = museo_sandbox::spawn(config, None)
        .await
        .expect("second start");
    let url = second
        .url
        .join(&format!(
            "v1/baskets/{}",
            basket["id"].as_str().expect("id")
        ))
        .expect("url");
    assert_eq!(
        http.get(url).send().await.expect("send").status(),
        200,
        "the basket persisted"
    );
    let health: serde_json::Value = http
        .get(second.url.join("healthz").expect("url"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        health["products"],
        museo_sandbox::seed::catalog().len(),
        "no second seeding"
    );
    assert_eq!(
        std::fs::read(dir.path().join(museo_sandbox::credentials::DEV_KEY_FILE)).expect("key"),
        key_before
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(museo_sandbox::credentials::DEV_KEY_FILE))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the dev key is readable by others: {mode:o}"
        );
    }
    second.stop().await;
}
