//! The TLS set-up every HTTP client of the runtime shares: rustls with the ring
//! provider, installed for the process on first use.

/// A client builder on the process's TLS provider.
pub(crate) fn client_builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}
