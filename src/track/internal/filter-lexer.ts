import { KeelError } from '../../core/index.js';

/** One token of a filter or order expression; `pos` is its 0-based offset in the source. */
export interface Token {
  readonly type: 'ident' | 'number' | 'string' | 'quoted-key' | 'op' | '(' | ')' | ',' | '.' | 'end';
  /** The token's value: identifier text, unquoted string, number text or operator. */
  readonly text: string;
  readonly pos: number;
  /** For strings: the quote character used (`'` or `"`). */
  readonly quote?: string;
}

const NUMBER_RE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Splits an expression into tokens; `KEEL_TRACK_BAD_FILTER` naming the position on a stray character or open quote. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const two = rest.slice(0, 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=' || two === '==') {
      tokens.push({ type: 'op', text: two === '<>' ? '!=' : two === '==' ? '=' : two, pos: i });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      tokens.push({ type: 'op', text: c, pos: i });
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, text: c, pos: i });
      i++;
    } else if (c === "'" || c === '"' || c === '`') {
      const { text, end } = readQuoted(source, i);
      tokens.push(
        c === '`' ? { type: 'quoted-key', text, pos: i } : { type: 'string', text, pos: i, quote: c },
      );
      i = end;
    } else if (NUMBER_RE.test(rest) && !(c === '.' && tokens.at(-1)?.type === 'ident')) {
      const text = NUMBER_RE.exec(rest)![0];
      tokens.push({ type: 'number', text, pos: i });
      i += text.length;
    } else if (c === '.') {
      tokens.push({ type: '.', text: '.', pos: i });
      i++;
    } else if (IDENT_RE.test(rest)) {
      const text = IDENT_RE.exec(rest)![0];
      tokens.push({ type: 'ident', text, pos: i });
      i += text.length;
    } else {
      throw filterError(
        source,
        i,
        `unexpected character "${c}"; put keys with special characters in backticks, e.g. metrics.\`f1-score\``,
      );
    }
  }
  tokens.push({ type: 'end', text: '', pos: source.length });
  return tokens;
}

/** Reads a quoted string or key starting at `start` (the quote); a doubled quote inside stands for one. */
function readQuoted(source: string, start: number): { text: string; end: number } {
  const q = source[start]!;
  let text = '';
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === q) {
      if (source[i + 1] === q) {
        text += q;
        i += 2;
        continue;
      }
      return { text, end: i + 1 };
    }
    text += c;
    i++;
  }
  throw filterError(source, start, `the ${q === '`' ? 'backtick' : 'quote'} opened here is never closed`);
}

/** `KEEL_TRACK_BAD_FILTER` pointing at `pos` (0-based) in `source`, with a caret line under it. */
export function filterError(source: string, pos: number, reason: string): KeelError {
  return new KeelError(
    'KEEL_TRACK_BAD_FILTER',
    `Bad expression at character ${pos + 1}: ${reason}.\n  ${source}\n  ${' '.repeat(pos)}^`,
    { details: { expression: source, position: pos, reason } },
  );
}
