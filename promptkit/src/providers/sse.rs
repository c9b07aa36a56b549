//! A small Server-Sent Events parser (the part of the spec LLM APIs use): events are
//! separated by a blank line; `data:` lines join with `\n`; `event:` names the event;
//! comments (`:`) and unknown fields are ignored; CRLF, CR and LF all end lines; input
//! may be split anywhere, even inside a UTF-8 character.

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` name, if any.
    pub event: Option<String>,
    /// The joined `data:` lines.
    pub data: String,
}

/// Incremental parser: feed bytes, take complete events.
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: Vec<u8>,
    event: Option<String>,
    data: Vec<String>,
    has_data: bool,
}

impl SseParser {
    /// A parser with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds `bytes`; returns the events they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some((end, next)) = line_end(&self.buffer) {
            let line: Vec<u8> = self.buffer[..end].to_vec();
            self.buffer.drain(..next);
            let line = String::from_utf8_lossy(&line);
            if line.is_empty() {
                if let Some(event) = self.dispatch() {
                    events.push(event);
                }
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (line.as_ref(), ""),
            };
            match field {
                "data" => {
                    self.data.push(value.to_owned());
                    self.has_data = true;
                }
                "event" => self.event = Some(value.to_owned()),
                _ => {}
            }
        }
        events
    }

    /// Whether the stream ended in the middle of an event (a truncated stream).
    pub fn has_partial(&self) -> bool {
        !self.buffer.is_empty() || self.has_data
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(SseEvent {
            event,
            data: std::mem::take(&mut self.data).join("\n"),
        })
    }
}

/// The end of the first complete line: (end of content, start of the next line). A
/// lone `\r` at the end of the buffer waits for a possible `\n`.
fn line_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let i = buffer.iter().position(|b| *b == b'\n' || *b == b'\r')?;
    if buffer[i] == b'\n' {
        return Some((i, i + 1));
    }
    match buffer.get(i + 1) {
        Some(b'\n') => Some((i, i + 2)),
        Some(_) => Some((i, i + 1)),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_across_arbitrary_splits() {
        let stream = b": comment\r\nevent: delta\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\ndata: h\xC3\xA9\n\ndata: [DONE]\n\n";
        for split in 1..stream.len() {
            let mut p = SseParser::new();
            let mut events = p.push(&stream[..split]);
            events.extend(p.push(&stream[split..]));
            assert_eq!(events.len(), 3, "split at {split}");
            assert_eq!(events[0].event.as_deref(), Some("delta"));
            assert_eq!(events[0].data, "{\"a\":\n1}");
            assert_eq!(events[1].data, "hé");
            assert_eq!(events[2].data, "[DONE]");
            assert!(!p.has_partial());
        }
    }

    #[test]
    fn detects_truncation() {
        let mut p = SseParser::new();
        assert!(p.push(b"data: {\"partial\"").is_empty());
        assert!(p.has_partial());
    }
}
