//! Questions about Ecto that several rules ask.

use super::calls::Call;

/// A module that is a Repo in the contract's sense: `Repo`, or any module whose last part is
/// `Repo` (`MyApp.Repo`, after alias expansion).
pub fn is_repo(module: &str) -> bool {
    module == "Repo" || module.ends_with(".Repo")
}

/// A call that runs raw SQL: `Repo.query/query!/query_many/query_many!/stream` (SQL first)
/// or the same functions on `Ecto.Adapters.SQL` (repo first, then SQL). Returns the index of
/// the SQL argument.
pub fn raw_sql_argument(call: &Call) -> Option<usize> {
    const RAW_SQL: &[&str] = &["query", "query!", "query_many", "query_many!", "stream"];
    if !RAW_SQL.contains(&call.function) {
        return None;
    }
    match call.module.as_deref() {
        Some("Ecto.Adapters.SQL") => Some(1),
        Some(module) if is_repo(module) => Some(0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repos_by_name() {
        assert!(is_repo("Repo"));
        assert!(is_repo("MyApp.Repo"));
        assert!(!is_repo("MyApp.Repository"));
        assert!(!is_repo("MyApp.RepoBase"));
        assert!(!is_repo("Reporter"));
    }
}
