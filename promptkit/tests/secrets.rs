//! An API key, AWS secret key or session token (from any source of the AWS chain), web
//! identity or SSO token, service-account key or OAuth token never
//! reaches an error, a log line, a recording or a report, even when the server echoes it
//! back.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use promptkit::arena::report::Format;
use promptkit::arena::{RunOptions, Setup, Status, Suite};
use promptkit::provider::Provider;
use promptkit::providers::http::{RetryPolicy, Secret, Transport};
use promptkit::providers::openai::{Auth, OpenAi};
use promptkit::providers::recording::Recorder;
use serde_json::json;
use support::{MockServer, Reply};

const KEY: &str = "sk-secret-never-print-0123456789";
const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/arena-quickstart/config.arena.yaml"
);

#[tokio::test]
async fn keys_stay_out_of_errors_recordings_and_reports() {
    let echo =
        json!({"error": {"message": format!("Incorrect API key provided: {KEY}"), "key": KEY}});
    let server = MockServer::start(vec![Reply::json(401, echo)]).await;
    let live = OpenAi::new(
        "mock",
        "gpt-test",
        &format!("{}/v1", server.url),
        Auth::Bearer(Secret::new(KEY)),
        transport(),
    );
    assert!(!format!("{live:?}").contains(KEY), "Debug of the provider");
    assert_no_leak(Arc::new(live), &[KEY], "HTTP 401").await;
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

/// Runs the quickstart project on `live` (which fails every call) and checks that no
/// `secrets` reach the reports, the run's results or the saved recording.
async fn assert_no_leak(live: Arc<dyn Provider>, secrets: &[&str], failure: &str) {
    let recorder = Arc::new(Recorder::new(live));
    let mut setup = Setup::new();
    setup.provider("mock", recorder.clone() as Arc<dyn Provider>);
    let suite = Suite::load(CONFIG, RunOptions::default(), &setup).expect("suite");
    let run = suite.run(|_| {}).await;
    assert!(
        run.cases.iter().all(|c| c.status == Status::Error),
        "the server refused every call"
    );
    let shown: String = run.cases.iter().map(|c| format!("{c}{c:?}")).collect();
    let recording = recorder.recording();
    assert!(!recording.entries.is_empty());
    assert!(
        recording
            .entries
            .iter()
            .all(|e| e.response.is_none() && e.error.is_some()),
        "errors stay errors"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("session.json");
    recording.save(&path).expect("saved");
    let saved = std::fs::read_to_string(&path).expect("read");
    for secret in secrets {
        for format in Format::ALL {
            let text = format.render(&run);
            assert!(!text.contains(secret), "{format:?} report leaks a secret");
            assert!(
                text.contains(failure),
                "{format:?} report shows the failure"
            );
        }
        assert!(!shown.contains(secret), "results leak a secret");
        assert!(!saved.contains(secret), "recording leaks a secret");
    }
}

const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY";
const AWS_SESSION: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789";

/// AWS secret keys and session tokens (Bedrock) stay out of errors, Debug output,
/// reports and recordings, even when the server echoes them.
#[tokio::test]
async fn aws_keys_stay_out_of_errors_recordings_and_reports() {
    use promptkit::providers::anthropic::Anthropic;
    use promptkit::providers::aws_credentials::{AwsCredentialChain, AwsCredentials};
    use promptkit::providers::platform::Platform;
    use promptkit::providers::sigv4::SigV4Signer;

    let echo = json!({"message": format!("The security token {AWS_SESSION} or key {AWS_SECRET} is invalid")});
    let server = MockServer::start(vec![Reply::json(403, echo)]).await;
    let credentials = AwsCredentials {
        access_key_id: Secret::new("AKIDEXAMPLE"),
        secret_access_key: Secret::new(AWS_SECRET),
        session_token: Some(Secret::new(AWS_SESSION)),
        expires: None,
    };
    let platform = Platform::Bedrock {
        base: server.url.clone(),
        signer: SigV4Signer::new("us-east-1", "bedrock"),
        credentials: AwsCredentialChain::fixed(credentials, "us-east-1"),
    };
    let live = Anthropic::on_platform("mock", "anthropic.claude", Arc::new(platform), transport());
    let error = live
        .chat(promptkit::provider::ChatRequest::default())
        .await
        .expect_err("refused");
    for secret in [AWS_SECRET, AWS_SESSION] {
        assert!(
            !format!("{live:?}").contains(secret),
            "Debug of the provider"
        );
        assert!(!format!("{error}{error:?}").contains(secret), "{error}");
    }
    assert_no_leak(Arc::new(live), &[AWS_SECRET, AWS_SESSION], "HTTP 403").await;
}

/// A service account's private key and the OAuth token (Vertex) stay out of errors,
/// Debug output, reports and recordings, even when the servers echo them.
#[tokio::test]
async fn gcp_keys_and_tokens_stay_out_of_errors_recordings_and_reports() {
    use promptkit::providers::live;
    use promptkit_build::model::ProviderSpec;

    const TOKEN: &str = "ya29.secret-vertex-token-0123456789";
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cloud/service-account.json"
    );
    let mut account: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).expect("fixture")).expect("json");
    let key_line = account["private_key"]
        .as_str()
        .and_then(|k| k.lines().nth(1))
        .expect("key")
        .to_owned();
    let tokens = MockServer::start(vec![Reply::json(
        200,
        json!({"access_token": TOKEN, "expires_in": 3600}),
    )])
    .await;
    let echo = json!({"error": {"message": format!("token {TOKEN} rejected")}});
    let model = MockServer::start(vec![Reply::json(403, echo)]).await;
    account["token_uri"] = json!(format!("{}/token", tokens.url));
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("sa.json"), account.to_string()).expect("write");
    let yaml = format!(
        "type: claude\nmodel: claude-x\ncredential:\n  credential_file: sa.json\nplatform:\n  type: vertex\n  project: p\n  region: r\n  endpoint: {}\n",
        model.url
    );
    let spec: ProviderSpec = serde_saphyr::from_str(&yaml).expect("spec");
    let live = live("mock", &spec, Some(dir.path())).expect("provider");
    let error = live
        .chat(promptkit::provider::ChatRequest::default())
        .await
        .expect_err("refused");
    assert!(!format!("{error}{error:?}").contains(TOKEN), "{error}");
    assert!(!format!("{error}{error:?}").contains(&key_line), "{error}");
    assert_no_leak(live, &[TOKEN, &key_line], "HTTP 403").await;
    // The private key never leaves the process: only the signed assertion is sent.
    for request in tokens.requests().iter().chain(model.requests().iter()) {
        let sent = format!("{request:?}");
        assert!(!sent.contains(&key_line), "the private key was sent");
        assert!(!sent.contains("PRIVATE KEY"), "the private key was sent");
    }

    // A token endpoint that refuses the grant.
    let refusing = MockServer::start(vec![Reply::json(
        400,
        json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}),
    )])
    .await;
    account["token_uri"] = json!(format!("{}/token", refusing.url));
    std::fs::write(dir.path().join("sa.json"), account.to_string()).expect("write");
    let live = promptkit::providers::live("mock", &spec, Some(dir.path())).expect("provider");
    let error = live
        .chat(promptkit::provider::ChatRequest::default())
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("HTTP 400"), "{error}");
    assert!(!format!("{error}{error:?}").contains(&key_line), "{error}");
}

fn transport() -> Transport {
    Transport::new(
        Duration::from_secs(2),
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
        4,
    )
    .expect("transport")
}

/// A key from `credential.credential_file` is sent, but never shown: not in the
/// provider's Debug, not in the error when the server echoes it back, and a literal
/// `credential.api_key` in YAML is refused without being quoted.
#[tokio::test]
async fn keys_from_a_credential_file_stay_out_of_errors() {
    use promptkit::providers::live;
    use promptkit_build::model::ProviderSpec;

    let echo = json!({"error": {"message": format!("Incorrect API key provided: {KEY}")}});
    let server = MockServer::start(vec![Reply::json(401, echo)]).await;
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("openai.key"), format!("{KEY}\n")).expect("key file");
    let yaml = format!(
        "type: openai\nmodel: gpt-4o\nbase_url: {}/v1\ncredential:\n  credential_file: openai.key\n",
        server.url
    );
    let spec: ProviderSpec = serde_saphyr::from_str(&yaml).expect("spec");
    let provider = live("openai", &spec, Some(dir.path())).expect("provider");
    let error = provider
        .chat(promptkit::provider::ChatRequest::default())
        .await
        .expect_err("refused");
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(!error.to_string().contains(KEY), "{error}");
    assert!(!format!("{error:?}").contains(KEY));

    let literal =
        "type: openai\nmodel: gpt-4o\ncredential:\n  api_key: sk-literal-in-yaml-123456\n";
    let spec: ProviderSpec = serde_saphyr::from_str(literal).expect("spec");
    let error = live("openai", &spec, Some(dir.path()))
        .err()
        .expect("a literal key is refused");
    assert!(error.to_string().contains("credential.api_key"), "{error}");
    assert!(!error.to_string().contains("sk-literal-in-yaml"), "{error}");

    let outside = "type: openai\nmodel: gpt-4o\ncredential:\n  credential_file: ../elsewhere.key\n";
    let spec: ProviderSpec = serde_saphyr::from_str(outside).expect("spec");
    let error = live("openai", &spec, Some(dir.path()))
        .err()
        .expect("a key file outside the config folder is refused");
    assert!(error.to_string().contains("credential_file"), "{error}");
}

/// A stream that opens and then reports an error echoing the key: the error the
/// stream yields is masked too.
#[tokio::test]
async fn keys_stay_out_of_errors_a_stream_reports_after_opening() {
    use futures_util::StreamExt;

    let event =
        json!({"error": {"message": format!("key {KEY} was revoked mid-stream")}}).to_string();
    let server = MockServer::start(vec![Reply::sse(&[event.as_str()])]).await;
    let live = OpenAi::new(
        "mock",
        "gpt-test",
        &format!("{}/v1", server.url),
        Auth::Bearer(Secret::new(KEY)),
        transport(),
    );
    let mut stream = live.stream(promptkit::provider::ChatRequest::default());
    let mut error = None;
    while let Some(item) = stream.next().await {
        if let Err(e) = item {
            error = Some(e);
        }
    }
    let error = error.expect("the stream reports the error");
    let shown = format!("{error}{error:?}");
    assert!(shown.contains("revoked mid-stream"), "{shown}");
    assert!(!shown.contains(KEY), "{shown}");
}

/// Every AWS chain source's secrets — web identity tokens, SSO access tokens, the
/// keys and session tokens a container, instance metadata or `credential_process`
/// hands out — stay out of errors, Debug output, reports and recordings, even when a
/// server echoes them; and so does a Vertex token from the GCE metadata server.
#[tokio::test]
async fn cloud_chain_secrets_stay_out_of_errors_recordings_and_reports() {
    use crate::providers_cloud_credentials::{Home, sso_home};
    use promptkit::providers::anthropic::Anthropic;
    use promptkit::providers::aws_credentials::AwsCredentialChain;
    use promptkit::providers::gcp_auth::TokenSource;
    use promptkit::providers::platform::Platform;
    use promptkit::providers::sigv4::SigV4Signer;

    const WEB_TOKEN: &str = "eyJhbGciOi.web-identity-SECRET-token.sig0123";
    const SSO_TOKEN: &str = "sso-access-token-0123456789";
    const ROLE_SECRET: &str = "container/SECRET+key/0123456789abcdef";
    const ROLE_TOKEN: &str = "IQoJcontainerSESSIONtoken0123456789";
    const IMDS_TOKEN: &str = "AQAEAimds-session-SECRET-0123456789==";
    const PROCESS_SECRET: &str = "process/SECRET+key/0123456789abcdef";

    let bedrock = |chain: AwsCredentialChain, base: &str| -> Arc<dyn Provider> {
        let platform = Platform::Bedrock {
            base: base.to_owned(),
            signer: SigV4Signer::new("us-east-1", "bedrock"),
            credentials: chain,
        };
        Arc::new(Anthropic::on_platform(
            "mock",
            "anthropic.claude",
            Arc::new(platform),
            transport(),
        ))
    };
    let check = |live: Arc<dyn Provider>,
                 secrets: &'static [&'static str],
                 failure: &'static str| async move {
        let error = live
            .chat(promptkit::provider::ChatRequest::default())
            .await
            .expect_err("refused");
        for secret in secrets {
            assert!(!format!("{error}{error:?}").contains(secret), "{error}");
        }
        assert_no_leak(live, secrets, failure).await;
    };
    let unused = "http://127.0.0.1:9";

    // STS refuses the web identity token and echoes it.
    let sts = MockServer::start(vec![support::reply(403, "text/xml", format!("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Token {WEB_TOKEN} is not valid</Message></Error></ErrorResponse>"))])
    .await;
    let home = Home::new("", "");
    let token_file = home.path().join("token");
    std::fs::write(&token_file, WEB_TOKEN).expect("token");
    let home = home
        .set(
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            &token_file.display().to_string(),
        )
        .set("AWS_ROLE_ARN", "arn:aws:iam::1:role/r")
        .set("AWS_ENDPOINT_URL_STS", &sts.url);
    check(
        bedrock(home.chain(None).expect("chain"), unused),
        &[WEB_TOKEN],
        "HTTP 403",
    )
    .await;

    // The SSO portal refuses the access token and echoes it.
    let portal = MockServer::start(vec![Reply::json(
        401,
        json!({"message": format!("Session token {SSO_TOKEN} not found or invalid")}),
    )])
    .await;
    let home = sso_home(&portal.url, "2099-01-01T00:00:00Z");
    check(
        bedrock(home.chain(Some("dev")).expect("chain"), unused),
        &[SSO_TOKEN],
        "HTTP 401",
    )
    .await;

    // Container credentials echoed back by Bedrock.
    let container = MockServer::start(vec![Reply::json(
        200,
        json!({"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": ROLE_SECRET, "Token": ROLE_TOKEN, "Expiration": "2099-01-01T00:00:00Z"}),
    )])
    .await;
    let echo = MockServer::start(vec![Reply::json(
        403,
        json!({"message": format!("The security token {ROLE_TOKEN} or key {ROLE_SECRET} is invalid")}),
    )])
    .await;
    let home = Home::new("", "").set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        &format!("{}/creds", container.url),
    );
    check(
        bedrock(home.chain(None).expect("chain"), &echo.url),
        &[ROLE_SECRET, ROLE_TOKEN],
        "HTTP 403",
    )
    .await;

    // Instance metadata that echoes its session token in an error (every fetch: a
    // token, then the failing role lookup).
    let text = |status: u16, body: String| support::reply(status, "text/plain", body);
    let imds = MockServer::start(
        (0..64)
            .flat_map(|_| {
                [
                    text(200, IMDS_TOKEN.into()),
                    text(500, format!("internal error for token {IMDS_TOKEN}")),
                ]
            })
            .collect(),
    )
    .await;
    let home = Home::new("", "")
        .set("AWS_EC2_METADATA_DISABLED", "false")
        .set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url);
    check(
        bedrock(home.chain(None).expect("chain"), unused),
        &[IMDS_TOKEN],
        "HTTP 500",
    )
    .await;

    // `credential_process` keys echoed back by Bedrock.
    let home = Home::new("", "");
    let output = home.path().join("creds.json");
    std::fs::write(
        &output,
        json!({"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": PROCESS_SECRET})
            .to_string(),
    )
    .expect("write");
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "[default]\ncredential_process = cat '{}'\n",
            output.display()
        ),
    )
    .expect("config");
    let echo = MockServer::start(vec![Reply::json(
        403,
        json!({"message": format!("key {PROCESS_SECRET} is invalid")}),
    )])
    .await;
    check(
        bedrock(home.chain(None).expect("chain"), &echo.url),
        &[PROCESS_SECRET],
        "HTTP 403",
    )
    .await;

    // A Vertex token from the metadata server, echoed back by the model endpoint.
    const METADATA_TOKEN: &str = "ya29.metadata-SECRET-token-0123456789";
    let metadata = MockServer::start(vec![Reply::json(
        200,
        json!({"access_token": METADATA_TOKEN, "expires_in": 3599, "token_type": "Bearer"}),
    )])
    .await;
    let model = MockServer::start(vec![Reply::json(
        401,
        json!({"error": {"message": format!("token {METADATA_TOKEN} expired")}}),
    )])
    .await;
    let platform = Platform::Vertex {
        claude_models: format!("{}/models", model.url),
        gemini_base: model.url.clone(),
        openai_base: model.url.clone(),
        tokens: Box::new(TokenSource::metadata(
            metadata.url.trim_start_matches("http://"),
        )),
    };
    let live: Arc<dyn Provider> = Arc::new(Anthropic::on_platform(
        "mock",
        "claude-x",
        Arc::new(platform),
        transport(),
    ));
    check(live, &[METADATA_TOKEN], "HTTP 401").await;

    // Workload identity federation: the STS refuses the subject token and echoes it.
    const SUBJECT_TOKEN: &str = "eyJ.federated-SUBJECT-token.0123456789";
    let dir = tempfile::tempdir().expect("dir");
    let subject = dir.path().join("subject");
    std::fs::write(&subject, SUBJECT_TOKEN).expect("write");
    let google_sts = MockServer::start(vec![Reply::json(
        400,
        json!({"error": "invalid_grant", "error_description": format!("subject token {SUBJECT_TOKEN} is expired")}),
    )])
    .await;
    let file = json!({
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/o",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": format!("{}/v1/token", google_sts.url),
        "credential_source": {"file": subject.display().to_string()}
    });
    let platform = Platform::Vertex {
        claude_models: format!("{}/models", model.url),
        gemini_base: model.url.clone(),
        openai_base: model.url.clone(),
        tokens: Box::new(TokenSource::from_json("wif.json", &file.to_string()).expect("source")),
    };
    let live: Arc<dyn Provider> = Arc::new(Anthropic::on_platform(
        "mock",
        "claude-x",
        Arc::new(platform),
        transport(),
    ));
    check(live, &[SUBJECT_TOKEN], "HTTP 400").await;
}
