import { Type } from '@sinclair/typebox';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { invalid } from '../../core/shared/errors.js';
import { principalOf } from '../auth.js';
import { StdErrors } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

const PlanItem = Type.Object({
  section: Type.String(),
  key: Type.String(),
  action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('unchanged'), Type.Literal('delete')]),
  changes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const ApplyResult = Type.Object({
  dryRun: Type.Boolean(),
  plan: Type.Array(PlanItem),
  summary: Type.Record(Type.String(), Type.Number()),
});

export function configRoutes(app: App, deps: HttpDeps): void {
  app.post('/api/v1/config/apply', {
    config: { auth: 'admin' },
    schema: {
      tags: ['config'],
      summary: 'Apply a vigil.yaml document (JSON, or YAML with Content-Type application/yaml); ?dryRun=true only plans',
      querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      body: Type.Unknown({ description: 'The configuration document: { version: 1, users: [...], teams: [...], ... }' }),
      response: { 200: ApplyResult, ...StdErrors },
    },
    handler: async (req) => {
      let doc: unknown = req.body;
      if (typeof doc === 'string') {
        try {
          doc = parseYaml(doc);
        } catch (err) {
          throw invalid('malformed_yaml', `The YAML document does not parse: ${(err as Error).message}`);
        }
      }
      return deps.configAsCode.apply(principalOf(req), doc, { dryRun: req.query.dryRun ?? false });
    },
  });

  app.get('/api/v1/config/export', {
    config: { auth: 'admin' },
    schema: {
      tags: ['config'],
      summary: 'Export the current configuration (JSON, or YAML with ?format=yaml)',
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('yaml')])) }, { additionalProperties: false }),
      response: { 200: Type.Unknown(), ...StdErrors },
    },
    handler: async (req, reply) => {
      const doc = await deps.configAsCode.export();
      if (req.query.format === 'yaml') return reply.type('application/yaml; charset=utf-8').send(toYaml(doc));
      return doc;
    },
  });
}
