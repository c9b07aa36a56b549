//! Agent memory (`spec.memory.enabled`): the `memory__remember`, `memory__recall`,
//! `memory__list` and `memory__forget` tools over a per-conversation store, with the
//! reference's argument names, defaults (`type: general`, `confidence: 0.8`) and
//! result shapes. Recall matches memories sharing a word with the query (all of them
//! for an empty query), most confident first.

use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use serde_json::{Value, json};

use promptkit_build::model::SeedMemory;

use crate::provider::ToolSpec;
use crate::tools::{Handler, ToolError, Toolbox};

/// One remembered fact.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Memory {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    content: String,
    confidence: f64,
}

type Store = Arc<Mutex<Vec<Memory>>>;

pub(crate) use promptkit_build::model::MEMORY_TOOLS;

/// Adds the memory tools to `tools`, over a fresh store holding the scenario's
/// `seed_memories` (as the reference: type `general` and confidence 0.8 when unset;
/// an entry without content is an error).
pub(crate) fn add_memory_tools(tools: &mut Toolbox, seeds: &[SeedMemory]) -> Result<(), String> {
    let store: Store = Arc::default();
    {
        let mut memories = store.lock().unwrap_or_else(PoisonError::into_inner);
        for (i, seed) in seeds.iter().enumerate() {
            let args = json!({"content": seed.content, "type": seed.r#type, "confidence": seed.confidence});
            remember(&mut memories, &args).map_err(|e| format!("seed_memories[{i}]: {e}"))?;
        }
    }
    let string = json!({"type": "string"});
    let spec = |name: &str, description: &str, properties: Value, required: &[&str]| ToolSpec {
        name: name.to_owned(),
        description: description.to_owned(),
        input_schema: json!({"type": "object", "properties": properties, "required": required}),
    };
    tools.define(
        spec(
            "memory__remember",
            "Store a fact about the user or the conversation for later.",
            json!({"content": string, "type": string, "confidence": {"type": "number"}, "category": string}),
            &["content"],
        ),
        handler(&store, remember),
    );
    tools.define(
        spec(
            "memory__recall",
            "Search stored memories relevant to a query.",
            json!({"query": string, "types": {"type": "array", "items": string}, "limit": {"type": "integer"}, "min_confidence": {"type": "number"}}),
            &["query"],
        ),
        handler(&store, recall),
    );
    tools.define(
        spec("memory__list", "List every stored memory.", json!({}), &[]),
        handler(&store, list),
    );
    tools.define(
        spec(
            "memory__forget",
            "Delete a stored memory by id.",
            json!({"id": string}),
            &["id"],
        ),
        handler(&store, forget),
    );
    Ok(())
}

fn handler(store: &Store, op: fn(&mut Vec<Memory>, &Value) -> Result<Value, String>) -> Handler {
    let store = store.clone();
    Arc::new(move |args: Value| {
        let store = store.clone();
        Box::pin(async move {
            let mut memories = store.lock().unwrap_or_else(PoisonError::into_inner);
            op(&mut memories, &args).map_err(ToolError::Failed)
        })
    })
}

fn remember(memories: &mut Vec<Memory>, args: &Value) -> Result<Value, String> {
    let content = args
        .get("content")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .ok_or("memory remember: content is required")?;
    let memory = Memory {
        id: format!("mem-{}", memories.len() + 1),
        kind: args
            .get("type")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .unwrap_or("general")
            .to_owned(),
        content: content.to_owned(),
        confidence: args
            .get("confidence")
            .and_then(Value::as_f64)
            .filter(|c| *c > 0.0)
            .unwrap_or(0.8),
    };
    let id = memory.id.clone();
    memories.push(memory);
    Ok(json!({"status": "remembered", "id": id}))
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

// Every operation shares one signature (see `handler`), so recall takes a Vec too.
#[allow(clippy::ptr_arg)]
fn recall(memories: &mut Vec<Memory>, args: &Value) -> Result<Value, String> {
    let query = words(
        args.get("query")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    );
    let types: Vec<&str> = args
        .get("types")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let min_confidence = args
        .get("min_confidence")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let mut found: Vec<&Memory> = memories
        .iter()
        .filter(|m| types.is_empty() || types.contains(&m.kind.as_str()))
        .filter(|m| m.confidence >= min_confidence)
        .filter(|m| {
            let have = words(&m.content);
            query.is_empty() || query.iter().any(|q| have.contains(q))
        })
        .collect();
    found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    if let Some(limit) = args.get("limit").and_then(Value::as_u64).filter(|l| *l > 0) {
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    Ok(json!({"memories": found, "count": found.len()}))
}

#[allow(clippy::ptr_arg)]
fn list(memories: &mut Vec<Memory>, _: &Value) -> Result<Value, String> {
    Ok(json!({"memories": memories, "count": memories.len()}))
}

fn forget(memories: &mut Vec<Memory>, args: &Value) -> Result<Value, String> {
    let id = args
        .get("id")
        .and_then(Value::as_str)
        .ok_or("memory forget: id is required")?;
    let before = memories.len();
    memories.retain(|m| m.id != id);
    if memories.len() == before {
        return Err(format!("memory forget: no memory with id `{id}`"));
    }
    Ok(json!({"status": "forgotten", "id": id}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_recalls_and_forgets() {
        let mut m = Vec::new();
        remember(
            &mut m,
            &json!({"content": "User prefers dark mode", "type": "preference"}),
        )
        .unwrap();
        remember(
            &mut m,
            &json!({"content": "Works on Omnia", "confidence": 0.95}),
        )
        .unwrap();
        let got = recall(&mut m, &json!({"query": "what mode preferences"})).unwrap();
        assert_eq!(got["count"], 1);
        assert_eq!(got["memories"][0]["type"], "preference");
        assert_eq!(got["memories"][0]["confidence"], 0.8);
        assert_eq!(recall(&mut m, &json!({"query": ""})).unwrap()["count"], 2);
        forget(&mut m, &json!({"id": "mem-1"})).unwrap();
        assert!(forget(&mut m, &json!({"id": "mem-1"})).is_err());
        assert!(remember(&mut m, &json!({})).is_err());
    }

    #[tokio::test]
    async fn seed_memories_are_there_before_the_first_turn() {
        let seeds = [SeedMemory {
            content: "User is vegetarian".into(),
            r#type: Some("preference".into()),
            confidence: None,
            metadata: None,
        }];
        let mut tools = Toolbox::new();
        add_memory_tools(&mut tools, &seeds).expect("seeded");
        let call =
            crate::message::ToolCall::new("1", "memory__recall", json!({"query": "vegetarian"}));
        let out = tools.call(&call, &Default::default()).await;
        let got = out.result.expect("recalled");
        assert_eq!(got["count"], 1);
        assert_eq!(got["memories"][0]["type"], "preference");
        assert_eq!(got["memories"][0]["confidence"], 0.8);
        let empty = [SeedMemory {
            content: String::new(),
            r#type: None,
            confidence: None,
            metadata: None,
        }];
        assert!(add_memory_tools(&mut Toolbox::new(), &empty).is_err());
    }
}
