import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { AppEnv } from '../env.js';

// Served by the service itself, never a CDN: stores run on closed networks.
const uplot = dirname(createRequire(import.meta.url).resolve('uplot/package.json'));
const own = join(dirname(fileURLToPath(import.meta.url)), 'assets');

const ASSETS = {
  'uPlot.iife.min.js': { path: join(uplot, 'dist', 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { path: join(uplot, 'dist', 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
  'dashboard.js': { path: join(own, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { path: join(own, 'dashboard.css'), type: 'text/css; charset=utf-8' },
} as const;

export function registerDashboardAssets(app: Hono<AppEnv>) {
  const cache = new Map<string, string>();
  app.get('/dashboard/assets/:name{uPlot\\.iife\\.min\\.js|uPlot\\.min\\.css|dashboard\\.js|dashboard\\.css}', (c) => {
    const asset = ASSETS[c.req.param('name') as keyof typeof ASSETS];
    let body = cache.get(asset.path);
    if (body === undefined) {
      body = readFileSync(asset.path, 'utf8');
      cache.set(asset.path, body);
    }
    return c.body(body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
  });
}
