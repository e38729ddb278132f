import CMalloc

/// How the process's allocator treats tensor-sized blocks. A batch's tensors are megabytes
/// each; by default glibc maps such blocks fresh from the kernel and returns them on free, so
/// every operator of every batch pays page faults on new zeroed pages. Keeping them in the heap
/// lets the next batch reuse the same pages (scripts/bench-cnn's small CNN: 30 % fewer page
/// faults and about 5 % less forward time, on top of the operators that work in place).
enum TensorMemory {
    /// Set once per process, before the first session runs (`InferenceSession.init`).
    static let keepsFreedBlocks: Void = {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)  // blocks up to 32 MB come from the heap,
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)  // up to 256 MB of freed heap stays mapped,
        _ = mallopt(M_TOP_PAD, 64 << 20)  // and the heap grows 64 MB at a time
        #endif
    }()
}
