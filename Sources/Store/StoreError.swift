/// A store that cannot be opened, migrated, read or written: which file, and why, as data.
/// The text a person reads is made from it at the edge (`description`).
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// A reader was pointed at a path where no store exists (nothing is created).
        case noSuchStore
        /// The file exists but is not a DeepProv store (another SQLite database, or not SQLite).
        case notAStore(detail: String)
        /// The store's schema is older than this build's: readers ask for `deepprov migrate`.
        case schemaOutdated(version: Int, current: Int)
        /// The store was made by a newer DeepProv.
        case schemaFromNewerBuild(version: Int, known: Int)
        /// A recorded migration's text differs from every text this build accepts for it.
        case migrationChanged(version: Int, name: String)
        /// SQLite refused a statement: its result code, message, the SQL and its arguments.
        case sqlite(code: Int32, message: String, sql: String?, arguments: String?)
        /// A model already stored under the same fingerprint with another layer table.
        case conflictingModel(fingerprint: String, source: String)
        /// No trace of `tag` for input `inputIndex` (of the model whose fingerprint starts with `model`).
        case noSuchTrace(tag: String, inputIndex: Int, model: String?)
        /// Several models hold the input: the caller must name one.
        case ambiguousTrace(tag: String, inputIndex: Int, fingerprints: [String])
        /// Stored bytes that do not decode (what, and why).
        case damaged(detail: String)
        /// Traces of a model the store keeps at other layer resolutions (one set per model).
        case conflictingResolution(source: String, layer: Int, layerName: String, stored: String, given: String)
        /// A stream keeps a layer at a resolution other than full (summary, or derived on
        /// reading), which this backend cannot hold yet.
        case reducedResolution(stream: String, layer: Int, layerName: String, resolution: String)
        /// A `--db` value that names no store this build can open (what is wrong with it).
        case badLocation(detail: String)
        /// A store on a server that could not be reached or refused a statement: the server's
        /// message and, when a statement failed, its SQL.
        case server(message: String, sql: String?)
        /// What this backend cannot do yet.
        case unsupported(detail: String)
        /// An ingest gave up after waiting its `waited` seconds for another writer (`holder`) to
        /// finish writing `tag` of the model whose fingerprint is `model`.
        case busy(tag: String, model: String, holder: String, waited: Int)
    }

    /// The store's file.
    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .noSuchStore:
            return "\(path): no such store"
        case .notAStore(let detail):
            return "\(path): not a DeepProv store (\(detail)); nothing was changed"
        case .schemaOutdated(let version, let current):
            return "\(path): the store has schema version \(version), older than this build's \(current); run `deepprov migrate --db \(path)` (or ingest into it) first"
        case .schemaFromNewerBuild(let version, let known):
            return "\(path): the store has schema version \(version), made by a newer DeepProv; this build knows versions up to \(known)"
        case .migrationChanged(let version, let name):
            return "\(path): migration \(version) was applied from a different text than this build's \(name).sql; refusing to use the store"
        case .sqlite(let code, let message, let sql, let arguments):
            var text = "\(path): SQLite error \(code): \(message)"
            if let sql { text += " (in: \(sql))" }
            if let arguments, !arguments.isEmpty { text += " (arguments: \(arguments))" }
            return text
        case .conflictingModel(let fingerprint, let source):
            return "\(source): model \(fingerprint.prefix(12)) is already stored in \(path) with a different layer table (other capture settings?)"
        case .noSuchTrace(let tag, let inputIndex, let model):
            return "\(path): no trace for input \(inputIndex) with tag '\(tag)'\(model.map { " of model \($0)" } ?? "")"
        case .ambiguousTrace(let tag, let inputIndex, let fingerprints):
            return "\(path): input \(inputIndex) with tag '\(tag)' exists for \(fingerprints.count) models; choose one with --model (\(fingerprints.sorted().map { String($0.prefix(12)) }.joined(separator: ", ")))"
        case .reducedResolution(let stream, let layer, let layerName, let resolution):
            return "\(path): cannot ingest \(stream): layer \(layer) (\(layerName)) is kept at \(resolution) resolution, and this store keeps every layer at full resolution (capture with --resolution full)"
        case .conflictingResolution(let source, let layer, let layerName, let stored, let given):
            return "\(source): layer \(layer) (\(layerName)) is kept at \(given) resolution, but \(path) keeps this model's traces with it at \(stored) resolution (one resolution per layer and model: capture with --resolution matching the store's, or use another store)"
        case .damaged(let detail):
            return "\(path): \(detail)"
        case .badLocation(let detail):
            return "\(path): \(detail)"
        case .server(let message, let sql):
            return "\(path): \(message)" + (sql.map { " (in: \($0))" } ?? "")
        case .unsupported(let detail):
            return "\(path): \(detail)"
        case .busy(let tag, let model, let holder, let waited):
            return "\(path): gave up after \(waited) s waiting to write tag '\(tag)' of model \(model.prefix(12)), \(holder); "
                + "the traces this run stored before are kept. Run it again once that run has finished (stored traces are skipped), "
                + "or wait longer (--busy-timeout SECONDS); a writer that died stops holding the tag a minute after it last renewed its claim, "
                + "at once if it ran on this host."
        }
    }

    /// The rendered text (`description`).
    public var message: String { description }
}
