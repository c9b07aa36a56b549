//! How AWS says no: the `x-amzn-ErrorType` header of an error status
//! (`UnrecognizedClientException:http://internal.amazon.com/…` names the exception),
//! and an exception in the body of an HTTP 200 — Bedrock answers an operation it does
//! not know (a model ARN cut into path segments, a wrong endpoint) with
//! `{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"}}`.

use reqwest::header::HeaderMap;
use serde_json::Value;

/// What to check when AWS refuses the credentials.
pub const CREDENTIALS_HINT: &str = "check the AWS credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or the shared credentials file's profile";

/// The exception an AWS error response names in `x-amzn-ErrorType`, without the
/// `:http://…` namespace URL.
pub fn error_type(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("x-amzn-errortype")?.to_str().ok()?;
    let name = value.split(':').next()?.trim();
    (!name.is_empty()).then_some(name)
}

/// The exception a successful-status body carries instead of a result (`__type` at
/// the top or under `Output`), e.g. `com.amazon.coral.service#UnknownOperationException`.
pub fn exception_in_body(body: &Value) -> Option<&str> {
    [body.get("__type"), body.pointer("/Output/__type")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find(|t| t.ends_with("Exception"))
}

/// The error text for `exception` answered with HTTP 200.
pub fn exception_detail(exception: &str, body_excerpt: &str) -> String {
    let hint = if exception.ends_with("UnknownOperationException") {
        "; Bedrock did not recognise the request path — check the model id (an ARN must name a model, inference profile or provisioned throughput) and the endpoint"
    } else {
        ""
    };
    format!("Bedrock answered {exception} with HTTP 200: {body_excerpt}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_header_names_the_exception_without_its_namespace() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-amzn-ErrorType",
            "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"
                .parse()
                .expect("header"),
        );
        assert_eq!(error_type(&headers), Some("ValidationException"));
        assert_eq!(error_type(&HeaderMap::new()), None);
    }

    #[test]
    fn exceptions_are_found_at_the_top_or_under_output() {
        let nested = json!({"Output": {"__type": "com.amazon.coral.service#UnknownOperationException"}, "Version": "1.0"});
        assert_eq!(
            exception_in_body(&nested),
            Some("com.amazon.coral.service#UnknownOperationException")
        );
        assert_eq!(
            exception_in_body(&json!({"__type": "ThrottlingException"})),
            Some("ThrottlingException")
        );
        assert_eq!(
            exception_in_body(&json!({"type": "message", "content": []})),
            None
        );
    }
}
