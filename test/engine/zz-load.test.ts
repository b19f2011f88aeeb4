import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { sourceFromBytes } from '../../workers/db';
import { Engine } from '../../workers/engine';
import { createNodeDb } from '../helpers/node-db';

it('profiles load', async () => {
	const db = await createNodeDb();
	const log: [number, string][] = [];
	const wrapped = new Proxy(db, {
		get(target, prop, recv) {
			const v = Reflect.get(target, prop, recv);
			if (typeof v !== 'function') return v;
			return async (...args: unknown[]) => {
				const s = performance.now();
				try { return await (v as Function).apply(target, args); }
				finally { log.push([performance.now() - s, String(prop) + ' ' + String(args[0] instanceof Object && !(typeof args[0] === 'string') ? JSON.stringify(args[0]).slice(0, 80) : args[0]).replace(/\s+/g, ' ').slice(0, 200)]); }
			};
		}
	});
	const engine = new Engine(wrapped as never);
	await engine.init();
	const bytes = readFileSync('/work/main/bench-data/retail-60000/transactions.csv');
	for (let rep = 0; rep < 2; rep++) {
		log.length = 0;
		const t = performance.now();
		await engine.loadSource(sourceFromBytes(`transactions${rep}.csv`, bytes));
		console.log('LOAD', (performance.now() - t).toFixed(0), 'db total', log.reduce((a, b) => a + b[0], 0).toFixed(0));
		for (const [ms, q] of log) if (ms > 4) console.log('Q', ms.toFixed(0).padStart(5), q);
	}
}, 300000);
