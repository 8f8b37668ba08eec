//! What the app asks of glibc's malloc (`tui::memory`), checked in a
//! process of its own: this file holds one test, so no other allocates
//! beside it.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_large_block_freed_does_not_pull_the_next_ones_among_small_ones() {
    #[repr(C)]
    struct Mallinfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }
    unsafe extern "C" {
        fn mallinfo2() -> Mallinfo2;
    }
    // SAFETY: mallinfo2 takes nothing and returns a struct by value.
    let mapped_blocks = || unsafe { mallinfo2() }.hblks;

    marginote::tui::memory::keep_large_blocks_apart();
    // A block of pages of its own, freed: glibc's default would now raise
    // the threshold for such blocks to 4 MiB.
    drop(std::hint::black_box(vec![1u8; 4 << 20]));
    let before = mapped_blocks();
    let list = std::hint::black_box(vec![1u8; 256 << 10]);
    assert_eq!(mapped_blocks(), before + 1, "256 KiB got pages of its own");
    drop(list);
    assert_eq!(mapped_blocks(), before, "and gave them back when freed");
}
