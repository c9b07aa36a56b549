//! Bedrock's streamed answers: AWS event-stream binary frames (length prelude, headers,
//! payload, CRC32 of the prelude and of the message, checked by the maintained
//! `aws-smithy-eventstream` decoder). A `chunk` event's payload is
//! `{"bytes": "<base64 of a vendor event>"}`; an `exception` frame is an error.

use base64::Engine;

use super::sse::SseEvent;
use super::streaming::Framing;

/// The prelude: total length, headers length, prelude CRC.
const PRELUDE: usize = 12;

/// Cuts event-stream bytes into the vendor events they carry.
#[derive(Debug, Default)]
pub struct EventStreamFraming {
    buffer: Vec<u8>,
}

impl Framing for EventStreamFraming {
    fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, String> {
        self.buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        while self.buffer.len() >= PRELUDE {
            let total = u32::from_be_bytes([
                self.buffer[0],
                self.buffer[1],
                self.buffer[2],
                self.buffer[3],
            ]) as usize;
            if total < PRELUDE + 4 {
                return Err(format!("invalid event-stream frame length {total}"));
            }
            if self.buffer.len() < total {
                break;
            }
            let frame: Vec<u8> = self.buffer.drain(..total).collect();
            let message = aws_smithy_eventstream::frame::read_message_from(frame.as_slice())
                .map_err(|e| format!("invalid event-stream frame: {e}"))?;
            let header = |name: &str| {
                message
                    .headers()
                    .iter()
                    .find(|h| h.name().as_str() == name)
                    .and_then(|h| h.value().as_string().ok())
                    .map(|s| s.as_str().to_owned())
            };
            let payload = String::from_utf8_lossy(message.payload()).into_owned();
            match header(":message-type").as_deref() {
                Some("event") => events.extend(chunk_event(&payload)?),
                _ => {
                    let kind = header(":exception-type")
                        .or_else(|| header(":error-code"))
                        .unwrap_or_else(|| "error".to_owned());
                    return Err(format!("the stream reported {kind}: {payload}"));
                }
            }
        }
        Ok(events)
    }

    fn has_partial(&self) -> bool {
        !self.buffer.is_empty()
    }
}

/// The vendor event in a `chunk` payload (`None` for events without bytes).
fn chunk_event(payload: &str) -> Result<Option<SseEvent>, String> {
    let value: serde_json::Value =
        serde_json::from_str(payload).map_err(|e| format!("invalid chunk payload: {e}"))?;
    let Some(encoded) = value.get("bytes").and_then(serde_json::Value::as_str) else {
        return Ok(None);
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|e| format!("invalid base64 in chunk: {e}"))?;
    let data = String::from_utf8(decoded).map_err(|e| format!("chunk is not UTF-8: {e}"))?;
    let event = serde_json::from_str::<serde_json::Value>(&data)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned));
    Ok(Some(SseEvent { event, data }))
}
