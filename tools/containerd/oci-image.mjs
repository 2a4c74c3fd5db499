import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes an OCI image archive that `ctr images import` accepts, holding Debian's static
 * busybox (/bin/busybox from busybox-static) with its applets linked: one uncompressed
 * layer, an image config, a manifest and an index naming the image. No registry involved.
 */
export function busyboxImageArchive(name, out) {
  const work = mkdtempSync(join(tmpdir(), 'tapio-oci-'));
  try {
    const root = join(work, 'rootfs');
    for (const dir of ['bin', 'tmp', 'proc', 'sys', 'dev', 'etc']) mkdirSync(join(root, dir), { recursive: true });
    copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const applet of ['sh', 'sleep', 'cat', 'head', 'tail', 'echo', 'true', 'false', 'dd']) symlinkSync('busybox', join(root, 'bin', applet));
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    const blobs = join(work, 'layout', 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    const put = (bytes, mediaType) => {
      const digest = createHash('sha256').update(bytes).digest('hex');
      writeFileSync(join(blobs, digest), bytes);
      return { mediaType, digest: `sha256:${digest}`, size: bytes.length };
    };
    const layerTar = join(work, 'layer.tar');
    execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', root, '-cf', layerTar, '.']);
    const layerBytes = readFileSync(layerTar);
    const layer = put(layerBytes, 'application/vnd.oci.image.layer.v1.tar');
    const diffId = `sha256:${createHash('sha256').update(layerBytes).digest('hex')}`;
    const config = put(
      Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Entrypoint: ['/bin/sh'], Env: ['PATH=/bin'] }, rootfs: { type: 'layers', diff_ids: [diffId] } })),
      'application/vnd.oci.image.config.v1+json',
    );
    const manifest = put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] })), 'application/vnd.oci.image.manifest.v1+json');
    const index = { schemaVersion: 2, manifests: [{ ...manifest, annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': 'latest' } }] };
    writeFileSync(join(work, 'layout', 'index.json'), JSON.stringify(index));
    writeFileSync(join(work, 'layout', 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    execFileSync('tar', ['-C', join(work, 'layout'), '-cf', out, '.']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
