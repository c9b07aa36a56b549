//! The PromptArena engine: a [`Suite`] is a checked project with its run plan
//! (scenarios × providers × trials); each [`Case`] plays the scenario's scripted and
//! self-play turns through a [`crate::conversation::Conversation`], evaluates every
//! assertion, and yields a [`CaseResult`]; [`report`] writes a [`RunResult`] as JSON,
//! JUnit XML, Markdown and HTML.

mod case;
mod evals;
mod judge;
mod memory;
mod pack_evals;
pub mod report;
pub mod results;
mod run;
mod scoring;
mod selfplay;
mod setup;
mod suite;
mod trials;
mod workflow;

pub use promptkit_build::plan::{Case, CaseKind};
pub use results::{
    AssertionRecord, CaseDelta, CaseMedia, CaseResult, Comparison, EvalRecord, MessageMedia,
    RunBudget, RunResult, Status, Totals, TurnRecord, WorkflowReport,
};
pub use setup::Setup;
pub use suite::{RunOptions, Suite, SuiteError};
