// One error handler maps everything thrown to the envelope; internals never reach the client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, badRequest, failure, notFound, unavailable, type ErrorKind } from './errors.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** `body.receId: must be string`: the field by its path, then the rule. */
export function describeValidation(context: string | undefined, issue: ValidationIssue): string {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean).join('.');
  let field = path;
  let rule = issue.message ?? 'is invalid';
  if (issue.keyword === 'required' && typeof issue.params?.missingProperty === 'string') {
    field = path ? `${path}.${issue.params.missingProperty}` : issue.params.missingProperty;
    rule = 'is required';
  } else if (issue.keyword === 'additionalProperties' && typeof issue.params?.additionalProperty === 'string') {
    field = path ? `${path}.${issue.params.additionalProperty}` : issue.params.additionalProperty;
    rule = 'is not allowed';
  } else if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues)) {
    rule = `must be one of ${(issue.params.allowedValues as unknown[]).join(', ')}`;
  }
  const where = [context, field].filter(Boolean).join('.');
  return `${where || 'request'}: ${rule}`;
}

const STATUS_KIND: Record<number, ErrorKind> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  413: 'payloadTooLarge',
  415: 'badRequest',
  429: 'tooManyRequests',
  503: 'unavailable',
};

export function toHubError(error: FastifyError | HubError | Error): HubError {
  if (error instanceof HubError) return error;
  const fe = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (fe.validation && fe.validation.length > 0) {
    return new HubError('badRequest', describeValidation(fe.validationContext, fe.validation[0]!));
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HubError('malformed_json', 'body: malformed JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HubError('payloadTooLarge', 'body: too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HubError('badRequest', 'content-type: must be application/json');
  }
  // The write lock stayed taken past busy_timeout (another hub process writing): retryable.
  if (typeof fe.code === 'string' && fe.code.startsWith('SQLITE_BUSY')) return unavailable('database', 'busy (another process holds the write lock), retry shortly');
  if (error instanceof SyntaxError && fe.statusCode === 400) return new HubError('malformed_json', 'body: malformed JSON');
  const status = fe.statusCode ?? 500;
  const kind = STATUS_KIND[status];
  if (kind) return new HubError(kind, kind === 'tooManyRequests' ? 'too many requests, slow down' : fe.message);
  return new HubError('internal', 'internal error');
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const hubError = toHubError(error);
    if (hubError.code >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(hubError.code).send(failure(hubError));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(failure(notFound(`route ${request.method} ${request.url.split('?')[0]}`)));
  });
}

/**
 * Errors the router raises before any route (or the error handler) runs, such as a broken
 * percent-escape in the path: Fastify's own body for them is not the envelope.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const hubError = error.code === 'FST_ERR_BAD_URL' ? badRequest('url', 'is not a valid URL') : toHubError(error);
  void reply.status(hubError.code).send(failure(hubError));
}
