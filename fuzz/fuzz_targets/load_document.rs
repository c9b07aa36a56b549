//! The loader's parsers on arbitrary text: every kind, the mock responses file, and
//! the renderer of whatever they report. Must never panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use promptkit_build::diagnostic::{Diagnostics, RenderStyle, SourceCache};
use promptkit_build::load::{parse_manifest, parse_mock_config};
use promptkit_build::model::{
    ArenaSpec, EvalSpec, Kind, PersonaSpec, PromptSpec, ProviderSpec, ScenarioSpec, ToolSpec,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.yaml");
    let mut all = Diagnostics::new();
    all.extend(parse_manifest::<ArenaSpec>(path, text, Kind::Arena).1);
    all.extend(parse_manifest::<PromptSpec>(path, text, Kind::PromptConfig).1);
    all.extend(parse_manifest::<ScenarioSpec>(path, text, Kind::Scenario).1);
    all.extend(parse_manifest::<ProviderSpec>(path, text, Kind::Provider).1);
    all.extend(parse_manifest::<ToolSpec>(path, text, Kind::Tool).1);
    all.extend(parse_manifest::<PersonaSpec>(path, text, Kind::Persona).1);
    all.extend(parse_manifest::<EvalSpec>(path, text, Kind::Eval).1);
    all.extend(parse_mock_config(path, text).1);
    let mut sources = SourceCache::new();
    sources.insert(path, text);
    let _ = all.render(&sources, RenderStyle::Plain);
});
