import type {
  AliasEvent,
  Attribution,
  CreateVersionInput,
  ModelVersion,
  RegisteredModel,
  RegistryRepository,
} from '../../contracts/index.js';
import type { SqlDriver } from '../sql-driver.js';
import * as aliases from './aliases.js';
import * as models from './models.js';
import * as versions from './versions.js';

/** `RegistryRepository` over any `SqlDriver`: the same code for SQLite and PostgreSQL. */
export class SqlRegistryRepository implements RegistryRepository {
  private readonly db: SqlDriver;

  constructor(db: SqlDriver) {
    this.db = db;
  }

  createModel(input: {
    readonly name: string;
    readonly description?: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly createdAt: number;
  }): Promise<RegisteredModel> {
    return models.createModel(this.db, input);
  }

  getModel(name: string): Promise<RegisteredModel> {
    return models.getModel(this.db, name);
  }

  findModel(name: string): Promise<RegisteredModel | null> {
    return models.findModel(this.db, name);
  }

  listModels(): Promise<RegisteredModel[]> {
    return models.listModels(this.db);
  }

  updateModel(
    name: string,
    patch: { readonly description?: string; readonly updatedAt: number },
  ): Promise<void> {
    return models.updateModel(this.db, name, patch);
  }

  setModelTags(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    return models.setModelTags(this.db, name, tags);
  }

  deleteModelTag(name: string, key: string): Promise<void> {
    return models.deleteModelTag(this.db, name, key);
  }

  deleteModel(name: string): Promise<void> {
    return models.deleteModel(this.db, name);
  }

  createVersion(model: string, input: CreateVersionInput): Promise<ModelVersion> {
    return versions.createVersion(this.db, model, input);
  }

  getVersion(model: string, version: number): Promise<ModelVersion> {
    return versions.getVersion(this.db, model, version);
  }

  listVersions(model: string): Promise<ModelVersion[]> {
    return versions.listVersions(this.db, model);
  }

  setVersionTags(model: string, version: number, tags: Readonly<Record<string, string>>): Promise<void> {
    return versions.setVersionTags(this.db, model, version, tags);
  }

  deleteVersionTag(model: string, version: number, key: string): Promise<void> {
    return versions.deleteVersionTag(this.db, model, version, key);
  }

  deleteVersion(model: string, version: number, by: Attribution): Promise<void> {
    return versions.deleteVersion(this.db, model, version, by);
  }

  setAlias(model: string, alias: string, version: number, by: Attribution): Promise<AliasEvent> {
    return aliases.setAlias(this.db, model, alias, version, by);
  }

  deleteAlias(model: string, alias: string, by: Attribution): Promise<AliasEvent> {
    return aliases.deleteAlias(this.db, model, alias, by);
  }

  resolveAlias(model: string, alias: string): Promise<ModelVersion> {
    return aliases.resolveAlias(this.db, model, alias);
  }

  aliasHistory(model: string, alias?: string): Promise<AliasEvent[]> {
    return aliases.aliasHistory(this.db, model, alias);
  }
}
