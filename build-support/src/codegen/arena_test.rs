//! `#[arena_test("config.arena.yaml")]`: one `#[test]` per planned case of a project.
//!
//! The project is loaded and checked at compile time by the [`Frontend`]; any error becomes a compile
//! error. Every file it read is compiled into the test binary with `include_str!`
//! (which also makes cargo rebuild the tests when one changes), so a test run never
//! re-reads YAML the compiler did not check. Cases on providers that need credentials
//! are generated `#[ignore = "needs OPENAI_API_KEY"]`; `cargo test -- --ignored` runs
//! them.

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::ExpandError;
use super::output::render_relative;
use crate::diagnostic::RenderStyle;
use crate::frontend::Frontend;
use crate::load::Project;
use crate::plan::{self, Case};

/// The tokens of `#[arena_test]` for the arena config at `config` (relative to the
/// crate's `manifest_dir`) and the setup function `setup` (already emitted by the
/// caller): a module named like the function holding the tests. `custom_assertions`
/// are the assertion types the setup function registers. `Err` holds the rendered
/// diagnostics; they and the warnings show paths relative to `manifest_dir`, as the
/// other macros do.
pub fn arena_test(
    manifest_dir: &Path,
    config: &str,
    setup: &Ident,
    custom_assertions: &[String],
) -> Result<TokenStream, ExpandError> {
    let config = &manifest_dir.join(config);
    let outcome = Frontend::new()
        .custom_assertions(custom_assertions.iter().cloned())
        .project(config);
    if outcome.checked.is_none() {
        return Err(render_relative(&outcome.diagnostics, &outcome.sources, manifest_dir).into());
    }
    let warnings = super::output::warnings(&outcome.diagnostics, &outcome.sources, manifest_dir);
    let files_read = outcome.files.clone();
    let (project, _) = outcome
        .into_result(RenderStyle::Plain)
        .map_err(|rejected| ExpandError::from(rejected.rendered))?;
    let project: &Project = &project;
    let config_text = path_text(config)?;
    let files = files_read
        .iter()
        .map(|path| {
            let key = path_text(path)?;
            Ok(quote! { (#key, include_str!(#key)) })
        })
        .collect::<Result<Vec<_>, String>>()?;

    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    // One test per scenario × provider; it runs every trial (so `pass_threshold` can
    // judge across them).
    let mut cases = plan::cases(project, &plan::Filter::default());
    cases.retain(|c| c.trial == 0);
    let mut listed = Vec::new();
    let tests = cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            let name = test_name(case, &mut names);
            // A live case with a cassette replays keyless: it runs by default (the file
            // is tracked, so recording it again rebuilds the tests).
            let cassette = plan::cassette_dir(project).join(plan::cassette_file(
                &case.scenario,
                &case.provider,
                0,
            ));
            let replayable = cassette.is_file();
            let needs = needs_credentials(project, case).filter(|_| !replayable);
            let ignored = needs.is_some();
            let text = name.to_string();
            let text = text.strip_prefix("r#").unwrap_or(&text).to_owned();
            // The scenario file the test reads (none for inline scenarios and evals),
            // so a process running a few tests loads only their scenarios.
            let file = project
                .scenario(&case.scenario)
                .filter(|s| s.path != project.config_path)
                .and_then(|s| s.path.to_str())
                .unwrap_or_default();
            let scenario = &case.scenario;
            let provider = &case.provider;
            listed.push(quote! {
                ::promptkit::__private::ArenaTest {
                    name: #text,
                    ignored: #ignored,
                    scenario: #scenario,
                    provider: #provider,
                    scenario_file: #file,
                }
            });
            let ignore = needs.map(|vars| {
                let reason = format!(
                    "needs {vars} (or a cassette: {} in {})",
                    plan::cassette_file(&case.scenario, &case.provider, 0),
                    plan::CASSETTES_DIR
                );
                quote! { #[ignore = #reason] }
            });
            let track = replayable
                .then(|| {
                    cassette
                        .to_str()
                        .map(|p| quote! { const _: &[u8] = ::core::include_bytes!(#p); })
                })
                .flatten();
            quote! {
                #track
                #[test]
                #ignore
                fn #name() {
                    ::promptkit::__private::arena_case(&PROJECT, #index, super::#setup);
                }
            }
        })
        .collect::<Vec<_>>();
    if tests.is_empty() {
        return Err(format!(
            "error: `{config_text}` plans no scenario or eval to run\n  = help: add scenarios and providers to the arena config"
        )
        .into());
    }
    Ok(quote! {
        #warnings
        #[cfg(test)]
        #[allow(non_snake_case)]
        mod #setup {
            static PROJECT: ::promptkit::__private::ArenaProject =
                ::promptkit::__private::ArenaProject::new(
                    #config_text,
                    &[#(#files),*],
                    ::core::module_path!(),
                    &[#(#listed),*],
                );
            #(#tests)*
        }
    })
}

fn path_text(path: &Path) -> Result<String, String> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("error: `{}` is not valid UTF-8", path.display()))
}

/// `scenario__provider` as an identifier (`_2` suffixes for clashes), so
/// `cargo test <module>::<scenario>` selects a scenario.
fn test_name(case: &Case, taken: &mut BTreeMap<String, usize>) -> Ident {
    let mut base: String = format!("{}__{}", case.scenario, case.provider)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if base.starts_with(|c: char| c.is_ascii_digit()) {
        base.insert(0, '_');
    }
    let n = taken.entry(base.clone()).or_insert(0);
    *n += 1;
    let name = if *n > 1 { format!("{base}_{n}") } else { base };
    format_ident!("{}", name, span = Span::call_site())
}

/// Why a case cannot run keyless: the credential variables its live provider reads
/// (or the live provider type); `None` for mock and replay providers.
fn needs_credentials(project: &Project, case: &Case) -> Option<String> {
    let provider = project.provider(&case.provider)?;
    let vars = provider.item.spec.credential_env();
    if vars.is_empty() {
        let kind = provider.item.spec.r#type.value.as_str();
        return (!matches!(kind, "mock" | "replay")).then(|| format!("a live `{kind}` provider"));
    }
    Some(vars.join(" or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_test_per_case_with_live_providers_ignored() {
        let example = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/arena-quickstart"
        ));
        let tokens = arena_test(
            example,
            "config.live.arena.yaml",
            &format_ident!("support"),
            &[],
        )
        .expect("expands")
        .to_string();
        assert!(
            tokens.contains("fn order_status__openai_gpt_4o_mini"),
            "{tokens}"
        );
        assert!(
            tokens.contains("needs OPENAI_API_KEY or OPENAI_TOKEN"),
            "{tokens}"
        );
        assert!(tokens.contains("include_str !"), "{tokens}");
    }

    #[test]
    fn errors_are_rendered_with_locations() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("config.arena.yaml"),
            "apiVersion: promptkit.altairalabs.ai/v1alpha1\nkind: Arena\nmetadata: {name: x}\nspec:\n  scenarios:\n    - file: missing.yaml\n",
        )
        .expect("write");
        let err = arena_test(dir.path(), "config.arena.yaml", &format_ident!("t"), &[])
            .expect_err("missing file");
        assert!(err.message().contains("missing.yaml"), "{err}");
        // Relative to the crate folder, as the other macros show paths.
        assert!(err.message().contains("--> config.arena.yaml:6:"), "{err}");
    }

    #[test]
    fn a_live_case_with_a_cassette_runs_by_default() {
        let example = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/arena-quickstart"
        ));
        let dir = tempfile::tempdir().expect("temp dir");
        for entry in walk(example) {
            let rel = entry.strip_prefix(example).expect("inside");
            if rel.starts_with("target") || rel.starts_with("out") {
                continue;
            }
            let to = dir.path().join(rel);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&entry, &to).expect("copy");
        }
        let cassettes = dir.path().join(plan::CASSETTES_DIR);
        std::fs::create_dir_all(&cassettes).expect("mkdir");
        let file = plan::cassette_file("order-status", "openai-gpt-4o-mini", 0);
        std::fs::write(cassettes.join(&file), "{}").expect("cassette");
        let tokens = arena_test(
            dir.path(),
            "config.live.arena.yaml",
            &format_ident!("live"),
            &[],
        )
        .expect("expands")
        .to_string();
        let order = tokens
            .split("fn ")
            .find(|t| t.starts_with("order_status__openai_gpt_4o_mini"))
            .expect("the order-status test");
        let before = &tokens[..tokens.find(order).expect("found")];
        let attributes = before.rsplit("# [test]").next().unwrap_or_default();
        assert!(!attributes.contains("ignore"), "{attributes}");
        assert!(tokens.contains(&file), "the cassette is tracked: {tokens}");
        let refund = tokens
            .split("# [test]")
            .find(|t| t.contains("fn refund_policy__openai_gpt_4o_mini"))
            .expect("the refund-policy test");
        assert!(
            refund.contains("ignore"),
            "no cassette: still needs the key"
        );
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}
