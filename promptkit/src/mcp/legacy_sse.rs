//! The legacy HTTP+SSE transport of MCP (protocol 2024-11-05), the reference's default
//! for a server given by a bare `url`. The SDK (`rmcp` 3) no longer ships a client for
//! it and no maintained crate does, so it is written here — and only the transport: the
//! session, handshake and calls stay the SDK's, over its sink/stream transport.
//!
//! As in the reference, `url` is the server's base URL: a GET of `<url>/sse` opens an SSE
//! stream. Its first `endpoint` event names where to POST client messages (resolved
//! against the base URL; another origin is refused), and
//! its `message` events carry the server's JSON-RPC messages. Dropping the transport
//! ends the stream.

use futures_util::{Sink, Stream, StreamExt};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use rmcp::RoleClient;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use tokio::sync::{mpsc, oneshot};

use crate::providers::sse::SseParser;

/// Why the legacy SSE transport failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SseTransportError(String);

/// Opens the SSE stream at `<url>/sse` (sending `headers`) and waits for the server's
/// message endpoint; the sink posts client messages to it, the stream yields the server's.
pub(crate) async fn connect(
    url: &str,
    headers: &[(String, String)],
) -> Result<
    (
        impl Sink<TxJsonRpcMessage<RoleClient>, Error = SseTransportError> + Send + Unpin + 'static,
        impl Stream<Item = RxJsonRpcMessage<RoleClient>> + Send + Unpin + 'static,
    ),
    String,
> {
    let base = reqwest::Url::parse(url.trim_end_matches('/'))
        .map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    let stream_url = format!("{}/sse", base.as_str().trim_end_matches('/'));
    let client = crate::providers::http::client().map_err(|e| e.to_string())?;
    let mut request = client.get(&stream_url).header(ACCEPT, "text/event-stream");
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!(
            "the SSE stream `{stream_url}` answered HTTP {} (`url` is the server's base URL; `/sse` is added)",
            response.status()
        ));
    }
    let (endpoint_tx, endpoint_rx) = oneshot::channel();
    let (messages_tx, messages_rx) = mpsc::channel(64);
    tokio::spawn(read_events(response, endpoint_tx, messages_tx));
    let endpoint = endpoint_rx
        .await
        .map_err(|_| "the SSE stream ended before naming its message endpoint".to_owned())?;
    let endpoint = base
        .join(&endpoint)
        .map_err(|e| format!("the endpoint `{endpoint}` is not a URL: {e}"))?;
    if endpoint.origin() != base.origin() {
        return Err(format!(
            "the server names an endpoint on another origin (`{endpoint}`); refused"
        ));
    }
    let headers = headers.to_vec();
    let sink = Box::pin(futures_util::sink::unfold(
        (client, endpoint, headers),
        |(client, endpoint, headers), message: TxJsonRpcMessage<RoleClient>| async move {
            let mut request = client
                .post(endpoint.clone())
                .header(CONTENT_TYPE, "application/json")
                .json(&message);
            for (name, value) in &headers {
                request = request.header(name.as_str(), value.as_str());
            }
            let response = request
                .send()
                .await
                .map_err(|e| SseTransportError(e.to_string()))?;
            if !response.status().is_success() {
                return Err(SseTransportError(format!(
                    "posting a message answered HTTP {}",
                    response.status()
                )));
            }
            Ok((client, endpoint, headers))
        },
    ));
    let stream = futures_util::stream::unfold(messages_rx, |mut rx| async move {
        rx.recv().await.map(|message| (message, rx))
    })
    .boxed();
    Ok((sink, stream))
}

/// Reads the SSE stream: the first `endpoint` event goes to `endpoint`, each `message`
/// event (JSON-RPC) to `messages`; stops when the stream ends or the transport is
/// dropped. A message that is not JSON-RPC is skipped, as the reference's client does.
async fn read_events(
    response: reqwest::Response,
    endpoint: oneshot::Sender<String>,
    messages: mpsc::Sender<RxJsonRpcMessage<RoleClient>>,
) {
    let mut endpoint = Some(endpoint);
    let mut parser = SseParser::new();
    let mut bytes = response.bytes_stream();
    loop {
        let chunk = tokio::select! {
            () = messages.closed() => return,
            chunk = bytes.next() => chunk,
        };
        let Some(Ok(chunk)) = chunk else { return };
        for event in parser.push(&chunk) {
            match event.event.as_deref() {
                Some("endpoint") => {
                    if let Some(tx) = endpoint.take() {
                        let _ = tx.send(event.data.trim().to_owned());
                    }
                }
                None | Some("message") => {
                    if let Ok(message) = serde_json::from_str(&event.data)
                        && messages.send(message).await.is_err()
                    {
                        return;
                    }
                }
                Some(_) => {}
            }
        }
    }
}
