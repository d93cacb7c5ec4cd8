/**
 * The live jobs table: the caller's jobs, newest first, filtered by job type and status, a page
 * at a time (the list API's cursor). Each refresh updates rows in place by job id, so nothing
 * flickers and a focused button keeps its focus.
 */
import { api } from './api.mjs';
import { byId, el, setText, time } from './dom.mjs';

/** The mark set when the table first shows rows. */
const PAINTED = 'console:jobs-table-painted';

export function jobsTable({ principal, onOpen, onError }) {
  const body = byId('jobs-body');
  const empty = byId('jobs-empty');
  const filters = { name: byId('filter-name'), status: byId('filter-status'), limit: byId('filter-limit') };
  const buttons = { first: byId('page-first'), prev: byId('page-prev'), next: byId('page-next') };
  /** Cursors of the pages before this one (the first page's is undefined), and this page's, and the next. */
  let cursors = [];
  let cursor;
  let nextCursor = null;
  let signature = '';

  function rowOf(job) {
    const view = el('button', {
      text: job.id.slice(0, 8),
      className: 'link',
      attrs: { type: 'button', 'aria-label': `View job ${job.id}`, title: job.id },
    });
    view.addEventListener('click', () => onOpen(job.id));
    const row = el('tr', { attrs: { 'data-id': job.id } }, [el('td', {}, [view])]);
    for (let i = 0; i < 5; i += 1) row.append(el('td'));
    return row;
  }

  function fill(row, job) {
    const [, type, status, created, started, finished] = row.cells;
    setText(type, job.name);
    setText(status, job.status);
    status.className = `status status-${job.status}`;
    setText(created, time(job.createdAt));
    setText(started, time(job.startedAt));
    setText(finished, time(job.completedAt));
  }

  function render(items) {
    const existing = new Map([...body.rows].map((row) => [row.dataset.id, row]));
    let previous = null;
    for (const job of items) {
      const row = existing.get(job.id) ?? rowOf(job);
      existing.delete(job.id);
      fill(row, job);
      // Moves a row only when it is out of place (a new job on top); others stay put.
      const wanted = previous ? previous.nextSibling : body.firstChild;
      if (wanted !== row) body.insertBefore(row, wanted);
      previous = row;
    }
    for (const row of existing.values()) row.remove();
    empty.hidden = items.length > 0;
    // A User Timing mark (devtools show it; the console benchmark reads it): the first rows shown.
    if (items.length > 0 && performance.getEntriesByName(PAINTED).length === 0) performance.mark(PAINTED);
  }

  async function refresh() {
    const query = {
      name: filters.name.value,
      status: filters.status.value,
      limit: filters.limit.value,
      cursor,
    };
    const page = await api.listJobs(principal(), query);
    const next = JSON.stringify(page);
    nextCursor = page.nextCursor;
    buttons.next.disabled = nextCursor === null;
    buttons.prev.disabled = cursors.length === 0;
    buttons.first.disabled = cursors.length === 0;
    setText(byId('page-label'), `Page ${cursors.length + 1}`);
    if (next === signature) return;
    signature = next;
    render(page.items);
  }

  function go(action) {
    if (action === 'first') {
      cursors = [];
      cursor = undefined;
    } else if (action === 'prev') cursor = cursors.pop();
    else if (action === 'next' && nextCursor) {
      cursors.push(cursor);
      cursor = nextCursor;
    }
    refresh().catch(onError);
  }
  for (const [action, button] of Object.entries(buttons)) button.addEventListener('click', () => go(action));
  for (const select of Object.values(filters)) select.addEventListener('change', () => go('first'));

  return { refresh, reset: () => go('first') };
}
