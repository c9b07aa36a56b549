//! Durations as the format writes them: Go's `time.ParseDuration` text (`300ms`, `1.5s`,
//! `1h30m`), the one parser every duration field goes through.

use std::time::Duration;

/// Parses a Go duration: an optional `+`, then `0` or one or more decimal numbers each
/// with a unit (`ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`). Negative durations, bare
/// numbers and unknown units are `None`, as are values too large to represent.
///
/// ```
/// use std::time::Duration;
/// use promptkit_build::model::parse_go_duration;
/// assert_eq!(parse_go_duration("1h30m"), Some(Duration::from_secs(5400)));
/// assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
/// assert_eq!(parse_go_duration("0"), Some(Duration::ZERO));
/// assert_eq!(parse_go_duration("30"), None);
/// ```
pub fn parse_go_duration(text: &str) -> Option<Duration> {
    let text = text.strip_prefix('+').unwrap_or(text);
    if text == "0" {
        return Some(Duration::ZERO);
    }
    if text.is_empty() {
        return None;
    }
    let mut rest = text;
    let mut seconds = 0.0_f64;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_end);
        if number.is_empty() || number == "." {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_end);
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        seconds += value * scale;
        rest = next;
    }
    Duration::try_from_secs_f64(seconds).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_go_accepts() {
        let ms = Duration::from_millis;
        for (text, want) in [
            ("300ms", ms(300)),
            ("+2s", ms(2000)),
            ("2m", ms(120_000)),
            ("1h2m3s", ms(3_723_000)),
            ("1.25h", ms(4_500_000)),
            ("500us", Duration::from_micros(500)),
            ("500µs", Duration::from_micros(500)),
            ("7ns", Duration::from_nanos(7)),
            (".5s", ms(500)),
        ] {
            assert_eq!(parse_go_duration(text), Some(want), "{text}");
        }
    }

    #[test]
    fn refuses_what_go_refuses_or_what_no_timeout_can_be() {
        for text in [
            "", "s", "10", "1d", "-1s", "1.2.3s", "1 s", "ms", "1e3s", ".",
        ] {
            assert_eq!(parse_go_duration(text), None, "{text}");
        }
    }
}
