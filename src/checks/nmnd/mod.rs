//! NMND — no placeholders, stubs or shortcuts. One file per rule.

mod debug_leftover;
mod not_implemented;
mod skipped_test;
mod todo_comment;

pub use debug_leftover::DebugLeftover;
pub use not_implemented::NotImplemented;
pub use skipped_test::SkippedTest;
pub use todo_comment::TodoComment;
