import { KeelError } from '../../../core/index.js';
import type {
  FeatureChangeEvent,
  FeatureObjectChange,
  FeatureObjectKind,
  FeatureObjectRecord,
  FeatureRegistryRepository,
  MaterializationRecord,
  TrainingSetRecord,
} from '../../contracts/index.js';
import { parseJson } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import type { SqlRow } from '../sql-value.js';

const KIND_ORDER = ['entity', 'dataSource', 'featureView', 'onDemandFeatureView', 'featureService'];

function toRecord(r: SqlRow): FeatureObjectRecord {
  return {
    kind: String(r.kind) as FeatureObjectKind,
    name: String(r.name),
    spec: parseJson<Record<string, unknown>>(r.spec),
    digest: String(r.digest),
    version: Number(r.version),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function byKindThenName(a: FeatureObjectRecord, b: FeatureObjectRecord): number {
  return (
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

function conflict(change: FeatureObjectChange, found: number): KeelError {
  const what = found === 0 ? 'it does not exist' : `it is at version ${found}`;
  return new KeelError(
    'KEEL_STORE_CONFLICT',
    `The ${change.kind} "${change.name}" changed since it was planned (expected version ${change.expectedVersion}, but ${what}). Run \`keel features plan\` again.`,
    {
      details: {
        kind: change.kind,
        name: change.name,
        expectedVersion: change.expectedVersion,
        version: found,
      },
    },
  );
}

/** `FeatureRegistryRepository` over any `SqlDriver`: every apply is one transaction with per-object version checks. */
export class SqlFeatureRegistryRepository implements FeatureRegistryRepository {
  constructor(private readonly db: SqlDriver) {}

  async list(kind?: FeatureObjectKind): Promise<FeatureObjectRecord[]> {
    const rows = kind
      ? await this.db.query('SELECT * FROM keel_feature_objects WHERE kind = ?', [kind])
      : await this.db.query('SELECT * FROM keel_feature_objects');
    return rows.map(toRecord).sort(byKindThenName);
  }

  async get(kind: FeatureObjectKind, name: string): Promise<FeatureObjectRecord | null> {
    const rows = await this.db.query('SELECT * FROM keel_feature_objects WHERE kind = ? AND name = ?', [
      kind,
      name,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  applyChanges(
    changes: readonly FeatureObjectChange[],
    by: { readonly actor: string; readonly at: number },
  ): Promise<FeatureObjectRecord[]> {
    return this.db.transaction(async (tx) => {
      const written: FeatureObjectRecord[] = [];
      for (const change of changes) {
        const rows = await tx.query<{ version: number; digest: string }>(
          'SELECT version, digest FROM keel_feature_objects WHERE kind = ? AND name = ?',
          [change.kind, change.name],
        );
        const current = rows[0];
        const version = current ? Number(current.version) : 0;
        if (change.expectedVersion !== undefined && change.expectedVersion !== version)
          throw conflict(change, version);
        const action = await this.write(tx, change, current, by.at);
        if (!action) continue;
        await tx.execute(
          'INSERT INTO keel_feature_changes (kind, name, action, digest, actor, at) VALUES (?, ?, ?, ?, ?, ?)',
          [change.kind, change.name, action, change.digest, by.actor, by.at],
        );
        if (action !== 'delete') {
          const [row] = await tx.query('SELECT * FROM keel_feature_objects WHERE kind = ? AND name = ?', [
            change.kind,
            change.name,
          ]);
          written.push(toRecord(row!));
        }
      }
      return written;
    });
  }

  private async write(
    tx: SqlDriver,
    change: FeatureObjectChange,
    current: { version: number; digest: string } | undefined,
    at: number,
  ): Promise<FeatureChangeEvent['action'] | null> {
    if (change.spec === null) {
      if (!current) return null;
      await tx.execute('DELETE FROM keel_feature_objects WHERE kind = ? AND name = ?', [
        change.kind,
        change.name,
      ]);
      return 'delete';
    }
    if (current && current.digest === change.digest) return null;
    const spec = JSON.stringify(change.spec);
    if (!current) {
      await tx.execute(
        'INSERT INTO keel_feature_objects (kind, name, spec, digest, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)',
        [change.kind, change.name, spec, change.digest, at, at],
      );
      return 'create';
    }
    await tx.execute(
      'UPDATE keel_feature_objects SET spec = ?, digest = ?, version = version + 1, updated_at = ? WHERE kind = ? AND name = ?',
      [spec, change.digest, at, change.kind, change.name],
    );
    return 'update';
  }

  async revision(): Promise<number> {
    const rows = await this.db.query<{ n: number | null }>('SELECT MAX(seq) AS n FROM keel_feature_changes');
    return Number(rows[0]?.n ?? 0);
  }

  async history(afterSeq = 0, limit = 1000): Promise<FeatureChangeEvent[]> {
    const rows = await this.db.query(
      'SELECT * FROM keel_feature_changes WHERE seq > ? ORDER BY seq LIMIT ?',
      [afterSeq, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      kind: String(r.kind) as FeatureObjectKind,
      name: String(r.name),
      action: String(r.action) as FeatureChangeEvent['action'],
      digest: r.digest === null || r.digest === undefined ? null : String(r.digest),
      actor: String(r.actor),
      at: Number(r.at),
    }));
  }

  async recordMaterialization(record: MaterializationRecord): Promise<void> {
    await this.db.execute(
      'INSERT INTO keel_feature_materializations (view_name, start_ms, end_ms, row_count, at) VALUES (?, ?, ?, ?, ?)',
      [record.view, Math.round(record.startMs), Math.round(record.endMs), record.rows, record.at],
    );
  }

  async materializations(view: string): Promise<MaterializationRecord[]> {
    const rows = await this.db.query(
      'SELECT * FROM keel_feature_materializations WHERE view_name = ? ORDER BY seq',
      [view],
    );
    return rows.map((r) => ({
      view: String(r.view_name),
      startMs: Number(r.start_ms),
      endMs: Number(r.end_ms),
      rows: Number(r.row_count),
      at: Number(r.at),
    }));
  }

  async recordTrainingSet(record: TrainingSetRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO keel_feature_training_sets (fingerprint, feature_service, feature_service_digest, features, row_count, entity_fingerprint, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ${this.db.dialect.onConflict(['fingerprint'], [])}`,
      [
        record.fingerprint,
        record.featureService,
        record.featureServiceDigest,
        JSON.stringify(record.features),
        record.rows,
        record.entityFingerprint,
        record.createdAt,
      ],
    );
  }

  async getTrainingSet(fingerprint: string): Promise<TrainingSetRecord | null> {
    const rows = await this.db.query('SELECT * FROM keel_feature_training_sets WHERE fingerprint = ?', [
      fingerprint,
    ]);
    const r = rows[0];
    if (!r) return null;
    return {
      fingerprint: String(r.fingerprint),
      featureService: r.feature_service === null ? null : String(r.feature_service),
      featureServiceDigest: r.feature_service_digest === null ? null : String(r.feature_service_digest),
      features: parseJson<string[]>(r.features),
      rows: Number(r.row_count),
      entityFingerprint: String(r.entity_fingerprint),
      createdAt: Number(r.created_at),
    };
  }
}
