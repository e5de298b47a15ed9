//! SEAL — secrets and SQL injection. One file per rule.

mod hardcoded_secret;
mod secret_in_file;
mod secret_in_log;
mod sql_injection;

pub use hardcoded_secret::HardcodedSecret;
pub use secret_in_file::SecretInFile;
pub use secret_in_log::SecretInLog;
pub use sql_injection::SqlInjection;
