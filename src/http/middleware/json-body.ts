import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../env.js';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Every body is JSON, of bounded size: a wrong content type is 415, an oversized body 413 and
 * unparseable JSON 400 `malformed_json`, each as problem+json, before any route sees it.
 */
export function jsonBody({ maxBytes }: { maxBytes: number }) {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', { detail: `Bodies are limited to ${maxBytes} bytes` });
    },
  });
  return createMiddleware<AppEnv>(async function jsonBody(c, next) {
    if (!METHODS_WITH_BODY.has(c.req.method)) return next();
    // No body at all is for the route to judge: some bodies are optional, required ones fail validation.
    if (!c.req.raw.body || c.req.header('content-length') === '0') return next();
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      throw new ApiError(415, 'unsupported_media_type', {
        detail: mediaType ? `Got ${mediaType.slice(0, 100)}; send application/json` : 'Send Content-Type: application/json',
      });
    }
    return limit(c, async () => {
      let text: string;
      try {
        text = await c.req.text();
      } catch (error) {
        throw new ApiError(400, 'malformed_json', { detail: 'The body could not be read', cause: error });
      }
      try {
        JSON.parse(text);
      } catch (error) {
        throw new ApiError(400, 'malformed_json', { detail: (error as Error).message.slice(0, 200), cause: error });
      }
      await next();
    });
  });
}
