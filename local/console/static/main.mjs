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
  const info = await api.info();
  document.title = `${info.stage}: async-endpoints console`;
  byId('stage').textContent = info.stage;
  const caller = byId('caller');
  caller.value = localStorage.getItem(CALLER_KEY) || info.defaultPrincipal;
  const principal = () => caller.value.trim() || info.defaultPrincipal;

  for (const type of info.jobTypes)
    byId('filter-name').append(el('option', { text: type.name, attrs: { value: type.name } }));
  for (const status of info.statuses)
    byId('filter-status').append(el('option', { text: status, attrs: { value: status } }));

  const queues = queuesPanel({
    adminPrincipal: info.adminPrincipal,
    onChange: () => table.refresh(),
    onError,
  });
  const view = jobView({ principal, onChange: () => table.refresh().catch(onError), onError });
  const table = jobsTable({ principal, onOpen: (id) => view.open(id), onError });
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
    localStorage.setItem(CALLER_KEY, principal());
    table.reset();
  });

  // The jobs table first: the other panels start once it has painted (or failed to).
  await table.refresh().catch(onError);
  poll(() => table.refresh(), 2_000, onError);
  poll(() => view.refresh(), 1_000, onError);
  poll(() => queues.refresh(), 2_000, onError);
  poll(() => metrics.refresh(), 5_000, onError);
}

start().catch(onError);
