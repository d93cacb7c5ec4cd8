/**
 * The console page: reads the stage's info, then wires the jobs table, the job view, the submit
 * form, the queues panel and the metrics panel, each refreshed on its own while the tab is
 * visible.
 */
import { api } from './api.mjs';
import { announce, byId, el } from './dom.mjs';
import { jobView } from './job-view.mjs';
import { jobsTable } from './jobs-table.mjs';
import { metricsPanel } from './metrics-panel.mjs';
import { poll } from './poller.mjs';
import { queuesPanel } from './queues-panel.mjs';
import { submitForm } from './submit-form.mjs';

const CALLER_KEY = 'async-endpoints-console-caller';

function onError(error) {
  announce(error instanceof Error ? error.message : String(error), { error: true });
}

async function start() {
  const caller = byId('caller');
  caller.value = localStorage.getItem(CALLER_KEY) ?? '';
  // No caller named: no header, and the server applies its default caller (as on first load).
  const principal = () => caller.value.trim() || undefined;
  const view = jobView({ principal, onChange: () => table.refresh().catch(onError), onError });
  const table = jobsTable({ principal, onOpen: (id) => view.open(id), onError });
  // The jobs table's first page loads beside the stage's info, not after it.
  const [info] = await Promise.all([api.info(), table.refresh().catch(onError)]);

  document.title = `${info.stage}: async-endpoints console`;
  byId('stage').textContent = info.stage;
  caller.placeholder = info.defaultPrincipal;
  if (!caller.value) caller.value = info.defaultPrincipal;
  for (const type of info.jobTypes)
    byId('filter-name').append(el('option', { text: type.name, attrs: { value: type.name } }));
  for (const status of info.statuses)
    byId('filter-status').append(el('option', { text: status, attrs: { value: status } }));

  const queues = queuesPanel({
    adminPrincipal: info.adminPrincipal,
    onChange: () => table.refresh(),
    onError,
  });
  submitForm({
    info,
    principal,
    onSubmitted: (job) => {
      table.reset();
      view.open(job.id);
    },
    onError,
  });
  const metrics = metricsPanel({ info });

  caller.addEventListener('change', () => {
    const named = principal();
    if (named) localStorage.setItem(CALLER_KEY, named);
    else localStorage.removeItem(CALLER_KEY);
    table.reset();
  });

  // The other panels start once the jobs table has painted (or failed to).
  poll(() => table.refresh(), 2_000, onError);
  poll(() => view.refresh(), 1_000, onError);
  // Queue depths cost 2 GetQueueAttributes per lane: every 5 s is live enough.
  poll(() => queues.refresh(), 5_000, onError);
  poll(() => metrics.refresh(), 5_000, onError);
}

start().catch(onError);
