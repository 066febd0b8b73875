/** A fenced code block of a Markdown file. */
export interface FencedBlock {
  /** The info string's language (`sh`, `ts`, `yaml`...), '' when absent. */
  readonly lang: string;
  /** The block's text, without the fences. */
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The reason of a `<!-- readme-test: skip — <reason> -->` line right before the block, else null. */
  readonly skip: string | null;
}

const OPEN = /^```(\S*)\s*$/;
const CLOSE = /^```\s*$/;
const SKIP = /^<!--\s*readme-test:\s*skip\s*(?:—|--?)\s*(.*?)\s*-->$/;

/** The fenced code blocks of a Markdown text, in order (top-level ``` fences only). */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !CLOSE.test(lines[i]!); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`Unclosed code fence at line ${start + 1}.`);
    blocks.push({ lang: open[1]!, code: body.join('\n'), line: start + 1, skip: skipReason(lines, start) });
  }
  return blocks;
}

/** The skip marker's reason on the last non-blank line before `fence`; a marker without one is an error. */
function skipReason(lines: readonly string[], fence: number): string | null {
  let j = fence - 1;
  while (j >= 0 && lines[j]!.trim() === '') j--;
  const marker = j >= 0 ? SKIP.exec(lines[j]!.trim()) : null;
  if (!marker) return null;
  if (!marker[1]) throw new Error(`The readme-test skip marker at line ${j + 1} gives no reason.`);
  return marker[1];
}

/** The first command line of a shell block, without comments or a line continuation, for test names. */
export function firstCommand(code: string): string {
  const line = code
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  return line === undefined ? '(empty block)' : line.replace(/\s+#.*$/, '').replace(/\s*\\$/, '');
}
