//! Compile-time checked prompts: the three PromptKit macros on one small project.
//! `cargo run -p typed-prompts` prints the prompts rendered three ways.

use promptkit::Prompt;

// 1. A typed module from one prompt file.
promptkit::include_prompt!("promptkit/prompts/support.yaml");

// 2. Your own struct, checked against the same file.
#[derive(Prompt)]
#[prompt(file = "promptkit/prompts/support.yaml")]
struct Support<'a> {
    company: &'a str,
    tone: Option<String>,
    max_steps: Option<u32>,
}

// 3. The whole project: prompts, typed tools, the compiled pack.
promptkit::include_pack!("promptkit/config.arena.yaml");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vars = support::Vars {
        company: "Acme".into(),
        tone: None,
        max_steps: Some(3),
    };
    println!(
        "--- include_prompt! ({} {})",
        support::TASK_TYPE,
        support::VERSION
    );
    println!("{}", vars.render());

    let derived = Support {
        company: "Globex",
        tone: Some("formal".into()),
        max_steps: None,
    };
    println!("--- #[derive(Prompt)]");
    println!("{}", derived.render());

    let pack = pack::Pack::load()?;
    let args = pack::tools::GetOrderStatusArgs {
        order_id: "12345".into(),
        include_items: None,
    };
    let result: pack::tools::GetOrderStatusResult =
        serde_json::from_str(r#"{"status": "shipped", "estimated_delivery": "2025-10-25"}"#)?;
    println!(
        "--- include_pack! (pack `{}`, tools {:?})",
        pack.id(),
        pack::TOOLS
    );
    println!(
        "{}",
        pack.render_support(&pack::support::Vars {
            company: "Initech".into(),
            tone: Some("calm".into()),
            max_steps: None,
        })?
    );
    println!(
        "{} {} -> {}",
        pack::tools::GET_ORDER_STATUS_NAME,
        serde_json::to_string(&args)?,
        result.status.as_str()
    );
    Ok(())
}
