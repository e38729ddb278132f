import Foundation
import Engine

/// Edge repair's training: adversarial fine-tuning restricted to a parameter mask. Each
/// epoch regenerates adversarial inputs from the mining inputs against the model being
/// repaired, trains the masked entries on them and the clean inputs (everything else
/// frozen), then scores the validation part: benign accuracy, and accuracy against
/// `deepprov evaluate`'s adaptive attack regenerated on the repaired model itself
/// (`AdaptiveValidation`: right at every step). The kept weights are the epoch with the best
/// adaptive accuracy whose benign accuracy stays within the budget.
struct EdgeFineTuning {
    /// Inputs in the data set's sample shape ([N, …]) and their labels.
    struct LabeledInputs {
        var inputs: Tensor
        var labels: [Int]
    }

    struct Options {
        var epochs: Int
        /// The attacks that regenerate the training inputs each epoch (each mining input once per attack).
        var attacks: [AttackOptions]
        /// The attack epochs are scored and chosen with.
        var scoring: AdaptiveValidation
        var training: TrainingOptions
        /// The most benign validation accuracy may fall, in percentage points.
        var maxBenignDrop: Double
    }

    struct Result {
        /// Validation scores of the original model, then after each epoch.
        var scores: [RepairScores]
        /// The chosen epoch (1-based), or nil when no epoch kept the benign budget.
        var chosenEpoch: Int?
        /// The chosen weights of every masked parameter (the originals when none was chosen).
        var parameters: [String: Tensor]
    }

    /// Fine-tunes `session`'s masked entries in place; on return the session holds the chosen weights.
    static func run(
        _ session: InferenceSession, mask: ParameterMask, mining: LabeledInputs, validation: LabeledInputs, options: Options,
        progress: (String) -> Void = { _ in }
    ) throws -> Result {
        let names = mask.trainable.keys.sorted()
        func current() -> [String: Tensor] { Dictionary(uniqueKeysWithValues: names.map { ($0, session.parameter($0)!) }) }
        let original = current()
        var scores = [try options.scoring.scores(session, validation.inputs, labels: validation.labels)]
        var training = options.training
        training.mask = mask
        let trainer = Trainer(session: session, options: training)
        var chosen: (epoch: Int, adversarial: Double, parameters: [String: Tensor])?
        for epoch in 1...max(options.epochs, 1) {
            var values = mining.inputs.values
            for attack in options.attacks {
                values += try AdversarialAttack(session: session, options: attack)
                    .run(mining.inputs, labels: mining.labels, batchSize: training.batchSize).adversarial.values
            }
            let copies = options.attacks.count + 1
            let features = Tensor(shape: [mining.inputs.shape[0] * copies] + mining.inputs.shape.dropFirst(), values: values)
            let labels = Array([[Int]](repeating: mining.labels, count: copies).joined())
            _ = try trainer.trainEpoch(features: session.shapeForInput(features, source: "edge repair"), labels: labels)
            let epochScores = try options.scoring.scores(session, validation.inputs, labels: validation.labels)
            scores.append(epochScores)
            progress("epoch \(epoch): validation benign \(percent(epochScores.benign)), adaptive \(percent(epochScores.adversarial))")
            let withinBudget = (scores[0].benign - epochScores.benign) * 100 <= options.maxBenignDrop
            if withinBudget, epochScores.adversarial > (chosen?.adversarial ?? scores[0].adversarial) {
                chosen = (epoch, epochScores.adversarial, current())
            }
        }
        let parameters = chosen?.parameters ?? original
        for (name, value) in parameters { try session.setParameter(name, value) }
        return Result(scores: scores, chosenEpoch: chosen?.epoch, parameters: parameters)
    }

    private static func percent(_ share: Double) -> String {
        String(format: "%.1f %%", share * 100)
    }
}
