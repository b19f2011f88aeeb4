/**
 * The UI's side of the engine: spawns the worker, derives its methods from ENGINE_METHODS
 * (./api), and supervises it.
 *
 * - Every call gets a request id (`promise.requestId`); `cancel(id)` cancels that request, and
 *   if it has not stopped shortly after, the worker is terminated (the only hard stop for a
 *   running query) and a fresh one started.
 * - The watchdog: each kind of call has a time budget (BUDGET_MS; a query's `budgetMs`). It
 *   counts while the call is the oldest one in the worker (calls ahead of it do not count); past
 *   it the worker restarts and the call fails with a `timeout` error that says what to do.
 * - A crash or out-of-memory rejects the calls in the worker, never leaves them hanging.
 * - A restart spawns a worker, locks it down (init), then hands `events.onRestart` a `replay`
 *   EngineApi straight to the new worker: the notebook re-applies its session (files,
 *   protections, type changes, SQL tables) while every other call waits. The client replays
 *   nothing itself. A worker that cannot start rejects `ready` and every later call with a
 *   message to reload the page.
 */
import * as Comlink from 'comlink';
import workerUrl from '../../workers/engine.worker.ts?worker&url';
import {
	BUDGET_MS,
	ENGINE_METHODS,
	type BudgetKind,
	type CallSpec,
	type EngineApi,
	type EngineInfo,
	type EngineMethod,
	type InsightCalls,
	type InsightKind,
	type Progress,
	type ProgressCallback,
	type WireApi
} from './api';
import { deriveApi } from './derive';
import { EngineError, asEngineError } from './errors';
import { timeoutMessage, timeoutReason } from './budget';
import { UPDATED_MESSAGE, engineScriptGone } from './build-check';
import { pinnedWorker } from '../lib/pinned-worker';

/** A call's promise, with the request id `cancel(id)` takes. */
export type Pending<T> = Promise<T> & { readonly requestId: number };

/** The engine's calls on the client: EngineApi's, each returning a Pending. */
export type EngineCalls = {
	[K in Exclude<EngineMethod, 'cancel' | 'insight'>]: (
		...args: Parameters<EngineApi[K]>
	) => Pending<Awaited<ReturnType<EngineApi[K]>>>;
} & {
	/** Generic: the kind picks the input and the result (a mapped type would lose the link). */
	insight<K extends InsightKind>(
		kind: K,
		input: InsightCalls[K]['input'],
		onProgress?: ProgressCallback
	): Pending<InsightCalls[K]['output']>;
};

export interface EngineEvents {
	onProgress(p: Progress | null): void;
	/**
	 * The worker is gone and a new one is starting: called at once, before any call made from now
	 * on can run, so the notebook can mark what the restart loses before the user asks for more.
	 */
	onRestarting?(reason: string): void;
	/**
	 * The new worker is up and locked down. Re-apply the session through `replay` (its calls go
	 * straight to the new worker, without budgets); every other call waits until this settles.
	 */
	onRestart(reason: string, replay: EngineApi): Promise<void>;
	/** The engine cannot run any more (a worker that does not start): reload the page. */
	onUnavailable?(error: EngineError): void;
}

/** A started worker as the client needs it: the browser's Worker, or node's in tests. */
export interface WorkerHandle {
	readonly endpoint: Comlink.Endpoint;
	terminate(): void;
	/** Called when the worker dies or its script fails to load. */
	onError(listener: (message: string) => void): void;
}

export interface ClientOptions {
	spawn?: () => WorkerHandle;
	/** Budgets by kind of call, in ms (default BUDGET_MS). */
	budgets?: Partial<Record<BudgetKind, number>>;
	/** How long a cancelled call may take to stop before the worker is terminated. */
	cancelGraceMs?: number;
	/**
	 * Whether the worker's script is gone from the server (a new deploy), checked before a
	 * restart. Default: fetch the browser worker's script; none with a custom `spawn`.
	 */
	scriptGone?: () => Promise<boolean>;
}

const CANCEL_GRACE_MS = 1500;

function browserWorker(): WorkerHandle {
	// From a blob bootstrap (the page's CSP, RELIABILITY.md T4) that checks the script's sha384.
	const worker = pinnedWorker(new URL(workerUrl, import.meta.url).href, 'segbook-engine');
	return {
		endpoint: worker,
		terminate: () => worker.terminate(),
		onError: (listener) =>
			worker.addEventListener('error', (event) => {
				event.preventDefault();
				listener(event.message || '');
			})
	};
}

interface Call {
	readonly id: number;
	readonly spec: CallSpec;
	readonly budgetMs: number;
	/** Calls of `onRestart`'s replay: not held, not watched. */
	readonly replay: boolean;
	/** The worker generation it was sent to, or null while it waits. */
	generation: number | null;
	fail(error: EngineError): void;
	settled: Promise<unknown>;
}

type WireFn = (id: number, ...args: unknown[]) => Promise<unknown>;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Supervisor {
	#events: EngineEvents;
	#spawn: () => WorkerHandle;
	#budgets: Record<BudgetKind, number>;
	#grace: number;
	#scriptGone: () => Promise<boolean>;
	#handle!: WorkerHandle;
	#remote!: Comlink.Remote<WireApi>;
	#generation = 0;
	#died: (message: string) => void = () => {};
	#ready: Promise<EngineInfo>;
	#restarting: Promise<void> | null = null;
	#dead: EngineError | null = null;
	#seq = 0;
	/** Every call not settled yet, in the order they were made. */
	#calls = new Map<number, Call>();
	#watched: { id: number; timer: ReturnType<typeof setTimeout> } | null = null;

	constructor(events: EngineEvents, options: ClientOptions = {}) {
		this.#events = events;
		this.#spawn = options.spawn ?? browserWorker;
		this.#budgets = { ...BUDGET_MS, ...options.budgets };
		this.#grace = options.cancelGraceMs ?? CANCEL_GRACE_MS;
		this.#scriptGone =
			options.scriptGone ??
			(options.spawn
				? () => Promise.resolve(false)
				: () => engineScriptGone(new URL(workerUrl, import.meta.url).href));
		// Every listed call but the control ones (cancel is this class's own method).
		const calls = Object.fromEntries(
			Object.entries(ENGINE_METHODS).filter(([, spec]: [string, CallSpec]) => !spec.control)
		) as Record<keyof EngineCalls, CallSpec>;
		Object.assign(
			this,
			deriveApi<EngineCalls>(calls, (method, args) => this.#invoke(method, args, null))
		);
		this.#ready = this.#start();
		this.#ready.catch((e: unknown) => {
			this.#dead ??= asEngineError(e, 'crashed');
		});
	}

	/** The engine is up (after a restart in progress, and its replay, if there is one). */
	get ready(): Promise<EngineInfo> {
		const restarting = this.#restarting;
		return restarting ? restarting.then(() => this.#ready) : this.#ready;
	}

	/** Spawn a worker and lock it down; rejects if it dies or fails before it is up. */
	#start(): Promise<EngineInfo> {
		const handle = this.#spawn();
		const generation = ++this.#generation;
		this.#handle = handle;
		this.#remote = Comlink.wrap<WireApi>(handle.endpoint);
		let up = false;
		let failStart: (e: EngineError) => void = () => {};
		const failed = new Promise<never>((_, reject) => (failStart = reject));
		failed.catch(() => {});
		const died = (message: string): void => {
			if (this.#generation !== generation) return;
			if (!up) failStart(new EngineError('crashed', message || 'The engine script did not load.'));
			else if (this.#restarting) this.#fail(message || 'The engine stopped unexpectedly');
			else void this.#restart(message || 'The engine stopped unexpectedly');
		};
		this.#died = died;
		handle.onError(died);
		const remote = this.#remote;
		const slow = setTimeout(
			() => failStart(new EngineError('crashed', 'The engine did not start in time.')),
			this.#budgets.long
		);
		return (async () => {
			try {
				const info = await Promise.race([remote.init(++this.#seq), failed]);
				up = true;
				return info;
			} finally {
				clearTimeout(slow);
			}
		})();
	}

	/** Run one engine call; `replay` = the worker generation of an onRestart replay. */
	#invoke(method: EngineMethod, args: unknown[], replay: number | null): Pending<unknown> {
		const id = ++this.#seq;
		const spec: CallSpec = ENGINE_METHODS[method];
		let fail: (e: EngineError) => void = () => {};
		const failed = new Promise<never>((_, reject) => (fail = reject));
		failed.catch(() => {});
		const call: Call = {
			id,
			spec,
			budgetMs: this.#budgetOf(spec, args),
			replay: replay !== null,
			generation: null,
			fail,
			settled: failed
		};
		const run = async (): Promise<unknown> => {
			try {
				if (replay === null) {
					await Promise.race([this.#admitted(), failed]);
				} else if (replay !== this.#generation) {
					throw new EngineError('restarted', 'The engine restarted again while restoring.');
				}
				call.generation = this.#generation;
				this.#watch();
				const fn = this.#remote[method] as unknown as WireFn;
				return await Promise.race([fn(id, ...this.#withProgress(spec, args)), failed]);
			} catch (e) {
				throw this.#mapError(e, call);
			} finally {
				this.#calls.delete(id);
				this.#watch();
				if (spec.progress !== undefined) this.#events.onProgress(null);
			}
		};
		this.#calls.set(id, call);
		const promise = run();
		call.settled = promise.catch(() => {});
		return Object.assign(promise, { requestId: id }) as Pending<unknown>;
	}

	/** Wait for a restart in progress and for the worker; refuse when the engine is gone. */
	async #admitted(): Promise<void> {
		while (this.#restarting) await this.#restarting;
		if (this.#dead) throw this.#dead;
		await this.#ready;
		if (this.#dead) throw this.#dead;
	}

	#budgetOf(spec: CallSpec, args: unknown[]): number {
		if (spec.budgetArg !== undefined) {
			const options = args[spec.budgetArg] as { budgetMs?: unknown } | undefined;
			const ms = options?.budgetMs;
			if (typeof ms === 'number' && ms > 0) return ms;
		}
		return this.#budgets[spec.budget];
	}

	/** Progress goes to the events (the status line) and to the caller's own callback. */
	#withProgress(spec: CallSpec, args: unknown[]): unknown[] {
		const at = spec.progress;
		if (at === undefined) return args;
		const out = [...args];
		while (out.length <= at) out.push(undefined);
		const own = out[at] as ProgressCallback | undefined;
		out[at] = Comlink.proxy((p: Progress) => {
			this.#events.onProgress(p);
			own?.(p);
		});
		return out;
	}

	#mapError(e: unknown, call: Call): EngineError {
		const error = asEngineError(e);
		if (
			call.generation === this.#generation &&
			/memory access out of bounds|unreachable|RuntimeError/i.test(error.message)
		) {
			void this.#restart('The engine ran out of memory or failed');
			return new EngineError(
				'crashed',
				`The engine failed (${error.message.split('\n')[0]}) and restarted. Run the cell again, perhaps on less data.`
			);
		}
		return error;
	}

	/** The watchdog: one timer, for the oldest call in the worker, over its whole budget. */
	#watch(): void {
		let head: Call | undefined;
		for (const call of this.#calls.values()) {
			if (call.generation === this.#generation && !call.replay) {
				head = call;
				break;
			}
		}
		if (this.#watched && this.#watched.id === head?.id) return;
		if (this.#watched) clearTimeout(this.#watched.timer);
		this.#watched = null;
		if (!head || !Number.isFinite(head.budgetMs)) return;
		const call = head;
		const timer = setTimeout(() => {
			this.#watched = null;
			if (!this.#calls.has(call.id) || call.generation !== this.#generation) return;
			const { budget } = call.spec;
			void this.#restart(timeoutReason(budget, call.budgetMs), [
				[call.id, new EngineError('timeout', timeoutMessage(budget, call.budgetMs))]
			]);
		}, call.budgetMs);
		this.#watched = { id: call.id, timer };
	}

	/**
	 * Stop request `requestId` (none = everything running or waiting): politely, then by
	 * restarting the worker if it has not stopped after a grace period.
	 */
	async cancel(requestId?: number): Promise<void> {
		const targets = [...this.#calls.values()].filter(
			(c) => !c.replay && (requestId === undefined || c.id === requestId)
		);
		const cancelled = (): EngineError => new EngineError('cancelled', 'Cancelled.');
		for (const c of targets) if (c.generation === null) c.fail(cancelled());
		const sent = targets.filter((c) => c.generation === this.#generation);
		if (sent.length === 0) return;
		const remote = this.#remote;
		await Promise.race([remote.cancel(0, requestId).catch(() => false), sleep(300)]);
		await Promise.race([Promise.all(sent.map((c) => c.settled)), sleep(this.#grace)]);
		const still = sent.filter((c) => this.#calls.has(c.id) && c.generation === this.#generation);
		if (still.length === 0) return;
		const stopped = 'Cancelled: the engine restarted to stop it.';
		await this.#restart(
			'Cancelled',
			still.map((c) => [c.id, new EngineError('cancelled', stopped)])
		);
	}

	/** Terminate the worker, start a new one, and let the notebook replay its session. */
	restart(reason: string): Promise<void> {
		return this.#restart(reason);
	}

	#restart(reason: string, culprits: [number, EngineError][] = []): Promise<void> {
		if (this.#restarting) return this.#restarting;
		if (this.#dead) return Promise.resolve();
		const blamed = new Map(culprits);
		const others =
			culprits.length === 0
				? new EngineError('crashed', `${reason}. The engine restarted: run the cell again.`)
				: new EngineError(
						'restarted',
						`The engine restarted (${reason}) before this step finished: run it again.`
					);
		for (const call of this.#calls.values()) {
			if (call.generation !== null) call.fail(blamed.get(call.id) ?? others);
		}
		const old = this.#handle;
		// Retire the old worker: a late error from it is not a new crash.
		this.#generation++;
		this.#events.onRestarting?.(reason);
		this.#restarting = (async () => {
			// A new deploy took this tab's engine files away: say so, never start a broken worker.
			if (await this.#scriptGone()) {
				old.terminate();
				this.#unavailable(null);
				return;
			}
			// The new generation first, so the old worker's death is not taken for a new crash.
			this.#ready = this.#start();
			old.terminate();
			try {
				await this.#ready;
			} catch (e) {
				const gone = await this.#scriptGone();
				this.#unavailable(gone ? null : asEngineError(e).message);
				return;
			}
			const generation = this.#generation;
			const replay = deriveApi<EngineApi>(ENGINE_METHODS, (method, args) =>
				method === 'cancel'
					? this.#remote.cancel(0, args[0] as number | undefined)
					: this.#invoke(method, args, generation)
			);
			try {
				await this.#events.onRestart(reason, replay);
			} catch {
				// The notebook says what it could not restore; the engine itself is up.
			}
		})().finally(() => {
			this.#restarting = null;
		});
		this.#ready.catch(() => {});
		return this.#restarting;
	}

	/** The worker died while the session was being restored: stop, and say to reload. */
	#fail(message: string): void {
		this.#handle.terminate();
		this.#unavailable(`it stopped again while restoring your data (${message})`);
	}

	/** `detail` null: the engine's files are gone after a deploy (UPDATED_MESSAGE, with Reload). */
	#unavailable(detail: string | null): void {
		const error = new EngineError(
			'crashed',
			detail === null
				? `The engine could not restart. ${UPDATED_MESSAGE}`
				: `The engine could not restart: ${detail.replace(/\.$/, '')}. Reload the page; your notebook is saved.`
		);
		this.#dead = error;
		this.#ready = Promise.reject(error);
		this.#ready.catch(() => {});
		for (const call of this.#calls.values()) if (call.generation !== null) call.fail(error);
		this.#events.onUnavailable?.(error);
	}

	/** For tests of crash recovery: the worker dies as it does when the tab runs out of memory. */
	crashForTest(): void {
		this.#handle.terminate();
		this.#died('The engine stopped unexpectedly');
	}

	dispose(): void {
		this.#dead = new EngineError('crashed', 'The engine was closed.');
		if (this.#watched) clearTimeout(this.#watched.timer);
		this.#handle.terminate();
		for (const call of this.#calls.values()) call.fail(this.#dead);
	}
}

/** The engine client: the supervisor plus every call of ENGINE_METHODS. */
export type EngineClient = Supervisor & EngineCalls;
export const EngineClient = Supervisor as new (
	events: EngineEvents,
	options?: ClientOptions
) => EngineClient;

export { EngineError };
