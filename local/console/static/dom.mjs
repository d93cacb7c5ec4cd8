/**
 * Small DOM helpers. Everything that comes from a job (ids, inputs, results, errors) is set as
 * text, never parsed as HTML.
 */

/** The element with this id; throws when the page lacks it (a typo, not a runtime state). */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The console page has no #${id}`);
  return element;
}

/** A new element with text content and attributes (no HTML parsing). */
export function el(tag, { text, className, attrs = {} } = {}, children = []) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className) element.className = className;
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

/** Sets a node's text only when it changed, so a refresh does not disturb what did not. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Local time of an ISO timestamp, with seconds; an em dash when absent. */
export function time(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${date.toLocaleTimeString(undefined, { hour12: false })}`;
}

/** A duration between two ISO timestamps, for people (`850 ms`, `12.4 s`, `3 min 5 s`). */
export function duration(fromIso, toIso) {
  if (!fromIso || !toIso) return '—';
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Pretty JSON for a `<pre>` (set as text). */
export function json(value) {
  return JSON.stringify(value, null, 2);
}

/** Says `message` to screen readers and shows it in the status line. */
export function announce(message, { error = false } = {}) {
  const announcer = byId('announcer');
  announcer.classList.toggle('error', error);
  // Clearing first makes a repeated message announced again.
  announcer.textContent = '';
  requestAnimationFrame(() => {
    announcer.textContent = message;
  });
}
