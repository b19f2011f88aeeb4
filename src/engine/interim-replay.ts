/**
 * Interim, until the notebook's data session owns restarts (issue 11): records the loads,
 * protections and type changes made through the client, and re-applies them, in order, through
 * the `replay` API the client hands to `onRestart`. The client itself replays nothing.
 *
 * Used by src/notebook/Notebook.svelte.ts in two lines; the data session replaces it.
 */
import type { EngineApi } from './api';
import type { EngineClient } from './client';

type Step = (api: EngineApi) => Promise<unknown>;

const RECORDED = new Set(['loadFile', 'loadSample', 'protectColumn', 'setColumnType']);

export interface SessionLog {
	/** The client, with the recorded calls logged once they succeed. */
	client: EngineClient;
	/** Re-apply every recorded step; returns the ones that failed, in words. */
	replay(api: EngineApi): Promise<string[]>;
}

export function recordSession(client: EngineClient): SessionLog {
	const steps: { method: string; loaded: string | null; step: Step }[] = [];
	const recorded = new Proxy(client, {
		get(target, property) {
			// The target as receiver: the client's getters read its private fields.
			const value: unknown = Reflect.get(target, property);
			if (typeof property !== 'string' || typeof value !== 'function') return value;
			const fn = value as (...args: unknown[]) => Promise<unknown>;
			if (!RECORDED.has(property)) return fn.bind(target);
			return (...args: unknown[]) => {
				const pending = fn.apply(target, args);
				void pending.then(
					(result) => {
						// A file loads again under the name it got (with its import settings), and a
						// re-read replaces the earlier load of that table.
						const again = [...args];
						let loaded: string | null = null;
						if (property === 'loadFile') {
							loaded = (result as { table: { name: string } }).table.name;
							again[1] = loaded;
							again[2] = undefined;
							const earlier = steps.findIndex((s) => s.loaded === loaded);
							if (earlier >= 0) steps.splice(earlier, 1);
						}
						steps.push({
							loaded,
							method: property,
							step: (api) =>
								(api[property as keyof EngineApi] as (...a: unknown[]) => Promise<unknown>)(
									...again
								)
						});
					},
					() => {}
				);
				return pending;
			};
		}
	});
	return {
		client: recorded,
		async replay(api) {
			const failed: string[] = [];
			for (const { method, step } of steps) {
				try {
					await step(api);
				} catch (e) {
					failed.push(`${method}: ${e instanceof Error ? e.message : String(e)}`);
				}
			}
			return failed;
		}
	};
}
