import {
  closeLikePattern,
  rewritePlaceholders,
  type SqlDialect,
  type SqlErrorKind,
  standardOnConflict,
} from '../sql/sql-dialect.js';

/** PostgreSQL's spelling: `$n` placeholders, `COLLATE "C"` text (byte order, as SQLite), JSON kept verbatim. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  types: {
    text: 'TEXT COLLATE "C"',
    json: 'JSON',
    bigint: 'BIGINT',
    int: 'INTEGER',
    float: 'DOUBLE PRECISION',
    serialPk: 'BIGSERIAL PRIMARY KEY',
  },
  placeholders: (sql) => rewritePlaceholders(sql, (n) => `$${n}`),
  onConflict: standardOnConflict,
  like(column, pattern, caseInsensitive) {
    return {
      sql: `${column} ${caseInsensitive ? 'ILIKE' : 'LIKE'} ? ESCAPE '\\'`,
      params: [closeLikePattern(pattern)],
    };
  },
  classifyError,
  migrationLock: "SELECT pg_advisory_xact_lock(hashtext('keel_schema_migrations:' || current_schema()))",
};

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]);

function classifyError(error: unknown): SqlErrorKind | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code === '23505') return 'unique';
    if (code === '23503') return 'foreign_key';
    if (code === '23502') return 'not_null';
    if (code === '23514') return 'check';
    if (code === '40001' || code === '40P01') return 'serialization';
    if (code === '55P03') return 'busy';
    // Class 08 (connection exception), 57P01-03 (admin shutdown, crash, cannot connect now), 53300 (too many connections).
    if (
      code.startsWith('08') ||
      /^57P0[1-3]$/.test(code) ||
      code === '53300' ||
      code === '3D000' ||
      code === '28P01' ||
      code === '28000'
    ) {
      return 'unavailable';
    }
    if (UNAVAILABLE_CODES.has(code)) return 'unavailable';
  }
  const message = error instanceof Error ? error.message : '';
  if (/Connection terminated|connection timeout|Client has encountered a connection error/i.test(message))
    return 'unavailable';
  return null;
}
