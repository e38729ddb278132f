import Query

/// The queries `Characterizer` runs, in DeepProv's language and nowhere else: each written as a
/// saved query (a header typing its parameters, then the query), so tags and layers are bound
/// as parameters, never pasted in. Dispersion (variance over mean; none when the mean is 0) is
/// the language's summary measure `dispersion`. Entropy and active nodes are the trace measures
/// `entropy(L)` and `active(L)` summarized over the traces: their spread (stddev, min, max) needs
/// each trace's value, and that one scan gives their means too, so the summary measure `entropy`
/// (the same mean) is not asked for — it would scan every trace of both tags again.
enum CharacterizationQueries {
    /// Per node of a layer, tag `a` versus tag `b`: from the store's statistics.
    static let nodes = saved("""
        # name: characterize-nodes
        # description: Per node of a layer, two tags compared: count, mean, stddev, freq, min, max, Cohen's d, dispersion.
        # param: a string
        # param: b string
        # param: layer integer
        from traces where tag = $a
        | nodes of layer $layer
        | summarize count, mean, stddev, freq, min, max, dispersion, effect by node
        | versus traces where tag = $b
        """)

    /// The layer's pooled values, tag `a` versus tag `b`: from the store's statistics.
    static let layer = saved("""
        # name: characterize-layer
        # description: A layer's pooled node values, two tags compared: count, mean, stddev, share of active nodes, min, max, dispersion.
        # param: a string
        # param: b string
        # param: layer integer
        from traces where tag = $a
        | nodes of layer $layer
        | summarize count, mean, stddev, freq, min, max, dispersion by layer
        | versus traces where tag = $b
        """)

    /// Per node, the traces of `a` made from a trace of `b` against their own parents.
    static let pairedNodes = saved("""
        # name: characterize-paired-nodes
        # description: Per node of a layer, the traces of tag a made from traces of tag b against their parents: mean paired difference, d_z, mean and largest |difference|.
        # param: a string
        # param: b string
        # param: layer integer
        from traces where tag = $a and parent_tag = $b
        | nodes of layer $layer
        | summarize count, mean, effect, distance, max_distance by node
        | versus parent
        """)

    /// Per trace of `a` made from a trace of `b`, the Euclidean distance of the layer's
    /// values to its parent's, summarized.
    static let pairedLayer = saved("""
        # name: characterize-paired-layer
        # description: The Euclidean distance of a layer's values from the parent's, over the traces of tag a made from traces of tag b.
        # param: a string
        # param: b string
        # param: layer integer
        from traces where tag = $a and parent_tag = $b
        | select distance($layer, parent) as distance
        | summarize count, mean(distance), stddev(distance), min(distance), max(distance)
        """)

    /// Per tag, the entropy of a layer's |values| and its active nodes, summarized over traces.
    static let traceMeasures = saved("""
        # name: characterize-trace-measures
        # description: Per tag, a layer's entropy (bits) and active nodes per trace: mean, stddev, min, max over the traces.
        # param: a string
        # param: b string
        # param: layer integer
        from traces where tag = $a or tag = $b
        | select tag, entropy($layer) as entropy, active($layer) as active
        | summarize count, mean(entropy), stddev(entropy), min(entropy), max(entropy), mean(active), stddev(active), min(active), max(active) by tag
        """)

    /// Per trace of either tag, a layer's entropy and active nodes: the distributions the page draws.
    static let traceValues = saved("""
        # name: characterize-trace-values
        # description: Per trace of two tags, a layer's entropy (bits) and active nodes.
        # param: a string
        # param: b string
        # param: layer integer
        from traces where tag = $a or tag = $b
        | select tag, entropy($layer) as entropy, active($layer) as active
        """)

    /// The dense edges into a layer whose mean contribution differs most between the tags.
    static let edges = saved("""
        # name: characterize-edges
        # description: Dense edges into a layer, two tags compared: mean and stddev of the contribution, the top k by |mean difference|.
        # param: a string
        # param: b string
        # param: layer integer
        # param: k integer
        from traces where tag = $a
        | edges into layer $layer
        | summarize mean, stddev by edge
        | versus traces where tag = $b
        | sort -abs(mean_diff), source, target
        | take $k
        """)

    /// Which tags the parents of a tag's traces have (an empty tag: no parent), and how many.
    static let parentTags = saved("""
        # name: characterize-parent-tags
        # description: The tags of the parents of a tag's traces, with their counts.
        # param: a string
        from traces where tag = $a
        | select parent_tag
        | summarize count by parent_tag
        """)

    /// Which models hold the traces of two tags.
    static let models = saved("""
        # name: characterize-models
        # description: The models whose traces carry either of two tags, with their counts.
        # param: a string
        # param: b string
        from traces where tag = $a or tag = $b
        | select model
        | summarize count by model
        """)

    private static func saved(_ text: String) -> SavedQuery {
        do {
            return try SavedQuery(text: text, file: "<characterize>")
        } catch {
            preconditionFailure("a characterization query's header does not parse: \(error)")
        }
    }
}
