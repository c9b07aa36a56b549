//! `defaults.output.recording`: one session recording per case, in the reference's
//! event-store format ([`event_store_jsonl`]), named by the case's run id
//! (`<output dir>/<recording dir>/<RunID>.jsonl`) as the reference's engine names its
//! sessions. A `type: replay` provider or an eval reads them back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::arena_output::{RunIds, turn_answers};
use crate::arena::results::RunResult;
use crate::files::write_atomically;
use crate::providers::session::{CallInfo, RecordedCall, SessionMessage, event_store_jsonl};

/// The reference's default recordings folder inside the output folder.
pub const DEFAULT_RECORDINGS_DIR: &str = "recordings";

/// Writes one `<RunID>.jsonl` per case of `run` into `dir` (created if needed); returns
/// the files. Each final answer carries its turn's tokens, cost and provider time.
pub fn write_session_recordings(
    run: &RunResult,
    ids: &RunIds,
    dir: &Path,
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (n, case) in run.cases.iter().enumerate() {
        let messages: Vec<SessionMessage> = case
            .messages
            .iter()
            .zip(turn_answers(case))
            .map(|(message, turn)| SessionMessage {
                message: message.clone(),
                offset: None,
                call: turn.map(|t| CallInfo {
                    usage: t.usage,
                    cost: t.cost_usd.unwrap_or(0.0),
                    latency: Duration::from_secs_f64(t.latency_ms.max(0.0) / 1000.0),
                }),
            })
            .collect();
        let text = event_store_jsonl(
            ids.case(n),
            ids.timestamp(),
            &case.system_prompt,
            &messages,
            RecordedCall {
                provider: &case.provider,
                model: "",
            },
        );
        let path = dir.join(format!("{}.jsonl", ids.case(n)));
        write_atomically(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
