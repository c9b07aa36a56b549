//! Run defaults of an arena config: sampling, output formats, monitoring.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::strict;

/// Run defaults.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Temperature.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub temperature: Option<Spanned<f64>>,
    /// Maximum output tokens.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub max_tokens: Option<Spanned<i64>>,
    /// Seed.
    #[serde(default, deserialize_with = "strict::opt")]
    pub seed: Option<i64>,
    /// Parallel runs.
    #[serde(default, deserialize_with = "strict::opt_spanned")]
    pub concurrency: Option<Spanned<i64>>,
    /// Whole-run timeout (Go duration).
    #[serde(default)]
    pub run_timeout: Option<Spanned<String>>,
    /// Output settings.
    #[serde(default)]
    pub output: Option<OutputConfig>,
    /// Base folder for `mock_config` and other runtime paths.
    #[serde(default)]
    pub config_dir: Option<Spanned<String>>,
    /// Error classes that fail the run (e.g. `provider_error`).
    #[serde(default)]
    pub fail_on: Vec<Spanned<String>>,
    /// Verbose logging.
    #[serde(default)]
    pub verbose: Option<bool>,
    /// Monitoring.
    #[serde(default)]
    pub monitor: Option<MonitorSection>,
    /// Default inference providers per task.
    #[serde(default)]
    pub inference: Option<InferenceDefaults>,
    /// Legacy HTML report path.
    #[serde(default)]
    pub html_report: Option<String>,
    /// Legacy output folder.
    #[serde(default)]
    pub out_dir: Option<String>,
    /// Legacy output formats.
    #[serde(default)]
    pub output_formats: Vec<Spanned<String>>,
    /// Legacy markdown settings.
    #[serde(default)]
    pub markdown_config: Option<MarkdownConfig>,
}

/// Output settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Output folder.
    #[serde(default)]
    pub dir: Option<String>,
    /// Formats: `json`, `html`, `markdown`, `junit`.
    #[serde(default)]
    pub formats: Vec<Spanned<String>>,
    /// JSON output (no options).
    #[serde(default)]
    pub json: Option<EmptyConfig>,
    /// HTML output.
    #[serde(default)]
    pub html: Option<FileOutputConfig>,
    /// Markdown output.
    #[serde(default)]
    pub markdown: Option<MarkdownOutputConfig>,
    /// JUnit output.
    #[serde(default)]
    pub junit: Option<FileOutputConfig>,
    /// Session recordings.
    #[serde(default)]
    pub recording: Option<RecordingConfig>,
}

/// A section without options.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyConfig {}

/// An output written to one file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileOutputConfig {
    /// File name.
    #[serde(default)]
    pub file: Option<String>,
}

/// Markdown report sections.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Include details.
    #[serde(default)]
    pub include_details: bool,
    /// Overview section.
    #[serde(default)]
    pub show_overview: bool,
    /// Results matrix.
    #[serde(default)]
    pub show_results_matrix: bool,
    /// Failed tests.
    #[serde(default)]
    pub show_failed_tests: bool,
    /// Cost summary.
    #[serde(default)]
    pub show_cost_summary: bool,
}

/// Markdown output: file plus sections.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownOutputConfig {
    /// File name.
    #[serde(default)]
    pub file: Option<String>,
    /// Include details.
    #[serde(default)]
    pub include_details: bool,
    /// Overview section.
    #[serde(default)]
    pub show_overview: bool,
    /// Results matrix.
    #[serde(default)]
    pub show_results_matrix: bool,
    /// Failed tests.
    #[serde(default)]
    pub show_failed_tests: bool,
    /// Cost summary.
    #[serde(default)]
    pub show_cost_summary: bool,
}

/// Session recordings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingConfig {
    /// Record sessions.
    #[serde(default)]
    pub enabled: bool,
    /// Subfolder of the output folder.
    #[serde(default)]
    pub dir: Option<String>,
}

/// Monitoring.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorSection {
    /// Audio monitoring.
    #[serde(default)]
    pub audio: Option<AudioMonitorSection>,
}

/// Audio monitoring.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AudioMonitorSection {
    /// `auto`, `on`, `off`.
    #[serde(default)]
    pub enabled: Option<String>,
    /// Sample rate.
    #[serde(default, deserialize_with = "strict::opt")]
    pub rate: Option<i64>,
}

/// Default inference providers per task.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InferenceDefaults {
    /// Audio classifier provider id.
    #[serde(default)]
    pub audio_classifier: Option<Spanned<String>>,
    /// Text classifier provider id.
    #[serde(default)]
    pub text_classifier: Option<Spanned<String>>,
    /// Image classifier provider id.
    #[serde(default)]
    pub image_classifier: Option<Spanned<String>>,
    /// Video classifier provider id.
    #[serde(default)]
    pub video_classifier: Option<Spanned<String>>,
    /// Embedder provider id.
    #[serde(default)]
    pub embedder: Option<Spanned<String>>,
}
