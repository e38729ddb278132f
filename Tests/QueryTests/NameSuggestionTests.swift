import Query
import Testing

/// "Did you mean …?" suggestions for misspelt tags, layers and keywords.
@Suite struct NameSuggestionTests {
    @Test func suggestsTheClosestLikelyTypo() {
        let tags = ["clean", "fgsm", "pgd", "square"]
        #expect(NameSuggestion.nearest(to: "fgms", in: tags) == "fgsm", "a swap is one edit")
        #expect(NameSuggestion.nearest(to: "claen", in: tags) == "clean")
        #expect(NameSuggestion.nearest(to: "Square", in: tags) == "square")
        #expect(NameSuggestion.nearest(to: "pgd2", in: tags) == "pgd")
        #expect(NameSuggestion.nearest(to: "adversarial", in: tags) == nil, "too far from every name")
        #expect(NameSuggestion.nearest(to: "x", in: []) == nil)
    }
}
