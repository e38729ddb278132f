extension ForensicsPage {
    /// The page's markup: `PageView`'s fields, placed. Mustache escapes every `{{value}}`.
    static let template = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>{{title}}</title>
    <style>
    \(ReportStyle.shared)
    figcaption { font-size: 0.8em; max-width: 14em; }
    </style>
    </head>
    <body>
    <h1>{{title}}</h1>
    {{#summary}}<p>{{.}}</p>{{/summary}}

    <h2>Strongest paths (edge width: contribution; blue adds, red takes away)</h2>
    <svg width="{{graphWidth}}" height="{{graphHeight}}" viewBox="0 0 {{graphWidth}} {{graphHeight}}" role="img">
    {{#edges}}<line x1="{{x1}}" y1="{{y1}}" x2="{{x2}}" y2="{{y2}}" stroke="{{colour}}" stroke-width="{{width}}" stroke-opacity="0.8"><title>{{title}}</title></line>
    {{/edges}}
    {{#nodes}}<circle cx="{{x}}" cy="{{y}}" r="6" fill="#fff" stroke="#222"/><text x="{{textX}}" y="{{y}}" dy="-8">{{name}}</text>
    {{/nodes}}
    </svg>
    <ul>{{#paths}}<li>{{.}}</li>{{/paths}}</ul>

    {{#hasImages}}
    <h2>The input, by each pixel's total contribution</h2>
    {{#heatMaps}}<figure><svg width="{{side}}" height="{{side}}" viewBox="0 0 {{side}} {{side}}" role="img">{{#cells}}<rect x="{{x}}" y="{{y}}" width="{{size}}" height="{{size}}" fill="{{fill}}"><title>{{title}}</title></rect>{{/cells}}</svg><figcaption>{{title}}</figcaption></figure>
    {{/heatMaps}}
    {{/hasImages}}

    <h2>Nodes far from the clean traces of the true class (bar: |z|)</h2>
    {{#outlierLayers}}<figure><svg width="560" height="{{height}}" viewBox="0 0 560 {{height}}" role="img">
    {{#bars}}<text x="0" y="{{textY}}">{{name}}</text><rect x="{{x}}" y="{{y}}" width="{{width}}" height="18" fill="{{fill}}"/><text x="380" y="{{textY}}">{{z}}</text>
    {{/bars}}</svg><figcaption>layer {{layer}}</figcaption></figure>
    {{/outlierLayers}}

    {{#hasImages}}
    <h2>Nearest correctly classified inputs</h2>
    {{#neighbours}}<figure><svg width="{{side}}" height="{{side}}" viewBox="0 0 {{side}} {{side}}" role="img">{{#cells}}<rect x="{{x}}" y="{{y}}" width="{{size}}" height="{{size}}" fill="{{fill}}"/>{{/cells}}</svg><figcaption>{{title}}</figcaption></figure>
    {{/neighbours}}
    {{/hasImages}}

    {{#hasParent}}<h2>Beside its clean parent</h2>{{/hasParent}}
    {{#parentText}}<p>{{.}}</p>{{/parentText}}
    {{#parentPictures}}<figure><svg width="{{side}}" height="{{side}}" viewBox="0 0 {{side}} {{side}}" role="img">{{#cells}}<rect x="{{x}}" y="{{y}}" width="{{size}}" height="{{size}}" fill="{{fill}}"/>{{/cells}}</svg><figcaption>{{title}}</figcaption></figure>
    {{/parentPictures}}
    </body>
    </html>

    """
}
