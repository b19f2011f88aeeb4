/**
 * The hash a user compares to verify the site they opened (README "Verify the build"): the
 * sha256 of SHA256SUMS, the build's list of every file with its own sha256
 * (src/build/integrity.ts). Read from this page's own address, hashed here.
 */
export async function manifestHash(): Promise<string | null> {
	try {
		const response = await fetch('./SHA256SUMS');
		if (!response.ok) return null;
		const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
		return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
	} catch {
		return null;
	}
}
