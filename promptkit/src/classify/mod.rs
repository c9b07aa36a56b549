//! Classifiers: non-LLM models that label text, images and audio with scores, behind
//! the classifier-backed assertions (`text_toxicity`, `text_sentiment`,
//! `image_moderation`, `audio_emotion`).
//!
//! A project declares them as providers with `role: inference` (the reference's only
//! type is `huggingface`, see [`HuggingFace`]); `defaults.inference` picks which one
//! serves each task, else the first declared does. Rust code registers its own
//! [`Classifier`] with [`crate::arena::Setup::classifier`].

mod huggingface;

pub use huggingface::{HuggingFace, SetupError};

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use promptkit_build::load::Project;
use serde::{Deserialize, Serialize};

/// A label with the model's confidence in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelScore {
    /// The label, as the model names it.
    pub label: String,
    /// The confidence.
    pub score: f64,
}

/// What a classifier is asked to label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Task {
    /// Text (toxicity, sentiment, intent...).
    Text,
    /// A still image (moderation, tagging...).
    Image,
    /// An audio clip (emotion, speaker traits...).
    Audio,
}

impl Task {
    /// The task's name in `defaults.inference` (`text_classifier`, ...).
    pub fn default_key(self) -> &'static str {
        match self {
            Task::Text => "text_classifier",
            Task::Image => "image_classifier",
            Task::Audio => "audio_classifier",
        }
    }

    /// `text`, `image` or `audio`.
    pub fn name(self) -> &'static str {
        match self {
            Task::Text => "text",
            Task::Image => "image",
            Task::Audio => "audio",
        }
    }
}

/// The input of one classification.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// Text.
    Text(&'a str),
    /// Image bytes with their MIME type when known.
    Image(&'a [u8], Option<&'a str>),
    /// Audio bytes with their MIME type when known.
    Audio(&'a [u8], Option<&'a str>),
}

impl Input<'_> {
    /// The task this input belongs to.
    pub fn task(&self) -> Task {
        match self {
            Input::Text(_) => Task::Text,
            Input::Image(..) => Task::Image,
            Input::Audio(..) => Task::Audio,
        }
    }
}

/// Why a classification gave no scores.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClassifyError {
    /// The model is still warming up (the assertion is skipped, not failed).
    #[error("model still loading after retries: {0}")]
    ModelLoading(String),
    /// The model cannot be served where the classifier points (skipped, not failed).
    #[error("model not supported by the configured inference path: {0}")]
    ModelNotSupported(String),
    /// Anything else (the assertion errors).
    #[error("{0}")]
    Failed(String),
}

/// Why no classifier serves an assertion (it is then skipped with this reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unresolved {
    /// The run has no classifiers at all.
    #[error(
        "no classify registry configured; add a providers: entry with role: inference and either defaults.inference.{} or params.classifier_id",
        .0.default_key()
    )]
    NoRegistry(Task),
    /// No id was given and the task has no default.
    #[error(
        "no {} classifier id supplied and no default configured (set defaults.inference.{})",
        .0.name(),
        .0.default_key()
    )]
    NoDefault(Task),
    /// The provider exists but cannot be used (its key is missing, …).
    #[error("inference provider `{id}` is not usable: {why}")]
    Unusable {
        /// The provider id.
        id: String,
        /// Why.
        why: String,
    },
    /// The classifier does not serve this task.
    #[error("inference provider `{id}` does not classify {}", .task.name())]
    WrongTask {
        /// The provider id.
        id: String,
        /// The task asked for.
        task: Task,
    },
    /// No classifier has this id.
    #[error("{} classifier `{id}` not registered", .task.name())]
    NotRegistered {
        /// The id asked for.
        id: String,
        /// The task asked for.
        task: Task,
    },
}

/// A boxed future returned by a [`Classifier`].
pub type ClassifyFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<LabelScore>, ClassifyError>> + Send + 'a>>;

/// A classification backend.
pub trait Classifier: Send + Sync {
    /// The tasks it serves.
    fn tasks(&self) -> &[Task];

    /// Labels `input` with `model`; every label the model knows, when it can say.
    fn classify<'a>(&'a self, model: &'a str, input: Input<'a>) -> ClassifyFuture<'a>;
}

/// The classifiers of a run, by id, with a default per task.
#[derive(Clone, Default)]
pub struct Classifiers {
    by_id: BTreeMap<String, Arc<dyn Classifier>>,
    /// Declared but not usable (for example no API key): id → why.
    unusable: BTreeMap<String, String>,
    defaults: BTreeMap<Task, String>,
}

impl std::fmt::Debug for Classifiers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifiers")
            .field("ids", &self.by_id.keys().collect::<Vec<_>>())
            .field("unusable", &self.unusable)
            .field("defaults", &self.defaults)
            .finish()
    }
}

impl Classifiers {
    /// No classifiers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether none is declared or registered.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty() && self.unusable.is_empty()
    }

    /// Adds (or replaces) `classifier` under `id`; it becomes the default of each task it
    /// serves that has none yet.
    pub fn register(&mut self, id: impl Into<String>, classifier: Arc<dyn Classifier>) {
        let id = id.into();
        self.claim_defaults(&id, classifier.tasks());
        self.unusable.remove(&id);
        self.by_id.insert(id, classifier);
    }

    /// Records a declared classifier of `tasks` that cannot be used, and why (shown when
    /// an assertion asks for it); like [`Classifiers::register`] it becomes the default
    /// of those tasks that have none, so their assertions say why they skip.
    pub fn mark_unusable(&mut self, id: impl Into<String>, tasks: &[Task], why: impl Into<String>) {
        let id = id.into();
        self.claim_defaults(&id, tasks);
        self.unusable.insert(id, why.into());
    }

    fn claim_defaults(&mut self, id: &str, tasks: &[Task]) {
        for task in tasks {
            self.defaults.entry(*task).or_insert_with(|| id.to_owned());
        }
    }

    /// Makes `id` the default for `task`.
    pub fn set_default(&mut self, task: Task, id: impl Into<String>) {
        self.defaults.insert(task, id.into());
    }

    /// The classifier `id` (the task's default when `None`) for `task`, or why there is
    /// none (the assertion is then skipped).
    pub fn resolve(&self, task: Task, id: Option<&str>) -> Result<Arc<dyn Classifier>, Unresolved> {
        let id = match id.or_else(|| self.defaults.get(&task).map(String::as_str)) {
            Some(id) => id,
            None if self.is_empty() => return Err(Unresolved::NoRegistry(task)),
            None => return Err(Unresolved::NoDefault(task)),
        };
        if let Some(why) = self.unusable.get(id) {
            return Err(Unresolved::Unusable {
                id: id.to_owned(),
                why: why.clone(),
            });
        }
        match self.by_id.get(id) {
            Some(c) if c.tasks().contains(&task) => Ok(c.clone()),
            Some(_) => Err(Unresolved::WrongTask {
                id: id.to_owned(),
                task,
            }),
            None => Err(Unresolved::NotRegistered {
                id: id.to_owned(),
                task,
            }),
        }
    }

    /// The classifiers a project declares (`role: inference` providers) with its
    /// `defaults.inference`. A provider whose API key is missing is kept as unusable, so
    /// its assertions skip with the reason instead of failing a keyless run.
    pub fn from_project(project: &Project) -> Self {
        let mut out = Self::new();
        for entry in &project.providers {
            let spec = &entry.item.spec;
            if spec.role.as_ref().map(|r| r.value.as_str()) != Some("inference") {
                continue;
            }
            let id = entry.item.id.clone();
            match HuggingFace::from_spec(spec) {
                Ok(client) => out.register(id, Arc::new(client)),
                Err(why) => out.mark_unusable(id, HuggingFace::TASKS, why.to_string()),
            }
        }
        let defaults = project.arena.spec.value.defaults.as_ref();
        if let Some(inference) = defaults.and_then(|d| d.inference.as_ref()) {
            for (task, id) in [
                (Task::Text, &inference.text_classifier),
                (Task::Image, &inference.image_classifier),
                (Task::Audio, &inference.audio_classifier),
            ] {
                if let Some(id) = id {
                    out.set_default(task, id.value.clone());
                }
            }
        }
        out
    }
}
