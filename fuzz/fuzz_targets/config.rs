//! `.doctrine.toml` parsing on arbitrary text: an error or a configuration, never a panic;
//! every error points inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let registry = doctrine::registry::Registry::builtin();
    if let Err(errors) = doctrine::config::Config::parse(&text, ".doctrine.toml", &registry) {
        assert!(!errors.is_empty());
        for error in errors {
            let _ = error.plain();
            let _ = error.diagnostic();
        }
    }
});
