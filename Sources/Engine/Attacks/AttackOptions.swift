/// The attacks `deepprov attack` runs. All are L∞-bounded: every input value moves by at most
/// ε (in the model's input space) and stays inside [clipMin, clipMax].
public enum AttackKind: String, Sendable, CaseIterable {
    /// Fast gradient sign method: one step of size ε along the sign of the loss gradient.
    case fgsm
    /// Projected gradient descent: random start inside the ε-ball, then sign-gradient steps
    /// projected back onto the ball.
    case pgd
    /// Basic iterative method: PGD's steps from the clean input (no random start).
    case bim
    /// Square attack (Andriushchenko et al., 2020): random square-shaped ±ε changes kept when
    /// they lower the margin; uses model outputs only, never gradients.
    case square
}

/// Parameters of an attack run.
public struct AttackOptions: Sendable {
    public var kind: AttackKind
    public var epsilon: Float
    /// Step size of iterative gradient attacks (default 2.5·ε / iterations).
    public var step: Float?
    /// Steps (pgd, bim) or queries per input (square).
    public var iterations: Int
    /// Start bim from a random point of the ε-ball too (pgd always does).
    public var randomStart: Bool
    public var seed: UInt64
    public var clipMin: Float
    public var clipMax: Float
    /// Which gradient the gradient attacks follow: the model's own, or BPDA's (inserted node
    /// actions as identity).
    public var backwardPass: BackwardPass

    public init(
        kind: AttackKind, epsilon: Float, step: Float? = nil, iterations: Int? = nil, randomStart: Bool = false,
        seed: UInt64 = 1, clipMin: Float = -.infinity, clipMax: Float = .infinity, backwardPass: BackwardPass = .exact
    ) {
        self.kind = kind
        self.epsilon = epsilon
        self.step = step
        self.iterations = iterations ?? (kind == .square ? 300 : 10)
        self.randomStart = randomStart
        self.seed = seed
        self.clipMin = clipMin
        self.clipMax = clipMax
        self.backwardPass = backwardPass
    }

    /// The step iterative gradient attacks take.
    public var effectiveStep: Float { step ?? 2.5 * epsilon / Float(max(iterations, 1)) }
}
