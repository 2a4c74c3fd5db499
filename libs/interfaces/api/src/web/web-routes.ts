import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../server/api-error.js';
import { loadWebAssets, WEB_ASSETS_DIR, type WebAsset } from './web-assets.js';

/** Where the bundles are served; vite's `base` in libs/interfaces/api/ui/vite.config.ts. */
export const WEB_ASSET_PREFIX = '/ui/';

/**
 * The page holds no data (everything comes from /api/v1 with the reader's token), so it
 * is served without a token, like /docs. It may run only its own bundles and talk only
 * to this server: no CDN, no fonts, no inline script.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface WebRoutesOptions {
  /** Folder of the built UI (default: this package's dist/ui-assets). */
  assetsDir?: string;
}

/** GET / (the web UI's page) and GET /ui/* (its hashed bundles, cached for good). */
export const webRoutes: FastifyPluginAsync<WebRoutesOptions> = async (app, options) => {
  const dir = options.assetsDir ?? WEB_ASSETS_DIR;
  const assets = await loadWebAssets(dir);
  const send = (request: FastifyRequest, reply: FastifyReply, asset: WebAsset, cache: string) => {
    reply.headers(SECURITY_HEADERS).header('cache-control', cache).type(asset.contentType);
    if (!asset.gzipped) return reply.send(asset.body);
    reply.header('vary', 'accept-encoding');
    if (!/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.send(asset.body);
    return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  };

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const page = assets?.get('index.html');
    if (!page) return reply.code(503).send(errorBody(503, `the web UI is not built (no ${dir}index.html): run npm run build`));
    return send(request, reply, page, 'no-cache');
  });

  app.get(`${WEB_ASSET_PREFIX}*`, { schema: { hide: true } }, async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const asset = assets?.get(path);
    if (!asset || path === 'index.html') return reply.code(404).send(errorBody(404, `no web UI file ${WEB_ASSET_PREFIX}${path}`));
    // Bundle names carry a content hash: a new build gets new names.
    return send(request, reply, asset, 'public, max-age=31536000, immutable');
  });
};
