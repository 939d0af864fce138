// The bridge's bodies are validated strictly (no type coercion: `null` is not an empty string,
// `"12"` is not a number), since whatever passes is stored as the bridge's word.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../http/errors.js';

export function installStrictValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const check = TypeCompiler.Compile(schema as TSchema);
    return (data: unknown) => {
      if (check.Check(data)) return { value: data };
      const first = check.Errors(data).First();
      const field = first?.path.split('/').filter(Boolean).join('.');
      return { error: badRequest([httpPart ?? 'body', field].filter(Boolean).join('.'), first?.message.toLowerCase() ?? 'is invalid') };
    };
  });
}
