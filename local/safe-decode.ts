/** Decodes a URL path segment; API Gateway passes an undecodable `%` sequence through as it is. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
