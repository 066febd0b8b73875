import type { FastifyInstance } from 'fastify';
import { isKeelError } from '../../core/index.js';
import type { Deployment } from '../../storage/index.js';
import { parseQuery } from '../internal/query.js';
import type { UiServices } from '../ui-services.js';

/** What a model reference points at now, or why it points at nothing. */
interface Resolution {
  readonly ref: string;
  readonly model: string | null;
  readonly version: number | null;
  readonly problem: string | null;
}

async function resolveRef(services: UiServices, ref: string): Promise<Resolution> {
  try {
    const v = await services.registry.resolve(ref);
    return { ref, model: v.model, version: v.version, problem: null };
  } catch (error) {
    if (isKeelError(error) && error.status < 500)
      return { ref, model: null, version: null, problem: error.message };
    throw error;
  }
}

/** The deployment with each variant's (and the shadow's) reference resolved and its traffic share. */
async function deploymentView(services: UiServices, d: Deployment) {
  const total = d.spec.variants.reduce((s, v) => s + Math.max(0, v.weight), 0);
  const variants = await Promise.all(
    d.spec.variants.map(async (v) => ({
      ...v,
      sharePercent: total > 0 ? (Math.max(0, v.weight) / total) * 100 : 0,
      resolved: await resolveRef(services, v.ref),
    })),
  );
  const shadow = d.spec.shadow
    ? { ...d.spec.shadow, resolved: await resolveRef(services, d.spec.shadow.ref) }
    : null;
  const canary =
    d.spec.mode === 'canary' ? (variants.find((v) => v.name === 'canary')?.sharePercent ?? 0) : null;
  return { ...d, variants, shadow, canaryPercent: canary };
}

/** Deployments with their spec, resolved variants and decision history. */
export function deploymentRoutes(app: FastifyInstance, services: UiServices): void {
  app.get('/deployments', async (request) => {
    parseQuery(request.query, {});
    const all = await services.deployments.list();
    return { deployments: await Promise.all(all.map((d) => deploymentView(services, d))) };
  });

  app.get<{ Params: { name: string } }>('/deployments/:name', async (request) => {
    parseQuery(request.query, {});
    const deployment = await services.deployments.get(request.params.name);
    const [view, history] = await Promise.all([
      deploymentView(services, deployment),
      services.deployments.history(deployment.name),
    ]);
    return { deployment: view, history: history.slice().reverse() };
  });
}
