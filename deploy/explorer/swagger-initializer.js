// Replaces the stock swagger-initializer.js of Swagger UI's distribution: the specs, the gateway
// each calls and the options come from explorer-config.json, which the explorer serves.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    configUrl: "explorer-config.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
};
