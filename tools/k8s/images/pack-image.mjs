// Packs a root file system folder into an OCI image archive that `ctr images import`
// accepts: one uncompressed layer, an image config, a manifest, and an index whose
// io.containerd.image.name annotation names the image. No registry is involved.
// usage: node pack-image.mjs NAME ROOTFS_DIR OUT.tar '["/entrypoint","arg"]'
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [name, rootfs, out, entrypointJson] = process.argv.slice(2);
if (!name || !rootfs || !out || !entrypointJson) {
  console.error('usage: pack-image.mjs NAME ROOTFS_DIR OUT.tar ENTRYPOINT_JSON');
  process.exit(2);
}
const entrypoint = JSON.parse(entrypointJson);
const work = mkdtempSync(join(tmpdir(), 'tapio-image-'));
const blobs = join(work, 'blobs', 'sha256');
mkdirSync(blobs, { recursive: true });
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
const putBlob = (bytes) => {
  const digest = sha(bytes);
  writeFileSync(join(blobs, digest), bytes);
  return { digest: `sha256:${digest}`, size: bytes.length };
};

try {
  const layerPath = join(work, 'layer.tar');
  // Fixed owners and times: the same inputs give the same image digest.
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0',
    '-C', rootfs, '-cf', layerPath, '.']);
  const layerBytes = readFileSync(layerPath);
  rmSync(layerPath);
  const layer = putBlob(layerBytes);
  const config = putBlob(Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Entrypoint: entrypoint, Env: ['PATH=/bin:/usr/bin:/sbin:/usr/sbin'], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  })));
  const manifest = putBlob(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  })));
  writeFileSync(join(work, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(work, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifest,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.split(':').pop() },
    }],
  }));
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0',
    '-C', work, '-cf', out, 'oci-layout', 'index.json', 'blobs']);
  console.log(`${name}: ${out} (${manifest.digest})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
