import {
  closeLikePattern,
  type SqlDialect,
  type SqlErrorKind,
  standardOnConflict,
} from '../sql/sql-dialect.js';

/** SQLite's spelling: `?` placeholders, dynamic types, GLOB for case-sensitive LIKE. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  types: {
    text: 'TEXT',
    json: 'TEXT',
    bigint: 'INTEGER',
    int: 'INTEGER',
    float: 'REAL',
    serialPk: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  },
  placeholders: (sql) => sql,
  onConflict: standardOnConflict,
  like(column, pattern, caseInsensitive) {
    const p = closeLikePattern(pattern);
    // SQLite's LIKE ignores ASCII case, as ILIKE does; GLOB is the case-sensitive matcher.
    if (caseInsensitive) return { sql: `${column} LIKE ? ESCAPE '\\'`, params: [p] };
    return { sql: `${column} GLOB ?`, params: [likeToGlob(p)] };
  },
  classifyError,
  migrationLock: null,
};

/** Translates a LIKE pattern (`%`, `_`, `\` escapes) into the equivalent GLOB pattern. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += globLiteral(pattern[++i]!);
    else if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else out += globLiteral(c);
  }
  return out;
}

function globLiteral(c: string): string {
  return c === '*' || c === '?' || c === '[' ? `[${c}]` : c;
}

function classifyError(error: unknown): SqlErrorKind | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key';
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') return 'not_null';
  if (code === 'SQLITE_CONSTRAINT_CHECK') return 'check';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (/^SQLITE_(CANTOPEN|NOTADB|IOERR|READONLY|FULL|PERM)/.test(code)) return 'unavailable';
  return null;
}
