import { chromium } from 'playwright-core';
import { serve } from '../test/helpers/serve.mjs';
import { CHROMIUM_FLAGS } from '../test/helpers/chromium-flags.mjs';
const site = await serve({ dir: 'dist' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_FLAGS] });
const page = await browser.newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text().slice(0, 300)));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(site.url + '?testHooks');
await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60000 });
await page.getByLabel('Load data file').setInputFiles('test/fixtures/orders.csv');
await page.getByRole('region', { name: 'Data: orders' }).waitFor();
const cell = page.getByRole('region', { name: 'SQL cell 2' });
await cell.getByRole('textbox', { name: 'SQL' }).fill('SELECT count(*) FROM range(10000000000) a, range(10) b');
await cell.getByRole('button', { name: 'Run cell' }).click();
await cell.getByRole('button', { name: 'Cancel' }).waitFor();
await page.waitForTimeout(1000);
await cell.getByRole('button', { name: 'Cancel' }).click();
for (let i = 0; i < 8; i++) {
  await page.waitForTimeout(2000);
  console.log('status:', await page.getByRole('status').first().textContent(), '| cell:', (await cell.textContent()).slice(0, 60), '| alerts:', await page.getByRole('alert').allTextContents());
}
await browser.close(); await site.close();
