fn main() -> std::process::ExitCode {
    doctrine::cli::main()
}
