//! Compiled regular expressions, shared: an assertion or validator pattern is compiled
//! once per process instead of once per evaluation (the engine's hot path), with Go's
//! (RE2) meaning of the Perl classes and word boundaries (see [`super::re2`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use regex::Regex;

/// Patterns kept; past this the cache starts over (patterns come from configs, so a
/// run rarely has more).
const CAPACITY: usize = 4096;

/// `pattern` compiled, from the cache when it was compiled before.
pub(crate) fn compile(pattern: &str) -> Result<Arc<Regex>, regex::Error> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(re) = cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(pattern)
    {
        return Ok(Arc::clone(re));
    }
    let re = Arc::new(Regex::new(&super::re2::translate(pattern))?);
    let mut map = cache.lock().unwrap_or_else(PoisonError::into_inner);
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(pattern.to_owned(), Arc::clone(&re));
    Ok(re)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_once_and_reports_errors() {
        let a = compile(r"\d+").expect("valid");
        let b = compile(r"\d+").expect("valid");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(compile("(").is_err());
    }
}
