//! Provider implementations: keyless (mock, replay) and live HTTP backends.
pub mod mock;
