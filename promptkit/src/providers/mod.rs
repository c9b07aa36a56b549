//! Provider implementations: keyless (mock, replay) and live HTTP backends.
pub mod mock;

use std::sync::Arc;

use promptkit_build::model::ProviderSpec;

use crate::provider::{ErrorKind, Provider, ProviderError};

/// A live provider for an arena provider config.
pub fn live(id: &str, spec: &ProviderSpec) -> Result<Arc<dyn Provider>, ProviderError> {
    Err(ProviderError::new(
        id,
        "create provider",
        ErrorKind::Config,
        format!(
            "provider type `{}` has no live implementation in this build; run keyless with \
             `--mock-provider --mock-config <file>`",
            spec.r#type.value
        ),
    ))
}
