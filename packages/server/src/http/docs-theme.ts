/**
 * What the API reference adds to Swagger UI so that it passes axe-core (no serious or
 * critical violation; the console's browser tests check it): colours of its own texts at 4.5:1
 * contrast or more, and a name for its server list. Served as files of their own, under the
 * docs page's CSP (`'self'`, nothing inline).
 */
export const docsTheme = {
  css: [
    {
      filename: "wxgate.css",
      content: [
        // The version badges: white on #7d8492 and #89bf04 is under 4.5:1.
        ".swagger-ui .info .title small { background: #4f5663; }",
        ".swagger-ui .info .title small.version-stamp { background-color: #3d6b00; }",
        // The document's link: #4990e2 on white is 3.3:1 (the console's link colour instead).
        ".swagger-ui .info a, .swagger-ui .info a:hover { color: #0b5cad; }",
        // White on the methods' light colours is under 3:1; darker shades of the same hues.
        ".swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1763a6; }",
        ".swagger-ui .opblock.opblock-post .opblock-summary-method { background: #137547; }",
        ".swagger-ui .opblock.opblock-put .opblock-summary-method { background: #a65300; }",
        ".swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0e7468; }",
        ".swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #c0262d; }",
        ".swagger-ui .btn.authorize { color: #137547; border-color: #137547; }",
        ".swagger-ui .btn.authorize svg { fill: #137547; }",
        // The schemas' “Expand all” (#afaeae on white, 2.2:1).
        ".swagger-ui .json-schema-2020-12-expand-deep-button { color: #595959; }",
      ].join("\n"),
    },
  ],
  js: [
    {
      filename: "wxgate.js",
      content: [
        "// Swagger UI renders its server list without a label: name it for assistive technology.",
        "new MutationObserver(function () {",
        '  var lists = document.querySelectorAll("select#servers:not([aria-label])");',
        '  for (var i = 0; i < lists.length; i++) lists[i].setAttribute("aria-label", "Servers");',
        "}).observe(document.documentElement, { childList: true, subtree: true });",
      ].join("\n"),
    },
  ],
};
