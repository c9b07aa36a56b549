//! A self-contained HTML report: no external assets, readable with scripts off (the
//! page is rendered server-side): totals, the comparison with a baseline, the scenario
//! × provider matrix, SVG charts, every case, turn-level reply diffs and transcripts.
//! A small inline script adds a "failures only" filter and marks the page ready once
//! it has checked its counts (cases, matrix, regressions) against the embedded data.
//! Media in transcripts shows as thumbnails and players within [`MediaCaps`].

use std::fmt::Write as _;
use std::io;

use super::charts::{distribution, pass_rate_bars};
use super::matrix::Matrix;
use super::media::{MediaBudget, MediaCaps, without_inline_media};
use super::reply_diff::reply_diffs;
use super::{dollars, escape, signed};
use crate::arena::results::Comparison;
use crate::arena::results::{CaseResult, RunResult, Status};
use crate::media::data_url;

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f}\
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:1rem 0}\
td,th{border:1px solid #ddd;padding:.35rem .6rem;text-align:left;vertical-align:top}\
th{background:#f5f5f7}.passed{color:#137333}.failed{color:#b3261e}.error{color:#b06000}\
details{margin:.5rem 0;border:1px solid #ddd;border-radius:6px;padding:.4rem .8rem}\
summary{cursor:pointer;font-weight:600}.msg{white-space:pre-wrap;margin:.2rem 0}\
.role{font-weight:600;min-width:6rem;display:inline-block}.muted{color:#666}\
body.only-failures .case[data-status=passed]{display:none}\
#matrix td,#matrix tfoot th{text-align:center;white-space:nowrap}#matrix small{display:block;color:#5f6368;font-weight:normal}\
.rate-full{background:#e6f4ea}.rate-some{background:#fef7e0}.rate-none{background:#fce8e6}\
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0}figcaption{font-weight:600;margin:.3rem 0}\
ins{background:#d2f4d9;text-decoration:none}del{background:#fbd4d0}\
.media-parts{display:flex;flex-wrap:wrap;gap:.6rem;margin:.3rem 0 .3rem 6rem}\
.media{margin:0;border:1px solid #ddd;border-radius:4px;padding:.3rem;font-size:12px;color:#5f6368}\
.thumb{display:block;max-width:240px;max-height:240px;min-width:48px;image-rendering:pixelated}\
.placeholder{background:#f5f5f7;padding:.6rem}\
.regressed{background:#fce8e6}.fixed{background:#e6f4ea}.worse{color:#b3261e}.better{color:#137333}";

const SCRIPT: &str = "(function(){var d=JSON.parse(document.getElementById('run-data').textContent);\
var rows=document.querySelectorAll('tr.case');var ok=rows.length===d.cases.length;\
var runs=0,passed=0;document.querySelectorAll('td.cell').forEach(function(c){\
runs+=Number(c.getAttribute('data-runs'));passed+=Number(c.getAttribute('data-passed'));});\
ok=ok&&runs===d.totals.cases&&passed===d.totals.passed;\
var nf=document.querySelectorAll('#baseline li.new-failure').length;\
ok=ok&&nf===(d.comparison?d.comparison.new_failures.length:0);\
var box=document.getElementById('only-failures');box.addEventListener('change',function(){\
document.body.classList.toggle('only-failures',box.checked);});\
document.getElementById('summary').setAttribute('data-cases',String(d.totals.cases));\
document.body.setAttribute('data-ready',ok?'1':'mismatch');})();";

/// The HTML report of `run`, media embedded within the default [`MediaCaps`].
pub fn html(run: &RunResult) -> String {
    html_with(run, MediaCaps::default())
}

/// The HTML report of `run`, media embedded within `caps`.
pub fn html_with(run: &RunResult, caps: MediaCaps) -> String {
    let mut page = Vec::new();
    match write_html(run, caps, &mut page) {
        Ok(()) => String::from_utf8_lossy(&page).into_owned(),
        Err(e) => format!(
            "<!DOCTYPE html>\n<p>could not render the report: {}</p>\n",
            escape(&e.to_string())
        ),
    }
}

/// Writes the HTML report of `run` to `out`, media embedded within `caps`. The run's
/// data for the page's script is streamed, never held whole; the only error besides
/// `out`'s own is a run that cannot be serialized.
pub fn write_html(run: &RunResult, caps: MediaCaps, out: &mut dyn io::Write) -> io::Result<()> {
    out.write_all(page(run, caps).as_bytes())?;
    out.write_all(b"<script type=\"application/json\" id=\"run-data\">")?;
    run_data(out, run)?;
    write!(
        out,
        "</script>\n<script>{SCRIPT}</script>\n</body></html>\n"
    )
}

/// The page up to the run's data: summary, matrix, charts, cases and transcripts.
fn page(run: &RunResult, caps: MediaCaps) -> String {
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
    if !run.media.is_empty() {
        let _ = writeln!(
            out,
            "<p id=\"media\" data-parts=\"{}\">{}</p>",
            run.media.parts,
            escape(&run.media.summary())
        );
    }
    if let Some(budget) = &run.budget {
        let _ = writeln!(out, "<p id=\"budget\">{}</p>", escape(&budget.summary()));
    }
    if let Some(comparison) = &run.comparison {
        baseline_section(&mut out, comparison);
    }
    let matrix = Matrix::of(run);
    matrix_section(&mut out, &matrix);
    charts_section(&mut out, &matrix);
    out.push_str("<h2>Cases</h2>\n<label><input type=\"checkbox\" id=\"only-failures\"> failures only</label>\n");
    out.push_str(
        "<table><thead><tr><th>case</th><th>status</th><th>turns</th><th>assertions</th>\
         <th>tokens in/out</th><th>cost</th><th>time</th>",
    );
    // The media column only when a transcript carries media.
    let media_column = !run.media.is_empty();
    if media_column {
        out.push_str("<th>media</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for case in &run.cases {
        let total = case.assertions().count();
        let passed = case.assertions().filter(|(_, a)| a.passed).count();
        let status = case.status.as_str();
        let name = case.name();
        let change = run.comparison.as_ref().map_or("", |c| {
            if c.new_failures.contains(&name) {
                " regressed"
            } else if c.fixed.contains(&name) {
                " fixed"
            } else {
                ""
            }
        });
        let _ = write!(
            out,
            "<tr class=\"case{change}\" data-status=\"{status}\"><td><a href=\"#{}\">{}</a></td><td class=\"{status}\">{status}</td>\
             <td>{}</td><td>{passed}/{total}</td><td>{}/{}</td><td>{}</td><td>{:.0} ms</td>",
            anchor(case),
            escape(&case.name()),
            case.turns.len(),
            case.usage.input_tokens,
            case.usage.output_tokens,
            escape(&dollars(case.cost_usd)),
            case.duration_ms
        );
        if media_column {
            let _ = write!(
                out,
                "<td class=\"media-count\">{}</td>",
                escape(&case.media.summary())
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    let diffs = reply_diffs(run);
    if !diffs.is_empty() {
        out.push_str("<h2>Replies by provider</h2>\n");
        out.push_str(&diffs);
    }
    out.push_str("<h2>Transcripts</h2>\n");
    let mut media = MediaBudget::new(caps);
    for case in &run.cases {
        case_details(&mut out, case, &mut media);
    }
    out
}

/// Writes the run as compact JSON for the page's script, inline media replaced by a
/// label ([`without_inline_media`]) and `</` written `<\/` so it cannot close the
/// script. A run without inline media is serialized straight into `out` (its JSON
/// tree for 500 cases took more memory than the whole report).
fn run_data(out: &mut dyn io::Write, run: &RunResult) -> io::Result<()> {
    let inline = run
        .cases
        .iter()
        .flat_map(|c| &c.messages)
        .flat_map(|m| &m.parts)
        .any(|p| data_url::split(p.url()).is_some());
    if inline {
        let data = serde_json::to_value(run).map(without_inline_media)?;
        return out.write_all(data.to_string().replace("</", "<\\/").as_bytes());
    }
    serde_json::to_writer(ScriptSafe { out, last: 0 }, run).map_err(io::Error::from)
}

/// Passes JSON text on, writing `</` as `<\/`.
struct ScriptSafe<'a> {
    out: &'a mut dyn io::Write,
    last: u8,
}

impl io::Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for (i, piece) in buf.split(|&b| b == b'/').enumerate() {
            if i > 0 {
                self.out
                    .write_all(if self.last == b'<' { b"\\/" } else { b"/" })?;
                self.last = b'/';
            }
            self.out.write_all(piece)?;
            if let Some(&b) = piece.last() {
                self.last = b;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn anchor(case: &CaseResult) -> String {
    case.name()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn case_details(out: &mut String, case: &CaseResult, media: &mut MediaBudget) {
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
    if let Some(workflow) = &case.workflow {
        let _ = writeln!(
            out,
            "<p class=\"workflow\">Workflow: {}</p>",
            escape(&workflow.summary())
        );
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
        let _ = write!(
            out,
            "<div class=\"msg\"><span class=\"role\">{role}</span>{text}</div>"
        );
        media.parts(out, &m.parts);
        out.push('\n');
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

fn baseline_section(out: &mut String, comparison: &Comparison) {
    let _ = writeln!(
        out,
        "<section id=\"baseline\" data-new-failures=\"{}\"><h2>Compared with baseline</h2>\
         <p class=\"muted\">{}</p><p><strong class=\"failed\">{} new failure(s)</strong> · \
         <span class=\"passed\">{} fixed</span> · {} added · {} removed</p>",
        comparison.new_failures.len(),
        escape(&comparison.baseline),
        comparison.new_failures.len(),
        comparison.fixed.len(),
        comparison.added.len(),
        comparison.removed.len()
    );
    let lists = [
        ("new-failure", "New failures", &comparison.new_failures),
        ("fixed", "Fixed", &comparison.fixed),
        ("added", "Added", &comparison.added),
        ("removed", "Removed", &comparison.removed),
    ];
    for (class, title, names) in lists.into_iter().filter(|(_, _, n)| !n.is_empty()) {
        let _ = write!(out, "<h3>{title}</h3><ul>");
        for name in names {
            let _ = write!(out, "<li class=\"{class}\">{}</li>", escape(name));
        }
        out.push_str("</ul>\n");
    }
    out.push_str(
        "<table><tr><th>case</th><th>status</th><th>score</th><th>cost</th><th>latency</th></tr>\n",
    );
    for d in &comparison.cases {
        let row = if d.regressed() {
            "regressed"
        } else if d.fixed() {
            "fixed"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<tr class=\"{row}\"><td>{}</td><td>{} → {}</td><td class=\"{}\">{:.0}% ({})</td>\
             <td>{} ({})</td><td class=\"{}\">{:.0} ms ({})</td></tr>",
            escape(&d.name),
            d.before.as_str(),
            d.after.as_str(),
            trend(-d.score_delta(), 0.005),
            d.score_after * 100.0,
            signed(d.score_delta() * 100.0, "%"),
            escape(&dollars(d.cost_after)),
            d.cost_delta()
                .map_or_else(|| "n/a".into(), |c| signed(c, "$")),
            trend(d.latency_delta_ms(), 0.5),
            d.latency_after_ms,
            signed(d.latency_delta_ms(), " ms")
        );
    }
    out.push_str("</table></section>\n");
}

/// `worse` for a change of at least `step` of a figure where lower is better, `better`
/// for a drop of at least `step`.
fn trend(delta: f64, step: f64) -> &'static str {
    if delta >= step {
        "worse"
    } else if delta <= -step {
        "better"
    } else {
        ""
    }
}

fn matrix_section(out: &mut String, matrix: &Matrix) {
    out.push_str(
        "<h2>Scenarios × providers</h2>\n<table id=\"matrix\"><thead><tr><th>scenario</th>",
    );
    for provider in &matrix.providers {
        let _ = write!(out, "<th>{}</th>", escape(provider));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (row, scenario) in matrix.scenarios.iter().enumerate() {
        let _ = write!(out, "<tr><th>{}</th>", escape(scenario));
        for column in 0..matrix.providers.len() {
            match matrix.cell(row, column) {
                Some(cell) => {
                    let class = if cell.passed == cell.runs {
                        "rate-full"
                    } else if cell.passed > 0 {
                        "rate-some"
                    } else {
                        "rate-none"
                    };
                    let _ = write!(
                        out,
                        "<td class=\"cell {class}\" data-runs=\"{}\" data-passed=\"{}\">{}<small>{}</small></td>",
                        cell.runs,
                        cell.passed,
                        escape(&cell.headline()),
                        escape(&cell.detail())
                    );
                }
                None => out.push_str("<td class=\"muted\">—</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody><tfoot><tr><th>all scenarios</th>");
    for column in 0..matrix.providers.len() {
        let total = matrix.provider_total(column);
        let _ = write!(
            out,
            "<th>{}<small>{}</small></th>",
            escape(&total.headline()),
            escape(&total.detail())
        );
    }
    out.push_str("</tr></tfoot></table>\n");
}

fn charts_section(out: &mut String, matrix: &Matrix) {
    let totals: Vec<_> = (0..matrix.providers.len())
        .map(|i| (matrix.providers[i].clone(), matrix.provider_total(i)))
        .collect();
    let rates: Vec<(String, f64)> = totals
        .iter()
        .map(|(p, t)| (p.clone(), t.pass_rate()))
        .collect();
    let latencies: Vec<(String, Vec<f64>)> = totals
        .iter()
        .map(|(p, t)| (p.clone(), t.latencies_ms.clone()))
        .collect();
    out.push_str("<h2>Charts</h2>\n<div class=\"charts\">");
    out.push_str(&pass_rate_bars(&rates));
    out.push_str(&distribution(
        "latency",
        "Latency per run",
        &latencies,
        |ms| format!("{ms:.0} ms"),
    ));
    let costs: Vec<(String, Vec<f64>)> = totals
        .iter()
        .map(|(p, t)| (p.clone(), t.costs_usd.clone()))
        .collect();
    if costs.iter().any(|(_, c)| !c.is_empty()) {
        out.push_str(&distribution("cost", "Cost per run", &costs, |usd| {
            format!("${usd:.4}")
        }));
    }
    out.push_str("</div>\n");
}
