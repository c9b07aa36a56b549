//! The closed set of assertion types: one variant per registry entry, so a handler
//! `match` over [`EvalKind`] fails to build when a type has no handler.

/// Declares [`EvalKind`] with each variant's canonical name.
macro_rules! eval_kinds {
    ($($variant:ident = $name:literal,)*) => {
        /// Every assertion (eval) type of the registry, by its canonical name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EvalKind {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl EvalKind {
            /// Every kind, in registry order.
            pub const ALL: &'static [EvalKind] = &[$(EvalKind::$variant),*];

            /// The canonical name.
            pub const fn name(self) -> &'static str {
                match self {
                    $(EvalKind::$variant => $name,)*
                }
            }
        }
    };
}

eval_kinds! {
    Contains = "contains",
    ContainsAny = "contains_any",
    ContentExcludes = "content_excludes",
    Regex = "regex",
    FieldPresence = "field_presence",
    JsonValid = "json_valid",
    JsonSchema = "json_schema",
    JsonPath = "json_path",
    MinLength = "min_length",
    MaxLength = "max_length",
    SentenceCount = "sentence_count",
    LatencyBudget = "latency_budget",
    CostBudget = "cost_budget",
    GuardrailTriggered = "guardrail_triggered",
    CosineSimilarity = "cosine_similarity",
    ToolsCalled = "tools_called",
    ToolsNotCalled = "tools_not_called",
    ToolArgs = "tool_args",
    ToolsCalledSession = "tools_called_session",
    ToolsNotCalledSession = "tools_not_called_session",
    ToolArgsSession = "tool_args_session",
    ToolArgsExcludedSession = "tool_args_excluded_session",
    NoToolErrors = "no_tool_errors",
    ToolCallCount = "tool_call_count",
    ToolResultIncludes = "tool_result_includes",
    ToolResultMatches = "tool_result_matches",
    ToolResultHasMedia = "tool_result_has_media",
    ToolResultMediaType = "tool_result_media_type",
    ToolCallSequence = "tool_call_sequence",
    ToolCallChain = "tool_call_chain",
    ToolCallsWithArgs = "tool_calls_with_args",
    ToolAntiPattern = "tool_anti_pattern",
    ToolNoRepeat = "tool_no_repeat",
    ToolEfficiency = "tool_efficiency",
    InvariantFieldsPreserved = "invariant_fields_preserved",
    ToolExec = "tool_exec",
    AgentInvoked = "agent_invoked",
    AgentNotInvoked = "agent_not_invoked",
    AgentResponseContains = "agent_response_contains",
    WorkflowComplete = "workflow_complete",
    StateIs = "state_is",
    TransitionedTo = "transitioned_to",
    SpokeInState = "spoke_in_state",
    WorkflowTransitionOrder = "workflow_transition_order",
    WorkflowToolAccess = "workflow_tool_access",
    SkillActivated = "skill_activated",
    SkillNotActivated = "skill_not_activated",
    SkillActivationOrder = "skill_activation_order",
    CompositionStepOutput = "composition_step_output",
    CompositionBranchTaken = "composition_branch_taken",
    CompositionParallelComplete = "composition_parallel_complete",
    CompositionOutput = "composition_output",
    ImageFormat = "image_format",
    ImageDimensions = "image_dimensions",
    AudioFormat = "audio_format",
    AudioDuration = "audio_duration",
    VideoDuration = "video_duration",
    VideoResolution = "video_resolution",
    AudioEmotion = "audio_emotion",
    ImageModeration = "image_moderation",
    TextToxicity = "text_toxicity",
    TextSentiment = "text_sentiment",
    LlmJudge = "llm_judge",
    LlmJudgeSession = "llm_judge_session",
    LlmJudgeToolCalls = "llm_judge_tool_calls",
    Faithfulness = "faithfulness",
    AnswerRelevancy = "answer_relevancy",
    ContextualPrecision = "contextual_precision",
    ContextualRecall = "contextual_recall",
    ContextualRelevancy = "contextual_relevancy",
    Hallucination = "hallucination",
    Bias = "bias",
    Toxicity = "toxicity",
    PiiLeakage = "pii_leakage",
    RoleViolation = "role_violation",
    RestEval = "rest_eval",
    RestEvalSession = "rest_eval_session",
    A2aEval = "a2a_eval",
    A2aEvalSession = "a2a_eval_session",
    OutcomeEquivalent = "outcome_equivalent",
    Directional = "directional",
    Assertion = "assertion",
    Guardrail = "guardrail",
}
