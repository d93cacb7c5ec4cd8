/* The API reference: swagger-ui (served from node_modules) reading this server's /openapi.json. */
window.SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // No validator badge: it would fetch from validator.swagger.io.
  validatorUrl: null,
});
