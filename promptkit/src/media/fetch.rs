//! Opt-in download of turn media given by `url` (`RunOptions::fetch_media`,
//! `run --fetch-media`), as the reference's HTTP media loader: a timeout, at most 10
//! redirects, the item size cap while reading, and no private, loopback or reserved
//! address unless allowed (SSRF). Without it an image URL goes to the provider by
//! reference and other URLs end the case.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use futures_util::StreamExt;
use promptkit_build::model::ContentPart as TurnPart;

use super::load::{MediaError, MediaRoot};

/// How turn media URLs are downloaded.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaFetch {
    /// The limit of one download (default 30 s, as the reference).
    pub timeout: Duration,
    /// Accept URLs that resolve to private, loopback or reserved addresses (off by
    /// default: a scenario cannot reach into the machine's network).
    pub allow_private: bool,
}

impl Default for MediaFetch {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            allow_private: false,
        }
    }
}

/// Redirects followed at most, as the reference.
const MAX_REDIRECTS: usize = 10;

impl MediaFetch {
    /// The bytes behind every `url` of `parts` (parts that name a file or inline data
    /// first use those, as [`super::turn_message`] does), keyed by URL; the first
    /// failure, located, otherwise.
    pub async fn turn_media(
        &self,
        parts: &[TurnPart],
        media: &MediaRoot,
    ) -> Result<BTreeMap<String, Vec<u8>>, MediaError> {
        let mut fetched = BTreeMap::new();
        let urls: Vec<_> = parts
            .iter()
            .filter_map(|p| p.media.as_ref())
            .filter(|m| m.file_path.is_none() && m.data.is_none())
            .filter_map(|m| m.url.as_ref())
            .collect();
        let failed = |url: &promptkit_build::model::Spanned<String>, reason| MediaError::Download {
            at: media.locate(&url.referenced),
            url: url.value.clone(),
            reason,
        };
        let Some(first) = urls.first() else {
            return Ok(fetched);
        };
        let client = self.client().map_err(|reason| failed(first, reason))?;
        for url in urls {
            if fetched.contains_key(&url.value) {
                continue;
            }
            let bytes = self
                .download(&client, &url.value, media.max_bytes)
                .await
                .map_err(|reason| failed(url, reason))?;
            fetched.insert(url.value.clone(), bytes);
        }
        Ok(fetched)
    }

    /// The client of one turn's downloads: this fetch's timeout, and a redirect policy
    /// that counts hops and refuses private addresses written as IPs.
    fn client(&self) -> Result<reqwest::Client, String> {
        let allow_private = self.allow_private;
        crate::tls::client_builder()
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= MAX_REDIRECTS {
                    attempt.error(format!("stopped after {MAX_REDIRECTS} redirects"))
                } else if !allow_private
                    && attempt
                        .url()
                        .host_str()
                        .and_then(ip_literal)
                        .is_some_and(is_private)
                {
                    attempt.error("redirected to a private or reserved address")
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))
    }

    async fn download(
        &self,
        client: &reqwest::Client,
        url: &str,
        max_bytes: u64,
    ) -> Result<Vec<u8>, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "`{}` URLs are not downloaded; use http or https",
                parsed.scheme()
            ));
        }
        if !self.allow_private {
            refuse_private(&parsed).await?;
        }
        let response = client.get(parsed).send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the server answered HTTP {status}"));
        }
        if let Some(length) = response.content_length().filter(|l| *l > max_bytes) {
            return Err(format!(
                "{length} bytes, over the limit of {max_bytes} bytes"
            ));
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            if (body.len() + chunk.len()) as u64 > max_bytes {
                return Err(format!("over the limit of {max_bytes} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// Refuses a URL whose host is, or resolves to, a private or reserved address.
async fn refuse_private(url: &reqwest::Url) -> Result<(), String> {
    let host = url.host_str().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<IpAddr> = match ip_literal(host) {
        Some(ip) => vec![ip],
        None => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("cannot resolve `{host}`: {e}"))?
            .map(|a| a.ip())
            .collect(),
    };
    match addresses.into_iter().find(|ip| is_private(*ip)) {
        Some(ip) => Err(format!(
            "`{host}` is a private, loopback or reserved address ({ip}); such URLs are not downloaded"
        )),
        None => Ok(()),
    }
}

fn ip_literal(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// Loopback, private (RFC 1918, unique local), link-local, carrier-grade NAT,
/// unspecified, broadcast, documentation and multicast addresses.
fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || (a == 100 && (64..128).contains(&b))
                || a == 0
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_reserved_addresses_are_recognised() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(private.parse().expect("ip")), "{private}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1::248", "8.8.8.8"] {
            assert!(!is_private(public.parse().expect("ip")), "{public}");
        }
    }
}
