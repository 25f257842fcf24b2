// 接口说明: Swagger UI (served by the app from the swagger-ui-bundle package) over /openapi.json.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("#swagger-ui");
  window.SwaggerUIBundle({
    url: box.dataset.specUrl,
    domNode: box,
    presets: [window.SwaggerUIBundle.presets.apis],
    deepLinking: true,
  });
});
