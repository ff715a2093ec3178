// One set of state colours for every page (Airflow's), and the legend that explains them.
// Cluster and step states (EMR's names) map onto the same colours.
import { h } from './dom.js';

export const TASK_STATES = [
  'success', 'running', 'failed', 'queued', 'scheduled', 'up_for_retry', 'up_for_reschedule',
  'upstream_failed', 'skipped', 'removed', 'none',
];

const LABELS = { up_for_retry: 'up for retry', up_for_reschedule: 'up for reschedule',
  upstream_failed: 'upstream failed', none: 'no status' };

// Which colour an EMR cluster or step state shows in.
const EMR_STATES = {
  STARTING: 'scheduled', BOOTSTRAPPING: 'queued', RUNNING: 'running', WAITING: 'up_for_reschedule',
  TERMINATING: 'up_for_retry', TERMINATED: 'success', TERMINATED_WITH_ERRORS: 'failed',
  PENDING: 'scheduled', CANCEL_PENDING: 'up_for_retry', COMPLETED: 'success',
  CANCELLED: 'skipped', FAILED: 'failed', INTERRUPTED: 'upstream_failed',
};

export function norm(state) {
  return state === null || state === undefined || state === '' ? 'none' : state;
}

export function label(state) {
  const s = norm(state);
  if (EMR_STATES[s]) {  // EMR's names read as its console shows them: "Terminated with errors"
    const words = s.toLowerCase().replaceAll('_', ' ');
    return words[0].toUpperCase() + words.slice(1);
  }
  return LABELS[s] || s.replaceAll('_', ' ');
}

// The CSS class giving the background colour of `state` (a task, run, cluster or step state).
export function stClass(state) {
  const s = norm(state);
  return `st-${EMR_STATES[s] || s}`;
}

export function fillClass(state) {
  const s = norm(state);
  return `st-fill-${EMR_STATES[s] || s}`;
}

export function isActive(state) {
  return ['running', 'queued', 'scheduled', 'up_for_retry', 'up_for_reschedule', 'STARTING',
    'BOOTSTRAPPING', 'RUNNING', 'WAITING', 'TERMINATING', 'PENDING', 'CANCEL_PENDING'].includes(state);
}

// A pill with a coloured dot and the state's name.
export function badge(state) {
  const s = norm(state);
  return h('span', { class: 'badge', 'data-state': s },
    h('span', { class: `dot ${stClass(s)}${s === 'running' || s === 'RUNNING' ? ' pulse' : ''}` }),
    label(s));
}

export function legend(states = TASK_STATES) {
  return h('div', { class: 'legend', 'aria-label': 'State colours' },
    states.map((s) => h('span', null, h('i', { class: stClass(s) }), label(s))));
}
