import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeletConfig } from '../collector/kubelet-config.js';

/** The kubelet answered, but not 200: the status says whether Tapio is refused (401/403) or the kubelet is unwell. */
export class KubeletAnswerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * GETs from the kubelet's secure port, authenticated as a real agent: the ServiceAccount
 * token (read from its file on each call: projected tokens rotate) or a client certificate.
 */
export class KubeletHttp {
  private readonly tlsOptions: RequestOptions;

  constructor(
    readonly endpoint: string,
    private readonly config: Pick<KubeletConfig, 'auth' | 'tls' | 'requestTimeoutMs'>,
  ) {
    const { auth, tls } = config;
    this.tlsOptions = {
      ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
      ...(tls.serverName ? { servername: tls.serverName } : {}),
      ...('cert' in auth ? { cert: readFileSync(auth.cert), key: readFileSync(auth.key) } : {}),
      rejectUnauthorized: !tls.insecureSkipVerify,
    };
  }

  /** The JSON body of `path`; rejects with the reason (status, refused connection, timeout, not JSON). */
  async getJson(path: string): Promise<unknown> {
    const url = new URL(path, this.endpoint);
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = { accept: 'application/json' };
    // The token goes over TLS only (plain http is the deprecated read-only port, or a test double).
    if (secure && 'tokenFile' in this.config.auth) headers['authorization'] = `Bearer ${readFileSync(this.config.auth.tokenFile, 'utf8').trim()}`;
    const request = secure ? httpsRequest : httpRequest;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const call = request(url, { method: 'GET', timeout: this.config.requestTimeoutMs, headers, ...(secure ? this.tlsOptions : {}) }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      call.on('timeout', () => call.destroy(new Error(`no answer within ${this.config.requestTimeoutMs} ms`)));
      call.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ? `${error.code}: ${error.message}` : error.message)));
      call.end();
    });
    if (status !== 200) throw new KubeletAnswerError(status, `kubelet ${url.href} answered ${status}: ${text.trim().slice(0, 120)}`);
    try {
      return JSON.parse(text);
    } catch {
      throw new KubeletAnswerError(status, `kubelet ${url.href} answered 200 with no JSON: "${text.slice(0, 80)}"`);
    }
  }
}
