//! Context policies: keep what is sent to the model within a token budget, as the
//! reference's context builder does. Tokens are estimated as the reference's default
//! counter does (whitespace-separated words × 1.35); the system prompt and the reserve
//! for the output come off the budget first. `oldest` drops the oldest messages until
//! the rest fits; `fail` refuses the call; `relevance` keeps the most recent messages
//! (and system ones) and fills the rest of the budget with the messages most similar
//! to a query, by embedding. `summarize` keeps the oldest-first truncation, as the
//! reference's Arena (which wires no summarizer) does.

use std::sync::Arc;

use super::ConversationError;
use crate::message::{Message, Role};
use crate::providers::embeddings::{Embedder, HttpEmbedder, cosine_similarity};

/// Tokens per word of the reference's default heuristic counter.
const TOKENS_PER_WORD: f64 = 1.35;

/// What to do when the conversation does not fit.
#[derive(Debug, Clone)]
pub enum Truncation {
    /// Drop the oldest messages.
    Oldest,
    /// Refuse the call.
    Fail,
    /// Drop the messages least similar to a query.
    Relevance(Relevance),
}

/// Settings of relevance truncation.
#[derive(Clone)]
pub struct Relevance {
    /// The embedder, or why there is none (the call then fails when over budget).
    pub embedder: Result<Arc<dyn Embedder>, String>,
    /// The most recent messages, always kept (default 3).
    pub min_recent_messages: usize,
    /// Keep system messages whatever their score (default true).
    pub always_keep_system: bool,
    /// Messages scoring below are dropped (0: no threshold).
    pub similarity_threshold: f64,
    /// What the messages are compared with.
    pub query: RelevanceQuery,
}

impl std::fmt::Debug for Relevance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relevance")
            .field("embedder", &self.embedder.as_ref().map(|_| "..."))
            .field("min_recent_messages", &self.min_recent_messages)
            .field("always_keep_system", &self.always_keep_system)
            .field("similarity_threshold", &self.similarity_threshold)
            .field("query", &self.query)
            .finish()
    }
}

/// The query of relevance truncation.
#[derive(Debug, Clone, PartialEq)]
pub enum RelevanceQuery {
    /// The last user message (else the last message).
    LastUser,
    /// The last `n` messages joined.
    LastN(usize),
    /// A fixed text.
    Custom(String),
}

/// A token budget for what is sent to the model.
#[derive(Debug, Clone)]
pub struct ContextPolicy {
    /// Total tokens the model may see and write.
    pub token_budget: usize,
    /// Kept free for the answer.
    pub reserve_for_output: usize,
    /// What to do when over budget.
    pub strategy: Truncation,
}

impl ContextPolicy {
    /// A policy from a scenario's `context_policy` (`None` without a positive budget).
    /// For `relevance`, `embedder` serves when given, else the API named by
    /// `relevance.provider` with its key from the environment.
    pub fn from_model(
        policy: &promptkit_build::model::ContextPolicy,
        embedder: Option<Arc<dyn Embedder>>,
    ) -> Option<Self> {
        let budget = usize::try_from(policy.token_budget?)
            .ok()
            .filter(|b| *b > 0)?;
        let strategy = match policy.strategy.as_ref().map(|s| s.value.as_str()) {
            Some("fail") => Truncation::Fail,
            Some("relevance") => Truncation::Relevance(relevance(policy, embedder)),
            _ => Truncation::Oldest,
        };
        Some(Self {
            token_budget: budget,
            reserve_for_output: policy
                .reserve_for_output
                .and_then(|r| usize::try_from(r).ok())
                .unwrap_or(0),
            strategy,
        })
    }

    /// The messages to send: all of them when they fit, else per the strategy.
    pub async fn fit(
        &self,
        system: Option<&str>,
        messages: &[Message],
    ) -> Result<Vec<Message>, ConversationError> {
        let available = self
            .token_budget
            .saturating_sub(self.reserve_for_output)
            .saturating_sub(system.map_or(0, count_tokens));
        let sizes: Vec<usize> = messages.iter().map(message_tokens).collect();
        let have: usize = sizes.iter().sum();
        if have <= available && available > 0 {
            return Ok(messages.to_vec());
        }
        match &self.strategy {
            Truncation::Fail => Err(ConversationError::OverBudget {
                have,
                budget: available,
            }),
            Truncation::Oldest => Ok(newest_fitting(messages, &sizes, available)),
            Truncation::Relevance(r) => r.fit(messages, &sizes, available).await,
        }
    }
}

/// The relevance settings of `policy`.
fn relevance(
    policy: &promptkit_build::model::ContextPolicy,
    embedder: Option<Arc<dyn Embedder>>,
) -> Relevance {
    let config = policy.relevance.as_ref();
    let embedder = match (embedder, config) {
        (Some(e), _) => Ok(e),
        (None, Some(c)) => HttpEmbedder::from_env(&c.provider.value, c.model.as_deref())
            .map(|e| Arc::new(e) as Arc<dyn Embedder>)
            .map_err(|e| e.to_string()),
        (None, None) => Err("`context_policy.relevance.provider` is not set".to_owned()),
    };
    let positive = |n: Option<i64>, default: usize| {
        n.and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    Relevance {
        embedder,
        min_recent_messages: positive(
            config.and_then(|c| c.min_recent_messages.as_ref().map(|n| n.value)),
            3,
        ),
        always_keep_system: config
            .and_then(|c| c.always_keep_system_role)
            .unwrap_or(true),
        similarity_threshold: config
            .and_then(|c| c.similarity_threshold.as_ref())
            .map_or(0.0, |t| t.value),
        query: match config.and_then(|c| c.query_source.as_ref().map(|q| q.value.as_str())) {
            Some("last_n") => RelevanceQuery::LastN(positive(
                config.and_then(|c| c.last_n_count.as_ref().map(|n| n.value)),
                3,
            )),
            Some("custom") => RelevanceQuery::Custom(
                config
                    .and_then(|c| c.custom_query.clone())
                    .unwrap_or_default(),
            ),
            _ => RelevanceQuery::LastUser,
        },
    }
}

/// The newest messages whose sizes fit `available`.
fn newest_fitting(messages: &[Message], sizes: &[usize], available: usize) -> Vec<Message> {
    let mut used = 0;
    let keep = sizes
        .iter()
        .rev()
        .take_while(|size| {
            used += **size;
            used <= available
        })
        .count();
    messages[messages.len() - keep..].to_vec()
}

impl Relevance {
    /// Keeps the protected messages (the most recent, system ones) and the most similar
    /// others that fit, in their original order; as the reference, an empty query or a
    /// failed embedding call falls back to oldest-first truncation.
    async fn fit(
        &self,
        messages: &[Message],
        sizes: &[usize],
        available: usize,
    ) -> Result<Vec<Message>, ConversationError> {
        let embedder = self
            .embedder
            .as_ref()
            .map_err(|why| ConversationError::RelevanceUnavailable(why.clone()))?;
        let query = self.query_text(messages);
        if query.is_empty() {
            return Ok(newest_fitting(messages, sizes, available));
        }
        let texts: Vec<String> = std::iter::once(query)
            .chain(messages.iter().map(|m| m.content.clone()))
            .collect();
        let vectors = match embedder.embed(&texts).await {
            Ok(v) if v.len() == texts.len() => v,
            _ => return Ok(newest_fitting(messages, sizes, available)),
        };
        let recent_from = messages.len().saturating_sub(self.min_recent_messages);
        let protected = |i: usize| {
            i >= recent_from || (self.always_keep_system && messages[i].role == Role::System)
        };
        let protected_tokens: usize = (0..messages.len())
            .filter(|i| protected(*i))
            .map(|i| sizes[i])
            .sum();
        let mut keep = vec![false; messages.len()];
        if protected_tokens > available {
            // Only the most recent protected messages that fit, as the reference.
            let mut used = 0;
            for i in (0..messages.len()).rev().filter(|i| protected(*i)) {
                if used + sizes[i] <= available {
                    keep[i] = true;
                    used += sizes[i];
                }
            }
        } else {
            let mut candidates: Vec<(usize, f64)> = (0..messages.len())
                .filter(|i| !protected(*i))
                .map(|i| (i, cosine_similarity(&vectors[0], &vectors[i + 1])))
                .collect();
            candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut used = protected_tokens;
            for (i, score) in candidates {
                if self.similarity_threshold > 0.0 && score < self.similarity_threshold {
                    continue;
                }
                if used + sizes[i] <= available {
                    keep[i] = true;
                    used += sizes[i];
                }
            }
            for (i, k) in keep.iter_mut().enumerate() {
                *k |= protected(i);
            }
        }
        Ok(messages
            .iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(m, _)| m.clone())
            .collect())
    }

    fn query_text(&self, messages: &[Message]) -> String {
        match &self.query {
            RelevanceQuery::Custom(q) => q.clone(),
            RelevanceQuery::LastN(n) => messages[messages.len().saturating_sub(*n)..]
                .iter()
                .map(|m| m.content.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            RelevanceQuery::LastUser => messages
                .iter()
                .rev()
                .find(|m| m.role == Role::User)
                .or(messages.last())
                .map(|m| m.content.clone())
                .unwrap_or_default(),
        }
    }
}

/// The reference's default token estimate of a text.
pub fn count_tokens(text: &str) -> usize {
    (text.split_whitespace().count() as f64 * TOKENS_PER_WORD) as usize
}

fn message_tokens(m: &Message) -> usize {
    count_tokens(&m.content)
        + m.tool_calls
            .iter()
            .map(|c| count_tokens(&c.arguments.to_string()))
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::embeddings::EmbedFuture;

    fn policy(strategy: Truncation) -> ContextPolicy {
        ContextPolicy {
            token_budget: 30,
            reserve_for_output: 10,
            strategy,
        }
    }

    #[test]
    fn counts_like_the_reference() {
        assert_eq!(count_tokens("one two three four"), 5);
        assert_eq!(count_tokens(""), 0);
    }

    #[tokio::test]
    async fn keeps_the_newest_messages_that_fit_or_fails() {
        let messages = vec![
            Message::user("a b c d e f g h i j"),
            Message::assistant("k l m n o"),
            Message::user("p q r"),
        ];
        let kept = policy(Truncation::Oldest)
            .fit(Some("sys"), &messages)
            .await
            .expect("fits");
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].content, "k l m n o");
        let err = policy(Truncation::Fail)
            .fit(Some("sys"), &messages)
            .await
            .expect_err("over");
        assert_eq!(
            err,
            ConversationError::OverBudget {
                have: 23,
                budget: 19
            }
        );
        let short = vec![Message::user("hi")];
        let fits = policy(Truncation::Fail).fit(None, &short).await;
        assert_eq!(fits.expect("fits").len(), 1);
    }

    /// Embeds a text as its counts of "refund" and "shipping".
    struct Topics;

    impl Embedder for Topics {
        fn embed<'a>(&'a self, texts: &'a [String]) -> EmbedFuture<'a> {
            let vectors = texts
                .iter()
                .map(|t| {
                    ["refund", "shipping"]
                        .iter()
                        .map(|w| t.matches(w).count() as f64)
                        .collect()
                })
                .collect();
            Box::pin(async move { Ok(vectors) })
        }
    }

    fn relevance(embedder: Result<Arc<dyn Embedder>, String>) -> Truncation {
        Truncation::Relevance(Relevance {
            embedder,
            min_recent_messages: 1,
            always_keep_system: true,
            similarity_threshold: 0.0,
            query: RelevanceQuery::LastUser,
        })
    }

    #[tokio::test]
    async fn relevance_keeps_the_recent_and_the_most_similar_messages() {
        let messages = vec![
            Message::user("refund for the blue jacket please"),
            Message::assistant("shipping takes three days by road"),
            Message::user("shipping to Norway costs extra money"),
            Message::user("what about my refund"),
        ];
        // 20 tokens available: the last message (5) is protected; of the others (each
        // 8-9 tokens) only the refund one fits next to it, as the most similar.
        let kept = policy(relevance(Ok(Arc::new(Topics))))
            .fit(None, &messages)
            .await
            .expect("fits");
        let texts: Vec<&str> = kept.iter().map(|m| m.content.as_str()).collect();
        assert_eq!(
            texts,
            ["refund for the blue jacket please", "what about my refund"]
        );
    }

    #[tokio::test]
    async fn relevance_without_an_embedder_fails_only_when_over_budget() {
        let strategy = relevance(Err("no key".into()));
        let short = vec![Message::user("hi")];
        let fits = policy(strategy.clone()).fit(None, &short).await;
        assert_eq!(fits.expect("fits").len(), 1);
        let long = vec![Message::user("a b c d e f g h i j k l m n o p q r s t")];
        let err = policy(strategy).fit(None, &long).await.expect_err("over");
        assert!(err.to_string().contains("no key"), "{err}");
    }
}
