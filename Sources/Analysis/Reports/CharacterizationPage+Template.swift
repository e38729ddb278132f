extension CharacterizationPage {
    /// The page's markup: `CharacterizationView`'s fields, placed. Mustache escapes every `{{value}}`.
    static let template = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>{{title}}</title>
    <style>
    \(ReportStyle.shared)
    figcaption { font-size: 0.8em; max-width: 40em; }
    table { border-collapse: collapse; margin: 0.5em 0 1em 0; font-size: 0.85em; }
    td, th { padding: 2px 8px; text-align: right; border-bottom: 1px solid #eee; }
    td:first-child, th:first-child { text-align: left; }
    </style>
    </head>
    <body>
    <h1>{{title}}</h1>
    {{#summary}}<p>{{.}}</p>{{/summary}}
    {{#layers}}
    <h2>{{heading}}</h2>
    <table><tr><th>over the layer's values</th><th>a</th><th>b</th><th>a − b</th></tr>
    {{#measures}}<tr><td>{{name}}</td><td>{{a}}</td><td>{{b}}</td><td>{{diff}}</td></tr>
    {{/measures}}</table>
    <div>{{#distributions}}{{> chart}}{{/distributions}}</div>
    <div>{{#heatMap}}{{> chart}}{{/heatMap}}</div>
    <div>{{#divergent}}{{> chart}}{{/divergent}}</div>
    <table><tr>{{#nodeHeader}}<th>{{.}}</th>{{/nodeHeader}}</tr>
    {{#nodes}}<tr><td>{{node}}</td>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>
    {{/nodes}}</table>
    {{#hasEdges}}
    <h3>Edges whose mean contribution differs most</h3>
    <table><tr>{{#edgeHeader}}<th>{{.}}</th>{{/edgeHeader}}</tr>
    {{#edges}}<tr><td>{{node}}</td>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>
    {{/edges}}</table>
    {{/hasEdges}}
    {{/layers}}
    </body>
    </html>

    """

    /// One chart: a figure holding an SVG of rectangles and labels.
    static let chart = """
    <figure><svg width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img">
    {{#rects}}<rect x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}" fill="{{fill}}"><title>{{title}}</title></rect>{{/rects}}
    {{#labels}}<text x="{{x}}" y="{{y}}">{{text}}</text>{{/labels}}
    </svg><figcaption>{{title}}</figcaption></figure>

    """
}
