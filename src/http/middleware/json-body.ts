import { bodyLimit } from 'hono/body-limit';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { DomainError } from '../../errors.js';
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
      throw new DomainError('payload_too_large', `Bodies are limited to ${maxBytes} bytes`);
    },
  });
  const read = async (c: Context<AppEnv>) => {
    try {
      return await c.req.text();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError('malformed_json', 'The body could not be read', { cause: error });
    }
  };
  /** Parses the body once; the route's validator (which reads `c.req.json()`) gets the parsed value. */
  const parse = (c: Context<AppEnv>, text: string) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new DomainError('malformed_json', (error as Error).message.slice(0, 200), { cause: error });
    }
    c.req.json = <T>() => Promise.resolve(value as T);
  };
  return createMiddleware<AppEnv>(async function jsonBody(c, next) {
    if (!METHODS_WITH_BODY.has(c.req.method)) return next();
    const length = c.req.header('content-length');
    const declared = length !== undefined && c.req.header('transfer-encoding') === undefined;
    // No body at all is for the route to judge: some bodies are optional, required ones fail validation.
    if (length === '0' || (!declared && !c.req.raw.body)) return next();
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    const unsupported = () =>
      new DomainError('unsupported_media_type', mediaType ? `Got ${mediaType.slice(0, 100)}; send application/json` : 'Send Content-Type: application/json');
    const isJson = JSON_MEDIA_TYPE.test(mediaType);
    if (declared) {
      if (!isJson) throw unsupported();
      // A declared length is checked before reading, and the body read straight from the socket: a
      // web stream per request (what a streaming limit needs) costs more than the rest of the parse.
      if (!/^\d+$/.test(length) || Number(length) > maxBytes) {
        throw new DomainError('payload_too_large', `Bodies are limited to ${maxBytes} bytes`);
      }
      parse(c, await read(c));
      return next();
    }
    if (mediaType && !isJson) throw unsupported();
    return limit(c, async () => {
      // Neither a length nor chunks declared is an empty body on HTTP/1.1 (`curl -X POST` sends that),
      // but the server still hands the route a stream: only reading it tells "none" from "some".
      const text = await read(c);
      if (text === '' && !mediaType) return next();
      if (!isJson) throw unsupported();
      parse(c, text);
      await next();
    });
  });
}
