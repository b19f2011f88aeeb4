/**
 * Notes cells' markdown to safe HTML. markdown-it with raw HTML off and its link check (no
 * javascript:, vbscript:, file:, non-image data:), every image that is not a local data: image
 * dropped (a remote image is a beacon: RELIABILITY.md T5), links opened without a referrer, and
 * DOMPurify over the result as a second lock.
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, typographer: true });

md.core.ruler.push('segbook_safety', (state) => {
	for (const token of state.tokens) {
		if (!token.children) continue;
		token.children = token.children.filter(
			(child) =>
				child.type !== 'image' ||
				/^data:image\/(png|gif|jpeg|webp);/i.test(String(child.attrGet('src') ?? ''))
		);
		for (const child of token.children) {
			if (child.type === 'link_open') {
				child.attrSet('rel', 'noopener noreferrer');
				child.attrSet('target', '_blank');
			}
		}
	}
});

/**
 * A checkpoint's answer: a fenced block marked `answer` is drawn folded, behind "Show the
 * answer", for the teacher to open when the class has had a go (its text is markdown too).
 */
const plainFence = md.renderer.rules.fence;
md.renderer.rules.fence = (tokens, idx, options, env, self) => {
	const token = tokens[idx]!;
	if (token.info.trim() === 'answer') {
		return `<details class="checkpoint"><summary>Show the answer</summary>${md.render(token.content)}</details>`;
	}
	return plainFence
		? plainFence(tokens, idx, options, env, self)
		: self.renderToken(tokens, idx, options);
};

/** True for markdown holding a checkpoint (a question with an `answer` block). */
export function isCheckpoint(source: string): boolean {
	return /^\s*(```|~~~)\s*answer\s*$/m.test(source);
}

export function renderMarkdown(source: string): string {
	// DOMPurify's default URI check (no javascript:, data: only on images) applies.
	return DOMPurify.sanitize(md.render(source), { ADD_ATTR: ['target', 'rel'] });
}
