// Opens the admin listener's /status page in Debian's Chromium and checks that it works:
//   node status-page.mjs <adminUrl> <screenshotPath>
// Secrets that must not appear in the page come one per line in STATUS_PAGE_SECRETS; the admin token, if
// the node has one, in STATUS_PAGE_TOKEN (the page takes it from its URL's fragment).
// Prints its figures as JSON on stdout and exits 0 only if every check passed.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [adminUrl, screenshot] = process.argv.slice(2);
if (!adminUrl || !screenshot) {
  console.error('usage: node status-page.mjs <adminUrl> <screenshotPath>');
  process.exit(2);
}
const token = process.env.STATUS_PAGE_TOKEN || '';
const secrets = (process.env.STATUS_PAGE_SECRETS || '').split('\n').filter((s) => s.length > 0);
const failures = [];
const check = (ok, what) => {
  if (!ok) {
    failures.push(what);
  }
};

const userDataDir = mkdtempSync(join(tmpdir(), 'dynaccel-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 1000 },
});
try {
  // Loopback only: the page must need nothing from elsewhere, and the test sends nothing elsewhere.
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' ? route.continue() : route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));

  await page.goto(adminUrl + '/status' + (token ? '#token=' + encodeURIComponent(token) : ''), { waitUntil: 'load' });
  await page.waitForFunction(() => window.dynaccelStatus && window.dynaccelStatus.polls >= 3
    && Object.keys(window.dynaccelStatus.charts).length === document.querySelectorAll('.chart').length, null, { timeout: 30000 });

  const look = () => page.evaluate(() => {
    const charts = {};
    for (const [id, plot] of Object.entries(window.dynaccelStatus.charts)) {
      const canvas = plot.ctx.canvas;
      const pixels = plot.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) {
        if (pixels[i] !== 0) {
          painted++;
        }
      }
      const series = plot.data.slice(1);
      charts[id] = {
        points: plot.data[0].length,
        series: series.length,
        values: series.reduce((n, s) => n + s.filter((v) => v != null).length, 0),
        painted,
        lastTime: plot.data[0][plot.data[0].length - 1],
      };
    }
    return { polls: window.dynaccelStatus.polls, chartDivs: document.querySelectorAll('.chart').length, charts };
  });

  const first = await look();
  // Two more polls is about two seconds.
  await page.waitForFunction((polls) => window.dynaccelStatus.polls >= polls + 2, first.polls, { timeout: 15000 });
  const second = await look();

  check(Object.keys(second.charts).length === second.chartDivs, `every chart drawn: ${Object.keys(second.charts).length} of ${second.chartDivs}`);
  // The node's clock stamps each reading: a poll about every second, not merely now and then.
  const sampled = Object.values(second.charts)[0];
  const period = (sampled.lastTime - first.charts[Object.keys(second.charts)[0]].lastTime) / (second.polls - first.polls);
  check(period >= 0.8 && period <= 2.5, `a reading about every second (${period.toFixed(2)} s per poll)`);
  for (const [id, now] of Object.entries(second.charts)) {
    const before = first.charts[id];
    check(now.points > 1, `${id}: more than one point (${now.points})`);
    check(now.painted > 0, `${id}: canvas not blank (${now.painted} painted pixels)`);
    check(now.series > 0 && now.values > 0, `${id}: has series with values (${now.series} series, ${now.values} values)`);
    check(before && now.points > before.points && now.lastTime > before.lastTime, `${id}: grew between looks (${before && before.points} -> ${now.points})`);
  }

  const config = await page.textContent('#config');
  const members = await page.$$eval('#members tbody tr', (rows) => rows.length);
  const html = await page.content();
  check(config.includes('(redacted)'), 'config shows redacted secrets as (redacted)');
  check(config.includes('"auth"') && config.includes('"cache"'), 'config block shows the configuration');
  for (const secret of secrets) {
    check(!html.includes(secret) && !config.includes(secret), 'no configured secret appears in the page');
  }
  check(members >= 1, `members table lists the node (${members} rows)`);
  check(pageErrors.length === 0, `no page errors: ${pageErrors.join('; ')}`);

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ first, second, configChars: config.length, secretsChecked: secrets.length, members, failures }, null, 1));
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error('status page checks failed:\n  ' + failures.join('\n  '));
  process.exit(1);
}
console.log('status page checks passed');
