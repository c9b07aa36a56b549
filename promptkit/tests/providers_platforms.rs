//! Claude and Gemini on AWS Bedrock and GCP Vertex against loopback servers: SigV4
//! against the AWS signing test suite's vectors, a signed Bedrock call answered whole
//! and as an event stream, the Vertex OAuth exchange (a JWT assertion signed with the
//! service account's key) and its bearer token, and keys kept out of errors.

use crate::support;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_smithy_types::event_stream::{Header, HeaderValue, Message as Frame};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use futures_util::StreamExt;
use promptkit::Message;
use promptkit::provider::{ChatRequest, Provider, StreamChunk};
use promptkit::providers::anthropic::Anthropic;
use promptkit::providers::aws_credentials::AwsCredentials;
use promptkit::providers::http::{RetryPolicy, Secret, Transport};
use promptkit::providers::live;
use promptkit::providers::platform::Platform;
use promptkit::providers::sigv4::SigV4Signer;
use promptkit_build::model::ProviderSpec;
use serde_json::{Value, json};
use support::{MockServer, Reply};

const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
const BEDROCK_MODEL: &str = "anthropic.claude-3-5-sonnet-20240620-v1:0";

fn credentials(token: Option<&str>) -> AwsCredentials {
    AwsCredentials {
        access_key_id: Secret::new("AKIDEXAMPLE"),
        secret_access_key: Secret::new(SECRET_KEY),
        session_token: token.map(Secret::new),
    }
}

fn transport() -> Transport {
    let retry = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    };
    Transport::new(Duration::from_secs(3), retry, 4).expect("transport")
}

/// 2015-08-30T12:36:00Z, the time of the test suite.
fn suite_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

/// `aws-signing-test-suite/v4/{get-vanilla, post-vanilla, get-vanilla-with-session-token}`
/// (in the `aws-sigv4` crate): the expected `Authorization` headers for fixed credentials
/// and time.
#[test]
fn sigv4_matches_the_aws_test_suite() {
    let cases = [
        (
            "GET",
            None,
            "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        ),
        (
            "POST",
            None,
            "SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
        ),
        (
            "GET",
            Some(SESSION_TOKEN),
            "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
        ),
    ];
    for (method, token, expected) in cases {
        let signer = SigV4Signer::new(credentials(token), "us-east-1", "service");
        let headers = signer
            .sign(
                method,
                "https://example.amazonaws.com/",
                &[("host", "example.amazonaws.com")],
                b"",
                suite_time(),
            )
            .expect("signed");
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            get("authorization"),
            Some(
                format!(
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, {expected}"
                )
                .as_str()
            ),
            "{method} {token:?}"
        );
        assert_eq!(get("x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(get("x-amz-security-token"), token);
    }
}

fn bedrock(server: &MockServer) -> Anthropic {
    let platform = Platform::Bedrock {
        base: server.url.clone(),
        signer: SigV4Signer::new(credentials(Some(SESSION_TOKEN)), "us-east-1", "bedrock"),
    };
    Anthropic::on_platform("bedrock", BEDROCK_MODEL, Arc::new(platform), transport())
}

fn hello() -> ChatRequest {
    ChatRequest {
        system: Some("be brief".into()),
        messages: vec![Message::user("hello")].into(),
        ..ChatRequest::default()
    }
}

/// The request carries a SigV4 signature over exactly the bytes that arrived.
fn assert_signed(request: &support::Request, host: &str) {
    let auth = request.header("authorization").expect("signed");
    let date = request.header("x-amz-date").expect("x-amz-date");
    assert!(
        auth.starts_with(&format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{}/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
        , &date[..8])),
        "{auth}"
    );
    assert_eq!(request.header("x-amz-security-token"), Some(SESSION_TOKEN));
    // Re-sign what the server received at the request's own time: same signature.
    let secs = {
        let (d, t) = date.split_once('T').expect("date");
        let days = days_since_epoch(&d[..4], &d[4..6], &d[6..8]);
        let n = |r: std::ops::Range<usize>| t[r].parse::<u64>().expect("digits");
        days * 86_400 + n(0..2) * 3600 + n(2..4) * 60 + n(4..6)
    };
    let signer = SigV4Signer::new(credentials(Some(SESSION_TOKEN)), "us-east-1", "bedrock");
    let again = signer
        .sign(
            &request.method,
            &format!("http://{host}{}", request.path),
            &[
                (
                    "content-type",
                    request.header("content-type").expect("type"),
                ),
                ("host", host),
            ],
            request.body.as_bytes(),
            UNIX_EPOCH + Duration::from_secs(secs),
        )
        .expect("signed");
    assert!(again.iter().any(|(k, v)| k == "authorization" && v == auth));
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_since_epoch(y: &str, m: &str, d: &str) -> u64 {
    let (y, m, d): (i64, i64, i64) = (
        y.parse().expect("y"),
        m.parse().expect("m"),
        d.parse().expect("d"),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    u64::try_from(era * 146_097 + doe - 719_468).expect("after 1970")
}

#[tokio::test]
async fn bedrock_claude_whole_answer_is_signed() {
    let answer = json!({
        "id": "msg_bdrk_01", "type": "message", "role": "assistant", "model": "claude-3-5-sonnet-20240620",
        "content": [{"type": "text", "text": "Hello from Bedrock"}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 12, "output_tokens": 5}
    });
    let server = MockServer::start(vec![Reply::json(200, answer)]).await;
    let response = bedrock(&server).chat(hello()).await.expect("answer");
    assert_eq!(response.message.content, "Hello from Bedrock");
    assert_eq!(response.usage.input_tokens, 12);
    assert_eq!(response.finish_reason.as_deref(), Some("end_turn"));

    let request = &server.requests()[0];
    assert_eq!(request.path, format!("/model/{BEDROCK_MODEL}/invoke"));
    let body = request.json();
    assert_eq!(body["anthropic_version"], "bedrock-2023-05-31");
    assert!(
        body.get("model").is_none() && body.get("stream").is_none(),
        "{body}"
    );
    assert_eq!(body["system"], "be brief");
    assert!(request.header("x-api-key").is_none());
    assert_signed(request, server.url.trim_start_matches("http://"));
}

/// An event-stream frame with string `headers` and `payload`.
fn frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut frame = Frame::new(payload.to_vec());
    for (name, value) in headers {
        frame = frame.add_header(Header::new(
            name.to_string(),
            HeaderValue::String(value.to_string().into()),
        ));
    }
    let mut bytes = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&frame, &mut bytes).expect("frame");
    bytes
}

/// One event-stream frame carrying a Claude stream event, as Bedrock sends it.
fn chunk_frame(event: &Value) -> Vec<u8> {
    let payload = json!({"bytes": STANDARD.encode(event.to_string())}).to_string();
    frame(
        &[
            (":event-type", "chunk"),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload.as_bytes(),
    )
}

fn claude_stream_events() -> Vec<Value> {
    vec![
        json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "content": [], "model": "claude", "stop_reason": null, "usage": {"input_tokens": 9, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "lo"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 3}}),
        json!({"type": "message_stop", "amazon-bedrock-invocationMetrics": {"inputTokenCount": 9, "outputTokenCount": 3}}),
    ]
}

#[tokio::test]
async fn bedrock_claude_event_stream_is_decoded_across_splits() {
    let bytes: Vec<u8> = claude_stream_events()
        .iter()
        .flat_map(chunk_frame)
        .collect();
    // Frames cut at arbitrary places: a prelude and payloads split across reads.
    let chunks = bytes.chunks(37).map(<[u8]>::to_vec).collect();
    let server = MockServer::start(vec![Reply::Bytes {
        content_type: "application/vnd.amazon.eventstream".into(),
        chunks,
    }])
    .await;
    let provider = bedrock(&server);
    let mut stream = provider.stream(hello());
    let mut text = String::new();
    let mut done = None;
    while let Some(chunk) = stream.next().await {
        match chunk.expect("chunk") {
            StreamChunk::Text(t) => text.push_str(&t),
            StreamChunk::Done(response) => done = Some(response),
            _ => {}
        }
    }
    let done = done.expect("done");
    assert_eq!(text, "Hello");
    assert_eq!(done.message.content, "Hello");
    assert_eq!(done.usage.output_tokens, 3);
    let request = &server.requests()[0];
    assert_eq!(
        request.path,
        format!("/model/{BEDROCK_MODEL}/invoke-with-response-stream")
    );
    assert!(request.json().get("stream").is_none());
    assert_signed(request, server.url.trim_start_matches("http://"));
}

#[tokio::test]
async fn a_corrupt_or_exception_frame_is_a_typed_error() {
    let mut bytes = chunk_frame(&claude_stream_events()[0]);
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff; // message CRC no longer matches
    let exception = frame(
        &[
            (":message-type", "exception"),
            (":exception-type", "throttlingException"),
        ],
        br#"{"message":"Too many requests"}"#,
    );
    for (body, expected) in [
        (bytes, "invalid event-stream frame"),
        (exception, "throttlingException"),
    ] {
        let server = MockServer::start(vec![Reply::Bytes {
            content_type: "application/vnd.amazon.eventstream".into(),
            chunks: vec![body],
        }])
        .await;
        let provider = bedrock(&server);
        let chunks: Vec<_> = provider.stream(hello()).collect().await;
        let error = chunks
            .into_iter()
            .find_map(Result::err)
            .expect("the stream fails");
        assert!(error.to_string().contains(expected), "{error}");
    }
}

/// The public key of the test service account (DER `RSAPublicKey`).
fn service_account_public_key() -> Vec<u8> {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cloud/service-account.json"
    );
    let account: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).expect("fixture")).expect("json");
    let pem = account["private_key"].as_str().expect("key");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(body).expect("base64");
    let pair = ring::signature::RsaKeyPair::from_pkcs8(&der).expect("pkcs8");
    use ring::signature::KeyPair;
    pair.public_key().as_ref().to_vec()
}

/// The token request carries a JWT-bearer assertion signed by the service account.
fn assert_jwt_grant(request: &support::Request) {
    assert_eq!(request.path, "/token");
    let form: Vec<(String, String)> = request
        .body
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.replace("%3A", ":")))
        .collect();
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .expect(k)
    };
    assert_eq!(
        get("grant_type"),
        "urn:ietf:params:oauth:grant-type:jwt-bearer"
    );
    let assertion = get("assertion");
    let (signed, signature) = assertion.rsplit_once('.').expect("three parts");
    let public = service_account_public_key();
    ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, &public)
        .verify(
            signed.as_bytes(),
            &URL_SAFE_NO_PAD.decode(signature).expect("b64"),
        )
        .expect("the assertion is signed by the service account's key");
    let (header, claims) = signed.split_once('.').expect("header.claims");
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("b64")).expect("json");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).expect("b64")).expect("json");
    assert_eq!(header["alg"], "RS256");
    assert_eq!(
        claims["iss"],
        "arena@promptkit-test.iam.gserviceaccount.com"
    );
    assert_eq!(
        claims["scope"],
        "https://www.googleapis.com/auth/cloud-platform"
    );
    assert!(claims["aud"].as_str().expect("aud").ends_with("/token"));
    assert_eq!(
        claims["exp"].as_u64(),
        claims["iat"].as_u64().map(|i| i + 3600)
    );
}

fn vertex_spec(kind: &str, model: &str, endpoint: &str) -> ProviderSpec {
    let yaml = format!(
        "type: {kind}\nmodel: {model}\ncredential:\n  credential_file: sa.json\nplatform:\n  type: vertex\n  project: my-proj\n  region: us-east5\n  endpoint: {endpoint}\n"
    );
    serde_saphyr::from_str(&yaml).expect("spec")
}

const VERTEX_TOKEN: &str = "ya29.vertex-test-token-0123456789";

#[tokio::test]
async fn vertex_gemini_exchanges_a_signed_jwt_and_caches_the_token() {
    let token = MockServer::start(vec![Reply::json(
        200,
        json!({"access_token": VERTEX_TOKEN, "expires_in": 3599, "token_type": "Bearer"}),
    )])
    .await;
    let answer = json!({
        "candidates": [{"content": {"role": "model", "parts": [{"text": "Hi from Vertex"}]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 3, "totalTokenCount": 7}
    });
    let model = MockServer::start(vec![Reply::json(200, answer)]).await;
    let dir = support::service_account_dir(&format!("{}/token", token.url));
    let provider = live(
        "vertex-gemini",
        &vertex_spec("gemini", "gemini-2.0-flash", &model.url),
        Some(dir.path()),
    )
    .expect("provider");
    for _ in 0..2 {
        let response = provider.chat(hello()).await.expect("answer");
        assert_eq!(response.message.content, "Hi from Vertex");
    }
    assert_eq!(token.requests().len(), 1, "the token is cached");
    assert_jwt_grant(&token.requests()[0]);
    let calls = model.requests();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[0].path,
        "/v1/projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.0-flash:generateContent"
    );
    assert_eq!(
        calls[0].header("authorization"),
        Some(format!("Bearer {VERTEX_TOKEN}").as_str())
    );
    assert!(calls[0].header("x-goog-api-key").is_none());
}

#[tokio::test]
async fn vertex_claude_uses_raw_predict_and_streams_sse() {
    let token = MockServer::start(vec![Reply::json(
        200,
        json!({"access_token": VERTEX_TOKEN, "expires_in": 3599}),
    )])
    .await;
    let events: Vec<String> = claude_stream_events()
        .iter()
        .map(Value::to_string)
        .collect();
    let refs: Vec<&str> = events.iter().map(String::as_str).collect();
    let model = MockServer::start(vec![Reply::sse(&refs)]).await;
    let dir = support::service_account_dir(&format!("{}/token", token.url));
    let provider = live(
        "vertex-claude",
        &vertex_spec("claude", "claude-3-5-sonnet@20240620", &model.url),
        Some(dir.path()),
    )
    .expect("provider");
    let chunks: Vec<_> = provider.stream(hello()).collect().await;
    let done = chunks
        .into_iter()
        .find_map(|c| match c.expect("chunk") {
            StreamChunk::Done(r) => Some(r),
            _ => None,
        })
        .expect("done");
    assert_eq!(done.message.content, "Hello");
    let call = &model.requests()[0];
    assert_eq!(
        call.path,
        "/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-3-5-sonnet@20240620:streamRawPredict"
    );
    let body = call.json();
    assert_eq!(body["anthropic_version"], "vertex-2023-10-16");
    assert!(body.get("model").is_none());
    assert_eq!(
        call.header("authorization"),
        Some(format!("Bearer {VERTEX_TOKEN}").as_str())
    );
}

#[tokio::test]
async fn platform_configuration_errors_name_what_to_set() {
    let dir = tempfile::tempdir().expect("dir");
    let cases = [
        (
            "type: claude\nmodel: m\nplatform:\n  type: vertex\n  region: us-east5\n",
            "platform.project",
        ),
        (
            "type: ollama\nmodel: m\nplatform:\n  type: bedrock\n  region: us-east-1\n",
            "not supported for provider type `ollama`",
        ),
        (
            "type: gemini\nmodel: m\nplatform:\n  type: bedrock\n  region: us-east-1\n",
            "not supported for provider type `gemini`",
        ),
        (
            "type: claude\nmodel: m\ncredential:\n  credential_file: missing.json\nplatform:\n  type: vertex\n  project: p\n  region: r\n",
            "credential_file",
        ),
    ];
    for (yaml, expected) in cases {
        let spec: ProviderSpec = serde_saphyr::from_str(yaml).expect("spec");
        let error = live("p", &spec, Some(dir.path())).err().expect("refused");
        assert!(error.to_string().contains(expected), "{error}");
    }
}

/// Credentials from the shared credentials file, for the configured profile.
#[test]
fn aws_credentials_come_from_env_then_the_shared_file() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("credentials");
    std::fs::write(
        &file,
        format!(
            "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = other\n\n[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = {SECRET_KEY}\naws_session_token = {SESSION_TOKEN}\n"
        ),
    )
    .expect("write");
    let path = file.display().to_string();
    let vars = |set: &'static [(&'static str, &'static str)], path: String| {
        move |name: &str| {
            if name == "AWS_SHARED_CREDENTIALS_FILE" {
                return Some(path.clone());
            }
            set.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let from_file =
        AwsCredentials::resolve_with(Some("work"), &vars(&[], path.clone())).expect("profile");
    assert_eq!(from_file.access_key_id.expose(), "AKIDWORK");
    assert_eq!(from_file.secret_access_key.expose(), SECRET_KEY);
    assert_eq!(
        from_file.session_token.as_ref().map(Secret::expose),
        Some(SESSION_TOKEN)
    );
    let by_env_profile =
        AwsCredentials::resolve_with(None, &vars(&[("AWS_PROFILE", "default")], path.clone()))
            .expect("default");
    assert_eq!(by_env_profile.access_key_id.expose(), "AKIDDEFAULT");
    let from_env = AwsCredentials::resolve_with(
        Some("work"),
        &vars(
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "envsecret"),
            ],
            path.clone(),
        ),
    )
    .expect("env");
    assert_eq!(from_env.access_key_id.expose(), "AKIDENV");
    let missing =
        AwsCredentials::resolve_with(Some("nope"), &vars(&[], path)).expect_err("no such profile");
    assert!(missing.to_string().contains("`nope`"), "{missing}");
    assert!(!format!("{from_file:?}").contains(SECRET_KEY));
}

#[tokio::test]
async fn vertex_model_garden_is_called_openai_compatible_with_the_token() {
    let token = MockServer::start(vec![Reply::json(
        200,
        json!({"access_token": VERTEX_TOKEN, "expires_in": 3599}),
    )])
    .await;
    let model = MockServer::start(vec![Reply::json(
        200,
        json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": "garden"}, "finish_reason": "stop"}],
               "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}),
    )])
    .await;
    let dir = support::service_account_dir(&format!("{}/token", token.url));
    // `platform.endpoint` is the endpoint id here; `base_url` replaces the host part.
    let yaml = format!(
        "type: openai\nmodel: google/gemini-2.0-flash\nbase_url: {}/v1beta1/projects/my-proj/locations/us-central1/endpoints/openapi\ncredential:\n  credential_file: sa.json\nplatform:\n  type: vertex\n  project: my-proj\n  region: us-central1\n",
        model.url
    );
    let spec: ProviderSpec = serde_saphyr::from_str(&yaml).expect("spec");
    let provider = live("garden", &spec, Some(dir.path())).expect("provider");
    let response = provider.chat(hello()).await.expect("answer");
    assert_eq!(response.message.content, "garden");
    let call = &model.requests()[0];
    assert_eq!(
        call.path,
        "/v1beta1/projects/my-proj/locations/us-central1/endpoints/openapi/chat/completions"
    );
    assert_eq!(call.json()["model"], "google/gemini-2.0-flash");
    assert_eq!(
        call.header("authorization"),
        Some(format!("Bearer {VERTEX_TOKEN}").as_str())
    );
}

/// gpt-oss on a Bedrock platform (signed with a session token) at a server answering
/// "oss" once.
async fn bedrock_oss() -> (MockServer, promptkit::providers::openai::OpenAi) {
    let server = MockServer::start(vec![Reply::json(
        200,
        json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": "oss"}, "finish_reason": "stop"}],
               "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}),
    )])
    .await;
    let platform = Platform::Bedrock {
        base: server.url.clone(),
        signer: SigV4Signer::new(credentials(Some(SESSION_TOKEN)), "us-east-1", "bedrock"),
    };
    let provider = promptkit::providers::openai::OpenAi::on_platform(
        "oss",
        "openai.gpt-oss-20b-1:0",
        Arc::new(platform),
        transport(),
    );
    (server, provider)
}

#[tokio::test]
async fn bedrock_openai_models_use_invoke_model_signed() {
    let (server, provider) = bedrock_oss().await;
    let mut request = hello();
    request.sampling.top_p = Some(0.0);
    let response = provider.chat(request).await.expect("answer");
    assert_eq!(response.message.content, "oss");
    let call = &server.requests()[0];
    assert_eq!(call.path, "/model/openai.gpt-oss-20b-1:0/invoke");
    assert!(
        call.json().get("top_p").is_none(),
        "Bedrock rejects top_p: 0"
    );
    assert_signed(call, server.url.trim_start_matches("http://"));
}

/// As the reference: an OpenAI model on Bedrock answers a streamed turn with one
/// InvokeModel call (not invoke-with-response-stream), its whole answer as the stream.
#[tokio::test]
async fn bedrock_openai_streams_are_one_invoke_call() {
    let (server, provider) = bedrock_oss().await;
    let chunks: Vec<StreamChunk> = provider
        .stream(hello())
        .map(|c| c.expect("chunk"))
        .collect()
        .await;
    assert!(
        matches!(&chunks[0], StreamChunk::Text(t) if t == "oss"),
        "{chunks:?}"
    );
    assert!(matches!(chunks.last(), Some(StreamChunk::Done(r)) if r.message.content == "oss"));
    let calls = server.requests();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].path, "/model/openai.gpt-oss-20b-1:0/invoke");
    assert_signed(&calls[0], server.url.trim_start_matches("http://"));
}
