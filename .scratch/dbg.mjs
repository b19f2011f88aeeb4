import { chromium } from 'playwright-core';
import { serve } from '/work/wt-state/test/helpers/serve.mjs';
import { CHROMIUM_FLAGS } from '/work/wt-state/test/helpers/chromium-flags.mjs';
import { writeFileSync } from 'node:fs';
const dir = process.argv[2] ?? '/work/wt-state/dist';
const site = await serve({ dir });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_FLAGS] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on('console', (m) => console.log('console:', m.type(), m.text().slice(0, 300)));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(site.url + '?testHooks');
await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60000 });
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const lines = ['customer_id,email,age,income,wine_spend,meat_spend,web_visits'];
for (let i = 1; i <= 600; i++) {
	const kind = i % 3;
	lines.push(`${1000 + i},person${i}@example.com,${[28, 45, 67][kind] + Math.round(rand() * 8)},${[30000, 80000, 55000][kind] + Math.round(rand() * 9000)},${[40, 900, 300][kind] + Math.round(rand() * 60)},${[60, 500, 120][kind] + Math.round(rand() * 40)},${[9, 3, 5][kind] + Math.round(rand() * 2)}`);
}
writeFileSync('/tmp/dbg/crm.csv', lines.join('\n') + '\n');
await page.getByLabel('Load data file').setInputFiles('/tmp/dbg/crm.csv');
for (let t = 0; t < 12; t++) {
  await page.waitForTimeout(2500);
  console.log('status:', (await page.getByRole('status').first().textContent())?.slice(0, 200));
}
await page.screenshot({ path: '/tmp/dbg/shot.png', fullPage: true });
const regions = await page.getByRole('region').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.getAttribute('aria-labelledby')));
console.log('regions', regions);
console.log('alerts', await page.getByRole('alert').allTextContents());
console.log('personas', (await page.getByRole('region', { name: /^Personas/ }).textContent())?.slice(0, 600));
await browser.close(); await site.close();
