import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';

export interface EtcdTls {
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * Calls to one etcd member: the v3 JSON gateway (`POST /v3/...`) and `/metrics`, `/health`,
 * over http or https with the client certificate kubeadm clusters require.
 */
export class EtcdHttp {
  private readonly tlsOptions: RequestOptions;

  constructor(
    readonly endpoint: string,
    tls: EtcdTls,
    private readonly timeoutMs: number,
  ) {
    this.tlsOptions = {
      ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
      ...(tls.cert ? { cert: readFileSync(tls.cert) } : {}),
      ...(tls.key ? { key: readFileSync(tls.key) } : {}),
    };
  }

  async gateway<T>(path: string, body: unknown = {}): Promise<T> {
    const { status, text } = await this.send('POST', path, JSON.stringify(body));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`etcd ${this.endpoint}${path} answered ${status} with no JSON: "${text.slice(0, 80)}"`);
    }
    if (status !== 200) throw new Error(`etcd ${this.endpoint}${path} answered ${status}: ${(json as { message?: string }).message ?? text.slice(0, 80)}`);
    return json as T;
  }

  async text(path: string): Promise<string> {
    const { status, text } = await this.send('GET', path);
    if (status !== 200) throw new Error(`etcd ${this.endpoint}${path} answered ${status}`);
    return text;
  }

  private send(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.endpoint);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const call = request(url, { method, timeout: this.timeoutMs, ...(url.protocol === 'https:' ? this.tlsOptions : {}), headers: body ? { 'content-type': 'application/json' } : {} }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      call.on('timeout', () => call.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      call.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
      call.end(body);
    });
  }
}
