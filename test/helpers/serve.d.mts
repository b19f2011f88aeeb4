export declare function serve(options?: {
	dir?: string;
	port?: number;
}): Promise<{ url: string; close: () => Promise<void> }>;
