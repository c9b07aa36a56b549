//! RFC 3339 times (`2019-11-09T13:34:41Z`, fractional seconds allowed) as credential
//! endpoints write them, read with the AWS smithy parser already in the tree.

use std::time::SystemTime;

/// The instant an RFC 3339 text names, if it is one.
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    use aws_smithy_types::DateTime;
    use aws_smithy_types::date_time::Format;
    let time = DateTime::from_str(text.trim(), Format::DateTime).ok()?;
    SystemTime::try_from(time).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn whole_and_fractional_seconds() {
        assert_eq!(
            parse_rfc3339("2019-11-09T13:34:41Z"),
            Some(UNIX_EPOCH + Duration::from_secs(1_573_306_481))
        );
        assert_eq!(
            parse_rfc3339("2014-10-02T15:01:23.045123456Z"),
            Some(UNIX_EPOCH + Duration::new(1_412_262_083, 45_123_456))
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
