/**
 * One job in full: its fields and timings, input, result or error, the progress its handler
 * reported through heartbeats, its attempts, and cancel (while it waits or runs) and retry
 * (once Failed) buttons. Refreshed every second while open, until the job is finished.
 */
import { api } from './api.mjs';
import { announce, byId, duration, el, json, setText, time } from './dom.mjs';

const TERMINAL = new Set(['Completed', 'Failed', 'Canceled']);
const CANCELABLE = new Set(['Queued', 'Scheduled', 'InProgress']);

export function jobView({ principal, onChange, onError }) {
  const section = byId('job');
  const title = byId('job-title');
  const cancel = byId('job-cancel');
  const retry = byId('job-retry');
  const progress = byId('job-progress');
  let current; // { id, owner, job }

  function field(list, name, value) {
    list.append(el('dt', { text: name }), el('dd', { text: value }));
  }

  function renderFields(job) {
    const list = el('dl', { className: 'fields', attrs: { id: 'job-fields' } });
    field(list, 'Id', job.id);
    field(list, 'Type', job.name);
    field(
      list,
      'Status',
      job.cancelRequested && !TERMINAL.has(job.status) ? `${job.status} (cancel requested)` : job.status,
    );
    field(list, 'Priority', job.priority);
    field(list, 'Attempt', `${job.attempt} (retries ${job.retryCount} of ${job.maxRetries})`);
    if (job.retryDelayUntil) field(list, 'Next attempt', time(job.retryDelayUntil));
    field(list, 'Created', time(job.createdAt));
    field(list, 'Started', time(job.startedAt));
    field(list, 'Finished', time(job.completedAt));
    field(list, 'Queue wait', duration(job.createdAt, job.startedAt));
    field(list, 'Run time', duration(job.startedAt, job.completedAt));
    byId('job-fields').replaceWith(list);
  }

  function renderProgress(job) {
    const reported = job.progress;
    const percent = reported?.percent ?? (job.status === 'Completed' ? 100 : undefined);
    if (percent === undefined && job.status === 'InProgress') progress.removeAttribute('value');
    else progress.value = percent ?? 0;
    const text = reported
      ? `${reported.percent ?? '?'} %${reported.message ? ` — ${reported.message}` : ''} (reported ${time(reported.updatedAt)})`
      : 'No progress reported.';
    progress.setAttribute('aria-valuetext', text);
    setText(byId('job-progress-text'), text);
  }

  function renderOutcome(job) {
    const outcome = byId('job-outcome');
    if (job.status === 'Failed' || job.status === 'Canceled') {
      setText(byId('job-outcome-title'), 'Error');
      setText(outcome, json(job.error));
    } else if (job.resultUrl) {
      setText(byId('job-outcome-title'), 'Result (stored in S3)');
      const link = el('a', { text: 'Download the result', attrs: { href: job.resultUrl } });
      outcome.replaceChildren(link);
    } else {
      setText(byId('job-outcome-title'), 'Result');
      setText(outcome, job.status === 'Completed' ? json(job.result) : '— (not finished)');
    }
  }

  function renderHistory(job) {
    const rows = job.history.map((attempt) =>
      el('tr', {}, [
        el('td', { text: String(attempt.attempt) }),
        el('td', { text: time(attempt.startedAt) }),
        el('td', { text: time(attempt.endedAt) }),
        el('td', { text: duration(attempt.startedAt, attempt.endedAt) }),
        el('td', { text: attempt.outcome }),
        el('td', { text: attempt.errorCode ?? '—' }),
      ]),
    );
    byId('job-history').replaceChildren(...rows);
  }

  function render(job) {
    const before = current?.job?.status;
    current.job = job;
    setText(title, `Job ${job.id.slice(0, 8)}: ${job.status}`);
    renderFields(job);
    renderProgress(job);
    renderOutcome(job);
    renderHistory(job);
    cancel.hidden = !CANCELABLE.has(job.status) || job.cancelRequested;
    retry.hidden = job.status !== 'Failed';
    if (before && before !== job.status) announce(`Job ${job.id.slice(0, 8)} is now ${job.status}`);
  }

  async function refresh() {
    if (!current || (current.job && TERMINAL.has(current.job.status))) return;
    render(await api.getJob(current.id, current.owner));
  }

  async function open(id) {
    current = { id, owner: principal() };
    setText(byId('job-input'), 'loading…');
    await refresh();
    section.hidden = false;
    title.focus();
    const input = await api.input(id, current.owner);
    if (current?.id === id) setText(byId('job-input'), json(input.input));
  }

  async function act(action, verb) {
    if (!current) return;
    const job = await action(current.id, current.owner);
    announce(`Job ${job.id.slice(0, 8)}: ${verb}, now ${job.status}`);
    render(job);
    onChange();
  }

  cancel.addEventListener('click', () => act(api.cancel, 'cancel requested').catch(onError));
  retry.addEventListener('click', () => act(api.retry, 'retried').catch(onError));
  byId('job-close').addEventListener('click', () => {
    current = undefined;
    section.hidden = true;
  });

  return { open: (id) => open(id).catch(onError), refresh };
}
