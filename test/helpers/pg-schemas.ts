import type { Client } from 'pg';

/** `url` with `?schema=<schema>` set (replacing any schema already there). */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const pg = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops every schema whose name starts with `prefix` (the namespaces of one test file). */
export async function dropSchemas(url: string, prefix: string): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE $1',
      [`${prefix.replace(/_/g, '\\_')}%`],
    );
    for (const { name } of rows) await client.query(`DROP SCHEMA "${name}" CASCADE`);
  });
}

/**
 * Empties every `keel_*` table of `schema` except the migration log (DELETE: much faster than
 * TRUNCATE on small tables), so each test of a file starts from an empty store without re-migrating.
 * No-op when the schema is new.
 */
export async function emptyKeelTables(url: string, schema: string): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'keel\\_%' AND tablename <> 'keel_schema_migrations'",
      [schema],
    );
    if (rows.length > 0) {
      await client.query(rows.map((r) => `DELETE FROM "${schema}"."${r.name}";`).join('\n'));
    }
  });
}
