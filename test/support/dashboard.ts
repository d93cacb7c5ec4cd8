/** The dashboard body as one string, with every token replaced by a quote-free stand-in. */
export function dashboardBody(body: unknown): string {
  if (typeof body === 'string') return body;
  const [, parts] = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  // Tokens sit inside JSON strings, so stand them in with a quote-free placeholder.
  return parts
    .map((p) => (typeof p === 'string' ? p : `TOKEN_${JSON.stringify(p).replace(/"/g, "'")}`))
    .join('');
}
