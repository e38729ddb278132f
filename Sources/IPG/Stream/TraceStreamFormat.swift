/// The `.ipgz` trace stream, version 4: how DeepProv stores one IPG trace per input. Readers
/// also read version 3, which differs in the frame checksum (CRC-32), in a traces frame's
/// stored payload (one zstd frame, no raw section) and in its shuffled and bitmap value blocks
/// (no raw-plane mask); version 2, which differs from 3 only in that no value block is derived; and version 1,
/// which differs in the header payload (it has no merged-sources section, so no layer has more
/// than one source, and no resolution section, so every layer is full) and in a traces
/// payload's value blocks.
///
/// All integers are little-endian. A stream is an 8-byte preamble followed by frames.
///
/// **Preamble**: the ASCII bytes `IPGZ`, a `u16` format version (4; 3, 2 and 1 for the previous
/// versions), a `u16` of flags (0; a reader refuses others).
///
/// **Frame**: a 20-byte header, then `storedLength` payload bytes.
///
/// | offset | type  | field |
/// | ------ | ----- | ----- |
/// | 0      | `u8`  | kind: 1 header, 2 traces, 3 end |
/// | 1      | `u8`  | value encoding of a traces frame: 0 float32, 1 float16 (0 otherwise) |
/// | 2      | `u16` | reserved, 0 |
/// | 4      | `u32` | item count: traces in a traces frame; total traces in the end frame |
/// | 8      | `u32` | stored (zstd-compressed) payload length |
/// | 12     | `u32` | decoded payload length |
/// | 16     | `u32` | checksum of header bytes 0–15 followed by the stored payload: the low 32 bits of XXH64 with seed 0 (the hash of zstd's content checksums); versions 1–3: CRC-32 (IEEE, as zlib's `crc32`) |
///
/// A stored payload is one zstd frame (empty for the end frame: both lengths 0), but for a
/// version-4 traces frame: a `u32` length `c`, a zstd frame of `c` bytes, then the frame's
/// **raw section** (the rest of the stored payload, not compressed: byte planes the value
/// blocks keep out of zstd, below). The decoded length is the zstd frame's. The first frame is the
/// header frame; then any number of traces frames; a finished stream ends with exactly one end
/// frame. A reader streams frames in order (it never seeks, so a pipe works) and reports damage
/// with the file name, the frame number (0 is the header frame) and the frame's byte offset.
///
/// Decoded payloads use these primitives: `u8`, `u32`, `i64`, `f32` (IEEE 754 binary32), a
/// *string* (`u32` byte count + UTF-8), an *int list* (`u32` count + that many `u32`), a *float
/// list* (`u32` count + that many `f32`), *key/values* (`u32` count + key string + value string each).
///
/// **Header payload**: model fingerprint (string, sha256 hex of the ONNX bytes), model name
/// (string), value encoding (`u8`), key/values (producer, model path, …), `u32` layer count, then
/// per layer: index `u32`, name string, kind string (`input`, `dense`, `conv`, `pool`, `batchNorm`,
/// `reshape`, `activation`, `add`, `concat`), activation string (`identity`, `relu`, `leaky_relu`, `sigmoid`,
/// `tanh`), threshold `f32`, node count `u32`, node shape (int list), source layer `i64` (−1 for
/// none), edge rule: a `u8` tag then its data —
/// 0 none; 1 dense: float list (target-major weights, alpha folded in); 2 conv: input channels,
/// output channels, groups (`u32` each), kernel shape, strides, dilations, pads begin, pads end,
/// input spatial, output spatial (int lists), float list of weights `[out, in/groups, kernel…]`;
/// 3 channel scale: float list; 4 channel output; 5 reshape; 6 explicit; 7 concat: channel offset
/// `u32`. (The rules are documented on `EdgeRule`.) Then (version 2 and later) the **merged-sources
/// section**: `u32` count, then per further source of a merge layer (an `Add`/`Sum` or `Concat`
/// of several layers), in operand order: target layer `u32`, source layer `u32`, edge rule as
/// above. A merge layer's first source is the one in its layer entry; an addend's rule is channel
/// scale (all 1), a concatenated source's is concat. Then, only when some layer is not kept at
/// full resolution, the (version 2 and later) **resolution section**: `u32` count (the layer count), then
/// a `u8` per layer: 0 **full** (every value), 1 **summary** (per node its mean element — the
/// float32 nearest the double-precision mean —, its largest element, and the share of its
/// elements whose absolute value exceeds the threshold; a node is active exactly when the share
/// is above 0), 2 **derived** (not stored: a `reshape` layer with the `reshape` rule, the
/// `identity` activation and one source whose values it copies in order; its source is full or
/// derived, never summary, so a reader rebuilds it exactly). The input layer is never summary.
/// Without the section every layer is full.
///
/// **Traces payload** for `n` traces: first `n` metadata records — input index `i64`, input hash
/// string, true label `i64` (−1 when unknown), predicted label `i64`, confidence `f32`, tag string,
/// a `u8` parent flag (1: parent tag string and parent input index `i64` follow), key/values.
/// Then, for each layer in table order that is not derived, a block of the node values of all
/// `n` traces (each trace's row: at full resolution `layer.valueCount` values, nodes in index
/// order, a channel's map row-major; at summary resolution `3 · nodeCount` values: every node's
/// mean, then every node's max, then every node's share active) as the bit patterns of the
/// frame's value encoding (`w` = 4 or 2 bytes; a float16 pattern is the low 2 bytes of its
/// `u32`). *Shuffling* `k` patterns `b` bytes wide writes byte 0 of every pattern, then byte 1
/// of every pattern, … (`b·k` bytes). With `r` values per row and `m = n · r`:
/// - version 1: the patterns trace after trace, shuffled (`w·m` bytes);
/// - version 2 to 4: a `u8` layout, (version 4, layouts 0 and 1 only) a `u8` *raw-plane mask*,
///   then (as the store's `LayerBlockCodec` lays out a block) —
///   0 *shuffled*: the patterns **node-major** (value 0 of every trace, then value 1, …),
///   shuffled; 1 *bitmap*: node-major, a bitmap of `⌈m/8⌉` bytes (bit `i` is byte `i/8`'s
///   bit `i mod 8`, least significant first; padding bits 0) set where pattern `i` is not 0,
///   then the set patterns in order, shuffled; 2 / 3 *dictionary* with 8 / 16-bit codes:
///   trace after trace, a `u32` count `d` and the `d` distinct patterns ascending, shuffled,
///   then each pattern's index in them as a 1 / 2-byte code, shuffled (`m` / `2m` bytes).
///   The writer picks a dictionary when the patterns repeat, a bitmap when a quarter or more
///   are 0 (post-ReLU maps), else shuffling: zstd then has less to chew and the frame is smaller.
///   In version 4, byte plane `b` of a shuffled or bitmap layout's patterns (the `k` bytes
///   "byte `b` of every pattern") is taken from the frame's raw section instead of the payload
///   when bit `b` of the raw-plane mask is set, and a bitmap layout's bitmap when bit 7 is set
///   (no other bit at or past `w` may be); the raw section holds those parts in payload order
///   and nothing else. The writer sets the planes below the exponent (float32: 0–2; float16: 0)
///   and the bitmaps whose bytes look random in a sample (mantissa bytes of activations, ReLU
///   zeros at random), which zstd cannot shrink.
/// - version 3 and 4, for a layer at full resolution, *derived* layouts holding no values: every
///   trace's values follow from those of an earlier layer `j` of the same frame as a reader has
///   them (`j` full or derived, never summary). 0x80 *copy*: a `u32` `j`; the values are layer
///   `j`'s (which has as many per trace). 0x81 *max pool*: a `u32` `j`, then kernel height,
///   kernel width, stride height, stride width (`u32` each); node `c`'s map (its node shape
///   `[h, w]`, or `[w]` read as one row) is the max pool of layer `j`'s node `c` (`[H, W]`, as
///   many nodes) without padding or dilation, `h = (H − kh) / sh + 1` and
///   `w = (W − kw) / sw + 1` exactly: per window, the maximum down each window column (from
///   the top, a value replacing the one so far when greater), then across those column
///   maxima left to right, the same way. The writer uses one only when the derivation gives
///   every trace's captured values bit for bit (Flatten/Reshape copies and pooling layers).
///
/// Last, per trace, its explicit edges: `u32` count, then per edge source layer, source index,
/// target layer, target index (`u32` each) and weight `f32`.
///
/// A reader trusts no length or count: each is checked against the bytes its payload has left
/// (a frame's trace count too) before anything is sized by it, a frame's values may decode to
/// at most 1 GiB, a dictionary code must name a dictionary entry, a frame's decoded length must
/// match its zstd frame's content size, and a layer table must agree with itself (node shapes
/// without empty dimensions, at most 1 GiB of values per trace, edge rules whose weights and
/// geometry fit the layers they connect, merged sources only on layers that have a first source
/// and only with addend, concat or explicit rules, resolutions as described above).
public enum TraceStreamFormat {
    /// `IPGZ`.
    public static let magic: [UInt8] = Array("IPGZ".utf8)
    /// The format version this build writes.
    public static let version: UInt16 = 4
    /// The format versions this build reads.
    public static let readableVersions: [UInt16] = [1, 2, 3, 4]
    static let preambleLength = 8
    static let frameHeaderLength = 20
    /// Largest decoded payload a reader accepts (guards against corrupt lengths).
    static let maximumPayloadLength = 1 << 30

    /// What a frame holds.
    enum FrameKind: UInt8 {
        case header = 1
        case traces = 2
        case end = 3
    }
}
