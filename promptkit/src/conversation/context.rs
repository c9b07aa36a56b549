//! Context policies: keep what is sent to the model within a token budget, as the
//! reference's context builder does. Tokens are estimated as the reference's default
//! counter does (whitespace-separated words × 1.35); the system prompt and the reserve
//! for the output come off the budget first. `oldest` drops the oldest messages until
//! the rest fits; `fail` refuses the call. Other strategies (relevance, summarize)
//! need an embedding or summarizing model and fall back to `oldest`.

use crate::message::Message;

/// Tokens per word of the reference's default heuristic counter.
const TOKENS_PER_WORD: f64 = 1.35;

/// What to do when the conversation does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncation {
    /// Drop the oldest messages.
    Oldest,
    /// Refuse the call.
    Fail,
}

/// A token budget for what is sent to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextPolicy {
    /// Total tokens the model may see and write.
    pub token_budget: usize,
    /// Kept free for the answer.
    pub reserve_for_output: usize,
    /// What to do when over budget.
    pub strategy: Truncation,
}

/// Why a call could not be made within the budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverBudget {
    /// Estimated tokens of the messages.
    pub have: usize,
    /// Tokens available for them.
    pub budget: usize,
}

impl ContextPolicy {
    /// A policy from a scenario's `context_policy` (`None` without a positive budget).
    pub fn from_model(policy: &promptkit_build::model::ContextPolicy) -> Option<Self> {
        let budget = usize::try_from(policy.token_budget?)
            .ok()
            .filter(|b| *b > 0)?;
        Some(Self {
            token_budget: budget,
            reserve_for_output: policy
                .reserve_for_output
                .and_then(|r| usize::try_from(r).ok())
                .unwrap_or(0),
            strategy: match policy.strategy.as_ref().map(|s| s.value.as_str()) {
                Some("fail") => Truncation::Fail,
                _ => Truncation::Oldest,
            },
        })
    }

    /// The messages to send: all of them when they fit, else per the strategy.
    pub fn fit(
        &self,
        system: Option<&str>,
        messages: &[Message],
    ) -> Result<Vec<Message>, OverBudget> {
        let available = self
            .token_budget
            .saturating_sub(self.reserve_for_output)
            .saturating_sub(system.map_or(0, count_tokens));
        let sizes: Vec<usize> = messages.iter().map(message_tokens).collect();
        let have: usize = sizes.iter().sum();
        if have <= available && available > 0 {
            return Ok(messages.to_vec());
        }
        match self.strategy {
            Truncation::Fail => Err(OverBudget {
                have,
                budget: available,
            }),
            Truncation::Oldest => {
                let mut used = 0;
                let keep = sizes
                    .iter()
                    .rev()
                    .take_while(|size| {
                        used += **size;
                        used <= available
                    })
                    .count();
                Ok(messages[messages.len() - keep..].to_vec())
            }
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

    #[test]
    fn keeps_the_newest_messages_that_fit_or_fails() {
        let messages = vec![
            Message::user("a b c d e f g h i j"),
            Message::assistant("k l m n o"),
            Message::user("p q r"),
        ];
        let kept = policy(Truncation::Oldest)
            .fit(Some("sys"), &messages)
            .expect("fits");
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].content, "k l m n o");
        let err = policy(Truncation::Fail)
            .fit(Some("sys"), &messages)
            .expect_err("over");
        assert_eq!(
            err,
            OverBudget {
                have: 23,
                budget: 19
            }
        );
        let short = vec![Message::user("hi")];
        assert_eq!(
            policy(Truncation::Fail)
                .fit(None, &short)
                .expect("fits")
                .len(),
            1
        );
    }
}
