//! Tests of the promptkit runtime, in one binary: each file of `tests/` is a module here, so the
//! suite links once instead of once per file.

mod mcp_support;
#[path = "../../build-support/tests/support/mutations.rs"]
mod mutations;
mod suite_support;
mod support;

mod a2a_agents;
mod a2a_remote;
mod arena_config_effects;
mod arena_custom_assertion;
mod arena_exec_eval;
mod arena_fail_on;
mod arena_media;
mod arena_media_replies;
mod arena_quickstart;
mod arena_test_failure;
mod assertions_conformance_params;
mod assertions_evaluator;
mod assertions_reference_cases;
mod assertions_robustness;
mod cassettes;
mod conformance_run;
mod conformance_streaming;
mod context_relevance;
mod conversation_streaming;
mod layers;
mod mcp_servers;
mod mcp_sources;
mod mcp_startup;
mod mutation_campaign_run;
mod pack;
mod pack_clients;
mod pack_conversation;
mod providers_anthropic;
mod providers_faults;
mod providers_gemini;
mod providers_limits;
mod providers_media;
mod providers_openai;
mod providers_platforms;
mod providers_recordings;
mod providers_wire;
mod recordings_media;
mod reference_multimodal;
mod replay_session;
mod reports;
mod reports_media;
mod secrets;
mod shared_history;
mod skills;
mod tool_modes;
mod validators_reference_cases;
mod workflow_limits;
