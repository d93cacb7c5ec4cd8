/** The submit form: a job type and a JSON input, sent as the caller through `POST /jobs/{name}`. */
import { api } from './api.mjs';
import { announce, byId, el, setText } from './dom.mjs';

export function submitForm({ info, principal, onSubmitted, onError }) {
  const form = byId('submit-form');
  const name = byId('submit-name');
  const input = byId('submit-input');
  const priority = byId('submit-priority');
  for (const type of info.jobTypes)
    name.append(el('option', { text: type.name, attrs: { value: type.name } }));
  const describe = () => {
    const type = info.jobTypes.find((t) => t.name === name.value);
    setText(byId('submit-description'), type?.description ?? '');
    priority.disabled = !type?.highPriority;
    if (priority.disabled) priority.value = '';
  };
  name.addEventListener('change', describe);
  describe();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      JSON.parse(input.value);
      input.removeAttribute('aria-invalid');
    } catch (error) {
      input.setAttribute('aria-invalid', 'true');
      announce(`The input is not JSON: ${error.message}`, { error: true });
      return;
    }
    api
      .submit(name.value, input.value, principal(), priority.value)
      .then((job) => {
        announce(`Submitted ${job.name} job ${job.id.slice(0, 8)}: ${job.status}`);
        onSubmitted(job);
      })
      .catch(onError);
  });
}
