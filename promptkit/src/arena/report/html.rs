//! A self-contained HTML report: no external assets, readable with scripts off (the
//! page is rendered server-side); a small inline script adds a "failures only" filter
//! and marks the page ready once it has checked its totals against the embedded data.

use std::fmt::Write;

use super::{dollars, escape};
use crate::arena::results::{CaseResult, RunResult, Status};

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f}\
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:1rem 0}\
td,th{border:1px solid #ddd;padding:.35rem .6rem;text-align:left;vertical-align:top}\
th{background:#f5f5f7}.passed{color:#137333}.failed{color:#b3261e}.error{color:#b06000}\
details{margin:.5rem 0;border:1px solid #ddd;border-radius:6px;padding:.4rem .8rem}\
summary{cursor:pointer;font-weight:600}.msg{white-space:pre-wrap;margin:.2rem 0}\
.role{font-weight:600;min-width:6rem;display:inline-block}.muted{color:#666}\
body.only-failures .case[data-status=passed]{display:none}";

const SCRIPT: &str = "(function(){var d=JSON.parse(document.getElementById('run-data').textContent);\
var rows=document.querySelectorAll('tr.case');var ok=rows.length===d.cases.length;\
var box=document.getElementById('only-failures');box.addEventListener('change',function(){\
document.body.classList.toggle('only-failures',box.checked);});\
document.getElementById('summary').setAttribute('data-cases',String(d.totals.cases));\
document.body.setAttribute('data-ready',ok?'1':'mismatch');})();";

/// The HTML report of `run`.
pub fn html(run: &RunResult) -> String {
    let t = &run.totals;
    let title = format!("Arena results: {}", run.name);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    let _ = writeln!(
        out,
        "<p id=\"summary\"><strong>{}</strong> cases: <span class=\"passed\">{} passed</span>, \
         <span class=\"failed\">{} failed</span>, <span class=\"error\">{} errors</span> · \
         {} assertions ({} failed) · {} / {} tokens · cost {} · {:.1} s</p>",
        t.cases,
        t.passed,
        t.failed,
        t.errors,
        t.assertions,
        t.assertions_failed,
        run.usage.input_tokens,
        run.usage.output_tokens,
        escape(&dollars(run.cost_usd)),
        run.duration_ms / 1000.0
    );
    if let Some(budget) = &run.budget {
        let _ = writeln!(out, "<p id=\"budget\">{}</p>", escape(&budget.summary()));
    }
    out.push_str("<label><input type=\"checkbox\" id=\"only-failures\"> failures only</label>\n");
    out.push_str(
        "<table><thead><tr><th>case</th><th>status</th><th>turns</th><th>assertions</th>\
         <th>tokens in/out</th><th>cost</th><th>time</th></tr></thead><tbody>\n",
    );
    for case in &run.cases {
        let total = case.assertions().count();
        let passed = case.assertions().filter(|(_, a)| a.passed).count();
        let status = case.status.as_str();
        let _ = writeln!(
            out,
            "<tr class=\"case\" data-status=\"{status}\"><td><a href=\"#{}\">{}</a></td><td class=\"{status}\">{status}</td>\
             <td>{}</td><td>{passed}/{total}</td><td>{}/{}</td><td>{}</td><td>{:.0} ms</td></tr>",
            anchor(case),
            escape(&case.name()),
            case.turns.len(),
            case.usage.input_tokens,
            case.usage.output_tokens,
            escape(&dollars(case.cost_usd)),
            case.duration_ms
        );
    }
    out.push_str("</tbody></table>\n");
    for case in &run.cases {
        case_details(&mut out, case);
    }
    let data = serde_json::to_string(run)
        .unwrap_or_else(|_| "{\"cases\":[],\"totals\":{\"cases\":0}}".into())
        .replace("</", "<\\/");
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"run-data\">{data}</script>\n<script>{SCRIPT}</script>\n</body></html>\n"
    );
    out
}

fn anchor(case: &CaseResult) -> String {
    case.name()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn case_details(out: &mut String, case: &CaseResult) {
    let status = case.status.as_str();
    let _ = writeln!(
        out,
        "<details class=\"case\" data-status=\"{status}\" id=\"{}\"{}><summary>{} — <span class=\"{status}\">{status}</span></summary>",
        anchor(case),
        if case.status == Status::Passed {
            ""
        } else {
            " open"
        },
        escape(&case.name())
    );
    if let Some(error) = &case.error {
        let _ = writeln!(out, "<p class=\"error msg\">{}</p>", escape(error));
    }
    out.push_str("<h3>Transcript</h3>\n");
    for m in &case.messages {
        let role = m.role.as_str();
        let mut text = escape(&m.content);
        for call in &m.tool_calls {
            let _ = write!(
                text,
                "\n→ {}({})",
                escape(&call.name),
                escape(&call.arguments.to_string())
            );
        }
        let _ = writeln!(
            out,
            "<div class=\"msg\"><span class=\"role\">{role}</span>{text}</div>"
        );
    }
    out.push_str("<h3>Assertions</h3>\n<table><tr><th>where</th><th>type</th><th>result</th><th>message</th></tr>\n");
    for (turn, a) in case.assertions() {
        let at = turn.map_or_else(|| "conversation".into(), |t| format!("turn {}", t + 1));
        let (class, label) = match (a.passed, a.skipped) {
            (_, true) => ("muted", "skipped"),
            (true, false) => ("passed", "passed"),
            (false, false) => ("failed", "failed"),
        };
        let _ = writeln!(
            out,
            "<tr><td>{at}</td><td>{}</td><td class=\"{class}\">{label}</td><td class=\"msg\">{}</td></tr>",
            escape(&a.assertion_type),
            escape(&a.message)
        );
    }
    out.push_str("</table></details>\n");
}
