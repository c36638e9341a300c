import type { FastifyError, FastifyInstance } from 'fastify';
import { reason, type Reason } from '../law/decision.ts';
import { sendRefusal } from './refusal.ts';

/** Turns framework errors into the platform's error body; never leaks a stack trace. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const r = reasonForError(error);
    if (!r) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send({ error: { code: 'internal_error', message: request.headers['accept-language']?.startsWith('en') ? 'Something went wrong on our side. Please try again.' : '系统繁忙，请稍后再试。' } });
    }
    return sendRefusal(request, reply, [r]);
  });
  app.setNotFoundHandler((request, reply) =>
    sendRefusal(request, reply, [reason('not_found', '您要找的页面或资源不存在', 'Not found')]),
  );
}

function reasonForError(error: FastifyError): Reason | undefined {
  if (error.validation) {
    const v = error.validation[0];
    if (v?.keyword === 'additionalProperties') {
      const field = String((v.params as { additionalProperty?: unknown }).additionalProperty ?? '');
      return reason('unknown_field', `不接受的字段：${field}`, `Unknown field: ${field}`);
    }
    const where = `${error.validationContext ?? 'body'}${v?.instancePath ?? ''}`;
    return reason('invalid_request', `请求格式不正确（${where}：${v?.message ?? ''}）`, `Invalid request (${where}: ${v?.message ?? ''})`);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reason('malformed_json', '请求体不是合法的JSON', 'The request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reason('body_too_large', '请求体过大', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return reason('invalid_request', '不支持的请求内容类型', 'Unsupported content type');
  }
  if (error.statusCode === 429) return reason('rate_limited', '请求过于频繁，请稍后再试', 'Too many requests; please slow down');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reason('invalid_request', '请求无效', 'Invalid request');
  }
  if (error instanceof SyntaxError) return reason('malformed_json', '请求体不是合法的JSON', 'The request body is not valid JSON');
  return undefined;
}
