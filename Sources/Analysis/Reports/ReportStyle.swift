/// The style rules every report page shares (page, headings, figures, SVG labels); each page's
/// template adds its own after them.
enum ReportStyle {
    static let shared = """
    body { font-family: sans-serif; margin: 2em; color: #222; }
    h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
    figure { display: inline-block; margin: 0 1.5em 1em 0; vertical-align: top; }
    svg text { font-size: 11px; font-family: monospace; }
    """
}
