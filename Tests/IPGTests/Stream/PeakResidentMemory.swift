import Foundation

/// The process's peak resident memory so far, in bytes: a test that reads hostile input checks
/// it did not grow by what a damaged length claimed.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}
