// The UI in a real browser (playwright-core driving Debian's chromium, headless) against a real
// `sluice standalone` running the seed pipeline on 2,000 rows: sign in through the form, turn
// salary_pipeline on, trigger it, watch the grid turn green, read a task's log, see the
// cluster TERMINATED, preview the industry table, with no console error on any page.
// Screenshots go to tests/artifacts/browser/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { ARTIFACTS, layOutHome, sluiceCli, startStandalone } from './standalone.mjs';

// ESM imports ignore NODE_PATH; createRequire's require honours it (ctest sets it).
const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DAG = 'salary_pipeline';
const TASKS = 6;

function playwright() {
  try {
    return require('playwright-core');
  } catch {
    return require(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'tools', 'npm',
      'node_modules', 'playwright-core'));
  }
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

function watchConsole(page, errors) {
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`${page.url()}: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
}

async function signIn(page, url, username, password) {
  await page.goto(`${url}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${url}/`);
}

// The grid's squares, as {run, task, state}.
function gridCells(page) {
  return page.$$eval('a.sq[data-run-id]', (els) => els.map((e) => ({
    run: e.dataset.runId, task: e.dataset.taskId, state: e.dataset.state })));
}

test('the seed pipeline through the UI', { timeout: 540_000 }, async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const layout = layOutHome(2000);
  const server = await startStandalone(layout);
  const consoleErrors = [];
  let browser = null;
  let passed = false;
  try {
    browser = await playwright().chromium.launch({
      executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    watchConsole(page, consoleErrors);
    page.setDefaultTimeout(30_000);

    // A page without a session goes to the sign-in form, which comes back to it.
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login\?next=/);
    await shot(page, '01-login');
    await page.fill('input[name="username"]', 'admin');
    await page.fill('input[name="password"]', server.password);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${server.url}/`);
    assert.match(await page.textContent('#who'), /admin/);

    // The DAG list: a new DAG starts paused (dags_are_paused_at_creation), as in Airflow, and
    // is turned on through its switch.
    const row = page.locator(`tr[data-dag-id="${DAG}"]`);
    await row.waitFor({ timeout: 60_000 });
    const toggle = row.locator('input[role="switch"]');
    await page.locator(`tr.paused[data-dag-id="${DAG}"]`).waitFor();
    assert.equal(await toggle.isChecked(), false, 'a new DAG is paused');
    await shot(page, '02-dags-paused');
    await toggle.check();
    await page.locator(`tr[data-dag-id="${DAG}"]:not(.paused)`).waitFor();

    // Trigger with a conf.
    await row.locator(`[data-testid="trigger-${DAG}"]`).click();
    const dialog = page.locator('dialog.trigger-dialog');
    await dialog.waitFor();
    await dialog.locator('textarea').fill('{"source": "browser test"}');
    await shot(page, '03-trigger-dialog');
    await dialog.locator('button[type="submit"]').click();
    await page.locator('.toast', { hasText: 'Triggered' }).waitFor();
    const runId = (await page.locator('.toast a').first().textContent()).trim();
    assert.match(runId, /^manual__/);
    await shot(page, '04-dags-triggered');

    // The grid: wait until every task of every run is green; fail at once on a red square.
    await page.click(`tr[data-dag-id="${DAG}"] td.dag-id a`);
    await page.waitForURL(/\/dags\/salary_pipeline\/grid/);
    let tookRunningShot = false;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const cells = await gridCells(page);
      const mine = cells.filter((c) => c.run === runId);
      const failed = cells.filter((c) => ['failed', 'upstream_failed'].includes(c.state));
      if (failed.length) {
        await shot(page, '05-grid-failed');
        assert.fail(`tasks failed: ${JSON.stringify(failed)}\n${fs.readFileSync(server.logPath, 'utf8').slice(-4000)}`);
      }
      if (!tookRunningShot && cells.some((c) => c.state === 'running')) {
        await shot(page, '05-grid-running');
        tookRunningShot = true;
      }
      if (mine.length === TASKS && cells.every((c) => c.state === 'success')) break;
      assert.ok(Date.now() < deadline, `the grid did not turn green: ${JSON.stringify(cells)}`);
      await page.waitForTimeout(1000);
    }
    await page.locator('th.run.selected .runbar.st-success').waitFor();
    await shot(page, '06-grid-success');

    // Graph and Gantt of the run, and the DAG's code.
    await page.click('nav.tabs a[href$="/graph"]');
    await page.waitForFunction(() => document.querySelectorAll('svg.graph g.node[data-state="success"]').length === 6);
    await shot(page, '07-graph');
    await page.click('nav.tabs a[href$="/gantt"]');
    await page.locator('.gantt-bar.st-success').first().waitFor();
    await shot(page, '08-gantt');
    await page.click('nav.tabs a[href$="/code"]');
    await page.locator('.code-view .ln', { hasText: 'dag_id: salary_pipeline' }).waitFor();
    await shot(page, '09-code');

    // A task's log, opened from its square in the grid.
    await page.click('nav.tabs a[href$="/grid"]');
    await page.click(`a.sq[data-run-id="${runId}"][data-task-id="watch_step"]`);
    await page.waitForURL(/\/tasks\/watch_step\/log/);
    await page.locator('.log-status', { hasText: 'End of log' }).waitFor();
    const logText = await page.textContent('[data-testid="log"]');
    assert.ok(logText.trim().length > 0, 'the log is empty');
    await shot(page, '10-log');

    // The cluster, terminated by the pipeline's teardown task, with its step and output.
    await page.click('nav.mainnav a[data-section="clusters"]');
    await page.locator('tr[data-cluster-id] .badge[data-state="TERMINATED"]').first().waitFor({ timeout: 60_000 });
    await shot(page, '11-clusters');
    await page.locator('tr[data-cluster-id] a.cluster-id').first().click();
    await page.locator('tr[data-step-id] .badge[data-state="COMPLETED"]').waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="step-stdout"]')?.textContent || '').length > 0);
    await shot(page, '12-cluster');

    // The output, browsed folder by folder down to the industry table's preview.
    await page.click('nav.mainnav a[data-section="output"]');
    for (const name of ['salary', 'output', 'average_salary']) {
      await page.click(`tr[data-name="${name}"] a`);
      await page.locator(`[data-testid="uri-bar"] a`, { hasText: name }).waitFor();
    }
    await page.locator('tr[data-name^="ds="] a').first().click();
    await page.locator('tr[data-name="industry"] a').click();
    const preview = page.locator('[data-testid="csv-preview"]');
    await preview.waitFor();
    const header = await preview.locator('thead th').allTextContents();
    assert.deepEqual(header.slice(1), ['industry', 'average_salary']);
    assert.equal(await preview.locator('tbody tr').count(), 7);
    await shot(page, '13-output-preview');

    // Signing out ends the session: pages go back to the form.
    await page.click('#logout');
    await page.waitForURL(/\/login/);
    await page.goto(`${server.url}/clusters`);
    await page.waitForURL(/\/login\?next=%2Fclusters/);

    // A viewer sees everything but is offered no action.
    sluiceCli(['users', 'create', '--username', 'vera', '--password', 'viewer-password-1', '--role', 'viewer'], layout.env);
    const viewer = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    watchConsole(viewer, consoleErrors);
    await signIn(viewer, server.url, 'vera', 'viewer-password-1');
    const viewerRow = viewer.locator(`tr[data-dag-id="${DAG}"]`);
    await viewerRow.locator('.dots .run-dot').first().waitFor();
    assert.ok(await viewerRow.locator(`[data-testid="trigger-${DAG}"]`).isDisabled());
    assert.ok(await viewerRow.locator('input[role="switch"]').isDisabled());
    assert.match(await viewer.textContent('#who'), /vera\s*viewer/);

    // Assets are revalidated by ETag.
    const css = await fetch(`${server.url}/static/app.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type'), /^text\/css/);
    const etag = css.headers.get('etag');
    assert.ok(etag, 'no ETag on /static/app.css');
    const again = await fetch(`${server.url}/static/app.css`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);

    assert.deepEqual(consoleErrors, [], `console errors:\n${consoleErrors.join('\n')}`);
    passed = true;
  } finally {
    if (browser) await browser.close().catch(() => {});
    const stopped = await server.stop();
    if (passed && stopped.code === 0) {
      fs.rmSync(layout.home, { recursive: true, force: true });
    } else {
      console.log(`standalone ended with ${JSON.stringify(stopped)}; its home is kept: ${layout.home}\n` +
        `--- the end of ${server.logPath}\n${fs.readFileSync(server.logPath, 'utf8').slice(-3000)}`);
    }
  }
});
