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
  const parse = async (read: () => Promise<string>) => {
    let text: string;
    try {
      text = await read();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(400, 'malformed_json', { detail: 'The body could not be read', cause: error });
    }
    try {
      JSON.parse(text);
    } catch (error) {
      throw new ApiError(400, 'malformed_json', { detail: (error as Error).message.slice(0, 200), cause: error });
    }
  };
  return createMiddleware<AppEnv>(async function jsonBody(c, next) {
    if (!METHODS_WITH_BODY.has(c.req.method)) return next();
    const length = c.req.header('content-length');
    const declared = length !== undefined && c.req.header('transfer-encoding') === undefined;
    // No body at all is for the route to judge: some bodies are optional, required ones fail validation.
    if (length === '0' || (!declared && !c.req.raw.body)) return next();
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      throw new ApiError(415, 'unsupported_media_type', {
        detail: mediaType ? `Got ${mediaType.slice(0, 100)}; send application/json` : 'Send Content-Type: application/json',
      });
    }
    if (declared) {
      // A declared length is checked before reading, and the body read straight from the socket: a
      // web stream per request (what a streaming limit needs) costs more than the rest of the parse.
      if (!/^\d+$/.test(length) || Number(length) > maxBytes) {
        throw new ApiError(413, 'payload_too_large', { detail: `Bodies are limited to ${maxBytes} bytes` });
      }
      await parse(() => c.req.text());
      return next();
    }
    return limit(c, async () => {
      await parse(() => c.req.text());
      await next();
    });
  });
}
