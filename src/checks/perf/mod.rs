//! PERF — database access. One file per rule.

mod n_plus_one;
mod unbounded_repo_all;

pub use n_plus_one::NPlusOne;
pub use unbounded_repo_all::UnboundedRepoAll;
