import type { Context } from 'hono';
import type { AppEnv } from './env.js';

/**
 * A streamed text body in the form the server under the app writes best. @hono/node-server writes a
 * string chunk to the socket as it is, encoding it outside the JavaScript heap, so the text goes out
 * with no ArrayBuffer made on the event loop's thread (why that matters: WorkerPool.stream). A
 * Response anywhere else (`app.request()`, another runtime) must stream bytes, so there it is encoded.
 */
export function textStream(c: Context<AppEnv>, text: ReadableStream<string>): ReadableStream<string> | ReadableStream<Uint8Array> {
  return c.env?.outgoing ? text : text.pipeThrough(new TextEncoderStream());
}
