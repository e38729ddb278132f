/// Which entries of which parameters training may change (edge repair's "everything else
/// frozen"): parameters the mask does not name, and entries it marks false, keep their
/// values bit for bit.
public struct ParameterMask: Sendable, Equatable {
    /// Per parameter name, one flag per entry (row-major, the parameter's own layout).
    public var trainable: [String: [Bool]]

    public init(_ trainable: [String: [Bool]]) {
        self.trainable = trainable
    }

    /// The number of entries training may change.
    public var changeableCount: Int {
        trainable.values.reduce(0) { $0 + $1.count { $0 } }
    }

    /// Checks the mask against a session: every name a trainable parameter, every flag list
    /// as long as the parameter has entries.
    func validate(for session: InferenceSession) throws {
        let names = Set(session.trainableParameterNames)
        for (name, flags) in trainable.sorted(by: { $0.key < $1.key }) {
            guard names.contains(name), let parameter = session.parameter(name) else {
                throw EngineError("parameter mask names '\(name)', which is not a trainable parameter of \(session.model.source)")
            }
            guard flags.count == parameter.count else {
                throw EngineError("parameter mask for '\(name)' has \(flags.count) flags; the parameter has \(parameter.count) entries (shape \(parameter.shape))")
            }
        }
    }

    /// Puts back `before`'s value in every entry of `parameters` the mask freezes.
    func restoreFrozenEntries(_ parameters: inout [String: Tensor], from before: [String: Tensor]) {
        for (name, flags) in trainable {
            guard var parameter = parameters[name], let original = before[name] else { continue }
            for index in flags.indices where !flags[index] {
                parameter.values[index] = original.values[index]
            }
            parameters[name] = parameter
        }
    }
}
