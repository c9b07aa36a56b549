//! Structural checks of a loaded pack (the compiler's, see [`promptkit_build::pack::check`]).

use promptkit_build::pack::{Finding, check};

use super::Pack;

impl Pack {
    /// Cross-reference findings: prompts, workflow states and events, agent members,
    /// prompt tools and template variables.
    pub fn check(&self) -> Vec<Finding> {
        check(self.model())
    }
}
