/// The DeepProv release, recorded in the models and streams it writes.
public enum DeepProvVersion {
    public static let current = "0.1.0"
}
