//! Charts drawn as inline SVG (no script, no network): pass rate per provider as bars,
//! and the distribution of a per-run figure (latency, cost) per provider as a strip of
//! dots with the median marked.

use std::fmt::Write;

use super::escape;

const LABEL_WIDTH: f64 = 140.0;
const PLOT_WIDTH: f64 = 360.0;
const ROW_HEIGHT: f64 = 26.0;

/// Horizontal bars: one per `(provider, pass rate in 0..=1)`.
pub fn pass_rate_bars(rows: &[(String, f64)]) -> String {
    let mut svg = open("pass-rate", "Pass rate per provider", rows.len());
    for (i, (name, rate)) in rows.iter().enumerate() {
        let y = i as f64 * ROW_HEIGHT + 4.0;
        let width = (rate.clamp(0.0, 1.0) * PLOT_WIDTH).max(1.0);
        let color = if *rate >= 1.0 {
            "#1e8e3e"
        } else if *rate > 0.0 {
            "#f9ab00"
        } else {
            "#d93025"
        };
        label(&mut svg, y, name);
        let _ = write!(
            svg,
            "<rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{width:.1}\" height=\"18\" fill=\"{color}\" rx=\"3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{:.0}%</text>",
            LABEL_WIDTH + width + 6.0,
            y + 13.0,
            rate * 100.0
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// One strip per `(provider, values)`: a dot per value on a shared axis from 0 to the
/// largest value, the median as a bar; `unit` formats the axis end and the median.
pub fn distribution(
    id: &str,
    title: &str,
    rows: &[(String, Vec<f64>)],
    unit: fn(f64) -> String,
) -> String {
    let max = rows
        .iter()
        .flat_map(|(_, values)| values.iter().copied())
        .fold(0.0_f64, f64::max);
    let scale = if max > 0.0 { PLOT_WIDTH / max } else { 0.0 };
    let mut svg = open(id, title, rows.len() + 1);
    for (i, (name, values)) in rows.iter().enumerate() {
        let y = i as f64 * ROW_HEIGHT + 13.0;
        label(&mut svg, y - 9.0, name);
        let _ = write!(
            svg,
            "<line x1=\"{LABEL_WIDTH}\" x2=\"{:.1}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#ddd\"/>",
            LABEL_WIDTH + PLOT_WIDTH
        );
        for value in values {
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{y}\" r=\"4\" fill=\"#1a73e8\" fill-opacity=\"0.55\"><title>{}</title></circle>",
                LABEL_WIDTH + value * scale,
                escape(&unit(*value))
            );
        }
        if let Some(median) = median(values) {
            let x = LABEL_WIDTH + median * scale;
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#202124\" stroke-width=\"2\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#5f6368\">median {}</text>",
                y - 8.0,
                y + 8.0,
                x + 4.0,
                y - 4.0,
                escape(&unit(median))
            );
        }
    }
    let axis_y = rows.len() as f64 * ROW_HEIGHT + 12.0;
    let _ = write!(
        svg,
        "<text x=\"{LABEL_WIDTH}\" y=\"{axis_y}\" font-size=\"11\" fill=\"#5f6368\">0</text>\
         <text x=\"{:.1}\" y=\"{axis_y}\" font-size=\"11\" fill=\"#5f6368\" text-anchor=\"end\">{}</text></svg></figure>",
        LABEL_WIDTH + PLOT_WIDTH,
        escape(&unit(max))
    );
    svg
}

fn open(id: &str, title: &str, rows: usize) -> String {
    let height = rows.max(1) as f64 * ROW_HEIGHT + 8.0;
    format!(
        "<figure class=\"chart\"><figcaption>{}</figcaption>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"{id}\" role=\"img\" aria-label=\"{}\" \
         width=\"{:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {:.0} {height:.0}\" font-family=\"system-ui,sans-serif\">",
        escape(title),
        escape(title),
        LABEL_WIDTH + PLOT_WIDTH + 60.0,
        LABEL_WIDTH + PLOT_WIDTH + 60.0
    )
}

fn label(svg: &mut String, y: f64, name: &str) {
    let _ = write!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
        LABEL_WIDTH - 8.0,
        y + 13.0,
        escape(name)
    );
}

/// The median of `values` (`None` when empty).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        f64::midpoint(sorted[mid - 1], sorted[mid])
    } else {
        sorted[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_even_and_odd_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn charts_draw_one_mark_per_value_and_escape_names() {
        let bars = pass_rate_bars(&[("a<b".into(), 0.5), ("c".into(), 1.0)]);
        assert_eq!(bars.matches("<rect").count(), 2);
        assert!(bars.contains("a&lt;b") && bars.contains("50%"));
        let strip = distribution(
            "latency",
            "Latency",
            &[("p".into(), vec![1.0, 2.0, 9.0])],
            |v| format!("{v:.0} ms"),
        );
        assert_eq!(strip.matches("<circle").count(), 3);
        assert!(strip.contains("median 2 ms") && strip.contains(">9 ms<"));
    }
}
