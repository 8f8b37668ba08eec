fn main() -> std::process::ExitCode {
    marginote::cli::main()
}
