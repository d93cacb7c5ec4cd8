/**
 * Per job type and lane: messages waiting, delayed and in flight, and dead letters, with a
 * redrive button per job type (a redrive drains both of its lanes' DLQs). Rows are updated in
 * place, so a focused button keeps its focus across refreshes.
 */
import { api } from './api.mjs';
import { announce, byId, el, setText } from './dom.mjs';

export function queuesPanel({ adminPrincipal, onChange, onError }) {
  const body = byId('queues-body');
  const rows = new Map();

  function rowOf(lane) {
    const cells = ['jobName', 'lane', 'waiting', 'delayed', 'inFlight', 'deadLetters'].map(() => el('td'));
    const action = el('td');
    if (lane.lane === 'normal') {
      const button = el('button', {
        text: 'Redrive',
        attrs: { type: 'button', 'aria-label': `Redrive the dead letters of ${lane.jobName}` },
      });
      button.addEventListener('click', () => redrive(lane.jobName, button).catch(onError));
      action.append(button);
    }
    const row = el('tr', { attrs: { 'data-queue': `${lane.jobName}:${lane.lane}` } }, [...cells, action]);
    body.append(row);
    return row;
  }

  async function redrive(name, button) {
    button.disabled = true;
    try {
      const result = await api.redrive(name, adminPrincipal);
      announce(
        `Redrive of ${name}: ${result.moved} moved, ${result.stale} stale, ${result.skipped} skipped` +
          `${result.errors ? `, ${result.errors} errors` : ''}${result.complete ? '' : ' (more left: redrive again)'}`,
      );
      onChange();
      await refresh();
    } finally {
      button.disabled = false;
    }
  }

  async function refresh() {
    const { lanes } = await api.queues();
    for (const lane of lanes) {
      const key = `${lane.jobName}:${lane.lane}`;
      const row = rows.get(key) ?? rowOf(lane);
      rows.set(key, row);
      const values = [lane.jobName, lane.lane, lane.waiting, lane.delayed, lane.inFlight, lane.deadLetters];
      values.forEach((value, i) => {
        setText(row.cells[i], String(value));
      });
      row.cells[5].classList.toggle('attention', lane.deadLetters > 0);
      const button = row.querySelector('button');
      if (button) button.dataset.deadLetters = String(lane.deadLetters);
    }
  }

  return { refresh };
}
