import CBLAS

/// Row-major single-precision matrix products through BLAS (OpenBLAS).
enum MatrixMultiply {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, where op transposes when asked.
    /// `a` is m×k (k×m when `transposeA`), `b` is k×n (n×k when `transposeB`).
    static func gemm(
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, transposeA: Bool = false,
        b: UnsafePointer<Float>, transposeB: Bool = false,
        beta: Float = 0, c: UnsafeMutablePointer<Float>
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if beta == 0 { c.update(repeating: 0, count: m * n) } else { for index in 0..<(m * n) { c[index] *= beta } }
            return
        }
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(transposeA ? m : k),
            b, blasint(transposeB ? k : n),
            beta, c, blasint(n))
    }
}

/// Controls the BLAS library's own threads.
public enum ComputeThreads {
    /// Sets how many threads BLAS may use (1 for reproducible single-thread measurements).
    public static func setBLASThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
