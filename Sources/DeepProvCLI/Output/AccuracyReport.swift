import Foundation

/// A fraction as a percentage with two decimals: `87.87%`.
func percent(_ fraction: Double) -> String {
    String(format: "%.2f%%", 100 * fraction)
}

/// Accuracy, per-class accuracy and confusion matrix of predictions against labels.
struct AccuracyReport {
    let classes: Int
    /// confusion[true][predicted]
    let confusion: [[Int]]
    let total: Int
    let correct: Int
    let forwardSeconds: Double

    init(labels: [Int], predicted: [Int], forwardSeconds: Double) {
        classes = max((labels.max() ?? 0), (predicted.max() ?? 0)) + 1
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (label, guess) in zip(labels, predicted) { confusion[label][guess] += 1 }
        self.confusion = confusion
        total = min(labels.count, predicted.count)
        correct = (0..<classes).reduce(0) { $0 + confusion[$1][$1] }
        self.forwardSeconds = forwardSeconds
    }

    var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }

    /// Accuracy per true class (nil for classes without inputs).
    var perClass: [Double?] {
        confusion.enumerated().map { label, row in
            let count = row.reduce(0, +)
            return count > 0 ? Double(row[label]) / Double(count) : nil
        }
    }

    func table() -> String {
        var lines = ["accuracy \(percent(accuracy)) (\(correct)/\(total)); forward \(String(format: "%.3f", forwardSeconds)) s", ""]
        lines.append("class  inputs  accuracy")
        for (label, value) in perClass.enumerated() {
            let count = confusion[label].reduce(0, +)
            lines.append(String(format: "%5d  %6d  %@", label, count, value.map { String(format: "%7.2f%%", 100 * $0) } ?? "      -"))
        }
        lines.append("")
        lines.append("confusion (rows: true, columns: predicted)")
        lines.append("      " + (0..<classes).map { String(format: "%6d", $0) }.joined())
        for (label, row) in confusion.enumerated() {
            lines.append(String(format: "%5d ", label) + row.map { String(format: "%6d", $0) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        let perClassText = perClass.map { $0.map { "\($0)" } ?? "null" }.joined(separator: ", ")
        let matrix = confusion.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }.joined(separator: ", ")
        return "{\"inputs\": \(total), \"correct\": \(correct), \"accuracy\": \(accuracy), \"per_class_accuracy\": [\(perClassText)], \"confusion\": [\(matrix)], \"forward_seconds\": \(forwardSeconds)}"
    }
}
