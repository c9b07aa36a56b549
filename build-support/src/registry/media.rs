//! Media and classifier-backed types.

use super::ParamKind::{Integer, Number, String, StringList};
use super::Scope::Both;
use super::{EvalKind, EvalType, Needs, ParamSpec, p, ty};

const FORMATS: ParamSpec = p(
    "formats",
    StringList,
    true,
    None,
    "Allowed formats (png, jpeg, mp3, wav, ...).",
);

const MIN_SECONDS: ParamSpec = p(
    "min_seconds",
    Number,
    false,
    None,
    "Minimum duration in seconds.",
);

const MAX_SECONDS: ParamSpec = p(
    "max_seconds",
    Number,
    false,
    None,
    "Maximum duration in seconds.",
);

const MIN_WIDTH: ParamSpec = p(
    "min_width",
    Integer,
    false,
    None,
    "Minimum width in pixels.",
);

const MAX_WIDTH: ParamSpec = p(
    "max_width",
    Integer,
    false,
    None,
    "Maximum width in pixels.",
);

const MIN_HEIGHT: ParamSpec = p(
    "min_height",
    Integer,
    false,
    None,
    "Minimum height in pixels.",
);

const MAX_HEIGHT: ParamSpec = p(
    "max_height",
    Integer,
    false,
    None,
    "Maximum height in pixels.",
);

/// Parameters of every classifier-backed type.
const CLASSIFY: &[ParamSpec] = &[
    p("model", String, true, None, "The classifier model."),
    p(
        "expected_label",
        String,
        true,
        None,
        "The label whose score is reported.",
    ),
    p(
        "message_role",
        String,
        false,
        None,
        "Role of the message classified.",
    ),
    p(
        "message_index",
        Integer,
        false,
        Some("-1"),
        "Which matching message (-1 = last).",
    ),
    p(
        "classifier_id",
        String,
        false,
        None,
        "Which configured classifier to use.",
    ),
];

/// The table of this module's types.
pub(super) const TYPES: &[EvalType] = &[
    ty(
        EvalKind::ImageFormat,
        &[],
        Both,
        &[FORMATS],
        "Every image in the output has an allowed format.",
    ),
    ty(
        EvalKind::ImageDimensions,
        &[],
        Both,
        &[
            p("width", Integer, false, None, "Exact width."),
            p("height", Integer, false, None, "Exact height."),
            MIN_WIDTH,
            MAX_WIDTH,
            MIN_HEIGHT,
            MAX_HEIGHT,
        ],
        "Every image in the output meets the dimension constraints.",
    ),
    ty(
        EvalKind::AudioFormat,
        &[],
        Both,
        &[FORMATS],
        "Every audio clip in the output has an allowed format.",
    ),
    ty(
        EvalKind::AudioDuration,
        &[],
        Both,
        &[MIN_SECONDS, MAX_SECONDS],
        "Every audio clip's duration is in range.",
    ),
    ty(
        EvalKind::VideoDuration,
        &[],
        Both,
        &[MIN_SECONDS, MAX_SECONDS],
        "Every video's duration is in range.",
    ),
    ty(
        EvalKind::VideoResolution,
        &[],
        Both,
        &[
            MIN_WIDTH,
            MAX_WIDTH,
            MIN_HEIGHT,
            MAX_HEIGHT,
            p(
                "presets",
                StringList,
                false,
                None,
                "Allowed presets: 480p, 720p, 1080p, 1440p, 4k, 8k, ...",
            ),
        ],
        "Every video meets the resolution constraints.",
    ),
    ty(
        EvalKind::AudioEmotion,
        &[],
        Both,
        CLASSIFY,
        "Classifier score of an emotion label on audio.",
    )
    .needing(Needs::Classifier)
    .rejecting_thresholds(),
    ty(
        EvalKind::ImageModeration,
        &[],
        Both,
        CLASSIFY,
        "Classifier score of a moderation label on an image.",
    )
    .needing(Needs::Classifier)
    .rejecting_thresholds(),
    ty(
        EvalKind::TextToxicity,
        &[],
        Both,
        CLASSIFY,
        "Classifier score of a toxicity label on text.",
    )
    .needing(Needs::Classifier)
    .rejecting_thresholds(),
    ty(
        EvalKind::TextSentiment,
        &[],
        Both,
        CLASSIFY,
        "Classifier score of a sentiment label on text.",
    )
    .needing(Needs::Classifier)
    .rejecting_thresholds(),
];
