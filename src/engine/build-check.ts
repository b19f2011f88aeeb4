/**
 * A deploy while a tab is open (issue 18 item 6). The service worker keeps an open tab's build
 * (src/offline/sw-template.js); when it cannot (no service worker, storage cleared), the old
 * tab's engine script is gone from the server. A restart then says so, and offers a reload that
 * keeps the notebook (it is saved in this browser first), instead of claiming all is well.
 */
export const UPDATED_MESSAGE =
	'Segbook was updated on this site since this tab opened, and the engine files this tab was built with are gone. Reload to use the new version: your notebook is saved in this browser and reopens as it is.';

export function isUpdateMessage(message: string): boolean {
	return message.includes(UPDATED_MESSAGE);
}

/** Whether the server (or the service worker's cache) no longer has the engine's script. */
export async function engineScriptGone(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { cache: 'no-cache' });
		void response.body?.cancel();
		return response.status === 404 || response.status === 410;
	} catch {
		// Offline or refused: not evidence of a new build; the restart reports its own failure.
		return false;
	}
}
