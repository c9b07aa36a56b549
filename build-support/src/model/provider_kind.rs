//! A provider's `type` (its implementation) and `role` (what it is for), as closed sets:
//! a misspelt `type: opneai` is a load error at the value, with a suggestion.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer};
use serde::{Serialize, Serializer};
use serde_saphyr::Spanned;

use super::strict;

/// A closed set of names read from YAML strings.
pub trait Named: Sized + Copy + 'static {
    /// What the value is called in errors ("provider type").
    const WHAT: &'static str;
    /// Every value, in the order errors list them.
    const ALL: &'static [Self];
    /// The spelling written back and shown in messages.
    fn as_str(self) -> &'static str;
    /// Other spellings the reference or this runtime accept.
    fn aliases(self) -> &'static [&'static str] {
        &[]
    }
    /// The value of a spelling (exact, case-sensitive like the reference).
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == name || v.aliases().contains(&name))
    }
}

/// A provider implementation (`type:`): the reference's provider, embedding, TTS, STT
/// and inference factories, plus this runtime's Azure and OpenAI-compatible spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderType {
    /// OpenAI (chat, embeddings, TTS, STT).
    OpenAi,
    /// Anthropic Claude (`claude`, or `anthropic`).
    Claude,
    /// Google Gemini (chat, embeddings).
    Gemini,
    /// Google Imagen (image generation).
    Imagen,
    /// Ollama (chat, embeddings).
    Ollama,
    /// vLLM.
    Vllm,
    /// Any OpenAI-compatible endpoint at `base_url`.
    OpenAiCompatible,
    /// Azure OpenAI (`azure`, `azure-openai`, `azure_openai`).
    Azure,
    /// The mock provider (canned responses).
    Mock,
    /// Replays recorded sessions.
    Replay,
    /// Voyage AI embeddings.
    VoyageAi,
    /// ElevenLabs TTS.
    ElevenLabs,
    /// Cartesia TTS.
    Cartesia,
    /// Hugging Face Inference API classifiers.
    HuggingFace,
    /// The reference's embedding provider on AWS Bedrock (Titan, Cohere bodies).
    Bedrock,
    /// The reference's embedding provider on GCP Vertex AI.
    Vertex,
}

impl Named for ProviderType {
    const WHAT: &'static str = "provider type";
    const ALL: &'static [Self] = &[
        Self::OpenAi,
        Self::Claude,
        Self::Gemini,
        Self::Imagen,
        Self::Ollama,
        Self::Vllm,
        Self::OpenAiCompatible,
        Self::Azure,
        Self::Mock,
        Self::Replay,
        Self::VoyageAi,
        Self::ElevenLabs,
        Self::Cartesia,
        Self::HuggingFace,
        Self::Bedrock,
        Self::Vertex,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Claude => "claude",
            Self::Gemini => "gemini",
            Self::Imagen => "imagen",
            Self::Ollama => "ollama",
            Self::Vllm => "vllm",
            Self::OpenAiCompatible => "openai-compatible",
            Self::Azure => "azure",
            Self::Mock => "mock",
            Self::Replay => "replay",
            Self::VoyageAi => "voyageai",
            Self::ElevenLabs => "elevenlabs",
            Self::Cartesia => "cartesia",
            Self::HuggingFace => "huggingface",
            Self::Bedrock => "bedrock",
            Self::Vertex => "vertex",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Claude => &["anthropic"],
            Self::Azure => &["azure-openai", "azure_openai"],
            _ => &[],
        }
    }
}

/// What a provider is for (`role:`); `llm` when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum ProviderRole {
    /// Chat completions (the default).
    #[default]
    Llm,
    /// Text to speech.
    Tts,
    /// Speech to text.
    Stt,
    /// Embeddings.
    Embedding,
    /// Image generation.
    Image,
    /// Video generation.
    Video,
    /// Classifiers (`text_toxicity`, `image_moderation`, ...).
    Inference,
}

impl Named for ProviderRole {
    const WHAT: &'static str = "provider role";
    const ALL: &'static [Self] = &[
        Self::Llm,
        Self::Tts,
        Self::Stt,
        Self::Embedding,
        Self::Image,
        Self::Video,
        Self::Inference,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Llm => "llm",
            Self::Tts => "tts",
            Self::Stt => "stt",
            Self::Embedding => "embedding",
            Self::Image => "image",
            Self::Video => "video",
            Self::Inference => "inference",
        }
    }
}

macro_rules! named_impls {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// The spelling written back and shown in messages.
            pub fn as_str(self) -> &'static str {
                <Self as Named>::as_str(self)
            }

            /// The value of a spelling, aliases included.
            pub fn from_name(name: &str) -> Option<Self> {
                <Self as Named>::from_name(name)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = String::deserialize(deserializer)?;
                Self::from_name(&name).ok_or_else(|| de::Error::custom(unknown::<Self>(&name)))
            }
        }
    )*};
}

named_impls!(ProviderType, ProviderRole);

/// The message of an unknown name: `unknown provider type `x`, expected one of `a`, `b``
/// (the loader turns it into a did-you-mean).
fn unknown<T: Named>(name: &str) -> String {
    let expected: Vec<String> = T::ALL
        .iter()
        .flat_map(|v| std::iter::once(v.as_str()).chain(v.aliases().iter().copied()))
        .map(|s| format!("`{s}`"))
        .collect();
    format!(
        "unknown {} `{name}`, expected one of {}",
        T::WHAT,
        expected.join(", ")
    )
}

/// A `Spanned<T>` read from a string, the error located at the value.
pub(crate) fn spanned<'de, D, T>(deserializer: D) -> Result<Spanned<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Named,
{
    let text = Spanned::<String>::deserialize(deserializer)?;
    match T::from_name(&text.value) {
        Some(value) => Ok(Spanned::new(value, text.referenced, text.defined)),
        None => Err(strict::located_error::<D::Error>(
            &text.referenced,
            &unknown::<T>(&text.value),
        )),
    }
}

/// [`spanned`] for an optional field.
pub(crate) fn opt_spanned<'de, D, T>(deserializer: D) -> Result<Option<Spanned<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Named,
{
    #[derive(serde::Deserialize)]
    #[serde(transparent)]
    struct Wrapped<T: Named>(#[serde(deserialize_with = "spanned")] Spanned<T>);
    let value: Option<Wrapped<T>> = Option::deserialize(deserializer)?;
    Ok(value.map(|w| w.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_round_trip() {
        for t in ProviderType::ALL {
            assert_eq!(ProviderType::from_name(t.as_str()), Some(*t));
        }
        assert_eq!(
            ProviderType::from_name("anthropic"),
            Some(ProviderType::Claude)
        );
        assert_eq!(
            ProviderType::from_name("azure_openai"),
            Some(ProviderType::Azure)
        );
        assert_eq!(ProviderType::from_name("OpenAI"), None);
        assert_eq!(
            ProviderRole::from_name("inference"),
            Some(ProviderRole::Inference)
        );
        assert_eq!(ProviderRole::default(), ProviderRole::Llm);
    }

    #[test]
    fn unknown_names_list_what_is_accepted() {
        let message = unknown::<ProviderRole>("judge");
        assert_eq!(
            message,
            "unknown provider role `judge`, expected one of `llm`, `tts`, `stt`, `embedding`, `image`, `video`, `inference`"
        );
    }
}
