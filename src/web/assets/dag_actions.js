// What a user can do to a DAG from any page: turn it on or off (PATCH is_paused) and trigger
// a run with an optional JSON conf. Both are offered only to roles that may act.
import { paths, patch, post } from './api.js';
import { refreshNow, toast, user } from './app.js';
import { h, icon } from './dom.js';

// The on/off switch: on = not paused.
export function pauseSwitch(dag) {
  const input = h('input', {
    type: 'checkbox', role: 'switch', checked: !dag.is_paused, disabled: !user.canAct,
    'aria-label': `${dag.is_paused ? 'Unpause' : 'Pause'} ${dag.dag_id}`,
    'data-testid': `toggle-${dag.dag_id}`,
  });
  input.addEventListener('change', async () => {
    const paused = !input.checked;
    input.disabled = true;
    try {
      await patch(paths.dag(dag.dag_id), { is_paused: paused });
      toast(`${dag.dag_id} is ${paused ? 'paused' : 'on'}`);
    } catch (err) {
      input.checked = paused;
      toast(`Could not ${paused ? 'pause' : 'unpause'} ${dag.dag_id}: ${err.message}`, { error: true });
    } finally {
      input.disabled = !user.canAct;
      refreshNow();
    }
  });
  return h('label', {
    class: 'switch',
    'data-tip': user.canAct ? (dag.is_paused ? 'Paused: click to turn on' : 'On: click to pause')
      : 'Your role may not pause or unpause DAGs',
  }, input, h('span', { class: 'track' }));
}

function parseConf(text) {
  if (!text.trim()) return { ok: true, conf: {} };
  try {
    const conf = JSON.parse(text);
    if (conf === null || typeof conf !== 'object' || Array.isArray(conf)) {
      return { ok: false, error: 'The conf must be a JSON object, like {"key": "value"}.' };
    }
    return { ok: true, conf };
  } catch (err) {
    return { ok: false, error: `Not valid JSON: ${err.message}` };
  }
}

// Opens the trigger dialog; resolves after a run was created (or the dialog was closed).
export function openTriggerDialog(dagId) {
  const textarea = h('textarea', { rows: 6, name: 'conf', spellcheck: 'false',
    placeholder: '{}', 'aria-label': 'Run configuration (JSON)' });
  const error = h('div', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('play'), 'Trigger');
  const cancel = h('button', { type: 'button', class: 'btn' }, 'Cancel');
  const form = h('form', { method: 'dialog' },
    h('h2', null, 'Trigger ', h('span', { class: 'mono' }, dagId)),
    h('p', null, 'Starts a manual run now. The conf is available to tasks as ',
      h('code', null, '{{ dag_run.conf.<key> }}'), '.'),
    h('label', { for: 'trigger-conf' }, 'Configuration JSON (optional)'),
    textarea, error,
    h('div', { class: 'dialog-actions' }, cancel, submit));
  textarea.id = 'trigger-conf';
  const dialog = h('dialog', { class: 'trigger-dialog', 'aria-label': `Trigger ${dagId}` }, form);
  document.body.appendChild(dialog);
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  textarea.addEventListener('input', () => {
    const parsed = parseConf(textarea.value);
    error.textContent = parsed.ok ? '' : parsed.error;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const parsed = parseConf(textarea.value);
    if (!parsed.ok) { error.textContent = parsed.error; return; }
    submit.disabled = true;
    try {
      const run = await post(paths.runs(dagId), { conf: parsed.conf });
      dialog.close();
      toast(h('span', null, 'Triggered ', h('a', { href: `/dags/${encodeURIComponent(dagId)}/grid` },
        run.dag_run_id)));
      refreshNow();
    } catch (err) {
      error.textContent = err.message;
      submit.disabled = false;
    }
  });
  dialog.showModal();
  textarea.focus();
}

export function triggerButton(dagId, { small = false } = {}) {
  return h('button', {
    type: 'button', class: `btn ${small ? 'btn-sm' : 'btn-primary'}`, disabled: !user.canAct,
    'data-tip': user.canAct ? 'Trigger a run, optionally with a JSON conf'
      : 'Your role may not trigger runs',
    'data-testid': `trigger-${dagId}`,
    onclick: () => openTriggerDialog(dagId),
  }, icon('play'), 'Trigger');
}
