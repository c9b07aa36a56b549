//! `data:<mime>;base64,<payload>` URLs: how loaded media travels inside a message.

use base64::Engine;

/// A `data:` URL holding `bytes` of type `mime`.
pub fn encode(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The MIME type and base64 payload of a base64 `data:` URL; `None` for anything else.
pub fn split(url: &str) -> Option<(&str, &str)> {
    let (meta, payload) = url.strip_prefix("data:")?.split_once(',')?;
    let mime = meta.strip_suffix(";base64")?;
    Some((mime, payload.trim()))
}

/// The MIME type and decoded bytes of a base64 `data:` URL; `None` when `url` is not
/// one or its payload is not valid base64.
pub fn decode(url: &str) -> Option<(String, Vec<u8>)> {
    let (mime, payload) = split(url)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .ok()?;
    Some((mime.to_owned(), bytes))
}

/// The decoded size of a base64 `data:` URL's payload, computed from its length (no
/// decoding); `None` when `url` is not one.
pub fn decoded_len(url: &str) -> Option<u64> {
    let (_, payload) = split(url)?;
    let len = payload.len() as u64;
    let padding = payload.bytes().rev().take_while(|b| *b == b'=').count() as u64;
    Some((len / 4 * 3 + (len % 4).saturating_sub(1)).saturating_sub(padding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_bytes_and_type() {
        let url = encode("image/png", b"\x89PNG");
        assert_eq!(url, "data:image/png;base64,iVBORw==");
        assert_eq!(split(&url), Some(("image/png", "iVBORw==")));
        assert_eq!(
            decode(&url),
            Some(("image/png".into(), b"\x89PNG".to_vec()))
        );
    }

    #[test]
    fn sizes_payloads_without_decoding() {
        for n in 0..10 {
            let bytes = vec![7u8; n];
            assert_eq!(decoded_len(&encode("image/png", &bytes)), Some(n as u64));
        }
        assert_eq!(decoded_len("https://x/y.png"), None);
    }

    #[test]
    fn refuses_other_urls_and_bad_payloads() {
        assert_eq!(split("https://x/y.png"), None);
        assert_eq!(split("data:text/plain,hello"), None);
        assert_eq!(decode("data:image/png;base64,@@@"), None);
    }
}
