//! CONF — runtime configuration. One file per rule.

mod app_env_at_compile_time;
mod compile_time_env;
mod mix_env_at_runtime;
mod prod_debug_setting;

pub use app_env_at_compile_time::AppEnvAtCompileTime;
pub use compile_time_env::CompileTimeEnv;
pub use mix_env_at_runtime::MixEnvAtRuntime;
pub use prod_debug_setting::ProdDebugSetting;

/// The file name of a project path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
