export declare function parseHeaders(text: string): [string, string][];
export declare function serve(options?: {
	dir?: string | (() => string);
	port?: number;
	headers?: boolean;
}): Promise<{ url: string; close: () => Promise<void> }>;
