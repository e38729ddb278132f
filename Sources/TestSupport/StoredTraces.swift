import IPG
import Store

/// Every trace a store holds, ordered by tag, input index and parent (trace ids left out), to
/// compare two stores' contents whatever order or ids their ingests gave them.
public func storedTraces(_ backend: any ProvenanceBackend) throws -> [Trace] {
    var traces: [Trace] = []
    try backend.forEachTrace(TraceSelection()) { _, trace in
        traces.append(trace)
        return true
    }
    return traces.sorted { first, second in
        let (a, b) = (first.metadata, second.metadata)
        return (a.tag, a.inputIndex, a.parent?.tag ?? "", a.parent?.inputIndex ?? -1, a.inputHash)
            < (b.tag, b.inputIndex, b.parent?.tag ?? "", b.parent?.inputIndex ?? -1, b.inputHash)
    }
}
