//! The cloud credential chains against loopback servers: every source of the AWS default
//! chain (shared config and credentials files, STS AssumeRole and
//! AssumeRoleWithWebIdentity with the AWS documentation's XML answers, SSO
//! GetRoleCredentials, `credential_process`, the container endpoint, IMDSv2), the
//! chain's order, refresh before expiry, a Bedrock request signed with chain
//! credentials, and the GCE metadata server for Vertex.

use crate::support;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use promptkit::Message;
use promptkit::provider::{ChatRequest, Provider, ProviderError};
use promptkit::providers::anthropic::Anthropic;
use promptkit::providers::aws_credentials::{
    AwsCredentialChain, AwsCredentialError, AwsCredentials,
};
use promptkit::providers::gcp_auth::TokenSource;
use promptkit::providers::http::{RetryPolicy, Transport};
use promptkit::providers::platform::Platform;
use promptkit::providers::sigv4::SigV4Signer;
use serde_json::json;
use support::{MockServer, Reply};

const ASSUME_ROLE_XML: &str = include_str!("data/cloud/sts-assume-role.xml");
const WEB_IDENTITY_XML: &str = include_str!("data/cloud/sts-assume-role-with-web-identity.xml");
/// The AWS documentation's example secret key (used by both STS answers).
const STS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const BASE_SECRET: &str = "base/SECRET+key+0123456789abcdefghij";

fn transport() -> Transport {
    let retry = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    };
    Transport::new(Duration::from_secs(3), retry, 4).expect("transport")
}

/// A home folder with `.aws/config` and `.aws/credentials`, and the variables that
/// point at it (instance metadata off unless a test turns it on).
pub(crate) struct Home {
    dir: tempfile::TempDir,
    vars: HashMap<String, String>,
}

impl Home {
    pub(crate) fn new(config: &str, credentials: &str) -> Self {
        let dir = tempfile::tempdir().expect("home");
        let aws = dir.path().join(".aws");
        std::fs::create_dir_all(&aws).expect("mkdir");
        std::fs::write(aws.join("config"), config).expect("config");
        std::fs::write(aws.join("credentials"), credentials).expect("credentials");
        let mut vars = HashMap::new();
        vars.insert("HOME".to_owned(), dir.path().display().to_string());
        vars.insert("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned());
        Self { dir, vars }
    }

    pub(crate) fn set(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_owned(), value.to_owned());
        self
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The chain's credentials for `profile`.
    pub(crate) async fn fetch(
        &self,
        profile: Option<&str>,
    ) -> Result<AwsCredentials, ProviderError> {
        let chain = self.chain(profile).expect("chain");
        chain.credentials("p", &transport()).await
    }

    pub(crate) fn chain(
        &self,
        profile: Option<&str>,
    ) -> Result<AwsCredentialChain, AwsCredentialError> {
        AwsCredentialChain::resolve_with(profile, "us-east-1", &|name| self.vars.get(name).cloned())
    }
}

fn form(body: &str) -> HashMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The access key id an `authorization` header was signed with, and its scope.
fn signed_by(auth: &str) -> (&str, &str) {
    let credential = auth
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split(',').next())
        .expect("credential");
    credential.split_once('/').expect("scope")
}

#[test]
fn the_chain_picks_sources_in_the_sdk_order() {
    let config = "[default]\nregion = us-east-1\n\
        [profile keys]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\n\
        [profile role]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = keys\n\
        [profile process]\ncredential_process = echo\n\
        [profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
        [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
        [profile web]\nrole_arn = arn:aws:iam::1:role/w\nweb_identity_token_file = /t\n\
        [profile loop-a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop-b\n\
        [profile loop-b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop-a\n\
        [profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = keys\nmfa_serial = arn:aws:iam::1:mfa/u\n\
        [profile half]\naws_access_key_id = AKIDHALF\n";
    let home = Home::new(
        config,
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n",
    );
    let kind =
        |home: &Home, profile: Option<&str>| home.chain(profile).expect("chain").source_kind();
    assert_eq!(kind(&home, None), "static", "the default profile's keys");
    for (profile, expected) in [
        ("role", "assume-role"),
        ("process", "process"),
        ("sso", "sso"),
        ("web", "web-identity"),
    ] {
        assert_eq!(kind(&home, Some(profile)), expected, "{profile}");
    }
    for (profile, says) in [
        ("loop-a", "loops back"),
        ("mfa", "mfa_serial"),
        ("half", "aws_secret_access_key"),
        ("nope", "is not in"),
    ] {
        let error = home.chain(Some(profile)).expect_err(profile).to_string();
        assert!(
            error.contains(&format!("`{profile}`")) && error.contains(says),
            "{error}"
        );
        assert!(
            error.contains(&home.path().display().to_string()),
            "names the file: {error}"
        );
    }

    // Environment keys beat AWS_PROFILE and the files; a profile named in the config
    // (the SDK's `WithSharedConfigProfile`) beats the environment.
    let env = Home::new(config, "")
        .set("AWS_ACCESS_KEY_ID", "AKIDENV")
        .set("AWS_SECRET_ACCESS_KEY", "e")
        .set("AWS_PROFILE", "role");
    assert_eq!(kind(&env, None), "static");
    assert_eq!(kind(&env, Some("role")), "assume-role");
    // Environment web identity comes after environment keys, before the profile.
    let web = Home::new(config, "")
        .set("AWS_WEB_IDENTITY_TOKEN_FILE", "/token")
        .set("AWS_ROLE_ARN", "arn:aws:iam::1:role/w");
    assert_eq!(kind(&web, None), "web-identity");
    let no_role = Home::new("", "").set("AWS_WEB_IDENTITY_TOKEN_FILE", "/token");
    assert!(
        no_role
            .chain(None)
            .expect_err("no role")
            .to_string()
            .contains("AWS_ROLE_ARN")
    );
    // An unknown AWS_PROFILE is an error naming it.
    let unknown = Home::new(config, "").set("AWS_PROFILE", "ghost");
    assert!(matches!(
        unknown.chain(None),
        Err(AwsCredentialError::NoSuchProfile { .. })
    ));

    // Nothing configured: the container endpoint, else instance metadata, else an error.
    let empty = Home::new("", "");
    let missing = empty.chain(None).expect_err("nothing").to_string();
    assert!(
        missing.contains("AWS_ACCESS_KEY_ID") && missing.contains("default"),
        "{missing}"
    );
    let container = Home::new("", "").set(
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "/v2/credentials/x",
    );
    assert_eq!(kind(&container, None), "container");
    let imds = Home::new("", "").set("AWS_EC2_METADATA_DISABLED", "false");
    assert_eq!(kind(&imds, None), "imds");
    let remote = Home::new("", "").set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://example.com/creds",
    );
    let refused = remote.chain(None).expect_err("not loopback").to_string();
    assert!(
        refused.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        "{refused}"
    );
}

#[tokio::test]
async fn profile_keys_come_from_the_config_file_and_the_credentials_file_wins() {
    let home = Home::new(
        "[profile work]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = fromconfig\naws_session_token = tok\n",
        "[work]\naws_secret_access_key = fromcredentials\n",
    );
    let chain = home.chain(Some("work")).expect("chain");
    let credentials = chain
        .credentials("p", &transport())
        .await
        .expect("credentials");
    assert_eq!(credentials.access_key_id.expose(), "AKIDCONFIG");
    assert_eq!(credentials.secret_access_key.expose(), "fromcredentials");
    assert_eq!(
        credentials.session_token.as_ref().map(|t| t.expose()),
        Some("tok")
    );
    // AWS_CONFIG_FILE moves the config file.
    let other = home.path().join("elsewhere");
    std::fs::write(
        &other,
        "[default]\naws_access_key_id = AKIDMOVED\naws_secret_access_key = m\n",
    )
    .expect("write");
    let moved = Home::new("", "").set("AWS_CONFIG_FILE", &other.display().to_string());
    let credentials = moved.fetch(None).await.expect("creds");
    assert_eq!(credentials.access_key_id.expose(), "AKIDMOVED");
}

#[tokio::test]
async fn assume_role_is_signed_by_the_source_profile_and_reads_the_sts_xml() {
    let sts = MockServer::start(vec![support::reply(200, "text/xml", ASSUME_ROLE_XML)]).await;
    let home = Home::new(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = base\nrole_session_name = John\nexternal_id = ext-1\nduration_seconds = 3600\n",
        &format!("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = {BASE_SECRET}\n"),
    )
    .set("AWS_ENDPOINT_URL_STS", &sts.url);
    let chain = home.chain(Some("dev")).expect("chain");
    let credentials = chain.credentials("p", &transport()).await.expect("assumed");
    assert_eq!(credentials.access_key_id.expose(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(credentials.secret_access_key.expose(), STS_SECRET);
    assert!(
        credentials
            .session_token
            .as_ref()
            .expect("token")
            .expose()
            .starts_with("AQoDYXdzEPT//")
    );
    assert!(credentials.expires.is_some());

    let call = &sts.requests()[0];
    assert_eq!((call.method.as_str(), call.path.as_str()), ("POST", "/"));
    let body = form(&call.body);
    assert_eq!(body["Action"], "AssumeRole");
    assert_eq!(body["Version"], "2011-06-15");
    assert_eq!(body["RoleArn"], "arn:aws:iam::123456789012:role/demo");
    assert_eq!(body["RoleSessionName"], "John");
    assert_eq!(body["ExternalId"], "ext-1");
    assert_eq!(body["DurationSeconds"], "3600");
    let (key, scope) = signed_by(call.header("authorization").expect("signed"));
    assert_eq!(key, "AKIDBASE");
    assert!(scope.ends_with("/us-east-1/sts/aws4_request"), "{scope}");

    // AWS_ENDPOINT_URL serves every service when no service-specific one is set.
    let global = Home::new(
        "[profile dev]\nrole_arn = arn:aws:iam::1:role/demo\nsource_profile = base\n",
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = x\n",
    )
    .set("AWS_ENDPOINT_URL", &sts.url);
    global
        .fetch(Some("dev"))
        .await
        .expect("via AWS_ENDPOINT_URL");
    let body = form(&sts.requests()[1].body);
    assert_eq!(body["DurationSeconds"], "900", "the SDK's default");
    assert!(body["RoleSessionName"].starts_with("promptkit-"));
}

#[tokio::test]
async fn web_identity_posts_the_token_from_its_file_unsigned() {
    let sts = MockServer::start(vec![support::reply(200, "text/xml", WEB_IDENTITY_XML)]).await;
    let home = Home::new("", "");
    let token_file = home.path().join("token");
    std::fs::write(&token_file, "eyJ.web-identity-token.sig\n").expect("token");
    let home = home
        .set(
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            &token_file.display().to_string(),
        )
        .set(
            "AWS_ROLE_ARN",
            "arn:aws:iam::123456789012:role/FederatedWebIdentityRole",
        )
        .set("AWS_ROLE_SESSION_NAME", "app1")
        .set("AWS_ENDPOINT_URL_STS", &sts.url);
    let credentials = home.fetch(None).await.expect("assumed");
    assert_eq!(credentials.access_key_id.expose(), "ASgeIAIOSFODNN7EXAMPLE");
    assert_eq!(
        credentials.session_token.as_ref().map(|t| t.expose()),
        Some("AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE")
    );
    let call = &sts.requests()[0];
    assert!(
        call.header("authorization").is_none(),
        "AssumeRoleWithWebIdentity is unsigned"
    );
    let body = form(&call.body);
    assert_eq!(body["Action"], "AssumeRoleWithWebIdentity");
    assert_eq!(body["WebIdentityToken"], "eyJ.web-identity-token.sig");
    assert_eq!(body["RoleSessionName"], "app1");
    assert_eq!(
        body["RoleArn"],
        "arn:aws:iam::123456789012:role/FederatedWebIdentityRole"
    );
}

pub(crate) fn sso_home(portal: &str, expires_at: &str) -> Home {
    let home = Home::new(
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Developer\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
         [profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n",
        "",
    )
    .set("AWS_ENDPOINT_URL_SSO", portal);
    let cache = promptkit::providers::aws_sso::cache_file(home.path(), "corp");
    std::fs::create_dir_all(cache.parent().expect("dir")).expect("mkdir");
    std::fs::write(
        &cache,
        json!({"accessToken": "sso-access-token-0123456789", "expiresAt": expires_at, "region": "eu-west-1", "startUrl": "https://corp.awsapps.com/start"}).to_string(),
    )
    .expect("cache");
    home
}

#[tokio::test]
async fn sso_exchanges_the_cached_token_for_role_credentials() {
    let portal = MockServer::start(vec![Reply::json(
        200,
        json!({"roleCredentials": {"accessKeyId": "ASIASSOEXAMPLE", "secretAccessKey": "sso/secret/key", "sessionToken": "sso-session-token", "expiration": 4_102_444_800_000u64}}),
    )])
    .await;
    let home = sso_home(&portal.url, "2099-01-01T00:00:00Z");
    let credentials = home.fetch(Some("dev")).await.expect("sso");
    assert_eq!(credentials.access_key_id.expose(), "ASIASSOEXAMPLE");
    assert_eq!(
        credentials.session_token.as_ref().map(|t| t.expose()),
        Some("sso-session-token")
    );
    let call = &portal.requests()[0];
    assert_eq!(call.method, "GET");
    assert!(
        call.path.starts_with("/federation/credentials?"),
        "{}",
        call.path
    );
    let query = form(call.path.split_once('?').expect("query").1);
    assert_eq!(query["account_id"], "111122223333");
    assert_eq!(query["role_name"], "Developer");
    assert_eq!(
        call.header("x-amz-sso_bearer_token"),
        Some("sso-access-token-0123456789")
    );

    // A legacy profile without a cached token: what to run.
    let error = home.fetch(Some("legacy")).await.expect_err("no cache");
    assert!(
        error.to_string().contains("aws sso login --profile legacy"),
        "{error}"
    );
}

#[tokio::test]
async fn an_expired_sso_token_says_to_sign_in_again() {
    let portal = MockServer::start(vec![Reply::json(500, json!({}))]).await;
    let home = sso_home(&portal.url, "2020-01-01T00:00:00Z");
    let error = home.fetch(Some("dev")).await.expect_err("expired");
    let text = error.to_string();
    assert!(
        text.contains("expired") && text.contains("aws sso login --sso-session corp"),
        "{text}"
    );
    assert!(!text.contains("sso-access-token-0123456789"), "{text}");
    assert!(portal.requests().is_empty(), "an expired token is not sent");
}

#[tokio::test]
async fn credential_process_output_is_read_as_version_1_json() {
    let home = Home::new("", "");
    let output = home.path().join("creds.json");
    std::fs::write(
        &output,
        json!({"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process/secret", "SessionToken": "process-token", "Expiration": "2099-01-01T00:00:00Z"}).to_string(),
    )
    .expect("write");
    let wrong = home.path().join("v2.json");
    std::fs::write(
        &wrong,
        r#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "B"}"#,
    )
    .expect("write");
    let config = format!(
        "[default]\ncredential_process = cat '{}'\n[profile v2]\ncredential_process = cat '{}'\n[profile failing]\ncredential_process = sh -c 'echo process/secret >&2; exit 3'\n",
        output.display(),
        wrong.display()
    );
    std::fs::write(home.path().join(".aws/config"), config).expect("config");
    let credentials = home.fetch(None).await.expect("process");
    let chain = format!("{:?}", home.chain(None).expect("chain"));
    assert!(
        !chain.contains("creds.json"),
        "the command line is not shown: {chain}"
    );
    assert_eq!(credentials.access_key_id.expose(), "AKIDPROCESS");
    assert_eq!(
        credentials.session_token.as_ref().map(|t| t.expose()),
        Some("process-token")
    );
    let v2 = home.fetch(Some("v2")).await.expect_err("v2");
    assert!(v2.to_string().contains("\"Version\": 1"), "{v2}");
    let failing = home.fetch(Some("failing")).await.expect_err("exit 3");
    let text = failing.to_string();
    assert!(
        text.contains("profile `failing`") && text.contains("failed"),
        "{text}"
    );
    assert!(!text.contains("process/secret"), "{text}");
}

#[tokio::test]
async fn container_credentials_carry_the_authorization_token() {
    let answer = json!({"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "container/secret", "Token": "container-token", "Expiration": "2099-01-01T00:00:00Z", "AccountId": "123456789012"});
    let server = MockServer::start(vec![Reply::json(200, answer)]).await;
    let home = Home::new("", "");
    let token_file = home.path().join("eks-token");
    std::fs::write(&token_file, "eks-pod-identity-token\n").expect("token");
    let full = Home::new("", "")
        .set(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{}/v1/credentials", server.url),
        )
        .set(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "ignored-when-a-file-is-set",
        )
        .set(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            &token_file.display().to_string(),
        );
    let credentials = full.fetch(None).await.expect("container");
    assert_eq!(credentials.access_key_id.expose(), "ASIACONTAINER");
    let call = &server.requests()[0];
    assert_eq!(call.path, "/v1/credentials");
    assert_eq!(call.header("authorization"), Some("eks-pod-identity-token"));

    // The relative URI is a path on the ECS agent (moved to loopback for the test).
    let relative = Home::new("", "").set(
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "/v2/credentials/abc",
    );
    let chain = relative
        .chain(None)
        .expect("chain")
        .with_container_host(&server.url);
    chain
        .credentials("p", &transport())
        .await
        .expect("relative");
    let call = &server.requests()[1];
    assert_eq!(call.path, "/v2/credentials/abc");
    assert!(call.header("authorization").is_none());
}

#[tokio::test]
async fn imds_v2_gets_a_token_then_the_role_then_its_credentials() {
    let text = |body: &str| support::reply(200, "text/plain", body);
    let server = MockServer::start(vec![
        text("imds-session-token"),
        text("my-instance-role\n"),
        Reply::json(
            200,
            json!({"Code": "Success", "LastUpdated": "2024-01-01T00:00:00Z", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "imds/secret", "Token": "imds-token", "Expiration": "2099-01-01T00:00:00Z"}),
        ),
    ])
    .await;
    let home = Home::new("", "")
        .set("AWS_EC2_METADATA_DISABLED", "false")
        .set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url);
    let credentials = home.fetch(None).await.expect("imds");
    assert_eq!(credentials.access_key_id.expose(), "ASIAIMDS");
    let calls = server.requests();
    assert_eq!(
        (calls[0].method.as_str(), calls[0].path.as_str()),
        ("PUT", "/latest/api/token")
    );
    assert_eq!(
        calls[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(calls[1].path, "/latest/meta-data/iam/security-credentials/");
    assert_eq!(
        calls[2].path,
        "/latest/meta-data/iam/security-credentials/my-instance-role"
    );
    for call in &calls[1..] {
        assert_eq!(
            call.header("x-aws-ec2-metadata-token"),
            Some("imds-session-token")
        );
    }
    // No metadata service: the error says what to configure.
    let nowhere = Home::new("", "")
        .set("AWS_EC2_METADATA_DISABLED", "false")
        .set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    let error = nowhere.fetch(None).await.expect_err("no imds");
    assert!(
        error.to_string().contains("AWS_EC2_METADATA_DISABLED"),
        "{error}"
    );
}

#[tokio::test]
async fn temporary_credentials_are_refreshed_before_they_expire() {
    let soon = (std::time::SystemTime::now() + Duration::from_secs(60))
        .duration_since(std::time::UNIX_EPOCH)
        .expect("now")
        .as_secs();
    let soon = aws_smithy_types::DateTime::from_secs(soon as i64)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .expect("format");
    let answer = |id: &str, expiration: &str| {
        Reply::json(
            200,
            json!({"AccessKeyId": id, "SecretAccessKey": "s", "Token": "t", "Expiration": expiration}),
        )
    };
    let server = MockServer::start(vec![
        answer("ASIAFIRST", &soon),
        answer("ASIASECOND", "2099-01-01T00:00:00Z"),
    ])
    .await;
    let home = Home::new("", "").set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        &format!("{}/creds", server.url),
    );
    let chain = home.chain(None).expect("chain");
    let first = chain.credentials("p", &transport()).await.expect("first");
    assert_eq!(first.access_key_id.expose(), "ASIAFIRST");
    // Within five minutes of expiry: fetched again.
    let second = chain.credentials("p", &transport()).await.expect("second");
    assert_eq!(second.access_key_id.expose(), "ASIASECOND");
    // Good for decades: cached.
    let third = chain.credentials("p", &transport()).await.expect("third");
    assert_eq!(third.access_key_id.expose(), "ASIASECOND");
    assert_eq!(server.requests().len(), 2);
}

/// A Bedrock request whose credentials come from STS AssumeRole (source profile keys)
/// is signed with the assumed role's key id and carries its session token.
#[tokio::test]
async fn bedrock_signs_with_assumed_role_credentials() {
    let sts = MockServer::start(vec![support::reply(200, "text/xml", ASSUME_ROLE_XML)]).await;
    let bedrock = MockServer::start(vec![Reply::json(
        200,
        json!({"id": "msg_1", "type": "message", "role": "assistant", "content": [{"type": "text", "text": "signed"}], "stop_reason": "end_turn", "usage": {"input_tokens": 3, "output_tokens": 1}}),
    )])
    .await;
    let home = Home::new(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = base\n",
        &format!("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = {BASE_SECRET}\n"),
    )
    .set("AWS_ENDPOINT_URL_STS", &sts.url);
    let platform = Platform::Bedrock {
        base: bedrock.url.clone(),
        signer: SigV4Signer::new("us-east-1", "bedrock"),
        credentials: home.chain(Some("dev")).expect("chain"),
    };
    let provider = Anthropic::on_platform(
        "bedrock",
        "anthropic.claude",
        Arc::new(platform),
        transport(),
    );
    let request = ChatRequest {
        messages: vec![Message::user("hello")].into(),
        ..ChatRequest::default()
    };
    let answer = provider.chat(request.clone()).await.expect("answer");
    assert_eq!(answer.message.content, "signed");
    provider.chat(request).await.expect("second answer");
    assert_eq!(
        sts.requests().len(),
        1,
        "the assumed credentials are cached"
    );
    for call in bedrock.requests() {
        let (key, scope) = signed_by(call.header("authorization").expect("signed"));
        assert_eq!(key, "ASIAIOSFODNN7EXAMPLE");
        assert!(
            scope.ends_with("/us-east-1/bedrock/aws4_request"),
            "{scope}"
        );
        assert!(
            call.header("x-amz-security-token")
                .expect("token")
                .starts_with("AQoDYXdzEPT//")
        );
    }
}

/// Vertex on GCE/GKE: the default service account's token from the metadata server.
#[tokio::test]
async fn vertex_tokens_come_from_the_metadata_server() {
    let server = MockServer::start(vec![Reply::json(
        200,
        json!({"access_token": "ya29.metadata-token", "expires_in": 3599, "token_type": "Bearer"}),
    )])
    .await;
    let host = server.url.trim_start_matches("http://");
    let tokens = TokenSource::metadata(host);
    let token = tokens.token("vertex", &transport()).await.expect("token");
    assert_eq!(token.expose(), "ya29.metadata-token");
    tokens.token("vertex", &transport()).await.expect("cached");
    let calls = server.requests();
    assert_eq!(calls.len(), 1, "cached until it expires");
    assert_eq!(calls[0].method, "GET");
    assert!(
        calls[0].path.starts_with("/computeMetadata/v1/instance/service-accounts/default/token?scopes=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fcloud-platform"),
        "{}",
        calls[0].path
    );
    assert_eq!(calls[0].header("metadata-flavor"), Some("Google"));

    let nowhere = TokenSource::metadata("127.0.0.1:9");
    let error = nowhere
        .token("vertex", &transport())
        .await
        .expect_err("no server");
    let text = error.to_string();
    assert!(
        text.contains("GOOGLE_APPLICATION_CREDENTIALS")
            && text.contains("gcloud auth application-default login"),
        "{text}"
    );
}

/// `impersonated_service_account`: the source credentials' token (here an
/// `authorized_user` refresh) is exchanged for the target account's at its
/// `generateAccessToken` URL.
#[tokio::test]
async fn impersonated_service_account_files_exchange_the_source_token() {
    let oauth = MockServer::start(vec![Reply::json(
        200,
        json!({"access_token": "ya29.source-user-token", "expires_in": 3599}),
    )])
    .await;
    let iam = MockServer::start(vec![Reply::json(
        200,
        json!({"accessToken": "ya29.impersonated-token", "expireTime": "2099-10-02T15:01:23.045123456Z"}),
    )])
    .await;
    let url = format!(
        "{}/v1/projects/-/serviceAccounts/target@p.iam.gserviceaccount.com:generateAccessToken",
        iam.url
    );
    let file = json!({
        "type": "impersonated_service_account",
        "service_account_impersonation_url": url,
        "delegates": ["projects/-/serviceAccounts/middle@p.iam.gserviceaccount.com"],
        "source_credentials": {"type": "authorized_user", "client_id": "id.apps.googleusercontent.com", "client_secret": "user-client-secret", "refresh_token": "user-refresh-token", "token_uri": format!("{}/token", oauth.url)}
    });
    let tokens = TokenSource::from_json("adc.json", &file.to_string()).expect("source");
    let token = tokens.token("vertex", &transport()).await.expect("token");
    assert_eq!(token.expose(), "ya29.impersonated-token");
    assert_eq!(
        form(&oauth.requests()[0].body)["grant_type"],
        "refresh_token"
    );
    let call = &iam.requests()[0];
    assert_eq!(
        call.path,
        "/v1/projects/-/serviceAccounts/target@p.iam.gserviceaccount.com:generateAccessToken"
    );
    assert_eq!(
        call.header("authorization"),
        Some("Bearer ya29.source-user-token")
    );
    let body = call.json();
    assert_eq!(
        body["scope"],
        json!(["https://www.googleapis.com/auth/cloud-platform"])
    );
    assert_eq!(body["lifetime"], "3600s");
    assert_eq!(
        body["delegates"][0],
        "projects/-/serviceAccounts/middle@p.iam.gserviceaccount.com"
    );
}

/// `external_account` (workload identity federation): a file-sourced subject token
/// (a JSON field) exchanged at the STS by the token-exchange grant, then impersonated;
/// and a URL-sourced text token used directly.
#[tokio::test]
async fn external_account_files_exchange_the_subject_token_at_the_sts() {
    let sts = MockServer::start(vec![Reply::json(
        200,
        json!({"access_token": "ya29.federated-token", "issued_token_type": "urn:ietf:params:oauth:token-type:access_token", "token_type": "Bearer", "expires_in": 3600}),
    )])
    .await;
    let iam = MockServer::start(vec![Reply::json(
        200,
        json!({"accessToken": "ya29.sa-token", "expireTime": "2099-01-01T00:00:00Z"}),
    )])
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let subject = dir.path().join("subject.json");
    std::fs::write(
        &subject,
        json!({"id_token": "oidc-subject-token"}).to_string(),
    )
    .expect("write");
    let audience = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/oidc";
    let file = json!({
        "type": "external_account",
        "audience": audience,
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": format!("{}/v1/token", sts.url),
        "service_account_impersonation_url": format!("{}/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:generateAccessToken", iam.url),
        "service_account_impersonation": {"token_lifetime_seconds": 1800},
        "credential_source": {"file": subject.display().to_string(), "format": {"type": "json", "subject_token_field_name": "id_token"}}
    });
    let tokens = TokenSource::from_json("wif.json", &file.to_string()).expect("source");
    assert_eq!(
        tokens
            .token("vertex", &transport())
            .await
            .expect("token")
            .expose(),
        "ya29.sa-token"
    );
    let exchange = form(&sts.requests()[0].body);
    assert_eq!(
        exchange["grant_type"],
        "urn:ietf:params:oauth:grant-type:token-exchange"
    );
    assert_eq!(exchange["audience"], audience);
    assert_eq!(exchange["subject_token"], "oidc-subject-token");
    assert_eq!(
        exchange["subject_token_type"],
        "urn:ietf:params:oauth:token-type:jwt"
    );
    assert_eq!(
        exchange["requested_token_type"],
        "urn:ietf:params:oauth:token-type:access_token"
    );
    assert_eq!(
        exchange["scope"],
        "https://www.googleapis.com/auth/cloud-platform"
    );
    let call = &iam.requests()[0];
    assert_eq!(
        call.header("authorization"),
        Some("Bearer ya29.federated-token")
    );
    assert_eq!(call.json()["lifetime"], "1800s");

    // A URL-sourced text token with its headers, no impersonation.
    let source = MockServer::start(vec![support::reply(
        200,
        "text/plain",
        "url-subject-token\n",
    )])
    .await;
    let file = json!({
        "type": "external_account",
        "audience": audience,
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": format!("{}/v1/token", sts.url),
        "credential_source": {"url": format!("{}/token", source.url), "headers": {"Metadata": "True"}}
    });
    let tokens = TokenSource::from_json("wif.json", &file.to_string()).expect("source");
    assert_eq!(
        tokens
            .token("vertex", &transport())
            .await
            .expect("token")
            .expose(),
        "ya29.federated-token"
    );
    assert_eq!(source.requests()[0].header("metadata"), Some("True"));
    assert_eq!(
        form(&sts.requests()[1].body)["subject_token"],
        "url-subject-token"
    );
}

/// The ADC forms this build does not exchange are refused by name.
#[test]
fn unsupported_adc_forms_are_refused_by_name() {
    let aws = json!({"type": "external_account", "audience": "a", "subject_token_type": "t", "token_url": "u", "credential_source": {"environment_id": "aws1", "regional_cred_verification_url": "x"}});
    let error = TokenSource::from_json("adc.json", &aws.to_string()).expect_err("aws source");
    assert!(
        error.to_string().contains("environment_id") && error.to_string().contains("adc.json"),
        "{error}"
    );
    let authorized = json!({"type": "external_account_authorized_user"});
    let error =
        TokenSource::from_json("adc.json", &authorized.to_string()).expect_err("unsupported");
    assert!(
        error
            .to_string()
            .contains("external_account_authorized_user"),
        "{error}"
    );
}
