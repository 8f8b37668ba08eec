// mimalloc: a frame allocates and frees many small strings (the lines of the
// screen); glibc's malloc spent more time consolidating them than drawing.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    marginote::cli::main()
}
